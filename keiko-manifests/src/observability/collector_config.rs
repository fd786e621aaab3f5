//! The OpenTelemetry Collector's configuration as typed structs. Exporter and processor
//! names are those of the pinned contrib image (the `jaeger` exporter was removed in
//! v0.85: traces reach Jaeger over OTLP).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A collector configuration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where telemetry comes in.
    pub receivers: Receivers,
    /// What is done to it.
    pub processors: Processors,
    /// Where it goes.
    pub exporters: Exporters,
    /// What runs beside the pipelines.
    pub extensions: Extensions,
    /// Which receivers, processors and exporters form each signal's pipeline.
    pub service: ServiceSection,
}

/// Extensions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extensions {
    /// The HTTP health endpoint the kubelet probes (healthcheckextension, v0.135.0:
    /// `endpoint` defaults to `localhost:13133`, which a probe from the node cannot reach).
    pub health_check: Listen,
}

/// Receivers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receivers {
    /// OTLP over gRPC and HTTP.
    pub otlp: Otlp,
}

/// The OTLP receiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Otlp {
    /// Its protocols.
    pub protocols: OtlpProtocols,
}

/// OTLP protocols.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtlpProtocols {
    /// gRPC (4317).
    pub grpc: Listen,
    /// HTTP (4318).
    pub http: Listen,
}

/// A listening address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listen {
    /// `host:port`.
    pub endpoint: String,
}

/// Processors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Processors {
    /// Refuses data before the process runs out of memory.
    pub memory_limiter: MemoryLimiter,
    /// Batches before export.
    pub batch: Batch,
    /// Keeps whole traces by rule (gateway only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_sampling: Option<TailSampling>,
}

/// Memory limits as a share of the container's limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryLimiter {
    /// How often usage is checked.
    pub check_interval: String,
    /// Hard limit, percent of available memory.
    pub limit_percentage: u32,
    /// Headroom for spikes, percent.
    pub spike_limit_percentage: u32,
}

/// Batching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Longest wait before sending.
    pub timeout: String,
    /// Items per batch.
    pub send_batch_size: u32,
}

/// Tail sampling: decide per trace once it is complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TailSampling {
    /// How long spans of a trace are awaited.
    pub decision_wait: String,
    /// A trace is kept when any policy keeps it.
    pub policies: Vec<SamplingPolicy>,
}

/// One sampling policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingPolicy {
    /// The policy's name.
    pub name: String,
    /// `status_code`, `latency` or `probabilistic`.
    #[serde(rename = "type")]
    pub kind: String,
    /// For `status_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<StatusCodes>,
    /// For `latency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
    /// For `probabilistic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probabilistic: Option<Probabilistic>,
}

/// Keep traces with these span statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusCodes {
    /// `ERROR`.
    pub status_codes: Vec<String>,
}

/// Keep traces slower than this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    /// Milliseconds.
    pub threshold_ms: u32,
}

/// Keep this share of the remaining traces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probabilistic {
    /// Percent.
    pub sampling_percentage: u32,
}

/// Exporters; names with a `/` are instances of the same exporter type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exporters {
    /// Agent → gateway traces, routed by trace ID so one gateway sees a whole trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loadbalancing: Option<LoadBalancing>,
    /// Agent → gateway metrics and logs.
    #[serde(default, rename = "otlp/gateway", skip_serializing_if = "Option::is_none")]
    pub otlp_gateway: Option<OtlpExporter>,
    /// Gateway → Jaeger traces.
    #[serde(default, rename = "otlp/jaeger", skip_serializing_if = "Option::is_none")]
    pub otlp_jaeger: Option<OtlpExporter>,
    /// Gateway metrics for Prometheus to scrape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Listen>,
    /// Gateway → Elasticsearch logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elasticsearch: Option<Elasticsearch>,
}

/// An OTLP/gRPC destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtlpExporter {
    /// `host:port`.
    pub endpoint: String,
    /// Transport security: plain inside the cluster, where the mesh encrypts.
    pub tls: Tls,
}

/// TLS settings of an exporter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// Plain text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
    /// The CA that signs the server's certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
}

/// The load-balancing exporter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancing {
    /// `traceID`.
    pub routing_key: String,
    /// How to reach each backend.
    pub protocol: LoadBalancingProtocol,
    /// How backends are found.
    pub resolver: Resolver,
}

/// Protocol to the backends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancingProtocol {
    /// OTLP settings (the endpoint comes from the resolver).
    pub otlp: OtlpTlsOnly,
}

/// OTLP settings without an endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtlpTlsOnly {
    /// Transport security.
    pub tls: Tls,
}

/// Backend discovery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolver {
    /// A headless Service's addresses.
    pub dns: DnsResolver,
}

/// DNS discovery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsResolver {
    /// The headless Service's name.
    pub hostname: String,
    /// The backends' port. A string: loadbalancingexporter v0.135.0 declares
    /// `Port string` in `DNSResolver` (config.go), and the collector refuses a number.
    pub port: String,
}

/// The Elasticsearch exporter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elasticsearch {
    /// Cluster URLs.
    pub endpoints: Vec<String>,
    /// The index (data stream) logs go to.
    pub logs_index: String,
    /// Basic authentication. In this exporter `auth` names an authenticator extension;
    /// `user` and `password` are its own top-level fields (elasticsearchexporter v0.135.0,
    /// config.go: `AuthenticationSettings` squashed into `Config`).
    #[serde(flatten)]
    pub authentication: ElasticsearchAuth,
    /// TLS with ECK's CA.
    pub tls: Tls,
}

/// Basic authentication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElasticsearchAuth {
    /// The user.
    pub user: String,
    /// `${file:PATH}`, resolved by the collector at start.
    pub password: String,
}

/// The `service` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSection {
    /// The extensions that run.
    pub extensions: Vec<String>,
    /// Pipelines by signal.
    pub pipelines: BTreeMap<String, Pipeline>,
}

/// One signal's pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Receiver names.
    pub receivers: Vec<String>,
    /// Processor names, in order.
    pub processors: Vec<String>,
    /// Exporter names.
    pub exporters: Vec<String>,
}
