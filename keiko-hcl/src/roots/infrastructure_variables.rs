//! The `variables.tf` of an environment's infrastructure root: the inputs that are not in
//! keiko.yaml.

use super::ovh_endpoint_variable;
use crate::blocks::{Variable, variable};
use crate::expr::{bare, call};
use crate::validation::{all_cidrs, matches, not_empty};
use hcl::Body;

/// The KMS region used unless overridden: the Secret Manager next to the GRA clusters.
pub const KMS_REGION: &str = "eu-west-gra";

/// The `variables.tf` of an environment root.
pub fn variables_tf() -> Body {
    Body::builder()
        .add_block(ovh_endpoint_variable())
        .add_block(variable(Variable {
            name: "database_allowed_cidrs",
            description: "CIDRs allowed to reach PostgreSQL: the cluster's egress IPs (and operators' for migrations).",
            kind: call("list", [bare("string")]),
            rules: vec![
                (not_empty("database_allowed_cidrs"), "Give at least one CIDR, or nothing can connect."),
                (all_cidrs("database_allowed_cidrs"), "Every entry must be a CIDR block such as 203.0.113.0/24."),
            ],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "kms_region",
            description: "The OVHcloud KMS region that holds this environment's secrets.",
            kind: bare("string"),
            rules: vec![(matches("kms_region", "^[a-z]+-[a-z]+-[a-z]+$"), "Use a KMS region such as eu-west-gra.")],
            sensitive: false,
            default: Some(KMS_REGION.into()),
        }))
        .build()
}
