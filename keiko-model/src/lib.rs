//! The platform model, the second layer: what every builder shares, read from the
//! validated spec and from the outside world, so no builder keeps a fact of its own.
//!
//! [`files`] is the tree every builder renders into; [`generated`] holds the
//! conventions of every generated file; [`gitops`] the names the GitOps bootstrap and
//! the ArgoCD layer agree on;
//! [`object_storage`] how every S3 client reaches the buckets; [`secrets`] what the secret store holds for the cluster
//! to read; [`telemetry`] where every workload sends its telemetry. Each constant that describes an upstream component says where the fact
//! comes from.

pub mod files;
pub mod generated;
pub mod gitops;
pub mod object_storage;
pub mod secrets;
pub mod telemetry;

pub use files::{Files, RenderError};
