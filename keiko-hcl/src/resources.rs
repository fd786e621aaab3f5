//! The one table of provider resource types, so a provider rename is one edit.
//!
//! ovh/ovh plans to rename `ovh_cloud_project_kube*` and `ovh_cloud_project_database*`
//! (`ovh_cloud_managed_*`) in its next major version.

/// Managed Kubernetes cluster.
pub const KUBE: &str = "ovh_cloud_project_kube";
/// Managed Kubernetes node pool.
pub const KUBE_NODEPOOL: &str = "ovh_cloud_project_kube_nodepool";
/// Managed database service.
pub const DATABASE: &str = "ovh_cloud_project_database";
/// A logical database inside a managed service.
pub const DATABASE_DATABASE: &str = "ovh_cloud_project_database_database";
/// A PostgreSQL user of a managed service.
pub const POSTGRESQL_USER: &str = "ovh_cloud_project_database_postgresql_user";
/// A PgBouncer connection pool in front of one database, run by OVHcloud.
pub const POSTGRESQL_CONNECTION_POOL: &str = "ovh_cloud_project_database_postgresql_connection_pool";
/// The data source that reads a managed database service's CA certificate.
pub const DATABASE_CERTIFICATES: &str = "ovh_cloud_project_database_certificates";
/// A Public Cloud project user (here: an Object Storage user).
pub const PROJECT_USER: &str = "ovh_cloud_project_user";
/// The S3 access key of a Public Cloud project user.
pub const PROJECT_USER_S3_CREDENTIAL: &str = "ovh_cloud_project_user_s3_credential";
/// The S3 policy limiting a Public Cloud user to named buckets.
pub const PROJECT_USER_S3_POLICY: &str = "ovh_cloud_project_user_s3_policy";
/// An Object Storage bucket.
pub const STORAGE: &str = "ovh_cloud_project_storage";
/// An Object Storage bucket's lifecycle rules.
pub const STORAGE_LIFECYCLE: &str = "ovh_cloud_project_storage_object_bucket_lifecycle_configuration";
/// A managed container registry.
pub const REGISTRY: &str = "ovh_cloud_project_containerregistry";
/// The data source that finds a registry plan by name.
pub const REGISTRY_PLAN: &str = "ovh_cloud_project_capabilities_containerregistry_filter";
/// An OVHcloud KMS (holds the Secret Manager).
pub const OKMS: &str = "ovh_okms";
/// A Secret Manager secret (KV v2).
pub const OKMS_SECRET: &str = "ovh_okms_secret";
/// A private network in the project's vRack.
pub const NETWORK_PRIVATE: &str = "ovh_cloud_project_network_private";
/// A subnet of a private network, in one region.
pub const NETWORK_PRIVATE_SUBNET: &str = "ovh_cloud_project_network_private_subnet";
/// An OVHcloud Gateway: public egress (SNAT) for a private subnet.
pub const GATEWAY: &str = "ovh_cloud_project_gateway";
/// A user of the managed registry (its Harbor's administrator, for Terraform).
pub const REGISTRY_USER: &str = "ovh_cloud_project_containerregistry_user";
/// A Harbor project: where the services' images live.
pub const HARBOR_PROJECT: &str = "harbor_project";
/// A Harbor robot account: a credential scoped to projects and actions.
pub const HARBOR_ROBOT: &str = "harbor_robot_account";
/// A Helm release.
pub const HELM_RELEASE: &str = "helm_release";
/// A generated password (hashicorp/random), kept in state and written to the Secret Manager.
pub const RANDOM_PASSWORD: &str = "random_password";

/// Every resource type the generated code may use, for the schema test.
pub const ALL: [&str; 22] = [
    KUBE,
    KUBE_NODEPOOL,
    DATABASE,
    DATABASE_DATABASE,
    POSTGRESQL_USER,
    POSTGRESQL_CONNECTION_POOL,
    PROJECT_USER,
    PROJECT_USER_S3_CREDENTIAL,
    PROJECT_USER_S3_POLICY,
    STORAGE,
    STORAGE_LIFECYCLE,
    REGISTRY,
    OKMS,
    OKMS_SECRET,
    HELM_RELEASE,
    RANDOM_PASSWORD,
    NETWORK_PRIVATE,
    NETWORK_PRIVATE_SUBNET,
    GATEWAY,
    REGISTRY_USER,
    HARBOR_PROJECT,
    HARBOR_ROBOT,
];

/// Every data source type the generated code may use, for the schema test.
pub const DATA_SOURCES: [&str; 2] = [REGISTRY_PLAN, DATABASE_CERTIFICATES];
