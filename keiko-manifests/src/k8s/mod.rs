//! The Kubernetes layer: typed objects for every service and store, laid out as a
//! Kustomize base plus one overlay per environment.
//!
//! [`components`] is the fully rendered view of one environment. The base is that
//! view for [`BASE_ENV`]; each overlay holds the JSON Patches and image overrides that
//! turn the base into its environment, computed by diffing the two views, so that
//! `kubectl kustomize` of an overlay reproduces the view exactly.

pub mod autoscaling;
pub mod config_map;
pub mod deployment;
pub mod kustomize;
pub mod labels;
pub mod layout;
pub mod meta;
pub mod namespace;
pub mod object;
pub mod patch;
pub mod pod;
pub mod rollout;
pub mod security;
pub mod service;
pub mod service_account;
pub mod stateful_set;
pub mod workload;

pub use object::Object;

use crate::output::RenderError;
use crate::spec::{Env, Spec};

/// The environment the base is rendered for: production, so that the base alone is
/// the safest configuration and overlays only relax it.
pub const BASE_ENV: Env = Env::Production;

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

/// The name of the component holding the namespaces.
pub const NAMESPACES: &str = "namespaces";

/// Every component of `env`: namespaces, then services, then stateful stores.
pub fn components(spec: &Spec, env: Env) -> Result<Vec<Component>, RenderError> {
    let namespaces = namespace::names(spec)
        .iter()
        .map(|name| Object::new(&namespace::namespace(spec, name)))
        .collect::<Result<_, _>>()?;
    let mut out = vec![Component { name: NAMESPACES.to_owned(), image: None, objects: namespaces }];
    for (name, svc) in spec.services() {
        let image = ImageRef {
            name: pod::image_name(spec, svc),
            reference: pod::image(spec, svc, env),
            tag: svc.image.tags.get(env).clone(),
        };
        out.push(Component {
            name: name.clone(),
            image: Some(image),
            objects: workload::objects(spec, name, svc, env)?,
        });
    }
    for (name, store) in spec.stateful() {
        out.push(Component {
            name: name.clone(),
            image: None,
            objects: stateful_set::objects(spec, name, store, env)?,
        });
    }
    Ok(out)
}

/// Renders the base and every overlay into `files` under `k8s/`.
pub fn render(spec: &Spec, files: &mut crate::Files) -> Result<(), RenderError> {
    let base = components(spec, BASE_ENV)?;
    layout::base(&base, files)?;
    for env in Env::ALL {
        layout::overlay(env, &base, &components(spec, env)?, files)?;
    }
    Ok(())
}
