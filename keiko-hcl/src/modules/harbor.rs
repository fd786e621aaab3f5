//! Modules on the managed registry's Harbor (provider goharbor/harbor, ADR 0019):
//! `harbor-project`, the private project every service image is pushed to with the CI's
//! robot account, and `registry-pull`, one environment's pull-only robot account, whose
//! credential Terraform writes to that environment's Secret Manager.
//!
//! Robot accounts are project-level with exactly the actions they need (Harbor's RBAC:
//! resource `repository`, actions `push` and `pull`), read from the provider's schema at
//! v3.12.4 (provider/resource_robot_account.go) and its documented examples.

use super::Module;
use crate::blocks::{output, resource, sensitive_output};
use crate::expr::{reference, var};
use crate::resources::{HARBOR_PROJECT, HARBOR_ROBOT};
use crate::validation::string_variable;
use hcl::{Block, Body, Expression};

/// A robot's permission on the project `project`: `actions` on its repositories.
fn permissions(project: Expression, actions: &[&str]) -> Block {
    let access = actions.iter().map(|action| {
        Block::builder("access").add_attribute(("action", *action)).add_attribute(("resource", "repository")).build()
    });
    access
        .fold(
            Block::builder("permissions").add_attribute(("kind", "project")).add_attribute(("namespace", project)),
            |b, a| b.add_block(a),
        )
        .build()
}

fn robot(label: &str, name: Expression, description: &str, project: Expression, actions: &[&str]) -> Block {
    resource(HARBOR_ROBOT, label)
        .add_attribute(("name", name))
        .add_attribute(("description", description))
        .add_attribute(("level", "project"))
        .add_block(permissions(project, actions))
        .build()
}

/// The `harbor-project` module: the project and the CI's push robot.
pub fn project_module() -> Module {
    let project = resource(HARBOR_PROJECT, "project")
        .add_attribute(("name", var("project")))
        .add_attribute(("public", false))
        .add_attribute(("vulnerability_scanning", true))
        .add_attribute(("force_destroy", false))
        .build();
    let name = reference(HARBOR_PROJECT, &["project", "name"]);
    let ci =
        robot("ci", "ci".into(), "The service pipelines: push and pull the services' images.", name, &["push", "pull"]);
    let variables = Body::builder()
        .add_block(string_variable(
            "project",
            "The Harbor project of the services' images (the path of platform.registry).",
            "^[a-z0-9][a-z0-9._-]*$",
            "Use a Harbor project name: lowercase letters, digits, '.', '_' and '-'.",
        ))
        .build();
    let outputs = Body::builder()
        .add_block(output("project", "The project's name.", reference(HARBOR_PROJECT, &["project", "name"])))
        .add_block(output(
            "ci_robot_name",
            "The CI robot's login (OVH_REGISTRY_USERNAME of the service pipelines).",
            reference(HARBOR_ROBOT, &["ci", "full_name"]),
        ))
        .add_block(sensitive_output(
            "ci_robot_secret",
            "The CI robot's secret (OVH_REGISTRY_PASSWORD of the service pipelines).",
            reference(HARBOR_ROBOT, &["ci", "secret"]),
        ))
        .build();
    Module {
        dir: "harbor-project",
        main: Body::builder().add_block(project).add_block(ci).build(),
        variables,
        outputs,
        providers: &["harbor"],
    }
}

/// The `registry-pull` module: one environment's pull-only robot.
pub fn pull_module() -> Module {
    let pull =
        robot("pull", var("name"), "An environment's cluster: pull the services' images.", var("project"), &["pull"]);
    let variables = Body::builder()
        .add_block(string_variable("name", "The robot's name (pull-<env>).", "^[a-z0-9-]+$", "Use a DNS label."))
        .add_block(string_variable(
            "project",
            "The Harbor project it pulls from (root global/harbor).",
            "^[a-z0-9][a-z0-9._-]*$",
            "Use a Harbor project name.",
        ))
        .build();
    let outputs = Body::builder()
        .add_block(output("name", "The robot's login.", reference(HARBOR_ROBOT, &["pull", "full_name"])))
        .add_block(sensitive_output("secret", "The robot's secret.", reference(HARBOR_ROBOT, &["pull", "secret"])))
        .build();
    Module {
        dir: "registry-pull",
        main: Body::builder().add_block(pull).build(),
        variables,
        outputs,
        providers: &["harbor"],
    }
}
