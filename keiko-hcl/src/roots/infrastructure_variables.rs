//! The `variables.tf` of an environment's infrastructure root: the inputs that are not in
//! keiko.yaml.

use super::ovh_endpoint_variable;
use crate::blocks::{Variable, variable};
use crate::expr::bare;
use crate::validation::matches;
use hcl::Body;

/// The KMS region used unless overridden: the Secret Manager next to the GRA clusters.
pub const KMS_REGION: &str = "eu-west-gra";

/// The `variables.tf` of an environment root.
pub fn variables_tf() -> Body {
    Body::builder()
        .add_block(ovh_endpoint_variable())
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
