//! ClickHouse and Neo4j as StatefulSets: a volume per replica on the OVHcloud block
//! storage class, headless and client Services, a PDB, probes, credentials from the
//! secret store, and a log sidecar that streams the store's log files to stdout for the
//! cluster's log collector. Every path the image writes (keiko_model::images) is a
//! writable volume; the root filesystem stays read-only.

use crate::k8s::autoscaling;
use crate::k8s::labels::{self, Identity};
use crate::k8s::meta::object_meta;
use crate::k8s::object::Object;
use crate::k8s::{pod, security, service};
use crate::output::RenderError;
use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, Container, EmptyDirVolumeSource, EnvVar, HTTPGetAction, PersistentVolumeClaim, PodSpec,
    PodTemplateSpec, Probe, ResourceRequirements, SecretVolumeSource, TCPSocketAction, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use keiko_model::Platform;
use keiko_model::stores::{CREDENTIALS_DIR, credentials_secret_name};
use keiko_spec::Env;
use keiko_spec::stateful::{Engine, StatefulComponent};
use std::collections::BTreeMap;

/// The log-streaming sidecar's image, pinned.
pub const LOG_SIDECAR_IMAGE: &str = "fluent/fluent-bit:4.0.7";

/// ClickHouse's `users.d`, where its entrypoint writes the user from `CLICKHOUSE_USER`
/// (keiko_model::images::CLICKHOUSE); empty in the image, so an emptyDir hides nothing.
pub const CLICKHOUSE_USERS_D: &str = "/etc/clickhouse-server/users.d";
/// Neo4j's configuration directory, which its entrypoint rewrites on every start
/// (keiko_model::images::NEO4J): an emptyDir seeded from the image's own files.
pub const NEO4J_CONF: &str = "/var/lib/neo4j/conf";
/// Where the seeding init container mounts the emptyDir it fills.
const NEO4J_CONF_SEED: &str = "/seed";

/// What differs between engines.
struct EngineProfile {
    facts: &'static keiko_model::images::ImageFacts,
    data_path: &'static str,
    log_path: &'static str,
    liveness: Probe,
    readiness: Probe,
}

impl EngineProfile {
    /// The uid the image's files belong to.
    fn uid(&self) -> i64 {
        match self.facts.user {
            keiko_model::images::User::Uid(uid) => uid,
            keiko_model::images::User::AnyNonRoot => security::SERVICE_UID,
        }
    }
}

fn profile(engine: Engine) -> EngineProfile {
    match engine {
        Engine::Clickhouse => EngineProfile {
            facts: &keiko_model::images::CLICKHOUSE,
            data_path: "/var/lib/clickhouse",
            log_path: "/var/log/clickhouse-server",
            liveness: http_probe("/ping", "http", 30),
            readiness: http_probe("/ping", "http", 3),
        },
        Engine::Neo4j => EngineProfile {
            facts: &keiko_model::images::NEO4J,
            data_path: "/data",
            log_path: "/logs",
            liveness: tcp_probe("bolt", 30),
            readiness: http_probe("/", "http", 3),
        },
    }
}

/// Every object of one stateful store in one environment.
/// `flows` is the render's [`keiko_model::connections::Connections`], computed once for the whole fleet.
pub fn objects(
    platform: &Platform,
    name: &str,
    store: &StatefulComponent,
    env: Env,
    flows: &keiko_model::connections::Connections,
) -> Result<Vec<Object>, RenderError> {
    let ns = store.namespace.as_str();
    let version = store.image.rsplit_once(':').map_or("", |(_, tag)| tag);
    let who = Identity { name, component: "database", version, team: &store.team, cost_center: &store.cost_center };
    let labels = labels::recommended(platform, &who);
    let me = keiko_model::connections::Workload { namespace: ns.to_owned(), name: name.to_owned() };
    let flows = flows.touching(&me).to_vec();
    let mut objects = vec![
        Object::new(&crate::k8s::service_account::service_account(ns, name, false, labels.clone()))?,
        // The headless Service is for peer discovery only: without the metrics port, the
        // ServiceMonitor scrapes each pod once, through the client Service.
        Object::new(&service::headless(ns, name, &peer_ports(store), labels.clone()))?,
        Object::new(&service::cluster_ip(ns, name, name, &store.ports, labels.clone()))?,
        Object::new(&stateful_set(name, store, env, labels.clone()))?,
        Object::new(&autoscaling::pdb(ns, name, labels.clone()))?,
        Object::new(&crate::k8s::network_policy::workload(platform, &me, &flows, None, labels.clone()))?,
        Object::new(&crate::k8s::mesh::authorization(platform, &me, &flows, labels.clone()))?,
        Object::new(&crate::k8s::secrets::store_credentials(
            ns,
            &credentials_secret_name(name),
            name,
            store.engine,
            labels.clone(),
        ))?,
    ];
    let plain = crate::k8s::mesh::outside_mesh_ports(&me, &flows);
    if !plain.is_empty() {
        objects.push(Object::new(&crate::k8s::mesh::plain_text_ports(&me, &plain, labels.clone()))?);
    }
    if let Some(config) = super::store_config::config_map(name, store, labels.clone())? {
        objects.push(Object::new(&config)?);
        objects.push(Object::new(&crate::observability::slo::service_monitor(ns, name, labels))?);
    }
    Ok(objects)
}

fn stateful_set(name: &str, store: &StatefulComponent, env: Env, labels: BTreeMap<String, String>) -> StatefulSet {
    let engine = profile(store.engine);
    StatefulSet {
        metadata: object_meta(name, &store.namespace, labels.clone()),
        spec: Some(StatefulSetSpec {
            replicas: Some(keiko_model::platform::int32(*store.replicas.get(env))),
            service_name: Some(service::headless_name(name)),
            selector: LabelSelector { match_labels: Some(labels::selector(name)), ..Default::default() },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    annotations: Some(crate::k8s::mesh::sidecar_annotations()),
                    ..Default::default()
                }),
                spec: Some(pod_spec(name, store, env, &engine)),
            },
            volume_claim_templates: Some(vec![data_claim(store, env)]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn pod_spec(name: &str, store: &StatefulComponent, env: Env, engine: &EngineProfile) -> PodSpec {
    PodSpec {
        service_account_name: Some(name.to_owned()),
        automount_service_account_token: Some(false),
        init_containers: init_containers(store),
        containers: vec![main_container(name, store, env, engine), log_sidecar()],
        volumes: Some(volumes(name, store)),
        security_context: Some(security::pod_security(engine.uid())),
        termination_grace_period_seconds: Some(120),
        node_selector: Some(pod::applications_pool()),
        topology_spread_constraints: Some(pod::spread(name)),
        enable_service_links: Some(false),
        ..Default::default()
    }
}

fn peer_ports(store: &StatefulComponent) -> Vec<keiko_spec::service::Port> {
    store.ports.iter().filter(|p| p.name != keiko_spec::service::METRICS_PORT).cloned().collect()
}

/// Scratch space, logs, the store's credentials, and what the engine writes besides
/// its data: ClickHouse's `users.d` and its configuration file, Neo4j's conf directory.
fn volumes(name: &str, store: &StatefulComponent) -> Vec<Volume> {
    let credentials = Volume {
        name: "credentials".to_owned(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(credentials_secret_name(name)),
            default_mode: Some(0o440),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut volumes = vec![security::tmp_volume(), scratch("logs"), credentials];
    match store.engine {
        Engine::Clickhouse => volumes.push(small_scratch("users-d")),
        Engine::Neo4j => volumes.push(small_scratch("conf")),
    }
    if store.engine == Engine::Clickhouse {
        volumes.push(Volume {
            name: "config".to_owned(),
            config_map: Some(ConfigMapVolumeSource {
                name: super::store_config::name(name),
                optional: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
    volumes
}

fn main_mounts(store: &StatefulComponent, engine: &EngineProfile) -> Vec<VolumeMount> {
    let mut mounts = vec![
        mount("data", engine.data_path),
        mount("logs", engine.log_path),
        security::tmp_mount(),
        VolumeMount { read_only: Some(true), ..mount("credentials", CREDENTIALS_DIR) },
    ];
    match store.engine {
        Engine::Clickhouse => mounts.push(mount("users-d", CLICKHOUSE_USERS_D)),
        Engine::Neo4j => mounts.push(mount("conf", NEO4J_CONF)),
    }
    if store.engine == Engine::Clickhouse {
        // One file into the image's config.d, which keeps its own files.
        mounts.push(VolumeMount {
            name: "config".to_owned(),
            mount_path: super::store_config::CLICKHOUSE_CONFIG_FILE.to_owned(),
            sub_path: Some(super::store_config::KEY.to_owned()),
            read_only: Some(true),
            ..Default::default()
        });
    }
    mounts
}

fn main_container(name: &str, store: &StatefulComponent, env: Env, engine: &EngineProfile) -> Container {
    Container {
        name: name.to_owned(),
        image: Some(store.image.clone()),
        ports: Some(store.ports.iter().map(|p| pod::container_port(&p.name, p.port)).collect()),
        resources: Some(crate::k8s::meta::requirements(store.resources.get(env))),
        liveness_probe: Some(engine.liveness.clone()),
        readiness_probe: Some(engine.readiness.clone()),
        lifecycle: Some(pod::pre_stop_sleep()),
        security_context: Some(security::container_security()),
        env: Some(credential_variables(store.engine)),
        volume_mounts: Some(main_mounts(store, engine)),
        ..Default::default()
    }
}

/// How the engine's entrypoint finds its credentials: files of the mounted Secret, read
/// at start. ClickHouse creates `CLICKHOUSE_USER` with that password and removes the
/// passwordless `default` user; Neo4j sets the initial password of `neo4j` from
/// `NEO4J_AUTH_PATH` (a file holding `neo4j/<password>`). A rotated password reaches a
/// store when it restarts (docs/runbooks/first-install.md).
fn credential_variables(engine: Engine) -> Vec<EnvVar> {
    let variable = |name: &str, value: String| EnvVar { name: name.to_owned(), value: Some(value), value_from: None };
    match engine {
        Engine::Clickhouse => vec![
            // The user name is no secret; Terraform writes the same name beside the password.
            variable("CLICKHOUSE_USER", keiko_model::secrets::store_username(engine).to_owned()),
            variable("CLICKHOUSE_PASSWORD_FILE", format!("{CREDENTIALS_DIR}/password")),
            // SQL-driven user management stays off: users come from the secret store.
            variable("CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT", "0".to_owned()),
        ],
        Engine::Neo4j => {
            vec![variable("NEO4J_AUTH_PATH", format!("{CREDENTIALS_DIR}/{}", crate::k8s::secrets::NEO4J_AUTH_KEY))]
        }
    }
}

/// Neo4j's conf directory is an emptyDir; this copies the image's own files into it
/// before the entrypoint appends to them. The same image, so the files match its version.
fn init_containers(store: &StatefulComponent) -> Option<Vec<Container>> {
    let Engine::Neo4j = store.engine else { return None };
    Some(vec![Container {
        name: "seed-conf".to_owned(),
        image: Some(store.image.clone()),
        command: Some(["cp", "-R", &format!("{NEO4J_CONF}/."), NEO4J_CONF_SEED].map(str::to_owned).to_vec()),
        resources: Some(helper_resources()),
        security_context: Some(security::container_security()),
        volume_mounts: Some(vec![mount("conf", NEO4J_CONF_SEED), security::tmp_mount()]),
        ..Default::default()
    }])
}

/// What the small helper containers (conf seeding, log shipping) get.
fn helper_resources() -> ResourceRequirements {
    ResourceRequirements {
        requests: Some(crate::k8s::meta::quantities("10m", "32Mi")),
        limits: Some(crate::k8s::meta::quantities("100m", "64Mi")),
        ..Default::default()
    }
}

/// Streams the log files in the shared `logs` volume to stdout, where the cluster's
/// Fluent Bit DaemonSet collects them with every other container log.
fn log_sidecar() -> Container {
    Container {
        name: "log-shipper".to_owned(),
        image: Some(LOG_SIDECAR_IMAGE.to_owned()),
        args: Some(
            [
                "-H",
                "-P",
                "2020",
                "-i",
                "tail",
                "-p",
                "path=/logs/*.log",
                "-p",
                "refresh_interval=5",
                "-o",
                "stdout",
                "-p",
                "format=json_lines",
            ]
            .map(str::to_owned)
            .to_vec(),
        ),
        resources: Some(helper_resources()),
        ports: Some(vec![pod::container_port("log-http", 2020)]),
        // Fluent Bit's built-in HTTP server (`-H`) answers on `/` while the process is up.
        liveness_probe: Some(http_probe("/", "log-http", 3)),
        readiness_probe: Some(http_probe("/", "log-http", 3)),
        security_context: Some(security::container_security()),
        volume_mounts: Some(vec![
            VolumeMount { read_only: Some(true), ..mount("logs", "/logs") },
            security::tmp_mount(),
        ]),
        ..Default::default()
    }
}

fn data_claim(store: &StatefulComponent, env: Env) -> PersistentVolumeClaim {
    let storage = store.storage.get(env);
    crate::k8s::meta::volume_claim("data", &storage.class, &storage.size)
}

/// A small emptyDir for configuration files an entrypoint writes.
fn small_scratch(name: &str) -> Volume {
    Volume {
        name: name.to_owned(),
        empty_dir: Some(EmptyDirVolumeSource { size_limit: Some(Quantity("16Mi".to_owned())), medium: None }),
        ..Default::default()
    }
}

fn scratch(name: &str) -> Volume {
    Volume {
        name: name.to_owned(),
        empty_dir: Some(EmptyDirVolumeSource { size_limit: Some(Quantity("1Gi".to_owned())), medium: None }),
        ..Default::default()
    }
}

fn mount(name: &str, path: &str) -> VolumeMount {
    VolumeMount { name: name.to_owned(), mount_path: path.to_owned(), ..Default::default() }
}

fn http_probe(path: &str, port: &str, failure_threshold: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.to_owned()),
            port: IntOrString::String(port.to_owned()),
            ..Default::default()
        }),
        initial_delay_seconds: Some(10),
        period_seconds: Some(10),
        timeout_seconds: Some(5),
        failure_threshold: Some(failure_threshold),
        ..Default::default()
    }
}

fn tcp_probe(port: &str, failure_threshold: i32) -> Probe {
    Probe {
        tcp_socket: Some(TCPSocketAction { port: IntOrString::String(port.to_owned()), host: None }),
        initial_delay_seconds: Some(30),
        period_seconds: Some(10),
        timeout_seconds: Some(5),
        failure_threshold: Some(failure_threshold),
        ..Default::default()
    }
}
