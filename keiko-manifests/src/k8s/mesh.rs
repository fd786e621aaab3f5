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

/// Plain text on the metrics port only, for Prometheus, which is outside the mesh.
pub fn metrics_in_plain_text(
    target: &Workload,
    metrics_port: u32,
    labels: BTreeMap<String, String>,
) -> PeerAuthentication {
    PeerAuthentication {
        metadata: object_meta(&target.name, &target.namespace, labels),
        spec: PeerAuthenticationSpec {
            selector: Some(WorkloadSelector { match_labels: labels::selector(&target.name) }),
            mtls: mode("STRICT"),
            port_level_mtls: BTreeMap::from([(metrics_port.to_string(), mode("PERMISSIVE"))]),
        },
    }
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
    let rules = connections::into(flows, target).map(|flow| rule(platform, flow)).collect();
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

fn rule(platform: &Platform, flow: &Flow) -> Rule {
    let to = vec![RuleTo { operation: Operation { ports: vec![flow.port.to_string()], ..Default::default() } }];
    let principals = match &flow.from {
        Peer::Workload(w) => vec![principal(&w.namespace, &w.name)],
        Peer::Gateway => vec![principal(&platform.security().gateway.namespace, &gateway_service_account(platform))],
        Peer::Prometheus => return Rule { from: Vec::new(), to },
    };
    let request_principals = if flow.http { vec!["*".to_owned()] } else { Vec::new() };
    Rule { from: vec![RuleFrom { source: Source { principals, request_principals } }], to }
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

/// The environment's issuer as a JWT rule.
pub fn jwt_rule(platform: &Platform, env: Env) -> JwtRule {
    let jwt = &platform.environments().get(env).jwt;
    JwtRule { issuer: jwt.issuer.clone(), jwks_uri: jwt.jwks_uri.clone(), forward_original_token: true }
}
