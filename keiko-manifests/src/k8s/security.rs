//! Secure defaults, in one place. Every workload gets these; each line says what it
//! defaults to and why. Together they satisfy the `restricted` Pod Security Standard.

use k8s_openapi::api::core::v1::{
    Capabilities, EmptyDirVolumeSource, PodSecurityContext, SeccompProfile, SecurityContext, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// The user and group services run as: any non-zero ID; 10001 is outside the range
/// that base images assign to system accounts.
pub const SERVICE_UID: i64 = 10001;

/// The Pod Security Admission level every platform namespace enforces, audits and warns on.
pub const POD_SECURITY_LEVEL: &str = "restricted";

/// The pod-level context for a workload running as `uid`.
pub fn pod_security(uid: i64) -> PodSecurityContext {
    PodSecurityContext {
        // Refuse to start a container whose image would run as root.
        run_as_non_root: Some(true),
        run_as_user: Some(uid),
        run_as_group: Some(uid),
        // Mounted volumes are group-owned by the workload so it can write its data.
        fs_group: Some(uid),
        // The container runtime's default syscall filter (required by `restricted`).
        seccomp_profile: Some(runtime_default_seccomp()),
        ..Default::default()
    }
}

/// The container-level context every container gets.
pub fn container_security() -> SecurityContext {
    SecurityContext {
        // No setuid binaries or file capabilities can raise privileges.
        allow_privilege_escalation: Some(false),
        // No Linux capabilities at all; nothing here binds ports below 1024.
        capabilities: Some(Capabilities { drop: Some(vec!["ALL".to_owned()]), add: None }),
        // The image is immutable at run time; writable paths are explicit emptyDirs.
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        privileged: Some(false),
        seccomp_profile: Some(runtime_default_seccomp()),
        ..Default::default()
    }
}

fn runtime_default_seccomp() -> SeccompProfile {
    SeccompProfile { type_: "RuntimeDefault".to_owned(), localhost_profile: None }
}

/// The writable scratch volume for `/tmp` that a read-only root filesystem needs,
/// bounded so a runaway writer cannot fill the node's disk.
pub fn tmp_volume() -> Volume {
    Volume {
        name: "tmp".to_owned(),
        empty_dir: Some(EmptyDirVolumeSource { size_limit: Some(Quantity("256Mi".to_owned())), medium: None }),
        ..Default::default()
    }
}

/// Where the scratch volume is mounted.
pub fn tmp_mount() -> VolumeMount {
    VolumeMount { name: "tmp".to_owned(), mount_path: "/tmp".to_owned(), ..Default::default() }
}
