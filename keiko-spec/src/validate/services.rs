//! Rules for services: names, ports, probes, resources, replicas, calls, routes, images.

use super::{Checks, names};
use crate::document::RawSpec;
use crate::env::Env;
use crate::error::SpecPath;
use crate::service::{METRICS_PORT, Protocol, Resources, RolloutStrategy, Service};

pub(super) fn check(raw: &RawSpec, checks: &mut Checks) {
    let services = SpecPath::root().key("services");
    checks.require(!raw.services.is_empty(), &services, || "the platform needs at least one service".into());
    for (name, service) in &raw.services {
        let path = services.key(name);
        checks.dns_label(&path, name);
        checks.require(!raw.stateful.contains_key(name), &path, || {
            format!("`{name}` is also the name of a stateful component: names must be unique")
        });
        one_service(raw, checks, &path, service);
    }
    let gateways = raw.services.values().filter(|s| s.component == crate::service::Component::Gateway).count();
    checks.require(gateways <= 1, &services, || format!("{gateways} services are gateways: at most one may be"));
}

fn one_service(raw: &RawSpec, checks: &mut Checks, path: &SpecPath, service: &Service) {
    checks.dns_label(&path.key("team"), &service.team);
    checks.dns_label(&path.key("cost_center"), &service.cost_center);
    ports(checks, path, service);
    health(checks, path, service);
    image(checks, &path.key("image"), service);
    for (env, resources) in service.resources.iter() {
        resource_pair(checks, &path.key("resources").key(env.name()), resources);
    }
    replicas(checks, path, service);
    config(checks, path, service);
    secrets(checks, path, service);
    calls(raw, checks, path, service);
    routes(checks, path, service);
    slo(checks, path, service);
    if let Some(database) = &service.database {
        let db = path.key("database");
        checks.require(is_identifier(&database.name), &db.key("name"), || {
            format!(
                "`{}` is not a PostgreSQL identifier: use lowercase letters, digits and '_', starting with a letter",
                database.name
            )
        });
        checks.require((1..=100).contains(&database.pool_size), &db.key("pool_size"), || {
            format!("must be 1..=100, got {}", database.pool_size)
        });
    }
    if service.rollout.strategy == RolloutStrategy::BlueGreen {
        blue_green(checks, path, service);
    }
}

/// Blue/green needs a traffic port for its active and preview Services, and a
/// `metrics` port: the pre-promotion analysis reads the preview's success rate there.
fn blue_green(checks: &mut Checks, path: &SpecPath, service: &Service) {
    let at = path.key("rollout").key("strategy");
    let traffic = service.ports.iter().any(|p| p.name != METRICS_PORT && p.protocol != Protocol::Tcp);
    checks.require(traffic, &at, || {
        "blue-green needs an http or grpc port besides `metrics` for its active and preview Services".into()
    });
    checks.require(service.ports.iter().any(|p| p.name == METRICS_PORT), &at, || {
        format!("blue-green needs a port named `{METRICS_PORT}`: pre-promotion analysis reads the preview's success rate from it; ports are: {}", port_names(service))
    });
}

fn ports(checks: &mut Checks, path: &SpecPath, service: &Service) {
    let ports = path.key("ports");
    checks.require(!service.ports.is_empty(), &ports, || "a service needs at least one port".into());
    for (index, port) in service.ports.iter().enumerate() {
        checks.require(names::is_port_name(&port.name), &ports.index(index).key("name"), || {
            format!(
                "`{}` is not a port name: use at most 15 lowercase letters, digits and '-', with at least one letter",
                port.name
            )
        });
        checks.require((1..=65535).contains(&port.port), &ports.index(index).key("port"), || {
            format!("must be 1..=65535, got {}", port.port)
        });
    }
    checks.unique(&ports, "port name", service.ports.iter().map(|p| p.name.as_str()).enumerate());
    let numbers: Vec<String> = service.ports.iter().map(|p| p.port.to_string()).collect();
    checks.unique(&ports, "port number", numbers.iter().map(String::as_str).enumerate());
}

fn health(checks: &mut Checks, path: &SpecPath, service: &Service) {
    let health = path.key("health");
    let port = &service.health.port;
    checks.require(service.ports.iter().any(|p| &p.name == port), &health.key("port"), || {
        format!("`{port}` is not a port of this service; expected one of: {}", port_names(service))
    });
    for (field, value) in [("liveness", &service.health.liveness), ("readiness", &service.health.readiness)] {
        checks.require(names::is_http_path(value), &health.key(field), || {
            format!("`{value}` must be an HTTP path starting with '/'")
        });
    }
    if let Some(startup) = &service.health.startup {
        checks.require(
            (10..=600).contains(&startup.max_startup_seconds),
            &health.key("startup").key("max_startup_seconds"),
            || format!("must be 10..=600 seconds, got {}", startup.max_startup_seconds),
        );
    }
}

fn image(checks: &mut Checks, path: &SpecPath, service: &Service) {
    let repository = &service.image.repository;
    checks.require(repository.split('/').all(names::is_dns_label), &path.key("repository"), || {
        format!("`{repository}` is not a repository name: use lowercase path components such as identity-service")
    });
    for (env, tag) in service.image.tags.iter() {
        let at = path.key("tags").key(env.name());
        let immutable = names::is_commit_sha(tag) || names::is_digest(tag);
        if env == Env::Dev {
            checks.require(immutable || (names::is_image_tag(tag) && tag != "latest"), &at, || {
                format!(
                    "`{tag}` is not a usable tag: use a commit SHA, a sha256 digest or a version tag (never `latest`)"
                )
            });
        } else {
            checks.require(immutable, &at, || {
                format!("`{tag}` is mutable: outside dev a tag must be a full 40-character commit SHA or a sha256:<64 hex> digest")
            });
        }
    }
}

fn resource_pair(checks: &mut Checks, path: &SpecPath, resources: &Resources) {
    let requests = path.key("requests");
    let limits = path.key("limits");
    for (field, request, limit) in [
        ("cpu", &resources.requests.cpu, &resources.limits.cpu),
        ("memory", &resources.requests.memory, &resources.limits.memory),
    ] {
        let request_value = checks.quantity(&requests.key(field), request);
        let limit_value = checks.quantity(&limits.key(field), limit);
        if let (Some(request_value), Some(limit_value)) = (request_value, limit_value) {
            checks.require(request_value > 0, &requests.key(field), || "must be greater than zero".into());
            checks.require(request_value <= limit_value, &requests.key(field), || {
                format!("request {request} exceeds limit {limit}: a request must be <= its limit")
            });
        }
    }
}

fn replicas(checks: &mut Checks, path: &SpecPath, service: &Service) {
    for (env, replicas) in service.replicas.iter() {
        let at = path.key("replicas").key(env.name());
        checks.require(replicas.min >= 1, &at.key("min"), || "must be at least 1".into());
        checks.require(replicas.min <= replicas.max, &at.key("min"), || {
            format!("min {} exceeds max {}: min must be <= max", replicas.min, replicas.max)
        });
        checks.require(replicas.max <= 100, &at.key("max"), || format!("must be at most 100, got {}", replicas.max));
    }
    let scaling = path.key("autoscaling");
    for (field, value) in
        [("cpu_percent", service.autoscaling.cpu_percent), ("memory_percent", service.autoscaling.memory_percent)]
    {
        checks.require((1..=100).contains(&value), &scaling.key(field), || format!("must be 1..=100, got {value}"));
    }
}

fn config(checks: &mut Checks, path: &SpecPath, service: &Service) {
    let config = path.key("config");
    let mut keys: Vec<(SpecPath, &String)> =
        service.config.shared.keys().map(|key| (config.key("shared").key(key), key)).collect();
    if let Some(per_env) = &service.config.per_environment {
        for (env, values) in per_env.iter() {
            let at = config.key("per_environment").key(env.name());
            keys.extend(values.keys().map(|key| (at.key(key), key)));
        }
    }
    for (at, key) in keys {
        checks.require(names::is_env_var(key), &at, || {
            format!("`{key}` is not an environment variable name: use upper-case letters, digits and '_'")
        });
    }
}

fn secrets(checks: &mut Checks, path: &SpecPath, service: &Service) {
    let secrets = path.key("secrets");
    for (index, secret) in service.secrets.iter().enumerate() {
        let at = secrets.index(index);
        checks.require(names::is_env_var(&secret.env), &at.key("env"), || {
            format!("`{}` is not an environment variable name", secret.env)
        });
        checks.require(secret.key.split('/').all(names::is_dns_label), &at.key("key"), || {
            format!("`{}` is not a secret key: use lowercase path components such as identity-service/jwt", secret.key)
        });
        checks.require(names::is_config_key(&secret.property), &at.key("property"), || {
            format!("`{}` is not a valid property name", secret.property)
        });
        checks.require(!service.config.shared.contains_key(&secret.env), &at.key("env"), || {
            format!("`{}` is also set in config", secret.env)
        });
    }
    checks.unique(&secrets, "secret variable", service.secrets.iter().map(|s| s.env.as_str()).enumerate());
}

fn calls(raw: &RawSpec, checks: &mut Checks, path: &SpecPath, service: &Service) {
    let calls = path.key("calls");
    let own_name = path.segments().last();
    for (index, call) in service.calls.iter().enumerate() {
        let at = calls.index(index);
        match raw.services.get(&call.service) {
            None => checks.require(false, &at.key("service"), || {
                format!(
                    "`{}` is not a service; expected one of: {}",
                    call.service,
                    raw.services.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            }),
            Some(callee) => {
                checks.require(
                    own_name != Some(&crate::error::Segment::Key(call.service.clone())),
                    &at.key("service"),
                    || "a service does not call itself through the network policy".into(),
                );
                checks.require(callee.ports.iter().any(|p| p.name == call.port), &at.key("port"), || {
                    format!(
                        "`{}` is not a port of {}; expected one of: {}",
                        call.port,
                        call.service,
                        port_names(callee)
                    )
                });
            }
        }
    }
    let keys: Vec<String> = service.calls.iter().map(|c| format!("{}:{}", c.service, c.port)).collect();
    checks.unique(&calls, "call", keys.iter().map(String::as_str).enumerate());
}

fn routes(checks: &mut Checks, path: &SpecPath, service: &Service) {
    let routes = path.key("routes");
    for (index, route) in service.routes.iter().enumerate() {
        let at = routes.index(index);
        checks.dns_label(&at.key("host"), &route.host);
        checks.require(names::is_http_path(&route.path), &at.key("path"), || {
            format!("`{}` must be an HTTP path starting with '/'", route.path)
        });
        checks.require(service.ports.iter().any(|p| p.name == route.port), &at.key("port"), || {
            format!("`{}` is not a port of this service; expected one of: {}", route.port, port_names(service))
        });
        checks.require(route.rate_limit_per_second >= 1, &at.key("rate_limit_per_second"), || {
            "must be at least 1".into()
        });
    }
}

fn slo(checks: &mut Checks, path: &SpecPath, service: &Service) {
    let slo = path.key("slo");
    let availability = service.slo.availability_percent;
    checks.require(availability > 0.0 && availability < 100.0, &slo.key("availability_percent"), || {
        format!("must be above 0 and below 100 (an error budget of zero cannot be met), got {availability}")
    });
    checks.require(service.slo.latency_p95_ms >= 1, &slo.key("latency_p95_ms"), || "must be at least 1 ms".into());
}

fn port_names(service: &Service) -> String {
    service.ports.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    name.len() <= 63
        && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
