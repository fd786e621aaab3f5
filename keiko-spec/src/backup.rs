//! Backup cadence and retention, shared by every environment.

use super::env::Env;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How often databases are backed up and how long copies are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backups {
    /// When every PostgreSQL database is dumped (cron, UTC); at most 6 hours apart.
    pub database_schedule: String,
    /// Days daily copies are kept.
    pub daily_retention_days: u32,
    /// Days weekly copies are kept.
    pub weekly_retention_days: u32,
    /// When the disaster-recovery drill restores the latest backups (cron, UTC).
    pub drill_schedule: String,
    /// The Object Storage bucket prefix; the environment's short name is appended.
    pub bucket_prefix: String,
}

impl Backups {
    /// The backup bucket of `env`: `<bucket_prefix>-<dev|staging|prod>`. Terraform creates
    /// it; backup jobs and Velero write to it.
    pub fn bucket(&self, env: Env) -> String {
        format!("{}-{}", self.bucket_prefix, env.short_name())
    }
}
