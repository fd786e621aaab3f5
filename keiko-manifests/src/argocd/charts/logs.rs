//! Values of Fluent Bit: container logs from every node, enriched with Kubernetes
//! metadata, JSON lines parsed so `trace_id`/`span_id` become fields, and sent over OTLP
//! to the telemetry agent, so logs reach Elasticsearch through the same pipeline as
//! traces and carry the same trace IDs.

use crate::argocd::values::Toleration;
use crate::observability::collector::{AGENT, OTLP_HTTP};
use keiko_model::Platform;
use serde::Serialize;

/// `fluent-bit` chart values.
#[derive(Debug, Serialize)]
pub struct FluentBit {
    tolerations: Vec<Toleration>,
    config: Config,
}

/// The chart's configuration sections, in Fluent Bit's classic format.
#[derive(Debug, Serialize)]
struct Config {
    filters: String,
    outputs: String,
}

/// One `[SECTION]` of Fluent Bit's classic configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// `FILTER`, `OUTPUT`…
    pub kind: &'static str,
    /// Key/value lines, in order.
    pub entries: Vec<(&'static str, String)>,
}

impl Section {
    /// The section as Fluent Bit reads it.
    pub fn render(&self) -> String {
        let mut text = format!("[{}]\n", self.kind);
        for (key, value) in &self.entries {
            text.push_str(&format!("    {key} {value}\n"));
        }
        text
    }
}

fn render(sections: &[Section]) -> String {
    sections.iter().map(Section::render).collect::<Vec<_>>().join("\n")
}

/// Kubernetes metadata, JSON logs merged into fields, trace context under OpenTelemetry's names.
fn filters() -> Vec<Section> {
    let entries = |pairs: &[(&'static str, &str)]| pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    vec![
        Section {
            kind: "FILTER",
            entries: entries(&[
                ("Name", "kubernetes"),
                ("Match", "kube.*"),
                ("Merge_Log", "On"),
                ("Keep_Log", "Off"),
                ("K8S-Logging.Parser", "On"),
                ("K8S-Logging.Exclude", "On"),
            ]),
        },
        Section {
            kind: "FILTER",
            entries: entries(&[
                ("Name", "modify"),
                ("Match", "kube.*"),
                ("Copy", "trace_id traceId"),
                ("Copy", "span_id spanId"),
            ]),
        },
    ]
}

/// OTLP over HTTP to the node's telemetry agent.
fn outputs(platform: &Platform) -> Vec<Section> {
    vec![Section {
        kind: "OUTPUT",
        entries: vec![
            ("Name", "opentelemetry".to_owned()),
            ("Match", "kube.*".to_owned()),
            ("Host", format!("{AGENT}.{}.svc", platform.observability().namespace)),
            ("Port", OTLP_HTTP.to_string()),
            ("Logs_uri", "/v1/logs".to_owned()),
            ("Log_response_payload", "False".to_owned()),
            ("Retry_Limit", "False".to_owned()),
        ],
    }]
}

/// Fluent Bit runs on every node, system pool included: it tolerates every taint.
pub fn fluent_bit(platform: &Platform) -> FluentBit {
    FluentBit {
        tolerations: vec![Toleration { key: None, operator: "Exists".to_owned(), value: None, effect: None }],
        config: Config { filters: render(&filters()), outputs: render(&outputs(platform)) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_render_in_fluent_bits_classic_format() {
        let section =
            Section { kind: "OUTPUT", entries: vec![("Name", "stdout".to_owned()), ("Match", "*".to_owned())] };
        assert_eq!(section.render(), "[OUTPUT]\n    Name stdout\n    Match *\n");
    }
}
