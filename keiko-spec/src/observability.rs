//! Observability settings: telemetry pipeline, logs retention and alert delivery.

use super::env::PerEnv;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How telemetry is collected and kept, and where alerts go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Observability {
    /// The namespace of the OpenTelemetry collectors, Elasticsearch and Kibana.
    pub namespace: String,
    /// The OpenTelemetry Collector (contrib) image, pinned.
    pub collector_image: String,
    /// The share of traces kept after tail sampling, in percent; errors and slow traces
    /// are always kept.
    pub trace_sampling_percent: PerEnv<u32>,
    /// The Elastic Stack version of the log store.
    pub elastic_version: String,
    /// Days application logs are kept.
    pub log_retention_days: PerEnv<u32>,
    /// Days traces are kept (Jaeger's daily span indices in the log store; older
    /// indices are deleted nightly).
    pub trace_retention_days: PerEnv<u32>,
    /// Elasticsearch nodes and their volume size.
    pub elasticsearch: PerEnv<LogStore>,
    /// Where alerts are delivered.
    pub alerting: Alerting,
}

/// The size of the log store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogStore {
    /// Elasticsearch nodes.
    pub nodes: u32,
    /// Volume per node (`100Gi`).
    pub storage: String,
    /// Storage class of the volumes.
    pub storage_class: String,
}

/// Alert delivery. Webhook URLs, routing keys and passwords live in the secret manager
/// under `alerting/receivers`, never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alerting {
    /// The address every alert is mailed to.
    pub email_to: String,
    /// The sender address.
    pub email_from: String,
    /// The SMTP relay (`host:port`).
    pub smtp_relay: String,
    /// The Slack channel prefix: each team gets `<prefix>-<team>`.
    pub slack_channel_prefix: String,
}
