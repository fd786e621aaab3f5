//! Random valid fleets always render: every service gets every object in every
//! environment, rendering is deterministic, and each overlay's patches rebuild its
//! environment from the base.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::components::components;
use keiko_manifests::k8s::{BASE_ENV, patch};
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::validate;
use proptest::prelude::*;

mod common;

use common::{fleet, plans};

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_fleets_render_every_object_and_rebuild_from_overlays(plan in plans()) {
        let spec = validate(fleet(&plan)).map_err(|errors| TestCaseError::fail(format!("{errors:?}")))?;
        let platform = Platform::new(spec);
        let base = components(&platform, BASE_ENV).unwrap();
        for env in Env::ALL {
            let view = components(&platform, env).unwrap();
            prop_assert_eq!(&view, &components(&platform, env).unwrap(), "rendering is deterministic");
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
