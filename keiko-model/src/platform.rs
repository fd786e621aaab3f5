//! The resolved platform: the validated spec with everything builders would otherwise
//! look up or parse again, resolved once. Builders receive a [`Platform`], never the
//! bare spec: add-ons are found by their role, quantities are numbers, counts are the
//! integers Kubernetes takes, and the flows between workloads are computed once.

use crate::connections::Connections;
use keiko_spec::addon::{Addon, Chart};
use keiko_spec::backup::Backups;
use keiko_spec::facts::{AllFacts, TerraformFacts};
use keiko_spec::observability::Observability;
use keiko_spec::platform::{Environment, Platform as Settings};
use keiko_spec::security::Security;
use keiko_spec::service::{Resources, Service};
use keiko_spec::stateful::StatefulComponent;
use keiko_spec::validate::quantity;
use keiko_spec::{Env, PerEnv, Spec};
use std::collections::BTreeMap;

/// The platform every builder renders.
#[derive(Debug, Clone, PartialEq)]
pub struct Platform {
    spec: Spec,
    connections: Connections,
    /// Requests and limits of every service and store, parsed, by component name.
    amounts: BTreeMap<String, PerEnv<Amounts>>,
    /// The volume size of every store, parsed, by store name.
    storage: BTreeMap<String, PerEnv<i128>>,
    /// What each applied environment's infrastructure root decided (ports OVHcloud assigned).
    terraform: AllFacts,
}

/// A workload's requests and limits per pod, in billionths of a core or a byte.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amounts {
    /// `requests.cpu`.
    pub cpu_requests: i128,
    /// `requests.memory`.
    pub memory_requests: i128,
    /// `limits.cpu`.
    pub cpu_limits: i128,
    /// `limits.memory`.
    pub memory_limits: i128,
}

impl Amounts {
    /// The amounts of `resources`; validation parsed every quantity before, so none is
    /// missing here.
    pub fn of(resources: &Resources) -> Amounts {
        Amounts {
            cpu_requests: amount(&resources.requests.cpu),
            memory_requests: amount(&resources.requests.memory),
            cpu_limits: amount(&resources.limits.cpu),
            memory_limits: amount(&resources.limits.memory),
        }
    }
}

/// A Kubernetes quantity as a number (billionths of its unit). The spec's quantities all
/// parsed during validation; a constant that does not is a bug the tests catch as zero.
pub fn amount(text: &str) -> i128 {
    quantity::parse(text).unwrap_or(0)
}

/// A count or port of the spec as the `int32` Kubernetes takes. Validation bounds every
/// one of them far below `i32::MAX` (ports to 65535, replicas and percentages to 100).
pub fn int32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl Platform {
    /// Resolves a validated spec.
    pub fn new(spec: Spec) -> Platform {
        let connections = Connections::new(&spec);
        let per_env = |resources: &PerEnv<Resources>| PerEnv::from_fn(|env| Amounts::of(resources.get(env)));
        let mut amounts: BTreeMap<String, PerEnv<Amounts>> =
            spec.services().iter().map(|(name, service)| (name.clone(), per_env(&service.resources))).collect();
        amounts.extend(spec.stateful().iter().map(|(name, store)| (name.clone(), per_env(&store.resources))));
        let storage = spec
            .stateful()
            .iter()
            .map(|(name, store)| (name.clone(), PerEnv::from_fn(|env| amount(&store.storage.get(env).size))))
            .collect();
        Platform { spec, connections, amounts, storage, terraform: AllFacts::new() }
    }

    /// This platform with the Terraform facts of the environments that have been applied
    /// (read and checked by `keiko_spec::facts::load`).
    pub fn with_terraform_facts(self, terraform: AllFacts) -> Platform {
        Platform { terraform, ..self }
    }

    /// The Terraform facts of `env`, once its infrastructure root has been applied and its
    /// `platform_facts` output written to `facts/<env>.json`.
    pub fn terraform_facts(&self, env: Env) -> Option<&TerraformFacts> {
        self.terraform.get(&env)
    }

    /// The validated spec as written, for the checks (exemptions, registry) and edits.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// Platform-wide settings (the spec's `platform` section).
    pub fn settings(&self) -> &Settings {
        self.spec.platform()
    }

    /// The platform repository as GitHub's `owner/name`.
    pub fn github_repository(&self) -> &str {
        self.spec.github_repository()
    }

    /// Per-environment settings.
    pub fn environments(&self) -> &PerEnv<Environment> {
        self.spec.environments()
    }

    /// Backup cadence and retention.
    pub fn backups(&self) -> &Backups {
        self.spec.backups()
    }

    /// Gateway, certificates, WAF and exemptions.
    pub fn security(&self) -> &Security {
        self.spec.security()
    }

    /// Telemetry, logs and alerting.
    pub fn observability(&self) -> &Observability {
        self.spec.observability()
    }

    /// The services, by name.
    pub fn services(&self) -> &BTreeMap<String, Service> {
        self.spec.services()
    }

    /// The stateful stores, by name.
    pub fn stateful(&self) -> &BTreeMap<String, StatefulComponent> {
        self.spec.stateful()
    }

    /// The add-ons, by name.
    pub fn addons(&self) -> &BTreeMap<String, Addon> {
        self.spec.addons()
    }

    /// The add-on that installs `chart`, if the spec has one (the first by name).
    pub fn addon(&self, chart: Chart) -> Option<&Addon> {
        self.addons_of(chart).next()
    }

    /// Every add-on that installs `chart`, by name.
    pub fn addons_of(&self, chart: Chart) -> impl Iterator<Item = &Addon> {
        self.spec.addons().values().filter(move |addon| addon.role() == Some(chart))
    }

    /// The namespace Prometheus runs in (the kube-prometheus-stack add-on's), if any.
    pub fn monitoring_namespace(&self) -> Option<&str> {
        self.addon(Chart::KubePrometheusStack).map(|addon| addon.namespace.as_str())
    }

    /// Every allowed flow between the platform's workloads.
    pub fn connections(&self) -> &Connections {
        &self.connections
    }

    /// The requests and limits per pod of the service or store `name` in `env`.
    pub fn amounts(&self, name: &str, env: Env) -> Amounts {
        self.amounts.get(name).map(|per_env| *per_env.get(env)).unwrap_or_default()
    }

    /// The volume size of each replica of the store `name` in `env`, in billionths of a byte.
    pub fn storage(&self, name: &str, env: Env) -> i128 {
        self.storage.get(name).map_or(0, |per_env| *per_env.get(env))
    }
}
