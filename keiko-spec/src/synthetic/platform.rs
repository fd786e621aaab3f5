//! The fixed part of a synthetic fleet: platform, environments, backups, security,
//! observability and add-ons, shaped like keiko.yaml's but written here, so synthetic
//! fleets never read or depend on the real spec.

use crate::addon::Addon;
use crate::backup::Backups;
use crate::env::{Env, PerEnv};
use crate::observability::{Alerting, LogStore, Observability};
use crate::platform::{Environment, Network, NodePool, NodePools, Platform, Postgres, SyncMode};
use crate::security::{
    Exemption, Framework, Gateway, JwksSource, Jwt, PodSecurityException, PodSecurityLevel, SecretManager, Security,
    Waf, WafMode,
};
use std::collections::BTreeMap;

/// The organization every synthetic name derives from.
const ORG: &str = "synthetic";
/// The apex domain of production; other environments are subdomains.
const DOMAIN: &str = "synthetic.example";

/// Platform-wide settings.
pub fn platform() -> Platform {
    Platform {
        name: "keiko".into(),
        organization: ORG.into(),
        repository: format!("https://github.com/{ORG}/keiko-platform"),
        registry: format!("registry.{DOMAIN}/{ORG}"),
        kubernetes_version: "1.35".into(),
        namespace: "keiko".into(),
    }
}

/// The three environments, growing from dev to production.
pub fn environments() -> PerEnv<Environment> {
    PerEnv::from_fn(environment)
}

fn environment(env: Env) -> Environment {
    let domain = match env {
        Env::Production => DOMAIN.to_owned(),
        other => format!("{other}.{DOMAIN}"),
    };
    let size = match env {
        Env::Dev => 1,
        Env::Staging => 2,
        Env::Production => 3,
    };
    let issuer = format!("https://api.{domain}/identity");
    Environment {
        cluster: format!("{ORG}-{env}"),
        region: "GRA".into(),
        branch: match env {
            Env::Dev => "develop".into(),
            Env::Staging => "staging".into(),
            Env::Production => "main".into(),
        },
        state_bucket: format!("{ORG}-terraform-state-{}", env.short_name()),
        node_pools: NodePools { system: pool("b2-7", size + 1), applications: pool("b2-15", size * 3) },
        sync: SyncMode::Automatic,
        jwt: Jwt { jwks_uri: format!("{issuer}/.well-known/jwks.json"), issuer },
        secret_manager: SecretManager {
            region: "eu-west-gra".into(),
            okms_id: format!("0000000{size}-0000-4000-8000-00000000000{size}"),
        },
        kubernetes_region: Some("GRA11".into()),
        postgres: Postgres {
            version: "17".into(),
            plan: ["essential", "business", "enterprise"][size as usize - 1].into(),
            flavor: ["db1-4", "db1-7", "db1-15"][size as usize - 1].into(),
        },
        network: Network {
            vlan_id: 10 * size,
            subnet: format!("10.{size}0.0.0/24"),
            pods: "10.100.0.0/16".into(),
            services: "10.101.0.0/16".into(),
        },
        domain,
    }
}

fn pool(flavor: &str, nodes: u32) -> NodePool {
    NodePool { flavor: flavor.into(), desired_nodes: nodes, min_nodes: nodes, max_nodes: nodes * 3 }
}

/// Database dumps every 6 hours, the longest gap the rules allow.
pub fn backups() -> Backups {
    Backups {
        database_schedule: "0 */6 * * *".into(),
        daily_retention_days: 30,
        weekly_retention_days: 365,
        drill_schedule: "0 4 1 * *".into(),
        bucket_prefix: format!("{ORG}-backups"),
    }
}

/// The public gateway, the WAF and the same exemptions keiko.yaml makes.
pub fn security() -> Security {
    let exemption = |check: &str, kinds: &[&str], reason: &str| Exemption {
        check: check.into(),
        reason: reason.into(),
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        framework: Framework::Kubernetes,
    };
    Security {
        gateway: Gateway {
            name: "keiko-public".into(),
            namespace: "keiko-gateway".into(),
            pod_security: Some(PodSecurityException {
                level: PodSecurityLevel::Baseline,
                reason: "Istio's gateway pods do not set a seccomp profile".into(),
            }),
        },
        acme_email: format!("platform@{DOMAIN}"),
        waf: Waf {
            image: format!("oci://registry.{DOMAIN}/corazawaf/coraza-proxy-wasm:0.6.0"),
            mode: PerEnv { dev: WafMode::DetectOnly, staging: WafMode::Block, production: WafMode::Block },
        },
        jwks: JwksSource { service: super::service_name(0), port: "http".into(), path: super::JWKS_PATH.into() },
        exemptions: vec![
            exemption("CKV_K8S_15", &["Deployment", "StatefulSet"], "images are pinned to immutable tags"),
            exemption("CKV_K8S_43", &["Deployment", "StatefulSet"], "outside dev images are pinned by commit SHA"),
            exemption("CKV_K8S_40", &["StatefulSet"], "the store images run as their built-in non-root users"),
            Exemption {
                check: "CKV_GHA_7".into(),
                reason: "the manual-run inputs feed only the rollback jobs, which build nothing".into(),
                kinds: vec!["service".into()],
                framework: Framework::GithubActions,
            },
        ],
    }
}

/// Telemetry sized per environment.
pub fn observability() -> Observability {
    let store = |nodes: u32, storage: &str| LogStore {
        nodes,
        storage: storage.into(),
        storage_class: "csi-cinder-high-speed".into(),
    };
    Observability {
        namespace: "keiko-observability".into(),
        collector_image: "otel/opentelemetry-collector-contrib:0.135.0".into(),
        trace_sampling_percent: PerEnv { dev: 100, staging: 50, production: 10 },
        elastic_version: "9.1.3".into(),
        log_retention_days: PerEnv { dev: 7, staging: 14, production: 30 },
        trace_retention_days: PerEnv { dev: 3, staging: 7, production: 14 },
        elasticsearch: PerEnv { dev: store(1, "20Gi"), staging: store(3, "50Gi"), production: store(3, "200Gi") },
        alerting: Alerting {
            email_to: format!("oncall@{DOMAIN}"),
            email_from: format!("alerts@{DOMAIN}"),
            smtp_relay: format!("smtp.{DOMAIN}:587"),
            slack_channel_prefix: "#alerts".into(),
        },
    }
}

/// The same charts as keiko.yaml, so every chart's values are rendered. Repositories
/// are placeholders under the synthetic domain: a synthetic fleet is never deployed.
pub fn addons() -> BTreeMap<String, Addon> {
    let table: [(&str, &str, &str, &str, i32); 13] = [
        ("argo-cd", "argo-cd", "8.3.4", "argocd", -10),
        ("argo-rollouts", "argo-rollouts", "2.40.4", "argo-rollouts", -5),
        ("cert-manager", "cert-manager", "v1.21.1", "cert-manager", -8),
        ("external-secrets", "external-secrets", "2.9.0", "external-secrets", -8),
        ("istio-base", "base", "1.30.3", "istio-system", -9),
        ("istiod", "istiod", "1.30.3", "istio-system", -7),
        ("istio-cni", "cni", "1.30.3", "istio-system", -8),
        ("kube-prometheus-stack", "kube-prometheus-stack", "77.6.2", "monitoring", -9),
        ("jaeger", "jaeger", "3.4.1", "keiko-observability", 1),
        ("eck-operator", "eck-operator", "3.1.0", "elastic-system", -8),
        ("fluent-bit", "fluent-bit", "0.53.0", "logging", -4),
        ("velero", "velero", "10.1.2", "velero", -2),
        ("vertical-pod-autoscaler", "vpa", "4.8.0", "vpa", -8),
    ];
    table
        .into_iter()
        .map(|(name, chart, version, namespace, wave)| {
            let addon = Addon {
                repository: format!("https://charts.{DOMAIN}/{name}"),
                chart: chart.into(),
                version: version.into(),
                namespace: namespace.into(),
                wave,
            };
            (name.to_owned(), addon)
        })
        .collect()
}
