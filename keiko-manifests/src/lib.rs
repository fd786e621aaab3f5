//! The builders of Keiko's Kubernetes manifests, ArgoCD Applications and GitHub
//! workflows: the third layer, on the spec ([`keiko_spec`]) and the platform model
//! ([`keiko_model`]). Builders are pure: they return typed objects and files and never
//! run a thread, a check or a write; the `generate` crate assembles them, hands them
//! to the checks (keiko-policy) and writes the result (docs/architecture.md).

pub mod argocd;
pub mod backup;
pub mod components;
pub mod connection_map;
pub mod crd;
pub mod github;
pub mod k8s;
pub mod layout;
pub mod observability;
pub mod output;
pub mod schema_file;
pub mod secret_inventory;

pub use output::{Files, RenderError};
