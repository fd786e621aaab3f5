//! The Kubernetes, GitOps and Terraform layers agree where they meet: node-pool labels
//! and taints, cluster names, and the backup bucket.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hcl::{Block, Body, Expression, ObjectKey};
use keiko_manifests::components::components;
use keiko_manifests::k8s::pod::NODE_POOL_LABEL;
use keiko_model::Platform;
use keiko_spec::Env;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn platform() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", &std::fs::read_to_string(repo().join("keiko.yaml")).unwrap()).unwrap())
}

fn terraform(path: &str) -> Body {
    hcl::from_str(&std::fs::read_to_string(repo().join("generated/terraform").join(path)).unwrap()).unwrap()
}

fn block<'a>(body: &'a Body, kind: &str, labels: &[&str]) -> &'a Block {
    body.blocks()
        .find(|b| b.identifier() == kind && b.labels().iter().map(|l| l.as_str()).eq(labels.iter().copied()))
        .unwrap_or_else(|| panic!("no {kind} {labels:?}"))
}

fn attribute<'a>(body: &'a Body, key: &str) -> &'a Expression {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr()).unwrap_or_else(|| panic!("no attribute {key}"))
}

fn string(expr: &Expression) -> &str {
    match expr {
        Expression::String(s) => s,
        other => panic!("not a string: {other:?}"),
    }
}

/// The `template.metadata.labels` of a node pool.
fn pool_labels(pool: &str) -> Vec<(String, String)> {
    let module = terraform("modules/ovh-kubernetes/main.tf");
    let resource = block(&module, "resource", &["ovh_cloud_project_kube_nodepool", pool]);
    let metadata = block(block(resource.body(), "template", &[]).body(), "metadata", &[]);
    let Expression::Object(labels) = attribute(metadata.body(), "labels") else { panic!("labels is an object") };
    labels
        .iter()
        .map(|(k, v)| {
            let key = match k {
                ObjectKey::Expression(Expression::String(s)) => s.clone(),
                ObjectKey::Identifier(i) => i.to_string(),
                other => panic!("label key {other:?}"),
            };
            (key, string(v).to_owned())
        })
        .collect()
}

#[test]
fn every_workload_selects_a_node_pool_label_that_terraform_sets() {
    let applications = pool_labels("applications");
    assert!(applications.contains(&(NODE_POOL_LABEL.to_owned(), "applications".to_owned())));
    assert!(pool_labels("system").contains(&(NODE_POOL_LABEL.to_owned(), "system".to_owned())));
    for env in Env::ALL {
        for component in components(&platform(), env).unwrap() {
            for object in component.objects {
                let Some(selector) = object.value.pointer("/spec/template/spec/nodeSelector") else { continue };
                for (key, value) in selector.as_object().unwrap() {
                    let wanted = (key.clone(), value.as_str().unwrap().to_owned());
                    assert!(
                        applications.contains(&wanted),
                        "{env} {}: {wanted:?} is not an applications pool label",
                        object.id()
                    );
                }
            }
        }
    }
}

#[test]
fn addons_tolerate_exactly_the_taint_of_the_system_pool() {
    let module = terraform("modules/ovh-kubernetes/main.tf");
    let system = block(&module, "resource", &["ovh_cloud_project_kube_nodepool", "system"]);
    let spec_block = block(block(system.body(), "template", &[]).body(), "spec", &[]);
    let taints = format!("{:?}", attribute(spec_block.body(), "taints"));
    let toleration = &keiko_manifests::argocd::values::system_pool().tolerations[0];
    for part in [
        toleration.key.as_deref().unwrap(),
        toleration.value.as_deref().unwrap(),
        toleration.effect.as_deref().unwrap(),
    ] {
        assert!(taints.contains(part), "the system pool taint {taints} lacks {part}");
    }
}

#[test]
fn clusters_and_backup_buckets_are_named_alike_everywhere() {
    let platform = platform();
    for env in Env::ALL {
        let main = terraform(&format!("{}/main.tf", keiko_hcl::names::EnvRoot::Infrastructure.dir(env)));
        let cluster = block(&main, "module", &["kubernetes"]);
        assert_eq!(string(attribute(cluster.body(), "cluster_name")), platform.environments().get(env).cluster);
        let bucket = string(attribute(block(&main, "module", &["backups"]).body(), "name")).to_owned();
        assert_eq!(bucket, platform.backups().bucket(env));
        let velero =
            keiko_manifests::argocd::objects(&platform, env).unwrap().into_iter().find(|o| o.name == "velero").unwrap();
        let location =
            velero.value.pointer("/spec/source/helm/valuesObject/configuration/backupStorageLocation/0/bucket");
        assert_eq!(location, Some(&Value::from(bucket)), "{env}: Velero writes to the Terraform bucket");
        // Its S3 user may use that bucket only (the module's policy names `var.bucket`).
        let user = block(&main, "module", &["velero_storage"]);
        assert_eq!(attribute(user.body(), "bucket").to_string(), "module.backups.name", "{env}");
    }
    let module = terraform("modules/object-storage-user/main.tf");
    let policy = block(&module, "resource", &["ovh_cloud_project_user_s3_policy", "policy"]).body();
    let text = attribute(policy, "policy").to_string();
    assert!(text.contains("arn:aws:s3:::${var.bucket}/*") && !text.contains("arn:aws:s3:::*"), "{text}");
}
