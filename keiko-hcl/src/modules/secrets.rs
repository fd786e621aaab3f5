//! Module `secrets`: the environment's OVHcloud KMS and the Secret Manager secrets that
//! External Secrets reads: one per service database at `<service>/database`, and Velero's
//! Object Storage key at `velero/object-storage`.

use super::{Module, databases_type};
use crate::blocks::{Variable, output, resource, variable};
use crate::expr::{bare, call, index, object, reference, var};
use crate::resources::{OKMS, OKMS_SECRET};
use crate::validation::{matches, not_empty, string_variable};
use hcl::{Block, Body, Expression};

pub use keiko_model::secrets::DATABASE_PROPERTIES;
/// Clients check the server certificate against the service's CA and its host name.
pub const SSLMODE: &str = "verify-full";
/// The Secret Manager path of Velero's Object Storage credentials.
pub const VELERO_PATH: &str = keiko_model::secrets::OBJECT_STORAGE;
/// The properties of the Velero secret, named as the AWS plugin's credentials file names them.
pub const VELERO_PROPERTIES: [&str; 2] = ["aws_access_key_id", "aws_secret_access_key"];

/// The `secrets` module.
pub fn module() -> Module {
    let main = Body::builder().add_block(kms()).add_block(database_secret()).add_block(velero_secret()).build();
    Module { dir: "secrets", main, variables: variables(), outputs: outputs(), providers: &["ovh"] }
}

fn kms() -> Block {
    resource(OKMS, "kms")
        .add_attribute(("display_name", var("name")))
        .add_attribute(("ovh_subsidiary", var("ovh_subsidiary")))
        .add_attribute(("region", var("kms_region")))
        .build()
}

/// The connection settings of one service's database, in [`DATABASE_PROPERTIES`] order: the
/// service connects to its PgBouncer pool, whose port differs from the primary's.
fn database_properties() -> Expression {
    let key = || reference("each", &["key"]);
    object([
        ("database", reference("each", &["value", "database"])),
        ("host", var("database_host")),
        ("port", call("tostring", [index(var("database_pool_ports"), key())])),
        ("username", key()),
        ("password", index(var("database_passwords"), key())),
        ("ca", var("database_ca")),
        ("sslmode", SSLMODE.into()),
    ])
}

/// `<service>/database`: the connection settings and password of one service's database.
fn database_secret() -> Block {
    let each = |field: &str| reference("each", &["value", field]);
    let tags =
        object([("cost_center", each("cost_center")), ("environment", var("environment")), ("team", each("team"))]);
    resource(OKMS_SECRET, "database")
        .add_attribute(("for_each", var("databases")))
        .add_attribute(("okms_id", reference(OKMS, &["kms", "id"])))
        .add_attribute((
            "path",
            call("format", [keiko_model::secrets::database_path("%s").into(), reference("each", &["key"])]),
        ))
        .add_attribute(("metadata", object([("custom_metadata", tags)])))
        .add_attribute(("version", object([("data", call("jsonencode", [database_properties()]))])))
        .build()
}

/// `velero/object-storage`: the S3 key Velero writes the backup bucket with.
fn velero_secret() -> Block {
    let data = object([
        ("aws_access_key_id", var("velero_access_key_id")),
        ("aws_secret_access_key", var("velero_secret_access_key")),
    ]);
    let tags = object([("environment", var("environment")), ("team", "platform".into())]);
    resource(OKMS_SECRET, "velero")
        .add_attribute(("okms_id", reference(OKMS, &["kms", "id"])))
        .add_attribute(("path", VELERO_PATH))
        .add_attribute(("metadata", object([("custom_metadata", tags)])))
        .add_attribute(("version", object([("data", call("jsonencode", [data]))])))
        .build()
}

fn variables() -> Body {
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
            name: "database_pool_ports",
            description: "Each service's connection pool port, by service name.",
            kind: call("map", [bare("number")]),
            rules: vec![(not_empty("database_pool_ports"), "Every database needs a connection pool.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "database_ca",
            description: "The PostgreSQL service's CA certificate (PEM).",
            kind: bare("string"),
            rules: vec![(matches("database_ca", "-----BEGIN CERTIFICATE-----"), "Give a PEM certificate.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "databases",
            description: "The services that own a database, by service name (keys are not secret).",
            kind: databases_type(),
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
        .add_block(velero_variable("velero_access_key_id", "Velero's S3 access key ID.", false))
        .add_block(velero_variable("velero_secret_access_key", "Velero's S3 secret access key.", true))
        .build()
}

/// A non-empty string input holding part of Velero's S3 credential.
fn velero_variable(name: &'static str, description: &'static str, sensitive: bool) -> Block {
    variable(Variable {
        name,
        description,
        kind: bare("string"),
        rules: vec![(not_empty(name), "Give the value of the S3 credential.")],
        sensitive,
        default: None,
    })
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
        .add_block(output(
            "velero_secret_path",
            "The Secret Manager path of Velero's Object Storage credentials.",
            reference(OKMS_SECRET, &["velero", "path"]),
        ))
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
