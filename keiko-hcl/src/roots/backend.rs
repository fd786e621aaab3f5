//! The `s3` backend on OVHcloud Object Storage, with native lock files.

use crate::expr::object;
use hcl::Block;

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
    Block::builder("backend")
        .add_label("s3")
        .add_attribute(("bucket", location.bucket))
        .add_attribute(("key", location.key))
        .add_attribute(("region", s3_region(location.region)))
        .add_attribute(("endpoints", object([("s3", s3_endpoint(location.region).into())])))
        .add_attribute(("use_lockfile", true))
        .add_attribute(("skip_credentials_validation", true))
        .add_attribute(("skip_metadata_api_check", true))
        .add_attribute(("skip_region_validation", true))
        .add_attribute(("skip_requesting_account_id", true))
        .add_attribute(("skip_s3_checksum", true))
        .build()
}
