//! Random valid specs always give output that passes the policy and round-trips.
//!
//! Each case starts from a synthetic fleet of 1 to 12 services and varies every
//! service within the ranges the spec and the policy allow: replicas, resources,
//! public routes, databases, calls (down the list only, so the graph stays acyclic),
//! rollout strategy, image tags, store clients, and with or without exemptions. The
//! spec must validate, load back from its own YAML, render with no finding at all
//! (errors or warnings) and nothing exempted, and every rendered YAML document must
//! parse back and serialize to the same text (workflows, whose pinned actions carry a
//! version comment, to the same values), and every Kubernetes and ArgoCD object must
//! round-trip through its typed struct.
//!
//! `PROPTEST_CASES` sets the number of cases (24 by default).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/typed_objects.rs"]
mod typed_objects;

use keiko_manifests::Files;
use keiko_manifests::output::{HEADER, json_document, yaml_document, yaml_stream};
use keiko_model::Platform;
use keiko_policy::yaml_input;
use keiko_spec::Env;
use keiko_spec::service::{Call, Database, ResourceAmounts, RolloutStrategy, Route, StartupProbe};
use keiko_spec::synthetic;
use keiko_spec::{RawSpec, validate};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

/// How one service differs from its synthetic template; every value is valid.
#[derive(Debug, Clone)]
struct Tweak {
    /// Per environment (dev, staging, production): minimum replicas and the headroom above.
    replicas: [(u32, u32); 3],
    /// Per environment: CPU request in millicores and the headroom to the limit.
    cpu: [(u32, u32); 3],
    /// Per environment: memory request in MiB and the headroom to the limit.
    memory: [(u32, u32); 3],
    public: bool,
    /// The database's connection pool, when the service has one.
    database: Option<u32>,
    /// Callees as offsets down the list, and whether to call the gRPC port if there is one.
    calls: Vec<(usize, bool)>,
    blue_green: bool,
    startup: Option<u32>,
    autoscaling: (u32, u32),
    slo: (f64, u32),
    /// The dev tag: 0 a commit SHA, 1 a digest, 2 a version tag.
    dev_tag: u8,
    /// Whether staging and production are pinned by digest instead of commit SHA.
    digests: bool,
    clickhouse: bool,
    neo4j: bool,
}

#[derive(Debug, Clone)]
struct Plan {
    services: Vec<Tweak>,
    exemptions: bool,
    /// Per store (ClickHouse, Neo4j), its volume in GiB in dev, staging and production
    /// (one replica each: ADR 0013).
    store_sizes: [[u32; 3]; 2],
}

fn tweak() -> impl Strategy<Value = Tweak> {
    // Production keeps two replicas at least: a single one is KEIKO-SPEC-001.
    let replicas = [(1u32..=3, 0u32..=6), (1..=4, 0..=10), (2..=6, 0..=20)];
    let cpu = [(10u32..=1000, 0u32..=2000), (10..=2000, 0..=2000), (10..=4000, 0..=4000)];
    let memory = [(32u32..=2048, 0u32..=2048), (32..=4096, 0..=4096), (32..=8192, 0..=8192)];
    let calls = prop::collection::vec((1usize..=12, any::<bool>()), 0..4);
    let availability = prop::sample::select(vec![90.0, 99.0, 99.5, 99.9, 99.95, 99.99]);
    (
        (replicas, cpu, memory),
        (any::<bool>(), prop::option::of(1u32..=100), calls, any::<bool>()),
        (prop::option::of(10u32..=600), (1u32..=100, 1u32..=100), (availability, 1u32..=2000)),
        (0u8..3, any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                (replicas, cpu, memory),
                (public, database, calls, blue_green),
                (startup, autoscaling, slo),
                (dev_tag, digests, clickhouse, neo4j),
            )| Tweak {
                replicas,
                cpu,
                memory,
                public,
                database,
                calls,
                blue_green,
                startup,
                autoscaling,
                slo,
                dev_tag,
                digests,
                clickhouse,
                neo4j,
            },
        )
}

fn plans() -> impl Strategy<Value = Plan> {
    let store = [1u32..=50, 1..=500, 1..=2000];
    (prop::collection::vec(tweak(), 1..=12), any::<bool>(), [store.clone(), store])
        .prop_map(|(services, exemptions, store_sizes)| Plan { services, exemptions, store_sizes })
}

/// A hex string of `len` digits derived from `seed`, so tags differ between services.
fn hex(seed: usize, len: usize) -> String {
    let digits: String = (0..len).map(|i| char::from(b"0123456789abcdef"[(seed * 7 + i * 13) % 16])).collect();
    digits
}

fn fleet(plan: &Plan) -> RawSpec {
    let n = plan.services.len();
    let mut raw = synthetic::raw(n);
    let names: Vec<String> = (0..n).map(synthetic::service_name).collect();
    let grpc: Vec<bool> = names.iter().map(|name| raw.services[name].ports.iter().any(|p| p.name == "grpc")).collect();
    for (index, (name, tweak)) in names.iter().zip(&plan.services).enumerate() {
        let service = raw.services.get_mut(name).unwrap();
        for (position, env) in Env::ALL.into_iter().enumerate() {
            let (min, extra) = tweak.replicas[position];
            let replicas = service.replicas.get_mut(env);
            replicas.min = min;
            replicas.max = min + extra;
            let ((cpu, cpu_extra), (memory, memory_extra)) = (tweak.cpu[position], tweak.memory[position]);
            let resources = service.resources.get_mut(env);
            resources.requests = ResourceAmounts { cpu: format!("{cpu}m"), memory: format!("{memory}Mi") };
            resources.limits = ResourceAmounts {
                cpu: format!("{}m", cpu + cpu_extra),
                memory: format!("{}Mi", memory + memory_extra),
            };
            let tag = match (env, tweak.dev_tag, tweak.digests) {
                (Env::Dev, 2, _) => format!("v{}.{}.{}", index, position, cpu % 10),
                (Env::Dev, 1, _) | (Env::Staging | Env::Production, _, true) => {
                    format!("sha256:{}", hex(index + position, 64))
                }
                _ => hex(index * 3 + position, 40),
            };
            *service.image.tags.get_mut(env) = tag;
        }
        service.routes = if tweak.public {
            let path = if index == 0 { "/".to_owned() } else { format!("/{name}") };
            vec![Route {
                host: "api".into(),
                path,
                port: "http".into(),
                rate_limit_per_second: 1 + (index as u32 * 37) % 500,
            }]
        } else {
            Vec::new()
        };
        service.database = tweak.database.map(|pool_size| Database {
            name: name.replace('-', "_"),
            pool_size,
            password_reset: "initial".into(),
        });
        let callees: BTreeSet<(usize, bool)> = tweak
            .calls
            .iter()
            .map(|(offset, use_grpc)| (index + offset, *use_grpc))
            .filter(|(callee, _)| *callee < n)
            .collect();
        service.calls = callees
            .into_iter()
            .map(|(callee, use_grpc)| Call {
                service: names[callee].clone(),
                port: if use_grpc && grpc[callee] { "grpc" } else { "http" }.into(),
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        service.rollout.strategy =
            if tweak.blue_green { RolloutStrategy::BlueGreen } else { RolloutStrategy::RollingUpdate };
        service.health.startup = tweak.startup.map(|max_startup_seconds| StartupProbe { max_startup_seconds });
        (service.autoscaling.cpu_percent, service.autoscaling.memory_percent) = tweak.autoscaling;
        (service.slo.availability_percent, service.slo.latency_p95_ms) = tweak.slo;
    }
    let clients = |pick: fn(&Tweak) -> bool| -> Vec<String> {
        names.iter().zip(&plan.services).filter(|(_, t)| pick(t)).map(|(name, _)| name.clone()).collect()
    };
    let stores = [("clickhouse", clients(|t| t.clickhouse)), ("neo4j", clients(|t| t.neo4j))];
    for ((store, clients), sizes) in stores.into_iter().zip(plan.store_sizes) {
        let store = raw.stateful.get_mut(store).unwrap();
        store.clients = clients;
        for (env, gib) in Env::ALL.into_iter().zip(sizes) {
            store.storage.get_mut(env).size = format!("{gib}Gi");
        }
    }
    if !plan.exemptions {
        raw.security.exemptions.clear();
    }
    raw
}

/// Every YAML and JSON file parses back and serializes to the identical text; every
/// Kubernetes and ArgoCD object also round-trips through its typed struct.
fn round_trips(files: &Files) -> Result<usize, String> {
    let mut documents = 0;
    for (path, text) in files.iter() {
        if path.ends_with(".json") {
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("{path}: {e}"))?;
            let again = json_document(path, &value).map_err(|e| e.to_string())?;
            if again != text {
                return Err(format!("{path} serializes back differently:\n{again}"));
            }
            continue;
        }
        if !(path.ends_with(".yaml") || path.ends_with(".yml")) {
            continue;
        }
        let values = yaml_input::documents(path, text).map_err(|e| e.to_string())?;
        let again = if text.starts_with(&format!("{HEADER}---\n")) {
            yaml_stream(path, &values)
        } else if let [single] = values.as_slice() {
            yaml_document(path, single)
        } else {
            return Err(format!("{path} holds {} documents but is not a stream", values.len()));
        }
        .map_err(|e| e.to_string())?;
        if path.starts_with("github/") {
            // Workflows carry a version comment after each pinned action: compare values.
            let reread = yaml_input::documents(path, &again).map_err(|e| e.to_string())?;
            if reread != values {
                return Err(format!("{path} reads back differently after serializing:\n{again}"));
            }
        } else if again != text {
            let diff = similar::TextDiff::from_lines(text, &again).unified_diff().to_string();
            return Err(format!("{path} does not serialize back to the same text:\n{diff}"));
        }
        if path.starts_with("k8s/") || path.starts_with("argocd/") {
            for value in &values {
                typed_objects::check(Path::new(path), value).map_err(|reason| format!("{path}: {reason}"))?;
            }
        }
        documents += values.len();
    }
    Ok(documents)
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_valid_specs_pass_every_policy_rule_and_round_trip(plan in plans()) {
        let raw = fleet(&plan);
        let spec = validate(raw.clone()).map_err(|errors| TestCaseError::fail(format!("{errors:#?}")))?;
        let text = yaml_document("random.yaml", &raw).unwrap();
        let loaded = keiko_spec::load("random.yaml", &text).map_err(|errors| TestCaseError::fail(errors.to_string()))?;
        prop_assert_eq!(loaded.raw(), &raw, "the spec changes through its YAML file");

        let (files, report) = keiko_generate::render_checked(&Platform::new(spec)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(report.findings.is_empty(), "findings:\n{}", report.text());
        // The one accepted finding: Velero's namespace, which the platform makes ahead of
        // the chart, has no default-deny, like every add-on namespace.
        let accepted = |e: &keiko_policy::Exempted| {
            e.finding.rule_id == "KEIKO-K8S-010" && e.finding.kind == "Namespace" && e.finding.name == "velero"
        };
        prop_assert!(report.exempted.iter().all(accepted), "exempted: {:#?}", report.exempted);
        prop_assert!(report.notes.iter().all(|n| n.message.contains("kustomize")), "{:#?}", report.notes);

        let documents = round_trips(&files).map_err(TestCaseError::fail)?;
        prop_assert!(documents > 100 * plan.services.len().min(2), "only {} documents", documents);
    }
}
