//! The pod template of a service: one hardened container with probes, resources,
//! graceful shutdown and placement on the `applications` node pool.

use super::labels::{self, Identity};
use super::security;
use crate::spec::service::{Health, Service};
use crate::spec::{Env, Spec};
use k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, Container, ContainerPort, EnvFromSource, HTTPGetAction, Lifecycle, LifecycleHandler, PodSpec,
    PodTemplateSpec, Probe, ResourceRequirements, SleepAction, TopologySpreadConstraint,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// The node label the Terraform node pools set; workloads select their pool by it.
pub const NODE_POOL_LABEL: &str = "keiko.io/node-pool";
/// Seconds a pod keeps serving after removal from endpoints, so in-flight requests end
/// before SIGTERM; the grace period below covers it plus the service's own shutdown.
const PRE_STOP_SLEEP_SECONDS: i64 = 5;
/// Seconds between SIGTERM and SIGKILL.
pub const TERMINATION_GRACE_SECONDS: i64 = 30;
/// Seconds between start-up probe attempts.
const STARTUP_PERIOD_SECONDS: i32 = 5;

/// The pod template of `service` in `env`, with an annotation that changes whenever
/// its configuration does, so pods roll on a config change.
pub fn template(spec: &Spec, name: &str, service: &Service, env: Env, config_hash: &str) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels::recommended(spec, &identity(name, service, env))),
            annotations: Some(BTreeMap::from([(format!("{}/config-hash", labels::PREFIX), config_hash.to_owned())])),
            ..Default::default()
        }),
        spec: Some(PodSpec {
            service_account_name: Some(name.to_owned()),
            automount_service_account_token: Some(false),
            containers: vec![container(spec, name, service, env)],
            volumes: Some(vec![security::tmp_volume()]),
            security_context: Some(security::pod_security(security::SERVICE_UID)),
            termination_grace_period_seconds: Some(TERMINATION_GRACE_SECONDS),
            node_selector: Some(applications_pool()),
            topology_spread_constraints: Some(spread(name)),
            enable_service_links: Some(false),
            ..Default::default()
        }),
    }
}

/// The labels identifying a service in `env`.
pub fn identity<'a>(name: &'a str, service: &'a Service, env: Env) -> Identity<'a> {
    Identity {
        name,
        component: service.component.name(),
        version: service.image.tags.get(env),
        team: &service.team,
        cost_center: &service.cost_center,
    }
}

/// The full image reference: `registry/repository:tag` or `registry/repository@sha256:…`.
pub fn image(spec: &Spec, service: &Service, env: Env) -> String {
    let tag = service.image.tags.get(env);
    let separator = if tag.starts_with("sha256:") { '@' } else { ':' };
    format!("{}{separator}{tag}", image_name(spec, service))
}

/// The image without tag or digest, as Kustomize's `images` field matches it.
pub fn image_name(spec: &Spec, service: &Service) -> String {
    format!("{}/{}", spec.platform().registry, service.image.repository)
}

fn container(spec: &Spec, name: &str, service: &Service, env: Env) -> Container {
    let health = &service.health;
    Container {
        name: name.to_owned(),
        image: Some(image(spec, service, env)),
        image_pull_policy: Some("IfNotPresent".to_owned()),
        ports: Some(service.ports.iter().map(|p| container_port(&p.name, p.port)).collect()),
        env_from: Some(vec![EnvFromSource {
            config_map_ref: Some(ConfigMapEnvSource { name: super::config_map::name(name), optional: Some(false) }),
            ..Default::default()
        }]),
        resources: Some(resources(service, env)),
        liveness_probe: Some(http_probe(health, &health.liveness, 3)),
        readiness_probe: Some(http_probe(health, &health.readiness, 3)),
        startup_probe: health.startup.as_ref().map(|startup| Probe {
            failure_threshold: Some(startup_attempts(startup.max_startup_seconds)),
            period_seconds: Some(STARTUP_PERIOD_SECONDS),
            ..http_probe(health, &health.liveness, 1)
        }),
        lifecycle: Some(pre_stop_sleep()),
        security_context: Some(security::container_security()),
        volume_mounts: Some(vec![security::tmp_mount()]),
        ..Default::default()
    }
}

/// A named TCP container port.
pub fn container_port(name: &str, port: u32) -> ContainerPort {
    ContainerPort {
        name: Some(name.to_owned()),
        container_port: i32::try_from(port).unwrap_or(i32::MAX),
        protocol: Some("TCP".to_owned()),
        ..Default::default()
    }
}

/// Requests and limits as the spec gives them for `env`.
fn resources(service: &Service, env: Env) -> ResourceRequirements {
    let given = service.resources.get(env);
    let amounts = |a: &crate::spec::service::ResourceAmounts| {
        BTreeMap::from([("cpu".to_owned(), Quantity(a.cpu.clone())), ("memory".to_owned(), Quantity(a.memory.clone()))])
    };
    ResourceRequirements {
        requests: Some(amounts(&given.requests)),
        limits: Some(amounts(&given.limits)),
        ..Default::default()
    }
}

fn http_probe(health: &Health, path: &str, failure_threshold: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.to_owned()),
            port: IntOrString::String(health.port.clone()),
            scheme: Some("HTTP".to_owned()),
            ..Default::default()
        }),
        period_seconds: Some(10),
        timeout_seconds: Some(2),
        failure_threshold: Some(failure_threshold),
        success_threshold: Some(1),
        ..Default::default()
    }
}

fn startup_attempts(max_startup_seconds: u32) -> i32 {
    let period = STARTUP_PERIOD_SECONDS.unsigned_abs();
    i32::try_from(max_startup_seconds.div_ceil(period)).unwrap_or(i32::MAX)
}

/// A preStop sleep run by the kubelet itself, so it works in images without a shell.
pub fn pre_stop_sleep() -> Lifecycle {
    Lifecycle {
        pre_stop: Some(LifecycleHandler {
            sleep: Some(SleepAction { seconds: PRE_STOP_SLEEP_SECONDS }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Schedules on the `applications` node pool.
pub fn applications_pool() -> BTreeMap<String, String> {
    BTreeMap::from([(NODE_POOL_LABEL.to_owned(), "applications".to_owned())])
}

/// Spreads replicas across zones and nodes; `ScheduleAnyway` so a small or single-zone
/// cluster still runs every replica.
pub fn spread(name: &str) -> Vec<TopologySpreadConstraint> {
    ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]
        .into_iter()
        .map(|key| TopologySpreadConstraint {
            max_skew: 1,
            topology_key: key.to_owned(),
            when_unsatisfiable: "ScheduleAnyway".to_owned(),
            label_selector: Some(LabelSelector { match_labels: Some(labels::selector(name)), ..Default::default() }),
            ..Default::default()
        })
        .collect()
}
