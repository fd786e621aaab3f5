//! Module `secrets`: the environment's OVHcloud KMS and the Secret Manager secrets that
//! External Secrets reads, one per service database at `<service>/database`.

use super::Module;
use crate::blocks::{Variable, object_type, output, resource, variable};
use crate::expr::{bare, call, index, object, reference, var};
use crate::resources::{OKMS, OKMS_SECRET};
use crate::validation::{not_empty, string_variable};
use hcl::{Block, Body, Expression};

/// The `secrets` module.
pub fn module() -> Module {
    let main = Body::builder().add_block(kms()).add_block(database_secret()).build();
    Module { dir: "secrets", main, variables: variables(), outputs: outputs(), providers: &["ovh"] }
}

fn kms() -> Block {
    resource(OKMS, "kms")
        .add_attribute(("display_name", var("name")))
        .add_attribute(("ovh_subsidiary", var("ovh_subsidiary")))
        .add_attribute(("region", var("kms_region")))
        .build()
}

/// `<service>/database`: the connection settings and password of one service's database.
fn database_secret() -> Block {
    let each = |field: &str| reference("each", &["value", field]);
    let data = object([
        ("database", each("database")),
        ("host", var("database_host")),
        ("password", index(var("database_passwords"), reference("each", &["key"]))),
        ("port", call("tostring", [var("database_port")])),
        ("sslmode", "require".into()),
        ("username", reference("each", &["key"])),
    ]);
    let tags =
        object([("cost_center", each("cost_center")), ("environment", var("environment")), ("team", each("team"))]);
    resource(OKMS_SECRET, "database")
        .add_attribute(("for_each", var("databases")))
        .add_attribute(("okms_id", reference(OKMS, &["kms", "id"])))
        .add_attribute(("path", call("format", ["%s/database".into(), reference("each", &["key"])])))
        .add_attribute(("metadata", object([("custom_metadata", tags)])))
        .add_attribute(("version", object([("data", call("jsonencode", [data]))])))
        .build()
}

fn variables() -> Body {
    let databases = call("map", [object_type([("database", "string"), ("team", "string"), ("cost_center", "string")])]);
    let passwords: Expression = call("map", [bare("string")]);
    Body::builder()
        .add_block(string_variable(
            "name",
            "The KMS display name: the cluster name.",
            "^[a-z][a-z0-9-]+$",
            "Use a DNS label.",
        ))
        .add_block(string_variable(
            "environment",
            "The environment: dev, staging or production.",
            "^(dev|staging|production)$",
            "Use dev, staging or production.",
        ))
        .add_block(string_variable(
            "ovh_subsidiary",
            "The OVHcloud subsidiary that bills the KMS (FR).",
            "^[A-Z]{2}$",
            "Use a two-letter subsidiary such as FR.",
        ))
        .add_block(string_variable(
            "kms_region",
            "The KMS region, such as eu-west-gra.",
            "^[a-z]+-[a-z]+-[a-z]+$",
            "Use a KMS region such as eu-west-gra.",
        ))
        .add_block(string_variable(
            "database_host",
            "The PostgreSQL host services connect to.",
            "^[a-z0-9.-]+$",
            "Use a host name.",
        ))
        .add_block(variable(Variable {
            name: "database_port",
            description: "The PostgreSQL port.",
            kind: bare("number"),
            rules: vec![(crate::validation::at_least(var("database_port"), 1), "Use a TCP port.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "databases",
            description: "The services that own a database, by service name (keys are not secret).",
            kind: databases,
            rules: vec![(not_empty("databases"), "At least one database is expected.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "database_passwords",
            description: "Each service user's password, by service name.",
            kind: passwords,
            rules: vec![(not_empty("database_passwords"), "Every database needs a password.")],
            sensitive: true,
            default: None,
        }))
        .build()
}

fn outputs() -> Body {
    Body::builder()
        .add_block(output(
            "okms_id",
            "The KMS ID (External Secrets' Vault path is /api/<okms_id>).",
            reference(OKMS, &["kms", "id"]),
        ))
        .add_block(output("rest_endpoint", "The KMS REST endpoint.", reference(OKMS, &["kms", "rest_endpoint"])))
        .add_block(output("secret_paths", "The Secret Manager path of each service's database secret.", paths()))
        .build()
}

fn paths() -> Expression {
    hcl::expr::ForExpr::new(
        hcl::Identifier::unchecked("secret"),
        reference(OKMS_SECRET, &["database"]),
        reference("secret", &["path"]),
    )
    .with_key_var(hcl::Identifier::unchecked("name"))
    .with_key_expr(bare("name"))
    .into()
}
