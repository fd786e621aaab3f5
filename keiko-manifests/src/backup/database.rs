//! A backup CronJob per PostgreSQL database: dump, count, checksum, then an encrypted
//! upload to the environment's bucket, on the spec's schedule (at most 6 hours apart).

use super::jobs::{JobParts, cron_job, step};
use super::{scripts, storage};
use crate::k8s::secrets::{DATABASE_DIR, database_name};
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{EnvVar, SecretVolumeSource, Volume, VolumeMount};
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::service::Service;
use std::collections::BTreeMap;

/// The CronJob's name for a service's database.
pub fn name(service: &str) -> String {
    format!("backup-{service}")
}

/// The backup of `service`'s database, or nothing when it has none.
pub fn cron_job_for(
    platform: &Platform,
    env: Env,
    service_name: &str,
    service: &Service,
    labels: BTreeMap<String, String>,
) -> Option<CronJob> {
    let database = service.database.as_ref()?;
    let db_volume = Volume {
        name: "database".to_owned(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(database_name(service_name)),
            default_mode: Some(0o400),
            ..Default::default()
        }),
        ..Default::default()
    };
    let db_mount = VolumeMount {
        name: "database".to_owned(),
        mount_path: DATABASE_DIR.to_owned(),
        read_only: Some(true),
        ..Default::default()
    };
    let mut dump = step("dump", scripts::images::POSTGRES, scripts::dump(&database.name), vec![db_mount]);
    dump.env = Some(vec![EnvVar {
        name: "DATABASE_URL_FILE".to_owned(),
        // The primary, not the pool: pg_dump needs a session (`direct_port`).
        value: Some(format!("{DATABASE_DIR}/{}", crate::k8s::secrets::DIRECT_DATABASE_URL_KEY)),
        value_from: None,
    }]);
    let (key_volume, key_mount) = storage::key_volume();
    let key_file = format!("{}/sse-c-key", storage::KEY_DIR);
    let mut upload = step(
        "upload",
        scripts::images::AWS_CLI,
        scripts::upload(&platform.backups().bucket(env), &format!("postgres/{}", database.name), &key_file),
        vec![key_mount],
    );
    upload.env = Some(storage::environment(platform, env));
    let parts = JobParts { before: vec![dump], main: upload, volumes: vec![db_volume, key_volume] };
    Some(cron_job(
        &name(service_name),
        &platform.settings().namespace,
        &platform.backups().database_schedule,
        labels,
        parts,
    ))
}
