//! The Terraform and provider versions every root module pins, and the provider blocks.

use crate::expr::{call, object, reference, var};
use hcl::{Block, Expression};

/// The exact Terraform version: 1.11 is the first with native S3 state locking (`use_lockfile`) as GA.
pub const TERRAFORM_VERSION: &str = "1.11.4";

/// A provider Keiko uses, pinned to one exact version.
pub struct Provider {
    /// The local name (`ovh`).
    pub name: &'static str,
    /// The registry source (`ovh/ovh`).
    pub source: &'static str,
    /// The exact version.
    pub version: &'static str,
}

/// Every provider, pinned exactly: helm is on its 3.x schema (`set = [..]`, `kubernetes = {..}`).
/// random generates the stores' passwords inside Terraform, so no operator ever sees them.
pub const PROVIDERS: [Provider; 4] = [
    Provider { name: "helm", source: "hashicorp/helm", version: "3.1.2" },
    Provider { name: "kubernetes", source: "hashicorp/kubernetes", version: "3.2.1" },
    Provider { name: "ovh", source: "ovh/ovh", version: "2.19.0" },
    Provider { name: "random", source: "hashicorp/random", version: "3.9.0" },
];

/// The OVH API endpoint of Keiko's account (Europe).
pub const OVH_ENDPOINT: &str = "ovh-eu";

/// `required_providers { .. }` for `names`, with exact versions when `pinned`, source only otherwise.
pub fn required_providers(names: &[&str], pinned: bool) -> Block {
    let chosen = PROVIDERS.iter().filter(|p| names.contains(&p.name));
    let builder = chosen.fold(Block::builder("required_providers"), |b, p| {
        let mut fields = vec![("source", Expression::from(p.source))];
        if pinned {
            fields.push(("version", p.version.into()));
        }
        b.add_attribute((p.name, object(fields)))
    });
    builder.build()
}

/// `provider "ovh"`: credentials come from `OVH_CLIENT_ID`/`OVH_CLIENT_SECRET`, the project from
/// `OVH_CLOUD_PROJECT_SERVICE`.
pub fn ovh() -> Block {
    Block::builder("provider").add_label("ovh").add_attribute(("endpoint", var("ovh_endpoint"))).build()
}

/// The connection fields both Kubernetes-facing providers take, from the cluster module.
fn cluster_connection() -> Vec<(&'static str, Expression)> {
    let kube = |field: &str| reference("module", &["kubernetes", field]);
    vec![
        ("host", kube("host")),
        ("cluster_ca_certificate", call("base64decode", [kube("cluster_ca_certificate")])),
        ("client_certificate", call("base64decode", [kube("client_certificate")])),
        ("client_key", call("base64decode", [kube("client_key")])),
    ]
}

/// `provider "helm"` (3.x: `kubernetes` is an object attribute) on the environment's cluster.
pub fn helm() -> Block {
    Block::builder("provider").add_label("helm").add_attribute(("kubernetes", object(cluster_connection()))).build()
}

/// `provider "kubernetes"` on the environment's cluster.
pub fn kubernetes() -> Block {
    let connection = cluster_connection()
        .into_iter()
        .fold(Block::builder("provider").add_label("kubernetes"), |b, f| b.add_attribute(f));
    connection.build()
}
