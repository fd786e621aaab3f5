//! Every connection the platform needs gets through the NetworkPolicies, and nothing else
//! does, decided per environment by `keiko_policy::reachability` (Kubernetes' own rules)
//! over the rendered objects:
//!
//! - what must get through: every flow of the platform model (service to service, the
//!   gateway to its routes, Prometheus to every metrics port, istiod to the JWKS), each
//!   platform pod's DNS, telemetry and mesh control plane, each service to its own
//!   database pool and the backup pods to every pool and to Object Storage (with
//!   `tests/data/terraform-facts.json` standing for the imported Terraform facts, ADR 0017),
//!   and the telemetry pipeline (agent, gateway collector, Elasticsearch, Jaeger, Kibana);
//! - what must not: any other connection between the pods, on any port a pod declares,
//!   that one of our policies decides (two chart pods in namespaces we leave unisolated are
//!   the charts' business);
//! - every egress rule we render is needed: removing any one breaks a connection above,
//!   named with its path;
//! - every flow into a pod with a sidecar is admitted by the mesh too: its port's
//!   PeerAuthentication takes the caller's plain text or mTLS, and an ALLOW
//!   AuthorizationPolicy rule matches the caller's principal and the port.
//!
//! Pods the charts deploy are stand-ins with the labels their charts give them (listed in
//! [`chart_pods`] with where each label comes from). An address outside the cluster stands
//! for each external endpoint: one inside the environment's private subnet for the
//! database (it gets its address there by DHCP), a public one for Object Storage, whose
//! address the policies cannot know and open as "any public address".

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "support/facts.rs"]
mod facts_support;

use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_model::connections::Peer;
use keiko_policy::reachability::{Destination, Pod, Policies, Side};
use keiko_spec::Env;
use keiko_spec::addon::Chart;
use keiko_spec::facts::{self, AllFacts};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// A public address standing for Object Storage's endpoint and the WAF module's registry
/// (TEST-NET-3, RFC 5737).
const PUBLIC: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 10);

fn platform(spec: &str) -> Platform {
    facts_support::applied(keiko_spec::load("spec", spec).unwrap_or_else(|e| panic!("{e}")))
}

fn with_facts(spec: keiko_spec::Spec, imported: facts::TerraformFacts) -> Platform {
    let all: AllFacts = Env::ALL.iter().map(|env| (*env, imported.clone())).collect();
    Platform::new(spec).with_terraform_facts(all)
}

/// One connection the platform needs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Need {
    from: String,
    to: Target,
    port: u16,
    protocol: &'static str,
    why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    Pod(String),
    Address(Ipv4Addr),
}

/// The pods of the rendered objects, by `namespace/name`.
fn rendered_pods(objects: &[Value]) -> BTreeMap<String, Pod> {
    let mut pods = BTreeMap::new();
    for object in objects {
        let kind = object["kind"].as_str().unwrap_or_default();
        let template = match kind {
            "Deployment" | "StatefulSet" | "DaemonSet" | "Rollout" | "Job" => &object["spec"]["template"],
            "CronJob" => &object["spec"]["jobTemplate"]["spec"]["template"],
            _ => continue,
        };
        let namespace = object["metadata"]["namespace"].as_str().unwrap_or_default().to_owned();
        let name = format!("{namespace}/{}", object["metadata"]["name"].as_str().unwrap_or_default());
        let containers = template["spec"]["containers"].as_array().cloned().unwrap_or_default();
        let ports = containers
            .iter()
            .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
            .map(|p| {
                let number = u16::try_from(p["containerPort"].as_u64().unwrap()).unwrap();
                let name = p["name"].as_str().unwrap_or_default().to_owned();
                (name, number, p["protocol"].as_str().unwrap_or("TCP").to_owned())
            })
            .collect();
        let labels = template["metadata"]["labels"].clone();
        pods.insert(name.clone(), Pod { namespace, name: format!("{kind} {name}"), labels, ports });
    }
    pods
}

fn stand_in(namespace: &str, name: &str, labels: Value, ports: &[(u16, &str)]) -> (String, Pod) {
    let ports = ports.iter().map(|(n, p)| (String::new(), *n, (*p).to_owned())).collect();
    (
        format!("{namespace}/{name}"),
        Pod { namespace: namespace.into(), name: format!("chart pod {namespace}/{name}"), labels, ports },
    )
}

/// The pods the add-on charts and operators run, with the labels they give them:
/// - kube-dns: the cluster DNS of OVHcloud MKS carries `k8s-app: kube-dns`, as upstream CoreDNS's deployment does;
/// - istiod: `app: istiod` (istio-discovery templates/deployment.yaml, 1.30.3), xDS on 15012;
/// - Prometheus: prometheus-operator labels its pods `app.kubernetes.io/name: prometheus`;
/// - the gateway's pods: Istio's automated deployment labels them
///   `gateway.networking.k8s.io/gateway-name: <Gateway>`;
/// - Elasticsearch and Kibana: ECK's `elasticsearch.k8s.elastic.co/cluster-name` and
///   `kibana.k8s.elastic.co/name`, HTTP on 9200 and 5601; the operator's pods carry the
///   chart's selector labels (eck-operator 3.1.0 `_helpers.tpl`: `app.kubernetes.io/name` is
///   the chart name) and, as ECK's own policies at 3.1.0 show
///   (managed-ns-network-policy.yaml), it calls Elasticsearch on 9200 and never Kibana;
/// - cert-manager's HTTP-01 solver pods, which it starts in the gateway's namespace during a
///   challenge: labelled `acme.cert-manager.io/http01-solver: "true"`, listening on 8089;
/// - Fluent Bit: the chart's selector labels (fluent-bit 0.53.0 `_helpers.tpl`), a DaemonSet
///   that sends every node's logs to the agent over OTLP/HTTP (`argocd/charts/logs.rs`);
/// - Jaeger: the chart (3.4.1) labels `app.kubernetes.io/name: jaeger` and
///   `app.kubernetes.io/component: collector | query | es-index-cleaner` (collector-deploy.yaml,
///   query-deploy.yaml, es-index-cleaner-cronjob.yaml).
fn chart_pods(platform: &Platform) -> BTreeMap<String, Pod> {
    let namespace_of = |chart: Chart| platform.addon(chart).map(|a| a.namespace.clone()).unwrap_or_default();
    let observability = platform.observability().namespace.clone();
    let gateway = &platform.security().gateway;
    let logs = "keiko-logs";
    BTreeMap::from([
        stand_in("kube-system", "kube-dns", json!({"k8s-app": "kube-dns"}), &[(53, "UDP"), (53, "TCP")]),
        stand_in(&namespace_of(Chart::Istiod), "istiod", json!({"app": "istiod"}), &[(15012, "TCP")]),
        stand_in(
            &namespace_of(Chart::KubePrometheusStack),
            "prometheus",
            json!({"app.kubernetes.io/name": "prometheus"}),
            &[(9090, "TCP")],
        ),
        stand_in(
            &gateway.namespace,
            "gateway",
            json!({"gateway.networking.k8s.io/gateway-name": gateway.name}),
            &[(80, "TCP"), (443, "TCP")],
        ),
        stand_in(
            &observability,
            "elasticsearch",
            json!({"elasticsearch.k8s.elastic.co/cluster-name": logs}),
            &[(9200, "TCP")],
        ),
        stand_in(&observability, "kibana", json!({"kibana.k8s.elastic.co/name": logs}), &[(5601, "TCP")]),
        stand_in(
            &observability,
            "jaeger-collector",
            json!({"app.kubernetes.io/name": "jaeger", "app.kubernetes.io/component": "collector"}),
            &[(4317, "TCP"), (14269, "TCP")],
        ),
        stand_in(
            &observability,
            "jaeger-query",
            json!({"app.kubernetes.io/name": "jaeger", "app.kubernetes.io/component": "query"}),
            &[(16686, "TCP")],
        ),
        stand_in(
            &gateway.namespace,
            "acme-http01-solver",
            json!({"acme.cert-manager.io/http01-solver": "true"}),
            &[(8089, "TCP")],
        ),
        stand_in(
            &namespace_of(Chart::FluentBit),
            "fluent-bit",
            json!({"app.kubernetes.io/name": "fluent-bit", "app.kubernetes.io/instance": "fluent-bit"}),
            &[],
        ),
        stand_in(
            &observability,
            "jaeger-es-index-cleaner",
            json!({"app.kubernetes.io/name": "jaeger", "app.kubernetes.io/component": "es-index-cleaner"}),
            &[],
        ),
        stand_in(
            &namespace_of(Chart::EckOperator),
            "elastic-operator",
            json!({"app.kubernetes.io/name": "eck-operator", "app.kubernetes.io/instance": "eck-operator"}),
            &[],
        ),
    ])
}

/// The rendered pod that runs workload `name` in `namespace` (it carries its selector labels).
fn pod_of(pods: &BTreeMap<String, Pod>, namespace: &str, name: &str) -> String {
    let wanted = keiko_manifests::k8s::labels::selector(name);
    pods.iter()
        .find(|(_, p)| p.namespace == namespace && wanted.iter().all(|(k, v)| p.labels[k].as_str() == Some(v)))
        .map(|(key, _)| key.clone())
        .unwrap_or_else(|| panic!("no rendered pod runs {namespace}/{name}"))
}

/// Every connection the platform needs in `env`.
fn needs(platform: &Platform, env: Env, pods: &BTreeMap<String, Pod>) -> Vec<Need> {
    let mut needs = Vec::new();
    let mut need = |from: &str, to: Target, port: u16, protocol: &'static str, why: String| {
        needs.push(Need { from: from.to_owned(), to, port, protocol, why });
    };
    let istio = platform.addon(Chart::Istiod).map(|a| a.namespace.clone()).unwrap_or_default();
    let monitoring = platform.monitoring_namespace().unwrap_or_default().to_owned();
    let gateway = format!("{}/gateway", platform.security().gateway.namespace);
    for flow in platform.connections().all() {
        let from = match &flow.from {
            Peer::Workload(w) => pod_of(pods, &w.namespace, &w.name),
            Peer::Gateway => gateway.clone(),
            Peer::Prometheus => format!("{monitoring}/prometheus"),
            Peer::ControlPlane => format!("{istio}/istiod"),
        };
        let to = pod_of(pods, &flow.to.namespace, &flow.to.name);
        let port = u16::try_from(flow.port).unwrap();
        need(&from, Target::Pod(to), port, "TCP", format!("model flow {:?} -> {}", flow.from, flow.to.name));
    }
    let observability = platform.observability().namespace.clone();
    let agent = pod_of(pods, &observability, keiko_model::telemetry::AGENT);
    // Every service and store: DNS, telemetry to the node's agent, the mesh control plane.
    let platform_pods: Vec<String> = platform
        .services()
        .keys()
        .map(|name| pod_of(pods, &platform.settings().namespace, name))
        .chain(platform.stateful().iter().map(|(name, store)| pod_of(pods, &store.namespace, name)))
        .chain([gateway.clone()])
        .collect();
    for pod in &platform_pods {
        for port in [keiko_model::telemetry::OTLP_GRPC, keiko_model::telemetry::OTLP_HTTP] {
            need(pod, Target::Pod(agent.clone()), port, "TCP", "telemetry".into());
        }
        need(pod, Target::Pod(format!("{istio}/istiod")), 15012, "TCP", "mesh control plane".into());
    }
    // Databases, at an address of the private subnet (ADR 0018) on the imported ports.
    let subnet = &platform.environments().get(env).network.subnet;
    let (base, _) = subnet.split_once('/').unwrap();
    let database = Ipv4Addr::from(u32::from(base.parse::<Ipv4Addr>().unwrap()) + 10);
    let postgres = &platform.terraform_facts(env).unwrap().postgres;
    for (service, port) in &postgres.pool_ports {
        let pod = pod_of(pods, &platform.settings().namespace, service);
        need(&pod, Target::Address(database), *port, "TCP", format!("{service}'s database pool"));
    }
    let backups: Vec<String> = pods
        .iter()
        .filter(|(_, p)| p.labels["keiko.io/role"].as_str() == Some("backup"))
        .map(|(k, _)| k.clone())
        .collect();
    assert!(!backups.is_empty(), "{env}: no backup pods rendered");
    for pod in &backups {
        need(pod, Target::Address(PUBLIC), keiko_model::object_storage::HTTPS_PORT, "TCP", "Object Storage".into());
        for port in postgres.pool_ports.values().chain([&postgres.port]) {
            need(pod, Target::Address(database), *port, "TCP", "backup and restore".into());
        }
    }
    // The telemetry pipeline and who reads or manages Elasticsearch.
    let collector = pod_of(pods, &observability, "otel-gateway");
    let es = format!("{observability}/elasticsearch");
    need(&agent, Target::Pod(collector.clone()), keiko_model::telemetry::OTLP_GRPC, "TCP", "agent to gateway".into());
    need(&collector, Target::Pod(es.clone()), 9200, "TCP", "logs to Elasticsearch".into());
    need(&collector, Target::Pod(format!("{observability}/jaeger-collector")), 4317, "TCP", "traces to Jaeger".into());
    let eck = platform.addon(Chart::EckOperator).map(|a| format!("{}/elastic-operator", a.namespace)).unwrap();
    let readers = ["kibana", "jaeger-collector", "jaeger-query", "jaeger-es-index-cleaner", "log-retention"]
        .map(|name| format!("{observability}/{name}"));
    for reader in readers.iter().chain([&eck]) {
        need(reader, Target::Pod(es.clone()), 9200, "TCP", "reads or manages Elasticsearch".into());
    }
    need(&es, Target::Pod(es.clone()), 9300, "TCP", "Elasticsearch transport".into());
    let observability_pods = readers.iter().cloned().chain([agent.clone(), collector.clone(), es.clone()]);
    let dns_users: Vec<String> =
        platform_pods.iter().cloned().chain(backups.iter().cloned()).chain(observability_pods).collect();
    for pod in &dns_users {
        for protocol in ["UDP", "TCP"] {
            need(pod, Target::Pod("kube-system/kube-dns".into()), 53, protocol, "DNS".into());
        }
    }
    let waf = &platform.security().waf.image;
    let port = keiko_model::registries::port(waf);
    need(
        &gateway,
        Target::Address(PUBLIC),
        port,
        "TCP",
        format!("the WAF module from {}", keiko_model::registries::host(waf)),
    );
    let solver = format!("{}/acme-http01-solver", platform.security().gateway.namespace);
    need(&gateway, Target::Pod(solver), 8089, "TCP", "ACME HTTP-01 challenges".into());
    let fluent_bit = platform.addon(Chart::FluentBit).map(|a| format!("{}/fluent-bit", a.namespace)).unwrap();
    need(&fluent_bit, Target::Pod(agent.clone()), keiko_model::telemetry::OTLP_HTTP, "TCP", "node logs".into());
    let prometheus = format!("{monitoring}/prometheus");
    need(&prometheus, Target::Pod(collector.clone()), 8889, "TCP", "Prometheus scrapes the gateway collector".into());
    need(
        &prometheus,
        Target::Pod(format!("{observability}/jaeger-collector")),
        14269,
        "TCP",
        "Prometheus scrapes Jaeger".into(),
    );
    needs.sort();
    needs.dedup_by(|a, b| a.from == b.from && a.to == b.to && a.port == b.port && a.protocol == b.protocol);
    needs
}

fn destination<'a>(pods: &'a BTreeMap<String, Pod>, target: &Target) -> Destination<'a> {
    match target {
        Target::Pod(key) => Destination::Pod(pods.get(key).unwrap_or_else(|| panic!("no pod {key}"))),
        Target::Address(address) => Destination::Address(*address),
    }
}

/// The blocked needs of `objects`, each with its path.
fn blocked(objects: &[Value], pods: &BTreeMap<String, Pod>, needs: &[Need]) -> Vec<String> {
    let policies = Policies::new(objects);
    needs
        .iter()
        .filter_map(|need| {
            let to = destination(pods, &need.to);
            let from = pods.get(&need.from).unwrap_or_else(|| panic!("no pod {}", need.from));
            let verdict = policies.decide(from, to, need.port, need.protocol);
            (!verdict.allowed()).then(|| {
                format!("{} -> {to} {}/{} ({}): {verdict}", pods[&need.from].name, need.port, need.protocol, need.why)
            })
        })
        .collect()
}

struct Cluster {
    objects: Vec<Value>,
    pods: BTreeMap<String, Pod>,
    needs: Vec<Need>,
}

fn cluster(platform: &Platform, env: Env) -> Cluster {
    let objects: Vec<Value> =
        components(platform, env).unwrap().into_iter().flat_map(|c| c.objects).map(|o| o.value).collect();
    let mut pods = rendered_pods(&objects);
    pods.extend(chart_pods(platform));
    let needs = needs(platform, env, &pods);
    Cluster { objects, pods, needs }
}

fn keiko() -> Platform {
    platform(include_str!("../keiko.yaml"))
}

/// Every blocked need of `platform` in every environment.
fn all_blocked(platform: &Platform) -> Vec<String> {
    let mut problems = Vec::new();
    for env in Env::ALL {
        let cluster = cluster(platform, env);
        problems.extend(
            blocked(&cluster.objects, &cluster.pods, &cluster.needs).into_iter().map(|p| format!("{env}: {p}")),
        );
    }
    problems
}

#[test]
fn every_connection_the_platform_needs_gets_through() {
    let platform = keiko();
    for env in Env::ALL {
        let cluster = cluster(&platform, env);
        assert!(cluster.needs.len() > 100, "{env}: only {} connections", cluster.needs.len());
        let problems = blocked(&cluster.objects, &cluster.pods, &cluster.needs);
        assert!(problems.is_empty(), "{env}: blocked connections:\n{}", problems.join("\n"));
    }
}

#[test]
fn nothing_else_gets_through_between_the_pods() {
    let platform = keiko();
    for env in Env::ALL {
        let cluster = cluster(&platform, env);
        let policies = Policies::new(&cluster.objects);
        let needed: BTreeSet<(&str, &str, u16, &str)> = cluster
            .needs
            .iter()
            .filter_map(|n| match &n.to {
                Target::Pod(to) => Some((n.from.as_str(), to.as_str(), n.port, n.protocol)),
                Target::Address(_) => None,
            })
            .collect();
        let mut extra = Vec::new();
        for (from_key, from) in &cluster.pods {
            for (to_key, to) in &cluster.pods {
                for (_, port, protocol) in &to.ports {
                    let verdict = policies.decide(from, Destination::Pod(to), *port, protocol);
                    // Both ends outside every policy we render: the charts' own business.
                    let ours = verdict.egress != Side::Open || verdict.ingress != Side::Open;
                    if ours
                        && verdict.allowed()
                        && !needed.contains(&(from_key.as_str(), to_key.as_str(), *port, protocol.as_str()))
                    {
                        extra.push(format!("{} -> {} {port}/{protocol}: {verdict}", from.name, to.name));
                    }
                }
            }
        }
        assert!(extra.is_empty(), "{env}: allowed but needed by nothing:\n{}", extra.join("\n"));
    }
}

#[test]
fn a_synthetic_fleet_of_100_services_gets_every_connection_through() {
    let spec = keiko_spec::synthetic::spec(100).unwrap();
    // Facts shaped as Terraform would print them for this fleet: one pool port each.
    let databases = spec.services().iter().filter(|(_, s)| s.database.is_some()).map(|(n, _)| n.clone());
    let pool_ports = databases.zip(20_200..).collect();
    let postgres =
        facts::PostgresFacts { host: "postgresql-synthetic.database.cloud.ovh.net".into(), port: 20_184, pool_ports };
    let secret_manager = facts::SecretManagerFacts { okms_id: "00000000-0000-4000-8000-000000000001".into() };
    let platform = with_facts(spec, facts::TerraformFacts { postgres, secret_manager });
    assert_eq!(platform.services().len(), 100);
    let problems = all_blocked(&platform);
    assert!(problems.is_empty(), "blocked connections:\n{}", problems.join("\n"));
    let cluster = cluster(&platform, Env::Production);
    let (problems, decided) = mesh_problems(&platform, &cluster.objects, &cluster.pods);
    assert!(
        decided > 100 && problems.is_empty(),
        "{decided} flows decided by the mesh; refused:\n{}",
        problems.join("\n")
    );
}

/// Every egress rule we render is needed: with any one of them removed, some connection
/// the platform needs is blocked, and the failure names its path.
#[test]
fn removing_any_egress_rule_blocks_a_connection_the_platform_needs() {
    let platform = keiko();
    let env = Env::Production;
    let cluster = cluster(&platform, env);
    let mut unused = Vec::new();
    let mut checked = 0;
    for (index, object) in cluster.objects.iter().enumerate() {
        let rules = object["spec"]["egress"].as_array().map_or(0, Vec::len);
        if object["kind"] != "NetworkPolicy" {
            continue;
        }
        for rule in 0..rules {
            let mut objects = cluster.objects.clone();
            objects[index]["spec"]["egress"].as_array_mut().unwrap().remove(rule);
            let problems = blocked(&objects, &cluster.pods, &cluster.needs);
            let name = format!("{}/{}", object["metadata"]["namespace"], object["metadata"]["name"]).replace('"', "");
            match problems.first() {
                None => unused.push(format!("{name} egress rule {rule}")),
                Some(problem) => {
                    assert!(problem.contains("egress denied: no rule of"), "{name} rule {rule}: {problem}")
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} egress rules");
    assert!(unused.is_empty(), "egress rules no connection of the platform needs:\n{}", unused.join("\n"));
}

/// The defects this check was written for, planted back: a guessed database port, and a
/// gateway whose pods cannot export telemetry.
#[test]
fn the_defects_it_exists_for_are_caught_with_their_path() {
    let platform = keiko();
    let mut cluster = cluster(&platform, Env::Dev);
    let identity = cluster
        .objects
        .iter_mut()
        .find(|o| o["kind"] == "NetworkPolicy" && o["metadata"]["name"] == "identity-service")
        .unwrap();
    for rule in identity["spec"]["egress"].as_array_mut().unwrap() {
        if rule["to"][0]["ipBlock"].is_object() {
            rule["ports"] = json!([{"port": 5432, "protocol": "TCP"}]);
        }
    }
    let problems = blocked(&cluster.objects, &cluster.pods, &cluster.needs);
    assert!(
        problems.iter().any(|p| p.contains("identity-service -> 10.10.0.10 20186/TCP") && p.contains("egress denied")),
        "{problems:?}"
    );
    let agent = cluster
        .objects
        .iter_mut()
        .find(|o| o["kind"] == "NetworkPolicy" && o["metadata"]["name"] == "otel-agent")
        .unwrap();
    let senders = agent["spec"]["ingress"][0]["from"].as_array_mut().unwrap();
    senders.retain(|peer| peer["podSelector"]["matchLabels"]["gateway.networking.k8s.io/gateway-name"].is_null());
    let problems = blocked(&cluster.objects, &cluster.pods, &cluster.needs);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("keiko-gateway/gateway -> DaemonSet keiko-observability/otel-agent 4317/TCP")
                && p.contains("ingress denied")),
        "{problems:?}"
    );
}

/// What nca (np-guard's network-config-analyzer) allows between two pods: every
/// connection, or (protocol, first port, last port) ranges.
#[derive(Debug, Default)]
struct NcaConnections {
    all: bool,
    ranges: Vec<(String, u16, u16)>,
}

impl NcaConnections {
    fn allows(&self, port: u16, protocol: &str) -> bool {
        self.all || self.ranges.iter().any(|(p, lo, hi)| p == protocol && (*lo..=*hi).contains(&port))
    }
}

/// Reads one `txt_no_fw_rules` connection: `All connections` or
/// `{protocols:TCP, UDP,dst_ports:53,8080,9000-9005}` (no `dst_ports`: every port).
fn read_nca_connection(text: &str, into: &mut NcaConnections) {
    if text.trim() == "All connections" {
        into.all = true;
        return;
    }
    let body = text.trim().trim_start_matches('{').trim_end_matches('}');
    let (protocols, ports) = body.split_once(",dst_ports:").unwrap_or((body, "1-65535"));
    let protocols = protocols.trim_start_matches("protocols:");
    // nca 2.1.0 joins protocols with ", " and ports with ",".
    for protocol in protocols.split(',').map(str::trim) {
        for part in ports.split(',').map(str::trim) {
            let (lo, hi) = part.split_once('-').unwrap_or((part, part));
            into.ranges.push((protocol.to_owned(), lo.parse().unwrap(), hi.parse().unwrap()));
        }
    }
}

fn nca_available() -> bool {
    std::process::Command::new("nca").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// The rendered policies and namespaces and one Pod per pod, as nca reads a cluster.
fn nca_input(cluster: &Cluster) -> String {
    let mut docs: Vec<Value> =
        cluster.objects.iter().filter(|o| o["kind"] == "NetworkPolicy" || o["kind"] == "Namespace").cloned().collect();
    let rendered: BTreeSet<String> = docs
        .iter()
        .filter(|o| o["kind"] == "Namespace")
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    let namespaces: BTreeSet<&str> = cluster.pods.values().map(|p| p.namespace.as_str()).collect();
    for namespace in namespaces.into_iter().filter(|n| !rendered.contains(*n)) {
        docs.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}));
    }
    for (key, pod) in &cluster.pods {
        let ports: Vec<Value> = pod
            .ports
            .iter()
            .map(|(name, number, protocol)| {
                let mut port = json!({"containerPort": number, "protocol": protocol});
                if !name.is_empty() {
                    port["name"] = Value::from(name.as_str());
                }
                port
            })
            .collect();
        let name = key.split_once('/').unwrap().1;
        docs.push(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": pod.namespace, "labels": pod.labels},
            "spec": {"containers": [{"name": "main", "image": "stand-in", "ports": ports}]},
        }));
    }
    docs.iter().map(|d| serde_json::to_string(d).unwrap()).collect::<Vec<_>>().join("\n---\n")
}

/// nca's verdict and ours agree on every pod pair and every port the destination declares.
#[test]
fn an_independent_analyzer_computes_the_same_connections() {
    if !nca_available() {
        return common::skipped_without("nca");
    }
    let platform = keiko();
    for env in Env::ALL {
        let cluster = cluster(&platform, env);
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("cluster.yaml");
        std::fs::write(&input, nca_input(&cluster)).unwrap();
        let file = input.to_str().unwrap();
        let output = std::process::Command::new("nca")
            .args(["--connectivity", file, "--pod_list", file, "--ns_list", file, "--output_format", "txt_no_fw_rules"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "nca failed:\n{text}{}", String::from_utf8_lossy(&output.stderr));
        let mut theirs: BTreeMap<(String, String), NcaConnections> = BTreeMap::new();
        for line in text.lines() {
            let Some((pair, connection)) = line.split_once(" : ") else { continue };
            let Some((from, to)) = pair.split_once(" => ") else { continue };
            let (Some(from), Some(to)) = (from.strip_suffix("[Pod]"), to.strip_suffix("[Pod]")) else { continue };
            read_nca_connection(connection, theirs.entry((from.to_owned(), to.to_owned())).or_default());
        }
        assert!(theirs.len() > 50, "{env}: nca listed only {} pod pairs:\n{text}", theirs.len());
        let policies = Policies::new(&cluster.objects);
        let mut disagreements = Vec::new();
        for (from_key, from) in &cluster.pods {
            for (to_key, to) in cluster.pods.iter().filter(|(k, _)| *k != from_key) {
                for (_, port, protocol) in &to.ports {
                    let ours = policies.decide(from, Destination::Pod(to), *port, protocol);
                    let nca =
                        theirs.get(&(from_key.clone(), to_key.clone())).is_some_and(|c| c.allows(*port, protocol));
                    if ours.allowed() != nca {
                        disagreements
                            .push(format!("{from_key} -> {to_key} {port}/{protocol}: ours {ours}; nca allows: {nca}"));
                    }
                }
            }
        }
        assert!(
            disagreements.is_empty(),
            "{env}: nca and keiko_policy::reachability disagree:\n{}",
            disagreements.join("\n")
        );
    }
}

/// The picture of each environment (`generated/connections/<env>.md`) draws every flow of
/// the model and each database connection with the port the policies open.
#[test]
fn the_connection_map_draws_every_flow_and_database_port() {
    let platform = keiko();
    for env in Env::ALL {
        let map = keiko_manifests::connection_map::render(&platform, env);
        let id = |namespace: &str, name: &str| {
            format!("{namespace}_{name}")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
        };
        for flow in platform.connections().all() {
            let to = id(&flow.to.namespace, &flow.to.name);
            let from = match &flow.from {
                Peer::Workload(w) => id(&w.namespace, &w.name),
                Peer::Gateway => "gateway".to_owned(),
                Peer::ControlPlane => "istiod".to_owned(),
                Peer::Prometheus => continue,
            };
            assert!(
                map.contains(&format!("{from} -- \"")) && map.contains(&format!(":{}\" --> {to}", flow.port)),
                "{env}: {flow:?}\n{map}"
            );
        }
        let port = platform.terraform_facts(env).unwrap().postgres.pool_ports["identity-service"];
        assert!(map.contains(&format!("keiko_identity_service -- \"pool :{port}\" --> postgresql")), "{env}\n{map}");
    }
    let pending = keiko_manifests::connection_map::render(
        &Platform::new(keiko_spec::load("k", include_str!("../keiko.yaml")).unwrap()),
        Env::Dev,
    );
    assert!(pending.contains("-- \"closed until facts/dev.json\" --> postgresql"), "{pending}");
}

/// The mesh identity a pod presents: `cluster.local/ns/<namespace>/sa/<account>` when it
/// runs a sidecar (its namespace has `istio-injection: enabled` and the pod does not opt
/// out) or is the gateway's Istio proxy; `None` for plain text (Prometheus, istiod).
fn identities(platform: &Platform, objects: &[Value]) -> BTreeMap<String, Option<String>> {
    let injected: BTreeSet<&str> = objects
        .iter()
        .filter(|o| o["kind"] == "Namespace" && o["metadata"]["labels"]["istio-injection"] == "enabled")
        .filter_map(|o| o["metadata"]["name"].as_str())
        .collect();
    let mut out = BTreeMap::new();
    for object in objects {
        let kind = object["kind"].as_str().unwrap_or_default();
        let template = match kind {
            "Deployment" | "StatefulSet" | "DaemonSet" | "Rollout" | "Job" => &object["spec"]["template"],
            "CronJob" => &object["spec"]["jobTemplate"]["spec"]["template"],
            _ => continue,
        };
        let namespace = object["metadata"]["namespace"].as_str().unwrap_or_default();
        let key = format!("{namespace}/{}", object["metadata"]["name"].as_str().unwrap_or_default());
        let opted_out = template["metadata"]["annotations"]["sidecar.istio.io/inject"] == "false";
        let account = template["spec"]["serviceAccountName"].as_str().unwrap_or("default");
        let meshed = injected.contains(namespace) && !opted_out;
        out.insert(key, meshed.then(|| format!("cluster.local/ns/{namespace}/sa/{account}")));
    }
    let gateway = &platform.security().gateway;
    // Istio's automated Gateway deployment runs as `<Gateway>-istio`.
    out.insert(
        format!("{}/gateway", gateway.namespace),
        Some(format!("cluster.local/ns/{}/sa/{}-istio", gateway.namespace, gateway.name)),
    );
    out
}

/// Whether the objects of `namespace` of `kind` with a selector matching `labels` (or none).
fn applying<'a>(objects: &'a [Value], kind: &str, namespace: &str, labels: &Value) -> Vec<&'a Value> {
    objects
        .iter()
        .filter(|o| o["kind"] == kind && o["metadata"]["namespace"] == namespace)
        .filter(|o| {
            let wanted = o["spec"]["selector"]["matchLabels"].as_object();
            wanted.is_none_or(|wanted| wanted.iter().all(|(k, v)| labels.get(k) == Some(v)))
        })
        .collect()
}

/// Why the mesh refuses `from` → `to` on `port`, if it does (Istio's rules: PeerAuthentication
/// decides whether plain text may reach the port; ALLOW AuthorizationPolicies that select the
/// pod must have a rule matching the source's principal and the port; a rule with
/// `requestPrincipals` needs the caller's JWT, which service-to-service HTTP calls forward).
fn mesh_refusal(objects: &[Value], to: &Pod, principal: Option<&str>, port: u16, http: bool) -> Option<String> {
    let policies = applying(objects, "PeerAuthentication", &to.namespace, &to.labels);
    let workload = policies.iter().find(|p| p["spec"]["selector"].is_object());
    let namespace_wide = policies.iter().find(|p| !p["spec"]["selector"].is_object());
    let mode = workload
        .and_then(|p| {
            p["spec"]["portLevelMtls"][port.to_string()]["mode"].as_str().or(p["spec"]["mtls"]["mode"].as_str())
        })
        .or_else(|| namespace_wide.and_then(|p| p["spec"]["mtls"]["mode"].as_str()))
        .unwrap_or("PERMISSIVE");
    if mode == "STRICT" && principal.is_none() {
        return Some(format!("plain text to {} port {port}, which PeerAuthentication makes STRICT", to.name));
    }
    let allow: Vec<&Value> = applying(objects, "AuthorizationPolicy", &to.namespace, &to.labels)
        .into_iter()
        .filter(|p| p["spec"]["action"].as_str().unwrap_or("ALLOW") == "ALLOW")
        .collect();
    if allow.is_empty() {
        return None;
    }
    let source_ok = |source: &Value| {
        let principals = source["principals"].as_array();
        let principals_ok =
            principals.is_none_or(|list| principal.is_some_and(|p| list.iter().any(|x| x == p || x == "*")));
        let token_ok = source["requestPrincipals"].as_array().is_none_or(|_| http);
        principals_ok && token_ok
    };
    let matched = allow.iter().flat_map(|p| p["spec"]["rules"].as_array().into_iter().flatten()).any(|rule| {
        let from_ok = rule["from"].as_array().is_none_or(|list| list.iter().any(|f| source_ok(&f["source"])));
        let to_ok = rule["to"].as_array().is_none_or(|list| {
            list.iter().any(|t| {
                t["operation"]["ports"].as_array().is_none_or(|ports| ports.iter().any(|p| p == &port.to_string()))
            })
        });
        from_ok && to_ok
    });
    let names: Vec<&str> = allow.iter().filter_map(|p| p["metadata"]["name"].as_str()).collect();
    (!matched).then(|| format!("no rule of ALLOW policies {names:?} admits {principal:?} on port {port}"))
}

/// The mesh problems of every model flow of `platform` into a pod with a sidecar, and how
/// many flows the mesh decided.
fn mesh_problems(platform: &Platform, objects: &[Value], pods: &BTreeMap<String, Pod>) -> (Vec<String>, usize) {
    let identities = identities(platform, objects);
    let gateway = format!("{}/gateway", platform.security().gateway.namespace);
    let monitoring = platform.monitoring_namespace().unwrap_or_default().to_owned();
    let istio = platform.addon(Chart::Istiod).map(|a| a.namespace.clone()).unwrap_or_default();
    let mut problems = Vec::new();
    let mut decided = 0;
    for flow in platform.connections().all() {
        let from = match &flow.from {
            Peer::Workload(w) => pod_of(pods, &w.namespace, &w.name),
            Peer::Gateway => gateway.clone(),
            Peer::Prometheus => format!("{monitoring}/prometheus"),
            Peer::ControlPlane => format!("{istio}/istiod"),
        };
        let to_key = pod_of(pods, &flow.to.namespace, &flow.to.name);
        if identities.get(&to_key).cloned().flatten().is_none() {
            continue; // no sidecar at the destination: the mesh does not decide
        }
        decided += 1;
        let principal = identities.get(&from).cloned().flatten();
        let port = u16::try_from(flow.port).unwrap();
        if let Some(why) = mesh_refusal(objects, &pods[&to_key], principal.as_deref(), port, flow.http) {
            problems.push(format!("{from} -> {to_key} {port}: {why}"));
        }
    }
    (problems, decided)
}

#[test]
fn every_flow_into_the_mesh_is_admitted_by_mtls_and_authorization() {
    let platform = keiko();
    for env in Env::ALL {
        let cluster = cluster(&platform, env);
        let (problems, decided) = mesh_problems(&platform, &cluster.objects, &cluster.pods);
        assert!(decided >= platform.connections().all().len() / 2, "{env}: the mesh decided only {decided} flows");
        assert!(problems.is_empty(), "{env}: refused by the mesh:\n{}", problems.join("\n"));
    }
    // Planted: a caller dropped from a callee's AuthorizationPolicy, and Prometheus's
    // metrics port left STRICT.
    let mut cluster = cluster(&platform, Env::Dev);
    let policy = cluster
        .objects
        .iter_mut()
        .find(|o| o["kind"] == "AuthorizationPolicy" && o["metadata"]["name"] == "learning-service")
        .unwrap();
    policy["spec"]["rules"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["from"][0]["source"]["principals"][0] != "cluster.local/ns/keiko/sa/passport-service");
    let (problems, _) = mesh_problems(&platform, &cluster.objects, &cluster.pods);
    assert!(problems.iter().any(|p| p.contains("passport-service -> keiko/learning-service 9090")), "{problems:?}");
    for object in
        cluster.objects.iter_mut().filter(|o| o["kind"] == "PeerAuthentication" && o["spec"]["selector"].is_object())
    {
        object["spec"]["portLevelMtls"] = json!({});
    }
    let (problems, _) = mesh_problems(&platform, &cluster.objects, &cluster.pods);
    assert!(problems.iter().any(|p| p.contains("monitoring/prometheus") && p.contains("STRICT")), "{problems:?}");
}
