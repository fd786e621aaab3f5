//! ResourceQuota and LimitRange per namespace, sized from what the spec runs there in
//! each environment: the most every workload may use at its replica maximum, doubled
//! for blue/green services (old and new run side by side), plus mesh sidecars and
//! headroom.

use super::labels;
use super::meta::object_meta;
use k8s_openapi::api::core::v1::{LimitRange, LimitRangeItem, LimitRangeSpec, ResourceQuota, ResourceQuotaSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use keiko_model::Platform;
use keiko_model::platform::{Amounts, amount};
use keiko_spec::Env;
use keiko_spec::service::RolloutStrategy;
use std::collections::BTreeMap;

/// What an injected Istio sidecar requests and may use, per pod.
const SIDECAR: (&str, &str, &str, &str) = super::mesh::SIDECAR_RESOURCES;
/// Headroom over the computed total, in percent.
const HEADROOM_PERCENT: i128 = 25;
const NANOS_PER_MILLI: i128 = 1_000_000;
const NANOS_PER_MIB: i128 = 1_000_000_000 * 1024 * 1024;

/// The sum of requests and limits of a namespace's pods at their maximum.
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    pods: i128,
    cpu_requests: i128,
    memory_requests: i128,
    cpu_limits: i128,
    memory_limits: i128,
    storage: i128,
    claims: i128,
}

impl Totals {
    /// `pods` pods of a workload requesting and limited to `amounts`, each with a sidecar.
    fn add(&mut self, pods: i128, amounts: Amounts) {
        let sidecar = Amounts {
            cpu_requests: amount(SIDECAR.0),
            memory_requests: amount(SIDECAR.1),
            cpu_limits: amount(SIDECAR.2),
            memory_limits: amount(SIDECAR.3),
        };
        self.pods += pods;
        self.cpu_requests += pods * (amounts.cpu_requests + sidecar.cpu_requests);
        self.memory_requests += pods * (amounts.memory_requests + sidecar.memory_requests);
        self.cpu_limits += pods * (amounts.cpu_limits + sidecar.cpu_limits);
        self.memory_limits += pods * (amounts.memory_limits + sidecar.memory_limits);
    }
}

fn totals(platform: &Platform, namespace: &str, env: Env) -> Totals {
    let mut totals = Totals::default();
    if namespace == platform.settings().namespace {
        for (name, service) in platform.services() {
            let surge = if service.rollout.strategy == RolloutStrategy::BlueGreen { 2 } else { 1 };
            totals.add(i128::from(service.replicas.get(env).max) * surge, platform.amounts(name, env));
        }
    }
    for (name, store) in platform.stateful().iter().filter(|(_, s)| s.namespace == namespace) {
        let replicas = i128::from(*store.replicas.get(env));
        totals.add(replicas, platform.amounts(name, env));
        totals.claims += replicas;
        totals.storage += replicas * platform.storage(name, env);
    }
    totals
}

/// The namespace's quota in `env`.
pub fn resource_quota(platform: &Platform, namespace: &str, env: Env) -> ResourceQuota {
    let t = totals(platform, namespace, env);
    let with_headroom = |value: i128| value + value * HEADROOM_PERCENT / 100;
    let mut hard = BTreeMap::from([
        ("pods".to_owned(), Quantity(with_headroom(t.pods).max(1).to_string())),
        ("requests.cpu".to_owned(), millis(with_headroom(t.cpu_requests))),
        ("requests.memory".to_owned(), mebibytes(with_headroom(t.memory_requests))),
        ("limits.cpu".to_owned(), millis(with_headroom(t.cpu_limits))),
        ("limits.memory".to_owned(), mebibytes(with_headroom(t.memory_limits))),
    ]);
    if t.claims > 0 {
        hard.insert("persistentvolumeclaims".to_owned(), Quantity(t.claims.to_string()));
        hard.insert(
            "requests.storage".to_owned(),
            Quantity(format!("{}Gi", ceil_div(t.storage, NANOS_PER_MIB * 1024))),
        );
    }
    ResourceQuota {
        metadata: object_meta("platform", namespace, labels::platform(platform, "platform")),
        spec: Some(ResourceQuotaSpec { hard: Some(hard), ..Default::default() }),
        status: None,
    }
}

/// Defaults for containers that set no resources (none of ours; injected or debug
/// containers), so the quota never rejects them for lack of numbers.
pub fn limit_range(platform: &Platform, namespace: &str) -> LimitRange {
    let amounts = super::meta::quantities;
    LimitRange {
        metadata: object_meta("defaults", namespace, labels::platform(platform, "defaults")),
        spec: Some(LimitRangeSpec {
            limits: vec![LimitRangeItem {
                type_: "Container".to_owned(),
                default_request: Some(amounts("100m", "128Mi")),
                default: Some(amounts("500m", "512Mi")),
                ..Default::default()
            }],
        }),
    }
}

fn millis(nanos: i128) -> Quantity {
    Quantity(format!("{}m", ceil_div(nanos, NANOS_PER_MILLI).max(1)))
}

fn mebibytes(nanos: i128) -> Quantity {
    Quantity(format!("{}Mi", ceil_div(nanos, NANOS_PER_MIB).max(1)))
}

/// Division rounding up, for non-negative amounts.
fn ceil_div(value: i128, divisor: i128) -> i128 {
    (value + divisor - 1) / divisor
}
