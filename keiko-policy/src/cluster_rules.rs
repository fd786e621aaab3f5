//! Object and namespace rules (KEIKO-K8S-007 to 012): Secrets, labels, disruption
//! budgets, default-deny NetworkPolicies, mTLS and ArgoCD sync.

use super::selector::SelectorIndex;
use super::{Check, Context, Hit, Rule, Severity, Subject};
use keiko_spec::rule_ids;
use serde_json::Value;
use std::collections::BTreeSet;

/// The object and namespace rules.
pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            id: rule_ids::K8S_007,
            severity: Severity::Error,
            rationale: "secret values in Git leak to everyone who can read the repository",
            hint: "deliver secrets with an ExternalSecret from the secret manager, never a Secret with data",
            check: Check::Objects(secret_data),
        },
        Rule {
            id: rule_ids::K8S_008,
            severity: Severity::Error,
            rationale: "the recommended labels let tools and people find an object's owner and app",
            hint: "set app.kubernetes.io/name, app.kubernetes.io/part-of and app.kubernetes.io/managed-by",
            check: Check::Objects(recommended_labels),
        },
        Rule {
            id: rule_ids::K8S_009,
            severity: Severity::Error,
            rationale: "without a PodDisruptionBudget a node drain can stop every replica at once",
            hint: "add a PodDisruptionBudget whose selector matches the workload's pods",
            check: Check::Cluster(disruption_budgets),
        },
        Rule {
            id: rule_ids::K8S_010,
            severity: Severity::Error,
            rationale: "without a default-deny NetworkPolicy every pod may reach and be reached by anything",
            hint: "add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules",
            check: Check::Cluster(default_deny),
        },
        Rule {
            id: rule_ids::K8S_011,
            severity: Severity::Error,
            rationale: "mesh traffic must be mutually authenticated and encrypted",
            hint: "add a namespace-wide PeerAuthentication with mtls.mode STRICT",
            check: Check::Cluster(strict_mtls),
        },
        Rule {
            id: rule_ids::K8S_012,
            severity: Severity::Error,
            rationale: "GitOps holds only if ArgoCD removes what Git removed and reverts changes made by hand",
            hint: "set spec.syncPolicy.automated.prune and selfHeal to true (a warning when the environment syncs manually)",
            check: Check::Objects(argocd_sync),
        },
    ]
}

fn secret_data(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let with_data =
        |s: &&Subject| s.kind == "Secret" && (has_entries(&s.value, "data") || has_entries(&s.value, "stringData"));
    indexed(subjects)
        .filter(|(_, s)| with_data(s))
        .map(|(i, _)| Hit::new(i, "Secret carries data or stringData"))
        .collect()
}

fn has_entries(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_object).is_some_and(|map| !map.is_empty())
}

fn indexed(subjects: &[Subject]) -> impl Iterator<Item = (usize, &Subject)> {
    subjects.iter().enumerate()
}

fn recommended_labels(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (index, subject) in indexed(subjects).filter(|(_, s)| !s.is_kustomization()) {
        for label in ["app.kubernetes.io/name", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"] {
            if subject.label(label).is_none_or(str::is_empty) {
                hits.push(Hit::new(index, format!("label {label} is not set")));
            }
        }
    }
    hits
}

fn disruption_budgets(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let budgets = SelectorIndex::new(subjects, "PodDisruptionBudget", "/spec/selector", |_| true);
    let mut hits = Vec::new();
    for (index, subject) in indexed(subjects) {
        if !matches!(subject.kind.as_str(), "Deployment" | "Rollout" | "StatefulSet") {
            continue;
        }
        let replicas = subject.value.pointer("/spec/replicas").and_then(Value::as_u64).unwrap_or(1);
        if replicas > 1 && !budgets.any_selects(&subject.namespace, super::k8s_rules::pod_labels(subject)) {
            hits.push(Hit::new(index, format!("{replicas} replicas and no PodDisruptionBudget selects its pods")));
        }
    }
    hits
}

/// Namespaces with an object of `kind` in them for which `holds` is true.
fn namespaces_with<'a>(subjects: &'a [Subject], kind: &str, holds: impl Fn(&Value) -> bool) -> BTreeSet<&'a str> {
    subjects.iter().filter(|s| s.kind == kind && holds(&s.value)).map(|s| s.namespace.as_str()).collect()
}

/// A NetworkPolicy selecting every pod of its namespace and allowing nothing.
pub fn is_default_deny(policy: &Value) -> bool {
    let empty_selector = policy.pointer("/spec/podSelector").and_then(Value::as_object).is_some_and(|m| m.is_empty());
    let types = policy.pointer("/spec/policyTypes").and_then(Value::as_array);
    let denies = |kind: &str, rules: &str| {
        types.is_some_and(|t| t.iter().any(|v| v.as_str() == Some(kind)))
            && policy.pointer(&format!("/spec/{rules}")).and_then(Value::as_array).is_none_or(Vec::is_empty)
    };
    empty_selector && denies("Ingress", "ingress") && denies("Egress", "egress")
}

fn default_deny(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let denied = namespaces_with(subjects, "NetworkPolicy", is_default_deny);
    indexed(subjects)
        .filter(|(_, s)| s.kind == "Namespace" && !denied.contains(s.name.as_str()))
        .map(|(i, _)| Hit::new(i, "no default-deny NetworkPolicy (ingress and egress) in this namespace"))
        .collect()
}

fn is_strict_namespace_wide(peer: &Value) -> bool {
    peer.pointer("/spec/selector").is_none()
        && peer.pointer("/spec/mtls/mode").and_then(Value::as_str) == Some("STRICT")
}

fn strict_mtls(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let strict = namespaces_with(subjects, "PeerAuthentication", is_strict_namespace_wide);
    let in_mesh = |s: &Subject| {
        s.label("istio-injection") == Some("enabled") || s.label("istio.io/dataplane-mode") == Some("ambient")
    };
    indexed(subjects)
        .filter(|(_, s)| s.kind == "Namespace" && in_mesh(s) && !strict.contains(s.name.as_str()))
        .map(|(i, _)| Hit::new(i, "mesh namespace without a namespace-wide PeerAuthentication in STRICT mode"))
        .collect()
}

fn argocd_sync(subjects: &[Subject], context: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (index, subject) in indexed(subjects).filter(|(_, s)| s.kind == "Application") {
        let manual = subject.env().is_some_and(|env| context.manual_sync.contains(&env));
        for field in ["prune", "selfHeal"] {
            let pointer = format!("/spec/syncPolicy/automated/{field}");
            if subject.value.pointer(&pointer) != Some(&Value::Bool(true)) {
                let message = format!("spec.syncPolicy.automated.{field} is not true");
                hits.push(Hit { subject: index, message, warning_only: manual });
            }
        }
    }
    hits
}

/// Kinds the cluster rules read whole: small objects that relate others to each other.
const WHOLE_KINDS: [&str; 8] = [
    "Namespace",
    "NetworkPolicy",
    "PeerAuthentication",
    "PodDisruptionBudget",
    "Gateway",
    "HTTPRoute",
    "GRPCRoute",
    "WasmPlugin",
];

/// The fields of a pod-bearing object the cluster rules read: identity, replicas and
/// the labels its pods carry.
const WORKLOAD_FIELDS: [&str; 7] = [
    "/apiVersion",
    "/kind",
    "/metadata",
    "/spec/replicas",
    "/spec/selector",
    "/spec/template/metadata",
    "/spec/jobTemplate/spec/template/metadata",
];

/// What the cluster rules need of `subject`, `None` when they never read its kind.
/// Rendering keeps only this of each object until every object is known, instead of
/// every whole object (tests hold the reduced and the whole objects to the same report).
/// Kept objects are freed by another thread than the one that built them, which costs
/// per allocation, so they keep as few values as the rules need.
pub fn reduced(mut subject: Subject) -> Option<Subject> {
    if WHOLE_KINDS.contains(&subject.kind.as_str()) {
        trim_metadata(&mut subject.value);
        if subject.kind == "NetworkPolicy" {
            stub_rules(&mut subject.value);
        }
        return Some(subject);
    }
    if !super::k8s_rules::is_pod_bearing(&subject.kind) {
        return None;
    }
    let mut kept = Value::Object(serde_json::Map::new());
    for pointer in WORKLOAD_FIELDS {
        if let Some(field) = subject.value.pointer_mut(pointer) {
            put(&mut kept, pointer, field.take());
        }
    }
    trim_metadata(&mut kept);
    subject.value = kept;
    Some(subject)
}

/// Keeps the name, namespace and labels of an object's metadata, and of its annotations
/// only the policy's own exemptions.
fn trim_metadata(value: &mut Value) {
    let Some(Value::Object(metadata)) = value.get_mut("metadata") else { return };
    metadata.retain(|key, _| matches!(key.as_str(), "name" | "namespace" | "labels" | "annotations"));
    if let Some(Value::Object(annotations)) = metadata.get_mut("annotations") {
        annotations.retain(|key, _| key.starts_with("keiko.io/exempt-"));
    }
}

/// The cluster rules read only whether a NetworkPolicy has ingress or egress rules
/// (default-deny has none), so a non-empty list is kept as one empty rule.
fn stub_rules(policy: &mut Value) {
    for direction in ["ingress", "egress"] {
        if let Some(Value::Array(rules)) = policy.pointer_mut(&format!("/spec/{direction}"))
            && !rules.is_empty()
        {
            *rules = vec![Value::Object(serde_json::Map::new())];
        }
    }
}

/// Sets the field at a JSON `pointer` (of plain keys) in `root`, creating objects on the way.
fn put(root: &mut Value, pointer: &str, field: Value) {
    let mut at = root;
    let mut keys = pointer.split('/').skip(1).peekable();
    while let Some(key) = keys.next() {
        let Value::Object(map) = at else { return };
        if keys.peek().is_none() {
            map.insert(key.to_owned(), field);
            return;
        }
        at = map.entry(key.to_owned()).or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
}
