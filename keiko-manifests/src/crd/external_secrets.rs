//! External Secrets Operator (`external-secrets.io/v1`): where secrets come from and
//! which Kubernetes Secrets are kept in step with them.

use kube::CustomResource;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A secret backend usable from every namespace.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "external-secrets.io", version = "v1", kind = "ClusterSecretStore", schema = "disabled")]
pub struct ClusterSecretStoreSpec {
    /// The backend.
    pub provider: Provider,
}

/// The backend kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provider {
    /// A Vault KV v2 compatible API (OVHcloud Secret Manager).
    pub vault: VaultProvider,
}

/// A Vault-compatible backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VaultProvider {
    /// The API root.
    pub server: String,
    /// The KV mount.
    pub path: String,
    /// `v2`.
    pub version: String,
    /// How the operator authenticates.
    pub auth: VaultAuth,
}

/// Vault authentication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultAuth {
    /// A token kept in a Secret.
    pub token_secret_ref: SecretKeyRef,
}

/// A key of a Secret in a given namespace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretKeyRef {
    /// The Secret.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// The key.
    pub key: String,
}

/// A Kubernetes Secret kept in step with the backend.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "external-secrets.io", version = "v1", kind = "ExternalSecret", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretSpec {
    /// How often the backend is read again (`1h`); rotated values arrive within it.
    pub refresh_interval: String,
    /// The store.
    pub secret_store_ref: StoreRef,
    /// The Secret written.
    pub target: Target,
    /// The values read.
    pub data: Vec<ExternalSecretData>,
}

/// A store reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreRef {
    /// The store's name.
    pub name: String,
    /// `ClusterSecretStore`.
    pub kind: String,
}

/// The Secret an ExternalSecret writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// Its name.
    pub name: String,
    /// `Owner`: the Secret is deleted with the ExternalSecret.
    pub creation_policy: String,
    /// Extra keys computed from the values read (a connection URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<Template>,
}

/// Keys computed from the values read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// The Secret's `type` (`kubernetes.io/dockerconfigjson`); `Opaque` when unset.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `v2`.
    pub engine_version: String,
    /// `Merge`: computed keys are added to the values read.
    pub merge_policy: String,
    /// Key → Go template over the values read.
    pub data: BTreeMap<String, String>,
}

/// One value read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretData {
    /// The key in the Secret.
    pub secret_key: String,
    /// Where it is read from.
    pub remote_ref: RemoteRef,
}

/// A property of a secret in the backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteRef {
    /// The secret's path.
    pub key: String,
    /// The property.
    pub property: String,
}
