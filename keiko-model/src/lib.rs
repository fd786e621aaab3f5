//! The platform model, the second layer: what every builder shares, read from the
//! validated spec and from the outside world, so no builder keeps a fact of its own.
//!
//! - [`Platform`]: the validated spec resolved for the builders: add-ons by role,
//!   quantities as numbers, the [`connections`] between workloads computed once;
//! - [`databases`]: how workloads reach the managed PostgreSQL service;
//! - [`files`]: the tree every builder renders into;
//! - [`charts`]: what each upstream chart installs with our values, read at its version;
//! - [`gateway_api`]: the Gateway API CRDs and where they are synced from;
//! - [`generated`]: the conventions of every generated file;
//! - [`images`]: what the upstream images we run write, and as which user;
//! - [`registries`]: which port a registry reference is pulled from;
//! - [`gitops`]: the names and sync order the GitOps bootstrap and the ArgoCD layer share;
//! - [`object_storage`]: how every S3 client reaches the buckets;
//! - [`secrets`]: what the secret store holds for the cluster to read;
//! - [`stores`]: how the stateful stores are reached and logged in to;
//! - [`telemetry`]: where every workload sends its telemetry;
//! - [`terraform_roots`]: the Terraform roots of an environment and their apply order.
//!
//! Each constant that describes an upstream component says where the fact comes from.

pub mod charts;
pub mod connections;
pub mod databases;
pub mod files;
pub mod gateway_api;
pub mod generated;
pub mod gitops;
pub mod images;
pub mod object_storage;
pub mod platform;
pub mod registries;
pub mod secrets;
pub mod stores;
pub mod telemetry;
pub mod terraform_roots;

pub use files::{Files, RenderError};
pub use platform::Platform;
