//! Istio policies: mutual TLS everywhere, deny by default, and per workload an
//! AuthorizationPolicy that allows exactly the flows of [`keiko_model::connections`], each caller
//! identified by its ServiceAccount and, on HTTP, by a valid JWT.

use super::labels;
use super::meta::object_meta;
use crate::crd::istio::{
    AuthorizationPolicy, AuthorizationPolicySpec, JwtRule, Mtls, Operation, PeerAuthentication, PeerAuthenticationSpec,
    RequestAuthentication, RequestAuthenticationSpec, Rule, RuleFrom, RuleTo, Source, WorkloadSelector,
};
use keiko_model::Platform;
use keiko_model::connections::{self, Flow, Peer, Workload};
use keiko_spec::Env;
use std::collections::BTreeMap;

/// What each injected sidecar requests and may use: (CPU request, memory request, CPU
/// limit, memory limit). Set on every pod through Istio's annotations and counted in the
/// namespace quotas, so both agree.
pub const SIDECAR_RESOURCES: (&str, &str, &str, &str) = ("100m", "128Mi", "500m", "256Mi");

/// The pod annotations that size the injected sidecar.
pub fn sidecar_annotations() -> BTreeMap<String, String> {
    let (cpu, memory, cpu_limit, memory_limit) = SIDECAR_RESOURCES;
    BTreeMap::from([
        ("sidecar.istio.io/proxyCPU".to_owned(), cpu.to_owned()),
        ("sidecar.istio.io/proxyMemory".to_owned(), memory.to_owned()),
        ("sidecar.istio.io/proxyCPULimit".to_owned(), cpu_limit.to_owned()),
        ("sidecar.istio.io/proxyMemoryLimit".to_owned(), memory_limit.to_owned()),
    ])
}

/// The trust domain of the mesh.
pub const TRUST_DOMAIN: &str = "cluster.local";

/// The mTLS identity of a ServiceAccount.
pub fn principal(namespace: &str, service_account: &str) -> String {
    format!("{TRUST_DOMAIN}/ns/{namespace}/sa/{service_account}")
}

/// The ServiceAccount Istio creates for the pods of a Gateway it deploys.
pub fn gateway_service_account(platform: &Platform) -> String {
    format!("{}-istio", platform.security().gateway.name)
}

/// STRICT mutual TLS for every workload of `namespace`.
pub fn strict_mtls(platform: &Platform, namespace: &str) -> PeerAuthentication {
    PeerAuthentication {
        metadata: object_meta("default", namespace, labels::platform(platform, "default")),
        spec: PeerAuthenticationSpec { selector: None, mtls: mode("STRICT"), port_level_mtls: BTreeMap::new() },
    }
}

/// Plain text on the ports callers outside the mesh use: the metrics port (Prometheus)
/// and, on the service that publishes them, the signing keys' port (istiod). The
/// AuthorizationPolicy still admits a caller without a mesh identity only to the metrics
/// port and the keys' path.
pub fn plain_text_ports(target: &Workload, ports: &[u32], labels: BTreeMap<String, String>) -> PeerAuthentication {
    PeerAuthentication {
        metadata: object_meta(&target.name, &target.namespace, labels),
        spec: PeerAuthenticationSpec {
            selector: Some(WorkloadSelector { match_labels: labels::selector(&target.name) }),
            mtls: mode("STRICT"),
            port_level_mtls: ports.iter().map(|p| (p.to_string(), mode("PERMISSIVE"))).collect(),
        },
    }
}

/// The ports of `target` that callers outside the mesh reach, from its flows.
pub fn outside_mesh_ports(target: &Workload, flows: &[Flow]) -> Vec<u32> {
    let mut ports: Vec<u32> = connections::into(flows, target)
        .filter(|f| matches!(f.from, Peer::Prometheus | Peer::ControlPlane))
        .map(|f| f.port)
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

fn mode(mode: &str) -> Mtls {
    Mtls { mode: mode.to_owned() }
}

/// An ALLOW policy without rules: once it applies, only what another policy allows passes.
pub fn allow_nothing(platform: &Platform, namespace: &str) -> AuthorizationPolicy {
    AuthorizationPolicy {
        metadata: object_meta("allow-nothing", namespace, labels::platform(platform, "allow-nothing")),
        spec: AuthorizationPolicySpec {
            selector: None,
            target_refs: Vec::new(),
            action: Some("ALLOW".to_owned()),
            rules: Vec::new(),
        },
    }
}

/// Allows each flow into `target`: mesh callers by ServiceAccount (and a JWT on HTTP),
/// Prometheus on the metrics port.
pub fn authorization(
    platform: &Platform,
    target: &Workload,
    flows: &[Flow],
    labels: BTreeMap<String, String>,
) -> AuthorizationPolicy {
    let rules = connections::into(flows, target).flat_map(|flow| rules(platform, target, flow)).collect();
    AuthorizationPolicy {
        metadata: object_meta(&target.name, &target.namespace, labels.clone()),
        spec: AuthorizationPolicySpec {
            selector: Some(WorkloadSelector { match_labels: labels::selector(&target.name) }),
            target_refs: Vec::new(),
            action: Some("ALLOW".to_owned()),
            rules,
        },
    }
}

/// The rules that admit `flow`: its caller by mesh identity with a token on HTTP, and
/// without a token on the target's anonymous paths; Prometheus on the metrics port;
/// istiod, without identity or token, only to the signing keys' path.
fn rules(platform: &Platform, target: &Workload, flow: &Flow) -> Vec<Rule> {
    let port = vec![flow.port.to_string()];
    let to =
        |paths: Vec<String>| vec![RuleTo { operation: Operation { ports: port.clone(), paths, ..Default::default() } }];
    let principals = match &flow.from {
        Peer::Workload(w) => vec![principal(&w.namespace, &w.name)],
        Peer::Gateway => vec![principal(&platform.security().gateway.namespace, &gateway_service_account(platform))],
        Peer::Prometheus => return vec![Rule { from: Vec::new(), to: to(Vec::new()) }],
        Peer::ControlPlane => {
            return vec![Rule { from: Vec::new(), to: to(vec![platform.security().jwks.path.clone()]) }];
        }
    };
    if !flow.http {
        return vec![Rule { from: vec![from(principals, Vec::new())], to: to(Vec::new()) }];
    }
    let mut rules = vec![Rule { from: vec![from(principals.clone(), vec!["*".to_owned()])], to: to(Vec::new()) }];
    // Anonymous paths are HTTP paths: on the service's HTTP ports, not gRPC.
    let service = platform.services().get(&target.name).filter(|_| target.namespace == platform.settings().namespace);
    let on_http = |s: &&keiko_spec::service::Service| {
        s.ports.iter().any(|p| p.port == flow.port && p.protocol == keiko_spec::service::Protocol::Http)
    };
    if let Some(service) = service.filter(on_http).filter(|s| !s.anonymous_paths.is_empty()) {
        rules.push(Rule { from: vec![from(principals, Vec::new())], to: to(service.anonymous_paths.clone()) });
    }
    rules
}

fn from(principals: Vec<String>, request_principals: Vec<String>) -> RuleFrom {
    RuleFrom { source: Source { principals, request_principals } }
}

/// Validates JWTs of the environment's issuer for every workload of `namespace` and
/// forwards them, so a service can call the next one with the caller's token.
pub fn request_authentication(platform: &Platform, env: Env, namespace: &str) -> RequestAuthentication {
    RequestAuthentication {
        metadata: object_meta("jwt", namespace, labels::platform(platform, "jwt")),
        spec: RequestAuthenticationSpec {
            selector: None,
            target_refs: Vec::new(),
            jwt_rules: vec![jwt_rule(platform, env)],
        },
    }
}

/// The environment's issuer as a JWT rule, its keys fetched by istiod inside the cluster
/// ([`jwks_uri`]).
pub fn jwt_rule(platform: &Platform, env: Env) -> JwtRule {
    let jwt = &platform.environments().get(env).jwt;
    JwtRule { issuer: jwt.issuer.clone(), jwks_uri: jwks_uri(platform), forward_original_token: true }
}

/// Where istiod fetches the signing keys: the publishing service's in-cluster address
/// (`security.jwks`), plain HTTP on a port that accepts callers outside the mesh.
pub fn jwks_uri(platform: &Platform) -> String {
    let jwks = &platform.security().jwks;
    let port = platform
        .services()
        .get(&jwks.service)
        .and_then(|s| s.ports.iter().find(|p| p.name == jwks.port))
        .map_or(0, |p| p.port);
    format!("http://{}.{}.svc.cluster.local:{port}{}", jwks.service, platform.settings().namespace, jwks.path)
}
