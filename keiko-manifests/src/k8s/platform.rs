//! The platform component: namespaces and what each of them enforces (default-deny
//! network policy, STRICT mTLS, deny-by-default authorization, JWT validation, quota
//! and limit defaults), plus the cluster-wide certificate issuer and secret store.

use super::object::Object;
use super::{gateway, mesh, namespace, network_policy, quota, secrets};
use crate::output::RenderError;
use keiko_spec::{Env, Spec};

/// Every object of the platform component in `env`.
pub fn objects(spec: &Spec, env: Env) -> Result<Vec<Object>, RenderError> {
    let mut objects = Vec::new();
    for name in namespace::names(spec) {
        objects.push(Object::new(&namespace::namespace(spec, &name))?);
    }
    for name in namespace::names(spec) {
        objects.extend(namespace_policies(spec, env, &name)?);
    }
    objects.push(Object::new(&gateway::cluster_issuer(spec, env))?);
    let operator_namespace = spec
        .addons()
        .values()
        .find(|a| a.chart == "external-secrets")
        .map_or("external-secrets", |a| a.namespace.as_str());
    objects.push(Object::new(&secrets::store(spec, env, operator_namespace))?);
    Ok(objects)
}

fn namespace_policies(spec: &Spec, env: Env, name: &str) -> Result<Vec<Object>, RenderError> {
    let mut objects =
        vec![Object::new(&network_policy::default_deny(spec, name))?, Object::new(&quota::limit_range(spec, name))?];
    if namespace::in_mesh(spec, name) {
        objects.push(Object::new(&mesh::strict_mtls(spec, name))?);
        objects.push(Object::new(&mesh::allow_nothing(spec, name))?);
    }
    if name == spec.platform().namespace {
        objects.push(Object::new(&mesh::request_authentication(spec, env, name))?);
    }
    // Quotas where the spec says what runs: the services' and the stores' namespaces.
    if name == spec.platform().namespace || spec.stateful().values().any(|s| s.namespace == name) {
        objects.push(Object::new(&quota::resource_quota(spec, name, env))?);
    }
    Ok(objects)
}
