//! Module `object-storage`: one versioned, encrypted bucket with expiration rules by prefix.
//!
//! Used for the backup buckets (dailies under `daily/`, weeklies under `weekly/`) and, from the
//! bootstrap root, for the Terraform state buckets (no expiration rules: no lifecycle resource).

use super::Module;
use crate::blocks::{Variable, object_type, output, prevent_destroy, resource, variable};
use crate::expr::{bare, call, num, object, reference, var};
use crate::resources::{STORAGE, STORAGE_LIFECYCLE};
use crate::validation::{all, at_least, matches};
use hcl::expr::{BinaryOp, BinaryOperator, Conditional, ForExpr};
use hcl::{Block, Body, Expression, Identifier};

/// Server-side encryption with OVHcloud-managed keys.
pub const SSE_ALGORITHM: &str = "AES256";
/// Days a replaced or deleted object version is kept, so a bad write can be undone.
pub const NONCURRENT_DAYS: u32 = 30;

/// The `object-storage` module.
pub fn module() -> Module {
    let main = Body::builder().add_block(bucket()).add_block(lifecycle()).build();
    Module { dir: "object-storage", main, variables: variables(), outputs: outputs(), providers: &["ovh"] }
}

fn bucket() -> Block {
    resource(STORAGE, "bucket")
        .add_attribute(("name", var("name")))
        .add_attribute(("region_name", var("region")))
        .add_attribute(("hide_objects", true))
        .add_attribute(("versioning", object([("status", "enabled".into())])))
        .add_attribute(("encryption", object([("sse_algorithm", SSE_ALGORITHM.into())])))
        .add_attribute(("tags", var("tags")))
        .add_block(prevent_destroy())
        .build()
}

fn lifecycle() -> Block {
    let any_rule = BinaryOp::new(call("length", [var("expiration_rules")]), BinaryOperator::Greater, num(0));
    let count = Conditional::new(Expression::from(any_rule), num(1), num(0));
    resource(STORAGE_LIFECYCLE, "bucket")
        .add_attribute(("count", Expression::from(count)))
        .add_attribute(("region_name", var("region")))
        .add_attribute(("container_name", reference(STORAGE, &["bucket", "name"])))
        .add_attribute(("rules", rules()))
        .build()
}

/// `[for rule in var.expiration_rules : { .. }]`.
fn rules() -> Expression {
    let field = |name: &str| reference("rule", &[name]);
    let rule = object([
        ("id", field("id")),
        ("status", "enabled".into()),
        ("filter", object([("prefix", field("prefix"))])),
        ("expiration", object([("days", field("days"))])),
        ("noncurrent_version_expiration", object([("noncurrent_days", num(NONCURRENT_DAYS))])),
        ("abort_incomplete_multipart_upload", object([("days_after_initiation", num(7))])),
    ]);
    ForExpr::new(Identifier::unchecked("rule"), var("expiration_rules"), rule).into()
}

fn variables() -> Body {
    let rules = call("list", [object_type([("id", "string"), ("prefix", "string"), ("days", "number")])]);
    Body::builder()
        .add_block(variable(Variable {
            name: "name",
            description: "The bucket name; bucket names are global across OVHcloud.",
            kind: bare("string"),
            rules: vec![(
                matches("name", "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"),
                "Use 3-63 lowercase letters, digits and '-'.",
            )],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "region",
            description: "The OVHcloud region, upper case, such as GRA.",
            kind: bare("string"),
            rules: vec![(matches("region", "^[A-Z]+[0-9]*$"), "Use an OVHcloud region such as GRA.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "expiration_rules",
            description: "Objects under each prefix expire after that many days.",
            kind: rules,
            rules: vec![(
                all(var("expiration_rules"), |rule| at_least(crate::expr::attr(rule, "days"), 1)),
                "Every rule must keep objects at least one day.",
            )],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "tags",
            description: "Cost-tracking tags: platform, environment, cost center.",
            kind: call("map", [bare("string")]),
            rules: vec![(
                call("contains", [call("keys", [var("tags")]), "environment".into()]),
                "Tag every bucket with its environment.",
            )],
            sensitive: false,
            default: None,
        }))
        .build()
}

fn outputs() -> Body {
    Body::builder().add_block(output("name", "The bucket name.", reference(STORAGE, &["bucket", "name"]))).build()
}
