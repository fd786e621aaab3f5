//! The components of the fleet: one service, one store, the namespaces, the gateway,
//! observability or backups, each a group of objects deployed and patched together.
//!
//! [`components`] is the fully rendered view of one environment. The base is that
//! view for [`crate::k8s::BASE_ENV`]; each overlay holds the JSON Patches and image overrides that
//! turn the base into its environment, computed by diffing the two views
//! ([`crate::layout`]), so that `kubectl kustomize` of an overlay reproduces the view
//! exactly.

pub mod stateful_set;
pub mod store_config;
pub mod workload;

use crate::k8s::{BACKUPS, GATEWAY, OBSERVABILITY, Object, PLATFORM, exemptions, gateway, platform as namespaces, pod};
use crate::output::RenderError;
use keiko_model::Platform;
use keiko_model::connections::Connections;
use keiko_spec::Env;
use keiko_spec::addon::Chart;
use keiko_spec::service::Service;
use keiko_spec::stateful::StatefulComponent;

/// A group of objects deployed and patched together: one service, one store, or the
/// namespaces.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// The directory name (`learning-service`, `clickhouse`, `namespaces`).
    pub name: String,
    /// The image whose tag the overlay sets, for services.
    pub image: Option<ImageRef>,
    /// The objects, in a fixed order.
    pub objects: Vec<Object>,
}

/// A service image in one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRef {
    /// The image name without tag (`registry/.../identity-service`).
    pub name: String,
    /// The full reference in this environment.
    pub reference: String,
    /// The tag or `sha256:` digest in this environment.
    pub tag: String,
}

/// Every component of `env`: the platform, the gateway, services, then stateful stores.
pub fn components(platform: &Platform, env: Env) -> Result<Vec<Component>, RenderError> {
    components_with(platform, env, platform.connections())
}

/// [`components`] with the fleet's flows computed once by the caller, which renders
/// several environments from the same spec.
pub fn components_with(platform: &Platform, env: Env, flows: &Connections) -> Result<Vec<Component>, RenderError> {
    parts(platform).into_iter().map(|part| component(platform, env, part, flows)).collect()
}

/// A component of the fleet before it is rendered for an environment, so a renderer can
/// build, write and drop one component at a time.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// The namespaces and what they enforce ([`PLATFORM`]).
    Platform,
    /// The public gateway ([`GATEWAY`]).
    Gateway,
    /// Telemetry, logs and alerting ([`OBSERVABILITY`]).
    Observability,
    /// Backup credentials, policy and the drill ([`BACKUPS`]).
    Backups,
    /// A service, by name.
    Service(&'a str, &'a Service),
    /// A stateful store, by name.
    Store(&'a str, &'a StatefulComponent),
}

impl Part<'_> {
    /// The component's directory name.
    pub fn name(&self) -> &str {
        match self {
            Part::Platform => PLATFORM,
            Part::Gateway => GATEWAY,
            Part::Observability => OBSERVABILITY,
            Part::Backups => BACKUPS,
            Part::Service(name, _) | Part::Store(name, _) => name,
        }
    }
}

/// Every component of the fleet in output order: the fixed ones, services, then stores.
pub fn parts(platform: &Platform) -> Vec<Part<'_>> {
    let mut parts = vec![Part::Platform, Part::Gateway, Part::Observability, Part::Backups];
    parts.extend(platform.services().iter().map(|(name, svc)| Part::Service(name, svc)));
    parts.extend(platform.stateful().iter().map(|(name, store)| Part::Store(name, store)));
    parts
}

/// One component rendered for `env`, with its policy exemptions annotated.
pub fn component(platform: &Platform, env: Env, part: Part<'_>, flows: &Connections) -> Result<Component, RenderError> {
    let (image, mut objects) = match part {
        Part::Platform => {
            let mut objects = namespaces::objects(platform, env)?;
            // Velero's Object Storage credentials come with the namespaces and the secret
            // store, a wave before the Velero chart, whose pods mount them; so does its
            // namespace, at the level its node agent needs.
            if let Some(velero) = platform.addon(Chart::Velero) {
                let reason = "Velero's node agent mounts hostPath volumes and runs as root";
                let level = keiko_model::charts::VELERO_POD_SECURITY;
                objects.push(Object::new(&crate::k8s::namespace::addon_namespace(
                    platform,
                    &velero.namespace,
                    level,
                    reason,
                ))?);
                objects.push(Object::new(&crate::backup::storage::velero_secret(platform, &velero.namespace))?);
            }
            (None, objects)
        }
        Part::Gateway => (None, gateway::objects(platform, env)?),
        Part::Observability => (None, crate::observability::objects(platform, env)?),
        Part::Backups => (None, crate::backup::objects(platform, env)?),
        Part::Service(name, svc) => {
            let image = ImageRef {
                name: pod::image_name(platform, svc),
                reference: pod::image(platform, svc, env),
                tag: svc.image.tags.get(env).clone(),
            };
            let mut objects = workload::objects(platform, name, svc, env, flows)?;
            objects.extend(crate::backup::service_objects(platform, env, name, svc)?);
            (Some(image), objects)
        }
        Part::Store(name, store) => (None, stateful_set::objects(platform, name, store, env, flows)?),
    };
    exemptions::annotate(platform, &mut objects);
    Ok(Component { name: part.name().to_owned(), image, objects })
}
