//! Terraform facts: what an environment's infrastructure root decided when it was applied
//! and the manifests need, such as the port OVHcloud assigned to each service's
//! connection pool (ADR 0017).
//!
//! The infrastructure root has one output for this, `platform_facts`; after an apply an
//! operator writes it to `facts/<env>.json` next to keiko.yaml
//! (`terraform output -json platform_facts > facts/<env>.json`) and commits it. `generate`
//! reads the file like the spec: every problem at once, located, exit 2. An environment
//! without the file is rendered with its database egress closed, never with a guessed port.

use crate::document::Spec;
use crate::env::Env;
use crate::error::{Problem, SpecError, SpecErrors, SpecPath};
use crate::{shape, source};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The directory of the facts files, relative to keiko.yaml.
pub const FACTS_DIR: &str = "facts";
/// The infrastructure root's output the facts file is a copy of.
pub const OUTPUT: &str = "platform_facts";

/// The facts file of `env`, relative to keiko.yaml.
pub fn facts_file(env: Env) -> String {
    format!("{FACTS_DIR}/{}.json", env.name())
}

/// The facts of one environment, as `terraform output -json platform_facts` prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TerraformFacts {
    /// The environment's managed PostgreSQL service.
    pub postgres: PostgresFacts,
    /// The environment's KMS, whose Secret Manager External Secrets reads.
    pub secret_manager: SecretManagerFacts,
}

/// The KMS Terraform ordered for the environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretManagerFacts {
    /// The KMS ID (`ovh_okms.id`, a UUID): its Vault-compatible API is `/api/<okms_id>`.
    pub okms_id: String,
}

/// Where the managed PostgreSQL service answers, as OVHcloud assigned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostgresFacts {
    /// The primary endpoint's host name (`endpoints[0].domain`).
    pub host: String,
    /// The primary endpoint's port, for direct connections (`endpoints[0].port`).
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// Each service's connection pool port, by service name (the pools' `port`).
    pub pool_ports: BTreeMap<String, u16>,
}

/// The JSON Schema of a facts file.
pub fn json_schema() -> Value {
    let mut schema = schemars::schema_for!(TerraformFacts).to_value();
    // Pool ports are u16 maps; state their bounds so a 0 or 70000 is a located shape error.
    if let Some(ports) = schema.pointer_mut("/$defs/PostgresFacts/properties/pool_ports/additionalProperties") {
        ports["minimum"] = Value::from(1);
        ports["maximum"] = Value::from(65535);
    }
    schema
}

/// Reads the facts file `file` of `env` and checks it against `spec`: a pool port for
/// every service with a database and for nothing else, a host name that is one, and the
/// KMS keiko.yaml names for `env`.
pub fn load(file: &str, text: &str, spec: &Spec, env: Env) -> Result<TerraformFacts, SpecErrors> {
    read(file, text, &json_schema(), |facts| problems(facts, spec, env))
}

/// Reads a facts file of type `T` the way the spec is read: its shape against `schema`
/// (every unknown field or bad value, located), then `check`'s problems, located too.
fn read<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
    schema: &Value,
    check: impl FnOnce(&T) -> Vec<SpecError>,
) -> Result<T, SpecErrors> {
    let fail = |errors: Vec<SpecError>| SpecErrors { file: file.to_owned(), errors };
    let document = source::parse(text).map_err(fail)?;
    let shape_errors = shape::check(&document, schema);
    if !shape_errors.is_empty() {
        return Err(fail(shape_errors));
    }
    let source::Document { value, map } = document;
    let facts: T = serde_json::from_value(value)
        .map_err(|error| fail(vec![SpecError::new(SpecPath::root(), Problem::Shape(error.to_string()))]))?;
    let mut errors = check(&facts);
    if errors.is_empty() {
        return Ok(facts);
    }
    for error in &mut errors {
        error.location = map.locate(&error.path);
    }
    errors.sort_by(|a, b| (a.location, &a.path).cmp(&(b.location, &b.path)));
    Err(fail(errors))
}

fn problems(facts: &TerraformFacts, spec: &Spec, env: Env) -> Vec<SpecError> {
    let postgres = SpecPath::root().key("postgres");
    let mut errors = Vec::new();
    let host = &facts.postgres.host;
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
    };
    if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
        errors.push(SpecError::new(
            postgres.key("host"),
            Problem::Invalid(format!("`{host}` is not a host name; copy `endpoints[0].domain` as Terraform prints it")),
        ));
    }
    // The store's URL comes from keiko.yaml (every environment renders the same objects, so
    // it cannot wait for the facts); once Terraform has created the KMS, the two must agree.
    let okms_id = &facts.secret_manager.okms_id;
    let spec_id = &spec.environments().get(env).secret_manager.okms_id;
    if okms_id != spec_id {
        errors.push(SpecError::new(
            SpecPath::root().key("secret_manager").key("okms_id"),
            Problem::Invalid(format!(
                "Terraform created the KMS `{okms_id}`, but keiko.yaml's environments.{env}.secret_manager.okms_id is `{spec_id}`: write `{okms_id}` there"
            )),
        ));
    }
    let with_database: Vec<&str> =
        spec.services().iter().filter(|(_, s)| s.database.is_some()).map(|(n, _)| n.as_str()).collect();
    let pools = postgres.key("pool_ports");
    for name in &with_database {
        if !facts.postgres.pool_ports.contains_key(*name) {
            errors.push(SpecError::new(
                pools.clone(),
                Problem::Invalid(format!(
                    "no pool port for `{name}`, which has a database in keiko.yaml: apply the infrastructure root, then write `terraform output -json {OUTPUT}` again"
                )),
            ));
        }
    }
    for name in facts.postgres.pool_ports.keys().filter(|n| !with_database.contains(&n.as_str())) {
        errors.push(SpecError::new(
            pools.key(name),
            Problem::Invalid(format!(
                "`{name}` has no database in keiko.yaml; expected pool ports for: {}",
                with_database.join(", ")
            )),
        ));
    }
    errors
}

/// The facts file of the global roots, relative to keiko.yaml.
pub const GLOBAL_FACTS_FILE: &str = "facts/global.json";

/// The facts of `global/registry`, as `terraform output -json platform_facts` prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlobalFacts {
    /// The managed registry.
    pub registry: RegistryFacts,
}

/// The managed registry OVHcloud created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistryFacts {
    /// Its URL (`https://<id>.<region>.container-registry.ovh.net`), the provider's `url`.
    pub url: String,
}

/// Reads `facts/global.json` and checks it against `spec`: the images are pulled from
/// `platform.registry`, whose host must be the registry Terraform created.
pub fn load_global(file: &str, text: &str, spec: &Spec) -> Result<GlobalFacts, SpecErrors> {
    read(file, text, &schemars::schema_for!(GlobalFacts).to_value(), |facts: &GlobalFacts| {
        let url = &facts.registry.url;
        let host = url.strip_prefix("https://").unwrap_or_default().trim_end_matches('/');
        let registry = &spec.platform().registry;
        let spec_host = registry.split('/').next().unwrap_or_default();
        if !host.is_empty() && host == spec_host {
            return Vec::new();
        }
        vec![SpecError::new(
            SpecPath::root().key("registry").key("url"),
            Problem::Invalid(format!(
                "Terraform created the registry `{url}`, but keiko.yaml's platform.registry is `{registry}`: the images would be pulled from another host; write `{host}/<project>` there"
            )),
        )]
    })
}

/// The facts of every environment that has them.
pub type AllFacts = BTreeMap<Env, TerraformFacts>;
