//! Snapshots of each Kubernetes builder on a small fixture spec, rendered with the
//! same serializer that writes generated/. Review changes with `cargo insta review`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture, snapshot};

use keiko_manifests::Files;
use keiko_manifests::components::{Component, components};
use keiko_manifests::k8s::BASE_ENV;
use keiko_manifests::output::yaml_document;
use keiko_spec::Env;

fn object(components: &[Component], kind: &str, name: &str) -> String {
    let object = components
        .iter()
        .flat_map(|c| &c.objects)
        .find(|o| o.kind == kind && o.name == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"));
    yaml_document("snapshot", &object.value).unwrap()
}

#[test]
fn rolling_update_service_objects() {
    let view = components(&fixture(), Env::Staging).unwrap();
    snapshot("k8s_deployment", &object(&view, "Deployment", "learning-service"));
    snapshot("k8s_service", &object(&view, "Service", "learning-service"));
    snapshot("k8s_config_map", &object(&view, "ConfigMap", "learning-service-config"));
    snapshot("k8s_service_account", &object(&view, "ServiceAccount", "learning-service"));
    snapshot("k8s_hpa", &object(&view, "HorizontalPodAutoscaler", "learning-service"));
    snapshot("k8s_pdb", &object(&view, "PodDisruptionBudget", "learning-service"));
    snapshot("k8s_vpa", &object(&view, "VerticalPodAutoscaler", "learning-service"));
}

#[test]
fn blue_green_service_objects() {
    let view = components(&fixture(), Env::Production).unwrap();
    snapshot("k8s_rollout", &object(&view, "Rollout", "identity-service"));
    snapshot("k8s_analysis_template", &object(&view, "AnalysisTemplate", "identity-service-success-rate"));
    snapshot("k8s_preview_service", &object(&view, "Service", "identity-service-preview"));
}

#[test]
fn stateful_store_and_namespace_objects() {
    let view = components(&fixture(), Env::Dev).unwrap();
    snapshot("k8s_statefulset", &object(&view, "StatefulSet", "clickhouse"));
    snapshot("k8s_headless_service", &object(&view, "Service", "clickhouse-headless"));
    snapshot("k8s_namespace", &object(&view, "Namespace", "keiko-clickhouse"));
}

#[test]
fn dev_overlay_of_a_service() {
    let platform = fixture();
    let mut files = Files::new();
    let flows = keiko_model::connections::Connections::new(platform.spec());
    let parts = keiko_manifests::components::parts(&platform);
    for part in &parts {
        keiko_manifests::layout::render::one_component(&platform, *part, &flows, &mut files).unwrap();
    }
    let names: Vec<String> = parts.iter().map(|part| part.name().to_owned()).collect();
    keiko_manifests::layout::render::indexes(&names, &mut files).unwrap();
    snapshot("k8s_overlay_kustomization", files.get("k8s/overlays/dev/learning-service/kustomization.yaml").unwrap());
    snapshot("k8s_overlay_index", files.get("k8s/overlays/dev/kustomization.yaml").unwrap());
    assert_eq!(BASE_ENV, Env::Production);
}

#[test]
fn argocd_objects_of_an_environment() {
    let platform = fixture();
    let objects = keiko_manifests::argocd::objects(&platform, Env::Staging).unwrap();
    let find = |kind: &str, name: &str| {
        let object =
            objects.iter().find(|o| o.kind == kind && o.name == name).unwrap_or_else(|| panic!("no {kind} {name}"));
        yaml_document("snapshot", &object.value).unwrap()
    };
    snapshot("argocd_service_application", &find("Application", "learning-service"));
    snapshot("argocd_store_application", &find("Application", "clickhouse"));
    snapshot("argocd_services_project", &find("AppProject", "keiko-services"));
    snapshot("argocd_platform_project", &find("AppProject", "keiko-platform"));
    snapshot("argocd_addon_application", &find("Application", "velero"));
}

#[test]
fn security_objects_of_a_service_and_the_gateway() {
    let view = components(&fixture(), Env::Production).unwrap();
    snapshot("k8s_network_policy", &object(&view, "NetworkPolicy", "learning-service"));
    snapshot("k8s_authorization_policy", &object(&view, "AuthorizationPolicy", "learning-service"));
    snapshot("k8s_database_external_secret", &object(&view, "ExternalSecret", "learning-service-database"));
    snapshot("k8s_gateway", &object(&view, "Gateway", "keiko-public"));
    snapshot("k8s_http_route", &object(&view, "HTTPRoute", "identity-service-0"));
    snapshot("k8s_rate_limit", &object(&view, "EnvoyFilter", "identity-service-rate-limit"));
    snapshot("k8s_waf", &object(&view, "WasmPlugin", "keiko-public-waf"));
    snapshot("k8s_certificate", &object(&view, "Certificate", "api-tls"));
    snapshot("k8s_cluster_issuer", &object(&view, "ClusterIssuer", "acme"));
    snapshot("k8s_secret_store", &object(&view, "ClusterSecretStore", "ovh-secret-manager"));
    snapshot("k8s_resource_quota", &object(&view, "ResourceQuota", "platform"));
}

#[test]
fn observability_and_backup_objects() {
    let view = components(&fixture(), Env::Staging).unwrap();
    snapshot("obs_slo_rules", &object(&view, "PrometheusRule", "learning-service-slo"));
    snapshot("obs_gateway_collector", &object(&view, "ConfigMap", "otel-gateway"));
    snapshot("obs_alertmanager_config", &object(&view, "AlertmanagerConfig", "keiko"));
    snapshot("backup_database_cron_job", &object(&view, "CronJob", "backup-learning-service"));
    snapshot("backup_velero_schedule", &object(&view, "Schedule", "cluster-weekly"));
}
