//! The network policy of backup and drill pods: DNS, the managed PostgreSQL service's
//! pools (once the environment's Terraform facts give their ports) and Object Storage's
//! HTTPS endpoint, nothing else, and no inbound traffic at all.

use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use crate::k8s::network_policy::{DATABASE_EGRESS_ANNOTATION, database_egress, dns_egress, port};
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyPeer, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use keiko_model::Platform;
use keiko_model::databases::{self, PRIVATE_RANGES};
use keiko_model::object_storage;
use keiko_spec::Env;
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

/// Egress of backup pods in `env`.
pub fn policy(platform: &Platform, env: Env, namespace: &str) -> NetworkPolicy {
    let public = NetworkPolicyPeer {
        ip_block: Some(IPBlock {
            cidr: "0.0.0.0/0".to_owned(),
            except: Some(PRIVATE_RANGES.map(str::to_owned).to_vec()),
        }),
        ..Default::default()
    };
    let database = databases::for_backups(platform, env);
    let mut metadata = object_meta("backup-jobs", namespace, labels::platform(platform, "backup-jobs"));
    if let Some(note) = database.pending_note() {
        metadata.annotations = Some(BTreeMap::from([(DATABASE_EGRESS_ANNOTATION.to_owned(), note)]));
    }
    let object_storage = NetworkPolicyEgressRule {
        to: Some(vec![public]),
        ports: Some(vec![port("TCP", i32::from(object_storage::HTTPS_PORT))]),
    };
    let egress = [Some(dns_egress()), database_egress(&database), Some(object_storage)].into_iter().flatten();
    NetworkPolicy {
        metadata,
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(ROLE_LABEL.to_owned(), ROLE.to_owned())])),
                ..Default::default()
            }),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ingress: Some(Vec::new()),
            egress: Some(egress.collect()),
        }),
    }
}
