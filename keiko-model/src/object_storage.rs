//! OVHcloud Object Storage as an S3 service: the endpoint and region spelling every S3
//! client uses (Terraform's state backend, Velero, the backup and drill jobs), and the
//! checksum settings OVHcloud's S3 needs from each (`tests/s3_clients.rs`). From
//! OVHcloud's Object Storage documentation, as summarized in shared/ovh/notes.md:
//! endpoints are `https://s3.<region>.io.cloud.ovh.net`, and S3 spells the region in
//! lower case without datacenter digits (`gra`), where the OVH API writes `GRA` and
//! Managed Kubernetes `GRA11`.

/// The AWS CLI's and SDKs' switches back to checksums only where S3 requires them. Since
/// the AWS SDKs' flexible checksums became the default (AWS CLI 2.23, January 2025) every
/// upload carries a CRC32 checksum header, which OVHcloud Object Storage rejects; these
/// are the documented environment settings that turn it off
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-dataintegrity.html).
pub const AWS_CHECKSUM_ENVIRONMENT: [(&str, &str); 2] =
    [("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required"), ("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required")];

/// Velero's AWS plugin sends CRC32 when its backup location's config has no
/// `checksumAlgorithm`; the empty string sends none (velero-plugin-for-aws v1.12.1,
/// velero-plugin-for-aws/object_store.go: `checksumAlgKey`, defaulting to
/// `types.ChecksumAlgorithmCrc32`; vmware-tanzu/velero#7952).
pub const VELERO_CHECKSUM: (&str, &str) = ("checksumAlgorithm", "");

/// The S3 spelling of an OVHcloud region (`GRA`, `GRA9` → `gra`).
pub fn s3_region(region: &str) -> String {
    region.trim_end_matches(|c: char| c.is_ascii_digit()).to_ascii_lowercase()
}

/// The S3 endpoint of an OVHcloud region (`GRA` → `https://s3.gra.io.cloud.ovh.net`).
pub fn endpoint(region: &str) -> String {
    format!("{SCHEME}://s3.{}.io.cloud.ovh.net", s3_region(region))
}

/// The endpoints' scheme: HTTPS only.
const SCHEME: &str = "https";
/// The port of [`SCHEME`] (the endpoints name no port), which network policies open.
pub const HTTPS_PORT: u16 = 443;
