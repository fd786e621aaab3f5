//! Backups and disaster recovery: a dump of every PostgreSQL database on the spec's
//! schedule, Velero schedules for cluster resources and store volumes, and the monthly
//! restore drill. Retention follows the bucket lifecycle Terraform sets (30 days for
//! dailies, 365 for weeklies).

pub mod database;
pub mod drill;
pub mod jobs;
pub mod network;
pub mod scripts;
pub mod storage;
pub mod velero;

use crate::k8s::Object;
use crate::output::RenderError;
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::service::Service;

/// The backup objects shared by the fleet, in the services' namespace: credentials,
/// policy and the drill. Each database's job travels with its service instead
/// ([`service_objects`]), so no component, and no ArgoCD build, grows with the fleet.
pub fn objects(platform: &Platform, env: Env) -> Result<Vec<Object>, RenderError> {
    let namespace = &platform.settings().namespace;
    let mut objects = vec![
        Object::new(&storage::secret(platform, namespace))?,
        Object::new(&network::policy(platform, env, namespace))?,
    ];
    if let Some(job) = drill::cron_job_for(platform, env, network::pod_labels(platform, drill::NAME)) {
        objects.push(Object::new(&job)?);
    }
    Ok(objects)
}

/// The backup job of one service's database, if it owns one.
pub fn service_objects(
    platform: &Platform,
    env: Env,
    name: &str,
    service: &Service,
) -> Result<Vec<Object>, RenderError> {
    let labels = network::pod_labels(platform, &database::name(name));
    database::cron_job_for(platform, env, name, service, labels).iter().map(Object::new).collect()
}
