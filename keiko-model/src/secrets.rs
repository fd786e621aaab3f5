//! What Terraform writes into the secret store (OVHcloud KMS, module `secrets`) and the
//! cluster's ExternalSecrets read back: both sides take the names from here.

/// The properties of each service's database secret, in the order both sides list them.
pub const DATABASE_PROPERTIES: [&str; 7] = ["database", "host", "port", "username", "password", "ca", "sslmode"];
