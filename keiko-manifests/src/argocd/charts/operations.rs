//! Values of the operations add-ons: Velero (cluster backups) and the VPA recommender.

use crate::argocd::values::{Placement, system_pool};
use keiko_model::Platform;
use keiko_model::object_storage;
use keiko_spec::Env;
use serde::Serialize;
use std::collections::BTreeMap;

/// The AWS object-store plugin Velero uses for S3-compatible storage, pinned.
const VELERO_AWS_PLUGIN: &str = "velero/velero-plugin-for-aws:v1.12.1";

/// `velero` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Velero {
    configuration: VeleroConfiguration,
    credentials: Credentials,
    init_containers: Vec<InitContainer>,
    deploy_node_agent: bool,
    snapshots_enabled: bool,
    #[serde(flatten)]
    placement: Placement,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct VeleroConfiguration {
    backup_storage_location: Vec<BackupStorageLocation>,
}

#[derive(Debug, Serialize)]
struct BackupStorageLocation {
    name: String,
    provider: String,
    bucket: String,
    prefix: String,
    config: BTreeMap<String, String>,
}

/// The Secret holding the Object Storage S3 credentials, synced by External Secrets.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Credentials {
    use_secret: bool,
    existing_secret: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct InitContainer {
    name: String,
    image: String,
    volume_mounts: Vec<VolumeMount>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct VolumeMount {
    mount_path: String,
    name: String,
}

/// Velero writes cluster-resource backups (the argocd namespace included) and the stores'
/// file-system volume backups (its node agent) to the environment's bucket under `velero/`.
pub fn velero(platform: &Platform, env: Env) -> Velero {
    let config = BTreeMap::from([
        ("region".to_owned(), object_storage::s3_region(&platform.environments().get(env).region)),
        ("s3Url".to_owned(), object_storage::endpoint(&platform.environments().get(env).region)),
        ("s3ForcePathStyle".to_owned(), "true".to_owned()),
        (object_storage::VELERO_CHECKSUM.0.to_owned(), object_storage::VELERO_CHECKSUM.1.to_owned()),
    ]);
    Velero {
        configuration: VeleroConfiguration {
            backup_storage_location: vec![BackupStorageLocation {
                name: "default".to_owned(),
                provider: "aws".to_owned(),
                bucket: platform.backups().bucket(env),
                prefix: "velero".to_owned(),
                config,
            }],
        },
        credentials: Credentials {
            use_secret: true,
            existing_secret: crate::backup::storage::VELERO_SECRET.to_owned(),
        },
        init_containers: vec![InitContainer {
            name: "velero-plugin-for-aws".to_owned(),
            image: VELERO_AWS_PLUGIN.to_owned(),
            volume_mounts: vec![VolumeMount { mount_path: "/target".to_owned(), name: "plugins".to_owned() }],
        }],
        deploy_node_agent: true,
        snapshots_enabled: false,
        placement: system_pool(),
    }
}

/// `vpa` chart values.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vpa {
    recommender: Component,
    updater: Enabled,
    admission_controller: Enabled,
}

#[derive(Debug, Serialize)]
struct Component {
    enabled: bool,
    #[serde(flatten)]
    placement: Placement,
}

#[derive(Debug, Serialize)]
struct Enabled {
    enabled: bool,
}

/// Only the recommender runs: VPAs are in recommendation mode, so the updater and the
/// admission controller that would resize pods are off.
pub fn vpa() -> Vpa {
    Vpa {
        recommender: Component { enabled: true, placement: system_pool() },
        updater: Enabled { enabled: false },
        admission_controller: Enabled { enabled: false },
    }
}
