//! Every S3 client we configure speaks the S3 that OVHcloud Object Storage accepts:
//! without the flexible checksums AWS SDKs send by default (keiko_model::object_storage).
//! The clients are found the way they appear in the output, not by name: every container
//! with an S3 endpoint, every Velero backup location, every Terraform `s3` backend, and
//! every workflow job that holds S3 credentials.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hcl::{Body, Expression};
use keiko_manifests::components::components;
use keiko_model::object_storage::{AWS_CHECKSUM_ENVIRONMENT, VELERO_CHECKSUM};
use keiko_model::{Files, Platform};
use keiko_spec::Env;
use serde_json::Value;

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

/// Whether `env` (name → value pairs) sets every checksum switch.
fn missing_switches(at: &str, env: &[(String, String)]) -> Vec<String> {
    AWS_CHECKSUM_ENVIRONMENT
        .iter()
        .filter(|(name, value)| !env.iter().any(|(n, v)| n == name && v == value))
        .map(|(name, value)| format!("{at}: an S3 client without {name}={value}"))
        .collect()
}

/// The containers of `spec` (a pod spec) that talk to S3 and lack a checksum switch.
fn container_problems(at: &str, spec: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for container in
        ["initContainers", "containers"].iter().flat_map(|k| spec[k].as_array().cloned().unwrap_or_default())
    {
        let env: Vec<(String, String)> = container["env"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| Some((e["name"].as_str()?.to_owned(), e["value"].as_str().unwrap_or_default().to_owned())))
            .collect();
        if env.iter().any(|(name, _)| name == "AWS_ENDPOINT_URL_S3" || name == "AWS_ENDPOINT_URL") {
            problems.extend(missing_switches(&format!("{at} container {}", container["name"]), &env));
        }
    }
    problems
}

/// The Velero backup locations of an Application's Helm values without the setting.
fn velero_problems(at: &str, application: &Value) -> Vec<String> {
    let Some(locations) = application
        .pointer("/spec/source/helm/valuesObject/configuration/backupStorageLocation")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let (key, value) = VELERO_CHECKSUM;
    locations
        .iter()
        .filter(|l| l.pointer(&format!("/config/{key}")).and_then(Value::as_str) != Some(value))
        .map(|l| format!("{at}: backup location {} without config.{key}: {value:?}", l["name"]))
        .collect()
}

/// The Terraform `s3` backends of `body` that still send checksums.
fn backend_problems(at: &str, body: &Body) -> Vec<String> {
    let mut problems = Vec::new();
    for terraform in body.blocks().filter(|b| b.identifier() == "terraform") {
        for backend in terraform.body().blocks().filter(|b| b.identifier() == "backend") {
            if backend.labels().first().is_some_and(|l| l.as_str() == "s3") {
                let skip = backend.body().attributes().find(|a| a.key() == "skip_s3_checksum").map(|a| a.expr());
                if skip != Some(&Expression::Bool(true)) {
                    problems.push(format!("{at}: backend \"s3\" without skip_s3_checksum = true"));
                }
            }
        }
    }
    problems
}

/// The jobs of a workflow that hold S3 credentials without the switches.
fn workflow_problems(at: &str, workflow: &Value) -> Vec<String> {
    let pairs = |env: &Value| -> Vec<(String, String)> {
        env.as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
            .collect()
    };
    let top = pairs(&workflow["env"]);
    let mut problems = Vec::new();
    for (name, job) in workflow["jobs"].as_object().into_iter().flatten() {
        let mut env = top.clone();
        env.extend(pairs(&job["env"]));
        for step in job["steps"].as_array().into_iter().flatten() {
            let mut env = env.clone();
            env.extend(pairs(&step["env"]));
            if env.iter().any(|(k, _)| k == "AWS_ACCESS_KEY_ID") {
                problems.extend(missing_switches(&format!("{at} job {name} step {}", step["name"]), &env));
            }
        }
    }
    problems
}

fn all_problems(platform: &Platform) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut clients = 0;
    for env in Env::ALL {
        for component in components(platform, env).unwrap() {
            for object in &component.objects {
                if let Some(spec) = keiko_policy::k8s_rules::pod_spec_of(&object.kind, &object.value) {
                    let at = format!("{env}: {} {}/{}", object.kind, object.namespace, object.name);
                    let text = spec.to_string();
                    clients += usize::from(text.contains("AWS_ENDPOINT_URL"));
                    problems.extend(container_problems(&at, spec));
                }
            }
        }
    }
    let mut files = Files::new();
    keiko_manifests::argocd::render(platform, &mut files).unwrap();
    keiko_manifests::github::render(platform, &mut files).unwrap();
    for (path, text) in files.iter() {
        let value: Value = serde_saphyr::from_str(text).unwrap();
        if value["kind"] == "Application" {
            clients += usize::from(value.to_string().contains("backupStorageLocation"));
            problems.extend(velero_problems(path, &value));
        } else if path.starts_with("github/") {
            clients += usize::from(text.contains("AWS_ACCESS_KEY_ID"));
            problems.extend(workflow_problems(path, &value));
        }
    }
    for (path, body) in keiko_hcl::bodies(platform).unwrap() {
        clients += usize::from(body.blocks().any(|b| b.identifier() == "terraform"));
        problems.extend(backend_problems(&path, &body));
    }
    (problems, clients)
}

#[test]
fn every_s3_client_sends_only_checksums_ovhcloud_accepts() {
    let (problems, clients) = all_problems(&keiko());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Backup and drill jobs in three environments, three Velero locations, the Terraform
    // roots and the Terraform pipelines at least.
    assert!(clients >= 12, "only {clients} S3 clients found: the search lost them");
}

#[test]
fn a_backup_job_without_the_switch_is_named() {
    let spec = serde_json::json!({"containers": [{"name": "upload", "env": [
        {"name": "AWS_ENDPOINT_URL_S3", "value": "https://s3.gra.io.cloud.ovh.net"},
        {"name": "AWS_REQUEST_CHECKSUM_CALCULATION", "value": "when_required"},
    ]}]});
    let problems = container_problems("planted", &spec);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].contains("AWS_RESPONSE_CHECKSUM_VALIDATION=when_required"), "{problems:#?}");
}

#[test]
fn a_velero_location_with_the_default_checksum_is_named() {
    let application = serde_json::json!({"spec": {"source": {"helm": {"valuesObject": {"configuration": {
        "backupStorageLocation": [{"name": "default", "config": {"region": "gra"}}]
    }}}}}});
    let problems = velero_problems("planted", &application);
    assert!(problems.iter().any(|p| p.contains("without config.checksumAlgorithm")), "{problems:#?}");
}

#[test]
fn a_backend_that_sends_checksums_is_named() {
    let body: Body = hcl::from_str("terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n  }\n}\n").unwrap();
    assert_eq!(backend_problems("planted", &body).len(), 1);
    let fixed: Body = hcl::from_str("terraform {\n  backend \"s3\" {\n    skip_s3_checksum = true\n  }\n}\n").unwrap();
    assert!(backend_problems("planted", &fixed).is_empty());
}

#[test]
fn a_pipeline_with_state_credentials_and_no_switch_is_named() {
    let workflow =
        serde_json::json!({"jobs": {"plan": {"env": {"AWS_ACCESS_KEY_ID": "x"}, "steps": [{"name": "init"}]}}});
    assert_eq!(workflow_problems("planted", &workflow).len(), 2);
}
