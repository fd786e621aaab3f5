//! Module `ovh-postgres`: one managed PostgreSQL service with a database, a user and a
//! connection pool per service.
//!
//! Pooling: each database gets an OVHcloud-managed PgBouncer pool (`transaction` mode, sized
//! from the spec's `pool_size`), reached on the service's host at the pool's own port; the pool
//! is named after its database, which is the database name clients give (ADR 0006).
//! TLS: OVHcloud managed PostgreSQL only accepts TLS connections; clients verify the server
//! with the service's CA (`ca` output) and `sslmode=verify-full` (written into each secret).
//! Backups: OVHcloud takes daily automated backups at `backup_time`; the 6-hourly dumps to
//! Object Storage come from the Kubernetes backup jobs.
//! Grants: on PostgreSQL 15+ a user created through the API cannot CREATE in `public`, so the
//! `owner_statements` output lists `ALTER DATABASE .. OWNER TO ..` for avnadmin to run once.

use super::{Module, databases_type};
use crate::blocks::{
    Variable, data, dynamic, object_type, output, prevent_destroy, resource, sensitive_output, variable,
};
use crate::expr::{attr, bare, call, index, num, object, reference, var};
use crate::resources::{
    DATABASE, DATABASE_CERTIFICATES, DATABASE_DATABASE, POSTGRESQL_CONNECTION_POOL, POSTGRESQL_USER,
};
use crate::validation::{all, all_cidrs, at_least, matches, not_empty};
use hcl::expr::ForExpr;
use hcl::{Block, Body, Expression, Identifier};

/// The daily automated backup time (UTC), outside European working hours.
pub const BACKUP_TIME: &str = "02:00:00";
/// Plans and their node counts: `essential` 1, `business` 2, `enterprise` 3.
pub const PLANS: [(&str, u32); 3] = [("essential", 1), ("business", 2), ("enterprise", 3)];
/// The PgBouncer pooling mode: a server connection is held for one transaction only, so
/// session state (prepared statements across transactions, advisory locks, `SET`) is unusable.
pub const POOL_MODE: &str = "transaction";

/// The `ovh-postgres` module.
pub fn module() -> Module {
    let main = Body::builder()
        .add_block(locals())
        .add_block(service())
        .add_block(certificates())
        .add_block(per_database(DATABASE_DATABASE, "database", reference("each", &["value", "database"])))
        .add_block(per_database(POSTGRESQL_USER, "user", reference("each", &["key"])))
        .add_block(connection_pool())
        .build();
    Module { dir: "ovh-postgres", main, variables: variables(), outputs: outputs(), providers: &["ovh"] }
}

fn locals() -> Block {
    let plans = object(PLANS.iter().map(|(plan, nodes)| (*plan, num(*nodes))));
    Block::builder("locals").add_attribute(("nodes_per_plan", plans)).build()
}

fn service() -> Block {
    let plan = attr(var("postgres"), "plan");
    let nodes = call("range", [index(reference("local", &["nodes_per_plan"]), plan.clone())]);
    let restriction = Body::builder()
        .add_attribute(("description", "The environment's private subnet"))
        .add_attribute(("ip", reference("ip_restrictions", &["value"])))
        .build();
    let node = Body::builder()
        .add_attribute(("region", var("region")))
        .add_attribute(("network_id", var("network_id")))
        .add_attribute(("subnet_id", var("subnet_id")))
        .build();
    resource(DATABASE, "postgres")
        .add_attribute(("description", var("name")))
        .add_attribute(("engine", "postgresql"))
        .add_attribute(("version", attr(var("postgres"), "version")))
        .add_attribute(("plan", plan))
        .add_attribute(("flavor", attr(var("postgres"), "flavor")))
        .add_attribute(("backup_time", BACKUP_TIME))
        .add_attribute(("deletion_protection", true))
        .add_block(dynamic("nodes", nodes, node))
        .add_block(dynamic("ip_restrictions", var("allowed_cidrs"), restriction))
        .add_block(prevent_destroy())
        .build()
}

/// A resource per entry of `var.databases`, named by `name`.
fn per_database(kind: &str, label: &str, name: Expression) -> Block {
    let mut builder = resource(kind, label)
        .add_attribute(("for_each", var("databases")))
        .add_attribute(("cluster_id", reference(DATABASE, &["postgres", "id"])));
    if kind == DATABASE_DATABASE {
        builder = builder.add_attribute(("engine", reference(DATABASE, &["postgres", "engine"])));
    }
    builder = builder.add_attribute(("name", name));
    if kind == POSTGRESQL_USER {
        // A new value resets the password in place (no new user, no lost grants).
        builder = builder.add_attribute(("password_reset", reference("each", &["value", "password_reset"])));
    }
    builder.build()
}

/// `<kind>.<label>[each.key].<field>`: the same service's resource of another `for_each`.
fn sibling(kind: &str, label: &str, field: &str) -> Expression {
    attr(index(reference(kind, &[label]), reference("each", &["key"])), field)
}

/// One managed PgBouncer pool per database, named like the database and logged in as the
/// service's user.
fn connection_pool() -> Block {
    resource(POSTGRESQL_CONNECTION_POOL, "pool")
        .add_attribute(("for_each", var("databases")))
        .add_attribute(("cluster_id", reference(DATABASE, &["postgres", "id"])))
        .add_attribute(("database_id", sibling(DATABASE_DATABASE, "database", "id")))
        .add_attribute(("user_id", sibling(POSTGRESQL_USER, "user", "id")))
        .add_attribute(("name", reference("each", &["value", "database"])))
        .add_attribute(("mode", POOL_MODE))
        .add_attribute(("size", reference("each", &["value", "pool_size"])))
        .build()
}

/// The service's CA certificate (PEM), which clients need for `sslmode=verify-full`.
fn certificates() -> Block {
    data(DATABASE_CERTIFICATES, "postgres")
        .add_attribute(("cluster_id", reference(DATABASE, &["postgres", "id"])))
        .add_attribute(("engine", reference(DATABASE, &["postgres", "engine"])))
        .build()
}

fn variables() -> Body {
    let plans: Vec<&str> = PLANS.iter().map(|(plan, _)| *plan).collect();
    Body::builder()
        .add_block(variable(Variable {
            name: "name",
            description: "The service's description: the environment's cluster name.",
            kind: bare("string"),
            rules: vec![(matches("name", "^[a-z][a-z0-9-]+$"), "Use a DNS label.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "region",
            description: "The OVHcloud region of the nodes, such as GRA.",
            kind: bare("string"),
            rules: vec![(matches("region", "^[A-Z]+[0-9]*$"), "Use an OVHcloud region such as GRA.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "postgres",
            description: "The PostgreSQL major version, plan and node flavor.",
            kind: object_type([("version", "string"), ("plan", "string"), ("flavor", "string")]),
            rules: vec![(
                call("contains", [crate::expr::strings(plans), attr(var("postgres"), "plan")]),
                "plan must be essential, business or enterprise.",
            )],
            sensitive: false,
            default: None,
        }))
        .add_block(crate::validation::string_variable(
            "network_id",
            "The private network's regional OpenStack ID the nodes join (module private-network).",
            "^.+$",
            "Give the network's ID.",
        ))
        .add_block(crate::validation::string_variable(
            "subnet_id",
            "The subnet the nodes get their addresses in (module private-network).",
            "^.+$",
            "Give the subnet's ID.",
        ))
        .add_block(variable(Variable {
            name: "allowed_cidrs",
            description: "The CIDR blocks allowed to connect: the environment's private subnet.",
            kind: call("list", [bare("string")]),
            rules: vec![
                (not_empty("allowed_cidrs"), "At least one CIDR is needed, or nothing can connect."),
                (all_cidrs("allowed_cidrs"), "Every entry must be a CIDR block such as 10.10.0.0/24."),
            ],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "databases",
            description: "The services that own a database, by service name: database name, pool size, team and cost center.",
            kind: databases_type(),
            rules: vec![
                (not_empty("databases"), "At least one database is expected."),
                (
                    all(var("databases"), |db| at_least(attr(db, "pool_size"), 1)),
                    "Every connection pool needs at least one connection.",
                ),
            ],
            sensitive: false,
            default: None,
        }))
        .build()
}

fn outputs() -> Body {
    let endpoint = |field: &str| attr(index(reference(DATABASE, &["postgres", "endpoints"]), num(0)), field);
    Body::builder()
        .add_block(output("id", "The managed service ID.", reference(DATABASE, &["postgres", "id"])))
        .add_block(output("host", "The primary endpoint's host name.", endpoint("domain")))
        .add_block(output(
            "port",
            "The primary endpoint's port (direct connections, for migrations).",
            endpoint("port"),
        ))
        .add_block(output("pool_ports", "Each service's connection pool port, by service name.", pool_ports()))
        .add_block(output(
            "ca",
            "The service's CA certificate (PEM), for sslmode=verify-full.",
            reference("data", &[DATABASE_CERTIFICATES, "postgres", "ca"]),
        ))
        .add_block(sensitive_output("passwords", "Each service user's password, by service name.", passwords()))
        .add_block(output(
            "owner_statements",
            "SQL for avnadmin to run once per database (PostgreSQL 15+ grants).",
            owners(),
        ))
        .build()
}

/// `{ for name, user in <users> : name => user.password }`.
fn passwords() -> Expression {
    let users = reference(POSTGRESQL_USER, &["user"]);
    ForExpr::new(Identifier::unchecked("user"), users, reference("user", &["password"]))
        .with_key_var(Identifier::unchecked("name"))
        .with_key_expr(bare("name"))
        .into()
}

/// `{ for name, pool in <pools> : name => pool.port }`.
fn pool_ports() -> Expression {
    let pools = reference(POSTGRESQL_CONNECTION_POOL, &["pool"]);
    ForExpr::new(Identifier::unchecked("pool"), pools, reference("pool", &["port"]))
        .with_key_var(Identifier::unchecked("name"))
        .with_key_expr(bare("name"))
        .into()
}

/// `{ for name, db in var.databases : name => format("ALTER DATABASE ..", db.database, name) }`.
fn owners() -> Expression {
    let statement = "ALTER DATABASE \"%s\" OWNER TO \"%s\";";
    let sql = call("format", [statement.into(), reference("db", &["database"]), bare("name")]);
    ForExpr::new(Identifier::unchecked("db"), var("databases"), sql)
        .with_key_var(Identifier::unchecked("name"))
        .with_key_expr(bare("name"))
        .into()
}
