//! The `global` root: what every environment shares (the container registry). Its state
//! lives in the production state bucket under `global/terraform.tfstate`.

use super::backend::{StateLocation, s3};
use super::{ovh_endpoint_variable, versions};
use crate::blocks::{module_call, output};
use crate::expr::reference;
use crate::providers;
use hcl::Body;
use keiko_model::Platform;
use keiko_spec::Env;

/// The registry plan: enough for the services' images; plans can only be upgraded.
pub const REGISTRY_PLAN: &str = "SMALL";
/// The state key of the global root.
pub const STATE_KEY: &str = "global/terraform.tfstate";

/// The `main.tf` of the global root.
pub fn main_tf(platform: &Platform) -> Body {
    let production = platform.environments().get(Env::Production);
    let registry = module_call("registry", "../modules", "registry")
        .add_attribute(("name", platform.settings().organization.as_str()))
        .add_attribute(("region", production.region.as_str()))
        .add_attribute(("plan", REGISTRY_PLAN))
        .build();
    Body::builder().add_block(providers::ovh()).add_block(registry).build()
}

/// The `versions.tf` of the global root.
pub fn versions_tf(platform: &Platform) -> Body {
    let production = platform.environments().get(Env::Production);
    let location = StateLocation { bucket: &production.state_bucket, key: STATE_KEY, region: &production.region };
    versions(&["ovh"], Some(s3(&location)))
}

/// The `variables.tf` of the global root.
pub fn variables_tf() -> Body {
    Body::builder().add_block(ovh_endpoint_variable()).build()
}

/// The `outputs.tf` of the global root.
pub fn outputs_tf() -> Body {
    Body::builder()
        .add_block(output("registry_url", "The registry URL.", reference("module", &["registry", "url"])))
        .build()
}
