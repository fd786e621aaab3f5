//! The `main.tf` of an environment's infrastructure root: the ovh provider, shared locals
//! and the modules that create what the cluster and its workloads run on.

use crate::blocks::module_call;
use crate::error::HclError;
use crate::expr::{ident_object, num, object, reference};
use crate::names::ident;
use crate::providers;
use hcl::{Block, Body, Expression};
use keiko_model::Platform;
use keiko_model::generated::MANAGED_BY;
use keiko_spec::Env;
use keiko_spec::platform::{Environment, NodePool};

/// Modules, relative to an environment's root (`envs/<env>/<root>`).
pub const MODULES: &str = "../../../modules";
/// The OVHcloud subsidiary that bills Keiko's KMS.
pub const OVH_SUBSIDIARY: &str = "FR";
/// The call of module `private-network`.
pub const NETWORK: &str = "network";
/// The call of module `object-storage-user` that makes Velero's S3 key.
pub const VELERO_STORAGE: &str = "velero_storage";

/// The infrastructure `main.tf` of `env`.
pub fn main_tf(platform: &Platform, env: Env, environment: &Environment) -> Result<Body, HclError> {
    Ok(Body::builder()
        .add_block(locals(platform, env)?)
        .add_block(providers::ovh())
        .add_block(network(environment))
        .add_block(kubernetes(platform, environment))
        .add_block(postgres(environment))
        .add_block(backups(platform, env, environment))
        .add_block(velero_storage(environment))
        .add_block(secrets(env, environment))
        .build())
}

/// `local.tags` (cost tracking per environment), `local.databases` (per service) and
/// `local.stores` (per stateful store).
fn locals(platform: &Platform, env: Env) -> Result<Block, HclError> {
    let tags = object([
        ("environment", env.name().into()),
        ("managed_by", MANAGED_BY.into()),
        ("platform", platform.settings().name.as_str().into()),
    ]);
    Ok(Block::builder("locals")
        .add_attribute(("tags", tags))
        .add_attribute(("databases", databases(platform)?))
        .add_attribute(("stores", stores(platform)?))
        .build())
}

/// Every stateful store, keyed by name: the user its credentials name, team and cost center.
pub fn stores(platform: &Platform) -> Result<Expression, HclError> {
    let mut entries = Vec::new();
    for (name, store) in platform.stateful() {
        let value = object([
            ("username", keiko_model::secrets::store_username(store.engine).into()),
            ("team", store.team.as_str().into()),
            ("cost_center", store.cost_center.as_str().into()),
        ]);
        entries.push((ident(name, &format!("stateful.{name}"))?, value));
    }
    Ok(ident_object(entries))
}

/// Every service with a database, keyed by service name: database name, connection pool size,
/// team and cost center.
pub fn databases(platform: &Platform) -> Result<Expression, HclError> {
    let mut entries = Vec::new();
    for (name, service) in platform.services() {
        let Some(database) = &service.database else { continue };
        let value = object([
            ("database", database.name.as_str().into()),
            ("pool_size", num(database.pool_size)),
            ("password_reset", database.password_reset.as_str().into()),
            ("team", service.team.as_str().into()),
            ("cost_center", service.cost_center.as_str().into()),
        ]);
        entries.push((ident(name, &format!("services.{name}"))?, value));
    }
    Ok(ident_object(entries))
}

fn pool(pool: &NodePool) -> Expression {
    object([
        ("flavor", pool.flavor.as_str().into()),
        ("desired_nodes", num(pool.desired_nodes)),
        ("min_nodes", num(pool.min_nodes)),
        ("max_nodes", num(pool.max_nodes)),
    ])
}

/// The private network, in the cluster's datacenter: the cluster and the database join it.
fn network(environment: &Environment) -> Block {
    module_call(NETWORK, MODULES, "private-network")
        .add_attribute(("name", environment.cluster.as_str()))
        .add_attribute(("region", environment.mks_region()))
        .add_attribute(("vlan_id", num(environment.network.vlan_id)))
        .add_attribute(("subnet", environment.network.subnet.as_str()))
        .build()
}

/// `module.network.<field>`.
fn network_output(field: &str) -> Expression {
    reference("module", &[NETWORK, field])
}

fn kubernetes(platform: &Platform, environment: &Environment) -> Block {
    module_call("kubernetes", MODULES, "ovh-kubernetes")
        .add_attribute(("cluster_name", environment.cluster.as_str()))
        .add_attribute(("region", environment.mks_region()))
        .add_attribute(("kubernetes_version", platform.settings().kubernetes_version.as_str()))
        .add_attribute(("private_network_id", network_output("openstack_id")))
        .add_attribute(("subnet_id", network_output("subnet_id")))
        .add_attribute(("pods_cidr", environment.network.pods.as_str()))
        .add_attribute(("services_cidr", environment.network.services.as_str()))
        .add_attribute(("system_pool", pool(&environment.node_pools.system)))
        .add_attribute(("applications_pool", pool(&environment.node_pools.applications)))
        // Nodes come up routing through the gateway, so it must exist first.
        .add_attribute(("depends_on", Expression::Array(vec![reference("module", &[NETWORK])])))
        .build()
}

fn postgres(environment: &Environment) -> Block {
    let pg = &environment.postgres;
    let settings = object([
        ("version", pg.version.as_str().into()),
        ("plan", pg.plan.as_str().into()),
        ("flavor", pg.flavor.as_str().into()),
    ]);
    module_call("postgres", MODULES, "ovh-postgres")
        .add_attribute(("name", environment.cluster.as_str()))
        .add_attribute(("region", environment.region.as_str()))
        .add_attribute(("postgres", settings))
        .add_attribute(("network_id", network_output("openstack_id")))
        .add_attribute(("subnet_id", network_output("subnet_id")))
        .add_attribute(("allowed_cidrs", Expression::Array(vec![environment.network.subnet.as_str().into()])))
        .add_attribute(("databases", reference("local", &["databases"])))
        .build()
}

fn backups(platform: &Platform, env: Env, environment: &Environment) -> Block {
    let b = platform.backups();
    let rule =
        |id: &str, prefix: &str, days: u32| object([("id", id.into()), ("prefix", prefix.into()), ("days", num(days))]);
    let rules = Expression::Array(vec![
        rule("daily", "daily/", b.daily_retention_days),
        rule("weekly", "weekly/", b.weekly_retention_days),
    ]);
    module_call("backups", MODULES, "object-storage")
        .add_attribute(("name", b.bucket(env)))
        .add_attribute(("region", environment.region.as_str()))
        .add_attribute(("expiration_rules", rules))
        .add_attribute(("tags", reference("local", &["tags"])))
        .build()
}

/// The Object Storage user whose S3 key Velero writes the backup bucket with.
fn velero_storage(environment: &Environment) -> Block {
    module_call(VELERO_STORAGE, MODULES, "object-storage-user")
        .add_attribute(("description", format!("velero {}", environment.cluster)))
        .add_attribute(("bucket", reference("module", &["backups", "name"])))
        .build()
}

fn secrets(env: Env, environment: &Environment) -> Block {
    let postgres = |field: &str| reference("module", &["postgres", field]);
    let velero = |field: &str| reference("module", &[VELERO_STORAGE, field]);
    module_call("secrets", MODULES, "secrets")
        .add_attribute(("name", environment.cluster.as_str()))
        .add_attribute(("environment", env.name()))
        .add_attribute(("ovh_subsidiary", OVH_SUBSIDIARY))
        .add_attribute(("kms_region", environment.secret_manager.region.as_str()))
        .add_attribute(("database_host", postgres("host")))
        .add_attribute(("database_port", postgres("port")))
        .add_attribute(("database_pool_ports", postgres("pool_ports")))
        .add_attribute(("database_ca", postgres("ca")))
        .add_attribute(("databases", reference("local", &["databases"])))
        .add_attribute(("database_passwords", postgres("passwords")))
        .add_attribute(("stores", reference("local", &["stores"])))
        .add_attribute(("velero_access_key_id", velero("access_key_id")))
        .add_attribute(("velero_secret_access_key", velero("secret_access_key")))
        .build()
}
