//! How workloads reach the environment's managed PostgreSQL service: which addresses
//! (the environment's private subnet, where the database's nodes live, ADR 0018) and which
//! ports (what OVHcloud assigned to each connection pool, read from the Terraform facts,
//! ADR 0017). Until an environment's facts are imported its database egress stays closed:
//! a port is never guessed.

use crate::Platform;
use keiko_spec::Env;
use keiko_spec::facts::facts_file;

/// Private address ranges: public endpoints (Object Storage) are reached outside them.
pub const PRIVATE_RANGES: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// Where a workload may open connections to the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseEgress {
    /// The addresses and the exact ports, known from the facts.
    Open {
        /// The range the database answers in: the environment's private subnet.
        cidr: String,
        /// The pool ports this workload connects to, sorted.
        ports: Vec<u16>,
    },
    /// The environment's facts are not imported yet: nothing is opened.
    Pending {
        /// The facts file that would open it.
        facts_file: String,
    },
}

impl DatabaseEgress {
    /// Why the egress is closed, for a reviewer reading the rendered policy.
    pub fn pending_note(&self) -> Option<String> {
        match self {
            DatabaseEgress::Open { .. } => None,
            DatabaseEgress::Pending { facts_file } => Some(format!(
                "closed until {facts_file} holds this environment's Terraform facts (docs/runbooks/first-install.md, ADR 0017)"
            )),
        }
    }
}

fn egress(
    platform: &Platform,
    env: Env,
    ports: impl Fn(&keiko_spec::facts::PostgresFacts) -> Vec<u16>,
) -> DatabaseEgress {
    match platform.terraform_facts(env) {
        None => DatabaseEgress::Pending { facts_file: facts_file(env) },
        Some(facts) => {
            let mut ports = ports(&facts.postgres);
            ports.sort_unstable();
            ports.dedup();
            DatabaseEgress::Open { cidr: platform.environments().get(env).network.subnet.clone(), ports }
        }
    }
}

/// The database egress of `service` in `env`: its own pool's port.
pub fn for_service(platform: &Platform, env: Env, service: &str) -> DatabaseEgress {
    egress(platform, env, |pg| pg.pool_ports.get(service).copied().into_iter().collect())
}

/// The database egress of the backup pods in `env`: every pool, since each job dumps its
/// service's database through the credentials that service uses, and the primary's port,
/// which a restore uses (pg_restore needs a session, which a transaction pool does not keep;
/// docs/runbooks/restore-postgres.md).
pub fn for_backups(platform: &Platform, env: Env) -> DatabaseEgress {
    egress(platform, env, |pg| pg.pool_ports.values().copied().chain([pg.port]).collect())
}
