//! Module `registry`: the managed container registry all environments pull from, and the
//! user Terraform manages its Harbor with (projects and robot accounts live in Harbor, not
//! in the OVHcloud API; root `global/harbor` uses this user, ADR 0019). OVHcloud generates
//! the user's password and it cannot be set (public-cloud-roadmap#913), so it passes
//! through this root's state.

use super::Module;
use crate::blocks::{Variable, data, output, resource, variable};
use crate::expr::{bare, reference, var};
use crate::resources::{REGISTRY, REGISTRY_PLAN, REGISTRY_USER};
use crate::validation::{matches, one_of};
use hcl::{Block, Body};

/// The registry plans; a plan can only be upgraded, never downgraded.
pub const PLANS: [&str; 3] = ["SMALL", "MEDIUM", "LARGE"];

/// The `registry` module.
pub fn module() -> Module {
    let main = Body::builder().add_block(plan()).add_block(registry()).add_block(admin()).build();
    Module { dir: "registry", main, variables: variables(), outputs: outputs(), providers: &["ovh"] }
}

fn plan() -> Block {
    data(REGISTRY_PLAN, "plan")
        .add_attribute(("plan_name", var("plan")))
        .add_attribute(("region", var("region")))
        .build()
}

fn registry() -> Block {
    resource(REGISTRY, "registry")
        .add_attribute(("name", var("name")))
        .add_attribute(("region", var("region")))
        .add_attribute(("plan_id", reference("data", &[REGISTRY_PLAN, "plan", "id"])))
        .build()
}

fn admin() -> Block {
    resource(REGISTRY_USER, "admin")
        .add_attribute(("registry_id", reference(REGISTRY, &["registry", "id"])))
        .add_attribute(("login", var("admin_login")))
        .add_attribute(("email", var("admin_email")))
        .build()
}

fn variables() -> Body {
    Body::builder()
        .add_block(variable(Variable {
            name: "name",
            description: "The registry name: the organization (keikolatam).",
            kind: bare("string"),
            rules: vec![(matches("name", "^[a-z][a-z0-9-]+$"), "Use a DNS label.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "region",
            description: "The OVHcloud region, such as GRA.",
            kind: bare("string"),
            rules: vec![(matches("region", "^[A-Z]+[0-9]*$"), "Use an OVHcloud region such as GRA.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "admin_login",
            description: "The login of the Harbor user Terraform manages projects and robots with.",
            kind: bare("string"),
            rules: vec![(matches("admin_login", "^[a-z][a-z0-9-]+$"), "Use lowercase letters, digits and '-'.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "admin_email",
            description: "The e-mail address of that user (the platform's contact address).",
            kind: bare("string"),
            rules: vec![(matches("admin_email", "^[^@ ]+@[^@ ]+$"), "Use an e-mail address.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "plan",
            description: "The registry plan (its storage quota); a full registry becomes read-only.",
            kind: bare("string"),
            rules: vec![(one_of("plan", &PLANS), "Use SMALL, MEDIUM or LARGE.")],
            sensitive: false,
            default: None,
        }))
        .build()
}

fn outputs() -> Body {
    Body::builder()
        .add_block(output("id", "The registry ID.", reference(REGISTRY, &["registry", "id"])))
        .add_block(output("url", "The registry URL.", reference(REGISTRY, &["registry", "url"])))
        .add_block(output("admin_login", "The Harbor user's login.", reference(REGISTRY_USER, &["admin", "user"])))
        .add_block(crate::blocks::sensitive_output(
            "admin_password",
            "The Harbor user's password.",
            reference(REGISTRY_USER, &["admin", "password"]),
        ))
        .build()
}
