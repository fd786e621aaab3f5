//! Random fleets for property tests: keiko.yaml's platform with generated services.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use keiko_spec::RawSpec;
use keiko_spec::service::{Call, RolloutStrategy, Route};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The real fleet, the template of random ones.
pub const KEIKO: &str = include_str!("../../../keiko.yaml");

/// A fleet description: per service, its strategy, replica bounds and callee indices.
pub type Plan = BTreeMap<String, (bool, u32, u32, Vec<usize>)>;

pub fn plans() -> impl Strategy<Value = Plan> {
    let service = (any::<bool>(), 1u32..4, 0u32..6, prop::collection::vec(0usize..8, 0..4));
    prop::collection::btree_map("[a-z]{2,10}-svc", service, 1..8)
}

pub fn fleet(plan: &Plan) -> RawSpec {
    let base = keiko_spec::load("keiko.yaml", KEIKO).unwrap();
    let mut raw = base.raw().clone();
    let template = raw.services["identity-service"].clone();
    let names: Vec<&String> = plan.keys().collect();
    raw.services = plan
        .iter()
        .map(|(name, (blue_green, min, extra, callees))| {
            let mut service = template.clone();
            service.image.repository = name.clone();
            service.rollout.strategy =
                if *blue_green { RolloutStrategy::BlueGreen } else { RolloutStrategy::RollingUpdate };
            service.replicas.dev.min = *min;
            service.replicas.dev.max = min + extra;
            let targets: BTreeSet<&String> =
                callees.iter().map(|i| names[i % names.len()]).filter(|t| *t != name).collect();
            // Every other service is public, on its own path under a shared host.
            if name.len() % 2 == 0 {
                service.routes = vec![Route {
                    host: "api".into(),
                    path: format!("/{name}"),
                    port: "http".into(),
                    rate_limit_per_second: 50,
                }];
            }
            service.calls = targets.into_iter().map(|t| Call { service: t.clone(), port: "grpc".into() }).collect();
            (name.clone(), service)
        })
        .collect();
    for store in raw.stateful.values_mut() {
        store.clients.clear();
    }
    // Every service is a copy of identity-service, so the first one publishes the keys.
    if let Some(first) = names.first() {
        raw.security.jwks.service = (*first).clone();
    }
    raw
}

/// The small fixture spec the builder snapshots use, resolved.
pub fn fixture() -> keiko_model::Platform {
    let text = include_str!("../fixtures/small.yaml");
    keiko_model::Platform::new(keiko_spec::load("small.yaml", text).unwrap_or_else(|errors| panic!("{errors}")))
}

/// A named snapshot in the repository's `snapshots/` folder.
pub fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}
