//! The whole platform spec: what keiko.yaml holds, before and after validation.

use super::addon::Addon;
use super::backup::Backups;
use super::env::PerEnv;
use super::observability::Observability;
use super::platform::{Environment, Platform};
use super::security::Security;
use super::service::Service;
use super::stateful::StatefulComponent;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// keiko.yaml as read, before validation. Unknown fields are refused everywhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Keiko platform spec")]
pub struct RawSpec {
    /// Settings shared by all environments.
    pub platform: Platform,
    /// The three environments, each its own cluster.
    pub environments: PerEnv<Environment>,
    /// Backup cadence and retention.
    pub backups: Backups,
    /// The gateway, certificates, WAF and policy exemptions.
    pub security: Security,
    /// Telemetry, logs and alert delivery.
    pub observability: Observability,
    /// The stateless services, by name.
    pub services: BTreeMap<String, Service>,
    /// The stateful stores run in the clusters, by name.
    #[serde(default)]
    pub stateful: BTreeMap<String, StatefulComponent>,
    /// The platform add-ons, by name.
    #[serde(default)]
    pub addons: BTreeMap<String, Addon>,
}

/// A spec that passed validation. Only [`super::validate`] builds one, so builders
/// can rely on every rule of `validate` without checking again.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    raw: RawSpec,
    github_repository: String,
}

impl Spec {
    /// Wraps a spec that `validate` found valid, with what validation read from it.
    pub(crate) fn validated(raw: RawSpec, github_repository: String) -> Spec {
        Spec { raw, github_repository }
    }

    /// The platform repository as GitHub's `owner/name` (from `platform.repository`),
    /// where the pipelines open and merge their pull requests.
    pub fn github_repository(&self) -> &str {
        &self.github_repository
    }

    /// Platform-wide settings.
    pub fn platform(&self) -> &Platform {
        &self.raw.platform
    }

    /// The environments.
    pub fn environments(&self) -> &PerEnv<Environment> {
        &self.raw.environments
    }

    /// Backup settings.
    pub fn backups(&self) -> &Backups {
        &self.raw.backups
    }

    /// Security settings.
    pub fn security(&self) -> &Security {
        &self.raw.security
    }

    /// Observability settings.
    pub fn observability(&self) -> &Observability {
        &self.raw.observability
    }

    /// The services, sorted by name.
    pub fn services(&self) -> &BTreeMap<String, Service> {
        &self.raw.services
    }

    /// The stateful stores, sorted by name.
    pub fn stateful(&self) -> &BTreeMap<String, StatefulComponent> {
        &self.raw.stateful
    }

    /// The add-ons, sorted by name.
    pub fn addons(&self) -> &BTreeMap<String, Addon> {
        &self.raw.addons
    }

    /// The spec as read, for tools that edit and write it back.
    pub fn raw(&self) -> &RawSpec {
        &self.raw
    }
}
