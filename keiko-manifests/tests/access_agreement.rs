//! The network layer, the mesh layer and the spec agree on who may call whom: the
//! (source, destination, port) triples opened by the NetworkPolicies equal those allowed
//! by the AuthorizationPolicies, and both equal the spec's calls, routes, store clients
//! and metrics scrapes. Checked on keiko.yaml and on random fleets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_spec::validate;
use keiko_spec::{Env, Spec};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;

type Triple = (String, String, u32);

const PROMETHEUS: &str = "prometheus";
const GATEWAY: &str = "gateway";
const ISTIOD: &str = "istiod";

/// The triples the spec itself implies, computed here without the builders' help.
fn from_spec(spec: &Spec) -> BTreeSet<Triple> {
    let ns = &spec.platform().namespace;
    let mut triples = BTreeSet::new();
    let scraped = spec.addons().values().any(|a| a.chart == "kube-prometheus-stack");
    for (name, service) in spec.services() {
        for call in &service.calls {
            let port = spec.services()[&call.service].ports.iter().find(|p| p.name == call.port).unwrap();
            triples.insert((format!("{ns}/{name}"), format!("{ns}/{}", call.service), port.port));
        }
        for route in &service.routes {
            let port = service.ports.iter().find(|p| p.name == route.port).unwrap();
            triples.insert((GATEWAY.to_owned(), format!("{ns}/{name}"), port.port));
        }
        if let Some(metrics) = service.ports.iter().find(|p| p.name == "metrics").filter(|_| scraped) {
            triples.insert((PROMETHEUS.to_owned(), format!("{ns}/{name}"), metrics.port));
        }
    }
    // istiod fetches the signing keys from the service `security.jwks` names.
    if spec.addons().values().any(|a| a.chart == "istiod") {
        let jwks = &spec.security().jwks;
        let port = spec.services()[&jwks.service].ports.iter().find(|p| p.name == jwks.port).unwrap();
        triples.insert((ISTIOD.to_owned(), format!("{ns}/{}", jwks.service), port.port));
    }
    for (name, store) in spec.stateful() {
        for port in &store.ports {
            if port.name == "metrics" {
                if scraped {
                    triples.insert((PROMETHEUS.to_owned(), format!("{}/{name}", store.namespace), port.port));
                }
                continue;
            }
            for client in &store.clients {
                triples.insert((format!("{ns}/{client}"), format!("{}/{name}", store.namespace), port.port));
            }
        }
    }
    triples
}

fn objects(platform: &Platform, env: Env, kind: &str) -> Vec<Value> {
    components(platform, env)
        .unwrap()
        .into_iter()
        .flat_map(|c| c.objects)
        .filter(|o| o.kind == kind)
        .map(|o| o.value)
        .collect()
}

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

/// Who a NetworkPolicy peer is.
fn network_peer(platform: &Platform, peer: &Value) -> String {
    let namespace = text(peer, "/namespaceSelector/matchLabels/kubernetes.io~1metadata.name");
    if namespace == platform.security().gateway.namespace {
        return GATEWAY.to_owned();
    }
    if text(peer, "/podSelector/matchLabels/app.kubernetes.io~1name") == "prometheus" {
        return PROMETHEUS.to_owned();
    }
    if text(peer, "/podSelector/matchLabels/app") == "istiod" {
        return ISTIOD.to_owned();
    }
    format!("{namespace}/{}", text(peer, "/podSelector/matchLabels/app.kubernetes.io~1name"))
}

/// Ingress triples of the workload NetworkPolicies.
fn from_network_policies(platform: &Platform, env: Env) -> BTreeSet<Triple> {
    let mut triples = BTreeSet::new();
    for policy in objects(platform, env, "NetworkPolicy") {
        let target = text(&policy, "/spec/podSelector/matchLabels/app.kubernetes.io~1name");
        if target.is_empty() || text(&policy, "/metadata/namespace") == platform.observability().namespace {
            continue; // namespace defaults and the telemetry pipeline, which serves every workload
        }
        let destination = format!("{}/{target}", text(&policy, "/metadata/namespace"));
        for rule in policy["spec"]["ingress"].as_array().into_iter().flatten() {
            for peer in rule["from"].as_array().unwrap() {
                for port in rule["ports"].as_array().unwrap() {
                    triples.insert((
                        network_peer(platform, peer),
                        destination.clone(),
                        port["port"].as_u64().unwrap() as u32,
                    ));
                }
            }
        }
    }
    triples
}

/// Egress triples towards platform workloads: the same flows seen from the caller.
fn egress_of_network_policies(platform: &Platform, env: Env) -> BTreeSet<Triple> {
    let mut triples = BTreeSet::new();
    for policy in objects(platform, env, "NetworkPolicy") {
        if text(&policy, "/metadata/namespace") == platform.observability().namespace {
            continue;
        }
        let source = match text(&policy, "/spec/podSelector/matchLabels/app.kubernetes.io~1name") {
            "" if text(&policy, "/metadata/name") == platform.security().gateway.name => GATEWAY.to_owned(),
            "" => continue,
            name => format!("{}/{name}", text(&policy, "/metadata/namespace")),
        };
        for rule in policy["spec"]["egress"].as_array().into_iter().flatten() {
            for peer in rule["to"].as_array().unwrap() {
                let callee = text(peer, "/podSelector/matchLabels/app.kubernetes.io~1name");
                let telemetry = text(peer, "/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
                    == platform.observability().namespace;
                if callee.is_empty() || telemetry {
                    continue; // DNS, control plane, telemetry agent, databases, ACME solvers
                }
                let destination = network_peer(platform, peer);
                for port in rule["ports"].as_array().unwrap() {
                    triples.insert((source.clone(), destination.clone(), port["port"].as_u64().unwrap() as u32));
                }
            }
        }
    }
    triples
}

/// Triples of the workload AuthorizationPolicies.
fn from_authorization_policies(platform: &Platform, env: Env) -> BTreeSet<Triple> {
    let gateway_account = format!(
        "cluster.local/ns/{}/sa/{}-istio",
        platform.security().gateway.namespace,
        platform.security().gateway.name
    );
    let mut triples = BTreeSet::new();
    for policy in objects(platform, env, "AuthorizationPolicy") {
        let target = text(&policy, "/spec/selector/matchLabels/app.kubernetes.io~1name");
        if target.is_empty() {
            continue;
        }
        let destination = format!("{}/{target}", text(&policy, "/metadata/namespace"));
        for rule in policy["spec"]["rules"].as_array().into_iter().flatten() {
            // Rules without a caller: Prometheus on a port, istiod on the keys' path only.
            let on_paths = rule["to"].as_array().unwrap().iter().any(|t| t["operation"]["paths"].is_array());
            let sources: Vec<String> = match rule["from"].as_array() {
                None if on_paths => vec![ISTIOD.to_owned()],
                None => vec![PROMETHEUS.to_owned()],
                Some(froms) => froms
                    .iter()
                    .flat_map(|f| f["source"]["principals"].as_array().unwrap().iter())
                    .map(|p| p.as_str().unwrap())
                    .map(|p| if p == gateway_account { GATEWAY.to_owned() } else { principal_to_workload(p) })
                    .collect(),
            };
            for to in rule["to"].as_array().unwrap() {
                for port in to["operation"]["ports"].as_array().unwrap() {
                    for source in &sources {
                        triples.insert((source.clone(), destination.clone(), port.as_str().unwrap().parse().unwrap()));
                    }
                }
            }
        }
    }
    triples
}

fn principal_to_workload(principal: &str) -> String {
    let parts: Vec<&str> = principal.split('/').collect();
    format!("{}/{}", parts[2], parts[4])
}

fn assert_layers_agree(platform: &Platform) {
    let expected = from_spec(platform.spec());
    for env in Env::ALL {
        assert_eq!(from_network_policies(platform, env), expected, "{env}: NetworkPolicy ingress");
        assert_eq!(from_authorization_policies(platform, env), expected, "{env}: AuthorizationPolicies");
        let callers: BTreeSet<Triple> =
            expected.iter().filter(|t| t.0 != PROMETHEUS && t.0 != ISTIOD).cloned().collect();
        assert_eq!(egress_of_network_policies(platform, env), callers, "{env}: NetworkPolicy egress");
    }
}

#[test]
fn the_fleets_network_and_mesh_policies_match_its_call_graph() {
    let platform = Platform::new(keiko_spec::load("keiko.yaml", common::KEIKO).unwrap());
    assert!(!from_spec(platform.spec()).is_empty());
    assert_layers_agree(&platform);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_fleets_policies_match_their_call_graphs(plan in common::plans()) {
        let spec = validate(common::fleet(&plan)).map_err(|errors| TestCaseError::fail(format!("{errors:?}")))?;
        assert_layers_agree(&Platform::new(spec));
    }
}
