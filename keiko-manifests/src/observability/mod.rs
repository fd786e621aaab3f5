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
use crate::output::RenderError;
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::addon::Chart;

/// The objects of the observability component in `env`.
pub fn objects(platform: &Platform, env: Env) -> Result<Vec<Object>, RenderError> {
    let mut objects = vec![
        Object::new(&collector::config_map(platform, collector::AGENT, &collector::agent_config(platform))?)?,
        Object::new(&collector::config_map(platform, collector::GATEWAY, &collector::gateway_config(platform, env))?)?,
        Object::new(&collector::agent(platform))?,
        Object::new(&collector::gateway(platform, env))?,
        Object::new(&crate::k8s::autoscaling::pdb(
            &platform.observability().namespace,
            collector::GATEWAY,
            crate::k8s::labels::platform(platform, collector::GATEWAY),
        ))?,
    ];
    for service in collector::services(platform) {
        objects.push(Object::new(&service)?);
    }
    objects.push(Object::new(&logging::elasticsearch(platform, env))?);
    objects.push(Object::new(&logging::kibana(platform))?);
    objects.push(Object::new(&logging::retention_job(platform, env))?);
    for policy in network::policies(platform) {
        objects.push(Object::new(&policy)?);
    }
    if let Some(monitoring) = platform.monitoring_namespace() {
        // OTLP metrics reach Prometheus through the gateway's Prometheus exporter.
        objects.push(Object::new(&slo::service_monitor(
            &platform.observability().namespace,
            collector::GATEWAY,
            crate::k8s::labels::platform(platform, collector::GATEWAY),
        ))?);
        objects.push(Object::new(&alerts::platform_rules(platform, monitoring))?);
        objects.push(Object::new(&alerting::receivers_secret(platform, monitoring))?);
        objects.push(Object::new(&alerting::config(platform, monitoring))?);
        objects.push(Object::new(&dashboards::config_map(
            platform,
            monitoring,
            &dashboards::overview(platform, env),
        )?)?);
    }
    if let Some(velero) = platform.addon(Chart::Velero) {
        for schedule in crate::backup::velero::schedules(platform, &velero.namespace) {
            objects.push(Object::new(&schedule)?);
        }
    }
    Ok(objects)
}
