//! A service's ConfigMap: its non-secret configuration for one environment.

use super::meta::{fingerprint, object_meta};
use k8s_openapi::api::core::v1::ConfigMap;
use keiko_spec::Env;
use keiko_spec::service::Service;
use std::collections::BTreeMap;

/// The ConfigMap name of a service.
pub fn name(service: &str) -> String {
    format!("{service}-config")
}

/// Shared values, then the environment's overrides, then the values every service gets.
pub fn data(name: &str, service: &Service, env: Env) -> BTreeMap<String, String> {
    let mut data = service.config.shared.clone();
    if let Some(per_env) = &service.config.per_environment {
        data.extend(per_env.get(env).clone());
    }
    data.insert("KEIKO_ENVIRONMENT".to_owned(), env.name().to_owned());
    data.insert("KEIKO_SERVICE".to_owned(), name.to_owned());
    data
}

/// The ConfigMap object.
pub fn config_map(
    namespace: &str,
    name: &str,
    labels: BTreeMap<String, String>,
    data: BTreeMap<String, String>,
) -> ConfigMap {
    ConfigMap { metadata: object_meta(&self::name(name), namespace, labels), data: Some(data), ..Default::default() }
}

/// A fingerprint of the data, for the pod template annotation.
pub fn hash(data: &BTreeMap<String, String>) -> String {
    let parts: Vec<&str> = data.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]).collect();
    fingerprint(&parts)
}
