//! The root modules Terraform runs: two per environment (infrastructure, then argocd), the
//! shared `global` root, and the `bootstrap` root that creates the state buckets with local
//! state.

pub mod argocd;
pub mod backend;
pub mod bootstrap;
pub mod global;
pub mod infrastructure;
pub mod infrastructure_outputs;
pub mod infrastructure_variables;

use crate::blocks::{Variable, variable};
use crate::expr::bare;
use crate::providers::{OVH_ENDPOINT, TERRAFORM_VERSION, required_providers};
use crate::validation::one_of;
use hcl::{Block, Body};

/// A root's `versions.tf`: exact Terraform and provider versions, and its backend if any.
pub fn versions(providers: &[&str], backend: Option<Block>) -> Body {
    let mut terraform = Block::builder("terraform")
        .add_attribute(("required_version", TERRAFORM_VERSION))
        .add_block(required_providers(providers, true));
    if let Some(backend) = backend {
        terraform = terraform.add_block(backend);
    }
    Body::builder().add_block(terraform.build()).build()
}

/// The `ovh_endpoint` variable every root takes.
pub fn ovh_endpoint_variable() -> Block {
    variable(Variable {
        name: "ovh_endpoint",
        description: "The OVH API endpoint; credentials come from OVH_CLIENT_ID and OVH_CLIENT_SECRET.",
        kind: bare("string"),
        rules: vec![(one_of("ovh_endpoint", &["ovh-eu", "ovh-ca", "ovh-us"]), "Use ovh-eu, ovh-ca or ovh-us.")],
        sensitive: false,
        default: Some(OVH_ENDPOINT.into()),
    })
}
