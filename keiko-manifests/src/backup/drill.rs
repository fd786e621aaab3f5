//! The monthly disaster-recovery drill: fetch the newest backup of every database,
//! verify its checksum, restore it into a throw-away PostgreSQL inside the job, and
//! compare row counts with those recorded at backup time. A failure fails the Job, which
//! the `DisasterRecoveryDrillFailed` alert reports.

use super::jobs::{JobParts, cron_job, step};
use super::{scripts, storage};
use k8s_openapi::api::batch::v1::CronJob;
use keiko_model::Platform;
use keiko_spec::Env;
use std::collections::BTreeMap;

/// The drill's name (the alert matches `dr-drill-*` jobs).
pub const NAME: &str = "dr-drill";

/// The drill CronJob, or nothing when no service has a database.
pub fn cron_job_for(platform: &Platform, env: Env, labels: BTreeMap<String, String>) -> Option<CronJob> {
    let databases: Vec<String> =
        platform.services().values().filter_map(|s| s.database.as_ref()).map(|d| d.name.clone()).collect();
    if databases.is_empty() {
        return None;
    }
    let (key_volume, key_mount) = storage::key_volume();
    let key_file = format!("{}/sse-c-key", storage::KEY_DIR);
    let mut fetch = step(
        "fetch",
        scripts::images::AWS_CLI,
        scripts::fetch_latest(&platform.backups().bucket(env), &databases, &key_file),
        vec![key_mount],
    );
    fetch.env = Some(storage::environment(platform, env));
    let restore =
        step("restore-and-verify", scripts::images::POSTGRES, scripts::verify_restore(&databases), Vec::new());
    let parts = JobParts { before: vec![fetch], main: restore, volumes: vec![key_volume] };
    Some(cron_job(NAME, &platform.settings().namespace, &platform.backups().drill_schedule, labels, parts))
}
