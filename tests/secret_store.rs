//! Every path of the secret store the cluster reads is written by someone: by
//! Terraform, as its typed bodies say (every property the cluster reads among the keys
//! it writes), or by an operator following docs/runbooks/first-install.md (every path
//! and property listed there). Terraform writes nothing the cluster does not read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hcl::expr::{Expression, ObjectKey, TraversalOperator};
use keiko_hcl::names::EnvRoot;
use keiko_manifests::components::components;
use keiko_manifests::secret_inventory::Reads;
use keiko_model::Platform;
use keiko_model::secrets::{Provider, provider};
use keiko_spec::Env;
use std::collections::{BTreeMap, BTreeSet};

#[path = "support/facts.rs"]
mod facts_support;
#[path = "support/terraform.rs"]
mod terraform;

use terraform::{attribute, module_call, resources};

const RUNBOOK: &str = include_str!("../docs/runbooks/first-install.md");

/// keiko.yaml with every environment's Terraform facts imported (`tests/data`, each naming
/// its environment's KMS), as the first install has them when Argo CD first syncs.
fn keiko() -> Platform {
    facts_support::applied(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

/// What the cluster of `env` reads, from every ExternalSecret it renders.
fn reads(platform: &Platform, env: Env) -> Reads {
    let mut reads = Reads::default();
    for component in components(platform, env).unwrap() {
        component.objects.iter().for_each(|object| reads.add(&object.value));
    }
    reads
}

/// The keys of an object expression.
fn keys(expr: &Expression) -> BTreeSet<String> {
    let Expression::Object(object) = expr else { panic!("not an object: {expr}") };
    object
        .keys()
        .map(|key| match key {
            ObjectKey::Identifier(id) => id.to_string(),
            ObjectKey::Expression(Expression::String(s)) => s.clone(),
            other => panic!("key {other:?}"),
        })
        .collect()
}

/// What Terraform writes into the secret store of `env`: each `ovh_okms_secret` of module
/// `secrets`, its path (a literal, or `format("<pattern>", each.key)` over the module's
/// `databases` or `stores`, which the root passes as `local.databases` and `local.stores`)
/// and the keys of its data.
fn written(platform: &Platform, env: Env) -> BTreeMap<String, BTreeSet<String>> {
    let bodies = terraform::bodies(platform);
    let root = &bodies[&terraform::root_file(env, EnvRoot::Infrastructure, "main.tf")];
    let call = module_call(root, "secrets");
    let locals = root.blocks().find(|b| b.identifier() == "locals").unwrap();
    let each: BTreeMap<String, BTreeSet<String>> = ["databases", "stores"]
        .into_iter()
        .map(|input| {
            assert_eq!(attribute(call.body(), input).unwrap().to_string(), format!("local.{input}"));
            (format!("var.{input}"), keys(attribute(locals.body(), input).unwrap()))
        })
        .collect();
    let module = &bodies["terraform/modules/secrets/main.tf"];
    let mut out = BTreeMap::new();
    for body in resources(module, "ovh_okms_secret") {
        let version = attribute(body, "version").unwrap();
        let Expression::Object(version) = version else { panic!("version") };
        let data =
            version.iter().find(|(k, _)| matches!(k, ObjectKey::Identifier(id) if id.as_str() == "data")).unwrap().1;
        let Expression::FuncCall(encode) = data else { panic!("data is jsonencode(..)") };
        let properties = keys(&encode.args[0]);
        let paths: Vec<String> = match attribute(body, "path").unwrap() {
            Expression::String(path) => vec![path.clone()],
            Expression::FuncCall(format) if format.name.name.as_str() == "format" => {
                let over = attribute(body, "for_each").unwrap().to_string();
                let names = each.get(&over).unwrap_or_else(|| panic!("for_each over {over}"));
                let Expression::String(pattern) = &format.args[0] else { panic!("pattern") };
                let Expression::Traversal(key) = &format.args[1] else { panic!("each.key") };
                assert!(matches!(key.operators.as_slice(), [TraversalOperator::GetAttr(k)] if k.as_str() == "key"));
                names.iter().map(|name| pattern.replacen("%s", name, 1)).collect()
            }
            other => panic!("cannot read the path {other}"),
        };
        for path in paths {
            out.insert(path, properties.clone());
        }
    }
    // Root global/harbor writes each applied environment's pull credential into its KMS.
    let okms_id = &platform.environments().get(env).secret_manager.okms_id;
    for body in resources(&bodies["terraform/global/harbor/main.tf"], "ovh_okms_secret") {
        if attribute(body, "okms_id").unwrap().to_string().trim_matches('"') != okms_id.as_str() {
            continue;
        }
        let Expression::String(path) = attribute(body, "path").unwrap() else { panic!("path") };
        let Expression::Object(version) = attribute(body, "version").unwrap() else { panic!("version") };
        let data = version.iter().find(|(k, _)| k.to_string() == "data").unwrap().1;
        let Expression::FuncCall(encode) = data else { panic!("data is jsonencode(..)") };
        out.insert(path.clone(), keys(&encode.args[0]));
    }
    out
}

/// The paths and properties for an operator that `runbook` leaves out.
fn missing_from_runbook(runbook: &str, path: &str, properties: &BTreeSet<String>) -> Vec<String> {
    let row = runbook.lines().find(|line| line.contains(&format!("| `{path}` |")));
    let Some(row) = row else { return vec![path.to_owned()] };
    properties.iter().filter(|p| !row.contains(&format!("`{p}`"))).map(|p| format!("{path} {p}")).collect()
}

#[test]
fn every_secret_the_cluster_reads_is_written_by_terraform_or_an_operator() {
    let platform = keiko();
    for env in Env::ALL {
        let written = written(&platform, env);
        let reads = reads(&platform, env);
        for (path, (properties, readers)) in &reads.paths {
            match provider(&platform, path) {
                Provider::Terraform => {
                    let keys = written
                        .get(path)
                        .unwrap_or_else(|| panic!("{env}: {path} ({readers:?}): Terraform writes no such secret"));
                    let unwritten: Vec<_> = properties.difference(keys).collect();
                    assert!(
                        unwritten.is_empty(),
                        "{env}: {path}: Terraform writes no {unwritten:?}, which {readers:?} read"
                    );
                }
                Provider::Operator => {
                    assert!(
                        !written.contains_key(path),
                        "{env}: {path} is written by Terraform but listed for an operator"
                    );
                    let missing = missing_from_runbook(RUNBOOK, path, properties);
                    assert!(
                        missing.is_empty(),
                        "{env}: first-install.md does not list {missing:?}, read by {readers:?}"
                    );
                }
            }
        }
        for path in written.keys() {
            assert!(reads.paths.contains_key(path), "{env}: Terraform writes {path}, which nothing reads");
        }
        for (secret, key) in &reads.tokens {
            let (namespace, name) = secret.split_once('/').unwrap();
            assert!(
                RUNBOOK.contains(&format!("kubectl -n {namespace} create secret generic {name} --from-literal={key}="))
            );
            assert!(
                RUNBOOK.contains(&format!("kubectl create namespace {namespace}")),
                "the token's namespace is made first"
            );
        }
    }
}

#[test]
fn the_generated_inventory_lists_every_path_and_who_writes_it() {
    let platform = keiko();
    let reads = reads(&platform, Env::Production);
    let inventory = keiko_manifests::secret_inventory::render(&platform, &reads);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../generated/secrets-inventory.md")).unwrap();
    assert_eq!(inventory, committed);
    for path in reads.paths.keys() {
        let by = if provider(&platform, path) == Provider::Terraform { "Terraform" } else { "operator" };
        assert!(
            inventory.lines().any(|l| l.starts_with(&format!("| `{path}` |")) && l.contains(&format!("| {by} |"))),
            "{path}"
        );
    }
}

#[test]
fn a_secret_left_out_of_the_runbook_is_named() {
    let properties: BTreeSet<String> = ["signing-key".to_owned()].into();
    let without = RUNBOOK.replace("| `identity-service/jwt` | `signing-key` |", "| `identity-service/jwt` | |");
    assert_eq!(
        missing_from_runbook(&without, "identity-service/jwt", &properties),
        ["identity-service/jwt signing-key"]
    );
    assert_eq!(missing_from_runbook(RUNBOOK, "no-such/path", &properties), ["no-such/path"]);
    assert!(missing_from_runbook(RUNBOOK, "identity-service/jwt", &properties).is_empty());
}

#[test]
fn a_property_terraform_does_not_write_is_seen() {
    // The database secret's keys are the ones the ExternalSecrets read, no more, no fewer.
    let platform = keiko();
    let written = written(&platform, Env::Dev);
    let expected: BTreeSet<String> =
        keiko_model::secrets::DATABASE_PROPERTIES.iter().map(|p| (*p).to_owned()).collect();
    for (name, service) in platform.services() {
        let path = keiko_model::secrets::database_path(name);
        assert_eq!(written.contains_key(&path), service.database.is_some(), "{path}");
        if service.database.is_some() {
            assert_eq!(written[&path], expected, "{path}");
        }
    }
}

#[test]
fn every_store_reads_its_credentials_from_terraform() {
    // The stores and each of their clients read `<store>/credentials`; Terraform writes it
    // with a generated password, so no operator step exists for it.
    let platform = keiko();
    let written = written(&platform, Env::Production);
    let reads = reads(&platform, Env::Production);
    let expected: BTreeSet<String> =
        keiko_model::secrets::STORE_CREDENTIAL_PROPERTIES.iter().map(|p| (*p).to_owned()).collect();
    for (name, store) in platform.stateful() {
        let path = keiko_model::secrets::store_credentials_path(name);
        assert_eq!(provider(&platform, &path), Provider::Terraform, "{path}");
        assert_eq!(written.get(&path), Some(&expected), "{path}");
        let (_, readers) = &reads.paths[&path];
        assert!(readers.contains(&format!("{}/{name}-credentials", store.namespace)), "{path}: {readers:?}");
        for client in &store.clients {
            let secret = format!("{}/{client}-{name}", platform.settings().namespace);
            assert!(readers.contains(&secret), "{path}: {client} reads no credentials: {readers:?}");
        }
    }
}
