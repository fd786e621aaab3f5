//! The Vertical Pod Autoscaler (`autoscaling.k8s.io/v1`), used in recommendation mode.

use k8s_openapi::api::autoscaling::v1::CrossVersionObjectReference;
use kube::CustomResource;
use serde::{Deserialize, Serialize};

/// The spec of a VerticalPodAutoscaler.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "autoscaling.k8s.io", version = "v1", kind = "VerticalPodAutoscaler", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct VerticalPodAutoscalerSpec {
    /// The workload whose pods are observed.
    pub target_ref: CrossVersionObjectReference,
    /// Whether and how recommendations are applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_policy: Option<UpdatePolicy>,
    /// Per-container limits on what is recommended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_policy: Option<ResourcePolicy>,
}

/// How recommendations are applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePolicy {
    /// `Off` only records recommendations; pods are never evicted or resized.
    pub update_mode: String,
}

/// Per-container policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePolicy {
    /// One policy per container name (`*` for all).
    pub container_policies: Vec<ContainerPolicy>,
}

/// What the recommender may recommend for one container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPolicy {
    /// The container, or `*`.
    pub container_name: String,
    /// The resources recommendations cover.
    pub controlled_resources: Vec<String>,
}
