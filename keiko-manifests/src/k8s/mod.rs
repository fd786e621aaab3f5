//! Kubernetes objects as typed values: pods, services, policies, the mesh, the
//! gateway, the namespaces and what they enforce, and the Kustomize files they are laid
//! out in. The components built from them are in [`crate::components`]; how they are
//! laid out as a base and overlays in [`crate::layout`].

pub mod autoscaling;
pub mod config_map;
pub mod deployment;
pub mod exemptions;
pub mod gateway;
pub mod kustomize;
pub mod labels;
pub mod mesh;
pub mod meta;
pub mod namespace;
pub mod network_policy;
pub mod object;
pub mod patch;
pub mod platform;
pub mod pod;
pub mod quota;
pub mod rbac;
pub mod rollout;
pub mod routes;
pub mod secrets;
pub mod security;
pub mod service;
pub mod service_account;

pub use object::Object;

use keiko_spec::Env;

/// The environment the base is rendered for: production, so that the base alone is
/// the safest configuration and overlays only relax it.
pub const BASE_ENV: Env = Env::Production;

/// The component holding the namespaces and what they enforce.
pub const PLATFORM: &str = "platform";
/// The component holding the public gateway.
pub const GATEWAY: &str = "gateway";
/// The component holding telemetry, logs, alerting, dashboards and Velero schedules.
pub const OBSERVABILITY: &str = "observability";
/// The component holding backup credentials and policy and the disaster-recovery drill
/// (each database's backup job is in its service's component).
pub const BACKUPS: &str = "backups";
