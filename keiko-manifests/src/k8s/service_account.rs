//! A service's own ServiceAccount, with API tokens off: no service talks to the
//! Kubernetes API unless the spec grants it.

use super::meta::object_meta;
use k8s_openapi::api::core::v1::ServiceAccount;
use std::collections::BTreeMap;

/// The ServiceAccount named after the workload; its token is mounted only when the
/// spec grants the workload Kubernetes API access.
pub fn service_account(
    namespace: &str,
    name: &str,
    api_access: bool,
    labels: BTreeMap<String, String>,
) -> ServiceAccount {
    ServiceAccount {
        metadata: object_meta(name, namespace, labels),
        automount_service_account_token: Some(api_access),
        ..Default::default()
    }
}
