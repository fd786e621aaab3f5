//! Grafana dashboards as code: typed dashboards (one per service with its RED metrics and
//! error-budget burn, one overview per environment) delivered as ConfigMaps that
//! Grafana's sidecar loads.

use super::slo::{REQUEST_DURATION, error_ratio, latency_p95};
use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use crate::output::RenderError;
use k8s_openapi::api::core::v1::ConfigMap;
use keiko_model::Platform;
use keiko_spec::Env;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The label Grafana's dashboard sidecar watches.
pub const DASHBOARD_LABEL: &str = "grafana_dashboard";

/// A Grafana dashboard (the subset of its JSON model that we use).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dashboard {
    /// Stable ID, so links survive reloads.
    pub uid: String,
    /// The title.
    pub title: String,
    /// Tags for search.
    pub tags: Vec<String>,
    /// Grafana's dashboard schema version.
    pub schema_version: u32,
    /// The default time range.
    pub time: TimeRange,
    /// The panels.
    pub panels: Vec<Panel>,
}

/// A relative time range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    /// Start (`now-6h`).
    pub from: String,
    /// End (`now`).
    pub to: String,
}

/// A time-series panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Panel {
    /// Unique within the dashboard.
    pub id: u32,
    /// The title.
    pub title: String,
    /// `timeseries`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Position on the 24-column grid.
    pub grid_pos: GridPos,
    /// The queries.
    pub targets: Vec<Target>,
    /// Display settings.
    pub field_config: FieldConfig,
}

/// A panel's position and size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridPos {
    /// Column.
    pub x: u32,
    /// Row.
    pub y: u32,
    /// Width in columns.
    pub w: u32,
    /// Height in rows.
    pub h: u32,
}

/// A PromQL query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Target {
    /// The query.
    pub expr: String,
    /// The series legend.
    pub legend_format: String,
    /// `A`, `B`…
    pub ref_id: String,
}

/// Display settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldConfig {
    /// Defaults for every series.
    pub defaults: FieldDefaults,
}

/// The unit of every series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDefaults {
    /// Grafana unit (`reqps`, `percentunit`, `s`).
    pub unit: String,
}

fn panel(id: u32, title: &str, unit: &str, targets: Vec<(String, &str)>) -> Panel {
    let (x, y) = ((id - 1) % 2 * 12, (id - 1) / 2 * 8);
    Panel {
        id,
        title: title.to_owned(),
        kind: "timeseries".to_owned(),
        grid_pos: GridPos { x, y, w: 12, h: 8 },
        targets: targets
            .into_iter()
            .zip('A'..)
            .map(|((expr, legend), ref_id)| Target {
                expr,
                legend_format: legend.to_owned(),
                ref_id: ref_id.to_string(),
            })
            .collect(),
        field_config: FieldConfig { defaults: FieldDefaults { unit: unit.to_owned() } },
    }
}

/// Rate, errors, duration and error-budget burn of one service.
pub fn service(platform: &Platform, name: &str) -> Dashboard {
    let ns = &platform.settings().namespace;
    let selector = format!("namespace=\"{ns}\",service=\"{name}\"");
    let budget = platform.services().get(name).map_or(0.001, |s| 1.0 - s.slo.availability_percent / 100.0);
    let panels = vec![
        panel(
            1,
            "Requests",
            "reqps",
            vec![(format!("sum(rate({REQUEST_DURATION}_count{{{selector}}}[5m]))"), "requests/s")],
        ),
        panel(2, "Errors", "percentunit", vec![(error_ratio(ns, name, "5m"), "5xx ratio")]),
        panel(3, "Latency p95", "s", vec![(latency_p95(ns, name), "p95")]),
        panel(
            4,
            "Error budget burn rate",
            "none",
            vec![
                (format!("{} / {budget:.6}", error_ratio(ns, name, "1h")), "1h"),
                (format!("{} / {budget:.6}", error_ratio(ns, name, "6h")), "6h"),
            ],
        ),
    ];
    dashboard(format!("keiko-{name}"), format!("Keiko / {name}"), vec![name.to_owned()], panels)
}

/// Every service's request rate and error ratio side by side.
pub fn overview(platform: &Platform, env: Env) -> Dashboard {
    let ns = &platform.settings().namespace;
    let panels = vec![
        panel(
            1,
            "Requests by service",
            "reqps",
            vec![(
                format!("sum by (service) (rate({REQUEST_DURATION}_count{{namespace=\"{ns}\"}}[5m]))"),
                "{{service}}",
            )],
        ),
        panel(
            2,
            "5xx ratio by service",
            "percentunit",
            vec![(
                format!(
                    "sum by (service) (rate({REQUEST_DURATION}_count{{namespace=\"{ns}\",http_response_status_code=~\"5..\"}}[5m])) / sum by (service) (rate({REQUEST_DURATION}_count{{namespace=\"{ns}\"}}[5m]))"
                ),
                "{{service}}",
            )],
        ),
    ];
    dashboard("keiko-overview".to_owned(), format!("Keiko / overview ({env})"), vec!["overview".to_owned()], panels)
}

fn dashboard(uid: String, title: String, tags: Vec<String>, panels: Vec<Panel>) -> Dashboard {
    let mut tags = tags;
    tags.insert(0, "keiko".to_owned());
    Dashboard {
        uid,
        title,
        tags,
        schema_version: 39,
        time: TimeRange { from: "now-6h".to_owned(), to: "now".to_owned() },
        panels,
    }
}

/// A dashboard as the ConfigMap Grafana's sidecar loads.
pub fn config_map(platform: &Platform, namespace: &str, dashboard: &Dashboard) -> Result<ConfigMap, RenderError> {
    let json = serde_json::to_string_pretty(dashboard)
        .map_err(|e| RenderError::Serialize { path: dashboard.uid.clone(), reason: e.to_string() })?;
    let mut labels = labels::platform(platform, &dashboard.uid);
    labels.insert(DASHBOARD_LABEL.to_owned(), "1".to_owned());
    Ok(ConfigMap {
        metadata: object_meta(&format!("dashboard-{}", dashboard.uid), namespace, labels),
        data: Some(BTreeMap::from([(format!("{}.json", dashboard.uid), json)])),
        ..Default::default()
    })
}
