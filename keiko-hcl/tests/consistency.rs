//! The Terraform side agrees with keiko.yaml and with the providers' real schemas.

mod common;

use hcl::{Block, Body, Expression};
use keiko_hcl::names::EnvRoot;
use keiko_model::Platform;
use keiko_spec::Env;
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

fn env_main(platform: &Platform, env: Env) -> Body {
    root_main(platform, env, EnvRoot::Infrastructure)
}

fn root_main(platform: &Platform, env: Env, root: EnvRoot) -> Body {
    common::parsed(&common::render(platform), &format!("terraform/{}/main.tf", root.dir(env)))
}

#[test]
fn every_service_with_a_database_has_its_database_and_user_in_every_environment() {
    let platform = common::keiko();
    let files = common::render(&platform);
    let module = common::parsed(&files, "terraform/modules/ovh-postgres/main.tf");
    for kind in ["ovh_cloud_project_database_database", "ovh_cloud_project_database_postgresql_user"] {
        let resource = block(&module, "resource", &[kind, if kind.ends_with("user") { "user" } else { "database" }]);
        assert_eq!(attr(resource.body(), "for_each").to_string(), "var.databases");
    }
    for env in Env::ALL {
        let main = env_main(&platform, env);
        let locals = block(&main, "locals", &[]);
        let databases = attr(locals.body(), "databases");
        for (name, service) in platform.services() {
            let Some(database) = &service.database else { continue };
            assert_eq!(string(field(field(databases, name), "database")), database.name, "{env}: {name}");
        }
        let Expression::Object(object) = databases else { panic!("databases is not an object") };
        assert_eq!(object.len(), platform.services().values().filter(|s| s.database.is_some()).count());
        let postgres = block(&main, "module", &["postgres"]);
        assert_eq!(attr(postgres.body(), "databases").to_string(), "local.databases");
        let secrets = block(&main, "module", &["secrets"]);
        assert_eq!(attr(secrets.body(), "databases").to_string(), "local.databases");
    }
}

#[test]
fn state_buckets_are_the_specs_and_distinct_per_environment() {
    let platform = common::keiko();
    let files = common::render(&platform);
    let mut seen = BTreeSet::new();
    for (env, environment) in platform.environments().iter() {
        for root in EnvRoot::APPLY_ORDER {
            let versions = common::parsed(&files, &format!("terraform/{}/versions.tf", root.dir(env)));
            let backend = block(block(&versions, "terraform", &[]).body(), "backend", &["s3"]);
            let bucket = string(attr(backend.body(), "bucket"));
            assert_eq!(bucket, environment.state_bucket);
            assert_eq!(string(attr(backend.body(), "key")), format!("{}/{}.tfstate", env.name(), root.name()));
            assert!(matches!(attr(backend.body(), "use_lockfile"), Expression::Bool(true)));
        }
        assert!(seen.insert(environment.state_bucket.clone()), "{} is shared", environment.state_bucket);
    }
    assert_eq!(
        seen.iter().map(String::as_str).collect::<Vec<_>>(),
        ["keikolatam-terraform-state-dev", "keikolatam-terraform-state-prod", "keikolatam-terraform-state-staging"]
    );
}

#[test]
fn node_pools_take_their_flavors_and_counts_from_the_spec() {
    let platform = common::keiko();
    for (env, environment) in platform.environments().iter() {
        let main = env_main(&platform, env);
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
    let platform = common::keiko();
    for env in Env::ALL {
        let main = env_main(&platform, env);
        let backups = block(&main, "module", &["backups"]);
        let expected = platform.backups().bucket(env);
        assert_eq!(string(attr(backups.body(), "name")), expected);
        let Expression::Array(rules) = attr(backups.body(), "expiration_rules") else { panic!("rules") };
        let days: Vec<(String, u32)> =
            rules.iter().map(|r| (string(field(r, "prefix")).to_owned(), number(field(r, "days")))).collect();
        let b = platform.backups();
        assert_eq!(
            days,
            [("daily/".to_owned(), b.daily_retention_days), ("weekly/".to_owned(), b.weekly_retention_days)]
        );
    }
}

#[test]
fn argocd_is_installed_at_the_specs_chart_version() {
    let platform = common::keiko();
    let addon = &platform.addons()["argo-cd"];
    for (env, environment) in platform.environments().iter() {
        let main = root_main(&platform, env, EnvRoot::Argocd);
        let argocd = block(&main, "module", &["argocd"]);
        assert_eq!(string(attr(argocd.body(), "chart_version")), addon.version);
        assert_eq!(string(attr(argocd.body(), "git_branch")), environment.branch);
    }
}

/// The single argument of the call `name(..)`.
fn call_arg<'a>(expr: &'a Expression, name: &str) -> &'a Expression {
    let Expression::FuncCall(call) = expr else { panic!("expected a call of {name}, got {expr:?}") };
    assert_eq!(call.name.to_string(), name);
    assert_eq!(call.args.len(), 1, "{name} takes one argument");
    &call.args[0]
}

/// The keys of an object, in order.
fn keys(expr: &Expression) -> Vec<String> {
    let Expression::Object(object) = expr else { panic!("expected an object, got {expr:?}") };
    object.keys().map(|k| k.to_string().trim_matches('"').to_owned()).collect()
}

/// The object a secret writes: `version = { data = jsonencode({ .. }) }`.
fn secret_data(secret: &Block) -> &Expression {
    call_arg(field(attr(secret.body(), "version"), "data"), "jsonencode")
}

#[test]
fn every_service_with_a_database_has_a_connection_pool_in_every_environment() {
    let platform = common::keiko();
    let files = common::render(&platform);
    let module = common::parsed(&files, "terraform/modules/ovh-postgres/main.tf");
    let pool = block(&module, "resource", &["ovh_cloud_project_database_postgresql_connection_pool", "pool"]);
    let expected = [
        ("for_each", "var.databases"),
        ("cluster_id", "ovh_cloud_project_database.postgres.id"),
        ("database_id", "ovh_cloud_project_database_database.database[each.key].id"),
        ("user_id", "ovh_cloud_project_database_postgresql_user.user[each.key].id"),
        ("name", "each.value.database"),
        ("mode", "\"transaction\""),
        ("size", "each.value.pool_size"),
    ];
    for (key, value) in expected {
        assert_eq!(attr(pool.body(), key).to_string(), value, "pool.{key}");
    }
    let outputs = common::parsed(&files, "terraform/modules/ovh-postgres/outputs.tf");
    for name in ["host", "pool_ports", "ca"] {
        block(&outputs, "output", &[name]);
    }
    for env in Env::ALL {
        let main = env_main(&platform, env);
        let databases = attr(block(&main, "locals", &[]).body(), "databases");
        for (name, service) in platform.services() {
            let Some(database) = &service.database else { continue };
            assert_eq!(number(field(field(databases, name), "pool_size")), database.pool_size, "{env}: {name}");
        }
        let secrets = block(&main, "module", &["secrets"]);
        assert_eq!(attr(secrets.body(), "database_pool_ports").to_string(), "module.postgres.pool_ports");
        assert_eq!(attr(secrets.body(), "database_ca").to_string(), "module.postgres.ca");
    }
}

#[test]
fn database_secrets_hold_exactly_the_properties_the_cluster_reads() {
    let files = common::render(&common::keiko());
    let module = common::parsed(&files, "terraform/modules/secrets/main.tf");
    let secret = block(&module, "resource", &["ovh_okms_secret", "database"]);
    assert_eq!(attr(secret.body(), "for_each").to_string(), "var.databases");
    let data = secret_data(secret);
    assert_eq!(keys(data), keiko_model::secrets::DATABASE_PROPERTIES, "the properties the ExternalSecrets read");
    assert_eq!(string(field(data, "sslmode")), "verify-full");
    assert_eq!(field(data, "port").to_string(), "tostring(var.database_pool_ports[each.key])");
    assert_eq!(field(data, "ca").to_string(), "var.database_ca");
    assert_eq!(field(data, "host").to_string(), "var.database_host");
}

#[test]
fn velero_object_storage_credentials_are_written_in_every_environment() {
    let platform = common::keiko();
    let files = common::render(&platform);
    let module = common::parsed(&files, "terraform/modules/secrets/main.tf");
    let secret = block(&module, "resource", &["ovh_okms_secret", "velero"]);
    assert_eq!(string(attr(secret.body(), "path")), "velero/object-storage");
    assert_eq!(keys(secret_data(secret)), ["aws_access_key_id", "aws_secret_access_key"]);
    let user = common::parsed(&files, "terraform/modules/object-storage-user/main.tf");
    let role_names = attr(block(&user, "resource", &["ovh_cloud_project_user", "user"]).body(), "role_names");
    let Expression::Array(roles) = role_names else { panic!("role_names is not a list") };
    assert_eq!(roles.iter().map(string).collect::<Vec<_>>(), ["objectstore_operator"]);
    block(&user, "resource", &["ovh_cloud_project_user_s3_credential", "credential"]);
    for env in Env::ALL {
        let main = env_main(&platform, env);
        let storage = block(&main, "module", &["velero_storage"]);
        assert_eq!(string(attr(storage.body(), "source")), "../../../modules/object-storage-user", "{env}");
        let secrets = block(&main, "module", &["secrets"]);
        assert_eq!(attr(secrets.body(), "velero_access_key_id").to_string(), "module.velero_storage.access_key_id");
        assert_eq!(
            attr(secrets.body(), "velero_secret_access_key").to_string(),
            "module.velero_storage.secret_access_key"
        );
    }
}
