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
/// No root needs hashicorp/kubernetes: Argo CD and the root Application are Helm releases.
/// harbor talks to the managed registry's Harbor: projects and robot accounts, which the
/// OVHcloud API does not manage.
pub const PROVIDERS: [Provider; 4] = [
    Provider { name: "harbor", source: "goharbor/harbor", version: "3.12.4" },
    Provider { name: "helm", source: "hashicorp/helm", version: "3.1.2" },
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

/// `provider "helm"` (3.x: `kubernetes` is an object attribute) on the environment's cluster,
/// from `local.<cluster>`: the kubeconfig fields a data source reads at plan time.
pub fn helm(cluster: &str) -> Block {
    let field = |name: &str| reference("local", &[cluster, name]);
    let connection = object([
        ("host", field("host")),
        ("cluster_ca_certificate", call("base64decode", [field("cluster_ca_certificate")])),
        ("client_certificate", call("base64decode", [field("client_certificate")])),
        ("client_key", call("base64decode", [field("client_key")])),
    ]);
    Block::builder("provider").add_label("helm").add_attribute(("kubernetes", connection)).build()
}

/// `provider "harbor"` on the managed registry, from the `global/registry` root's state
/// (remote state `state`): its URL and the administrator user Terraform created there.
pub fn harbor(state: &str) -> Block {
    let output = |name: &str| reference("data", &["terraform_remote_state", state, "outputs", name]);
    Block::builder("provider")
        .add_label("harbor")
        .add_attribute(("url", output("registry_url")))
        .add_attribute(("username", output("registry_admin_login")))
        .add_attribute(("password", output("registry_admin_password")))
        .add_attribute(("insecure", false))
        .build()
}
