//! The `s3` backend on OVHcloud Object Storage, with native lock files.

use crate::expr::object;
use hcl::{Block, Expression};

/// Where a root keeps its state: bucket and key.
pub struct StateLocation<'a> {
    /// The state bucket.
    pub bucket: &'a str,
    /// The object key (`<env>/terraform.tfstate`).
    pub key: &'a str,
    /// The OVHcloud region of the bucket, as the spec writes it (`GRA`).
    pub region: &'a str,
}

pub use keiko_model::object_storage::{endpoint as s3_endpoint, s3_region};

/// `backend "s3" { .. }`: the skip_* settings turn off the AWS-only checks (STS, IAM, region
/// names, checksum headers) that OVHcloud does not implement; `use_lockfile` locks with
/// `<key>.tflock` through conditional writes instead of a DynamoDB table.
pub fn s3(location: &StateLocation<'_>) -> Block {
    let settings = settings(location, true);
    settings.into_iter().fold(Block::builder("backend").add_label("s3"), |b, a| b.add_attribute(a)).build()
}

/// The `config` of a `terraform_remote_state` that reads the state at `location`: the
/// backend's settings without the lock, since a reader never writes.
pub fn remote_state_config(location: &StateLocation<'_>) -> Expression {
    object(settings(location, false))
}

fn settings(location: &StateLocation<'_>, lock: bool) -> Vec<(&'static str, Expression)> {
    let mut settings = vec![
        ("bucket", location.bucket.into()),
        ("key", location.key.into()),
        ("region", s3_region(location.region).into()),
        ("endpoints", object([("s3", s3_endpoint(location.region).into())])),
    ];
    if lock {
        settings.push(("use_lockfile", true.into()));
    }
    settings.extend(
        [
            "skip_credentials_validation",
            "skip_metadata_api_check",
            "skip_region_validation",
            "skip_requesting_account_id",
            "skip_s3_checksum",
        ]
        .map(|name| (name, Expression::from(true))),
    );
    settings
}
