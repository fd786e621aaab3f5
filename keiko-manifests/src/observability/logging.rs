//! Logs: an Elasticsearch cluster and Kibana run by the ECK operator, and the retention
//! of the environment's log data stream, set by a Job after every sync.

use crate::crd::eck::{Elasticsearch, ElasticsearchRef, ElasticsearchSpec, Kibana, KibanaSpec, NodeSet};
use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use crate::k8s::{pod, security};
use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Container, PodSpec, PodTemplateSpec, ResourceRequirements, SecretVolumeSource, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use keiko_model::Platform;
use keiko_spec::Env;
use serde::Serialize;
use std::collections::BTreeMap;

/// The Elasticsearch cluster's name; ECK derives Service and Secret names from it.
pub const ELASTIC_NAME: &str = "keiko-logs";
/// The built-in superuser ECK creates.
pub const ELASTIC_USER: &str = "elastic";
/// The Secret ECK writes the superuser's password to.
pub const ELASTIC_PASSWORD_SECRET: &str = "keiko-logs-es-elastic-user";
/// Where the CA certificate is mounted.
pub const ELASTIC_CA_DIR: &str = "/etc/elastic-ca";
/// Where the superuser's password is mounted (file named after the user).
pub const ELASTIC_USER_DIR: &str = "/etc/elastic-user";
/// The Secret ECK writes the HTTP CA certificate to.
pub const ELASTIC_CA_SECRET: &str = "keiko-logs-es-http-certs-public";
/// The image that applies the retention settings, pinned.
const CURL_IMAGE: &str = "curlimages/curl:8.16.0";

/// The cluster's HTTPS endpoint.
pub fn elasticsearch_url(platform: &Platform) -> String {
    format!("https://{ELASTIC_NAME}-es-http.{}.svc:9200", platform.observability().namespace)
}

fn hardened_pod(uid: i64, container: Container) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: None,
        spec: Some(PodSpec {
            containers: vec![container],
            security_context: Some(security::pod_security(uid)),
            node_selector: Some(pod::applications_pool()),
            automount_service_account_token: Some(false),
            ..Default::default()
        }),
    }
}

fn resources(cpu: &str, memory: &str) -> ResourceRequirements {
    let amounts = crate::k8s::meta::quantities(cpu, memory);
    ResourceRequirements { requests: Some(amounts.clone()), limits: Some(amounts), ..Default::default() }
}

/// The Elasticsearch cluster, sized per environment.
pub fn elasticsearch(platform: &Platform, env: Env) -> Elasticsearch {
    let settings = platform.observability();
    let store = settings.elasticsearch.get(env);
    let container = Container {
        name: "elasticsearch".to_owned(),
        resources: Some(resources("1", "4Gi")),
        security_context: Some(security::container_security()),
        ..Default::default()
    };
    let claim = crate::k8s::meta::volume_claim("elasticsearch-data", &store.storage_class, &store.storage);
    Elasticsearch {
        metadata: object_meta(ELASTIC_NAME, &settings.namespace, labels::platform(platform, ELASTIC_NAME)),
        spec: ElasticsearchSpec {
            version: settings.elastic_version.clone(),
            node_sets: vec![NodeSet {
                name: "default".to_owned(),
                count: keiko_model::platform::int32(store.nodes),
                // No mmap: Elasticsearch then needs no host sysctl and no privileged init container.
                config: BTreeMap::from([("node.store.allow_mmap".to_owned(), serde_json::Value::Bool(false))]),
                pod_template: hardened_pod(1000, container),
                volume_claim_templates: vec![claim],
            }],
        },
    }
}

/// Kibana, reading the cluster.
pub fn kibana(platform: &Platform) -> Kibana {
    let container = Container {
        name: "kibana".to_owned(),
        resources: Some(resources("500m", "1Gi")),
        security_context: Some(security::container_security()),
        ..Default::default()
    };
    Kibana {
        metadata: object_meta(
            ELASTIC_NAME,
            &platform.observability().namespace,
            labels::platform(platform, ELASTIC_NAME),
        ),
        spec: KibanaSpec {
            version: platform.observability().elastic_version.clone(),
            count: 1,
            elasticsearch_ref: ElasticsearchRef { name: ELASTIC_NAME.to_owned() },
            pod_template: hardened_pod(1000, container),
        },
    }
}

/// An index template that gives the environment's log data streams their retention.
#[derive(Debug, Serialize)]
struct IndexTemplate {
    index_patterns: Vec<String>,
    data_stream: serde_json::Map<String, serde_json::Value>,
    priority: u32,
    template: TemplateBody,
}

#[derive(Debug, Serialize)]
struct TemplateBody {
    lifecycle: Lifecycle,
}

#[derive(Debug, Serialize)]
struct Lifecycle {
    data_retention: String,
}

/// After every sync, (re)applies the retention of `logs-keiko-<env>` through the
/// Elasticsearch API; idempotent, so running it again is harmless.
pub fn retention_job(platform: &Platform, env: Env) -> Job {
    let template = IndexTemplate {
        index_patterns: vec![format!("logs-keiko-{env}*")],
        data_stream: serde_json::Map::new(),
        priority: 500,
        template: TemplateBody {
            lifecycle: Lifecycle {
                data_retention: format!("{}d", platform.observability().log_retention_days.get(env)),
            },
        },
    };
    let body = serde_json::to_string(&template).unwrap_or_default();
    let url = format!("{}/_index_template/logs-keiko", elasticsearch_url(platform));
    // The password is read from the mounted Secret, never passed in the environment.
    let script = format!(
        "curl --fail-with-body --silent --show-error --cacert {ELASTIC_CA_DIR}/ca.crt --user \"{ELASTIC_USER}:$(cat {ELASTIC_USER_DIR}/{ELASTIC_USER})\" --request PUT --header 'Content-Type: application/json' --data '{body}' {url}"
    );
    let mount = |name: &str, path: &str| VolumeMount {
        name: name.to_owned(),
        mount_path: path.to_owned(),
        read_only: Some(true),
        ..Default::default()
    };
    let container = Container {
        name: "apply-retention".to_owned(),
        image: Some(CURL_IMAGE.to_owned()),
        command: Some(vec!["/bin/sh".to_owned(), "-c".to_owned()]),
        args: Some(vec![script]),
        resources: Some(resources("50m", "64Mi")),
        security_context: Some(security::container_security()),
        volume_mounts: Some(vec![mount("elastic-ca", ELASTIC_CA_DIR), mount("elastic-user", ELASTIC_USER_DIR)]),
        ..Default::default()
    };
    let mut pod = hardened_pod(security::SERVICE_UID, container);
    // The pod carries the Job's labels: its NetworkPolicy selects it by them.
    pod.metadata = Some(ObjectMeta { labels: Some(labels::platform(platform, "log-retention")), ..Default::default() });
    if let Some(spec) = pod.spec.as_mut() {
        spec.restart_policy = Some("OnFailure".to_owned());
        let secret = |volume: &str, name: &str| Volume {
            name: volume.to_owned(),
            secret: Some(SecretVolumeSource { secret_name: Some(name.to_owned()), ..Default::default() }),
            ..Default::default()
        };
        spec.volumes =
            Some(vec![secret("elastic-ca", ELASTIC_CA_SECRET), secret("elastic-user", ELASTIC_PASSWORD_SECRET)]);
    }
    let mut metadata =
        object_meta("log-retention", &platform.observability().namespace, labels::platform(platform, "log-retention"));
    metadata.annotations = Some(BTreeMap::from([
        ("argocd.argoproj.io/hook".to_owned(), "PostSync".to_owned()),
        ("argocd.argoproj.io/hook-delete-policy".to_owned(), "BeforeHookCreation".to_owned()),
    ]));
    Job { metadata, spec: Some(JobSpec { backoff_limit: Some(6), template: pod, ..Default::default() }), status: None }
}
