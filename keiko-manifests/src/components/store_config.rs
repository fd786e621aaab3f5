//! Engine configuration the stores need from us: ClickHouse's built-in Prometheus
//! endpoint, switched on by a YAML file in `config.d` (ClickHouse reads YAML as well as
//! XML there). Neo4j's community edition has no Prometheus endpoint, so it gets none.

use crate::k8s::meta::object_meta;
use crate::output::RenderError;
use k8s_openapi::api::core::v1::ConfigMap;
use keiko_spec::stateful::{Engine, StatefulComponent};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where the file is mounted in ClickHouse's container.
pub const CLICKHOUSE_CONFIG_FILE: &str = "/etc/clickhouse-server/config.d/prometheus.yaml";
/// The key of the file in the ConfigMap.
pub const KEY: &str = "prometheus.yaml";

#[derive(Debug, Serialize)]
struct ClickhouseConfig {
    prometheus: ClickhousePrometheus,
}

/// ClickHouse's `<prometheus>` section.
#[derive(Debug, Serialize)]
struct ClickhousePrometheus {
    endpoint: String,
    port: u32,
    metrics: bool,
    events: bool,
    asynchronous_metrics: bool,
}

/// The ConfigMap's name.
pub fn name(store: &str) -> String {
    format!("{store}-config")
}

/// The engine's configuration file, when it needs one.
pub fn config_map(
    name: &str,
    store: &StatefulComponent,
    labels: BTreeMap<String, String>,
) -> Result<Option<ConfigMap>, RenderError> {
    let Engine::Clickhouse = store.engine else { return Ok(None) };
    let Some(metrics) = store.ports.iter().find(|p| p.name == keiko_spec::service::METRICS_PORT) else {
        return Ok(None);
    };
    let config = ClickhouseConfig {
        prometheus: ClickhousePrometheus {
            endpoint: "/metrics".to_owned(),
            port: metrics.port,
            metrics: true,
            events: true,
            asynchronous_metrics: true,
        },
    };
    let text = serde_saphyr::to_string(&config)
        .map_err(|e| RenderError::Serialize { path: self::name(name), reason: e.to_string() })?;
    Ok(Some(ConfigMap {
        metadata: object_meta(&self::name(name), &store.namespace, labels),
        data: Some(BTreeMap::from([(KEY.to_owned(), text)])),
        ..Default::default()
    }))
}
