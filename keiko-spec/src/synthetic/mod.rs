//! Synthetic fleets of any size, for benchmarks and scale tests: a typed [`RawSpec`]
//! with `n` services built from the index alone (no randomness, no I/O), validated
//! like keiko.yaml.
//!
//! Every service has `http` and `metrics` ports, most also `grpc`; each calls a few
//! services further down the list (so calls are acyclic); two in three own a database,
//! one in four has a public route, one in five rolls out blue/green, and the ClickHouse
//! and Neo4j stores each serve a share of the services. Service 0 is the API gateway,
//! which calls the first few services and serves `/` on the `api` host.

mod platform;

use crate::env::{Env, PerEnv};
use crate::service::{
    ApiGrant, Autoscaling, Call, Component, Config, Database, Health, Image, Port, Protocol, Replicas, ResourceAmounts,
    Resources, Rollout, RolloutStrategy, Route, SecretRef, Service, Slo, StartupProbe,
};
use crate::stateful::{Engine, StatefulComponent, Storage};
use crate::{RawSpec, Spec, SpecErrors};
use std::collections::{BTreeMap, BTreeSet};

/// Words service names start with, so names read like a real fleet's.
const WORDS: [&str; 12] = [
    "catalog", "billing", "search", "profile", "course", "badge", "forum", "media", "notify", "review", "report",
    "quiz",
];

/// Where the synthetic fleet's signing keys are served, by service 0.
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

/// The most services one service calls.
const MAX_CALLS: usize = 3;
/// How far down the list a callee may be, so calls stay local as fleets grow.
const CALL_REACH: usize = 20;

/// The name of service `index`: `api-gateway` for 0, `<word>-<index>` otherwise.
pub fn service_name(index: usize) -> String {
    match index {
        0 => "api-gateway".to_owned(),
        _ => format!("{}-{index:05}", WORDS[index % WORDS.len()]),
    }
}

/// A synthetic fleet of `n` services (at least one), as read from a file.
pub fn raw(n: usize) -> RawSpec {
    let n = n.max(1);
    let names: Vec<String> = (0..n).map(service_name).collect();
    let services = (0..n).map(|index| (names[index].clone(), service(index, &names))).collect();
    RawSpec {
        platform: platform::platform(),
        environments: platform::environments(),
        backups: platform::backups(),
        security: platform::security(),
        observability: platform::observability(),
        services,
        stateful: stores(&names),
        addons: platform::addons(),
    }
}

/// A synthetic fleet of `n` services, validated; errors name the file `synthetic-<n>`.
pub fn spec(n: usize) -> Result<Spec, SpecErrors> {
    crate::validate(raw(n)).map_err(|errors| SpecErrors { file: format!("synthetic-{n}"), errors })
}

fn service(index: usize, names: &[String]) -> Service {
    let name = &names[index];
    let gateway = index == 0;
    Service {
        description: format!("Synthetic service {index}"),
        team: format!("team-{}", index % 9),
        cost_center: format!("cc-{}", index % 5),
        component: if gateway { Component::Gateway } else { Component::Backend },
        image: Image { repository: name.clone(), tags: PerEnv::from_fn(|env| tag(index, env)) },
        ports: ports(has_grpc(index)),
        health: Health {
            port: "http".into(),
            liveness: "/health".into(),
            readiness: "/ready".into(),
            startup: (index % 6 == 5).then_some(StartupProbe { max_startup_seconds: 60 + (index % 4) as u32 * 30 }),
        },
        resources: PerEnv::from_fn(resources),
        replicas: PerEnv::from_fn(|env| replicas(index, env)),
        autoscaling: Autoscaling { cpu_percent: 70, memory_percent: 80 },
        config: config(index),
        secrets: secrets(index, name),
        database: (index % 3 != 2).then(|| Database {
            name: name.replace('-', "_"),
            pool_size: 5 + (index % 10) as u32,
            password_reset: "initial".into(),
        }),
        calls: calls(index, names),
        routes: routes(index, name),
        // The gateway service issues the synthetic fleet's tokens (security.jwks).
        anonymous_paths: if gateway { vec!["/login".into(), JWKS_PATH.into()] } else { Vec::new() },
        slo: Slo {
            availability_percent: if gateway { 99.95 } else { 99.9 },
            latency_p95_ms: 100 + (index % 3) as u32 * 50,
        },
        rollout: Rollout {
            strategy: if index.is_multiple_of(5) { RolloutStrategy::BlueGreen } else { RolloutStrategy::RollingUpdate },
            analysis: Default::default(),
        },
        kubernetes_api: grants(index),
    }
}

fn has_grpc(index: usize) -> bool {
    index != 0 && index % 7 != 3
}

fn ports(grpc: bool) -> Vec<Port> {
    let port = |name: &str, port: u32, protocol: Protocol| Port { name: name.into(), port, protocol };
    let mut ports = vec![port("http", 8080, Protocol::Http)];
    if grpc {
        ports.push(port("grpc", 9090, Protocol::Grpc));
    }
    ports.push(port("metrics", 9464, Protocol::Http));
    ports
}

/// A 40-hex-digit commit SHA made from the index and environment (splitmix64).
fn tag(index: usize, env: Env) -> String {
    let mut state = (index as u64) << 2 | env as u64;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    format!("{:016x}{:016x}{:08x}", next(), next(), next() >> 32)
}

fn resources(env: Env) -> Resources {
    let amounts = |cpu: &str, memory: &str| ResourceAmounts { cpu: cpu.into(), memory: memory.into() };
    match env {
        Env::Dev => Resources { requests: amounts("100m", "128Mi"), limits: amounts("500m", "512Mi") },
        Env::Staging => Resources { requests: amounts("250m", "256Mi"), limits: amounts("1", "1Gi") },
        Env::Production => Resources { requests: amounts("500m", "512Mi"), limits: amounts("2", "2Gi") },
    }
}

fn replicas(index: usize, env: Env) -> Replicas {
    let extra = (index % 4) as u32;
    match env {
        Env::Dev => Replicas { min: 1, max: 2 },
        Env::Staging => Replicas { min: 2, max: 4 + extra },
        Env::Production => Replicas { min: 3, max: 10 + extra * 2 },
    }
}

fn config(index: usize) -> Config {
    let map = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let mut shared: BTreeMap<String, String> =
        map(&[("RUST_LOG", "info"), ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")]);
    shared.insert("SYNTHETIC_INDEX".into(), index.to_string());
    Config {
        shared,
        per_environment: Some(PerEnv {
            dev: map(&[("RUST_LOG", "debug"), ("OTEL_TRACES_SAMPLER_ARG", "1.0")]),
            staging: map(&[("OTEL_TRACES_SAMPLER_ARG", "0.5")]),
            production: map(&[("OTEL_TRACES_SAMPLER_ARG", "0.1")]),
        }),
    }
}

fn secrets(index: usize, name: &str) -> Vec<SecretRef> {
    if !index.is_multiple_of(3) {
        return Vec::new();
    }
    vec![SecretRef { env: "API_SIGNING_KEY".into(), key: format!("{name}/signing"), property: "key".into() }]
}

/// Up to [`MAX_CALLS`] callees further down the list: acyclic by construction. The
/// gateway calls the first services over HTTP.
fn calls(index: usize, names: &[String]) -> Vec<Call> {
    let n = names.len();
    let callees: BTreeSet<usize> = if index == 0 {
        (1..n.min(7)).collect()
    } else {
        let reach = CALL_REACH.min(n - index - 1);
        (0..index % (MAX_CALLS + 1)).filter(|_| reach > 0).map(|k| index + 1 + (index * 7 + k * 13) % reach).collect()
    };
    callees
        .into_iter()
        .map(|callee| {
            let port = if index != 0 && has_grpc(callee) { "grpc" } else { "http" };
            Call { service: names[callee].clone(), port: port.into() }
        })
        .collect()
}

fn routes(index: usize, name: &str) -> Vec<Route> {
    let route =
        |path: String, rate: u32| Route { host: "api".into(), path, port: "http".into(), rate_limit_per_second: rate };
    match index {
        0 => vec![route("/".into(), 100)],
        _ if index % 4 == 1 => vec![route(format!("/{name}"), 50)],
        _ => Vec::new(),
    }
}

fn grants(index: usize) -> Vec<ApiGrant> {
    if index % 10 != 9 {
        return Vec::new();
    }
    vec![ApiGrant {
        api_groups: vec!["coordination.k8s.io".into()],
        resources: vec!["leases".into()],
        verbs: vec!["get".into(), "create".into(), "update".into()],
        reason: "leader election between replicas".into(),
    }]
}

/// ClickHouse serves one service in seven, Neo4j one in eleven.
fn stores(names: &[String]) -> BTreeMap<String, StatefulComponent> {
    let clients = |every: usize, offset: usize| {
        names.iter().enumerate().filter(|(i, _)| i % every == offset).map(|(_, name)| name.clone()).collect()
    };
    let port = |name: &str, port: u32, protocol: Protocol| Port { name: name.into(), port, protocol };
    let clickhouse = store(
        Engine::Clickhouse,
        "clickhouse/clickhouse-server:25.8",
        vec![
            port("http", 8123, Protocol::Http),
            port("native", 9000, Protocol::Tcp),
            port("metrics", 9363, Protocol::Http),
        ],
        clients(7, 1),
    );
    let neo4j = store(
        Engine::Neo4j,
        "neo4j:5.26.0-community",
        vec![
            port("http", 7474, Protocol::Http),
            port("bolt", 7687, Protocol::Tcp),
            port("metrics", 2004, Protocol::Http),
        ],
        clients(11, 2),
    );
    BTreeMap::from([("clickhouse".to_owned(), clickhouse), ("neo4j".to_owned(), neo4j)])
}

fn store(engine: Engine, image: &str, ports: Vec<Port>, clients: Vec<String>) -> StatefulComponent {
    let amounts = |cpu: &str, memory: &str| ResourceAmounts { cpu: cpu.into(), memory: memory.into() };
    let storage = |size: &str| Storage { size: size.into(), class: "csi-cinder-high-speed".into() };
    StatefulComponent {
        engine,
        description: format!("Synthetic {} store", engine.name()),
        team: "data".into(),
        cost_center: "cc-data".into(),
        namespace: format!("keiko-{}", engine.name()),
        image: image.into(),
        ports,
        replicas: PerEnv { dev: 1, staging: 1, production: 1 },
        resources: PerEnv::from_fn(|env| match env {
            Env::Dev => Resources { requests: amounts("250m", "1Gi"), limits: amounts("1", "2Gi") },
            Env::Staging => Resources { requests: amounts("500m", "2Gi"), limits: amounts("2", "4Gi") },
            Env::Production => Resources { requests: amounts("2", "8Gi"), limits: amounts("4", "16Gi") },
        }),
        storage: PerEnv { dev: storage("20Gi"), staging: storage("100Gi"), production: storage("500Gi") },
        clients,
        backup_schedule: match engine {
            Engine::Clickhouse => "30 */6 * * *".into(),
            Engine::Neo4j => "45 */6 * * *".into(),
        },
    }
}

/// The synthetic fleet of `n` services as a spec file that [`crate::load`] reads back
/// into the same spec (`generate --synthetic N --spec-out FILE`).
pub fn yaml(n: usize) -> Result<String, serde_saphyr::SerializeError> {
    let mut options = serde_saphyr::SerializerOptions::default();
    // Long strings stay on one line, as in every generated YAML file.
    options.folded_wrap_chars = usize::MAX / 2;
    options.min_fold_chars = usize::MAX / 2;
    let mut text = format!("# A synthetic fleet of {n} services: `generate --synthetic {n} --spec-out FILE`.\n");
    serde_saphyr::to_fmt_writer_with_options(&mut text, &raw(n), options)?;
    Ok(text)
}
