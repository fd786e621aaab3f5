//! Secrets without Secret manifests: External Secrets reads them from the environment's
//! OVHcloud Secret Manager into Kubernetes Secrets, refreshed hourly. Pods mount them as
//! files, which the kubelet updates in place, so a rotated value reaches running pods
//! without a restart.

use super::labels;
use super::meta::object_meta;
use crate::crd::external_secrets::{
    ClusterSecretStore, ClusterSecretStoreSpec, ExternalSecret, ExternalSecretData, ExternalSecretSpec, Provider,
    RemoteRef, SecretKeyRef, StoreRef, Target, Template, VaultAuth, VaultProvider,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::service::Service;
use std::collections::BTreeMap;

/// The ClusterSecretStore every ExternalSecret reads from.
pub const STORE: &str = "ovh-secret-manager";
/// Where the store's API token lives (created once per cluster at bootstrap).
pub const TOKEN_SECRET: &str = "ovh-secret-manager-token";
/// How often secrets are read again.
pub const REFRESH: &str = "1h";
/// Where a service's secrets are mounted.
pub const SECRETS_DIR: &str = "/etc/keiko/secrets";
/// Where a service's database settings are mounted.
pub const DATABASE_DIR: &str = "/etc/keiko/database";
pub use keiko_model::secrets::DATABASE_PROPERTIES;

/// The Secret holding a service's own secrets.
pub fn secrets_name(service: &str) -> String {
    format!("{service}-secrets")
}

/// The Secret holding a service's database settings.
pub fn database_name(service: &str) -> String {
    format!("{service}-database")
}

/// The secret-manager path of a service's database settings (written by Terraform).
pub fn database_key(service: &str) -> String {
    keiko_model::secrets::database_path(service)
}

/// The environment's OVHcloud Secret Manager, through its Vault KV v2 compatible API.
pub fn store(platform: &Platform, env: Env, operator_namespace: &str) -> ClusterSecretStore {
    let manager = &platform.environments().get(env).secret_manager;
    ClusterSecretStore {
        metadata: ObjectMeta {
            name: Some(STORE.to_owned()),
            labels: Some(labels::platform(platform, STORE)),
            ..Default::default()
        },
        spec: ClusterSecretStoreSpec {
            provider: Provider {
                vault: VaultProvider {
                    server: manager.server(),
                    path: "secret".to_owned(),
                    version: "v2".to_owned(),
                    auth: VaultAuth {
                        token_secret_ref: SecretKeyRef {
                            name: TOKEN_SECRET.to_owned(),
                            namespace: operator_namespace.to_owned(),
                            key: "token".to_owned(),
                        },
                    },
                },
            },
        },
    }
}

/// The service's own secrets, one key per environment variable name.
pub fn service_secrets(
    namespace: &str,
    name: &str,
    service: &Service,
    labels: BTreeMap<String, String>,
) -> Option<ExternalSecret> {
    if service.secrets.is_empty() {
        return None;
    }
    let data = service
        .secrets
        .iter()
        .map(|s| ExternalSecretData {
            secret_key: s.env.clone(),
            remote_ref: RemoteRef { key: s.key.clone(), property: s.property.clone() },
        })
        .collect();
    Some(external_secret(namespace, &secrets_name(name), data, None, labels))
}

/// The key of the service's connection URL, through its pool.
pub const DATABASE_URL_KEY: &str = "DATABASE_URL";
/// The key of the URL of the primary, for sessions (the backup job's pg_dump).
pub const DIRECT_DATABASE_URL_KEY: &str = "DIRECT_DATABASE_URL";

/// The database settings, plus a `DATABASE_URL` that verifies the server certificate
/// against the managed service's CA.
pub fn database(
    namespace: &str,
    name: &str,
    service: &Service,
    labels: BTreeMap<String, String>,
) -> Option<ExternalSecret> {
    service.database.as_ref()?;
    let data = DATABASE_PROPERTIES
        .iter()
        .map(|p| ExternalSecretData {
            secret_key: (*p).to_owned(),
            remote_ref: RemoteRef { key: database_key(name), property: (*p).to_owned() },
        })
        .collect();
    let url = |port: &str| {
        format!(
            "postgresql://{{{{ .username }}}}:{{{{ .password | urlquery }}}}@{{{{ .host }}}}:{{{{ .{port} }}}}/{{{{ .database }}}}?sslmode=verify-full&sslrootcert={DATABASE_DIR}/ca"
        )
    };
    let template = Template {
        kind: None,
        engine_version: "v2".to_owned(),
        merge_policy: "Merge".to_owned(),
        data: BTreeMap::from([
            (DATABASE_URL_KEY.to_owned(), url("port")),
            (DIRECT_DATABASE_URL_KEY.to_owned(), url("direct_port")),
        ]),
    };
    Some(external_secret(namespace, &database_name(name), data, Some(template), labels))
}

/// The key of a Neo4j credentials Secret that holds `neo4j/<password>`, the form
/// `NEO4J_AUTH_PATH` names (neo4j/docker-neo4j, docker-entrypoint.sh at neo4j-5.26.0).
pub const NEO4J_AUTH_KEY: &str = "NEO4J_AUTH";

/// A store's credentials, `username` and `password` from `<store>/credentials` (written by
/// Terraform), into Secret `secret` of `namespace`: the store's own, or one of a client's.
/// Neo4j's also gets [`NEO4J_AUTH_KEY`].
pub fn store_credentials(
    namespace: &str,
    secret: &str,
    store: &str,
    engine: keiko_spec::stateful::Engine,
    labels: BTreeMap<String, String>,
) -> ExternalSecret {
    let path = keiko_model::secrets::store_credentials_path(store);
    let data = keiko_model::secrets::STORE_CREDENTIAL_PROPERTIES
        .iter()
        .map(|p| ExternalSecretData {
            secret_key: (*p).to_owned(),
            remote_ref: RemoteRef { key: path.clone(), property: (*p).to_owned() },
        })
        .collect();
    let template = (engine == keiko_spec::stateful::Engine::Neo4j).then(|| Template {
        kind: None,
        engine_version: "v2".to_owned(),
        merge_policy: "Merge".to_owned(),
        data: BTreeMap::from([(NEO4J_AUTH_KEY.to_owned(), "{{ .username }}/{{ .password }}".to_owned())]),
    });
    external_secret(namespace, secret, data, template, labels)
}

fn external_secret(
    namespace: &str,
    name: &str,
    data: Vec<ExternalSecretData>,
    template: Option<Template>,
    labels: BTreeMap<String, String>,
) -> ExternalSecret {
    ExternalSecret {
        metadata: object_meta(name, namespace, labels),
        spec: ExternalSecretSpec {
            refresh_interval: REFRESH.to_owned(),
            secret_store_ref: StoreRef { name: STORE.to_owned(), kind: "ClusterSecretStore".to_owned() },
            target: Target { name: name.to_owned(), creation_policy: "Owner".to_owned(), template },
            data,
        },
    }
}

/// The registry pull credential of the services' namespace: a `kubernetes.io/dockerconfigjson`
/// Secret from `registry/pull`, which Terraform's `global/harbor` root writes (ADR 0019).
pub fn registry_pull(namespace: &str, labels: BTreeMap<String, String>) -> ExternalSecret {
    let property = keiko_model::secrets::REGISTRY_PULL_PROPERTY;
    let data = vec![ExternalSecretData {
        secret_key: property.to_owned(),
        remote_ref: RemoteRef {
            key: keiko_model::secrets::REGISTRY_PULL_PATH.to_owned(),
            property: property.to_owned(),
        },
    }];
    let template = Template {
        kind: Some("kubernetes.io/dockerconfigjson".to_owned()),
        engine_version: "v2".to_owned(),
        merge_policy: "Replace".to_owned(),
        data: BTreeMap::from([(".dockerconfigjson".to_owned(), format!("{{{{ .{property} }}}}"))]),
    };
    external_secret(namespace, keiko_model::secrets::REGISTRY_PULL_SECRET, data, Some(template), labels)
}
