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
    base: Validation,
}

/// The failure policy both validating webhooks are rendered with. istiod turns them to
/// `Fail` once validation answers; rendered `Ignore` (the default on install, and under
/// Argo CD every render is an install) self-heal would turn them back, validation
/// flapping to fail-open (argo-cd#25447). Rendered as istiod leaves them, nothing flaps.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Validation {
    validation_failure_policy: &'static str,
}

const VALIDATION: Validation = Validation { validation_failure_policy: "Fail" };

/// Istio's CRDs and cluster roles, for the default revision.
pub fn istio_base() -> IstioBase {
    IstioBase { default_revision: "default".to_owned(), base: VALIDATION }
}

/// An on/off switch.
#[derive(Debug, Serialize)]
struct Enabled {
    enabled: bool,
}

/// `istiod` chart values. Since the charts moved their defaults under
/// `_internal_defaults_do_not_set` (istio/istio manifests/charts/istio-control/
/// istio-discovery/values.yaml and templates/zzz_profile.yaml at 1.30.3), the values are
/// set at the top level: the older `pilot.*` keys are ignored without a word.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Istiod {
    autoscale_min: u32,
    /// Injection leaves traffic redirection to the CNI node agent: without it every
    /// injected pod gets the privileged `istio-init` container, which the `restricted`
    /// namespaces refuse.
    cni: Enabled,
    #[serde(flatten)]
    placement: Placement,
    mesh_config: MeshConfig,
    base: Validation,
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
        autoscale_min: controller_replicas(env),
        cni: Enabled { enabled: true },
        placement: system_pool(),
        base: VALIDATION,
        mesh_config: MeshConfig {
            access_log_file: "/dev/stdout".to_owned(),
            access_log_encoding: "JSON".to_owned(),
            enable_tracing: true,
        },
    }
}

/// `cni` chart values, at the top level like istiod's (the `cni.*` keys of older
/// charts are ignored at 1.30.3).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IstioCni {
    exclude_namespaces: Vec<String>,
}

/// The Istio CNI node agent: it sets up traffic redirection on the node, so injected
/// pods need no privileged init container and stay within the `restricted` standard.
pub fn istio_cni() -> IstioCni {
    IstioCni { exclude_namespaces: vec!["kube-system".to_owned()] }
}
