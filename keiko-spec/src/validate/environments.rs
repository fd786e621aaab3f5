//! Rules for the platform settings, environments, node pools and backups.

use super::{Checks, names};
use crate::document::RawSpec;
use crate::env::Env;
use crate::error::SpecPath;
use crate::platform::{NodePool, Postgres};

/// The longest gap allowed between two database backups (recovery point objective).
/// The longest allowed time between two database backups (the RPO), in minutes.
pub const MAX_BACKUP_GAP_MINUTES: u32 = 6 * 60;
/// The shortest retention of daily backups, in days.
pub const MIN_DAILY_RETENTION_DAYS: u32 = 30;
/// The shortest retention of weekly backups, in days.
pub const MIN_WEEKLY_RETENTION_DAYS: u32 = 365;

pub(super) fn check(raw: &RawSpec, checks: &mut Checks) {
    platform(raw, checks);
    for (env, environment) in raw.environments.iter() {
        let path = SpecPath::root().key("environments").key(env.name());
        checks.dns_label(&path.key("cluster"), &environment.cluster);
        checks.require(names::is_host_name(&environment.domain), &path.key("domain"), || {
            format!(
                "`{}` is not a host name: use lowercase DNS labels joined by dots, such as dev.keiko.example",
                environment.domain
            )
        });
        checks.require(is_region(&environment.region), &path.key("region"), || {
            format!(
                "`{}` is not an OVHcloud region: use upper-case letters and digits such as GRA or GRA9",
                environment.region
            )
        });
        checks.require(is_branch(&environment.branch), &path.key("branch"), || {
            format!("`{}` is not a valid Git branch name", environment.branch)
        });
        checks.require(is_bucket(&environment.state_bucket), &path.key("state_bucket"), || {
            format!(
                "`{}` is not a valid bucket name: use 3-63 lowercase letters, digits and '-'",
                environment.state_bucket
            )
        });
        node_pool(checks, &path.key("node_pools").key("system"), &environment.node_pools.system);
        node_pool(checks, &path.key("node_pools").key("applications"), &environment.node_pools.applications);
        let kube_region = environment.mks_region();
        checks.require(
            is_region(&kube_region) && kube_region.starts_with(environment.region.as_str()),
            &path.key("kubernetes_region"),
            || {
                format!(
                    "`{kube_region}` must be a datacenter of region {} such as {}11",
                    environment.region, environment.region
                )
            },
        );
        postgres(checks, &path.key("postgres"), &environment.postgres);
        network(checks, &path.key("network"), &environment.network);
    }
    distinct_per_environment(raw, checks);
    distinct_networks(raw, checks);
    backups(raw, checks);
}

/// The platform repository as GitHub's `owner/name`: the pipelines open pull requests
/// there, so any other Git host is refused here rather than when a workflow renders.
pub(super) fn github_repository(raw: &RawSpec, checks: &mut Checks) -> Option<String> {
    let url = &raw.platform.repository;
    let slug = url.strip_prefix("https://github.com/").map(|rest| rest.trim_end_matches(".git"));
    let valid = slug.filter(|slug| {
        slug.split_once('/').is_some_and(|(owner, name)| {
            let part = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
            part(owner) && part(name)
        })
    });
    checks.require(valid.is_some(), &SpecPath::root().key("platform").key("repository"), || {
        format!("`{url}` must be https://github.com/<owner>/<name>: the pipelines open pull requests there")
    });
    valid.map(str::to_owned)
}

fn platform(raw: &RawSpec, checks: &mut Checks) {
    let path = SpecPath::root().key("platform");
    let platform = &raw.platform;
    checks.dns_label(&path.key("name"), &platform.name);
    checks.dns_label(&path.key("organization"), &platform.organization);
    checks.dns_label(&path.key("namespace"), &platform.namespace);
    let host = platform.registry.split('/').next().unwrap_or_default();
    checks.require(names::is_host_name(host) && !platform.registry.contains("://"), &path.key("registry"), || {
        format!(
            "`{}` must be a registry host and path without scheme, such as registry.example/team",
            platform.registry
        )
    });
    checks.require(platform.kubernetes_version == "1.35", &path.key("kubernetes_version"), || {
        format!("`{}` is not supported: the manifests are built against Kubernetes 1.35", platform.kubernetes_version)
    });
}

fn node_pool(checks: &mut Checks, path: &SpecPath, pool: &NodePool) {
    checks.require(is_flavor(&pool.flavor), &path.key("flavor"), || {
        format!("`{}` is not an OVHcloud flavor name such as b2-7 or c3-16", pool.flavor)
    });
    checks.require(pool.min_nodes >= 1, &path.key("min_nodes"), || "must be at least 1".into());
    checks.require(
        pool.min_nodes <= pool.desired_nodes && pool.desired_nodes <= pool.max_nodes,
        &path.key("desired_nodes"),
        || {
            format!(
                "must lie within min_nodes..=max_nodes ({}..={}), got {}",
                pool.min_nodes, pool.max_nodes, pool.desired_nodes
            )
        },
    );
}

/// The managed PostgreSQL plans OVHcloud offers.
const POSTGRES_PLANS: [&str; 3] = ["essential", "business", "enterprise"];

fn postgres(checks: &mut Checks, path: &SpecPath, postgres: &Postgres) {
    let version_ok = matches!(postgres.version.parse::<u32>(), Ok(13..=18));
    checks.require(version_ok, &path.key("version"), || {
        format!("`{}` is not a supported PostgreSQL major version: use 13 to 18, such as \"17\"", postgres.version)
    });
    checks.require(POSTGRES_PLANS.contains(&postgres.plan.as_str()), &path.key("plan"), || {
        format!("`{}` is not a PostgreSQL plan: use one of {}", postgres.plan, POSTGRES_PLANS.join(", "))
    });
    checks.require(is_flavor(&postgres.flavor), &path.key("flavor"), || {
        format!("`{}` is not a database flavor name such as db1-4", postgres.flavor)
    });
}

/// An IPv4 range `a.b.c.d/n` with no host bits set: its first address and prefix length.
pub fn cidr(text: &str) -> Option<(u32, u32)> {
    let (address, prefix) = text.split_once('/')?;
    let address: std::net::Ipv4Addr = address.parse().ok()?;
    let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
    let first = u32::from(address);
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    (first & !mask == 0).then_some((first, prefix))
}

/// Whether two ranges share an address.
fn overlap(a: (u32, u32), b: (u32, u32)) -> bool {
    let last = |(first, prefix): (u32, u32)| first | (u32::MAX.checked_shr(prefix).unwrap_or(0));
    a.0 <= last(b) && b.0 <= last(a)
}

/// Private (RFC 1918) ranges: the network is a vRack, never routed publicly.
fn is_private((first, prefix): (u32, u32)) -> bool {
    [("10.0.0.0/8"), ("172.16.0.0/12"), ("192.168.0.0/16")]
        .into_iter()
        .filter_map(cidr)
        .any(|(base, bits)| prefix >= bits && overlap((first, prefix), (base, bits)))
}

fn network(checks: &mut Checks, path: &SpecPath, network: &crate::platform::Network) {
    let ranges = [
        ("subnet", &network.subnet, 16..=28),
        ("pods", &network.pods, 8..=20),
        ("services", &network.services, 8..=24),
    ];
    let mut parsed = Vec::new();
    for (field, text, prefixes) in ranges {
        let range = cidr(text);
        let ok = range.is_some_and(|r| is_private(r) && prefixes.contains(&r.1));
        checks.require(ok, &path.key(field), || {
            format!(
                "`{text}` is not a private IPv4 range with a prefix from /{} to /{} and no host bits (such as 10.10.0.0/24)",
                prefixes.start(),
                prefixes.end()
            )
        });
        if let Some(range) = range.filter(|_| ok) {
            parsed.push((field, range));
        }
    }
    for (i, (field, range)) in parsed.iter().enumerate() {
        if let Some((other, _)) = parsed[..i].iter().find(|(_, earlier)| overlap(*earlier, *range)) {
            checks.require(false, &path.key(field), || {
                format!("overlaps network.{other}: the three ranges must be disjoint")
            });
        }
    }
}

/// No two environments on one VLAN or on overlapping subnets: in one vRack they would be
/// one network, and each environment's database would be open to the other's pods.
fn distinct_networks(raw: &RawSpec, checks: &mut Checks) {
    for (index, env) in Env::ALL.into_iter().enumerate() {
        let network = &raw.environments.get(env).network;
        let path = SpecPath::root().key("environments").key(env.name()).key("network");
        for other in &Env::ALL[..index] {
            let earlier = &raw.environments.get(*other).network;
            if earlier.vlan_id == network.vlan_id {
                checks.require(false, &path.key("vlan_id"), || {
                    format!(
                        "VLAN {} is already the network of {other}: each environment needs its own",
                        network.vlan_id
                    )
                });
            }
            if let (Some(a), Some(b)) = (cidr(&earlier.subnet), cidr(&network.subnet))
                && overlap(a, b)
            {
                checks.require(false, &path.key("subnet"), || {
                    format!("`{}` overlaps the subnet of {other} (`{}`)", network.subnet, earlier.subnet)
                });
            }
        }
    }
}

/// Reads one text field of an environment.
type Field = fn(&crate::platform::Environment) -> &str;

/// Clusters, branches, domains and state buckets must not be shared between environments.
fn distinct_per_environment(raw: &RawSpec, checks: &mut Checks) {
    let fields: [(&str, Field); 4] = [
        ("cluster", |e| &e.cluster),
        ("branch", |e| &e.branch),
        ("domain", |e| &e.domain),
        ("state_bucket", |e| &e.state_bucket),
    ];
    for (field, get) in fields {
        for (index, env) in Env::ALL.into_iter().enumerate() {
            let value = get(raw.environments.get(env));
            let earlier = Env::ALL[..index].iter().find(|other| get(raw.environments.get(**other)) == value);
            if let Some(other) = earlier {
                let path = SpecPath::root().key("environments").key(env.name()).key(field);
                checks.require(false, &path, || {
                    format!("`{value}` is already the {field} of {other}: each environment needs its own")
                });
            }
        }
    }
}

fn backups(raw: &RawSpec, checks: &mut Checks) {
    let path = SpecPath::root().key("backups");
    let backups = &raw.backups;
    if let Some(cron) = checks.cron(&path.key("database_schedule"), &backups.database_schedule) {
        let gap = cron.max_gap_minutes();
        checks.require(gap.is_some_and(|g| g <= MAX_BACKUP_GAP_MINUTES), &path.key("database_schedule"), || {
            format!(
                "backups must run at least every 6 hours; `{}` leaves gaps of up to {} minutes",
                backups.database_schedule,
                gap.unwrap_or(0)
            )
        });
    }
    checks.cron(&path.key("drill_schedule"), &backups.drill_schedule);
    checks.require(backups.daily_retention_days >= MIN_DAILY_RETENTION_DAYS, &path.key("daily_retention_days"), || {
        format!("must be at least {MIN_DAILY_RETENTION_DAYS} days")
    });
    checks.require(
        backups.weekly_retention_days >= MIN_WEEKLY_RETENTION_DAYS,
        &path.key("weekly_retention_days"),
        || format!("must be at least {MIN_WEEKLY_RETENTION_DAYS} days"),
    );
    checks.require(is_bucket(&format!("{}-prod", backups.bucket_prefix)), &path.key("bucket_prefix"), || {
        format!("`{}` does not make valid bucket names: use lowercase letters, digits and '-'", backups.bucket_prefix)
    });
}

fn is_region(region: &str) -> bool {
    (2..=8).contains(&region.len()) && region.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn is_branch(branch: &str) -> bool {
    !branch.is_empty()
        && !branch.starts_with(['-', '/'])
        && !branch.ends_with(['/', '.'])
        && !branch.contains("..")
        && branch.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
}

fn is_bucket(name: &str) -> bool {
    (3..=63).contains(&name.len()) && names::is_dns_label(name)
}

fn is_flavor(flavor: &str) -> bool {
    flavor.split_once('-').is_some_and(|(family, size)| {
        !family.is_empty()
            && family.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && !size.is_empty()
            && size.bytes().all(|b| b.is_ascii_digit())
    })
}
