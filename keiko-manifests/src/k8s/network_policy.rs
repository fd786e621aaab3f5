//! NetworkPolicies: every platform namespace denies all traffic by default, and each
//! workload is opened exactly to the flows of [`keiko_model::connections`], plus DNS, the mesh
//! control plane and its own database.

use super::labels;
use super::meta::object_meta;
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use keiko_model::Platform;
use keiko_model::connections::{self, Flow, Peer, Workload};
use keiko_model::databases::DatabaseEgress;
use keiko_spec::addon::Chart;
use std::collections::BTreeMap;

/// The label every namespace carries with its own name (set by the API server).
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";
/// The label Istio puts on the pods it deploys for a Gateway.
pub const GATEWAY_NAME_LABEL: &str = "gateway.networking.k8s.io/gateway-name";
/// The annotation that says why a workload's database egress is closed.
pub const DATABASE_EGRESS_ANNOTATION: &str = "keiko.io/database-egress";
/// istiod's xDS and certificate port that sidecars connect to.
const ISTIOD_PORT: i32 = 15012;

/// Denies all ingress and egress to every pod of `namespace` that no other policy opens.
pub fn default_deny(platform: &Platform, namespace: &str) -> NetworkPolicy {
    NetworkPolicy {
        metadata: object_meta("default-deny", namespace, labels::platform(platform, "default-deny")),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector::default()),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ..Default::default()
        }),
    }
}

/// The policy of one workload: ingress from its allowed peers, egress to its callees and,
/// when it has one, to its database ([`keiko_model::databases`]).
pub fn workload(
    platform: &Platform,
    target: &Workload,
    flows: &[Flow],
    database: Option<&DatabaseEgress>,
    labels: BTreeMap<String, String>,
) -> NetworkPolicy {
    let ingress = group_by_peer(connections::into(flows, target).map(|f| (f.from.clone(), f.port)))
        .into_iter()
        .map(|(peer, ports)| NetworkPolicyIngressRule {
            from: Some(vec![peer_selector(platform, &peer)]),
            ports: Some(tcp_ports(&ports)),
        })
        .collect();
    let mut egress: Vec<NetworkPolicyEgressRule> =
        group_by_peer(connections::out_of(flows, target).map(|f| (Peer::Workload(f.to.clone()), f.port)))
            .into_iter()
            .map(|(peer, ports)| NetworkPolicyEgressRule {
                to: Some(vec![peer_selector(platform, &peer)]),
                ports: Some(tcp_ports(&ports)),
            })
            .collect();
    egress.extend(platform_egress(platform));
    egress.extend(database.and_then(database_egress));
    let mut metadata = object_meta(&target.name, &target.namespace, labels);
    if let Some(note) = database.and_then(DatabaseEgress::pending_note) {
        metadata.annotations = Some(BTreeMap::from([(DATABASE_EGRESS_ANNOTATION.to_owned(), note)]));
    }
    NetworkPolicy {
        metadata,
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(labels::selector(&target.name)),
                ..Default::default()
            }),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ingress: Some(ingress),
            egress: Some(egress),
        }),
    }
}

fn group_by_peer(pairs: impl Iterator<Item = (Peer, u32)>) -> BTreeMap<Peer, Vec<u32>> {
    let mut grouped: BTreeMap<Peer, Vec<u32>> = BTreeMap::new();
    for (peer, port) in pairs {
        grouped.entry(peer).or_default().push(port);
    }
    grouped
}

/// The pods of a peer, by namespace and labels.
fn peer_selector(platform: &Platform, peer: &Peer) -> NetworkPolicyPeer {
    let (namespace, pods) = match peer {
        Peer::Workload(w) => (w.namespace.clone(), labels::selector(&w.name)),
        Peer::Gateway => {
            let gateway = &platform.security().gateway;
            (gateway.namespace.clone(), BTreeMap::from([(GATEWAY_NAME_LABEL.to_owned(), gateway.name.clone())]))
        }
        Peer::Prometheus => (
            platform.monitoring_namespace().unwrap_or_default().to_owned(),
            BTreeMap::from([("app.kubernetes.io/name".to_owned(), "prometheus".to_owned())]),
        ),
        // The istiod chart labels its pods `app: istiod` (istio-discovery
        // templates/deployment.yaml at 1.30.3).
        Peer::ControlPlane => (
            platform.addon(keiko_spec::addon::Chart::Istiod).map(|a| a.namespace.clone()).unwrap_or_default(),
            BTreeMap::from([("app".to_owned(), "istiod".to_owned())]),
        ),
    };
    pods_in(&namespace, pods)
}

/// The pods with labels `pods` in the namespace named `namespace`.
pub fn pods_in(namespace: &str, pods: BTreeMap<String, String>) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        namespace_selector: Some(LabelSelector {
            match_labels: Some(BTreeMap::from([(NAMESPACE_NAME_LABEL.to_owned(), namespace.to_owned())])),
            ..Default::default()
        }),
        pod_selector: Some(LabelSelector { match_labels: Some(pods), ..Default::default() }),
        ip_block: None,
    }
}

fn tcp_ports(ports: &[u32]) -> Vec<NetworkPolicyPort> {
    ports.iter().map(|p| port("TCP", keiko_model::platform::int32(*p))).collect()
}

/// One port of one protocol.
pub fn port(protocol: &str, number: i32) -> NetworkPolicyPort {
    NetworkPolicyPort { protocol: Some(protocol.to_owned()), port: Some(IntOrString::Int(number)), end_port: None }
}

/// Name resolution: the cluster DNS on port 53, UDP and TCP.
pub fn dns_egress() -> NetworkPolicyEgressRule {
    let dns = pods_in("kube-system", BTreeMap::from([("k8s-app".to_owned(), "kube-dns".to_owned())]));
    NetworkPolicyEgressRule { to: Some(vec![dns]), ports: Some(vec![port("UDP", 53), port("TCP", 53)]) }
}

/// DNS, the telemetry agent and the mesh control plane.
fn platform_egress(platform: &Platform) -> Vec<NetworkPolicyEgressRule> {
    let mut rules = vec![dns_egress()];
    let collector = pods_in(&platform.observability().namespace, labels::selector(keiko_model::telemetry::AGENT));
    let otlp = [keiko_model::telemetry::OTLP_GRPC, keiko_model::telemetry::OTLP_HTTP];
    rules.push(NetworkPolicyEgressRule {
        to: Some(vec![collector]),
        ports: Some(otlp.iter().map(|p| port("TCP", i32::from(*p))).collect()),
    });
    if let Some(istiod) = platform.addon(Chart::Istiod) {
        let control_plane = pods_in(&istiod.namespace, BTreeMap::from([("app".to_owned(), "istiod".to_owned())]));
        rules.push(NetworkPolicyEgressRule {
            to: Some(vec![control_plane]),
            ports: Some(vec![port("TCP", ISTIOD_PORT)]),
        });
    }
    rules
}

/// The rule that opens `database`, or none while its ports are unknown.
pub fn database_egress(database: &DatabaseEgress) -> Option<NetworkPolicyEgressRule> {
    let DatabaseEgress::Open { cidr, ports } = database else { return None };
    let to = NetworkPolicyPeer { ip_block: Some(IPBlock { cidr: cidr.clone(), except: None }), ..Default::default() };
    Some(NetworkPolicyEgressRule {
        to: Some(vec![to]),
        ports: Some(ports.iter().map(|p| port("TCP", i32::from(*p))).collect()),
    })
}

/// The gateway's pods: HTTP and HTTPS from anywhere, and out to the routed services.
pub fn gateway_pods(platform: &Platform, flows: &[Flow]) -> NetworkPolicy {
    let gateway = &platform.security().gateway;
    let anywhere = NetworkPolicyPeer {
        ip_block: Some(IPBlock { cidr: "0.0.0.0/0".to_owned(), except: None }),
        ..Default::default()
    };
    let routed =
        group_by_peer(flows.iter().filter(|f| f.from == Peer::Gateway).map(|f| (Peer::Workload(f.to.clone()), f.port)));
    let mut egress: Vec<NetworkPolicyEgressRule> = routed
        .into_iter()
        .map(|(peer, ports)| NetworkPolicyEgressRule {
            to: Some(vec![peer_selector(platform, &peer)]),
            ports: Some(tcp_ports(&ports)),
        })
        .collect();
    egress.push(NetworkPolicyEgressRule {
        to: Some(vec![acme_solver_pods(platform)]),
        ports: Some(vec![port("TCP", ACME_SOLVER_PORT)]),
    });
    // The WAF's Wasm module: the proxies' Istio agent pulls it from its registry, a public
    // host whose addresses a policy cannot name, so any public address on that one port.
    // Without it the module never loads and FAIL_CLOSE rejects every request.
    let waf = &platform.security().waf.image;
    let public = NetworkPolicyPeer {
        ip_block: Some(IPBlock {
            cidr: "0.0.0.0/0".to_owned(),
            except: Some(keiko_model::databases::PRIVATE_RANGES.map(str::to_owned).to_vec()),
        }),
        ..Default::default()
    };
    egress.push(NetworkPolicyEgressRule {
        to: Some(vec![public]),
        ports: Some(vec![port("TCP", i32::from(keiko_model::registries::port(waf)))]),
    });
    egress.extend(platform_egress(platform));
    NetworkPolicy {
        metadata: object_meta(&gateway.name, &gateway.namespace, labels::platform(platform, &gateway.name)),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(GATEWAY_NAME_LABEL.to_owned(), gateway.name.clone())])),
                ..Default::default()
            }),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ingress: Some(vec![NetworkPolicyIngressRule {
                from: Some(vec![anywhere]),
                ports: Some(vec![port("TCP", 80), port("TCP", 443)]),
            }]),
            egress: Some(egress),
        }),
    }
}

/// The port cert-manager's HTTP-01 solver pods answer challenges on.
const ACME_SOLVER_PORT: i32 = 8089;

fn acme_solver_pods(platform: &Platform) -> NetworkPolicyPeer {
    pods_in(
        &platform.security().gateway.namespace,
        BTreeMap::from([("acme.cert-manager.io/http01-solver".to_owned(), "true".to_owned())]),
    )
}

/// cert-manager's HTTP-01 solver pods accept challenge requests from the gateway only.
pub fn acme_solvers(platform: &Platform) -> NetworkPolicy {
    let gateway = &platform.security().gateway;
    let from_gateway =
        pods_in(&gateway.namespace, BTreeMap::from([(GATEWAY_NAME_LABEL.to_owned(), gateway.name.clone())]));
    NetworkPolicy {
        metadata: object_meta(
            "acme-http01-solvers",
            &gateway.namespace,
            labels::platform(platform, "acme-http01-solvers"),
        ),
        spec: Some(NetworkPolicySpec {
            pod_selector: acme_solver_pods(platform).pod_selector,
            policy_types: Some(vec!["Ingress".to_owned()]),
            ingress: Some(vec![NetworkPolicyIngressRule {
                from: Some(vec![from_gateway]),
                ports: Some(vec![port("TCP", ACME_SOLVER_PORT)]),
            }]),
            egress: None,
        }),
    }
}
