//! The network policy of backup and drill pods: DNS, the managed PostgreSQL service and
//! Object Storage's HTTPS endpoint, nothing else, and no inbound traffic at all.

use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use crate::k8s::network_policy::{dns_egress, port};
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyPeer, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use keiko_model::Platform;
use std::collections::BTreeMap;

/// The label every backup and drill pod carries.
pub const ROLE_LABEL: &str = "keiko.io/role";
/// Its value.
pub const ROLE: &str = "backup";

/// Labels of backup pods.
pub fn pod_labels(platform: &Platform, name: &str) -> BTreeMap<String, String> {
    let mut labels = labels::platform(platform, name);
    labels.insert(ROLE_LABEL.to_owned(), ROLE.to_owned());
    labels
}

/// Egress of backup pods.
pub fn policy(platform: &Platform, namespace: &str) -> NetworkPolicy {
    let public = NetworkPolicyPeer {
        ip_block: Some(IPBlock {
            cidr: "0.0.0.0/0".to_owned(),
            except: Some(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(str::to_owned).to_vec()),
        }),
        ..Default::default()
    };
    NetworkPolicy {
        metadata: object_meta("backup-jobs", namespace, labels::platform(platform, "backup-jobs")),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(ROLE_LABEL.to_owned(), ROLE.to_owned())])),
                ..Default::default()
            }),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ingress: Some(Vec::new()),
            egress: Some(vec![
                dns_egress(),
                NetworkPolicyEgressRule {
                    to: Some(vec![public]),
                    ports: Some(vec![port("TCP", 5432), port("TCP", 443)]),
                },
            ]),
        }),
    }
}
