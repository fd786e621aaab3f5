//! Network policies of the observability namespace (outside the mesh): the collectors
//! accept telemetry from the platform's namespaces, Elasticsearch only from its writers
//! and readers.

use super::collector::{AGENT, GATEWAY, METRICS, OTLP_GRPC, OTLP_HTTP};
use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use crate::k8s::namespace;
use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use keiko_model::Platform;
use keiko_spec::addon::Chart;

/// The label ECK puts on an Elasticsearch cluster's pods.
const ES_CLUSTER_LABEL: &str = "elasticsearch.k8s.elastic.co/cluster-name";
/// The label ECK puts on Kibana's pods.
const KIBANA_LABEL: &str = "kibana.k8s.elastic.co/name";
/// The labels the jaeger chart (3.4.1) puts on its pods: `app.kubernetes.io/name` is the
/// chart's name, `app.kubernetes.io/component` the part (collector-deploy.yaml,
/// query-deploy.yaml, es-index-cleaner-cronjob.yaml).
const JAEGER_NAME: (&str, &str) = ("app.kubernetes.io/name", "jaeger");
/// The Jaeger parts and what each does: the collector receives OTLP from the gateway and
/// writes Elasticsearch; query and the index cleaner only reach Elasticsearch.
const JAEGER_PARTS: [&str; 3] = ["collector", "query", "es-index-cleaner"];
/// The Jaeger collector's admin port: health and metrics (collector-deploy.yaml).
const JAEGER_ADMIN: u16 = 14269;

fn selector(pairs: &[(&str, &str)]) -> LabelSelector {
    LabelSelector {
        match_labels: Some(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()),
        ..Default::default()
    }
}

fn peer(namespace: &str, pods: &[(&str, &str)]) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        namespace_selector: Some(selector(&[("kubernetes.io/metadata.name", namespace)])),
        pod_selector: Some(selector(pods)),
        ip_block: None,
    }
}

fn ports(numbers: &[u16]) -> Vec<NetworkPolicyPort> {
    numbers
        .iter()
        .map(|n| NetworkPolicyPort {
            protocol: Some("TCP".to_owned()),
            port: Some(IntOrString::Int(i32::from(*n))),
            end_port: None,
        })
        .collect()
}

fn policy(
    platform: &Platform,
    name: &str,
    pods: LabelSelector,
    ingress: Vec<NetworkPolicyIngressRule>,
    mut egress: Vec<NetworkPolicyEgressRule>,
) -> NetworkPolicy {
    egress.push(crate::k8s::network_policy::dns_egress());
    NetworkPolicy {
        metadata: object_meta(name, &platform.observability().namespace, labels::platform(platform, name)),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(pods),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ingress: Some(ingress),
            egress: Some(egress),
        }),
    }
}

/// Every policy of the observability namespace.
pub fn policies(platform: &Platform) -> Vec<NetworkPolicy> {
    let ns = platform.observability().namespace.as_str();
    let mut senders: Vec<NetworkPolicyPeer> =
        namespace::names(platform).iter().filter(|n| namespace::in_mesh(platform, n)).map(|n| peer(n, &[])).collect();
    let agent = peer(ns, &[("app.kubernetes.io/name", AGENT)]);
    let gateway = peer(ns, &[("app.kubernetes.io/name", GATEWAY)]);
    let es = peer(ns, &[(ES_CLUSTER_LABEL, super::logging::ELASTIC_NAME)]);
    let kibana = peer(ns, &[(KIBANA_LABEL, super::logging::ELASTIC_NAME)]);
    let operator = platform.addon(Chart::EckOperator).map(|a| peer(&a.namespace, &[]));
    // Fluent Bit forwards every node's container logs to the agent over OTLP/HTTP; its
    // pods carry the chart's name (fluent-bit 0.53.0 `_helpers.tpl`, selectorLabels).
    let log_forwarders: Vec<NetworkPolicyPeer> = platform
        .addons_of(Chart::FluentBit)
        .map(|a| peer(&a.namespace, &[("app.kubernetes.io/name", a.chart.as_str())]))
        .collect();
    // The gateway's proxies export their spans and metrics to the agent like every sidecar.
    let gateway_pods = &platform.security().gateway;
    senders.push(peer(
        &gateway_pods.namespace,
        &[(crate::k8s::network_policy::GATEWAY_NAME_LABEL, gateway_pods.name.as_str())],
    ));
    let prometheus = platform.monitoring_namespace().map(|m| peer(m, &[("app.kubernetes.io/name", "prometheus")]));
    let jaeger = platform.addon(Chart::Jaeger).map(|a| a.namespace.as_str());
    let jaeger_part = |part: &str| jaeger.map(|j| peer(j, &[JAEGER_NAME, ("app.kubernetes.io/component", part)]));
    let rule_in = |from: Vec<NetworkPolicyPeer>, numbers: &[u16]| NetworkPolicyIngressRule {
        from: Some(from),
        ports: Some(ports(numbers)),
    };
    let rule_out = |to: Vec<NetworkPolicyPeer>, numbers: &[u16]| NetworkPolicyEgressRule {
        to: Some(to),
        ports: Some(ports(numbers)),
    };
    let mut es_readers = vec![gateway.clone(), kibana.clone()];
    es_readers.extend(operator.clone());
    es_readers.push(peer(ns, &[("app.kubernetes.io/name", "log-retention")]));
    // Jaeger keeps its spans in the same Elasticsearch (its own daily indices).
    es_readers.extend(jaeger.map(|j| peer(j, &[JAEGER_NAME])));
    let mut policies = vec![
        policy(
            platform,
            AGENT,
            selector(&[("app.kubernetes.io/name", AGENT)]),
            [
                Some(rule_in(senders, &[OTLP_GRPC, OTLP_HTTP])),
                (!log_forwarders.is_empty()).then(|| rule_in(log_forwarders, &[OTLP_HTTP])),
            ]
            .into_iter()
            .flatten()
            .collect(),
            vec![rule_out(vec![gateway.clone()], &[OTLP_GRPC])],
        ),
        policy(
            platform,
            GATEWAY,
            selector(&[("app.kubernetes.io/name", GATEWAY)]),
            [
                Some(rule_in(vec![agent], &[OTLP_GRPC, OTLP_HTTP])),
                prometheus.clone().map(|p| rule_in(vec![p], &[METRICS])),
            ]
            .into_iter()
            .flatten()
            .collect(),
            [
                Some(rule_out(vec![es.clone()], &[9200])),
                jaeger_part("collector").map(|j| rule_out(vec![j], &[OTLP_GRPC])),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        policy(
            platform,
            "elasticsearch",
            selector(&[(ES_CLUSTER_LABEL, super::logging::ELASTIC_NAME)]),
            vec![rule_in(es_readers, &[9200]), rule_in(vec![es.clone()], &[9300])],
            vec![rule_out(vec![es.clone()], &[9300])],
        ),
        // Nothing calls Kibana: ECK's operator talks to Elasticsearch only (its own
        // policies at 3.1.0, managed-ns-network-policy.yaml, open Kibana to nobody outside
        // its namespace), and people reach it with `kubectl port-forward`.
        policy(
            platform,
            "kibana",
            selector(&[(KIBANA_LABEL, super::logging::ELASTIC_NAME)]),
            Vec::new(),
            vec![rule_out(vec![es.clone()], &[9200])],
        ),
        policy(
            platform,
            "log-retention",
            selector(&[("app.kubernetes.io/name", "log-retention")]),
            Vec::new(),
            vec![rule_out(vec![es.clone()], &[9200])],
        ),
    ];
    // Jaeger's pods, when Jaeger runs beside Elasticsearch (validation keeps it there).
    if jaeger == Some(ns) {
        for part in JAEGER_PARTS {
            let ingress = if part == "collector" {
                // OTLP from the gateway; Prometheus on the admin port, where the chart's
                // ServiceMonitor scrapes the span counts.
                let scrape = prometheus.clone().map(|p| rule_in(vec![p], &[JAEGER_ADMIN]));
                [Some(rule_in(vec![gateway.clone()], &[OTLP_GRPC, OTLP_HTTP])), scrape].into_iter().flatten().collect()
            } else {
                Vec::new()
            };
            policies.push(policy(
                platform,
                &format!("jaeger-{part}"),
                selector(&[JAEGER_NAME, ("app.kubernetes.io/component", part)]),
                ingress,
                vec![rule_out(vec![es.clone()], &[9200])],
            ));
        }
    }
    policies
}
