//! The `global` roots: what every environment shares, the managed registry, in two roots
//! applied in order like an environment's (ADR 0016, ADR 0019). Their state lives in the
//! production state bucket.
//!
//! - `global/registry` (provider ovh): the registry and the Harbor user Terraform manages it
//!   with; its `platform_facts` output gives the registry's host (facts/global.json).
//! - `global/harbor` (provider harbor, configured from `global/registry`'s state): the
//!   private project the images live in, the CI's push robot, and for every environment
//!   whose facts are imported (its KMS exists) a pull-only robot whose credential it writes
//!   to that environment's Secret Manager at `registry/pull`.

use super::backend::{StateLocation, remote_state_config, s3};
use super::{ovh_endpoint_variable, versions};
use crate::blocks::{data, module_call, output, resource, sensitive_output};
use crate::expr::{call, object, reference};
use crate::providers;
use crate::resources::OKMS_SECRET;
use hcl::{Body, Expression};
use keiko_model::Platform;
use keiko_spec::Env;

/// The registry plan: enough for the services' images; plans can only be upgraded.
pub const REGISTRY_PLAN: &str = "SMALL";
/// The state key of `global/registry`.
pub const REGISTRY_STATE_KEY: &str = "global/registry.tfstate";
/// The state key of `global/harbor`.
pub const HARBOR_STATE_KEY: &str = "global/harbor.tfstate";
/// The login of the Harbor user Terraform creates and manages Harbor with.
pub const ADMIN_LOGIN: &str = "keiko-terraform";
/// Modules, relative to `global/<root>`.
const MODULES: &str = "../../modules";
/// The remote state `global/harbor` reads `global/registry` through.
const REGISTRY_STATE: &str = "registry";

fn location(platform: &Platform, key: &'static str) -> (String, &'static str, String) {
    let production = platform.environments().get(Env::Production);
    (production.state_bucket.clone(), key, production.region.clone())
}

/// The Harbor project of the services' images: the path of `platform.registry`.
pub fn project(platform: &Platform) -> &str {
    platform.settings().registry.split_once('/').map_or("", |(_, project)| project)
}

/// `global/registry/main.tf`.
pub fn registry_main_tf(platform: &Platform) -> Body {
    let production = platform.environments().get(Env::Production);
    let registry = module_call("registry", MODULES, "registry")
        .add_attribute(("name", platform.settings().organization.as_str()))
        .add_attribute(("region", production.region.as_str()))
        .add_attribute(("plan", REGISTRY_PLAN))
        .add_attribute(("admin_login", ADMIN_LOGIN))
        .add_attribute(("admin_email", platform.security().acme_email.as_str()))
        .build();
    Body::builder().add_block(providers::ovh()).add_block(registry).build()
}

/// `global/registry/outputs.tf`: what `global/harbor` reads, and the facts.
pub fn registry_outputs_tf() -> Body {
    let module = |field: &str| reference("module", &["registry", field]);
    let facts = object([("registry", object([("url", module("url"))]))]);
    Body::builder()
        .add_block(output("registry_url", "The registry URL.", module("url")))
        .add_block(output("registry_admin_login", "The Harbor user Terraform manages Harbor with.", module("admin_login")))
        .add_block(sensitive_output("registry_admin_password", "That user's password.", module("admin_password")))
        .add_block(output(
            keiko_spec::facts::OUTPUT,
            "What the manifests need from this apply: terraform output -json platform_facts > facts/global.json (ADR 0019).",
            facts,
        ))
        .build()
}

/// `global/harbor/main.tf`.
pub fn harbor_main_tf(platform: &Platform) -> Body {
    let (bucket, key, region) = location(platform, REGISTRY_STATE_KEY);
    let state = data("terraform_remote_state", REGISTRY_STATE)
        .add_attribute(("backend", "s3"))
        .add_attribute(("config", remote_state_config(&StateLocation { bucket: &bucket, key, region: &region })))
        .build();
    let project =
        module_call("project", MODULES, "harbor-project").add_attribute(("project", project(platform))).build();
    let mut body = Body::builder()
        .add_block(state)
        .add_block(providers::ovh())
        .add_block(providers::harbor(REGISTRY_STATE))
        .add_block(project);
    for (env, environment) in platform.environments().iter() {
        if platform.terraform_facts(env).is_none() {
            continue;
        }
        let name = format!("pull_{}", env.short_name());
        body = body.add_block(
            module_call(&name, MODULES, "registry-pull")
                .add_attribute(("name", format!("pull-{}", env.name())))
                .add_attribute(("project", reference("module", &["project", "project"])))
                .build(),
        );
        body = body.add_block(pull_secret(env, &environment.secret_manager.okms_id, &name));
    }
    body.build()
}

/// The pull credential of `env`, as the `.dockerconfigjson` a Secret of that type holds,
/// written to the environment's KMS at `registry/pull`.
fn pull_secret(env: Env, okms_id: &str, robot: &str) -> hcl::Block {
    let host = call(
        "trimprefix",
        [reference("data", &["terraform_remote_state", REGISTRY_STATE, "outputs", "registry_url"]), "https://".into()],
    );
    let login = reference("module", &[robot, "name"]);
    let secret = reference("module", &[robot, "secret"]);
    let auth = call("base64encode", [call("format", ["%s:%s".into(), login.clone(), secret.clone()])]);
    let auths = Expression::Object(hcl::Object::from([(
        // `(expr) = ..`: a key computed from the registry's URL, not the literal name.
        hcl::ObjectKey::Expression(Expression::Parenthesis(Box::new(host))),
        object([("username", login), ("password", secret), ("auth", auth)]),
    )]));
    let config = call("jsonencode", [object([("auths", auths)])]);
    let data = object([(keiko_model::secrets::REGISTRY_PULL_PROPERTY, config)]);
    let tags = object([("environment", env.name().into()), ("team", "platform".into())]);
    resource(OKMS_SECRET, &format!("registry_pull_{}", env.short_name()))
        .add_attribute(("okms_id", okms_id))
        .add_attribute(("path", keiko_model::secrets::REGISTRY_PULL_PATH))
        .add_attribute(("metadata", object([("custom_metadata", tags)])))
        .add_attribute(("version", object([("data", call("jsonencode", [data]))])))
        .build()
}

/// `global/harbor/outputs.tf`: the CI robot, for the service repositories' secrets.
pub fn harbor_outputs_tf() -> Body {
    let module = |field: &str| reference("module", &["project", field]);
    Body::builder()
        .add_block(output("project", "The Harbor project of the services' images.", module("project")))
        .add_block(output("ci_robot_name", "OVH_REGISTRY_USERNAME of the service pipelines.", module("ci_robot_name")))
        .add_block(sensitive_output(
            "ci_robot_secret",
            "OVH_REGISTRY_PASSWORD of the service pipelines.",
            module("ci_robot_secret"),
        ))
        .build()
}

/// The `versions.tf` of a global root.
pub fn versions_tf(platform: &Platform, key: &'static str, providers: &[&str]) -> Body {
    let (bucket, key, region) = location(platform, key);
    versions(providers, Some(s3(&StateLocation { bucket: &bucket, key, region: &region })))
}

/// The `variables.tf` of a global root.
pub fn variables_tf() -> Body {
    Body::builder().add_block(ovh_endpoint_variable()).build()
}
