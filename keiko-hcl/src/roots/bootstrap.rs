//! The `bootstrap` root: the three state buckets, kept in local state (they must exist
//! before any other root can `init`).

use super::{ovh_endpoint_variable, versions};
use crate::blocks::module_call;
use crate::expr::{object, reference};
use crate::providers;
use hcl::{Block, Body, Expression};
use keiko_model::Platform;
use keiko_model::generated::MANAGED_BY;

/// The `main.tf` of the bootstrap root.
pub fn main_tf(platform: &Platform) -> Body {
    let tags = object([
        ("managed_by", MANAGED_BY.into()),
        ("platform", platform.settings().name.as_str().into()),
        ("purpose", "terraform-state".into()),
    ]);
    let builder = Body::builder()
        .add_block(Block::builder("locals").add_attribute(("tags", tags)).build())
        .add_block(providers::ovh());
    let buckets = platform.environments().iter().map(|(env, environment)| {
        let tags =
            crate::expr::call("merge", [reference("local", &["tags"]), object([("environment", env.name().into())])]);
        module_call(&format!("state_{}", env.short_name()), "../modules", "object-storage")
            .add_attribute(("name", environment.state_bucket.as_str()))
            .add_attribute(("region", environment.region.as_str()))
            .add_attribute(("expiration_rules", Expression::Array(Vec::new())))
            .add_attribute(("tags", tags))
            .build()
    });
    buckets.fold(builder, |b, block| b.add_block(block)).build()
}

/// The `versions.tf` of the bootstrap root: no backend, the state stays local.
pub fn versions_tf() -> Body {
    versions(&["ovh"], None)
}

/// The `variables.tf` of the bootstrap root.
pub fn variables_tf() -> Body {
    Body::builder().add_block(ovh_endpoint_variable()).build()
}
