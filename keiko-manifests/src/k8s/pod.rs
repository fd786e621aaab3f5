//! The pod template of a service: one hardened container with probes, resources,
//! graceful shutdown and placement on the `applications` node pool.

use super::labels::{self, Identity};
use super::{secrets, security};
use k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, Container, ContainerPort, EnvFromSource, EnvVar, EnvVarSource, HTTPGetAction, Lifecycle,
    LifecycleHandler, ObjectFieldSelector, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, SecretVolumeSource,
    SleepAction, TopologySpreadConstraint, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use keiko_model::Platform;
use keiko_model::stores;
use keiko_spec::Env;
use keiko_spec::service::{Health, Service};
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
pub fn template(platform: &Platform, name: &str, service: &Service, env: Env, config_hash: &str) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels::recommended(platform, &identity(name, service, env))),
            annotations: Some(pod_annotations(config_hash)),
            ..Default::default()
        }),
        spec: Some(PodSpec {
            service_account_name: Some(name.to_owned()),
            automount_service_account_token: Some(!service.kubernetes_api.is_empty()),
            // The services' images are in the registry's private project (ADR 0019).
            image_pull_secrets: Some(vec![k8s_openapi::api::core::v1::LocalObjectReference {
                name: keiko_model::secrets::REGISTRY_PULL_SECRET.to_owned(),
            }]),
            containers: vec![container(platform, name, service, env)],
            volumes: Some(volumes(platform, name, service)),
            security_context: Some(security::pod_security(security::SERVICE_UID)),
            termination_grace_period_seconds: Some(TERMINATION_GRACE_SECONDS),
            node_selector: Some(applications_pool()),
            topology_spread_constraints: Some(spread(name)),
            enable_service_links: Some(false),
            ..Default::default()
        }),
    }
}

/// The config fingerprint that rolls pods on a config change, and the sidecar's size.
fn pod_annotations(config_hash: &str) -> BTreeMap<String, String> {
    let mut annotations = super::mesh::sidecar_annotations();
    annotations.insert(format!("{}/config-hash", labels::PREFIX), config_hash.to_owned());
    annotations
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
pub fn image(platform: &Platform, service: &Service, env: Env) -> String {
    let tag = service.image.tags.get(env);
    let separator = if tag.starts_with("sha256:") { '@' } else { ':' };
    format!("{}{separator}{tag}", image_name(platform, service))
}

/// The image without tag or digest, as Kustomize's `images` field matches it.
pub fn image_name(platform: &Platform, service: &Service) -> String {
    format!("{}/{}", platform.settings().registry, service.image.repository)
}

fn container(platform: &Platform, name: &str, service: &Service, env: Env) -> Container {
    let health = &service.health;
    Container {
        name: name.to_owned(),
        image: Some(image(platform, service, env)),
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
        env: Some(
            telemetry_variables(platform, name, service, env)
                .into_iter()
                .chain(secret_file_variables(service))
                .chain(store_variables(platform, name))
                .collect(),
        ),
        volume_mounts: Some(mounts(platform, name, service)),
        ..Default::default()
    }
}

/// Scratch space plus the service's Secrets (synced by External Secrets), mounted whole
/// (never with subPath) so that rotated values appear in the files: its own, its
/// database's, and the credentials of each store it is a client of.
fn volumes(platform: &Platform, name: &str, service: &Service) -> Vec<Volume> {
    let secret = |volume: &str, secret: String| Volume {
        name: volume.to_owned(),
        secret: Some(SecretVolumeSource { secret_name: Some(secret), default_mode: Some(0o440), ..Default::default() }),
        ..Default::default()
    };
    let mut volumes = vec![security::tmp_volume()];
    if !service.secrets.is_empty() {
        volumes.push(secret("secrets", secrets::secrets_name(name)));
    }
    if service.database.is_some() {
        volumes.push(secret("database", secrets::database_name(name)));
    }
    for (store, _) in stores::stores_of(platform, name) {
        volumes.push(secret(store, stores::client_secret_name(name, store)));
    }
    volumes
}

fn mounts(platform: &Platform, name: &str, service: &Service) -> Vec<VolumeMount> {
    let read_only = |name: &str, path: &str| VolumeMount {
        name: name.to_owned(),
        mount_path: path.to_owned(),
        read_only: Some(true),
        ..Default::default()
    };
    let mut mounts = vec![security::tmp_mount()];
    if !service.secrets.is_empty() {
        mounts.push(read_only("secrets", secrets::SECRETS_DIR));
    }
    if service.database.is_some() {
        mounts.push(read_only("database", secrets::DATABASE_DIR));
    }
    for (store, _) in stores::stores_of(platform, name) {
        mounts.push(read_only(store, &stores::client_dir(store)));
    }
    mounts
}

/// Per store the service is a client of: `<STORE>_URL` (the store's client Service and
/// port) and `<STORE>_USERNAME_FILE`/`<STORE>_PASSWORD_FILE` (its mounted credentials).
fn store_variables(platform: &Platform, name: &str) -> Vec<EnvVar> {
    let variable = |name: String, value: String| EnvVar { name, value: Some(value), value_from: None };
    let mut variables = Vec::new();
    for (store, component) in stores::stores_of(platform, name) {
        let prefix = stores::variable_prefix(store);
        let dir = stores::client_dir(store);
        if let Some(url) = stores::url(store, component) {
            variables.push(variable(format!("{prefix}_URL"), url));
        }
        variables.push(variable(format!("{prefix}_USERNAME_FILE"), format!("{dir}/username")));
        variables.push(variable(format!("{prefix}_PASSWORD_FILE"), format!("{dir}/password")));
    }
    variables
}

/// The OpenTelemetry SDK's settings: where to export, and the resource attributes that
/// tie every span, metric and log line to its service, version, environment and pod.
fn telemetry_variables(platform: &Platform, name: &str, service: &Service, env: Env) -> Vec<EnvVar> {
    let variable = |key: &str, value: String| EnvVar { name: key.to_owned(), value: Some(value), value_from: None };
    let pod_name = EnvVar {
        name: "K8S_POD_NAME".to_owned(),
        value: None,
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector { field_path: "metadata.name".to_owned(), api_version: None }),
            ..Default::default()
        }),
    };
    let attributes = format!(
        "service.namespace={},service.version={},deployment.environment.name={env},k8s.namespace.name={},k8s.pod.name=$(K8S_POD_NAME)",
        platform.settings().name,
        service.image.tags.get(env),
        platform.settings().namespace
    );
    let mut variables = vec![
        pod_name,
        variable("OTEL_SERVICE_NAME", name.to_owned()),
        variable("OTEL_EXPORTER_OTLP_ENDPOINT", keiko_model::telemetry::agent_endpoint(platform)),
        variable("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
        variable("OTEL_RESOURCE_ATTRIBUTES", attributes),
    ];
    // A service with a metrics port serves its metrics there for its ServiceMonitor, whose
    // `service` label the alerts and analyses select by.
    if let Some(metrics) = service.ports.iter().find(|p| p.name == keiko_spec::service::METRICS_PORT) {
        let exporter = keiko_model::telemetry::prometheus_exporter_variables(metrics.port);
        variables.extend(exporter.into_iter().map(|(key, value)| variable(key, value)));
    }
    variables
}

/// `<NAME>_FILE` variables pointing at each secret file, the convention services read
/// secrets by; values themselves never enter the environment, where they could not rotate.
fn secret_file_variables(service: &Service) -> Vec<EnvVar> {
    let variable = |name: String, value: String| EnvVar { name, value: Some(value), value_from: None };
    let mut variables: Vec<EnvVar> = service
        .secrets
        .iter()
        .map(|s| variable(format!("{}_FILE", s.env), format!("{}/{}", secrets::SECRETS_DIR, s.env)))
        .collect();
    if service.database.is_some() {
        variables.push(variable("DATABASE_URL_FILE".to_owned(), format!("{}/DATABASE_URL", secrets::DATABASE_DIR)));
        variables.push(variable("PGSSLROOTCERT".to_owned(), format!("{}/ca", secrets::DATABASE_DIR)));
    }
    variables
}

/// A named TCP container port.
pub fn container_port(name: &str, port: u32) -> ContainerPort {
    ContainerPort {
        name: Some(name.to_owned()),
        container_port: keiko_model::platform::int32(port),
        protocol: Some("TCP".to_owned()),
        ..Default::default()
    }
}

/// Requests and limits as the spec gives them for `env`.
fn resources(service: &Service, env: Env) -> ResourceRequirements {
    super::meta::requirements(service.resources.get(env))
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
    keiko_model::platform::int32(max_startup_seconds.div_ceil(period))
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
