//! AppProjects: what the applications of an environment may deploy, from where, to where.
//! Never the permissive `default` project.

use super::{IN_CLUSTER, NAMESPACE};
use crate::crd::argocd::{AppProject, AppProjectSpec, ApplicationDestination, GroupKind, OrphanedResources};
use crate::k8s::labels;
use crate::k8s::namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use keiko_model::Platform;
use keiko_spec::addon::Chart;
use std::collections::BTreeSet;

/// The project of the platform add-ons (upstream Helm charts).
pub const PLATFORM: &str = "keiko-platform";
/// The project of the Keiko services and stores (this repository's overlays).
pub const SERVICES: &str = "keiko-services";

/// Add-ons come from their chart repositories only and may install cluster-wide
/// machinery (CRDs, webhooks, cluster roles) in their own namespaces.
pub fn platform(platform: &Platform) -> AppProject {
    let mut repos: BTreeSet<String> = platform.addons().values().map(|a| a.repository.clone()).collect();
    repos.insert(keiko_model::gateway_api::REPOSITORY.to_owned());
    let namespaces: BTreeSet<String> = platform.addons().values().map(|a| a.namespace.clone()).collect();
    let cluster_kinds = [
        ("", "Namespace"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("apiregistration.k8s.io", "APIService"),
        // The Gateway API's guard against CRD downgrades (keiko_model::gateway_api).
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    ];
    project(
        platform,
        PLATFORM,
        "Platform add-ons from their upstream Helm charts",
        repos,
        namespaces,
        &cluster_kinds,
        &[("*", "*")],
    )
}

/// Services and stores come from this repository only, go to the platform's own
/// namespaces only, and may create only the kinds the generator emits.
pub fn services(platform: &Platform) -> AppProject {
    let repos = BTreeSet::from([platform.settings().repository.clone()]);
    let mut namespaces: BTreeSet<String> = namespace::names(platform).into_iter().collect();
    // Alerting rules, dashboards and Velero schedules live in their add-ons' namespaces.
    namespaces.extend(
        platform
            .addons()
            .values()
            .filter(|a| matches!(a.role(), Some(Chart::KubePrometheusStack | Chart::Velero)))
            .map(|a| a.namespace.clone()),
    );
    let namespaced = [
        ("", "ServiceAccount"),
        ("", "ConfigMap"),
        ("", "Service"),
        ("", "LimitRange"),
        ("", "ResourceQuota"),
        ("apps", "Deployment"),
        ("apps", "StatefulSet"),
        ("autoscaling", "HorizontalPodAutoscaler"),
        ("policy", "PodDisruptionBudget"),
        ("networking.k8s.io", "NetworkPolicy"),
        ("rbac.authorization.k8s.io", "Role"),
        ("rbac.authorization.k8s.io", "RoleBinding"),
        ("autoscaling.k8s.io", "VerticalPodAutoscaler"),
        ("argoproj.io", "Rollout"),
        ("argoproj.io", "AnalysisTemplate"),
        ("security.istio.io", "PeerAuthentication"),
        ("security.istio.io", "AuthorizationPolicy"),
        ("security.istio.io", "RequestAuthentication"),
        ("networking.istio.io", "EnvoyFilter"),
        ("extensions.istio.io", "WasmPlugin"),
        ("gateway.networking.k8s.io", "Gateway"),
        ("gateway.networking.k8s.io", "HTTPRoute"),
        ("gateway.networking.k8s.io", "GRPCRoute"),
        ("cert-manager.io", "Certificate"),
        ("external-secrets.io", "ExternalSecret"),
        ("apps", "DaemonSet"),
        ("batch", "Job"),
        ("batch", "CronJob"),
        ("monitoring.coreos.com", "ServiceMonitor"),
        ("monitoring.coreos.com", "PrometheusRule"),
        ("monitoring.coreos.com", "AlertmanagerConfig"),
        ("elasticsearch.k8s.elastic.co", "Elasticsearch"),
        ("kibana.k8s.elastic.co", "Kibana"),
        ("velero.io", "Schedule"),
    ];
    project(
        platform,
        SERVICES,
        "Keiko services and stores from this repository",
        repos,
        namespaces,
        &[("", "Namespace"), ("cert-manager.io", "ClusterIssuer"), ("external-secrets.io", "ClusterSecretStore")],
        &namespaced,
    )
}

fn project(
    platform: &Platform,
    name: &str,
    description: &str,
    repos: BTreeSet<String>,
    namespaces: BTreeSet<String>,
    cluster_kinds: &[(&str, &str)],
    namespaced_kinds: &[(&str, &str)],
) -> AppProject {
    let kinds = |list: &[(&str, &str)]| {
        list.iter().map(|(g, k)| GroupKind { group: (*g).to_owned(), kind: (*k).to_owned() }).collect()
    };
    AppProject {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(NAMESPACE.to_owned()),
            labels: Some(labels::platform(platform, name)),
            annotations: Some(super::annotations::wave(keiko_model::gitops::waves::PROJECTS)),
            ..Default::default()
        },
        spec: AppProjectSpec {
            description: description.to_owned(),
            source_repos: repos.into_iter().collect(),
            destinations: namespaces
                .into_iter()
                .map(|namespace| ApplicationDestination { server: IN_CLUSTER.to_owned(), namespace })
                .collect(),
            cluster_resource_whitelist: kinds(cluster_kinds),
            namespace_resource_whitelist: kinds(namespaced_kinds),
            orphaned_resources: OrphanedResources { warn: true },
        },
    }
}
