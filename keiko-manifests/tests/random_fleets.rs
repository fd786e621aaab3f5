//! Random valid fleets always render: every service gets every object in every
//! environment, rendering is deterministic, and each overlay's patches rebuild its
//! environment from the base.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::Env;
use keiko_manifests::k8s::{BASE_ENV, components, patch};
use keiko_manifests::spec::service::{Call, RolloutStrategy};
use keiko_manifests::spec::{RawSpec, validate};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const KEIKO: &str = include_str!("../../keiko.yaml");

/// A fleet description: per service, its strategy, replica bounds and callee indices.
type Plan = BTreeMap<String, (bool, u32, u32, Vec<usize>)>;

fn plans() -> impl Strategy<Value = Plan> {
    let service = (any::<bool>(), 1u32..4, 0u32..6, prop::collection::vec(0usize..8, 0..4));
    prop::collection::btree_map("[a-z]{2,10}-svc", service, 1..8)
}

fn fleet(plan: &Plan) -> RawSpec {
    let base = keiko_manifests::load("keiko.yaml", KEIKO).unwrap();
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
            service.calls = targets.into_iter().map(|t| Call { service: t.clone(), port: "grpc".into() }).collect();
            (name.clone(), service)
        })
        .collect();
    for store in raw.stateful.values_mut() {
        store.clients.clear();
    }
    raw
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_fleets_render_every_object_and_rebuild_from_overlays(plan in plans()) {
        let spec = validate(fleet(&plan)).map_err(|errors| TestCaseError::fail(format!("{errors:?}")))?;
        let base = components(&spec, BASE_ENV).unwrap();
        for env in Env::ALL {
            let view = components(&spec, env).unwrap();
            prop_assert_eq!(&view, &components(&spec, env).unwrap(), "rendering is deterministic");
            for (name, (blue_green, ..)) in &plan {
                let component = view.iter().find(|c| &c.name == name).unwrap();
                let kinds: Vec<&str> = component.objects.iter().map(|o| o.kind.as_str()).collect();
                let workload = if *blue_green { "Rollout" } else { "Deployment" };
                for kind in ["ServiceAccount", "ConfigMap", "Service", workload, "HorizontalPodAutoscaler", "PodDisruptionBudget", "VerticalPodAutoscaler"] {
                    prop_assert!(kinds.contains(&kind), "{} lacks a {} in {}", name, kind, env);
                }
            }
            for (from, to) in base.iter().zip(&view) {
                for (a, b) in from.objects.iter().zip(&to.objects) {
                    let swap = |v: &serde_json::Value| match (&from.image, &to.image) {
                        (Some(x), Some(y)) => serde_json::from_str(&v.to_string().replace(&y.reference, &x.reference)).unwrap(),
                        _ => v.clone(),
                    };
                    let target = swap(&b.value);
                    prop_assert_eq!(patch::apply(&a.value, &patch::diff(&a.value, &target)), Some(target));
                }
            }
        }
    }
}
