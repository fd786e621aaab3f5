//! Values of the Istio charts: base (CRDs), istiod (control plane) and the gateway.

use crate::argocd::values::{Placement, controller_replicas, system_pool};
use crate::spec::Env;
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
        pilot: Pilot { autoscale_min: controller_replicas(env), placement: system_pool() },
        mesh_config: MeshConfig {
            access_log_file: "/dev/stdout".to_owned(),
            access_log_encoding: "JSON".to_owned(),
            enable_tracing: true,
        },
    }
}

/// `gateway` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IstioGateway {
    autoscaling: GatewayAutoscaling,
    service: GatewayService,
    #[serde(flatten)]
    placement: Placement,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GatewayAutoscaling {
    enabled: bool,
    min_replicas: u32,
    max_replicas: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GatewayService {
    #[serde(rename = "type")]
    kind: String,
    external_traffic_policy: String,
}

/// The public ingress gateway: an OVHcloud load balancer that keeps client addresses
/// (`Local`), so rate limits and the WAF see who is calling.
pub fn istio_gateway(env: Env) -> IstioGateway {
    let min = controller_replicas(env);
    IstioGateway {
        autoscaling: GatewayAutoscaling { enabled: true, min_replicas: min, max_replicas: min * 3 },
        service: GatewayService { kind: "LoadBalancer".to_owned(), external_traffic_policy: "Local".to_owned() },
        placement: system_pool(),
    }
}
