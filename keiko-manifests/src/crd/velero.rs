//! Velero (`velero.io/v1`): scheduled backups of cluster resources.

use kube::CustomResource;
use serde::{Deserialize, Serialize};

/// A cron schedule of backups.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "velero.io", version = "v1", kind = "Schedule", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct ScheduleSpec {
    /// When (cron, UTC).
    pub schedule: String,
    /// What each backup holds.
    pub template: BackupTemplate,
    /// Backups outlive the Schedule object; deleting it must not delete them.
    pub use_owner_references_in_backup: bool,
}

/// What a backup holds and how long it is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupTemplate {
    /// Namespaces included (`*` for all).
    pub included_namespaces: Vec<String>,
    /// Cluster-scoped resources too (CRDs, namespaces, cluster roles).
    pub include_cluster_resources: bool,
    /// Volume snapshots through the cloud provider: off.
    pub snapshot_volumes: bool,
    /// Copy pod volumes file by file with the node agent.
    pub default_volumes_to_fs_backup: bool,
    /// The backup storage location.
    pub storage_location: String,
    /// How long the backup is kept (`720h0m0s`).
    pub ttl: String,
}
