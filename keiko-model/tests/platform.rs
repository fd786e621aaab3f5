//! The resolved platform holds what the spec says, resolved once: every add-on by its
//! role, every quantity as the number validation parsed, every flow between workloads
//! that exist.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_model::Platform;
use keiko_model::connections::Peer;
use keiko_model::platform::{Amounts, int32};
use keiko_spec::addon::{Chart, SUPPORTED_CHARTS};
use keiko_spec::validate::quantity;
use keiko_spec::{Env, synthetic};

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../../keiko.yaml")).unwrap())
}

#[test]
fn every_add_on_is_found_by_its_role() {
    let platform = keiko();
    assert_eq!(SUPPORTED_CHARTS.len(), Chart::ALL.len());
    for (name, addon) in platform.addons() {
        let chart = addon.role().unwrap_or_else(|| panic!("addons.{name}: chart {} has no role", addon.chart));
        assert_eq!(chart.name(), addon.chart);
        assert_eq!(Chart::from_name(&addon.chart), Some(chart));
        assert_eq!(platform.addon(chart), Some(addon), "keiko.yaml has one add-on per chart");
    }
    assert_eq!(
        platform.monitoring_namespace(),
        platform.addon(Chart::KubePrometheusStack).map(|a| a.namespace.as_str())
    );
    assert_eq!(Chart::from_name("nginx"), None);
}

#[test]
fn quantities_are_the_numbers_validation_parsed() {
    let platform = keiko();
    let parse = |text: &str| quantity::parse(text).unwrap();
    for env in Env::ALL {
        for (name, service) in platform.services() {
            let resources = service.resources.get(env);
            let expected = Amounts {
                cpu_requests: parse(&resources.requests.cpu),
                memory_requests: parse(&resources.requests.memory),
                cpu_limits: parse(&resources.limits.cpu),
                memory_limits: parse(&resources.limits.memory),
            };
            assert_eq!(platform.amounts(name, env), expected, "{name} in {env}");
            assert!(expected.cpu_requests > 0 && expected.memory_limits >= expected.memory_requests);
        }
        for (name, store) in platform.stateful() {
            assert_eq!(platform.storage(name, env), parse(&store.storage.get(env).size), "{name} in {env}");
            assert_eq!(platform.amounts(name, env), Amounts::of(store.resources.get(env)));
        }
    }
    assert_eq!(platform.amounts("no-such-service", Env::Dev), Amounts::default());
}

#[test]
fn counts_convert_to_int32_and_saturate_beyond_it() {
    assert_eq!(int32(0), 0);
    assert_eq!(int32(65_535), 65_535);
    assert_eq!(int32(u32::MAX), i32::MAX);
}

#[test]
fn every_flow_joins_workloads_that_exist() {
    for platform in [keiko(), Platform::new(synthetic::spec(40).unwrap())] {
        let settings = platform.settings();
        let exists = |namespace: &str, name: &str| {
            (namespace == settings.namespace && platform.services().contains_key(name))
                || platform.stateful().get(name).is_some_and(|store| store.namespace == namespace)
        };
        let flows = platform.connections().all();
        assert!(!flows.is_empty());
        for flow in flows {
            assert!(exists(&flow.to.namespace, &flow.to.name), "{flow:?}");
            if let Peer::Workload(from) = &flow.from {
                assert!(exists(&from.namespace, &from.name), "{flow:?}");
            }
            assert!(platform.connections().touching(&flow.to).contains(flow));
        }
    }
}

#[test]
fn the_platform_repository_is_read_once_as_owner_and_name() {
    assert_eq!(keiko().github_repository(), "keikolatam/keiko-platform");
}
