//! Child Applications: one per Keiko component overlay and one per add-on chart.

use super::{IN_CLUSTER, NAMESPACE, annotations, project, values};
use crate::crd::argocd::{
    Application, ApplicationDestination, ApplicationSource, ApplicationSourceDirectory, ApplicationSourceHelm,
    ApplicationSpec, Backoff, ResourceIgnoreDifferences, RetryStrategy, SyncPolicy, SyncPolicyAutomated,
};
use crate::k8s::{GATEWAY, OBSERVABILITY, PLATFORM, labels};
use crate::layout;
use crate::output::RenderError;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use keiko_model::Platform;
use keiko_model::gateway_api;
use keiko_model::gitops::{FINALIZER, RELEASE, waves};
use keiko_spec::Env;
use keiko_spec::addon::{Addon, Chart};
use keiko_spec::platform::SyncMode;
/// Sync history kept per application for `argocd app rollback`.
const HISTORY: i64 = 10;

/// The Application of one component's overlay in `env`.
pub fn component(platform: &Platform, env: Env, name: &str) -> Application {
    let wave = match name {
        PLATFORM => waves::PLATFORM,
        GATEWAY => waves::GATEWAY,
        name if platform.stateful().contains_key(name) => waves::STORES,
        _ => waves::SERVICES,
    };
    let namespace = match platform.stateful().get(name) {
        Some(store) => store.namespace.as_str(),
        None if name == GATEWAY => platform.security().gateway.namespace.as_str(),
        None if name == OBSERVABILITY => platform.observability().namespace.as_str(),
        None => platform.settings().namespace.as_str(),
    };
    let source = ApplicationSource {
        repo_url: platform.settings().repository.clone(),
        target_revision: platform.environments().get(env).branch.clone(),
        path: Some(format!("generated/{}", layout::overlay_dir(env, name))),
        ..Default::default()
    };
    let ignore = if platform.services().contains_key(name) { controller_owned_fields() } else { Vec::new() };
    application(platform, env, name, project::SERVICES, wave, source, namespace, ignore)
}

/// The Application of an add-on: its upstream chart at the pinned version, with values
/// generated from typed structs.
pub fn addon(platform: &Platform, env: Env, name: &str, addon: &Addon) -> Result<Application, RenderError> {
    let values = values::for_chart(platform, env, addon)
        .map_err(|reason| RenderError::Serialize { path: format!("argocd/{env}/application-{name}.yaml"), reason })?;
    let source = ApplicationSource {
        repo_url: addon.repository.clone(),
        target_revision: addon.version.clone(),
        chart: Some(addon.chart.clone()),
        helm: Some(ApplicationSourceHelm { release_name: release_name(name, addon).to_owned(), values_object: values }),
        ..Default::default()
    };
    let ignore = addon.role().map(|chart| rewritten_fields(&keiko_model::charts::facts(chart))).unwrap_or_default();
    Ok(application(platform, env, name, project::PLATFORM, addon.wave, source, &addon.namespace, ignore))
}

/// The fields of a chart's objects that a controller in the cluster rewrites after every
/// apply ([`keiko_model::charts::ChartFacts::rewritten`]): left to that controller, so
/// self-heal does not fight it and the Application settles in Synced.
fn rewritten_fields(facts: &keiko_model::charts::ChartFacts) -> Vec<ResourceIgnoreDifferences> {
    facts
        .rewritten
        .iter()
        .map(|r| ResourceIgnoreDifferences {
            group: r.group.to_owned(),
            kind: r.kind.to_owned(),
            name: Some(r.name.to_owned()),
            json_pointers: Vec::new(),
            jq_path_expressions: r.fields.iter().map(|f| (*f).to_owned()).collect(),
        })
        .collect()
}

/// The Helm release of an add-on: its name, but Argo CD's own, which adopts the release
/// Terraform installed ([`keiko_model::gitops::RELEASE`]).
pub fn release_name<'a>(name: &'a str, addon: &Addon) -> &'a str {
    if addon.role() == Some(Chart::ArgoCd) { RELEASE } else { name }
}

/// The Application of the Gateway API CRDs, synced from the upstream repository's
/// standard channel ([`keiko_model::gateway_api`]).
pub fn gateway_api(platform: &Platform, env: Env) -> Application {
    let source = ApplicationSource {
        repo_url: gateway_api::REPOSITORY.to_owned(),
        target_revision: gateway_api::VERSION.to_owned(),
        path: Some(gateway_api::PATH.to_owned()),
        directory: Some(ApplicationSourceDirectory { exclude: gateway_api::EXCLUDE.to_owned() }),
        ..Default::default()
    };
    // Cluster-scoped objects only: the destination is Argo CD's own namespace, which the
    // platform's AppProject permits.
    application(
        platform,
        env,
        gateway_api::APPLICATION,
        project::PLATFORM,
        gateway_api::WAVE,
        source,
        NAMESPACE,
        Vec::new(),
    )
}

#[allow(clippy::too_many_arguments)]
fn application(
    platform: &Platform,
    env: Env,
    name: &str,
    project: &str,
    wave: i32,
    source: ApplicationSource,
    namespace: &str,
    ignore_differences: Vec<ResourceIgnoreDifferences>,
) -> Application {
    Application {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(NAMESPACE.to_owned()),
            labels: Some(labels::platform(platform, name)),
            annotations: Some(annotations::wave(wave)),
            finalizers: Some(vec![FINALIZER.to_owned()]),
            ..Default::default()
        },
        spec: ApplicationSpec {
            project: project.to_owned(),
            source,
            destination: ApplicationDestination { server: IN_CLUSTER.to_owned(), namespace: namespace.to_owned() },
            sync_policy: sync_policy(platform.environments().get(env).sync),
            ignore_differences,
            revision_history_limit: Some(HISTORY),
        },
    }
}

/// Automatic sync prunes and self-heals; manual sync leaves both to a person. Both
/// create namespaces, apply server-side (large CRDs exceed client-side annotations),
/// keep ignored fields on sync, and retry with exponential backoff.
fn sync_policy(mode: SyncMode) -> SyncPolicy {
    SyncPolicy {
        automated: match mode {
            SyncMode::Automatic => Some(SyncPolicyAutomated { prune: true, self_heal: true }),
            SyncMode::Manual => None,
        },
        sync_options: [
            "CreateNamespace=true",
            "ServerSideApply=true",
            "RespectIgnoreDifferences=true",
            "PruneLast=true",
        ]
        .map(str::to_owned)
        .to_vec(),
        retry: RetryStrategy {
            limit: 5,
            backoff: Backoff { duration: "10s".to_owned(), factor: 2, max_duration: "5m".to_owned() },
        },
    }
}

/// Fields other controllers own: replica counts the HPA sets, and the selector hash
/// Argo Rollouts adds to blue/green Services.
fn controller_owned_fields() -> Vec<ResourceIgnoreDifferences> {
    let ignore = |group: &str, kind: &str, pointer: &str| ResourceIgnoreDifferences {
        group: group.to_owned(),
        kind: kind.to_owned(),
        name: None,
        json_pointers: vec![pointer.to_owned()],
        jq_path_expressions: Vec::new(),
    };
    vec![
        ignore("apps", "Deployment", "/spec/replicas"),
        ignore("argoproj.io", "Rollout", "/spec/replicas"),
        ignore("", "Service", "/spec/selector/rollouts-pod-template-hash"),
    ]
}
