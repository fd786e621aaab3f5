//! Who may talk to whom: every allowed flow between the platform's workloads, derived
//! once from the spec when the [`crate::Platform`] is resolved. NetworkPolicies and
//! Istio AuthorizationPolicies are both built from this list, so the network layer and
//! the mesh layer cannot disagree.

use keiko_spec::Spec;
use keiko_spec::addon::Chart;
use keiko_spec::service::METRICS_PORT;
use std::collections::BTreeMap;

/// Where a flow starts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Peer {
    /// A workload of the platform (service or store).
    Workload(Workload),
    /// The public gateway's pods.
    Gateway,
    /// Prometheus, scraping metrics (outside the mesh).
    Prometheus,
    /// istiod, fetching the JWT signing keys (outside the mesh, without a token).
    ControlPlane,
}

/// A platform workload.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Workload {
    /// Its namespace.
    pub namespace: String,
    /// Its name (also its ServiceAccount's).
    pub name: String,
}

/// One allowed flow: a peer may open connections to a workload's port.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Flow {
    /// The caller.
    pub from: Peer,
    /// The callee.
    pub to: Workload,
    /// The callee's port number.
    pub port: u32,
    /// Whether the protocol carries HTTP, so a JWT can be required on it.
    pub http: bool,
}

/// The namespace Prometheus runs in (the kube-prometheus-stack add-on's).
fn monitoring_namespace(spec: &Spec) -> Option<&str> {
    spec.addons().values().find(|a| a.role() == Some(Chart::KubePrometheusStack)).map(|a| a.namespace.as_str())
}

/// Every allowed flow, sorted.
fn flows(spec: &Spec) -> Vec<Flow> {
    let mut flows = Vec::new();
    let services = |name: &str| Workload { namespace: spec.platform().namespace.clone(), name: name.to_owned() };
    for (name, service) in spec.services() {
        for call in &service.calls {
            if let Some(port) =
                spec.services().get(&call.service).and_then(|c| c.ports.iter().find(|p| p.name == call.port))
            {
                let http = port.protocol != keiko_spec::service::Protocol::Tcp;
                flows.push(Flow {
                    from: Peer::Workload(services(name)),
                    to: services(&call.service),
                    port: port.port,
                    http,
                });
            }
        }
        for route in &service.routes {
            if let Some(port) = service.ports.iter().find(|p| p.name == route.port) {
                flows.push(Flow { from: Peer::Gateway, to: services(name), port: port.port, http: true });
            }
        }
        scrape(spec, &mut flows, services(name), &service.ports);
    }
    // istiod validates tokens with the keys it fetches from `security.jwks`.
    let jwks = &spec.security().jwks;
    let istiod = spec.addons().values().any(|a| a.role() == Some(Chart::Istiod));
    let port = spec.services().get(&jwks.service).and_then(|s| s.ports.iter().find(|p| p.name == jwks.port));
    if let Some(port) = port.filter(|_| istiod) {
        flows.push(Flow { from: Peer::ControlPlane, to: services(&jwks.service), port: port.port, http: true });
    }
    for (name, store) in spec.stateful() {
        let target = Workload { namespace: store.namespace.clone(), name: name.clone() };
        for client in &store.clients {
            for port in store.ports.iter().filter(|p| p.name != METRICS_PORT) {
                flows.push(Flow {
                    from: Peer::Workload(services(client)),
                    to: target.clone(),
                    port: port.port,
                    http: false,
                });
            }
        }
        scrape(spec, &mut flows, target, &store.ports);
    }
    flows.sort();
    flows.dedup();
    flows
}

fn scrape(spec: &Spec, flows: &mut Vec<Flow>, target: Workload, ports: &[keiko_spec::service::Port]) {
    if monitoring_namespace(spec).is_none() {
        return;
    }
    if let Some(metrics) = ports.iter().find(|p| p.name == METRICS_PORT) {
        flows.push(Flow { from: Peer::Prometheus, to: target, port: metrics.port, http: true });
    }
}

/// Every flow of the platform, computed once per render and indexed by the workloads at
/// either end, so each workload's policies read only its own flows (linear in the fleet,
/// where recomputing [`flows`] for every workload was quadratic).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Connections {
    all: Vec<Flow>,
    touching: BTreeMap<Workload, Vec<Flow>>,
}

impl Connections {
    /// Computes and indexes every flow of `spec`.
    pub fn new(spec: &Spec) -> Connections {
        let all = flows(spec);
        let mut touching: BTreeMap<Workload, Vec<Flow>> = BTreeMap::new();
        for flow in &all {
            touching.entry(flow.to.clone()).or_default().push(flow.clone());
            if let Peer::Workload(from) = &flow.from
                && from != &flow.to
            {
                touching.entry(from.clone()).or_default().push(flow.clone());
            }
        }
        for list in touching.values_mut() {
            list.sort();
        }
        Connections { all, touching }
    }

    /// Every flow, sorted.
    pub fn all(&self) -> &[Flow] {
        &self.all
    }

    /// The flows into or out of `workload`, sorted: all that its policies need.
    pub fn touching(&self, workload: &Workload) -> &[Flow] {
        self.touching.get(workload).map_or(&[], Vec::as_slice)
    }
}

/// Flows into `target`.
pub fn into<'a>(flows: &'a [Flow], target: &'a Workload) -> impl Iterator<Item = &'a Flow> {
    flows.iter().filter(move |f| &f.to == target)
}

/// Flows out of `source`.
pub fn out_of<'a>(flows: &'a [Flow], source: &'a Workload) -> impl Iterator<Item = &'a Flow> {
    flows.iter().filter(move |f| matches!(&f.from, Peer::Workload(from) if from == source))
}
