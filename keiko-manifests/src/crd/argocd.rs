//! ArgoCD (`argoproj.io/v1alpha1`): Applications and AppProjects.

use kube::CustomResource;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The spec of an Application: what to deploy, where, and how to keep it in sync.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "argoproj.io", version = "v1alpha1", kind = "Application", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSpec {
    /// The AppProject that bounds what this application may deploy.
    pub project: String,
    /// Where the manifests come from.
    pub source: ApplicationSource,
    /// The cluster and namespace they go to.
    pub destination: ApplicationDestination,
    /// Automation of syncs.
    pub sync_policy: SyncPolicy,
    /// Fields another controller owns, which ArgoCD must not count as drift.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_differences: Vec<ResourceIgnoreDifferences>,
    /// Sync history kept for rollback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i64>,
}

/// A Git path or a Helm chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSource {
    /// The Git repository or Helm repository URL.
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    /// The branch (Git) or exact chart version (Helm).
    pub target_revision: String,
    /// The directory in the Git repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The chart name in the Helm repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    /// Helm settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm: Option<ApplicationSourceHelm>,
    /// Settings of a plain directory of manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<ApplicationSourceDirectory>,
}

/// A directory source: which files of `path` are applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSourceDirectory {
    /// A glob of files left out (`{a.yaml,b.yaml}`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub exclude: String,
}

/// Helm settings of a chart source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSourceHelm {
    /// The Helm release name.
    pub release_name: String,
    /// The chart values, as a structured object rather than a YAML string.
    pub values_object: Value,
}

/// Where an application deploys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationDestination {
    /// The cluster's API server URL.
    pub server: String,
    /// The default namespace.
    pub namespace: String,
}

/// How and when an application syncs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPolicy {
    /// Present for automatic sync; absent when syncs are started by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automated: Option<SyncPolicyAutomated>,
    /// Sync options (`CreateNamespace=true`, `ServerSideApply=true`).
    pub sync_options: Vec<String>,
    /// Retries of a failed sync.
    pub retry: RetryStrategy,
}

/// Automatic sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPolicyAutomated {
    /// Delete cluster objects that left Git.
    pub prune: bool,
    /// Revert changes made in the cluster outside Git.
    pub self_heal: bool,
}

/// Retries with exponential backoff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetryStrategy {
    /// Attempts before giving up.
    pub limit: i64,
    /// Delay between attempts.
    pub backoff: Backoff,
}

/// Exponential backoff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Backoff {
    /// The first delay (`10s`).
    pub duration: String,
    /// The multiplier between delays.
    pub factor: i64,
    /// The longest delay (`5m`).
    pub max_duration: String,
}

/// Fields of matching objects that ArgoCD ignores when comparing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceIgnoreDifferences {
    /// API group of the objects.
    pub group: String,
    /// Kind of the objects.
    pub kind: String,
    /// The object's name, when only one object of the kind is meant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// RFC 6901 pointers to the ignored fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json_pointers: Vec<String>,
    /// jq paths to the ignored fields (`.webhooks[]?.clientConfig.caBundle`), for fields
    /// in lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jq_path_expressions: Vec<String>,
}

/// The spec of an AppProject: the boundary of what its applications may do.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "argoproj.io", version = "v1alpha1", kind = "AppProject", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct AppProjectSpec {
    /// What the project is for.
    pub description: String,
    /// The only repositories its applications may deploy from.
    pub source_repos: Vec<String>,
    /// The only cluster and namespaces they may deploy to.
    pub destinations: Vec<ApplicationDestination>,
    /// Cluster-scoped kinds they may create; anything else is refused.
    pub cluster_resource_whitelist: Vec<GroupKind>,
    /// Namespaced kinds they may create; anything else is refused.
    pub namespace_resource_whitelist: Vec<GroupKind>,
    /// Warn about objects in the destinations that no application owns.
    pub orphaned_resources: OrphanedResources,
}

/// An API group and kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupKind {
    /// The group, empty for the core group; `*` for any.
    pub group: String,
    /// The kind; `*` for any.
    pub kind: String,
}

/// Orphaned-resource monitoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrphanedResources {
    /// Show a warning condition on the project.
    pub warn: bool,
}
