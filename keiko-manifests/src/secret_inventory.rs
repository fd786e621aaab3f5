//! `secrets-inventory.md`: every path of the secret store the cluster reads, the
//! properties read, who reads them and who writes them, and the one Kubernetes Secret
//! made by hand (the store's token, ADR 0008). Read from the ExternalSecrets and the
//! ClusterSecretStore as rendered, so it cannot leave one out; the first-install
//! runbook creates every operator entry, and a test holds the two together.

use keiko_model::Platform;
use keiko_model::secrets::{Provider, provider};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Where the inventory is written, relative to `generated/`.
pub const PATH: &str = "secrets-inventory.md";

/// What the cluster reads from the secret store, gathered from rendered objects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// Properties and readers (`namespace/ExternalSecret`) of each path.
    pub paths: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
    /// The Kubernetes Secrets the stores authenticate with (`namespace/name` and key).
    pub tokens: BTreeSet<(String, String)>,
}

impl Reads {
    /// Notes what `object` reads, if it is an ExternalSecret or a ClusterSecretStore.
    pub fn add(&mut self, object: &Value) {
        let text = |value: &Value, pointer: &str| {
            value.pointer(pointer).and_then(Value::as_str).unwrap_or_default().to_owned()
        };
        match object.get("kind").and_then(Value::as_str) {
            Some("ExternalSecret") => {
                let reader = format!("{}/{}", text(object, "/metadata/namespace"), text(object, "/metadata/name"));
                for item in object.pointer("/spec/data").and_then(Value::as_array).into_iter().flatten() {
                    let (path, property) = (text(item, "/remoteRef/key"), text(item, "/remoteRef/property"));
                    let entry = self.paths.entry(path).or_default();
                    entry.0.insert(property);
                    entry.1.insert(reader.clone());
                }
            }
            Some("ClusterSecretStore") => {
                let token = object.pointer("/spec/provider/vault/auth/tokenSecretRef");
                if let Some(token) = token {
                    let secret = format!("{}/{}", text(token, "/namespace"), text(token, "/name"));
                    self.tokens.insert((secret, text(token, "/key")));
                }
            }
            _ => {}
        }
    }

    /// Adds everything `other` noted.
    pub fn merge(&mut self, other: Reads) {
        for (path, (properties, readers)) in other.paths {
            let entry = self.paths.entry(path).or_default();
            entry.0.extend(properties);
            entry.1.extend(readers);
        }
        self.tokens.extend(other.tokens);
    }
}

/// The inventory as Markdown.
pub fn render(platform: &Platform, reads: &Reads) -> String {
    let mut out = format!("<!-- {} -->\n# Secrets inventory\n\n", keiko_model::generated::marker());
    out.push_str("Every secret the platform consumes, per environment's OVHcloud Secret Manager (Vault KV v2,\n");
    out.push_str("mount `secret`), and who writes it. Operator entries are created by\n");
    out.push_str("docs/runbooks/first-install.md; rotate one by writing a new version at the same path:\n");
    out.push_str("External Secrets refreshes every hour.\n\n");
    out.push_str("| path | properties | written by | read by |\n| --- | --- | --- | --- |\n");
    for (path, (properties, readers)) in &reads.paths {
        let by = match provider(platform, path) {
            Provider::Terraform => "Terraform",
            Provider::Operator => "operator",
        };
        let list = |set: &BTreeSet<String>| set.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
        let _ = writeln!(out, "| `{path}` | {} | {by} | {} |", list(properties), list(readers));
    }
    out.push_str("\nKubernetes Secrets made by hand, before the first sync (ADR 0008):\n\n");
    for (secret, key) in &reads.tokens {
        let _ = writeln!(out, "- `{secret}`, key `{key}`: the secret store's token");
    }
    out
}
