//! The Deployment of a service that rolls out with a rolling update.

use super::labels;
use super::meta::object_meta;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use keiko_spec::Env;
use std::collections::BTreeMap;

/// Old ReplicaSets kept for `kubectl rollout undo` and ArgoCD history.
pub const REVISION_HISTORY: i32 = 5;

/// A Deployment. Outside dev no pod is taken down before its replacement is ready
/// (`maxUnavailable: 0`); dev trades that for faster, cheaper rollouts.
pub fn deployment(
    namespace: &str,
    name: &str,
    replicas: u32,
    template: PodTemplateSpec,
    env: Env,
    labels: BTreeMap<String, String>,
) -> Deployment {
    let max_unavailable = if env == Env::Dev { IntOrString::Int(1) } else { IntOrString::Int(0) };
    Deployment {
        metadata: object_meta(name, namespace, labels),
        spec: Some(DeploymentSpec {
            replicas: Some(keiko_model::platform::int32(replicas)),
            revision_history_limit: Some(REVISION_HISTORY),
            selector: LabelSelector { match_labels: Some(labels::selector(name)), ..Default::default() },
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".to_owned()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(IntOrString::String("25%".to_owned())),
                    max_unavailable: Some(max_unavailable),
                }),
            }),
            template,
            ..Default::default()
        }),
        ..Default::default()
    }
}
