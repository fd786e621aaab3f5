//! Kubernetes label selectors (`matchLabels` and `matchExpressions`), and an index that
//! matches a fleet's pods against a fleet's selectors without comparing every pair.

use super::Subject;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Whether `selector` selects an object with `labels`: every `matchLabels` entry and
/// every `matchExpressions` requirement holds. An empty selector selects everything;
/// a missing (null) one selects nothing, as for a PodDisruptionBudget.
pub fn selects(selector: Option<&Value>, labels: Option<&Value>) -> bool {
    let Some(Value::Object(selector)) = selector else { return false };
    let empty = Map::new();
    let labels = labels.and_then(Value::as_object).unwrap_or(&empty);
    let wanted = selector.get("matchLabels").and_then(Value::as_object);
    let labels_hold = wanted.is_none_or(|wanted| wanted.iter().all(|(key, value)| labels.get(key) == Some(value)));
    let expressions = selector.get("matchExpressions").and_then(Value::as_array);
    labels_hold && expressions.is_none_or(|list| list.iter().all(|e| requirement_holds(e, labels)))
}

fn requirement_holds(requirement: &Value, labels: &Map<String, Value>) -> bool {
    let key = requirement.get("key").and_then(Value::as_str).unwrap_or_default();
    let values: Vec<&str> =
        requirement.get("values").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let label = labels.get(key).and_then(Value::as_str);
    match requirement.get("operator").and_then(Value::as_str) {
        Some("In") => label.is_some_and(|l| values.contains(&l)),
        Some("NotIn") => label.is_none_or(|l| !values.contains(&l)),
        Some("Exists") => label.is_some(),
        Some("DoesNotExist") => label.is_none(),
        _ => false,
    }
}

/// The selectors of every object of one kind, by namespace. Selectors with
/// `matchLabels` are indexed by their first label, so a fleet of workloads is matched
/// against a fleet of budgets or policies in near-linear time; the others are scanned.
pub struct SelectorIndex<'a> {
    by_label: BTreeMap<(&'a str, &'a str, &'a str), Vec<&'a Value>>,
    scanned: BTreeMap<&'a str, Vec<&'a Value>>,
}

impl<'a> SelectorIndex<'a> {
    /// The selectors at `pointer` of the objects of `kind` for which `keep` holds.
    pub fn new(subjects: &'a [Subject], kind: &str, pointer: &str, keep: impl Fn(&Value) -> bool) -> SelectorIndex<'a> {
        let mut index = SelectorIndex { by_label: BTreeMap::new(), scanned: BTreeMap::new() };
        for subject in subjects.iter().filter(|s| s.kind == kind && keep(&s.value)) {
            let Some(selector) = subject.value.pointer(pointer) else { continue };
            let first = selector.get("matchLabels").and_then(Value::as_object).and_then(|m| m.iter().next());
            match first {
                Some((key, Value::String(value))) => {
                    index.by_label.entry((subject.namespace.as_str(), key, value)).or_default().push(selector)
                }
                _ => index.scanned.entry(subject.namespace.as_str()).or_default().push(selector),
            }
        }
        index
    }

    /// Whether a selector in `namespace` selects an object with `labels`.
    pub fn any_selects(&self, namespace: &str, labels: Option<&Value>) -> bool {
        let indexed = labels.and_then(Value::as_object).into_iter().flatten().any(|(key, value)| {
            let candidates = value.as_str().and_then(|value| self.by_label.get(&(namespace, key.as_str(), value)));
            candidates.is_some_and(|selectors| selectors.iter().any(|s| selects(Some(s), labels)))
        });
        indexed || self.scanned.get(namespace).is_some_and(|list| list.iter().any(|s| selects(Some(s), labels)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_and_expressions_select_as_kubernetes_does() {
        let labels = json!({"app": "web", "tier": "front"});
        let cases = [
            (json!({}), true),
            (json!({"matchLabels": {"app": "web"}}), true),
            (json!({"matchLabels": {"app": "api"}}), false),
            (json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "x"]}]}), true),
            (json!({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}), false),
            (json!({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}), true),
            (json!({"matchExpressions": [{"key": "zone", "operator": "Exists"}]}), false),
            (json!({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "x", "operator": "Bogus"}]}), false),
        ];
        for (selector, expected) in cases {
            assert_eq!(selects(Some(&selector), Some(&labels)), expected, "{selector}");
        }
        assert!(!selects(None, Some(&labels)));
    }
}
