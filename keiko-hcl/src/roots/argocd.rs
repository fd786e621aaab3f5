//! An environment's second root, `envs/<env>/argocd`: Argo CD and the root Application on
//! the cluster the infrastructure root created.
//!
//! The helm provider is configured from `data.ovh_cloud_project_kube`, looked up by the
//! cluster ID the infrastructure root's state holds: both are read at plan time, from
//! values that exist before this root's apply, and the data source fetches the kubeconfig
//! from the OVHcloud API on every read (the provider's v2.19.0 `dataSourceKubeconfig`), so a
//! reset or rotated credential is picked up on the next plan instead of going stale.

use super::backend::{StateLocation, remote_state_config};
use super::infrastructure::MODULES;
use super::{ovh_endpoint_variable, versions};
use crate::blocks::{data, module_call, output};
use crate::error::HclError;
use crate::expr::{index, num, reference};
use crate::names::EnvRoot;
use crate::providers;
use hcl::{Block, Body};
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::platform::Environment;

/// The add-on whose chart and version install Argo CD.
pub const ARGOCD_ADDON: &str = "argo-cd";
/// The `terraform_remote_state` that reads the infrastructure root's outputs.
pub const INFRASTRUCTURE_STATE: &str = "infrastructure";
/// The infrastructure output this root looks the cluster up by.
pub const CLUSTER_ID_OUTPUT: &str = "cluster_id";
/// The local holding the cluster's kubeconfig fields.
const CLUSTER: &str = "cluster";

/// The folder of `generated/` the root Application of `env` syncs.
pub fn root_app_path(env: Env) -> String {
    format!("generated/argocd/{}", env.name())
}

/// Where the infrastructure root of `env` keeps its state.
fn infrastructure_state(env: Env, environment: &Environment) -> Block {
    let key = EnvRoot::Infrastructure.state_key(env);
    let location = StateLocation { bucket: &environment.state_bucket, key: &key, region: &environment.region };
    data("terraform_remote_state", INFRASTRUCTURE_STATE)
        .add_attribute(("backend", "s3"))
        .add_attribute(("config", remote_state_config(&location)))
        .build()
}

/// The cluster, by the ID in the infrastructure state: its kubeconfig is read at plan time.
fn cluster() -> Block {
    let outputs = reference("data", &["terraform_remote_state", INFRASTRUCTURE_STATE, "outputs", CLUSTER_ID_OUTPUT]);
    data(crate::resources::KUBE, CLUSTER).add_attribute(("kube_id", outputs)).build()
}

/// The `main.tf` of `env`'s argocd root.
pub fn main_tf(platform: &Platform, env: Env, environment: &Environment) -> Result<Body, HclError> {
    let addon = platform.addons().get(ARGOCD_ADDON).ok_or_else(|| HclError::MissingAddon(ARGOCD_ADDON.into()))?;
    let kubeconfig = index(reference("data", &[crate::resources::KUBE, CLUSTER, "kubeconfig_attributes"]), num(0));
    let argocd = module_call("argocd", MODULES, "argocd-bootstrap")
        .add_attribute(("repository", addon.repository.as_str()))
        .add_attribute(("chart_version", addon.version.as_str()))
        .add_attribute(("namespace", addon.namespace.as_str()))
        .add_attribute(("git_repository", platform.settings().repository.as_str()))
        .add_attribute(("git_branch", environment.branch.as_str()))
        .add_attribute(("git_path", root_app_path(env)))
        .build();
    Ok(Body::builder()
        .add_block(infrastructure_state(env, environment))
        .add_block(cluster())
        .add_block(Block::builder("locals").add_attribute((CLUSTER, kubeconfig)).build())
        .add_block(providers::ovh())
        .add_block(providers::helm(CLUSTER))
        .add_block(argocd)
        .build())
}

/// The `outputs.tf` of an argocd root.
pub fn outputs_tf() -> Body {
    let module = |field: &str| reference("module", &["argocd", field]);
    Body::builder()
        .add_block(output("argocd_version", "The installed argo-cd chart version.", module("argocd_version")))
        .add_block(output("root_app", "The root Application's name.", module("root_app")))
        .build()
}

/// The `variables.tf` of an argocd root.
pub fn variables_tf() -> Body {
    Body::builder().add_block(ovh_endpoint_variable()).build()
}

/// The `versions.tf` of `env`'s argocd root: its own state key in the environment's bucket.
pub fn versions_tf(env: Env, environment: &Environment) -> Body {
    let key = EnvRoot::Argocd.state_key(env);
    let location = StateLocation { bucket: &environment.state_bucket, key: &key, region: &environment.region };
    versions(&["helm", "ovh"], Some(super::backend::s3(&location)))
}
