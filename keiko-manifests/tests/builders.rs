//! Snapshots of each Kubernetes builder on a small fixture spec, rendered with the
//! same serializer that writes generated/. Review changes with `cargo insta review`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::k8s::{BASE_ENV, Component, components};
use keiko_manifests::output::yaml_document;
use keiko_manifests::{Env, Files, Spec};

fn fixture() -> Spec {
    let text = include_str!("fixtures/small.yaml");
    keiko_manifests::load("small.yaml", text).unwrap_or_else(|errors| panic!("{errors}"))
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

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
    let spec = fixture();
    let mut files = Files::new();
    keiko_manifests::k8s::render(&spec, &mut files).unwrap();
    snapshot("k8s_overlay_kustomization", files.get("k8s/overlays/dev/learning-service/kustomization.yaml").unwrap());
    snapshot(
        "k8s_overlay_patch",
        files.get("k8s/overlays/dev/learning-service/patches/deployment-learning-service.yaml").unwrap(),
    );
    snapshot("k8s_overlay_index", files.get("k8s/overlays/dev/kustomization.yaml").unwrap());
    assert_eq!(BASE_ENV, Env::Production);
}

#[test]
fn argocd_objects_of_an_environment() {
    let spec = fixture();
    let objects = keiko_manifests::argocd::objects(&spec, Env::Staging).unwrap();
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
