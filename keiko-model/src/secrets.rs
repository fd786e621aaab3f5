//! The secret store's contract: the paths of OVHcloud Secret Manager (Vault KV v2) the
//! cluster reads through External Secrets, and who writes each. Terraform writes what
//! it provisions (database settings, store credentials, Object Storage keys); anything else is set by an
//! operator, listed in `generated/secrets-inventory.md` and created step by step in
//! docs/runbooks/first-install.md. Both sides take the paths from here.

use crate::Platform;

/// The properties of each service's database secret, in the order both sides list them:
/// `port` is the service's connection pool's, `direct_port` the primary's, which the
/// backup jobs dump through (pg_dump needs a session; a transaction pool hands each
/// statement to any server connection, so its `SET`s are lost).
pub const DATABASE_PROPERTIES: [&str; 8] =
    ["database", "host", "port", "direct_port", "username", "password", "ca", "sslmode"];

/// The path of a service's database settings (Terraform, module `secrets`).
pub fn database_path(service: &str) -> String {
    format!("{service}/database")
}

/// The properties of a store's credentials secret.
pub const STORE_CREDENTIAL_PROPERTIES: [&str; 2] = ["username", "password"];

/// The path of a stateful store's credentials (Terraform, module `secrets`): the user the
/// store creates at its first start, and its generated password. The store and each of
/// its clients read the same path.
pub fn store_credentials_path(store: &str) -> String {
    format!("{store}/credentials")
}

/// The user a store's credentials name. Neo4j's initial user is always `neo4j`
/// (`NEO4J_AUTH=neo4j/<password>`); ClickHouse's entrypoint creates `CLICKHOUSE_USER`.
pub fn store_username(engine: keiko_spec::stateful::Engine) -> &'static str {
    match engine {
        keiko_spec::stateful::Engine::Clickhouse => "keiko",
        keiko_spec::stateful::Engine::Neo4j => "neo4j",
    }
}

/// The S3 key of the backups' Object Storage user (Terraform, module `secrets`).
pub const OBJECT_STORAGE: &str = "velero/object-storage";

/// The SSE-C key the backup jobs encrypt with: 32 random bytes, base64, set once by an
/// operator (property `key`).
pub const BACKUP_ENCRYPTION_KEY: &str = "backups/encryption-key";

/// The alert receivers' credentials (Slack webhooks, PagerDuty routing key, SMTP
/// password), set by an operator.
pub const ALERT_RECEIVERS: &str = "alerting/receivers";

/// Who writes a path of the secret store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Provider {
    /// Terraform writes it as it provisions what it describes.
    Terraform,
    /// An operator writes it (docs/runbooks/first-install.md).
    Operator,
}

/// Who writes `path` for this platform.
pub fn provider(platform: &Platform, path: &str) -> Provider {
    // `<service>/database` of a service with a database: one lookup, not a scan of the fleet.
    let service = path.strip_suffix(&database_path("")).and_then(|name| platform.services().get(name));
    let database = service.is_some_and(|service| service.database.is_some());
    let store =
        path.strip_suffix(&store_credentials_path("")).is_some_and(|name| platform.stateful().contains_key(name));
    let terraform = [OBJECT_STORAGE, REGISTRY_PULL_PATH].contains(&path);
    if database || store || terraform { Provider::Terraform } else { Provider::Operator }
}

/// Where Terraform (root `global/harbor`) writes an environment's registry pull credential.
pub const REGISTRY_PULL_PATH: &str = "registry/pull";
/// Its one property: the `.dockerconfigjson` of a `kubernetes.io/dockerconfigjson` Secret.
pub const REGISTRY_PULL_PROPERTY: &str = "dockerconfigjson";
/// The Secret the services' pods pull their images with.
pub const REGISTRY_PULL_SECRET: &str = "registry-pull";
