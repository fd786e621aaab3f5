//! Whether one connection gets through the NetworkPolicies of a cluster, decided the way
//! Kubernetes specifies it (kubernetes.io, "Network Policies"; the `networking.k8s.io/v1`
//! API reference), over the rendered objects as JSON, independent of the builders:
//!
//! - a pod is isolated for egress (ingress) when some policy of its namespace selects it
//!   with `Egress` (`Ingress`) among its `policyTypes`; `policyTypes` left out means
//!   `Ingress`, plus `Egress` when the policy has an `egress` section;
//! - an isolated pod's connection is allowed when some rule of one of those policies
//!   matches it: no `to`/`from` matches every peer, no `ports` every port; a peer with a
//!   `podSelector` alone means pods of the policy's namespace, a `namespaceSelector` alone
//!   every pod of the matching namespaces, both together the pods matching in those
//!   namespaces; an `ipBlock` matches addresses inside `cidr` and outside every `except`;
//! - a port matches on protocol (TCP when left out) and number, up to `endPort` when
//!   given; a named port matches the destination container port of that name;
//! - a connection needs both: the source's egress and the destination's ingress.
//!
//! Where Kubernetes leaves the choice to the network plugin, this module decides and says
//! so: `ipBlock` peers match addresses outside the cluster only (cluster pods are matched by
//! selectors), which is what the API reference recommends policies rely on.

use crate::selector::selects;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// A pod, as the policies see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pod {
    /// Its namespace.
    pub namespace: String,
    /// A name for messages (`Deployment keiko/identity-service`).
    pub name: String,
    /// Its labels.
    pub labels: Value,
    /// Its container ports: name (may be empty), number, protocol.
    pub ports: Vec<(String, u16, String)>,
}

/// Where a connection goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Destination<'a> {
    /// A pod of the cluster.
    Pod(&'a Pod),
    /// An address outside the cluster.
    Address(Ipv4Addr),
}

impl std::fmt::Display for Destination<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Pod(pod) => write!(f, "{}", pod.name),
            Destination::Address(address) => write!(f, "{address}"),
        }
    }
}

/// One side's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// No policy isolates the pod in this direction.
    Open,
    /// Rule `rule` (0-based) of policy `policy` allows it.
    AllowedBy {
        /// `namespace/name` of the policy.
        policy: String,
        /// The rule's index in `egress` or `ingress`.
        rule: usize,
    },
    /// The pod is isolated and no rule of these policies allows it.
    Denied {
        /// `namespace/name` of every policy that isolates the pod in this direction.
        isolating: Vec<String>,
    },
    /// Addresses outside the cluster have no policies.
    Outside,
}

impl Side {
    fn allows(&self) -> bool {
        !matches!(self, Side::Denied { .. })
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Side::Open => write!(f, "not isolated"),
            Side::AllowedBy { policy, rule } => write!(f, "allowed by {policy} rule {rule}"),
            Side::Denied { isolating } => write!(f, "denied: no rule of {} allows it", isolating.join(", ")),
            Side::Outside => write!(f, "outside the cluster"),
        }
    }
}

/// The decision on one connection, with the path it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The source's egress.
    pub egress: Side,
    /// The destination's ingress.
    pub ingress: Side,
}

impl Verdict {
    /// Whether the connection gets through.
    pub fn allowed(&self) -> bool {
        self.egress.allows() && self.ingress.allows()
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "egress {}; ingress {}", self.egress, self.ingress)
    }
}

/// The NetworkPolicies of a cluster and the labels of its namespaces.
pub struct Policies<'a> {
    by_namespace: BTreeMap<&'a str, Vec<&'a Value>>,
    namespaces: BTreeMap<String, Value>,
}

/// The label the API server sets on every namespace, with its name.
const NAMESPACE_NAME: &str = "kubernetes.io/metadata.name";

impl<'a> Policies<'a> {
    /// Reads every `NetworkPolicy` of `objects`, and the labels of every `Namespace` among
    /// them; a namespace that is not rendered carries only its name label.
    pub fn new(objects: &'a [Value]) -> Policies<'a> {
        let mut by_namespace: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
        let mut namespaces = BTreeMap::new();
        for object in objects {
            let namespace = object.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or_default();
            match object.get("kind").and_then(Value::as_str) {
                Some("NetworkPolicy") => by_namespace.entry(namespace).or_default().push(object),
                Some("Namespace") => {
                    let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
                    let mut labels =
                        object.pointer("/metadata/labels").and_then(Value::as_object).cloned().unwrap_or_default();
                    labels.insert(NAMESPACE_NAME.to_owned(), Value::from(name));
                    namespaces.insert(name.to_owned(), Value::Object(labels));
                }
                _ => {}
            }
        }
        Policies { by_namespace, namespaces }
    }

    fn namespace_labels(&self, namespace: &str) -> Value {
        self.namespaces
            .get(namespace)
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::from_iter([(NAMESPACE_NAME.to_owned(), Value::from(namespace))])))
    }

    /// The decision on a connection from `from` to `to` on `port`/`protocol`.
    pub fn decide(&self, from: &Pod, to: Destination<'_>, port: u16, protocol: &str) -> Verdict {
        let egress = self.side(
            from,
            "Egress",
            "egress",
            "to",
            |policy, peer| match to {
                Destination::Pod(pod) => self.peer_selects(policy, peer, pod),
                Destination::Address(address) => ip_block_holds(peer, address),
            },
            |rule_port| {
                port_matches(
                    rule_port,
                    port,
                    protocol,
                    match to {
                        Destination::Pod(pod) => Some(pod),
                        Destination::Address(_) => None,
                    },
                )
            },
        );
        let ingress = match to {
            Destination::Address(_) => Side::Outside,
            Destination::Pod(pod) => self.side(
                pod,
                "Ingress",
                "ingress",
                "from",
                |policy, peer| self.peer_selects(policy, peer, from),
                |rule_port| port_matches(rule_port, port, protocol, Some(pod)),
            ),
        };
        Verdict { egress, ingress }
    }

    /// One direction of `pod`: the policies isolating it and the first rule that matches.
    fn side(
        &self,
        pod: &Pod,
        policy_type: &str,
        section: &str,
        peers_key: &str,
        peer_matches: impl Fn(&Value, &Value) -> bool,
        port_ok: impl Fn(&Value) -> bool,
    ) -> Side {
        let mut isolating = Vec::new();
        for policy in self.by_namespace.get(pod.namespace.as_str()).into_iter().flatten() {
            let spec = &policy["spec"];
            if !selects(spec.get("podSelector"), Some(&pod.labels)) || !has_type(spec, policy_type, section) {
                continue;
            }
            let name = format!(
                "{}/{}",
                pod.namespace,
                policy.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default()
            );
            for (index, rule) in spec.get(section).and_then(Value::as_array).into_iter().flatten().enumerate() {
                let peers = rule.get(peers_key).and_then(Value::as_array);
                let peer_ok = peers.is_none_or(|list| list.is_empty() || list.iter().any(|p| peer_matches(policy, p)));
                let ports = rule.get("ports").and_then(Value::as_array);
                let ports_ok = ports.is_none_or(|list| list.is_empty() || list.iter().any(&port_ok));
                if peer_ok && ports_ok {
                    return Side::AllowedBy { policy: name, rule: index };
                }
            }
            isolating.push(name);
        }
        if isolating.is_empty() { Side::Open } else { Side::Denied { isolating } }
    }

    /// Whether `peer` of `policy` selects the pod `pod`.
    fn peer_selects(&self, policy: &Value, peer: &Value, pod: &Pod) -> bool {
        if peer.get("ipBlock").is_some() {
            return false;
        }
        let policy_namespace = policy.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or_default();
        let namespace_ok = match peer.get("namespaceSelector") {
            None => pod.namespace == policy_namespace,
            Some(selector) => selects(Some(selector), Some(&self.namespace_labels(&pod.namespace))),
        };
        let pod_ok = match peer.get("podSelector") {
            None => true,
            Some(selector) => selects(Some(selector), Some(&pod.labels)),
        };
        namespace_ok && pod_ok && (peer.get("namespaceSelector").is_some() || peer.get("podSelector").is_some())
    }
}

/// Whether the policy applies in `policy_type`'s direction.
fn has_type(spec: &Value, policy_type: &str, section: &str) -> bool {
    match spec.get("policyTypes").and_then(Value::as_array) {
        Some(types) => types.iter().any(|t| t.as_str() == Some(policy_type)),
        None => policy_type == "Ingress" || spec.get(section).is_some(),
    }
}

/// An IPv4 `cidr` as (first address, prefix).
fn cidr(text: &str) -> Option<(u32, u32)> {
    let (address, prefix) = text.split_once('/')?;
    let address: Ipv4Addr = address.parse().ok()?;
    let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
    Some((u32::from(address), prefix))
}

fn contains((first, prefix): (u32, u32), address: Ipv4Addr) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    first & mask == u32::from(address) & mask
}

fn ip_block_holds(peer: &Value, address: Ipv4Addr) -> bool {
    let Some(block) = peer.get("ipBlock") else { return false };
    let inside = block.get("cidr").and_then(Value::as_str).and_then(cidr).is_some_and(|c| contains(c, address));
    let excepted = block
        .get("except")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(cidr)
        .any(|c| contains(c, address));
    inside && !excepted
}

/// Whether a rule's port entry matches `port`/`protocol` on the destination `pod` (named
/// ports need a pod; an address has none).
fn port_matches(rule_port: &Value, port: u16, protocol: &str, pod: Option<&Pod>) -> bool {
    let rule_protocol = rule_port.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
    if rule_protocol != protocol {
        return false;
    }
    match rule_port.get("port") {
        None => true,
        Some(Value::Number(number)) => {
            let start = number.as_u64().unwrap_or(0);
            let end = rule_port.get("endPort").and_then(Value::as_u64).unwrap_or(start);
            (start..=end).contains(&u64::from(port))
        }
        Some(Value::String(name)) => {
            pod.is_some_and(|pod| pod.ports.iter().any(|(n, number, p)| n == name && *number == port && p == protocol))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(namespace: &str, app: &str) -> Pod {
        Pod {
            namespace: namespace.into(),
            name: format!("{namespace}/{app}"),
            labels: json!({"app": app}),
            ports: vec![("http".into(), 8080, "TCP".into())],
        }
    }

    fn policy(namespace: &str, name: &str, spec: Value) -> Value {
        json!({"kind": "NetworkPolicy", "metadata": {"namespace": namespace, "name": name}, "spec": spec})
    }

    #[test]
    fn default_deny_isolates_and_a_rule_opens_exactly_its_peer_and_port() {
        let objects = vec![
            policy("a", "deny", json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})),
            policy(
                "a",
                "web",
                json!({"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "b"}},
                                    "podSelector": {"matchLabels": {"app": "api"}}}],
                            "ports": [{"port": "http"}]}]}),
            ),
        ];
        let policies = Policies::new(&objects);
        let (web, api, other) = (pod("a", "web"), pod("b", "api"), pod("b", "other"));
        let allowed = policies.decide(&web, Destination::Pod(&api), 8080, "TCP");
        assert!(allowed.allowed(), "{allowed}");
        assert_eq!(allowed.egress, Side::AllowedBy { policy: "a/web".into(), rule: 0 });
        assert_eq!(allowed.ingress, Side::Open);
        assert!(!policies.decide(&web, Destination::Pod(&other), 8080, "TCP").allowed());
        assert!(!policies.decide(&web, Destination::Pod(&api), 8081, "TCP").allowed(), "the named port is 8080");
        assert!(!policies.decide(&web, Destination::Pod(&api), 8080, "UDP").allowed());
        let back = policies.decide(&api, Destination::Pod(&web), 8080, "TCP");
        assert!(!back.allowed() && back.to_string().contains("ingress denied: no rule of a/deny"), "{back}");
    }

    #[test]
    fn peers_without_a_namespace_selector_stay_in_the_policys_namespace() {
        let objects =
            vec![policy("b", "api", json!({"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}]}))];
        let policies = Policies::new(&objects);
        let api = pod("b", "api");
        assert!(policies.decide(&pod("b", "x"), Destination::Pod(&api), 8080, "TCP").allowed());
        assert!(!policies.decide(&pod("a", "x"), Destination::Pod(&api), 8080, "TCP").allowed());
    }

    #[test]
    fn ip_blocks_match_outside_addresses_inside_cidr_and_outside_except() {
        let objects = vec![policy(
            "a",
            "out",
            json!({"podSelector": {}, "egress": [
            {"to": [{"ipBlock": {"cidr": "10.10.0.0/24", "except": ["10.10.0.128/25"]}}], "ports": [{"port": 20000, "endPort": 20010}]}]}),
        )];
        let policies = Policies::new(&objects);
        let web = pod("a", "web");
        let at =
            |ip: &str, port| policies.decide(&web, Destination::Address(ip.parse().unwrap()), port, "TCP").allowed();
        assert!(at("10.10.0.5", 20005));
        assert!(!at("10.10.0.5", 20011), "past endPort");
        assert!(!at("10.10.0.200", 20005), "inside except");
        assert!(!at("10.10.1.5", 20005), "outside cidr");
        assert!(
            !policies.decide(&web, Destination::Pod(&pod("a", "db")), 20005, "TCP").allowed(),
            "ipBlock never selects pods"
        );
    }
}
