//! `connections/<env>.md`: the connection graph of one environment as a mermaid diagram,
//! drawn from the platform model (the flows NetworkPolicies and AuthorizationPolicies are
//! built from, the database ports of the Terraform facts, the public routes), so a reviewer
//! sees in the diff what a change opens. `tests/reachability.rs` proves the rendered
//! policies let exactly these connections through.

use keiko_model::Platform;
use keiko_model::connections::Peer;
use keiko_model::databases::{self, DatabaseEgress};
use keiko_spec::Env;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The file of `env`, relative to `generated/`.
pub fn path(env: Env) -> String {
    format!("connections/{}.md", env.name())
}

/// A node of the graph: an id mermaid accepts and the label shown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Node {
    id: String,
    label: String,
}

/// One directed connection.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: String,
    to: String,
    label: String,
}

/// A flowchart: nodes grouped in subgraphs (a namespace, or outside the cluster), edges.
#[derive(Debug, Default)]
struct Graph {
    groups: BTreeMap<String, Vec<Node>>,
    edges: Vec<Edge>,
}

impl Graph {
    fn node(&mut self, group: &str, id: &str, label: &str) -> String {
        let id = mermaid_id(id);
        let nodes = self.groups.entry(group.to_owned()).or_default();
        if !nodes.iter().any(|n| n.id == id) {
            nodes.push(Node { id: id.clone(), label: label.to_owned() });
        }
        id
    }

    fn edge(&mut self, from: String, to: String, label: String) {
        self.edges.push(Edge { from, to, label });
    }

    fn mermaid(&mut self) -> String {
        self.edges.sort();
        self.edges.dedup();
        let mut out = String::from("```mermaid\nflowchart LR\n");
        for (index, (group, nodes)) in self.groups.iter_mut().enumerate() {
            nodes.sort();
            let _ = writeln!(out, "  subgraph g{index}[\"{group}\"]");
            for node in nodes.iter() {
                let _ = writeln!(out, "    {}[\"{}\"]", node.id, node.label);
            }
            out.push_str("  end\n");
        }
        for edge in &self.edges {
            let _ = writeln!(out, "  {} -- \"{}\" --> {}", edge.from, edge.label, edge.to);
        }
        out.push_str("```\n");
        out
    }
}

/// Letters, digits and `_` only: mermaid ids may not hold `-` or `/`.
fn mermaid_id(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// The connection map of `env`.
pub fn render(platform: &Platform, env: Env) -> String {
    let mut graph = Graph::default();
    let outside = "outside the cluster";
    let gateway = &platform.security().gateway;
    let gateway_id = graph.node(&gateway.namespace, "gateway", &format!("Gateway {}", gateway.name));
    let internet = graph.node(outside, "internet", "clients");
    graph.edge(internet, gateway_id.clone(), "HTTPS 443".to_owned());
    let mut scraped = 0;
    for flow in platform.connections().all() {
        let to = graph.node(&flow.to.namespace, &format!("{}/{}", flow.to.namespace, flow.to.name), &flow.to.name);
        let from = match &flow.from {
            Peer::Workload(w) => graph.node(&w.namespace, &format!("{}/{}", w.namespace, w.name), &w.name),
            Peer::Gateway => gateway_id.clone(),
            Peer::ControlPlane => {
                let istiod = platform.addon(keiko_spec::addon::Chart::Istiod).map_or("istio-system", |a| &a.namespace);
                graph.node(istiod, "istiod", "istiod (fetches the JWKS)")
            }
            Peer::Prometheus => {
                scraped += 1;
                continue;
            }
        };
        let label = match &flow.from {
            Peer::Gateway => format!("route :{}", flow.port),
            _ => format!(":{}", flow.port),
        };
        graph.edge(from, to, label);
    }
    let database = graph.node(outside, "postgresql", "managed PostgreSQL (private subnet)");
    let namespace = platform.settings().namespace.clone();
    for (name, service) in platform.services() {
        if service.database.is_none() {
            continue;
        }
        let from = graph.node(&namespace, &format!("{namespace}/{name}"), name);
        let label = match databases::for_service(platform, env, name) {
            DatabaseEgress::Open { ports, .. } => {
                format!("pool :{}", ports.iter().map(u16::to_string).collect::<Vec<_>>().join(","))
            }
            DatabaseEgress::Pending { facts_file } => format!("closed until {facts_file}"),
        };
        graph.edge(from, database.clone(), label);
    }
    let backups = graph.node(&namespace, "backups", "backup jobs");
    graph.edge(backups.clone(), database, "pools and primary".to_owned());
    let storage = graph.node(outside, "object_storage", "Object Storage");
    graph.edge(backups, storage, format!("HTTPS {}", keiko_model::object_storage::HTTPS_PORT));
    let waf = &platform.security().waf.image;
    let registry = graph.node(outside, "waf_registry", &format!("{} (WAF module)", keiko_model::registries::host(waf)));
    graph.edge(gateway_id, registry, format!(":{}", keiko_model::registries::port(waf)));
    let mut out = format!(
        "<!-- {} -->\n# Connections of {env}\n\nEvery connection the platform opens in {env}, from the platform model. \
         Besides these, every pod reaches the cluster DNS, the node's telemetry agent and, in the mesh, \
         istiod; Prometheus scrapes the metrics port of {scraped} workloads.\n\n",
        keiko_model::generated::marker()
    );
    out.push_str(&graph.mermaid());
    out
}
