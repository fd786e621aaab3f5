//! Where telemetry goes: the collectors every workload sends to, and their ports. The
//! pods' environment, the NetworkPolicies and the collectors themselves take these from
//! here, so a sender and its receiver cannot disagree.

use crate::Platform;

/// The agents' Service (a DaemonSet of collectors), which services send OTLP to.
pub const AGENT: &str = "otel-agent";
/// The gateway collectors, which the agents forward to.
pub const GATEWAY: &str = "otel-gateway";
/// OTLP over gRPC: the port the OTLP specification assigns (opentelemetry-proto,
/// "OTLP/gRPC Default Port").
pub const OTLP_GRPC: u16 = 4317;
/// OTLP over HTTP: the port the OTLP specification assigns ("OTLP/HTTP Default Port").
pub const OTLP_HTTP: u16 = 4318;
/// The gateway's Prometheus exporter (`prometheus` exporter endpoint): a port of the
/// platform's choosing, scraped through the gateway's ServiceMonitor.
pub const METRICS: u16 = 8889;

/// The OTLP endpoint services export to (`OTEL_EXPORTER_OTLP_ENDPOINT`).
pub fn agent_endpoint(platform: &Platform) -> String {
    format!("http://{AGENT}.{}.svc:{OTLP_GRPC}", platform.observability().namespace)
}

/// The OpenTelemetry SDK's switches that make a service serve its metrics for Prometheus
/// to scrape on its `metrics` port, beside OTLP for traces and logs
/// (opentelemetry-specification, specification/configuration/sdk-environment-variables.md:
/// `OTEL_METRICS_EXPORTER` "prometheus"; `OTEL_EXPORTER_PROMETHEUS_HOST`, default
/// `localhost`, which no scrape could reach; `OTEL_EXPORTER_PROMETHEUS_PORT`, default 9464).
pub fn prometheus_exporter_variables(port: u32) -> [(&'static str, String); 3] {
    [
        ("OTEL_METRICS_EXPORTER", "prometheus".to_owned()),
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "0.0.0.0".to_owned()),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", port.to_string()),
    ]
}
