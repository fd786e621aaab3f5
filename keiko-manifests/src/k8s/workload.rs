//! Every object of one service in one environment.

use super::autoscaling::{self, Target};
use super::object::Object;
use super::{config_map, deployment, labels, pod, rollout, service, service_account};
use crate::output::RenderError;
use crate::spec::service::{RolloutStrategy, Service};
use crate::spec::{Env, Spec};

/// The service's objects, in a fixed order.
pub fn objects(spec: &Spec, name: &str, svc: &Service, env: Env) -> Result<Vec<Object>, RenderError> {
    let namespace = spec.platform().namespace.as_str();
    let labels = labels::recommended(spec, &pod::identity(name, svc, env));
    let data = config_map::data(name, svc, env);
    let template = pod::template(spec, name, svc, env, &config_map::hash(&data));
    let replicas = svc.replicas.get(env);
    let mut objects = vec![
        Object::new(&service_account::service_account(namespace, name, labels.clone()))?,
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
            objects.push(Object::new(&rollout::rollout(namespace, name, replicas.min, template, labels.clone()))?);
            objects.push(Object::new(&rollout::analysis_template(namespace, name, labels.clone()))?);
            Target { api_version: "argoproj.io/v1alpha1", kind: "Rollout", name }
        }
    };
    objects.push(Object::new(&autoscaling::hpa(namespace, target, *replicas, svc.autoscaling, labels.clone()))?);
    objects.push(Object::new(&autoscaling::pdb(namespace, name, labels.clone()))?);
    objects.push(Object::new(&autoscaling::vpa(namespace, target, labels))?);
    Ok(objects)
}
