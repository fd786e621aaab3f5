//! The CronJob shape shared by backup and drill jobs: hardened pods, a scratch volume
//! for the files passed between containers, no overlap, failures kept for inspection.

use super::scripts::WORK_DIR;
use crate::k8s::meta::object_meta;
use crate::k8s::{pod, security};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, PodSpec, PodTemplateSpec, ResourceRequirements, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// A job step: a container running one script.
pub fn step(name: &str, image: &str, script: String, mounts: Vec<VolumeMount>) -> Container {
    let amounts = |cpu: &str, memory: &str| {
        BTreeMap::from([
            ("cpu".to_owned(), Quantity(cpu.to_owned())),
            ("memory".to_owned(), Quantity(memory.to_owned())),
        ])
    };
    let mut volume_mounts = vec![
        VolumeMount { name: "work".to_owned(), mount_path: WORK_DIR.to_owned(), ..Default::default() },
        security::tmp_mount(),
    ];
    volume_mounts.extend(mounts);
    Container {
        name: name.to_owned(),
        image: Some(image.to_owned()),
        command: Some(vec!["/bin/sh".to_owned(), "-c".to_owned()]),
        args: Some(vec![script]),
        resources: Some(ResourceRequirements {
            requests: Some(amounts("100m", "256Mi")),
            limits: Some(amounts("1", "1Gi")),
            ..Default::default()
        }),
        security_context: Some(step_security(image)),
        volume_mounts: Some(volume_mounts),
        ..Default::default()
    }
}

/// The hardened container context, as the image's user when the image needs its own
/// (keiko_model::images: PostgreSQL's tools need the `postgres` user to exist); the
/// pod's fsGroup stays a supplemental group, so mounted Secrets remain readable.
fn step_security(image: &str) -> k8s_openapi::api::core::v1::SecurityContext {
    let mut context = security::container_security();
    if let Some(keiko_model::images::User::Uid(uid)) = keiko_model::images::facts(image).map(|f| f.user) {
        context.run_as_user = Some(uid);
        context.run_as_group = Some(uid);
    }
    context
}

/// What a backup CronJob runs.
pub struct JobParts {
    /// Steps run first, in order (init containers).
    pub before: Vec<Container>,
    /// The last step.
    pub main: Container,
    /// Volumes besides the scratch space.
    pub volumes: Vec<Volume>,
}

/// A CronJob that never overlaps itself and keeps its last failures.
pub fn cron_job(
    name: &str,
    namespace: &str,
    schedule: &str,
    labels: BTreeMap<String, String>,
    parts: JobParts,
) -> CronJob {
    let work = Volume {
        name: "work".to_owned(),
        empty_dir: Some(EmptyDirVolumeSource { size_limit: Some(Quantity("20Gi".to_owned())), medium: None }),
        ..Default::default()
    };
    let mut volumes = vec![work, security::tmp_volume()];
    volumes.extend(parts.volumes);
    let pod = PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels.clone()),
            // Jobs finish; a sidecar would keep them running forever.
            annotations: Some(BTreeMap::from([("sidecar.istio.io/inject".to_owned(), "false".to_owned())])),
            ..Default::default()
        }),
        spec: Some(PodSpec {
            init_containers: Some(parts.before),
            containers: vec![parts.main],
            volumes: Some(volumes),
            restart_policy: Some("Never".to_owned()),
            security_context: Some(security::pod_security(security::SERVICE_UID)),
            automount_service_account_token: Some(false),
            node_selector: Some(pod::applications_pool()),
            ..Default::default()
        }),
    };
    CronJob {
        metadata: object_meta(name, namespace, labels),
        spec: Some(CronJobSpec {
            schedule: schedule.to_owned(),
            time_zone: Some("Etc/UTC".to_owned()),
            concurrency_policy: Some("Forbid".to_owned()),
            starting_deadline_seconds: Some(900),
            successful_jobs_history_limit: Some(3),
            failed_jobs_history_limit: Some(5),
            job_template: JobTemplateSpec {
                metadata: None,
                spec: Some(JobSpec {
                    backoff_limit: Some(2),
                    active_deadline_seconds: Some(3 * 3600),
                    template: pod,
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}
