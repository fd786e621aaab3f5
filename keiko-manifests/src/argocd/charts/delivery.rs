//! Values of the delivery add-ons: ArgoCD, Argo Rollouts, cert-manager, External Secrets.

use crate::argocd::values::{Placement, controller_replicas, system_pool};
use keiko_spec::Env;
use serde::Serialize;
use std::collections::BTreeMap;

/// ArgoCD reports an Application healthy only when its own resources are; without
/// this check an app of apps would not wait for one sync wave before the next.
const APPLICATION_HEALTH_LUA: &str = "hs = {}\nhs.status = \"Progressing\"\nhs.message = \"\"\nif obj.status ~= nil and obj.status.health ~= nil then\n  hs.status = obj.status.health.status\n  if obj.status.health.message ~= nil then\n    hs.message = obj.status.health.message\n  end\nend\nreturn hs\n";

/// `argo-cd` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArgoCd {
    global: Placement,
    configs: ArgoCdConfigs,
    controller: ArgoCdController,
    server: Replicas,
    repo_server: Replicas,
}

#[derive(Debug, Serialize)]
struct ArgoCdConfigs {
    cm: BTreeMap<String, String>,
    params: BTreeMap<String, bool>,
}

/// The application controller: one replica (it shards by cluster, and there is one),
/// with metrics scraped for the sync and health alerts.
#[derive(Debug, Serialize)]
pub struct ArgoCdController {
    replicas: u32,
    metrics: ArgoCdMetrics,
}

/// Metrics with a ServiceMonitor.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArgoCdMetrics {
    enabled: bool,
    service_monitor: Enabled,
}

/// A replica count.
#[derive(Debug, Serialize)]
pub struct Replicas {
    replicas: u32,
}

/// ArgoCD itself, once Terraform has bootstrapped it: HA API and repo servers in production.
pub fn argo_cd(env: Env) -> ArgoCd {
    ArgoCd {
        global: system_pool(),
        configs: ArgoCdConfigs {
            cm: BTreeMap::from([
                (
                    "resource.customizations.health.argoproj.io_Application".to_owned(),
                    APPLICATION_HEALTH_LUA.to_owned(),
                ),
                ("application.resourceTrackingMethod".to_owned(), "annotation".to_owned()),
            ]),
            params: BTreeMap::from([("server.insecure".to_owned(), false)]),
        },
        controller: ArgoCdController {
            replicas: 1,
            metrics: ArgoCdMetrics { enabled: true, service_monitor: Enabled { enabled: true } },
        },
        server: Replicas { replicas: controller_replicas(env) },
        repo_server: Replicas { replicas: controller_replicas(env) },
    }
}

/// `argo-rollouts` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArgoRollouts {
    #[serde(rename = "installCRDs")]
    install_crds: bool,
    controller: Controller,
}

/// A controller's replicas and placement.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Controller {
    replicas: u32,
    #[serde(flatten)]
    placement: Placement,
}

/// Argo Rollouts, which runs the blue/green services.
pub fn argo_rollouts(env: Env) -> ArgoRollouts {
    ArgoRollouts {
        install_crds: true,
        controller: Controller { replicas: controller_replicas(env), placement: system_pool() },
    }
}

/// `cert-manager` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertManager {
    crds: Crds,
    prometheus: CertManagerPrometheus,
    replica_count: u32,
    #[serde(flatten)]
    placement: Placement,
    webhook: Placement,
    cainjector: Placement,
    startupapicheck: Placement,
    global: CertManagerGlobal,
    config: CertManagerConfig,
}

/// Leader election in the release's own namespace: the chart's default is kube-system
/// (cert-manager/cert-manager#6716), where the platform's AppProject deploys nothing.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertManagerGlobal {
    leader_election: LeaderElection,
}

/// Where the controller and cainjector keep their leader-election Lease, Role and RoleBinding.
#[derive(Debug, Serialize)]
pub struct LeaderElection {
    namespace: String,
}

/// The controller configuration: Gateway API support on, so the ACME HTTP-01 solver can
/// answer through an HTTPRoute on the gateway (`config.gatewayAPI.enabled`, cert-manager
/// v1.21.1 `deploy/charts/cert-manager/values.yaml`; off by default).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertManagerConfig {
    #[serde(rename = "gatewayAPI")]
    gateway_api: Enabled,
}

/// Metrics scraped through a ServiceMonitor (certificate expiry alerts read them).
#[derive(Debug, Serialize)]
pub struct CertManagerPrometheus {
    enabled: bool,
    servicemonitor: Enabled,
}

/// An on/off switch.
#[derive(Debug, Serialize)]
pub struct Enabled {
    enabled: bool,
}

/// CRD handling: installed by the chart and kept when the chart is removed, so
/// deleting the add-on never deletes every Certificate.
#[derive(Debug, Serialize)]
pub struct Crds {
    enabled: bool,
    keep: bool,
}

/// cert-manager, which issues the gateway certificates.
pub fn cert_manager(env: Env, namespace: &str) -> CertManager {
    CertManager {
        crds: Crds { enabled: true, keep: true },
        prometheus: CertManagerPrometheus { enabled: true, servicemonitor: Enabled { enabled: true } },
        replica_count: controller_replicas(env),
        placement: system_pool(),
        webhook: system_pool(),
        cainjector: system_pool(),
        startupapicheck: system_pool(),
        global: CertManagerGlobal { leader_election: LeaderElection { namespace: namespace.to_owned() } },
        config: CertManagerConfig { gateway_api: Enabled { enabled: true } },
    }
}

/// `external-secrets` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecrets {
    #[serde(rename = "installCRDs")]
    install_crds: bool,
    replica_count: u32,
    #[serde(flatten)]
    placement: Placement,
    webhook: Placement,
    cert_controller: Placement,
}

/// External Secrets Operator, which syncs secrets from OVHcloud's secret manager.
pub fn external_secrets(env: Env) -> ExternalSecrets {
    ExternalSecrets {
        install_crds: true,
        replica_count: controller_replicas(env),
        placement: system_pool(),
        webhook: system_pool(),
        cert_controller: system_pool(),
    }
}
