//! Terraform rules (KEIKO-TF-001 to 004) on the rendered `.tf` files, parsed back with
//! hcl-rs: exact provider and Terraform versions, one state bucket per environment, exact
//! Helm chart versions, and providers configured from values known at plan time
//! ([`crate::terraform_providers`]).

use super::{Check, Rule, Severity};
use hcl::{Body, Expression, ObjectKey};
use keiko_spec::rule_ids;
use std::collections::BTreeMap;

pub use crate::terraform_input::{TfFile, TfHit, parse};

/// The Terraform rules.
pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            id: rule_ids::TF_001,
            severity: Severity::Error,
            rationale: "a version range lets `terraform init` pick a different provider on every machine",
            hint: "pin required_version and every required_providers version exactly (`2.19.0`) in each root module's versions.tf",
            check: Check::Terraform(pinned_versions),
        },
        Rule {
            id: rule_ids::TF_002,
            severity: Severity::Error,
            rationale: "two environments sharing a state bucket can overwrite or destroy each other's infrastructure",
            hint: "give every environment its own environments.<env>.state_bucket",
            check: Check::Terraform(distinct_state_buckets),
        },
        Rule {
            id: rule_ids::TF_003,
            severity: Severity::Error,
            rationale: "a helm_release without one exact version installs whatever the chart repository serves that day",
            hint: "set version on every helm_release to an exact version, directly or through a module variable every caller sets exactly",
            check: Check::Terraform(pinned_helm_releases),
        },
        Rule {
            id: rule_ids::TF_004,
            severity: Severity::Error,
            rationale: "a provider configured from a resource or module of its own root is unknown on the first apply and stale after that resource is replaced",
            hint: "configure the provider from variables or from data sources known at plan time (another root's remote state, a lookup by its ID); create the resource in an earlier root",
            check: Check::Terraform(crate::terraform_providers::providers_known_at_plan),
        },
    ]
}

/// Whether a version constraint names exactly one version (`1.2.3` or `= 1.2.3`).
pub fn is_exact(version: &str) -> bool {
    let version = version.trim().strip_prefix('=').unwrap_or(version).trim();
    let parts: Vec<&str> = version.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn terraform_blocks(body: &Body) -> impl Iterator<Item = &Body> {
    body.blocks().filter(|block| block.identifier() == "terraform").map(|block| block.body())
}

fn string(expr: &Expression) -> Option<&str> {
    match expr {
        Expression::String(text) => Some(text),
        _ => None,
    }
}

fn key(key: &ObjectKey) -> Option<&str> {
    match key {
        ObjectKey::Identifier(ident) => Some(ident.as_str()),
        ObjectKey::Expression(expr) => string(expr),
        _ => None,
    }
}

/// Root modules (every `versions.tf` outside `modules/`; child modules inherit pins).
fn is_root_versions(path: &str) -> bool {
    path.ends_with("/versions.tf") && !path.contains("/modules/")
}

fn pinned_versions(files: &[TfFile]) -> Vec<TfHit> {
    let mut hits = Vec::new();
    for (index, file) in files.iter().enumerate().filter(|(_, f)| is_root_versions(&f.path)) {
        for terraform in terraform_blocks(&file.body) {
            let required = terraform.attributes().find(|a| a.key() == "required_version");
            if !required.and_then(|a| string(a.expr())).is_some_and(is_exact) {
                let message = "required_version is not pinned to one exact version".to_owned();
                hits.push(TfHit { file: index, name: "required_version".to_owned(), message });
            }
            let providers = terraform.blocks().filter(|b| b.identifier() == "required_providers");
            for provider in providers.flat_map(|block| block.body().attributes()) {
                let version = match provider.expr() {
                    Expression::Object(object) => {
                        object.iter().find(|(k, _)| key(k) == Some("version")).and_then(|(_, v)| string(v))
                    }
                    _ => None,
                };
                if !version.is_some_and(is_exact) {
                    let message = format!("provider {} has version {version:?}: pin one exact version", provider.key());
                    hits.push(TfHit { file: index, name: format!("required_providers.{}", provider.key()), message });
                }
            }
        }
    }
    hits
}

/// The `bucket` and `key` of each backend, with the index of its file.
fn backends(files: &[TfFile]) -> Vec<(usize, &str, &str)> {
    let mut found = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let blocks = terraform_blocks(&file.body).flat_map(|t| t.blocks()).filter(|b| b.identifier() == "backend");
        for backend in blocks {
            let attribute = |name: &str| {
                let attribute = backend.body().attributes().find(|a| a.key() == name);
                attribute.and_then(|a| string(a.expr())).unwrap_or_default()
            };
            found.push((index, attribute("bucket"), attribute("key")));
        }
    }
    found
}

/// The environment a file belongs to (`terraform/envs/<env>/...`), if any.
fn environment(path: &str) -> Option<&str> {
    path.strip_prefix("terraform/envs/")?.split('/').next()
}

/// Environments (`terraform/envs/<env>/`, each with several roots) use distinct buckets, and
/// no two roots share a state (bucket and key); the global root may share a bucket under its
/// own key.
fn distinct_state_buckets(files: &[TfFile]) -> Vec<TfHit> {
    let mut env_buckets: BTreeMap<String, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    let mut states: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, bucket, key) in backends(files) {
        if let Some(env) = files.get(index).and_then(|f| environment(&f.path)) {
            env_buckets.entry(format!("state bucket {bucket}")).or_default().entry(env).or_default().push(index);
        }
        states.entry(format!("state {bucket}/{key}")).or_default().push(index);
    }
    let shared_buckets = env_buckets
        .into_iter()
        .filter(|(_, by_env)| by_env.len() > 1)
        .map(|(what, by_env)| (what, by_env.into_values().flatten().collect::<Vec<_>>()));
    let mut hits = Vec::new();
    for (what, users) in shared_buckets.chain(states.into_iter().filter(|(_, users)| users.len() > 1)) {
        let paths: Vec<&str> = users.iter().filter_map(|&i| files.get(i)).map(|f| f.path.as_str()).collect();
        for &file in &users {
            let message = format!("{what} is shared by {}", paths.join(", "));
            hits.push(TfHit { file, name: "backend".to_owned(), message });
        }
    }
    hits
}

/// The directory of a file (`terraform/modules/argocd-bootstrap`).
fn directory(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `dir/relative` with `..` and `.` segments resolved.
fn joined(dir: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for segment in relative.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The name of a `var.<name>` reference.
fn variable_name(expr: &Expression) -> Option<&str> {
    let Expression::Traversal(traversal) = expr else { return None };
    let is_var = matches!(&traversal.expr, Expression::Variable(v) if v.as_str() == "var");
    match traversal.operators.as_slice() {
        [hcl::TraversalOperator::GetAttr(name)] if is_var => Some(name.as_str()),
        _ => None,
    }
}

/// Every exact-or-not value given to variable `name` of the module in `module_dir`:
/// each caller's argument, or the variable's default when no caller sets it.
fn values_of<'a>(files: &'a [TfFile], module_dir: &str, name: &str) -> Vec<Option<&'a str>> {
    let mut values = Vec::new();
    for file in files {
        for call in file.body.blocks().filter(|b| b.identifier() == "module") {
            let attribute = |key: &str| call.body().attributes().find(|a| a.key() == key).map(|a| a.expr());
            let source = attribute("source").and_then(string).unwrap_or_default();
            if source.starts_with('.') && joined(directory(&file.path), source) == module_dir {
                values.push(attribute(name).and_then(string));
            }
        }
    }
    if values.is_empty() {
        let declarations = files.iter().filter(|f| directory(&f.path) == module_dir).flat_map(|f| f.body.blocks());
        let declared =
            declarations.filter(|b| b.identifier() == "variable" && b.labels().iter().any(|l| l.as_str() == name));
        let defaults =
            declared.map(|b| b.body().attributes().find(|a| a.key() == "default").and_then(|a| string(a.expr())));
        values.extend(defaults);
    }
    values
}

fn pinned_helm_releases(files: &[TfFile]) -> Vec<TfHit> {
    let mut hits = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let releases = file.body.blocks().filter(|b| {
            b.identifier() == "resource" && b.labels().first().is_some_and(|l| l.as_str() == "helm_release")
        });
        for release in releases {
            let name = format!("helm_release.{}", release.labels().get(1).map_or("", |l| l.as_str()));
            let version = release.body().attributes().find(|a| a.key() == "version").map(|a| a.expr());
            let values = match version {
                None => vec![None],
                Some(expr) => match variable_name(expr) {
                    Some(variable) => values_of(files, directory(&file.path), variable),
                    None => vec![string(expr)],
                },
            };
            let loose: Vec<String> =
                values.iter().filter(|v| !v.is_some_and(is_exact)).map(|v| format!("{v:?}")).collect();
            if values.is_empty() || !loose.is_empty() {
                let given = if values.is_empty() { "nothing".to_owned() } else { loose.join(", ") };
                let message = format!("version is {given}: pin one exact chart version");
                hits.push(TfHit { file: index, name: name.clone(), message });
            }
        }
    }
    hits
}
