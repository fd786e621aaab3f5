//! Rules for stateful stores and platform add-ons.

use super::{Checks, names};
use crate::document::RawSpec;
use crate::error::SpecPath;

pub(super) fn check(raw: &RawSpec, checks: &mut Checks) {
    for (name, component) in &raw.stateful {
        let path = SpecPath::root().key("stateful").key(name);
        checks.dns_label(&path, name);
        checks.dns_label(&path.key("namespace"), &component.namespace);
        checks.dns_label(&path.key("team"), &component.team);
        checks.dns_label(&path.key("cost_center"), &component.cost_center);
        checks.require(component.namespace != raw.platform.namespace, &path.key("namespace"), || {
            format!("stateful stores get a namespace of their own, not `{}`", raw.platform.namespace)
        });
        checks.require(pinned_image(&component.image), &path.key("image"), || {
            format!("`{}` must name a pinned version tag or digest, never `latest`", component.image)
        });
        checks.require(!component.ports.is_empty(), &path.key("ports"), || {
            "a stateful store needs at least one port".into()
        });
        for (index, port) in component.ports.iter().enumerate() {
            let at = path.key("ports").index(index);
            checks.require(names::is_port_name(&port.name), &at.key("name"), || {
                format!("`{}` is not a port name", port.name)
            });
            checks.require((1..=65535).contains(&port.port), &at.key("port"), || {
                format!("must be 1..=65535, got {}", port.port)
            });
        }
        for required in component.engine.required_ports() {
            checks.require(component.ports.iter().any(|p| p.name == *required), &path.key("ports"), || {
                format!(
                    "a {} store needs a port named `{required}`: its probes and clients use it",
                    component.engine.name()
                )
            });
        }
        checks.unique(&path.key("ports"), "port name", component.ports.iter().map(|p| p.name.as_str()).enumerate());
        // One replica per environment (ADR 0013): nothing here renders ClickHouse Keeper,
        // replicated tables or Neo4j clustering, so a second replica would be a second,
        // diverging copy behind the same Service.
        for (env, replicas) in component.replicas.iter() {
            checks.require(*replicas == 1, &path.key("replicas").key(env.name()), || {
                format!(
                    "must be 1, got {replicas}: {} runs as one replica per environment (docs/adr/0013-one-replica-stores.md); size it with resources and storage",
                    component.engine.name()
                )
            });
        }
        for (env, storage) in component.storage.iter() {
            let at = path.key("storage").key(env.name());
            if let Some(size) = checks.quantity(&at.key("size"), &storage.size) {
                checks.require(size > 0, &at.key("size"), || "a volume needs a size above zero".into());
            }
            checks.dns_label(&at.key("class"), &storage.class);
        }
        for (env, resources) in component.resources.iter() {
            let at = path.key("resources").key(env.name());
            for field in ["cpu", "memory"] {
                let (request, limit) = match field {
                    "cpu" => (&resources.requests.cpu, &resources.limits.cpu),
                    _ => (&resources.requests.memory, &resources.limits.memory),
                };
                let r = checks.quantity(&at.key("requests").key(field), request);
                let l = checks.quantity(&at.key("limits").key(field), limit);
                if let (Some(r), Some(l)) = (r, l) {
                    checks.require(r <= l, &at.key("requests").key(field), || {
                        format!("request {request} exceeds limit {limit}")
                    });
                }
            }
        }
        for (index, client) in component.clients.iter().enumerate() {
            checks.require(raw.services.contains_key(client), &path.key("clients").index(index), || {
                format!("`{client}` is not a service")
            });
        }
        checks.cron(&path.key("backup_schedule"), &component.backup_schedule);
    }
    addons(raw, checks);
}

fn addons(raw: &RawSpec, checks: &mut Checks) {
    for (name, addon) in &raw.addons {
        let path = SpecPath::root().key("addons").key(name);
        checks.dns_label(&path, name);
        checks.dns_label(&path.key("namespace"), &addon.namespace);
        checks.require(
            addon.repository.starts_with("https://") || addon.repository.starts_with("oci://"),
            &path.key("repository"),
            || format!("`{}` must be an https:// Helm repository or an oci:// registry", addon.repository),
        );
        checks.require(crate::addon::SUPPORTED_CHARTS.contains(&addon.chart.as_str()), &path.key("chart"), || {
            format!(
                "`{}` has no values builder; supported charts: {}",
                addon.chart,
                crate::addon::SUPPORTED_CHARTS.join(", ")
            )
        });
        checks.require(is_exact_version(&addon.version), &path.key("version"), || {
            format!(
                "`{}` is not an exact chart version: pin one such as 1.2.3 (ranges and `latest` are refused)",
                addon.version
            )
        });
    }
}

fn pinned_image(image: &str) -> bool {
    match image.rsplit_once(['@', ':']) {
        Some((_, tag)) => {
            !tag.contains('/')
                && tag != "latest"
                && (names::is_image_tag(tag) || names::is_digest(&format!("sha256:{tag}")))
        }
        None => false,
    }
}

fn is_exact_version(version: &str) -> bool {
    let core = version.trim_start_matches('v');
    let core = core.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}
