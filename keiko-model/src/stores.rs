//! How a stateful store is reached and logged in to: the port its clients speak, the
//! URL they are given, and where the store's credentials are mounted. The store's
//! StatefulSet and each client's Deployment both take them from here, so a client
//! never connects to a port or a Secret the store does not have.

use crate::Platform;
use keiko_spec::stateful::{Engine, StatefulComponent};

/// Where a store's own credentials Secret is mounted in its container.
pub const CREDENTIALS_DIR: &str = "/etc/keiko/credentials";

/// The URL scheme of the port clients of `engine` connect to.
fn scheme(engine: Engine) -> &'static str {
    match engine {
        Engine::Clickhouse => "http",
        Engine::Neo4j => "bolt",
    }
}

/// The in-cluster URL of a store's client Service, or `None` when the spec lacks the
/// client port (validation refuses such a spec).
pub fn url(name: &str, store: &StatefulComponent) -> Option<String> {
    let port = store.ports.iter().find(|p| p.name == store.engine.client_port())?;
    Some(format!("{}://{name}.{}.svc.cluster.local:{}", scheme(store.engine), store.namespace, port.port))
}

/// The prefix of a client's variables for a store: `CLICKHOUSE`, `NEO4J`, after the
/// store's name so two stores of one engine stay apart.
pub fn variable_prefix(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

/// The Secret a client service reads a store's credentials from (in its own namespace).
pub fn client_secret_name(service: &str, store: &str) -> String {
    format!("{service}-{store}")
}

/// The Secret a store reads its own credentials from (in the store's namespace).
pub fn credentials_secret_name(store: &str) -> String {
    format!("{store}-credentials")
}

/// Where a client service finds a store's credentials files.
pub fn client_dir(store: &str) -> String {
    format!("/etc/keiko/{store}")
}

/// The stores `service` is a client of, by name.
pub fn stores_of<'a>(
    platform: &'a Platform,
    service: &'a str,
) -> impl Iterator<Item = (&'a str, &'a StatefulComponent)> {
    platform
        .stateful()
        .iter()
        .filter(move |(_, s)| s.clients.iter().any(|c| c == service))
        .map(|(n, s)| (n.as_str(), s))
}
