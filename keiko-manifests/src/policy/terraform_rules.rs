//! Terraform rules (KEIKO-TF-001 and 002) on the rendered `.tf` files, parsed back with
//! hcl-rs: exact provider and Terraform versions, one state bucket per environment.

use super::{Check, Rule, Severity};
use hcl::{Body, Expression, ObjectKey};
use std::collections::BTreeMap;

/// One parsed Terraform file.
#[derive(Debug, Clone, PartialEq)]
pub struct TfFile {
    /// The path, relative to `generated/`.
    pub path: String,
    /// Its body.
    pub body: Body,
}

/// A failure of a Terraform rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TfHit {
    /// The index of the failing file.
    pub file: usize,
    /// What in the file fails (`required_providers.ovh`, `backend.s3`).
    pub name: String,
    /// What is wrong.
    pub message: String,
}

/// Parses one file; the error names the file and what hcl-rs said.
pub fn parse(path: &str, text: &str) -> Result<TfFile, String> {
    hcl::from_str::<Body>(text)
        .map(|body| TfFile { path: path.to_owned(), body })
        .map_err(|error| format!("{path}: malformed HCL: {error}"))
}

/// The Terraform rules.
pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            id: "KEIKO-TF-001",
            severity: Severity::Error,
            rationale: "a version range lets `terraform init` pick a different provider on every machine",
            hint: "pin required_version and every required_providers version exactly (`2.19.0`) in each root module's versions.tf",
            check: Check::Terraform(pinned_versions),
        },
        Rule {
            id: "KEIKO-TF-002",
            severity: Severity::Error,
            rationale: "two environments sharing a state bucket can overwrite or destroy each other's infrastructure",
            hint: "give every environment its own environments.<env>.state_bucket",
            check: Check::Terraform(distinct_state_buckets),
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

/// Environment stacks (`terraform/envs/<env>/`) use distinct buckets, and no two stacks
/// share a state (bucket and key); the global stack may share a bucket under its own key.
fn distinct_state_buckets(files: &[TfFile]) -> Vec<TfHit> {
    let mut env_buckets: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut states: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, bucket, key) in backends(files) {
        if files.get(index).is_some_and(|f| f.path.starts_with("terraform/envs/")) {
            env_buckets.entry(format!("state bucket {bucket}")).or_default().push(index);
        }
        states.entry(format!("state {bucket}/{key}")).or_default().push(index);
    }
    let mut hits = Vec::new();
    for (what, users) in env_buckets.into_iter().chain(states).filter(|(_, users)| users.len() > 1) {
        let paths: Vec<&str> = users.iter().filter_map(|&i| files.get(i)).map(|f| f.path.as_str()).collect();
        for &file in &users {
            let message = format!("{what} is shared by {}", paths.join(", "));
            hits.push(TfHit { file, name: "backend".to_owned(), message });
        }
    }
    hits
}
