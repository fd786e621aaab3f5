//! The `variables.tf` of an environment's infrastructure root: the inputs that are not in
//! keiko.yaml. Everything an environment decides (its KMS region, its network) is in
//! keiko.yaml and written into the root as literals; only the API endpoint is left.

use super::ovh_endpoint_variable;
use hcl::Body;

/// The `variables.tf` of an environment root.
pub fn variables_tf() -> Body {
    Body::builder().add_block(ovh_endpoint_variable()).build()
}
