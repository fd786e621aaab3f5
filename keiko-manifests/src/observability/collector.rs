//! The OpenTelemetry Collector: an agent on every application node (reached through a
//! node-local Service, no host ports) that forwards to a gateway, which tail-samples
//! traces and exports traces to Jaeger, metrics to Prometheus and logs to Elasticsearch.

use super::collector_config::*;
use super::logging::{
    ELASTIC_CA_DIR, ELASTIC_CA_SECRET, ELASTIC_PASSWORD_SECRET, ELASTIC_USER, ELASTIC_USER_DIR, elasticsearch_url,
};
use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use crate::k8s::{pod, security};
use crate::output::RenderError;
use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetSpec, Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, Container, EnvVar, HTTPGetAction, PodSpec, PodTemplateSpec, Probe,
    ResourceRequirements, SecretVolumeSource, Service, ServicePort, ServiceSpec, Toleration, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::addon::Chart;
use std::collections::BTreeMap;

pub use keiko_model::telemetry::{AGENT, GATEWAY, METRICS, OTLP_GRPC, OTLP_HTTP, agent_endpoint};
/// The collector's health check port.
const HEALTH: u16 = 13133;
const CONFIG_PATH: &str = "/etc/otelcol";

fn listen(port: u16) -> Listen {
    Listen { endpoint: format!("0.0.0.0:{port}") }
}

fn common_processors(tail_sampling: Option<TailSampling>) -> Processors {
    Processors {
        memory_limiter: MemoryLimiter {
            check_interval: "1s".to_owned(),
            limit_percentage: 80,
            spike_limit_percentage: 25,
        },
        batch: Batch { timeout: "1s".to_owned(), send_batch_size: 1024 },
        tail_sampling,
    }
}

fn otlp_receivers() -> Receivers {
    Receivers { otlp: Otlp { protocols: OtlpProtocols { grpc: listen(OTLP_GRPC), http: listen(OTLP_HTTP) } } }
}

/// The health endpoint on every interface, at the port the probes use.
fn health_check() -> Extensions {
    Extensions { health_check: listen(HEALTH) }
}

fn pipeline(processors: &[&str], exporters: &[&str]) -> Pipeline {
    Pipeline {
        receivers: vec!["otlp".to_owned()],
        processors: processors.iter().map(|p| (*p).to_owned()).collect(),
        exporters: exporters.iter().map(|e| (*e).to_owned()).collect(),
    }
}

/// The agent: batches locally, sends traces by trace ID and everything else to the gateway.
pub fn agent_config(platform: &Platform) -> Config {
    let ns = &platform.observability().namespace;
    let plain = || Tls { insecure: true, ca_file: None };
    Config {
        receivers: otlp_receivers(),
        processors: common_processors(None),
        exporters: Exporters {
            loadbalancing: Some(LoadBalancing {
                routing_key: "traceID".to_owned(),
                protocol: LoadBalancingProtocol { otlp: OtlpTlsOnly { tls: plain() } },
                resolver: Resolver {
                    dns: DnsResolver {
                        hostname: format!("{GATEWAY}-headless.{ns}.svc.cluster.local"),
                        port: OTLP_GRPC.to_string(),
                    },
                },
            }),
            otlp_gateway: Some(OtlpExporter { endpoint: format!("{GATEWAY}.{ns}.svc:{OTLP_GRPC}"), tls: plain() }),
            otlp_jaeger: None,
            prometheus: None,
            elasticsearch: None,
        },
        extensions: health_check(),
        service: ServiceSection {
            extensions: vec!["health_check".to_owned()],
            pipelines: BTreeMap::from([
                ("traces".to_owned(), pipeline(&["memory_limiter", "batch"], &["loadbalancing"])),
                ("metrics".to_owned(), pipeline(&["memory_limiter", "batch"], &["otlp/gateway"])),
                ("logs".to_owned(), pipeline(&["memory_limiter", "batch"], &["otlp/gateway"])),
            ]),
        },
    }
}

/// Keeps every trace with an error or slower than the strictest latency objective, and
/// the environment's share of the rest.
fn tail_sampling(platform: &Platform, env: Env) -> TailSampling {
    let slowest_allowed = platform.services().values().map(|s| s.slo.latency_p95_ms).min().unwrap_or(100);
    let policy = |name: &str, kind: &str| SamplingPolicy {
        name: name.to_owned(),
        kind: kind.to_owned(),
        status_code: None,
        latency: None,
        probabilistic: None,
    };
    TailSampling {
        decision_wait: "10s".to_owned(),
        policies: vec![
            SamplingPolicy {
                status_code: Some(StatusCodes { status_codes: vec!["ERROR".to_owned()] }),
                ..policy("errors", "status_code")
            },
            SamplingPolicy { latency: Some(Latency { threshold_ms: slowest_allowed }), ..policy("slow", "latency") },
            SamplingPolicy {
                probabilistic: Some(Probabilistic {
                    sampling_percentage: *platform.observability().trace_sampling_percent.get(env),
                }),
                ..policy("sample", "probabilistic")
            },
        ],
    }
}

/// The gateway: tail sampling, then Jaeger, Prometheus and Elasticsearch.
pub fn gateway_config(platform: &Platform, env: Env) -> Config {
    let jaeger = platform.addon(Chart::Jaeger).map_or("observability", |a| a.namespace.as_str());
    Config {
        receivers: otlp_receivers(),
        processors: common_processors(Some(tail_sampling(platform, env))),
        exporters: Exporters {
            loadbalancing: None,
            otlp_gateway: None,
            otlp_jaeger: Some(OtlpExporter {
                endpoint: format!("jaeger-collector.{jaeger}.svc:{OTLP_GRPC}"),
                tls: Tls { insecure: true, ca_file: None },
            }),
            prometheus: Some(listen(METRICS)),
            elasticsearch: Some(Elasticsearch {
                endpoints: vec![elasticsearch_url(platform)],
                logs_index: format!("logs-keiko-{env}"),
                // The `file` config provider reads the password when the collector starts.
                authentication: ElasticsearchAuth {
                    user: ELASTIC_USER.to_owned(),
                    password: format!("${{file:{ELASTIC_USER_DIR}/{ELASTIC_USER}}}"),
                },
                tls: Tls { insecure: false, ca_file: Some(format!("{ELASTIC_CA_DIR}/ca.crt")) },
            }),
        },
        extensions: health_check(),
        service: ServiceSection {
            extensions: vec!["health_check".to_owned()],
            pipelines: BTreeMap::from([
                ("traces".to_owned(), pipeline(&["memory_limiter", "tail_sampling", "batch"], &["otlp/jaeger"])),
                ("metrics".to_owned(), pipeline(&["memory_limiter", "batch"], &["prometheus"])),
                ("logs".to_owned(), pipeline(&["memory_limiter", "batch"], &["elasticsearch"])),
            ]),
        },
    }
}

/// A configuration as the ConfigMap the collector reads.
pub fn config_map(platform: &Platform, name: &str, config: &Config) -> Result<ConfigMap, RenderError> {
    let text = serde_saphyr::to_string(config)
        .map_err(|e| RenderError::Serialize { path: name.to_owned(), reason: e.to_string() })?;
    Ok(ConfigMap {
        metadata: object_meta(name, &platform.observability().namespace, labels::platform(platform, name)),
        data: Some(BTreeMap::from([("config.yaml".to_owned(), text)])),
        ..Default::default()
    })
}

/// The collector container with its config, probes and hardened context.
fn container(platform: &Platform, name: &str, memory: &str, extra_env: Vec<EnvVar>) -> Container {
    let amounts = crate::k8s::meta::quantities;
    let probe = Probe {
        http_get: Some(HTTPGetAction {
            path: Some("/".to_owned()),
            port: IntOrString::Int(i32::from(HEALTH)),
            ..Default::default()
        }),
        period_seconds: Some(10),
        ..Default::default()
    };
    Container {
        name: name.to_owned(),
        image: Some(platform.observability().collector_image.clone()),
        image_pull_policy: Some("IfNotPresent".to_owned()),
        args: Some(vec![format!("--config={CONFIG_PATH}/config.yaml")]),
        ports: Some(
            [("otlp-grpc", OTLP_GRPC), ("otlp-http", OTLP_HTTP), ("metrics", METRICS), ("health", HEALTH)]
                .iter()
                .map(|(n, p)| pod::container_port(n, u32::from(*p)))
                .collect(),
        ),
        env: Some(extra_env),
        resources: Some(ResourceRequirements {
            requests: Some(amounts("100m", memory)),
            limits: Some(amounts("1", memory)),
            ..Default::default()
        }),
        liveness_probe: Some(probe.clone()),
        readiness_probe: Some(probe),
        security_context: Some(security::container_security()),
        volume_mounts: Some(vec![
            VolumeMount {
                name: "config".to_owned(),
                mount_path: CONFIG_PATH.to_owned(),
                read_only: Some(true),
                ..Default::default()
            },
            security::tmp_mount(),
        ]),
        ..Default::default()
    }
}

fn pod_template(platform: &Platform, name: &str, container: Container, mut volumes: Vec<Volume>) -> PodTemplateSpec {
    volumes.push(Volume {
        name: "config".to_owned(),
        config_map: Some(ConfigMapVolumeSource { name: name.to_owned(), ..Default::default() }),
        ..Default::default()
    });
    volumes.push(security::tmp_volume());
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels::platform(platform, name).into_iter().chain(labels::selector(name)).collect()),
            ..Default::default()
        }),
        spec: Some(PodSpec {
            automount_service_account_token: Some(false),
            containers: vec![container],
            volumes: Some(volumes),
            security_context: Some(security::pod_security(security::SERVICE_UID)),
            node_selector: Some(pod::applications_pool()),
            enable_service_links: Some(false),
            ..Default::default()
        }),
    }
}

/// The agent DaemonSet on every node.
pub fn agent(platform: &Platform) -> DaemonSet {
    let mut template = pod_template(platform, AGENT, container(platform, AGENT, "256Mi", Vec::new()), Vec::new());
    // Every node, system pool included: the node-local Service needs an agent wherever a
    // sender runs (Fluent Bit runs everywhere).
    if let Some(pod) = template.spec.as_mut() {
        pod.node_selector = None;
        pod.tolerations = Some(vec![Toleration { operator: Some("Exists".to_owned()), ..Default::default() }]);
    }
    DaemonSet {
        metadata: object_meta(AGENT, &platform.observability().namespace, labels::platform(platform, AGENT)),
        spec: Some(DaemonSetSpec {
            selector: LabelSelector { match_labels: Some(labels::selector(AGENT)), ..Default::default() },
            template,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The gateway Deployment, two replicas outside dev.
pub fn gateway(platform: &Platform, env: Env) -> Deployment {
    let mut collector = container(platform, GATEWAY, "1Gi", Vec::new());
    if let Some(mounts) = collector.volume_mounts.as_mut() {
        mounts.push(VolumeMount {
            name: "elastic-ca".to_owned(),
            mount_path: ELASTIC_CA_DIR.to_owned(),
            read_only: Some(true),
            ..Default::default()
        });
        mounts.push(VolumeMount {
            name: "elastic-user".to_owned(),
            mount_path: ELASTIC_USER_DIR.to_owned(),
            read_only: Some(true),
            ..Default::default()
        });
    }
    let secret = |volume: &str, name: &str| Volume {
        name: volume.to_owned(),
        secret: Some(SecretVolumeSource { secret_name: Some(name.to_owned()), ..Default::default() }),
        ..Default::default()
    };
    let ca = secret("elastic-ca", ELASTIC_CA_SECRET);
    let user = secret("elastic-user", ELASTIC_PASSWORD_SECRET);
    Deployment {
        metadata: object_meta(GATEWAY, &platform.observability().namespace, labels::platform(platform, GATEWAY)),
        spec: Some(DeploymentSpec {
            replicas: Some(if env == Env::Dev { 1 } else { 2 }),
            selector: LabelSelector { match_labels: Some(labels::selector(GATEWAY)), ..Default::default() },
            template: pod_template(platform, GATEWAY, collector, vec![ca, user]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The collectors' Services: the agent's is node-local, the gateway's has a headless
/// twin for trace-ID routing.
pub fn services(platform: &Platform) -> Vec<Service> {
    let ns = &platform.observability().namespace;
    let port = |name: &str, number: u16| ServicePort {
        name: Some(name.to_owned()),
        port: i32::from(number),
        target_port: Some(IntOrString::Int(i32::from(number))),
        protocol: Some("TCP".to_owned()),
        ..Default::default()
    };
    let otlp = vec![port("otlp-grpc", OTLP_GRPC), port("otlp-http", OTLP_HTTP)];
    let service = |name: &str, workload: &str, ports: Vec<ServicePort>, local: bool, headless: bool| Service {
        metadata: object_meta(
            name,
            ns,
            labels::platform(platform, name).into_iter().chain(labels::selector(workload)).collect(),
        ),
        spec: Some(ServiceSpec {
            selector: Some(labels::selector(workload)),
            ports: Some(ports),
            internal_traffic_policy: local.then(|| "Local".to_owned()),
            cluster_ip: headless.then(|| "None".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut gateway_ports = otlp.clone();
    gateway_ports.push(port("metrics", METRICS));
    vec![
        service(AGENT, AGENT, otlp.clone(), true, false),
        service(GATEWAY, GATEWAY, gateway_ports, false, false),
        service(&format!("{GATEWAY}-headless"), GATEWAY, otlp, false, true),
    ]
}
