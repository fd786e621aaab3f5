//! Kubernetes Services: the ClusterIP in front of a workload and the headless one a
//! StatefulSet needs for stable pod names.

use super::labels;
use super::meta::object_meta;
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use keiko_spec::service::Port;
use std::collections::BTreeMap;

/// A ClusterIP Service named `name` selecting the pods of `workload`.
pub fn cluster_ip(
    namespace: &str,
    name: &str,
    workload: &str,
    ports: &[Port],
    labels: BTreeMap<String, String>,
) -> Service {
    Service {
        metadata: object_meta(name, namespace, labels),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_owned()),
            selector: Some(labels::selector(workload)),
            ports: Some(ports.iter().map(service_port).collect()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A headless Service that publishes pods before they are ready, so StatefulSet
/// members can find each other while forming a cluster.
pub fn headless(namespace: &str, workload: &str, ports: &[Port], labels: BTreeMap<String, String>) -> Service {
    let mut service = cluster_ip(namespace, &headless_name(workload), workload, ports, labels);
    if let Some(spec) = service.spec.as_mut() {
        spec.type_ = None;
        spec.cluster_ip = Some("None".to_owned());
        spec.publish_not_ready_addresses = Some(true);
    }
    service
}

/// The headless Service's name.
pub fn headless_name(workload: &str) -> String {
    format!("{workload}-headless")
}

fn service_port(port: &Port) -> ServicePort {
    ServicePort {
        name: Some(port.name.clone()),
        port: keiko_model::platform::int32(port.port),
        target_port: Some(IntOrString::String(port.name.clone())),
        protocol: Some("TCP".to_owned()),
        app_protocol: Some(port.protocol.app_protocol().to_owned()),
        ..Default::default()
    }
}
