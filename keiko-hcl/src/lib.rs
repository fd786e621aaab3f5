//! The builders of Keiko's Terraform configuration for OVHcloud.
//!
//! [`render`] writes `terraform/modules/*` (the same modules for every environment),
//! `terraform/envs/<env>/{infrastructure,argocd}/` (two roots per environment, applied in
//! that order, inputs from keiko.yaml),
//! `terraform/global/` (the registry) and `terraform/bootstrap/` (the state buckets).
//! Every file is built as a typed hcl-rs [`hcl::Body`] and printed in `terraform fmt` form.

pub mod blocks;
pub mod error;
pub mod expr;
pub mod file;
pub mod fmt;
pub mod modules;
pub mod names;
pub mod providers;
pub mod resources;
pub mod roots;
pub mod validation;

pub use error::HclError;
pub use file::tf_file;

use hcl::Body;
use keiko_model::Platform;
use keiko_model::files::{Files, RenderError};
use keiko_spec::Env;
use keiko_spec::platform::Environment;
use names::EnvRoot;
use roots::backend::{StateLocation, s3};

/// Renders every Terraform file for `spec`.
pub fn render(platform: &Platform) -> Result<Files, RenderError> {
    let mut files = Files::new();
    for (path, body) in bodies(platform)? {
        let text = tf_file(&path, &body)?;
        files.insert(path, text)?;
    }
    Ok(files)
}

/// Every Terraform file as a typed body, by path relative to `generated/`.
pub fn bodies(platform: &Platform) -> Result<Vec<(String, Body)>, HclError> {
    let mut out = module_bodies();
    for (env, environment) in platform.environments().iter() {
        out.extend(env_bodies(platform, env, environment)?);
    }
    out.extend(shared_bodies(platform));
    Ok(out)
}

/// `terraform/modules/<dir>/*.tf`: the modules every environment shares.
fn module_bodies() -> Vec<(String, Body)> {
    let mut out = Vec::new();
    for module in modules::all() {
        let dir = format!("terraform/modules/{}", module.dir);
        let terraform =
            hcl::Block::builder("terraform").add_block(providers::required_providers(module.providers, false));
        out.push((format!("{dir}/main.tf"), module.main));
        out.push((format!("{dir}/outputs.tf"), module.outputs));
        out.push((format!("{dir}/variables.tf"), module.variables));
        out.push((format!("{dir}/versions.tf"), Body::builder().add_block(terraform.build()).build()));
    }
    out
}

/// `terraform/envs/<env>/<root>/*.tf`: the environment's two root modules.
fn env_bodies(platform: &Platform, env: Env, environment: &Environment) -> Result<Vec<(String, Body)>, HclError> {
    let infra = format!("terraform/{}", EnvRoot::Infrastructure.dir(env));
    let key = EnvRoot::Infrastructure.state_key(env);
    let location = StateLocation { bucket: &environment.state_bucket, key: &key, region: &environment.region };
    let argocd = format!("terraform/{}", EnvRoot::Argocd.dir(env));
    Ok(vec![
        (format!("{infra}/main.tf"), roots::infrastructure::main_tf(platform, env, environment)?),
        (format!("{infra}/outputs.tf"), roots::infrastructure_outputs::outputs_tf()),
        (format!("{infra}/variables.tf"), roots::infrastructure_variables::variables_tf()),
        (format!("{infra}/versions.tf"), roots::versions(&["ovh", "random"], Some(s3(&location)))),
        (format!("{argocd}/main.tf"), roots::argocd::main_tf(platform, env, environment)?),
        (format!("{argocd}/outputs.tf"), roots::argocd::outputs_tf()),
        (format!("{argocd}/variables.tf"), roots::argocd::variables_tf()),
        (format!("{argocd}/versions.tf"), roots::argocd::versions_tf(env, environment)),
    ])
}

/// `terraform/bootstrap/` (state buckets) and `terraform/global/{registry,harbor}/` (the
/// registry, then its Harbor project and robot accounts).
fn shared_bodies(platform: &Platform) -> Vec<(String, Body)> {
    vec![
        ("terraform/bootstrap/main.tf".into(), roots::bootstrap::main_tf(platform)),
        ("terraform/bootstrap/variables.tf".into(), roots::bootstrap::variables_tf()),
        ("terraform/bootstrap/versions.tf".into(), roots::bootstrap::versions_tf()),
        ("terraform/global/registry/main.tf".into(), roots::global::registry_main_tf(platform)),
        ("terraform/global/registry/outputs.tf".into(), roots::global::registry_outputs_tf()),
        ("terraform/global/registry/variables.tf".into(), roots::global::variables_tf()),
        (
            "terraform/global/registry/versions.tf".into(),
            roots::global::versions_tf(platform, roots::global::REGISTRY_STATE_KEY, &["ovh"]),
        ),
        ("terraform/global/harbor/main.tf".into(), roots::global::harbor_main_tf(platform)),
        ("terraform/global/harbor/outputs.tf".into(), roots::global::harbor_outputs_tf()),
        ("terraform/global/harbor/variables.tf".into(), roots::global::variables_tf()),
        (
            "terraform/global/harbor/versions.tf".into(),
            roots::global::versions_tf(platform, roots::global::HARBOR_STATE_KEY, &["harbor", "ovh"]),
        ),
    ]
}
