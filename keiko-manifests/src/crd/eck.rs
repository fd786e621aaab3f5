//! Elastic Cloud on Kubernetes: the Elasticsearch cluster that stores logs and the
//! Kibana that reads them.

use k8s_openapi::api::core::v1::{PersistentVolumeClaim, PodTemplateSpec};
use kube::CustomResource;
use serde::{Deserialize, Serialize};

/// An Elasticsearch cluster.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "elasticsearch.k8s.elastic.co", version = "v1", kind = "Elasticsearch", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct ElasticsearchSpec {
    /// The Elastic Stack version.
    pub version: String,
    /// Groups of nodes.
    pub node_sets: Vec<NodeSet>,
}

/// A group of identical Elasticsearch nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSet {
    /// The group's name.
    pub name: String,
    /// How many nodes.
    pub count: i32,
    /// `elasticsearch.yml` settings of these nodes.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub config: std::collections::BTreeMap<String, serde_json::Value>,
    /// The pod template (resources, placement).
    pub pod_template: PodTemplateSpec,
    /// The data volume per node.
    pub volume_claim_templates: Vec<PersistentVolumeClaim>,
}

/// A Kibana instance.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "kibana.k8s.elastic.co", version = "v1", kind = "Kibana", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct KibanaSpec {
    /// The Elastic Stack version.
    pub version: String,
    /// How many instances.
    pub count: i32,
    /// The Elasticsearch cluster it reads.
    pub elasticsearch_ref: ElasticsearchRef,
    /// The pod template (resources, placement).
    pub pod_template: PodTemplateSpec,
}

/// An Elasticsearch cluster by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticsearchRef {
    /// Its name in the same namespace.
    pub name: String,
}
