//! Semantic validation: the rules of the platform that a JSON Schema cannot say.
//! Every rule runs on every part of the spec, so one run reports every problem.

pub mod cron;
mod environments;
pub mod names;
mod observability;
pub mod quantity;
mod security;
mod services;
mod stateful;

use super::document::{RawSpec, Spec};
use super::error::{SpecError, SpecPath};

/// Checks `raw` against every rule; the spec is returned only when none fails.
pub fn validate(raw: RawSpec) -> Result<Spec, Vec<SpecError>> {
    let mut checks = Checks::default();
    let github_repository = environments::github_repository(&raw, &mut checks);
    environments::check(&raw, &mut checks);
    services::check(&raw, &mut checks);
    stateful::check(&raw, &mut checks);
    security::check(&raw, &mut checks);
    observability::check(&raw, &mut checks);
    match github_repository {
        Some(repository) if checks.errors.is_empty() => Ok(Spec::validated(raw, repository)),
        _ => Err(checks.errors),
    }
}

/// The problems found so far.
#[derive(Debug, Default)]
pub(crate) struct Checks {
    errors: Vec<SpecError>,
}

impl Checks {
    /// Records a problem at `path` unless `ok`.
    pub(crate) fn require(&mut self, ok: bool, path: &SpecPath, message: impl FnOnce() -> String) {
        if !ok {
            self.errors.push(SpecError::invalid(path.clone(), message()));
        }
    }

    /// Checks a Kubernetes object name.
    pub(crate) fn dns_label(&mut self, path: &SpecPath, name: &str) {
        self.require(names::is_dns_label(name), path, || {
            format!("`{name}` is not a DNS-1123 label: use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit")
        });
    }

    /// Checks a cron schedule and returns it when valid.
    pub(crate) fn cron(&mut self, path: &SpecPath, text: &str) -> Option<cron::Cron> {
        let parsed = cron::parse(text);
        if let Err(reason) = &parsed {
            self.require(false, path, || format!("`{text}` is not a valid cron schedule: {reason}"));
        }
        parsed.ok()
    }

    /// Checks a Kubernetes quantity and returns its value in billionths.
    pub(crate) fn quantity(&mut self, path: &SpecPath, text: &str) -> Option<i128> {
        let parsed = quantity::parse(text);
        self.require(parsed.is_some(), path, || {
            format!("`{text}` is not a Kubernetes quantity: use a number with an optional suffix such as 250m, 1.5, 512Mi or 2Gi")
        });
        parsed
    }

    /// Checks that every name in `names` is used once.
    pub(crate) fn unique<'a>(
        &mut self,
        path: &SpecPath,
        what: &str,
        names: impl IntoIterator<Item = (usize, &'a str)>,
    ) {
        let mut seen = std::collections::BTreeSet::new();
        for (index, name) in names {
            self.require(seen.insert(name), &path.index(index), || {
                format!("{what} `{name}` is used twice: {what}s must be unique")
            });
        }
    }
}
