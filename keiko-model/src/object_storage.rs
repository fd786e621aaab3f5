//! OVHcloud Object Storage as an S3 service: the endpoint and region spelling every S3
//! client uses (Terraform's state backend, Velero, the backup and drill jobs). From
//! OVHcloud's Object Storage documentation, as summarized in shared/ovh/notes.md:
//! endpoints are `https://s3.<region>.io.cloud.ovh.net`, and S3 spells the region in
//! lower case without datacenter digits (`gra`), where the OVH API writes `GRA` and
//! Managed Kubernetes `GRA11`.

/// The S3 spelling of an OVHcloud region (`GRA`, `GRA9` → `gra`).
pub fn s3_region(region: &str) -> String {
    region.trim_end_matches(|c: char| c.is_ascii_digit()).to_ascii_lowercase()
}

/// The S3 endpoint of an OVHcloud region (`GRA` → `https://s3.gra.io.cloud.ovh.net`).
pub fn endpoint(region: &str) -> String {
    format!("https://s3.{}.io.cloud.ovh.net", s3_region(region))
}
