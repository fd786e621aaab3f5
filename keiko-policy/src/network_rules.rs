//! Network rules (KEIKO-K8S-013 and 014): every pod has a NetworkPolicy of its own, and
//! every public route is served over TLS behind the WAF.

use super::cluster_rules::is_default_deny;
use super::k8s_rules::{is_pod_bearing, pod_labels};
use super::selector::SelectorIndex;
use super::{Check, Context, Hit, Rule, Severity, Subject};
use keiko_spec::rule_ids;
use serde_json::Value;
use std::collections::BTreeMap;

/// The network rules.
pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            id: rule_ids::K8S_013,
            severity: Severity::Error,
            rationale: "behind default-deny, a pod no allowing NetworkPolicy selects can reach nothing and a mistyped selector goes unnoticed",
            hint: "add a NetworkPolicy whose podSelector matches the pod template's labels and allows the pod's traffic",
            check: Check::Cluster(pods_have_policies),
        },
        Rule {
            id: rule_ids::K8S_014,
            severity: Severity::Error,
            rationale: "a public route must not serve plain HTTP or bypass the web application firewall",
            hint: "attach the route to an HTTPS listener with certificateRefs (plain HTTP only for a redirect to https) of a Gateway a WasmPlugin WAF targets",
            check: Check::Cluster(public_routes),
        },
    ]
}

fn pods_have_policies(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let allowing = SelectorIndex::new(subjects, "NetworkPolicy", "/spec/podSelector", |p| !is_default_deny(p));
    subjects
        .iter()
        .enumerate()
        .filter(|(_, s)| is_pod_bearing(&s.kind) && !allowing.any_selects(&s.namespace, pod_labels(s)))
        .map(|(i, _)| Hit::new(i, "no NetworkPolicy other than default-deny selects its pods"))
        .collect()
}

/// A Gateway's listeners by name, and whether a WAF targets it.
struct GatewayFacts<'a> {
    listeners: BTreeMap<&'a str, &'a Value>,
    has_waf: bool,
}

fn gateways(subjects: &[Subject]) -> BTreeMap<(&str, &str), GatewayFacts<'_>> {
    let mut found = BTreeMap::new();
    for gateway in subjects.iter().filter(|s| s.kind == "Gateway") {
        let listeners = gateway.value.pointer("/spec/listeners").and_then(Value::as_array).into_iter().flatten();
        let listeners = listeners.filter_map(|l| Some((l.get("name")?.as_str()?, l))).collect();
        let has_waf = subjects.iter().any(|s| s.kind == "WasmPlugin" && targets(s, &gateway.namespace, &gateway.name));
        found.insert((gateway.namespace.as_str(), gateway.name.as_str()), GatewayFacts { listeners, has_waf });
    }
    found
}

/// Whether a WasmPlugin applies to the Gateway `namespace/name`: a `targetRefs` entry or
/// a workload selector on the label Istio gives a Gateway's pods.
fn targets(plugin: &Subject, namespace: &str, name: &str) -> bool {
    let refs = plugin.value.pointer("/spec/targetRefs").and_then(Value::as_array).into_iter().flatten();
    let by_ref = refs.chain(plugin.value.pointer("/spec/targetRef")).any(|r| {
        r.get("kind").and_then(Value::as_str) == Some("Gateway") && r.get("name").and_then(Value::as_str) == Some(name)
    });
    let selected = plugin.value.pointer("/spec/selector/matchLabels/gateway.networking.k8s.io~1gateway-name");
    plugin.namespace == namespace && (by_ref || selected.and_then(Value::as_str) == Some(name))
}

fn is_tls(listener: &Value) -> bool {
    let protocol = listener.get("protocol").and_then(Value::as_str);
    let certificates = listener.pointer("/tls/certificateRefs").and_then(Value::as_array);
    matches!(protocol, Some("HTTPS" | "TLS")) && certificates.is_some_and(|c| !c.is_empty())
}

/// Whether every rule of a route only redirects to https (what a plain HTTP listener may serve).
fn only_redirects_to_https(route: &Subject) -> bool {
    let rules = route.value.pointer("/spec/rules").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    !rules.is_empty()
        && rules.iter().all(|rule| {
            let filters = rule.get("filters").and_then(Value::as_array).into_iter().flatten();
            rule.get("backendRefs").and_then(Value::as_array).is_none_or(Vec::is_empty)
                && filters
                    .filter_map(|f| f.pointer("/requestRedirect/scheme"))
                    .any(|scheme| scheme.as_str() == Some("https"))
        })
}

fn public_routes(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let gateways = gateways(subjects);
    let routes = subjects.iter().enumerate().filter(|(_, s)| matches!(s.kind.as_str(), "HTTPRoute" | "GRPCRoute"));
    let mut hits = Vec::new();
    for (index, route) in routes {
        let parents = route.value.pointer("/spec/parentRefs").and_then(Value::as_array).into_iter().flatten();
        for parent in parents.filter(|p| p.get("kind").and_then(Value::as_str).is_none_or(|k| k == "Gateway")) {
            let problems = parent_problems(route, parent, &gateways);
            hits.extend(problems.into_iter().map(|problem| Hit::new(index, problem)));
        }
    }
    hits
}

/// What is wrong with one attachment of `route` to a Gateway. A Gateway outside the
/// checked objects cannot be judged (`lint` on one directory), so it has no problem.
fn parent_problems(
    route: &Subject,
    parent: &Value,
    gateways: &BTreeMap<(&str, &str), GatewayFacts<'_>>,
) -> Vec<String> {
    let name = parent.get("name").and_then(Value::as_str).unwrap_or_default();
    let namespace = parent.get("namespace").and_then(Value::as_str).unwrap_or(&route.namespace);
    let Some(gateway) = gateways.get(&(namespace, name)) else { return Vec::new() };
    let mut problems = Vec::new();
    if !gateway.has_waf {
        problems.push(format!("Gateway {namespace}/{name} has no WasmPlugin WAF targeting it"));
    }
    let section = parent.get("sectionName").and_then(Value::as_str);
    let listeners: Vec<(&str, &Value)> = match section {
        Some(section) => gateway.listeners.get_key_value(section).map(|(k, v)| (*k, *v)).into_iter().collect(),
        None => gateway.listeners.iter().map(|(k, v)| (*k, *v)).collect(),
    };
    if listeners.is_empty() {
        problems.push(format!("Gateway {namespace}/{name} has no listener {}", section.unwrap_or("at all")));
    }
    if !only_redirects_to_https(route) {
        for (listener, _) in listeners.iter().filter(|(_, l)| !is_tls(l)) {
            problems.push(format!(
                "attached to listener {listener} of {namespace}/{name}, which is not HTTPS with a certificate, and does not only redirect to https"
            ));
        }
    }
    problems
}
