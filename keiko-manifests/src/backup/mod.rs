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
use crate::spec::{Env, Spec};

/// The backup objects in the services' namespace: credentials, policy, one job per
/// database and the drill.
pub fn objects(spec: &Spec, env: Env) -> Result<Vec<Object>, RenderError> {
    let namespace = &spec.platform().namespace;
    let mut objects =
        vec![Object::new(&storage::secret(spec, namespace))?, Object::new(&network::policy(spec, namespace))?];
    for (name, service) in spec.services() {
        if let Some(job) =
            database::cron_job_for(spec, env, name, service, network::pod_labels(spec, &database::name(name)))
        {
            objects.push(Object::new(&job)?);
        }
    }
    if let Some(job) = drill::cron_job_for(spec, env, network::pod_labels(spec, drill::NAME)) {
        objects.push(Object::new(&job)?);
    }
    Ok(objects)
}
