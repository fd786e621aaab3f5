//! Typed values of each supported chart, grouped by what the add-ons do.

mod delivery;
mod logs;
mod mesh;
mod observability;
mod operations;
mod tracing;

pub use delivery::{argo_cd, argo_rollouts, cert_manager, external_secrets};
pub use logs::fluent_bit;
pub use mesh::{istio_base, istio_cni, istiod};
pub use observability::{eck_operator, kube_prometheus_stack};
pub use operations::{velero, vpa};
pub use tracing::jaeger;
