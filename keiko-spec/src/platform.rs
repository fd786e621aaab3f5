//! Platform-wide settings and the description of each environment's cluster.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Settings shared by every environment and service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    /// The platform's name: the `app.kubernetes.io/part-of` label of everything it runs.
    pub name: String,
    /// The OVHcloud and GitHub organization that owns the platform (`keikolatam`).
    pub organization: String,
    /// The Git repository ArgoCD reads `generated/` from (HTTPS URL).
    pub repository: String,
    /// The container registry every service image lives under, without scheme
    /// (`registry.gra.cloud.ovh.net/keikolatam`).
    pub registry: String,
    /// The Kubernetes minor version of every cluster (`"1.35"`); the manifests are
    /// checked against this version's API.
    pub kubernetes_version: String,
    /// The namespace the services run in.
    pub namespace: String,
}

/// One environment: its cluster, where it is deployed from and how big it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The OVHcloud Managed Kubernetes cluster name (`keikolatam-dev`).
    pub cluster: String,
    /// The OVHcloud region (`GRA`, or a zone such as `GRA9`).
    pub region: String,
    /// The Git branch whose commits deploy to this environment.
    pub branch: String,
    /// The base DNS domain under which public routes are exposed.
    pub domain: String,
    /// The Object Storage bucket that holds this environment's Terraform state.
    pub state_bucket: String,
    /// The node pools of the cluster.
    pub node_pools: NodePools,
    /// Whether ArgoCD syncs Git changes by itself or waits for a person.
    pub sync: SyncMode,
    /// The JWT issuer services and the gateway accept.
    pub jwt: super::security::Jwt,
    /// Where the environment's secrets are kept.
    pub secret_manager: super::security::SecretManager,
    /// The datacenter that hosts the Managed Kubernetes cluster (`GRA11`): MKS takes a
    /// datacenter inside `region`, not the region itself. Defaults to `<region>11`
    /// (see [`Environment::mks_region`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_region: Option<String>,
    /// The environment's managed PostgreSQL service; defaults to [`Postgres::default`].
    #[serde(default)]
    pub postgres: Postgres,
    /// The environment's private network: nodes, load balancers and the database on one
    /// subnet, public egress through an OVHcloud Gateway (ADR 0018).
    pub network: Network,
}

/// An environment's private network in the project's vRack, and the address ranges of its
/// cluster. The three ranges must not overlap, and no two environments share a VLAN or a
/// subnet, since they would then share one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// The VLAN of the private network in the vRack (`ovh_cloud_project_network_private.vlan_id`).
    #[schemars(range(min = 1, max = 4000))]
    pub vlan_id: u32,
    /// The subnet of the nodes, the load balancers and the database (`10.10.0.0/24`).
    pub subnet: String,
    /// The pods' range (`ip_allocation_policy.pods_ipv4_cidr`, `10.2.0.0/16`).
    pub pods: String,
    /// The Services' range (`ip_allocation_policy.services_ipv4_cidr`, `10.3.0.0/16`).
    pub services: String,
}

impl Environment {
    /// The Managed Kubernetes datacenter: `kubernetes_region`, or `<region>11` when unset.
    pub fn mks_region(&self) -> String {
        self.kubernetes_region.clone().unwrap_or_else(|| format!("{}11", self.region))
    }
}

/// The size of an environment's managed PostgreSQL service (OVHcloud Public Cloud Databases).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Postgres {
    /// The PostgreSQL major version (`"17"`).
    pub version: String,
    /// The service plan: `essential` (1 node), `business` (2) or `enterprise` (3).
    pub plan: String,
    /// The node flavor (`db1-4`: 1 vCPU, 4 GB).
    pub flavor: String,
}

impl Default for Postgres {
    /// The smallest service: PostgreSQL 17 on one `db1-4` node (`essential`).
    fn default() -> Postgres {
        Postgres { version: "17".into(), plan: "essential".into(), flavor: "db1-4".into() }
    }
}

/// How ArgoCD applies changes in an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SyncMode {
    /// Every commit is applied, objects removed from Git are pruned, and drift made in
    /// the cluster is reverted.
    Automatic,
    /// Differences are shown and a person starts the sync (`argocd app sync`).
    Manual,
}

/// The two node pools every cluster has: one for platform add-ons, one for services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodePools {
    /// Runs the platform add-ons (ArgoCD, observability, operators).
    pub system: NodePool,
    /// Runs the Keiko services and stateful stores.
    pub applications: NodePool,
}

/// A node pool with autoscaling bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodePool {
    /// The OVHcloud instance flavor (`b2-7`: 2 vCPU, 7 GB).
    pub flavor: String,
    /// The node count the pool starts with.
    pub desired_nodes: u32,
    /// The autoscaler's lower bound.
    #[schemars(range(min = 1))]
    pub min_nodes: u32,
    /// The autoscaler's upper bound.
    pub max_nodes: u32,
}
