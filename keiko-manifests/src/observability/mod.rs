//! Observability: the OpenTelemetry pipeline, logs (ECK), per-service scraping and SLO
//! alerts, platform alerts, alert delivery and dashboards.

pub mod alerting;
pub mod alerts;
pub mod collector;
pub mod collector_config;
pub mod dashboards;
pub mod logging;
pub mod network;
pub mod slo;

use crate::k8s::Object;
use crate::k8s::access::monitoring_namespace;
use crate::output::RenderError;
use keiko_spec::{Env, Spec};

/// The objects of the observability component in `env`.
pub fn objects(spec: &Spec, env: Env) -> Result<Vec<Object>, RenderError> {
    let mut objects = vec![
        Object::new(&collector::config_map(spec, collector::AGENT, &collector::agent_config(spec))?)?,
        Object::new(&collector::config_map(spec, collector::GATEWAY, &collector::gateway_config(spec, env))?)?,
        Object::new(&collector::agent(spec))?,
        Object::new(&collector::gateway(spec, env))?,
        Object::new(&crate::k8s::autoscaling::pdb(
            &spec.observability().namespace,
            collector::GATEWAY,
            crate::k8s::labels::platform(spec, collector::GATEWAY),
        ))?,
    ];
    for service in collector::services(spec) {
        objects.push(Object::new(&service)?);
    }
    objects.push(Object::new(&logging::elasticsearch(spec, env))?);
    objects.push(Object::new(&logging::kibana(spec))?);
    objects.push(Object::new(&logging::retention_job(spec, env))?);
    for policy in network::policies(spec) {
        objects.push(Object::new(&policy)?);
    }
    if let Some(monitoring) = monitoring_namespace(spec) {
        objects.push(Object::new(&alerts::platform_rules(spec, monitoring))?);
        objects.push(Object::new(&alerting::receivers_secret(spec, monitoring))?);
        objects.push(Object::new(&alerting::config(spec, monitoring))?);
        objects.push(Object::new(&dashboards::config_map(spec, monitoring, &dashboards::overview(spec, env))?)?);
    }
    if let Some(velero) = spec.addons().values().find(|a| a.chart == "velero") {
        objects.push(Object::new(&crate::backup::storage::velero_secret(spec, &velero.namespace))?);
        for schedule in crate::backup::velero::schedules(spec, &velero.namespace) {
            objects.push(Object::new(&schedule)?);
        }
    }
    Ok(objects)
}
