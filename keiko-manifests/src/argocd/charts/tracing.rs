//! Values of the `jaeger` chart (jaegertracing/helm-charts `charts/jaeger` at tag
//! `jaeger-3.4.1`, Jaeger 1.53): a collector that takes OTLP from the gateway collector
//! and a query UI, both on the environment's Elasticsearch, whose daily span indices the
//! index cleaner deletes after `observability.trace_retention_days`.
//!
//! What the chart does unless told otherwise, read from its values.yaml and templates:
//! `storage.type` is `cassandra` and `provisionDataStore.cassandra` true (a Cassandra
//! subchart and a schema Job); `collector`, `query` and `agent` are enabled and
//! `query.agentSidecar` adds an agent to the query pod; the collector Service publishes
//! OTLP only when `collector.service.otlp.grpc`/`http` are set (collector-svc.yaml);
//! ES TLS mounts `storage.elasticsearch.tls.secretName` at `tls.mountPath` with
//! `tls.subPath` and sets `ES_TLS_CA` to `tls.ca` (collector-deploy.yaml,
//! `elasticsearch.env` in _helpers.tpl); the password comes from `existingSecret`'s
//! `existingSecretKey`; every pod's security context is empty.

use crate::argocd::values::{Placement, system_pool};
use crate::k8s::security;
use crate::observability::logging::{ELASTIC_CA_SECRET, ELASTIC_NAME, ELASTIC_PASSWORD_SECRET, ELASTIC_USER};
use k8s_openapi::api::core::v1::{PodSecurityContext, ResourceRequirements, SecurityContext};
use keiko_model::Platform;
use keiko_model::telemetry::{OTLP_GRPC, OTLP_HTTP};
use keiko_spec::Env;
use serde::Serialize;

/// Where the chart mounts the Elasticsearch CA (a file of ECK's public HTTP certs Secret).
const CA_FILE: &str = "/es-tls/ca.crt";
/// The uid of the Jaeger images (`USER ${USER_UID}`, 10001, in jaeger's Dockerfiles).
const JAEGER_UID: i64 = 10001;

/// `jaeger` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Jaeger {
    provision_data_store: ProvisionDataStore,
    all_in_one: Enabled,
    agent: Enabled,
    storage: Storage,
    collector: Collector,
    query: Query,
    es_index_cleaner: IndexCleaner,
}

#[derive(Debug, Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Debug, Serialize)]
struct ProvisionDataStore {
    cassandra: bool,
    elasticsearch: bool,
    kafka: bool,
}

#[derive(Debug, Serialize)]
struct Storage {
    #[serde(rename = "type")]
    kind: &'static str,
    elasticsearch: ElasticsearchStorage,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ElasticsearchStorage {
    scheme: &'static str,
    host: String,
    port: u16,
    anonymous: bool,
    user: &'static str,
    use_password: bool,
    existing_secret: String,
    existing_secret_key: &'static str,
    tls: Tls,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Tls {
    enabled: bool,
    secret_name: String,
    mount_path: &'static str,
    sub_path: &'static str,
    ca: &'static str,
}

/// The security contexts, resources and placement every Jaeger pod gets: the
/// namespace enforces the `restricted` Pod Security Standard.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Pod {
    pod_security_context: PodSecurityContext,
    security_context: SecurityContext,
    resources: ResourceRequirements,
    #[serde(flatten)]
    placement: Placement,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Collector {
    enabled: bool,
    replica_count: u32,
    /// Prometheus scrapes the collector's admin port (the chart's ServiceMonitor), which
    /// counts the spans received: the alert on traces that stop arriving reads it.
    service_monitor: Enabled,
    service: CollectorService,
    #[serde(flatten)]
    pod: Pod,
}

#[derive(Debug, Serialize)]
struct CollectorService {
    otlp: Otlp,
}

#[derive(Debug, Serialize)]
struct Otlp {
    grpc: NamedPort,
    http: NamedPort,
}

#[derive(Debug, Serialize)]
struct NamedPort {
    name: &'static str,
    port: u16,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Query {
    enabled: bool,
    agent_sidecar: Enabled,
    #[serde(flatten)]
    pod: Pod,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct IndexCleaner {
    enabled: bool,
    number_of_days: u32,
    schedule: &'static str,
    #[serde(flatten)]
    pod: Pod,
}

fn pod(cpu: (&str, &str), memory: (&str, &str)) -> Pod {
    let amounts = |(c, m): (&str, &str)| crate::k8s::meta::quantities(c, m);
    Pod {
        pod_security_context: security::pod_security(JAEGER_UID),
        security_context: security::container_security(),
        resources: ResourceRequirements {
            requests: Some(amounts((cpu.0, memory.0))),
            limits: Some(amounts((cpu.1, memory.1))),
            ..Default::default()
        },
        placement: system_pool(),
    }
}

/// The Jaeger collector and query on the environment's Elasticsearch.
pub fn jaeger(platform: &Platform, env: Env) -> Jaeger {
    let namespace = &platform.observability().namespace;
    Jaeger {
        provision_data_store: ProvisionDataStore { cassandra: false, elasticsearch: false, kafka: false },
        all_in_one: Enabled { enabled: false },
        // Spans arrive over OTLP from the gateway collector; no agent is needed.
        agent: Enabled { enabled: false },
        storage: Storage {
            kind: "elasticsearch",
            elasticsearch: ElasticsearchStorage {
                scheme: "https",
                host: format!("{ELASTIC_NAME}-es-http.{namespace}.svc"),
                port: 9200,
                anonymous: false,
                user: ELASTIC_USER,
                use_password: true,
                existing_secret: ELASTIC_PASSWORD_SECRET.to_owned(),
                existing_secret_key: ELASTIC_USER,
                tls: Tls {
                    enabled: true,
                    secret_name: ELASTIC_CA_SECRET.to_owned(),
                    mount_path: CA_FILE,
                    sub_path: "ca.crt",
                    ca: CA_FILE,
                },
            },
        },
        collector: Collector {
            enabled: true,
            replica_count: super::super::values::controller_replicas(env),
            service_monitor: Enabled { enabled: platform.monitoring_namespace().is_some() },
            service: CollectorService {
                otlp: Otlp {
                    grpc: NamedPort { name: "otlp-grpc", port: OTLP_GRPC },
                    http: NamedPort { name: "otlp-http", port: OTLP_HTTP },
                },
            },
            pod: pod(("100m", "1"), ("256Mi", "512Mi")),
        },
        query: Query {
            enabled: true,
            agent_sidecar: Enabled { enabled: false },
            pod: pod(("50m", "500m"), ("128Mi", "256Mi")),
        },
        es_index_cleaner: IndexCleaner {
            enabled: true,
            number_of_days: *platform.observability().trace_retention_days.get(env),
            // After the day's last spans, before the nightly backups.
            schedule: "55 23 * * *",
            pod: pod(("50m", "200m"), ("64Mi", "128Mi")),
        },
    }
}
