//! Stateful stores the platform runs itself (ClickHouse, Neo4j) as StatefulSets.

use super::env::PerEnv;
use super::service::{Port, Resources};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A stateful store run inside the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatefulComponent {
    /// Which store this is; decides ports, probes and backup tooling.
    pub engine: Engine,
    /// One line on what the store holds.
    pub description: String,
    /// The owning team.
    pub team: String,
    /// The cost center billed for the store.
    pub cost_center: String,
    /// The namespace the store runs in.
    pub namespace: String,
    /// The upstream image, with a pinned version tag.
    pub image: String,
    /// The ports the store listens on.
    pub ports: Vec<Port>,
    /// Replicas per environment.
    pub replicas: PerEnv<u32>,
    /// Requests and limits per environment.
    pub resources: PerEnv<Resources>,
    /// Persistent volume per replica, per environment.
    pub storage: PerEnv<Storage>,
    /// The services allowed to connect to the store.
    #[serde(default)]
    pub clients: Vec<String>,
    /// When the store is backed up (cron, UTC).
    pub backup_schedule: String,
}

/// The stores the platform knows how to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// ClickHouse, the analytics store.
    Clickhouse,
    /// Neo4j, the graph store.
    Neo4j,
}

impl Engine {
    /// The port name clients connect to: ClickHouse's HTTP interface (what its HTTP
    /// client libraries speak) and Neo4j's Bolt.
    pub fn client_port(self) -> &'static str {
        match self {
            Engine::Clickhouse => "http",
            Engine::Neo4j => "bolt",
        }
    }

    /// The ports a store of this engine must declare: its probes use them, and clients
    /// connect to [`Engine::client_port`].
    pub fn required_ports(self) -> &'static [&'static str] {
        match self {
            Engine::Clickhouse => &["http"],
            Engine::Neo4j => &["http", "bolt"],
        }
    }

    /// The engine's name as used in labels.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Clickhouse => "clickhouse",
            Engine::Neo4j => "neo4j",
        }
    }
}

/// A persistent volume request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// The volume size as a Kubernetes quantity (`50Gi`).
    pub size: String,
    /// The storage class (`csi-cinder-high-speed` on OVHcloud Managed Kubernetes).
    pub class: String,
}
