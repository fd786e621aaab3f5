//! Object metadata shared by every builder.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// Metadata with a name, namespace and labels.
pub fn object_meta(name: &str, namespace: &str, labels: BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: Some(namespace.to_owned()),
        labels: Some(labels),
        ..Default::default()
    }
}

/// A stable, dependency-free FNV-1a hash as 16 hex digits; used to roll pods when their
/// configuration changes, never for security.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// CPU and memory quantities, as requests, limits or defaults take them.
pub fn quantities(
    cpu: &str,
    memory: &str,
) -> std::collections::BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity> {
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    BTreeMap::from([("cpu".to_owned(), Quantity(cpu.to_owned())), ("memory".to_owned(), Quantity(memory.to_owned()))])
}

/// Requests and limits as the spec gives them.
pub fn requirements(resources: &keiko_spec::service::Resources) -> k8s_openapi::api::core::v1::ResourceRequirements {
    let (requests, limits) = (&resources.requests, &resources.limits);
    k8s_openapi::api::core::v1::ResourceRequirements {
        requests: Some(quantities(&requests.cpu, &requests.memory)),
        limits: Some(quantities(&limits.cpu, &limits.memory)),
        ..Default::default()
    }
}

/// A ReadWriteOnce volume claim template named `name`, of `size` on `class`.
pub fn volume_claim(name: &str, class: &str, size: &str) -> k8s_openapi::api::core::v1::PersistentVolumeClaim {
    use k8s_openapi::api::core::v1::{PersistentVolumeClaim, PersistentVolumeClaimSpec, VolumeResourceRequirements};
    PersistentVolumeClaim {
        metadata: ObjectMeta { name: Some(name.to_owned()), ..Default::default() },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
            storage_class_name: Some(class.to_owned()),
            resources: Some(VolumeResourceRequirements {
                requests: Some(std::collections::BTreeMap::from([(
                    "storage".to_owned(),
                    k8s_openapi::apimachinery::pkg::api::resource::Quantity(size.to_owned()),
                )])),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}
