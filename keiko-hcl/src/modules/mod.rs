//! The reusable Terraform modules: every environment calls the same ones with its own inputs.

pub mod argocd_bootstrap;
pub mod harbor;
pub mod object_storage;
pub mod object_storage_user;
pub mod ovh_kubernetes;
pub mod ovh_postgres;
pub mod private_network;
pub mod registry;
pub mod secrets;

use crate::blocks::object_type;
use crate::expr::call;
use hcl::{Body, Expression};

/// One module directory: `modules/<dir>/{main,variables,outputs,versions}.tf`.
pub struct Module {
    /// The directory name under `modules/`.
    pub dir: &'static str,
    /// Resources and data sources.
    pub main: Body,
    /// Input variables.
    pub variables: Body,
    /// Outputs.
    pub outputs: Body,
    /// The providers it uses (local names).
    pub providers: &'static [&'static str],
}

/// Every module, in directory order.
pub fn all() -> Vec<Module> {
    vec![
        argocd_bootstrap::module(),
        harbor::project_module(),
        object_storage::module(),
        object_storage_user::module(),
        ovh_kubernetes::module(),
        ovh_postgres::module(),
        private_network::module(),
        harbor::pull_module(),
        registry::module(),
        secrets::module(),
    ]
}

/// The type of `var.databases`, which `ovh-postgres` and `secrets` both take from
/// `local.databases`: per service, its database name, PgBouncer pool size, password reset
/// token, team and cost center.
pub fn databases_type() -> Expression {
    call(
        "map",
        [object_type([
            ("database", "string"),
            ("pool_size", "number"),
            ("password_reset", "string"),
            ("team", "string"),
            ("cost_center", "string"),
        ])],
    )
}

/// The type of `var.stores` (module `secrets`, from `local.stores`): per stateful store, the
/// user its credentials name, team and cost center.
pub fn stores_type() -> Expression {
    call("map", [object_type([("username", "string"), ("team", "string"), ("cost_center", "string")])])
}
