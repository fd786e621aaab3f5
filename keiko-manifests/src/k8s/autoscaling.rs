//! Autoscaling and disruption objects of a workload: HorizontalPodAutoscaler,
//! VerticalPodAutoscaler (recommendations only) and PodDisruptionBudget.

use super::labels;
use super::meta::object_meta;
use crate::crd::vpa::{
    ContainerPolicy, ResourcePolicy, UpdatePolicy, VerticalPodAutoscaler, VerticalPodAutoscalerSpec,
};
use k8s_openapi::api::autoscaling::v1::CrossVersionObjectReference;
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference as ScaleTarget, HPAScalingRules, HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use keiko_spec::service::{Autoscaling, Replicas};
use std::collections::BTreeMap;

/// The workload an autoscaler acts on.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// `apps/v1` or `argoproj.io/v1alpha1`.
    pub api_version: &'a str,
    /// `Deployment` or `Rollout`.
    pub kind: &'a str,
    /// The workload's name.
    pub name: &'a str,
}

/// Seconds the autoscaler waits before scaling down, so a short lull does not shed capacity.
const SCALE_DOWN_STABILIZATION_SECONDS: i32 = 300;

/// Scales between the environment's bounds on CPU and memory utilization.
pub fn hpa(
    namespace: &str,
    target: Target<'_>,
    replicas: Replicas,
    goals: Autoscaling,
    labels: BTreeMap<String, String>,
) -> HorizontalPodAutoscaler {
    HorizontalPodAutoscaler {
        metadata: object_meta(target.name, namespace, labels),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: ScaleTarget {
                api_version: Some(target.api_version.to_owned()),
                kind: target.kind.to_owned(),
                name: target.name.to_owned(),
            },
            min_replicas: Some(keiko_model::platform::int32(replicas.min)),
            max_replicas: keiko_model::platform::int32(replicas.max),
            metrics: Some(vec![utilization("cpu", goals.cpu_percent), utilization("memory", goals.memory_percent)]),
            behavior: Some(HorizontalPodAutoscalerBehavior {
                scale_down: Some(HPAScalingRules {
                    stabilization_window_seconds: Some(SCALE_DOWN_STABILIZATION_SECONDS),
                    ..Default::default()
                }),
                scale_up: None,
            }),
        }),
        ..Default::default()
    }
}

fn utilization(resource: &str, percent: u32) -> MetricSpec {
    MetricSpec {
        type_: "Resource".to_owned(),
        resource: Some(ResourceMetricSource {
            name: resource.to_owned(),
            target: MetricTarget {
                type_: "Utilization".to_owned(),
                average_utilization: Some(keiko_model::platform::int32(percent)),
                ..Default::default()
            },
        }),
        ..Default::default()
    }
}

/// At most one pod down at a time during voluntary disruptions (node drains,
/// upgrades). `maxUnavailable` rather than `minAvailable` keeps single-replica
/// environments drainable; unhealthy pods may always be evicted.
pub fn pdb(namespace: &str, workload: &str, labels: BTreeMap<String, String>) -> PodDisruptionBudget {
    PodDisruptionBudget {
        metadata: object_meta(workload, namespace, labels),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(1)),
            selector: Some(LabelSelector { match_labels: Some(labels::selector(workload)), ..Default::default() }),
            unhealthy_pod_eviction_policy: Some("AlwaysAllow".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Records CPU and memory recommendations without ever evicting a pod: requests stay
/// under review in Git, and the VPA never fights the HPA.
pub fn vpa(namespace: &str, target: Target<'_>, labels: BTreeMap<String, String>) -> VerticalPodAutoscaler {
    VerticalPodAutoscaler {
        metadata: object_meta(target.name, namespace, labels),
        spec: VerticalPodAutoscalerSpec {
            target_ref: CrossVersionObjectReference {
                api_version: Some(target.api_version.to_owned()),
                kind: target.kind.to_owned(),
                name: target.name.to_owned(),
            },
            update_policy: Some(UpdatePolicy { update_mode: "Off".to_owned() }),
            resource_policy: Some(ResourcePolicy {
                container_policies: vec![ContainerPolicy {
                    container_name: "*".to_owned(),
                    controlled_resources: vec!["cpu".to_owned(), "memory".to_owned()],
                }],
            }),
        },
    }
}
