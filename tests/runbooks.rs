//! The runbooks name only what exists: every `terraform output` an environment root
//! declares, every `-replace` address a resource of the module it names (for_each keys
//! included), and every object a `kubectl` command names as `<kind>/<name>` or
//! `<verb> <kind> <name>` rendered in that namespace, in every environment, for every
//! service or store a placeholder stands for. Objects the add-on charts render (named
//! after their release) and runtime objects (pods, jobs) are outside what we render.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hcl::Body;
use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_spec::Env;
use std::collections::BTreeMap;

#[path = "support/terraform.rs"]
mod terraform;

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

/// Every runbook, by file name.
fn runbooks() -> BTreeMap<String, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/runbooks");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

/// The inline commands of a runbook (text between backticks).
fn commands(text: &str) -> Vec<String> {
    text.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// Placeholders that stand for every service or store of a kind: `<service>`,
/// `<rolling-service>` and `<blue-green-service>` (by rollout strategy),
/// `<service-with-secrets>`, `<store>`. Other placeholders are left for the reader.
fn expand(platform: &Platform, text: &str) -> Vec<String> {
    use keiko_spec::service::RolloutStrategy;
    let services = |keep: &dyn Fn(&keiko_spec::service::Service) -> bool| -> Vec<String> {
        platform.services().iter().filter(|(_, s)| keep(s)).map(|(n, _)| n.clone()).collect()
    };
    let kinds: [(&str, Vec<String>); 6] = [
        ("<env>", Env::ALL.iter().map(|e| e.name().to_owned()).collect()),
        ("<service>", services(&|_| true)),
        ("<rolling-service>", services(&|s| s.rollout.strategy == RolloutStrategy::RollingUpdate)),
        ("<blue-green-service>", services(&|s| s.rollout.strategy == RolloutStrategy::BlueGreen)),
        ("<service-with-secrets>", services(&|s| !s.secrets.is_empty())),
        ("<store>", platform.stateful().keys().cloned().collect()),
    ];
    match kinds.iter().find(|(placeholder, _)| text.contains(placeholder)) {
        Some((placeholder, names)) => {
            names.iter().flat_map(|n| expand(platform, &text.replace(placeholder, n))).collect()
        }
        None => vec![text.to_owned()],
    }
}

fn outputs(root: &Body) -> Vec<String> {
    root.blocks().filter(|b| b.identifier() == "output").map(|b| b.labels()[0].as_str().to_owned()).collect()
}

/// The root a Terraform command runs in: `-chdir=<dir>` or a `cd <dir> &&` before it,
/// relative to `generated/`.
fn root_of(command: &str) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let chdir = words.iter().find_map(|w| w.strip_prefix("-chdir="));
    let cd = words.iter().position(|w| *w == "cd").and_then(|i| words.get(i + 1)).copied();
    chdir.or(cd).map(|dir| dir.trim_start_matches("generated/").trim_end_matches('/').to_owned())
}

/// Problems of the Terraform a command names: the root it runs in must be one we render,
/// and the outputs and `-replace` addresses it names must exist in that root.
fn terraform_problems(bodies: &BTreeMap<String, Body>, command: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let words: Vec<&str> = command.split_whitespace().collect();
    if !words.contains(&"terraform") {
        return problems;
    }
    let Some(root) = root_of(command) else {
        return vec![format!("`{command}`: say which root it runs in (`terraform -chdir=generated/terraform/...`)")];
    };
    let file = |name: &str| bodies.get(&format!("{root}/{name}"));
    if file("versions.tf").is_none() {
        return vec![format!("`{command}`: {root} is not a root module we render")];
    }
    let output = words.iter().position(|w| *w == "output");
    let name = output.and_then(|i| words[i + 1..].iter().find(|w| !w.starts_with('-') && !w.starts_with('>')));
    let declared = file("outputs.tf").map(outputs).unwrap_or_default();
    if let Some(name) = name.filter(|name| !declared.iter().any(|o| o == *name)) {
        problems.push(format!("`{command}`: {root} has no output `{name}`"));
    }
    for word in words.iter().filter_map(|w| w.strip_prefix("-replace=")) {
        let address = word.trim_matches('\'');
        let parts: Vec<&str> = address.splitn(4, '.').collect();
        let ["module", module, kind, rest] = parts.as_slice() else {
            problems.push(format!("`{command}`: cannot read the address {address}"));
            continue;
        };
        let (name, key) =
            rest.split_once('[').map_or((*rest, None), |(n, k)| (n, Some(k.trim_end_matches(']').trim_matches('"'))));
        let call = file("main.tf").and_then(|root| {
            root.blocks()
                .find(|b| b.identifier() == "module" && b.labels()[0].as_str() == *module)
                .map(|b| terraform::attribute(b.body(), "source").unwrap().to_string())
        });
        let Some(source) = call else {
            problems.push(format!("`{command}`: {root} calls no module `{module}`"));
            continue;
        };
        let dir = source.trim_matches('"').trim_start_matches("../../../");
        let main = &bodies[&format!("terraform/{dir}/main.tf")];
        let resource = main.blocks().find(|b| {
            b.identifier() == "resource" && b.labels()[0].as_str() == *kind && b.labels()[1].as_str() == name
        });
        match (resource, key) {
            (None, _) => problems.push(format!("`{command}`: module {module} ({dir}) has no resource {kind}.{name}")),
            (Some(r), Some(_)) if terraform::attribute(r.body(), "for_each").is_none() => {
                problems.push(format!("`{command}`: {kind}.{name} has no for_each, so no [key]"));
            }
            _ => {}
        }
    }
    problems
}

/// The kinds a runbook's kubectl names, by the words kubectl accepts.
fn kind(word: &str) -> Option<&'static str> {
    Some(match word {
        "deploy" | "deployment" => "Deployment",
        "statefulset" | "sts" => "StatefulSet",
        "cronjob" => "CronJob",
        "externalsecret" => "ExternalSecret",
        "certificate" => "Certificate",
        "rollout" => "Rollout",
        "svc" | "service" => "Service",
        _ => return None,
    })
}

/// Problems of the objects a kubectl command names.
fn kubectl_problems(platform: &Platform, command: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for segment in command.split("&&").filter(|s| s.trim_start().starts_with("kubectl")) {
        let words: Vec<&str> = segment.split_whitespace().collect();
        let Some(ns) = words.iter().position(|w| *w == "-n").map(|i| words[i + 1]) else { continue };
        let mut named = Vec::new();
        for (i, word) in words.iter().enumerate() {
            if let Some((k, name)) = word.split_once('/').and_then(|(k, n)| kind(k).map(|k| (k, n))) {
                named.push((k, name.to_owned()));
            } else if let (Some(k), Some(name)) = (kind(word), words.get(i + 1)) {
                // `kubectl rollout restart …` is a command, not the Rollout kind.
                let subcommand = ["restart", "status", "undo", "history", "pause", "resume"].contains(name);
                if i > 0 && !name.starts_with('-') && !subcommand {
                    named.push((k, (*name).to_owned()));
                }
            }
        }
        for (kind, name) in named {
            if name.contains('<') || name.contains('$') {
                continue;
            }
            let chart =
                platform.addons().iter().any(|(release, a)| a.namespace == ns && name.starts_with(release.as_str()));
            if chart {
                continue;
            }
            for env in Env::ALL {
                let found = components(platform, env)
                    .unwrap()
                    .iter()
                    .flat_map(|c| &c.objects)
                    .any(|o| o.kind == kind && o.namespace == ns && o.name == name);
                if !found {
                    problems.push(format!("`{}`: no {kind} {ns}/{name} in {env}", segment.trim()));
                    break;
                }
            }
        }
    }
    problems
}

#[test]
fn every_runbook_names_only_what_exists() {
    let platform = keiko();
    let bodies = terraform::bodies(&platform);
    let mut problems = Vec::new();
    for (file, text) in runbooks() {
        for command in commands(&text) {
            for command in expand(&platform, &command) {
                if command.contains("terraform") {
                    problems.extend(terraform_problems(&bodies, &command).into_iter().map(|p| format!("{file}: {p}")));
                }
                if command.contains("kubectl") {
                    problems.extend(kubectl_problems(&platform, &command).into_iter().map(|p| format!("{file}: {p}")));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_command_naming_nothing_is_caught() {
    let platform = keiko();
    let bodies = terraform::bodies(&platform);
    let infrastructure = "terraform -chdir=generated/terraform/envs/dev/infrastructure";
    assert_eq!(terraform_problems(&bodies, &format!("{infrastructure} output -raw no_such_output")).len(), 1);
    assert!(terraform_problems(&bodies, &format!("{infrastructure} output -raw kubeconfig")).is_empty());
    let argocd = "terraform -chdir=generated/terraform/envs/dev/argocd output -raw kubeconfig";
    assert!(terraform_problems(&bodies, argocd)[0].contains("has no output"), "outputs belong to one root");
    let wrong = format!(
        "{infrastructure} apply -replace='module.postgres.ovh_cloud_project_database_postgresql_user.service[\"x\"]'"
    );
    assert!(terraform_problems(&bodies, &wrong)[0].contains("has no resource"));
    assert!(terraform_problems(&bodies, "terraform output -raw kubeconfig")[0].contains("which root"));
    let old = "terraform -chdir=generated/terraform/envs/dev apply";
    assert!(terraform_problems(&bodies, old)[0].contains("not a root module"));
    let problems = kubectl_problems(&platform, "kubectl -n keiko get cronjob backup-nobody");
    assert_eq!(problems.len(), 1, "{problems:?}");
}

/// Where in `text` the command `terraform -chdir=<root> <verb>` first appears.
fn position(text: &str, root: &str, verb: &str) -> usize {
    let command = format!("terraform -chdir=generated/terraform/{root} {verb}");
    text.find(&command).unwrap_or_else(|| panic!("first-install.md never runs `{command}`"))
}

#[test]
fn the_first_install_applies_the_roots_in_order_and_destroys_them_in_reverse() {
    let text = &runbooks()["first-install.md"];
    let env = |root: keiko_hcl::names::EnvRoot| root.dir(Env::Dev).replace("dev", "<env>");
    let [infrastructure, argocd] = keiko_hcl::names::EnvRoot::APPLY_ORDER.map(env);
    let order =
        ["bootstrap".to_owned(), "global/registry".to_owned(), infrastructure, "global/harbor".to_owned(), argocd];
    let applies: Vec<usize> = order.iter().map(|root| position(text, root, "apply")).collect();
    assert!(
        applies.is_sorted(),
        "apply order {applies:?}: state buckets, registry, infrastructure, Harbor (it writes into the KMS), Argo CD"
    );
    let destroys: Vec<usize> =
        keiko_hcl::names::EnvRoot::APPLY_ORDER.iter().rev().map(|r| position(text, &env(*r), "destroy")).collect();
    assert!(destroys.is_sorted(), "destroy runs the roots in reverse order: {destroys:?}");
}
