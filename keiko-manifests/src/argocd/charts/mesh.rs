//! Values of the Istio charts: base (CRDs), istiod (control plane) and the CNI node agent.
//! The public gateway is deployed by Istio from the Gateway API object, not by a chart.

use crate::argocd::values::{Placement, controller_replicas, system_pool};
use keiko_spec::Env;
use serde::Serialize;

/// `base` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IstioBase {
    default_revision: String,
}

/// Istio's CRDs and cluster roles, for the default revision.
pub fn istio_base() -> IstioBase {
    IstioBase { default_revision: "default".to_owned() }
}

/// An on/off switch.
#[derive(Debug, Serialize)]
struct Enabled {
    enabled: bool,
}

/// `istiod` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Istiod {
    pilot: Pilot,
    mesh_config: MeshConfig,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Pilot {
    autoscale_min: u32,
    cni: Enabled,
    #[serde(flatten)]
    placement: Placement,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct MeshConfig {
    access_log_file: String,
    access_log_encoding: String,
    enable_tracing: bool,
}

/// The control plane: JSON access logs to stdout for the log pipeline, tracing on.
pub fn istiod(env: Env) -> Istiod {
    Istiod {
        pilot: Pilot {
            autoscale_min: controller_replicas(env),
            cni: Enabled { enabled: true },
            placement: system_pool(),
        },
        mesh_config: MeshConfig {
            access_log_file: "/dev/stdout".to_owned(),
            access_log_encoding: "JSON".to_owned(),
            enable_tracing: true,
        },
    }
}

/// `cni` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IstioCni {
    cni: CniSettings,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CniSettings {
    exclude_namespaces: Vec<String>,
}

/// The Istio CNI node agent: it sets up traffic redirection on the node, so injected
/// pods need no privileged init container and stay within the `restricted` standard.
pub fn istio_cni() -> IstioCni {
    IstioCni { cni: CniSettings { exclude_namespaces: vec!["kube-system".to_owned()] } }
}
