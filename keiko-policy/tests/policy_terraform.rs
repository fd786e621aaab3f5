//! The Terraform rules fail on versions.tf files that break them and pass on ones that
//! follow them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_policy::{self as policy, terraform_rules};

fn versions(required: &str, provider_version: &str, bucket: &str, key: &str) -> String {
    format!(
        r#"terraform {{
  required_version = "{required}"
  required_providers {{
    ovh = {{
      source  = "ovh/ovh"
      version = "{provider_version}"
    }}
  }}
  backend "s3" {{
    bucket = "{bucket}"
    key    = "{key}"
  }}
}}
"#
    )
}

/// The rule IDs that fail on `files` (path, text).
fn failing(files: &[(&str, String)]) -> Vec<String> {
    let parsed: Vec<_> = files.iter().map(|(path, text)| terraform_rules::parse(path, text).unwrap()).collect();
    policy::evaluate_terraform(&parsed, &[]).findings.into_iter().map(|f| f.rule_id).collect()
}

fn env_stack(env: &str, required: &str, provider: &str, bucket: &str) -> (&'static str, String) {
    let path = match env {
        "dev" => "terraform/envs/dev/versions.tf",
        _ => "terraform/envs/production/versions.tf",
    };
    (path, versions(required, provider, bucket, &format!("{env}/terraform.tfstate")))
}

#[test]
fn exact_versions_and_distinct_buckets_pass() {
    let files = [
        env_stack("dev", "1.11.4", "2.19.0", "state-dev"),
        env_stack("production", "1.11.4", "2.19.0", "state-prod"),
        ("terraform/global/versions.tf", versions("1.11.4", "2.19.0", "state-prod", "global/terraform.tfstate")),
    ];
    assert_eq!(failing(&files), Vec::<String>::new());
}

#[test]
fn tf_001_version_ranges_fail_in_root_modules_only() {
    assert_eq!(failing(&[env_stack("dev", "1.11.4", "~> 2.19", "a")]), ["KEIKO-TF-001"]);
    assert_eq!(failing(&[env_stack("dev", ">= 1.5", "2.19.0", "a")]), ["KEIKO-TF-001"]);
    let module = ("terraform/modules/registry/versions.tf", versions("1.11.4", "~> 2.0", "a", "b"));
    assert_eq!(failing(&[module]), Vec::<String>::new(), "child modules inherit the root's pins");
    assert!(terraform_rules::is_exact("= 1.2.3") && !terraform_rules::is_exact("1.2"));
}

#[test]
fn tf_002_environments_sharing_a_state_bucket_fail() {
    let files = [env_stack("dev", "1.11.4", "2.19.0", "shared"), env_stack("production", "1.11.4", "2.19.0", "shared")];
    assert_eq!(failing(&files), ["KEIKO-TF-002", "KEIKO-TF-002"]);
    let same_state = [
        ("terraform/global/versions.tf", versions("1.11.4", "2.19.0", "b", "k")),
        ("terraform/bootstrap/versions.tf", versions("1.11.4", "2.19.0", "b", "k")),
    ];
    assert_eq!(failing(&same_state), ["KEIKO-TF-002", "KEIKO-TF-002"]);
}

#[test]
fn tf_002_the_roots_of_one_environment_share_its_bucket_under_their_own_keys() {
    let root = |name: &str, key: &str| {
        (format!("terraform/envs/dev/{name}/versions.tf"), versions("1.11.4", "2.19.0", "state-dev", key))
    };
    let own_keys = [root("infrastructure", "dev/infrastructure.tfstate"), root("argocd", "dev/argocd.tfstate")];
    let files: Vec<(&str, String)> = own_keys.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    assert_eq!(failing(&files), Vec::<String>::new());
    let one_key = [root("infrastructure", "dev/x.tfstate"), root("argocd", "dev/x.tfstate")];
    let files: Vec<(&str, String)> = one_key.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    assert_eq!(failing(&files), ["KEIKO-TF-002", "KEIKO-TF-002"]);
}

#[test]
fn malformed_hcl_is_an_error_naming_the_file() {
    let error = terraform_rules::parse("terraform/x.tf", "terraform {").unwrap_err();
    assert!(error.starts_with("terraform/x.tf: malformed HCL"), "{error}");
}

fn helm_module(version: &str) -> (&'static str, String) {
    let text = format!(
        "resource \"helm_release\" \"argocd\" {{\n  name    = \"argocd\"\n  chart   = \"argo-cd\"\n  version = {version}\n}}\n"
    );
    ("terraform/modules/argocd-bootstrap/main.tf", text)
}

fn caller(chart_version: &str) -> (&'static str, String) {
    let text = format!(
        "module \"argocd\" {{\n  source        = \"../../modules/argocd-bootstrap\"\n  chart_version = {chart_version}\n}}\n"
    );
    ("terraform/envs/dev/main.tf", text)
}

#[test]
fn tf_003_helm_releases_need_one_exact_version_directly_or_through_every_caller() {
    assert_eq!(failing(&[helm_module("\"8.3.4\"")]), Vec::<String>::new());
    assert_eq!(failing(&[helm_module("\"~> 8.3\"")]), ["KEIKO-TF-003"]);
    assert_eq!(failing(&[helm_module("var.chart_version"), caller("\"8.3.4\"")]), Vec::<String>::new());
    assert_eq!(failing(&[helm_module("var.chart_version"), caller("\"8.x\"")]), ["KEIKO-TF-003"]);
    assert_eq!(failing(&[helm_module("var.chart_version"), caller("var.other")]), ["KEIKO-TF-003"]);
    let variable = (
        "terraform/modules/argocd-bootstrap/variables.tf",
        "variable \"chart_version\" {\n  default = \"8.3.4\"\n}\n".to_owned(),
    );
    assert_eq!(
        failing(&[helm_module("var.chart_version"), variable]),
        Vec::<String>::new(),
        "an exact default, no caller"
    );
    let unpinned = (
        "terraform/modules/argocd-bootstrap/main.tf",
        "resource \"helm_release\" \"x\" {\n  chart = \"x\"\n}\n".to_owned(),
    );
    assert_eq!(failing(&[unpinned]), ["KEIKO-TF-003"]);
}

/// The KEIKO-TF-004 messages of a root whose `main.tf` is `text`.
fn provider_findings(text: &str) -> Vec<String> {
    let parsed = [terraform_rules::parse("terraform/envs/dev/argocd/main.tf", text).unwrap()];
    let report = policy::evaluate_terraform(&parsed, &[]);
    report.findings.into_iter().filter(|f| f.rule_id == "KEIKO-TF-004").map(|f| f.message).collect()
}

#[test]
fn tf_004_a_provider_configured_from_its_own_roots_module_fails_with_the_chain() {
    let same_root = r#"
module "kubernetes" {
  source = "../../modules/ovh-kubernetes"
}
locals {
  k = module.kubernetes
}
provider "kubernetes" {
  host = local.k.host
}
provider "helm" {
  kubernetes = {
    host = "https://${module.kubernetes.host}"
  }
}
"#;
    let found = provider_findings(same_root);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().any(|f| f.contains("from local.k -> module.kubernetes,")), "{found:?}");
    assert!(found.iter().any(|f| f.contains("from module.kubernetes,")), "interpolations are followed: {found:?}");
}

#[test]
fn tf_004_a_data_source_looked_up_by_a_resource_of_the_same_root_fails() {
    let lookup = r#"
resource "ovh_cloud_project_kube" "cluster" {
  name = "x"
}
data "ovh_cloud_project_kube" "cluster" {
  kube_id = ovh_cloud_project_kube.cluster.id
}
provider "kubernetes" {
  host = data.ovh_cloud_project_kube.cluster.kubeconfig_attributes[0].host
}
"#;
    let found = provider_findings(lookup);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("data.ovh_cloud_project_kube.cluster -> ovh_cloud_project_kube.cluster"), "{found:?}");
}

#[test]
fn tf_004_providers_from_another_roots_state_and_variables_pass() {
    let remote = r#"
data "terraform_remote_state" "infrastructure" {
  backend = "s3"
  config = {
    bucket = "state"
    key    = "dev/infrastructure.tfstate"
  }
}
data "ovh_cloud_project_kube" "cluster" {
  kube_id = data.terraform_remote_state.infrastructure.outputs.cluster_id
}
locals {
  k = data.ovh_cloud_project_kube.cluster.kubeconfig_attributes[0]
}
provider "ovh" {
  endpoint = var.ovh_endpoint
}
provider "kubernetes" {
  host     = local.k.host
  insecure = [for x in var.flags : x if x][0]
}
resource "helm_release" "argocd" {
  name = "argocd"
}
"#;
    assert_eq!(provider_findings(remote), Vec::<String>::new());
}
