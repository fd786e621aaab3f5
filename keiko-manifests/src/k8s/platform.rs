//! The platform component: namespaces and what each of them enforces (default-deny
//! network policy, STRICT mTLS, deny-by-default authorization, JWT validation, quota
//! and limit defaults), plus the cluster-wide certificate issuer and secret store.

use super::object::Object;
use super::{gateway, mesh, namespace, network_policy, quota, secrets};
use crate::output::RenderError;
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::addon::Chart;

/// Every object of the platform component in `env`.
pub fn objects(platform: &Platform, env: Env) -> Result<Vec<Object>, RenderError> {
    let mut objects = Vec::new();
    for name in namespace::names(platform) {
        objects.push(Object::new(&namespace::namespace(platform, &name))?);
    }
    for name in namespace::names(platform) {
        objects.extend(namespace_policies(platform, env, &name)?);
    }
    objects.push(Object::new(&gateway::cluster_issuer(platform, env))?);
    let operator_namespace =
        platform.addon(Chart::ExternalSecrets).map_or("external-secrets", |a| a.namespace.as_str());
    objects.push(Object::new(&secrets::store(platform, env, operator_namespace))?);
    let services = platform.settings().namespace.as_str();
    let pull = keiko_model::secrets::REGISTRY_PULL_SECRET;
    objects.push(Object::new(&secrets::registry_pull(services, super::labels::platform(platform, pull)))?);
    Ok(objects)
}

fn namespace_policies(platform: &Platform, env: Env, name: &str) -> Result<Vec<Object>, RenderError> {
    let mut objects = vec![
        Object::new(&network_policy::default_deny(platform, name))?,
        Object::new(&quota::limit_range(platform, name))?,
    ];
    if namespace::in_mesh(platform, name) {
        objects.push(Object::new(&mesh::strict_mtls(platform, name))?);
        objects.push(Object::new(&mesh::allow_nothing(platform, name))?);
    }
    if name == platform.settings().namespace {
        objects.push(Object::new(&mesh::request_authentication(platform, env, name))?);
    }
    // Quotas where the spec says what runs: the services' and the stores' namespaces.
    if name == platform.settings().namespace || platform.stateful().values().any(|s| s.namespace == name) {
        objects.push(Object::new(&quota::resource_quota(platform, name, env))?);
    }
    Ok(objects)
}
