//! Kubernetes API access, only where the spec grants it: a Role with exactly the
//! granted rules and a RoleBinding to the service's own ServiceAccount.

use super::meta::object_meta;
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use keiko_spec::service::Service;
use std::collections::BTreeMap;

/// The Role and RoleBinding of a service, or nothing when it needs no API access.
pub fn objects(
    namespace: &str,
    name: &str,
    service: &Service,
    labels: BTreeMap<String, String>,
) -> Option<(Role, RoleBinding)> {
    if service.kubernetes_api.is_empty() {
        return None;
    }
    let rules = service
        .kubernetes_api
        .iter()
        .map(|grant| PolicyRule {
            api_groups: Some(grant.api_groups.clone()),
            resources: Some(grant.resources.clone()),
            verbs: grant.verbs.clone(),
            ..Default::default()
        })
        .collect();
    let role = Role { metadata: object_meta(name, namespace, labels.clone()), rules: Some(rules) };
    let binding = RoleBinding {
        metadata: object_meta(name, namespace, labels),
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".to_owned(),
            kind: "Role".to_owned(),
            name: name.to_owned(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".to_owned(),
            name: name.to_owned(),
            namespace: Some(namespace.to_owned()),
            ..Default::default()
        }]),
    };
    Some((role, binding))
}
