//! The Terraform side agrees with keiko.yaml and with the providers' real schemas.

mod common;

use hcl::{Block, Body, Expression};
use keiko_manifests::{Env, Spec};
use std::collections::BTreeSet;

/// The block `kind "labels.."` at the top of `body`.
fn block<'a>(body: &'a Body, kind: &str, labels: &[&str]) -> &'a Block {
    body.blocks()
        .find(|b| b.identifier() == kind && b.labels().iter().map(|l| l.as_str()).eq(labels.iter().copied()))
        .unwrap_or_else(|| panic!("no {kind} {labels:?}"))
}

/// The expression of attribute `key` in `body`.
fn attr<'a>(body: &'a Body, key: &str) -> &'a Expression {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr()).unwrap_or_else(|| panic!("no attribute {key}"))
}

fn string(expr: &Expression) -> &str {
    match expr {
        Expression::String(s) => s,
        other => panic!("expected a string, got {other:?}"),
    }
}

fn number(expr: &Expression) -> u32 {
    match expr {
        Expression::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or_else(|| panic!("{n}")),
        other => panic!("expected a number, got {other:?}"),
    }
}

fn field<'a>(expr: &'a Expression, key: &str) -> &'a Expression {
    let Expression::Object(object) = expr else { panic!("expected an object, got {expr:?}") };
    object
        .iter()
        .find(|(k, _)| k.to_string().trim_matches('"') == key)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {key}"))
}

fn env_main(spec: &Spec, env: Env) -> Body {
    common::parsed(&common::render(spec), &format!("terraform/envs/{}/main.tf", env.name()))
}

#[test]
fn every_service_with_a_database_has_its_database_and_user_in_every_environment() {
    let spec = common::keiko();
    let files = common::render(&spec);
    let module = common::parsed(&files, "terraform/modules/ovh-postgres/main.tf");
    for kind in ["ovh_cloud_project_database_database", "ovh_cloud_project_database_postgresql_user"] {
        let resource = block(&module, "resource", &[kind, if kind.ends_with("user") { "user" } else { "database" }]);
        assert_eq!(attr(resource.body(), "for_each").to_string(), "var.databases");
    }
    for env in Env::ALL {
        let main = env_main(&spec, env);
        let locals = block(&main, "locals", &[]);
        let databases = attr(locals.body(), "databases");
        for (name, service) in spec.services() {
            let Some(database) = &service.database else { continue };
            assert_eq!(string(field(field(databases, name), "database")), database.name, "{env}: {name}");
        }
        let Expression::Object(object) = databases else { panic!("databases is not an object") };
        assert_eq!(object.len(), spec.services().values().filter(|s| s.database.is_some()).count());
        let postgres = block(&main, "module", &["postgres"]);
        assert_eq!(attr(postgres.body(), "databases").to_string(), "local.databases");
        let secrets = block(&main, "module", &["secrets"]);
        assert_eq!(attr(secrets.body(), "databases").to_string(), "local.databases");
    }
}

#[test]
fn state_buckets_are_the_specs_and_distinct_per_environment() {
    let spec = common::keiko();
    let files = common::render(&spec);
    let mut seen = BTreeSet::new();
    for (env, environment) in spec.environments().iter() {
        let versions = common::parsed(&files, &format!("terraform/envs/{}/versions.tf", env.name()));
        let backend = block(block(&versions, "terraform", &[]).body(), "backend", &["s3"]);
        let bucket = string(attr(backend.body(), "bucket"));
        assert_eq!(bucket, environment.state_bucket);
        assert_eq!(string(attr(backend.body(), "key")), format!("{}/terraform.tfstate", env.name()));
        assert!(matches!(attr(backend.body(), "use_lockfile"), Expression::Bool(true)));
        assert!(seen.insert(bucket.to_owned()), "{bucket} is shared");
    }
    assert_eq!(
        seen.iter().map(String::as_str).collect::<Vec<_>>(),
        ["keikolatam-terraform-state-dev", "keikolatam-terraform-state-prod", "keikolatam-terraform-state-staging"]
    );
}

#[test]
fn node_pools_take_their_flavors_and_counts_from_the_spec() {
    let spec = common::keiko();
    for (env, environment) in spec.environments().iter() {
        let main = env_main(&spec, env);
        let kubernetes = block(&main, "module", &["kubernetes"]);
        assert_eq!(string(attr(kubernetes.body(), "cluster_name")), environment.cluster);
        let pools = [
            ("system_pool", &environment.node_pools.system),
            ("applications_pool", &environment.node_pools.applications),
        ];
        for (name, pool) in pools {
            let given = attr(kubernetes.body(), name);
            assert_eq!(string(field(given, "flavor")), pool.flavor, "{env} {name}");
            assert_eq!(number(field(given, "desired_nodes")), pool.desired_nodes, "{env} {name}");
            assert_eq!(number(field(given, "min_nodes")), pool.min_nodes, "{env} {name}");
            assert_eq!(number(field(given, "max_nodes")), pool.max_nodes, "{env} {name}");
        }
    }
}

#[test]
fn only_the_system_pool_is_tainted_and_both_are_labelled() {
    let files = common::render(&common::keiko());
    let module = common::parsed(&files, "terraform/modules/ovh-kubernetes/main.tf");
    for (pool, tainted) in [("system", true), ("applications", false)] {
        let resource = block(&module, "resource", &["ovh_cloud_project_kube_nodepool", pool]);
        assert!(matches!(attr(resource.body(), "autoscale"), Expression::Bool(true)));
        let template = block(resource.body(), "template", &[]);
        let labels = attr(block(template.body(), "metadata", &[]).body(), "labels");
        assert_eq!(string(field(labels, "keiko.io/node-pool")), pool);
        let taints = attr(block(template.body(), "spec", &[]).body(), "taints");
        let Expression::Array(taints) = taints else { panic!("taints is not a list") };
        assert_eq!(taints.len(), usize::from(tainted), "{pool}");
        if tainted {
            assert_eq!(string(field(&taints[0], "effect")), "NoSchedule");
            assert_eq!(string(field(&taints[0], "value")), "system");
        }
    }
}

#[test]
fn backup_buckets_follow_the_prefix_and_retention_of_the_spec() {
    let spec = common::keiko();
    for env in Env::ALL {
        let main = env_main(&spec, env);
        let backups = block(&main, "module", &["backups"]);
        let expected = spec.backups().bucket(env);
        assert_eq!(string(attr(backups.body(), "name")), expected);
        let Expression::Array(rules) = attr(backups.body(), "expiration_rules") else { panic!("rules") };
        let days: Vec<(String, u32)> =
            rules.iter().map(|r| (string(field(r, "prefix")).to_owned(), number(field(r, "days")))).collect();
        let b = spec.backups();
        assert_eq!(
            days,
            [("daily/".to_owned(), b.daily_retention_days), ("weekly/".to_owned(), b.weekly_retention_days)]
        );
    }
}

#[test]
fn argocd_is_installed_at_the_specs_chart_version() {
    let spec = common::keiko();
    let addon = &spec.addons()["argo-cd"];
    for (env, environment) in spec.environments().iter() {
        let main = env_main(&spec, env);
        let argocd = block(&main, "module", &["argocd"]);
        assert_eq!(string(attr(argocd.body(), "chart_version")), addon.version);
        assert_eq!(string(attr(argocd.body(), "git_branch")), environment.branch);
    }
}
