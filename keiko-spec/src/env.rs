//! The three environments and values that every environment must give.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the platform's environments, each its own cluster, in promotion order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Env {
    /// Deployed from the `develop` branch; mutable tags allowed.
    Dev,
    /// Deployed from the `staging` branch; integration tests run here.
    Staging,
    /// Deployed from the `main` branch; smoke tests run here.
    Production,
}

impl Env {
    /// Every environment, in promotion order (dev → staging → production).
    pub const ALL: [Env; 3] = [Env::Dev, Env::Staging, Env::Production];

    /// The name used in paths, labels and keys: `dev`, `staging`, `production`.
    pub fn name(self) -> &'static str {
        match self {
            Env::Dev => "dev",
            Env::Staging => "staging",
            Env::Production => "production",
        }
    }

    /// The short name used where OVH names are length-limited (`prod` for production).
    pub fn short_name(self) -> &'static str {
        match self {
            Env::Production => "prod",
            other => other.name(),
        }
    }

    /// The environment this one promotes to, if any.
    pub fn next(self) -> Option<Env> {
        match self {
            Env::Dev => Some(Env::Staging),
            Env::Staging => Some(Env::Production),
            Env::Production => None,
        }
    }

    /// Parses an environment name as written in keiko.yaml and on the command line.
    pub fn parse(name: &str) -> Option<Env> {
        Env::ALL.into_iter().find(|env| env.name() == name)
    }
}

impl fmt::Display for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A value given once per environment. Every environment is required, so a
/// builder never has to decide what a missing environment means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerEnv<T> {
    /// The value for dev.
    pub dev: T,
    /// The value for staging.
    pub staging: T,
    /// The value for production.
    pub production: T,
}

impl<T> PerEnv<T> {
    /// The value for `env`.
    pub fn get(&self, env: Env) -> &T {
        match env {
            Env::Dev => &self.dev,
            Env::Staging => &self.staging,
            Env::Production => &self.production,
        }
    }

    /// The value for `env`, mutably.
    pub fn get_mut(&mut self, env: Env) -> &mut T {
        match env {
            Env::Dev => &mut self.dev,
            Env::Staging => &mut self.staging,
            Env::Production => &mut self.production,
        }
    }

    /// Each environment with its value, in promotion order.
    pub fn iter(&self) -> impl Iterator<Item = (Env, &T)> {
        Env::ALL.into_iter().map(move |env| (env, self.get(env)))
    }

    /// Builds a value for each environment.
    pub fn from_fn(mut f: impl FnMut(Env) -> T) -> PerEnv<T> {
        PerEnv { dev: f(Env::Dev), staging: f(Env::Staging), production: f(Env::Production) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_promote_in_order_and_parse_back() {
        assert_eq!(Env::Dev.next(), Some(Env::Staging));
        assert_eq!(Env::Staging.next(), Some(Env::Production));
        assert_eq!(Env::Production.next(), None);
        for env in Env::ALL {
            assert_eq!(Env::parse(env.name()), Some(env));
        }
        assert_eq!(Env::parse("prod"), None);
    }
}
