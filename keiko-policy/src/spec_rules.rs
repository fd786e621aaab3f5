//! Spec rules (KEIKO-SPEC-001 and 003): production replicas, and node pools that grow
//! from dev to production. They read the spec as written ([`RawSpec`]), so they also
//! hold for specs that skipped validation. The backup cadence and retention floors are
//! spec errors (keiko-spec's validation, exit 2), not rules: a spec that breaks them
//! never renders, so a rule here could never fire.

use super::{Check, Rule, Severity, SpecHit};
use keiko_spec::Env;
use keiko_spec::RawSpec;
use keiko_spec::platform::NodePool;
use keiko_spec::rule_ids;

/// The spec rules.
pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            id: rule_ids::SPEC_001,
            severity: Severity::Error,
            rationale: "a single production replica is a single point of failure during rollouts and node drains",
            hint: "set services.<name>.replicas.production.min to 2 or more",
            check: Check::Spec(production_replicas),
        },
        Rule {
            id: rule_ids::SPEC_003,
            severity: Severity::Error,
            rationale: "staging must not be bigger than production, or load tests and capacity plans mislead",
            hint: "give production node pools at least staging's min/max nodes and flavor size, and staging at least dev's",
            check: Check::Spec(node_pools),
        },
    ]
}

fn production_replicas(spec: &RawSpec) -> Vec<SpecHit> {
    spec.services
        .iter()
        .filter(|(_, service)| service.replicas.production.min < 2)
        .map(|(name, service)| SpecHit {
            field: format!("services.{name}.replicas.production.min"),
            message: format!("must be at least 2 in production, got {}", service.replicas.production.min),
        })
        .collect()
}

/// The size number of an OVHcloud flavor (`b2-15` → 15), `None` when it has none.
pub fn flavor_size(flavor: &str) -> Option<u32> {
    flavor.rsplit_once('-').and_then(|(_, size)| size.parse().ok())
}

fn node_pools(spec: &RawSpec) -> Vec<SpecHit> {
    let mut hits = Vec::new();
    for (smaller, larger) in [(Env::Dev, Env::Staging), (Env::Staging, Env::Production)] {
        let pools = |env: Env| &spec.environments.get(env).node_pools;
        let pairs = [("system", &pools(smaller).system, &pools(larger).system)];
        let pairs =
            pairs.into_iter().chain([("applications", &pools(smaller).applications, &pools(larger).applications)]);
        for (pool, small, large) in pairs {
            hits.extend(compare_pools(pool, (smaller, small), (larger, large)));
        }
    }
    hits
}

fn compare_pools(pool: &str, (smaller, small): (Env, &NodePool), (larger, large): (Env, &NodePool)) -> Vec<SpecHit> {
    let field = |name: &str| format!("environments.{}.node_pools.{pool}.{name}", larger.name());
    let mut hits = Vec::new();
    for (name, low, high) in
        [("min_nodes", small.min_nodes, large.min_nodes), ("max_nodes", small.max_nodes, large.max_nodes)]
    {
        if high < low {
            let message = format!("{high} is below {}'s {low}", smaller.name());
            hits.push(SpecHit { field: field(name), message });
        }
    }
    if flavor_size(&large.flavor) < flavor_size(&small.flavor) {
        let message = format!("flavor {} is smaller than {}'s {}", large.flavor, smaller.name(), small.flavor);
        hits.push(SpecHit { field: field("flavor"), message });
    }
    hits
}
