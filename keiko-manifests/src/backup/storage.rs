//! Where backups go: the environment's bucket on OVHcloud Object Storage, reached through
//! its S3 API with credentials and an encryption key from the secret manager.

use crate::crd::external_secrets::{
    ExternalSecret, ExternalSecretData, ExternalSecretSpec, RemoteRef, StoreRef, Target, Template,
};
use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use crate::k8s::secrets::{REFRESH, STORE};
use k8s_openapi::api::core::v1::{EnvVar, SecretVolumeSource, Volume, VolumeMount};
use keiko_model::Platform;
use keiko_model::object_storage;
use keiko_spec::Env;

/// The Secret with the S3 credentials and the backup encryption key, in each namespace
/// that runs backup jobs.
pub const SECRET: &str = "backup-storage";
/// Where Terraform writes the object-storage credentials.
const CREDENTIALS_KEY: &str = keiko_model::secrets::OBJECT_STORAGE;
/// Where the SSE-C key (base64 of 32 random bytes) is kept; created once at bootstrap.
pub const ENCRYPTION_KEY: &str = keiko_model::secrets::BACKUP_ENCRYPTION_KEY;
/// Where the key and the credentials file are mounted.
pub const KEY_DIR: &str = "/etc/backup-storage";

/// The credentials and key, synced into `namespace`.
pub fn secret(platform: &Platform, namespace: &str) -> ExternalSecret {
    let item = |secret_key: &str, key: &str, property: &str| ExternalSecretData {
        secret_key: secret_key.to_owned(),
        remote_ref: RemoteRef { key: key.to_owned(), property: property.to_owned() },
    };
    ExternalSecret {
        metadata: object_meta(SECRET, namespace, labels::platform(platform, SECRET)),
        spec: ExternalSecretSpec {
            refresh_interval: REFRESH.to_owned(),
            secret_store_ref: StoreRef { name: STORE.to_owned(), kind: "ClusterSecretStore".to_owned() },
            target: Target {
                name: SECRET.to_owned(),
                creation_policy: "Owner".to_owned(),
                template: Some(credentials_file()),
            },
            data: vec![
                item("AWS_ACCESS_KEY_ID", CREDENTIALS_KEY, "aws_access_key_id"),
                item("AWS_SECRET_ACCESS_KEY", CREDENTIALS_KEY, "aws_secret_access_key"),
                item("sse-c-key", ENCRYPTION_KEY, "key"),
            ],
        },
    }
}

/// An AWS shared credentials file built from the synced keys.
fn credentials_file() -> Template {
    let file = "[default]\naws_access_key_id = {{ .AWS_ACCESS_KEY_ID }}\naws_secret_access_key = {{ .AWS_SECRET_ACCESS_KEY }}\n";
    Template {
        kind: None,
        engine_version: "v2".to_owned(),
        merge_policy: "Merge".to_owned(),
        data: std::collections::BTreeMap::from([("credentials".to_owned(), file.to_owned())]),
    }
}

/// The S3 client's environment in `env`: where its credentials file is, the bucket's
/// region and endpoint, and the checksum switches OVHcloud's S3 needs. Credentials are
/// read from the mounted file, never from environment variables.
pub fn environment(platform: &Platform, env: Env) -> Vec<EnvVar> {
    let region = &platform.environments().get(env).region;
    let plain =
        |name: &str, value: &str| EnvVar { name: name.to_owned(), value: Some(value.to_owned()), value_from: None };
    let mut variables = vec![
        plain("AWS_SHARED_CREDENTIALS_FILE", &format!("{KEY_DIR}/credentials")),
        plain("AWS_DEFAULT_REGION", &object_storage::s3_region(region)),
        plain("AWS_ENDPOINT_URL_S3", &object_storage::endpoint(region)),
    ];
    variables.extend(object_storage::AWS_CHECKSUM_ENVIRONMENT.iter().map(|(name, value)| plain(name, value)));
    variables
}

/// The encryption key as a file.
pub fn key_volume() -> (Volume, VolumeMount) {
    let volume = Volume {
        name: "backup-key".to_owned(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(SECRET.to_owned()),
            default_mode: Some(0o400),
            ..Default::default()
        }),
        ..Default::default()
    };
    (
        volume,
        VolumeMount {
            name: "backup-key".to_owned(),
            mount_path: KEY_DIR.to_owned(),
            read_only: Some(true),
            ..Default::default()
        },
    )
}

/// The Secret Velero reads its Object Storage credentials from (key `cloud`, an AWS
/// credentials file), as its Helm values name it.
pub const VELERO_SECRET: &str = "velero-object-storage";

/// Velero's credentials, synced into its namespace.
pub fn velero_secret(platform: &Platform, namespace: &str) -> ExternalSecret {
    let mut secret = secret(platform, namespace);
    secret.metadata = object_meta(VELERO_SECRET, namespace, labels::platform(platform, VELERO_SECRET));
    secret.spec.target.name = VELERO_SECRET.to_owned();
    secret.spec.data.retain(|d| d.secret_key != "sse-c-key");
    if let Some(template) = secret.spec.target.template.as_mut() {
        let file = template.data.remove("credentials").unwrap_or_default();
        template.data.insert("cloud".to_owned(), file);
    }
    secret
}
