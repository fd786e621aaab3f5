//! A Keiko service: what it runs, how it is reached and what it needs.

use super::env::PerEnv;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One stateless service of the platform, deployed to every environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// One line on what the service does; becomes the workload's description annotation.
    pub description: String,
    /// The owning team: the `keiko.io/team` label and the alert routing key.
    pub team: String,
    /// The cost center billed for the service: the `keiko.io/cost-center` label and tag.
    pub cost_center: String,
    /// The service's role, the `app.kubernetes.io/component` label.
    pub component: Component,
    /// The container image and the tag deployed to each environment.
    pub image: Image,
    /// The ports the container listens on.
    pub ports: Vec<Port>,
    /// Liveness, readiness and start-up probes.
    pub health: Health,
    /// Requests and limits per environment.
    pub resources: PerEnv<Resources>,
    /// Replica bounds per environment; the autoscaler moves between them.
    pub replicas: PerEnv<Replicas>,
    /// Utilization targets of the horizontal autoscaler.
    pub autoscaling: Autoscaling,
    /// Non-secret configuration, delivered as a ConfigMap.
    #[serde(default)]
    pub config: Config,
    /// Secrets read from the secret manager, delivered as environment variables.
    #[serde(default)]
    pub secrets: Vec<SecretRef>,
    /// The service's own PostgreSQL database, if it needs one.
    #[serde(default)]
    pub database: Option<Database>,
    /// The services this one calls; nothing else may reach them from it.
    #[serde(default)]
    pub calls: Vec<Call>,
    /// Routes exposed to the internet through the public gateway.
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Paths the service answers without a token (login, token, signing keys): every
    /// caller the spec lets in may reach them anonymously, and on a service with routes
    /// so may the internet; everything else needs a valid JWT. Istio path patterns: an
    /// exact path, or a prefix ending in `*`.
    #[serde(default)]
    pub anonymous_paths: Vec<String>,
    /// Service level objectives; alerts burn against them.
    pub slo: Slo,
    /// How new versions replace old ones.
    #[serde(default)]
    pub rollout: Rollout,
    /// Kubernetes API access the service needs; none by default, and then its pods get
    /// no API token at all.
    #[serde(default)]
    pub kubernetes_api: Vec<ApiGrant>,
}

/// Permission to use some Kubernetes API resources in the service's own namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiGrant {
    /// API groups (`""` for the core group).
    pub api_groups: Vec<String>,
    /// Resources (`configmaps`, `leases`).
    pub resources: Vec<String>,
    /// Verbs (`get`, `list`, `watch`…).
    pub verbs: Vec<String>,
    /// Why the service needs it.
    pub reason: String,
}

/// The role of a service in the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Component {
    /// A domain service behind the gateway.
    Backend,
    /// The API gateway: the one service the public gateway sends traffic to first.
    Gateway,
}

impl Component {
    /// The label value.
    pub fn name(self) -> &'static str {
        match self {
            Component::Backend => "backend",
            Component::Gateway => "gateway",
        }
    }
}

/// A container image: a repository under the platform registry and a tag per environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// The repository name under `platform.registry` (`identity-service`).
    pub repository: String,
    /// The tag (or `sha256:` digest) deployed to each environment. Outside dev it must be
    /// a full 40-character commit SHA or a digest, so a deployment is never ambiguous.
    pub tags: PerEnv<String>,
}

/// The port name Prometheus scrapes and analyses read from.
pub const METRICS_PORT: &str = "metrics";

/// A port the container listens on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Port {
    /// The IANA service name of the port (`http`, `grpc`, `metrics`).
    pub name: String,
    /// The port number, 1 to 65535.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u32,
    /// The application protocol, which the mesh and gateway route by.
    pub protocol: Protocol,
}

/// Application protocol of a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// HTTP/1.1 or HTTP/2 without gRPC framing.
    Http,
    /// gRPC over HTTP/2.
    Grpc,
    /// Opaque TCP.
    Tcp,
}

impl Protocol {
    /// The `appProtocol` value Kubernetes and Istio understand.
    pub fn app_protocol(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Grpc => "grpc",
            Protocol::Tcp => "tcp",
        }
    }
}

/// Health endpoints of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// The name of the port that serves the probes.
    pub port: String,
    /// The liveness path (`/health`).
    pub liveness: String,
    /// The readiness path (`/ready`).
    pub readiness: String,
    /// A start-up probe for services that start slowly; it holds off liveness until it passes.
    #[serde(default)]
    pub startup: Option<StartupProbe>,
}

/// A start-up probe on the liveness path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartupProbe {
    /// The longest start-up the probe tolerates, in seconds.
    #[schemars(range(min = 10, max = 600))]
    pub max_startup_seconds: u32,
}

/// Requests and limits of the service container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// What the scheduler reserves.
    pub requests: ResourceAmounts,
    /// What the container may not exceed.
    pub limits: ResourceAmounts,
}

/// CPU and memory as Kubernetes quantities (`250m`, `512Mi`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceAmounts {
    /// CPU, in cores or millicores (`500m`).
    pub cpu: String,
    /// Memory, in bytes with an optional suffix (`512Mi`).
    pub memory: String,
}

/// Replica bounds in one environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replicas {
    /// The fewest replicas, also the count before the autoscaler acts.
    #[schemars(range(min = 1))]
    pub min: u32,
    /// The most replicas the autoscaler may run.
    #[schemars(range(min = 1, max = 100))]
    pub max: u32,
}

/// Utilization targets of the horizontal autoscaler, in percent of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Autoscaling {
    /// Average CPU utilization to hold, 1 to 100.
    #[schemars(range(min = 1, max = 100))]
    pub cpu_percent: u32,
    /// Average memory utilization to hold, 1 to 100.
    #[schemars(range(min = 1, max = 100))]
    pub memory_percent: u32,
}

/// Non-secret configuration: values shared by all environments, then per-environment overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Values every environment gets.
    #[serde(default)]
    pub shared: BTreeMap<String, String>,
    /// Values that differ by environment; they win over `shared`.
    #[serde(default)]
    pub per_environment: Option<PerEnv<BTreeMap<String, String>>>,
}

/// A secret the service reads, synchronized from the secret manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// The environment variable the value is exposed as (`JWT_SIGNING_KEY`).
    pub env: String,
    /// The secret's key in the secret manager, under the environment's prefix.
    pub key: String,
    /// The property of that secret holding the value.
    pub property: String,
}

/// A PostgreSQL database owned by the service, one per environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// The database name (`identity`).
    pub name: String,
    /// Server connections of the service's managed connection pool (OVHcloud PgBouncer,
    /// transaction mode), shared by all its replicas.
    #[schemars(range(min = 1, max = 100))]
    pub pool_size: u32,
    /// Change it (a date works) to have OVHcloud reset the user's password in place: the
    /// provider's `password_reset`. The user and its grants stay, and Terraform writes the
    /// new password to the secret store (docs/runbooks/secret-rotation.md).
    #[serde(default = "initial_password")]
    pub password_reset: String,
}

fn initial_password() -> String {
    "initial".to_owned()
}

/// A call from this service to another one, on one of the callee's ports.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// The called service.
    pub service: String,
    /// The name of the callee's port.
    pub port: String,
}

/// A public route through the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The host label under the environment's domain (`api` → `api.<domain>`).
    pub host: String,
    /// The path prefix, starting with `/`.
    pub path: String,
    /// The name of the service port the route sends traffic to.
    pub port: String,
    /// Requests per second each replica accepts (Envoy local rate limit on its sidecar;
    /// the strictest of a service's routes applies); excess requests get 429.
    #[schemars(range(min = 1))]
    pub rate_limit_per_second: u32,
}

/// Service level objectives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Share of successful requests over 30 days, in percent (`99.9`).
    pub availability_percent: f64,
    /// The 95th percentile latency objective, in milliseconds.
    pub latency_p95_ms: u32,
}

/// How a new version replaces the old one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rollout {
    /// The strategy.
    #[serde(default)]
    pub strategy: RolloutStrategy,
    /// The analysis that gates a blue/green release, before and after promotion.
    #[serde(default)]
    pub analysis: Analysis,
}

/// A blue/green release's gate: `measurements` of the success rate, `interval_seconds`
/// apart; one below `min_success_rate` fails it, more than one without data holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Analysis {
    /// The share of non-5xx responses the new version must keep (`0.99`).
    #[serde(default = "default_min_success_rate")]
    #[schemars(range(min = 0.5, max = 1.0))]
    pub min_success_rate: f64,
    /// How many measurements an analysis takes.
    #[serde(default = "default_measurements")]
    #[schemars(range(min = 1, max = 30))]
    pub measurements: u32,
    /// Seconds between two measurements.
    #[serde(default = "default_interval_seconds")]
    #[schemars(range(min = 30, max = 600))]
    pub interval_seconds: u32,
}

impl Default for Analysis {
    /// Five measurements a minute apart, at least 99 % of requests answered without a 5xx.
    fn default() -> Analysis {
        Analysis {
            min_success_rate: default_min_success_rate(),
            measurements: default_measurements(),
            interval_seconds: default_interval_seconds(),
        }
    }
}

fn default_min_success_rate() -> f64 {
    0.99
}

fn default_measurements() -> u32 {
    5
}

fn default_interval_seconds() -> u32 {
    60
}

/// Rollout strategies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RolloutStrategy {
    /// A Deployment's rolling update.
    #[default]
    RollingUpdate,
    /// An Argo Rollouts blue/green rollout with pre-promotion analysis.
    BlueGreen,
}
