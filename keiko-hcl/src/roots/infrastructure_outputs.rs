//! The `outputs.tf` of an environment's infrastructure root: what the argocd root reads
//! from its state (`cluster_id`) and what an operator reads after the apply.

use crate::blocks::{output, sensitive_output};
use crate::expr::{object, reference};
use hcl::{Body, Expression};

/// The value of `platform_facts`, shaped exactly like `keiko_spec::facts::TerraformFacts`.
fn platform_facts() -> Expression {
    let postgres = |field: &str| reference("module", &["postgres", field]);
    object([
        (
            "postgres",
            object([("host", postgres("host")), ("port", postgres("port")), ("pool_ports", postgres("pool_ports"))]),
        ),
        ("secret_manager", object([("okms_id", reference("module", &["secrets", "okms_id"]))])),
    ])
}

/// The `outputs.tf` of an environment root.
pub fn outputs_tf() -> Body {
    let module = |name: &str, field: &str| reference("module", &[name, field]);
    Body::builder()
        .add_block(output(
            crate::roots::argocd::CLUSTER_ID_OUTPUT,
            "The Managed Kubernetes cluster ID: the argocd root looks the cluster up by it.",
            module("kubernetes", "id"),
        ))
        .add_block(output(
            "cluster_name",
            "The cluster name, as ArgoCD and kubeconfigs know it.",
            module("kubernetes", "name"),
        ))
        .add_block(sensitive_output(
            "kubeconfig",
            "The cluster's admin kubeconfig: terraform output -raw kubeconfig > ~/.kube/keiko-<env>.",
            module("kubernetes", "kubeconfig"),
        ))
        .add_block(output(
            keiko_spec::facts::OUTPUT,
            "What the manifests need from this apply: terraform output -json platform_facts > facts/<env>.json (ADR 0017).",
            platform_facts(),
        ))
        .add_block(output("postgres_host", "The PostgreSQL host.", module("postgres", "host")))
        .add_block(output(
            "postgres_owner_statements",
            "SQL for avnadmin to run once per new database.",
            module("postgres", "owner_statements"),
        ))
        .add_block(output("backup_bucket", "The bucket the backup jobs write to.", module("backups", "name")))
        .add_block(output("okms_id", "The KMS ID External Secrets reads from.", module("secrets", "okms_id")))
        .add_block(output(
            "secret_paths",
            "The Secret Manager path of each service's database secret.",
            module("secrets", "secret_paths"),
        ))
        .add_block(output(
            "velero_secret_path",
            "The Secret Manager path of Velero's Object Storage credentials.",
            module("secrets", "velero_secret_path"),
        ))
        .build()
}
