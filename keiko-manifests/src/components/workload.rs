//! Every object of one service in one environment.

use crate::k8s::autoscaling::{self, Target};
use crate::k8s::object::Object;
use crate::k8s::{
    config_map, deployment, labels, mesh, network_policy, pod, rbac, rollout, routes, secrets, service, service_account,
};
use crate::output::RenderError;
use keiko_model::Platform;
use keiko_model::connections::{self, Workload};
use keiko_spec::Env;
use keiko_spec::service::{RolloutStrategy, Service};
use std::collections::BTreeMap;

/// The service's objects, in a fixed order.
/// `flows` is the render's [`connections::Connections`], computed once for the whole fleet.
pub fn objects(
    platform: &Platform,
    name: &str,
    svc: &Service,
    env: Env,
    flows: &connections::Connections,
) -> Result<Vec<Object>, RenderError> {
    let namespace = platform.settings().namespace.as_str();
    let labels = labels::recommended(platform, &pod::identity(name, svc, env));
    let data = config_map::data(name, svc, env);
    let template = pod::template(platform, name, svc, env, &config_map::hash(&data));
    let replicas = svc.replicas.get(env);
    let mut objects = vec![
        Object::new(&service_account::service_account(
            namespace,
            name,
            !svc.kubernetes_api.is_empty(),
            labels.clone(),
        ))?,
        Object::new(&config_map::config_map(namespace, name, labels.clone(), data))?,
        Object::new(&service::cluster_ip(namespace, name, name, &svc.ports, labels.clone()))?,
    ];
    let target = match svc.rollout.strategy {
        RolloutStrategy::RollingUpdate => {
            objects.push(Object::new(&deployment::deployment(
                namespace,
                name,
                replicas.min,
                template,
                env,
                labels.clone(),
            ))?);
            Target { api_version: "apps/v1", kind: "Deployment", name }
        }
        RolloutStrategy::BlueGreen => {
            let preview = rollout::preview_name(name);
            objects.push(Object::new(&service::cluster_ip(namespace, &preview, name, &svc.ports, labels.clone()))?);
            let analysis = &svc.rollout.analysis;
            objects.push(Object::new(&rollout::rollout(
                namespace,
                name,
                replicas.min,
                template,
                analysis,
                labels.clone(),
            ))?);
            objects.push(Object::new(&rollout::analysis_template(namespace, name, analysis, labels.clone()))?);
            Target { api_version: "argoproj.io/v1alpha1", kind: "Rollout", name }
        }
    };
    objects.push(Object::new(&autoscaling::hpa(namespace, target, *replicas, svc.autoscaling, labels.clone()))?);
    objects.push(Object::new(&autoscaling::pdb(namespace, name, labels.clone()))?);
    objects.push(Object::new(&autoscaling::vpa(namespace, target, labels.clone()))?);
    objects.extend(security_objects(platform, env, name, svc, &labels, flows)?);
    objects.extend(routes::objects(platform, name, svc, env, &labels)?);
    objects.push(Object::new(&crate::observability::slo::service_monitor(namespace, name, labels.clone()))?);
    objects.push(Object::new(&crate::observability::slo::rules(namespace, name, svc, labels.clone()))?);
    // The service's dashboard travels with the service, so each Application stays small.
    if let Some(monitoring) = platform.monitoring_namespace() {
        let dashboard = crate::observability::dashboards::service(platform, name);
        objects.push(Object::new(&crate::observability::dashboards::config_map(platform, monitoring, &dashboard)?)?);
    }
    Ok(objects)
}

/// Network policy, mesh authorization, secrets and API access of a service.
fn security_objects(
    platform: &Platform,
    env: Env,
    name: &str,
    svc: &Service,
    labels: &BTreeMap<String, String>,
    flows: &connections::Connections,
) -> Result<Vec<Object>, RenderError> {
    let namespace = platform.settings().namespace.as_str();
    let me = Workload { namespace: namespace.to_owned(), name: name.to_owned() };
    let flows = flows.touching(&me).to_vec();
    let database = svc.database.as_ref().map(|_| keiko_model::databases::for_service(platform, env, name));
    let mut objects = vec![
        Object::new(&network_policy::workload(platform, &me, &flows, database.as_ref(), labels.clone()))?,
        Object::new(&mesh::authorization(platform, &me, &flows, labels.clone()))?,
    ];
    let plain = mesh::outside_mesh_ports(&me, &flows);
    if !plain.is_empty() {
        objects.push(Object::new(&mesh::plain_text_ports(&me, &plain, labels.clone()))?);
    }
    for secret in [
        secrets::service_secrets(namespace, name, svc, labels.clone()),
        secrets::database(namespace, name, svc, labels.clone()),
    ]
    .into_iter()
    .flatten()
    {
        objects.push(Object::new(&secret)?);
    }
    for (store, component) in keiko_model::stores::stores_of(platform, name) {
        let secret = keiko_model::stores::client_secret_name(name, store);
        objects.push(Object::new(&secrets::store_credentials(
            namespace,
            &secret,
            store,
            component.engine,
            labels.clone(),
        ))?);
    }
    if let Some((role, binding)) = rbac::objects(namespace, name, svc, labels.clone()) {
        objects.push(Object::new(&role)?);
        objects.push(Object::new(&binding)?);
    }
    Ok(objects)
}
