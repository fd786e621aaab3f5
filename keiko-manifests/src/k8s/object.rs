//! A rendered Kubernetes object: its identity plus its serialized value, so that
//! typed objects of any kind (core or custom) are compared, diffed and written alike.

use crate::output::RenderError;
use serde::Serialize;
use serde_json::Value;

/// A Kubernetes object after serialization.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`, empty for cluster-scoped objects.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// The whole object, fields in the order its type declares them.
    pub value: Value,
}

impl Object {
    /// Serializes a typed object and reads its identity back from the result.
    pub fn new<T: Serialize>(typed: &T) -> Result<Object, RenderError> {
        let value = serde_json::to_value(typed)
            .map_err(|error| RenderError::Serialize { path: "(object)".to_owned(), reason: error.to_string() })?;
        let text = |pointer: &str| value.pointer(pointer).and_then(Value::as_str).unwrap_or_default().to_owned();
        Ok(Object {
            api_version: text("/apiVersion"),
            kind: text("/kind"),
            namespace: text("/metadata/namespace"),
            name: text("/metadata/name"),
            value,
        })
    }

    /// The API group (`apps`, `argoproj.io`; empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map(|(group, _)| group).unwrap_or_default()
    }

    /// The API version without the group (`v1`).
    pub fn version(&self) -> &str {
        self.api_version.rsplit_once('/').map_or(self.api_version.as_str(), |(_, version)| version)
    }

    /// A file name unique within one component: `deployment-learning-service.yaml`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.yaml", self.kind.to_ascii_lowercase(), self.name)
    }

    /// The identity as `kind/namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }
}
