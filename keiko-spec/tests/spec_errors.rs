//! A bad keiko.yaml is reported all at once, each problem located and explained.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_spec::{Location, SpecErrors, load};

const KEIKO: &str = include_str!("../../keiko.yaml");

/// keiko.yaml with `from` replaced by `to` exactly once.
fn edited(from: &str, to: &str) -> String {
    assert_eq!(KEIKO.matches(from).count(), 1, "fixture edit `{from}` must match once");
    KEIKO.replacen(from, to, 1)
}

fn errors_of(text: &str) -> SpecErrors {
    match load("keiko.yaml", text) {
        Ok(_) => panic!("the spec should have been refused"),
        Err(errors) => errors,
    }
}

fn messages(errors: &SpecErrors) -> Vec<String> {
    errors.to_string().lines().map(str::to_owned).collect()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|line| line.contains(needle)).map(|i| i + 1).expect("needle present")
}

#[test]
fn the_keiko_fleet_is_valid() {
    let spec = load("keiko.yaml", KEIKO).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(spec.services().len(), 7);
    assert_eq!(spec.stateful().len(), 2);
}

#[test]
fn three_mistakes_give_three_located_errors_in_one_run() {
    let text = edited("    team: identity\n", "    teem: identity\n")
        .replacen("desired_nodes: 2, min_nodes: 2, max_nodes: 3", "desired_nodes: 2, min_nodes: two, max_nodes: 3", 1)
        .replacen(
            "      - { name: grpc, port: 9090, protocol: grpc }\n",
            "      - { name: grpc, port: 0, protocol: grpc }\n",
            1,
        );
    let errors = errors_of(&text);
    let lines = messages(&errors);
    assert!(
        lines.iter().any(|l| l.contains("services.identity-service.teem: unknown field `teem`; expected one of:")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("environments.dev.node_pools.system.min_nodes: \"two\" is not of type \"integer\"")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("services.governance-service.ports[1].port: 0 is less than the minimum of 1")),
        "{lines:#?}"
    );
    let teem = errors.errors.iter().find(|e| e.path.to_string() == "services.identity-service.teem").unwrap();
    assert_eq!(teem.location, Some(Location { line: line_of(&text, "teem:"), column: 5 }));
    assert!(errors.errors.iter().all(|e| e.location.is_some()));
}

#[test]
fn rule_violations_are_all_reported_with_their_paths() {
    let text = edited(
        "      - { service: passport-service, port: grpc }\n",
        "      - { service: passport-servic, port: grpc }\n",
    )
    .replacen(
        "cpu: \"250m\", memory: 256Mi }, limits: { cpu: \"1\"",
        "cpu: \"1500m\", memory: 256Mi }, limits: { cpu: \"1\"",
        1,
    )
    .replacen("database_schedule: \"0 */6 * * *\"", "database_schedule: \"0 */8 * * *\"", 1)
    .replacen("domain: dev.keikolatam.app", "domain: dev_keikolatam", 1)
    .replacen("dev: { min: 1, max: 2 }", "dev: { min: 3, max: 2 }", 1)
    .replacen("drill_schedule: \"0 4 1 * *\"", "drill_schedule: \"0 24 1 * *\"", 1)
    .replacen("cpu: \"100m\", memory: 128Mi", "cpu: \"100x\", memory: 128Mi", 1);
    let lines = messages(&errors_of(&text));
    for expected in [
        "services.marketplace-service.calls[1].service: `passport-servic` is not a service; expected one of: api-gateway,",
        "services.api-gateway.resources.staging.requests.cpu: request 1500m exceeds limit 1",
        "backups.database_schedule: backups must run at least every 6 hours",
        "environments.dev.domain: `dev_keikolatam` is not a host name",
        "services.api-gateway.replicas.dev.min: min 3 exceeds max 2",
        "backups.drill_schedule: `0 24 1 * *` is not a valid cron schedule: hour field",
        "services.api-gateway.resources.dev.requests.cpu: `100x` is not a Kubernetes quantity",
    ] {
        assert!(lines.iter().any(|line| line.contains(expected)), "missing `{expected}` in {lines:#?}");
    }
    assert_eq!(lines.last().map(String::as_str), Some("7 problems in keiko.yaml"));
}

#[test]
fn names_ports_and_environments_are_checked() {
    let text = edited("  learning-service:\n", "  Learning_Service:\n")
        .replacen("      - { name: metrics, port: 9464, protocol: http }\n    health:\n      port: http\n      liveness: /health\n      readiness: /ready\n    resources:\n      dev: { requests: { cpu: \"100m\", memory: 128Mi }, limits: { cpu: \"500m\", memory: 512Mi } }\n      staging: { requests: { cpu: \"250m\", memory: 256Mi }, limits: { cpu: \"1\", memory: 1Gi } }\n      production: { requests: { cpu: \"1\"",
            "      - { name: metrics, port: 8080, protocol: http }\n    health:\n      port: http\n      liveness: /health\n      readiness: /ready\n    resources:\n      dev: { requests: { cpu: \"100m\", memory: 128Mi }, limits: { cpu: \"500m\", memory: 512Mi } }\n      staging: { requests: { cpu: \"250m\", memory: 256Mi }, limits: { cpu: \"1\", memory: 1Gi } }\n      production: { requests: { cpu: \"1\"", 1)
        .replacen("    branch: staging\n", "    branch: develop\n", 1);
    let lines = messages(&errors_of(&text));
    for expected in [
        "services.Learning_Service: `Learning_Service` is not a DNS-1123 label",
        "services.api-gateway.ports[1]: port number `8080` is used twice",
        "environments.staging.branch: `develop` is already the branch of dev",
    ] {
        assert!(lines.iter().any(|line| line.contains(expected)), "missing `{expected}` in {lines:#?}");
    }
}

#[test]
fn a_missing_environment_is_named() {
    let text = edited("      production: { size: 200Gi, class: csi-cinder-high-speed }\n", "");
    let lines = messages(&errors_of(&text));
    assert!(lines.iter().any(|l| l.contains("stateful.neo4j.storage: missing field `production`")), "{lines:#?}");
}

#[test]
fn mutable_tags_are_refused_outside_dev() {
    let production = "        production: ";
    let start = KEIKO.find(production).unwrap() + production.len();
    let tag = &KEIKO[start..start + 40];
    let text = edited(&format!("{production}{tag}"), &format!("{production}latest"));
    let lines = messages(&errors_of(&text));
    assert!(
        lines.iter().any(|l| l.contains(
            "tags.production: `latest` is mutable: outside dev a tag must be a full 40-character commit SHA"
        )),
        "{lines:#?}"
    );
}

#[test]
fn yaml_syntax_errors_point_at_the_line() {
    let text = edited("  namespace: keiko\n", "  namespace: [keiko\n");
    let errors = errors_of(&text);
    assert_eq!(errors.errors.len(), 1);
    assert!(errors.to_string().starts_with("keiko.yaml:"), "{errors}");
    assert!(errors.errors[0].location.is_some());
}

#[test]
fn blue_green_without_a_metrics_port_is_refused() {
    let port = "      - { name: metrics, port: 9464, protocol: http }\n";
    let gateway = KEIKO.find("  api-gateway:").unwrap();
    let metrics = gateway + KEIKO[gateway..].find(port).unwrap();
    let text = format!("{}{}", &KEIKO[..metrics], &KEIKO[metrics + port.len()..]);
    let lines = messages(&errors_of(&text));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("services.api-gateway.rollout.strategy: blue-green needs a port named `metrics`")),
        "{lines:#?}"
    );
}

#[test]
fn a_stateful_store_without_a_storage_size_is_refused() {
    let text = edited(
        "      dev: { size: 20Gi, class: csi-cinder-high-speed }\n",
        "      dev: { class: csi-cinder-high-speed }\n",
    );
    let errors = errors_of(&text);
    let lines = messages(&errors);
    assert!(lines.iter().any(|l| l.contains("stateful.clickhouse.storage.dev: missing field `size`")), "{lines:#?}");
    assert!(
        errors.errors[0].location.is_some_and(|at| at.line == line_of(&text, "dev: { class: csi-cinder-high-speed }"))
    );
}

#[test]
fn security_settings_are_checked() {
    let text = edited(
        "      issuer: https://api.dev.keikolatam.app/identity\n",
        "      issuer: http://api.dev.keikolatam.app/identity\n",
    )
    .replacen("okms_id: 0051d66c-1bc4-59d7-949b-9b5131cd42c2", "okms_id: not-a-uuid", 1)
    .replacen("    - check: CKV_K8S_40\n", "    - check: K8S_40\n", 1)
    .replacen("    - check: CKV_K8S_43\n", "    - check: KEIKO-K8S-999\n", 1)
    .replacen("  acme_email: platform@keikolatam.app\n", "  acme_email: platform\n", 1);
    let lines = messages(&errors_of(&text));
    for expected in [
        "environments.dev.jwt.issuer: `http://api.dev.keikolatam.app/identity` must be an https:// URL",
        "environments.dev.secret_manager.okms_id: `not-a-uuid` is not a KMS ID",
        "security.exemptions[2].check: `K8S_40` is neither a checkov check ID such as CKV_K8S_43 nor a Keiko policy rule ID",
        "security.exemptions[1].check: `KEIKO-K8S-999` is neither a checkov check ID",
        "security.acme_email: `platform` is not an e-mail address",
    ] {
        assert!(lines.iter().any(|line| line.contains(expected)), "missing `{expected}` in {lines:#?}");
    }
}

#[test]
fn an_exemption_names_the_framework_its_check_belongs_to() {
    let text = edited("    - check: CKV_GHA_7\n      framework: github_actions\n", "    - check: CKV_GHA_7\n")
        .replacen("    - check: CKV_K8S_40\n", "    - check: CKV_K8S_40\n      framework: github_actions\n", 1);
    let lines = messages(&errors_of(&text));
    for expected in [
        "security.exemptions[3].framework: `CKV_GHA_7` is a workflow check: set `framework: github_actions`",
        "security.exemptions[2].check: `CKV_K8S_40` is not a github_actions check such as CKV_GHA_7",
        "security.exemptions[2].kinds[0]: `StatefulSet` is not a generated pipeline: use service or terraform",
    ] {
        assert!(lines.iter().any(|line| line.contains(expected)), "missing `{expected}` in {lines:#?}");
    }
}

#[test]
fn a_number_too_big_for_its_field_is_located() {
    // Found by tests/invalid_specs.rs: the schema gave only the `uint32` format, so the
    // number passed the shape check and failed deserialization with no position.
    let text = edited("production: { min: 3, max: 15 }", "production: { min: 4294967296, max: 15 }");
    let errors = errors_of(&text);
    let lines = messages(&errors);
    assert!(
        lines.iter().any(|l| l.contains("services.api-gateway.replicas.production.min: 4294967296 is greater than")),
        "{lines:#?}"
    );
    assert!(errors.errors.iter().all(|e| e.location.is_some()), "{lines:#?}");
}

#[test]
fn a_duplicate_key_names_its_field() {
    let text = edited("  log_retention_days: { dev: 7, staging: 14,", "  log_retention_days: { dev: 7, dev: 14,");
    let errors = errors_of(&text);
    assert_eq!(errors.errors.len(), 1, "{errors}");
    assert_eq!(errors.errors[0].path.to_string(), "observability.log_retention_days.dev");
    let expected = format!("keiko.yaml:{}:", line_of(&text, "log_retention_days"));
    assert!(errors.to_string().starts_with(&expected), "{errors}");
}

#[test]
fn an_empty_spec_is_refused_at_its_first_line() {
    // Found by the `spec` fuzz target: the error had no position.
    for text in ["", "# nothing yet\n"] {
        let errors = errors_of(text);
        assert!(errors.errors.iter().all(|e| e.location == Some(Location { line: 1, column: 1 })), "{errors}");
        assert!(
            errors.to_string().starts_with("keiko.yaml:1:1: (document): null is not of type \"object\""),
            "{errors}"
        );
    }
}

/// The backup floors (RPO 6 h, 30-day daily and 1-year weekly retention) are spec
/// errors, located, never policy findings of a spec that already rendered.
#[test]
fn sparse_backups_and_short_retention_are_spec_errors() {
    let sparse = errors_of(&edited(r#"database_schedule: "0 */6 * * *""#, r#"database_schedule: "0 3 * * *""#));
    assert_eq!(sparse.errors.len(), 1, "{sparse}");
    assert_eq!(sparse.errors[0].path.to_string(), "backups.database_schedule");
    assert_eq!(sparse.errors[0].location.map(|l| l.line), Some(line_of(KEIKO, "database_schedule:")));
    assert!(sparse.to_string().contains("backups must run at least every 6 hours"), "{sparse}");
    let short = errors_of(&edited("weekly_retention_days: 365", "weekly_retention_days: 90"));
    assert_eq!(short.errors.len(), 1, "{short}");
    assert_eq!(short.errors[0].path.to_string(), "backups.weekly_retention_days");
    assert!(short.to_string().contains("must be at least 365 days"), "{short}");
    let daily = errors_of(&edited("daily_retention_days: 30", "daily_retention_days: 7"));
    assert_eq!(daily.errors[0].path.to_string(), "backups.daily_retention_days");
}

#[test]
fn a_store_with_more_than_one_replica_is_refused_with_the_reason() {
    // A second ClickHouse replica without Keeper and replicated tables is a second,
    // diverging copy behind the same Service (ADR 0013).
    let text = edited(
        "    # One replica per environment (docs/adr/0013-one-replica-stores.md).\n    replicas: { dev: 1, staging: 1, production: 1 }\n",
        "    replicas: { dev: 1, staging: 2, production: 3 }\n",
    );
    let errors = errors_of(&text);
    let lines = messages(&errors);
    for expected in [
        "stateful.clickhouse.replicas.staging: must be 1, got 2: clickhouse runs as one replica per environment",
        "stateful.clickhouse.replicas.production: must be 1, got 3",
    ] {
        assert!(lines.iter().any(|line| line.contains(expected)), "missing `{expected}` in {lines:#?}");
    }
    let staging = errors.errors.iter().find(|e| e.path.to_string() == "stateful.clickhouse.replicas.staging").unwrap();
    assert_eq!(
        staging.location.map(|l| l.line),
        Some(line_of(&text, "replicas: { dev: 1, staging: 2, production: 3 }"))
    );
}

#[test]
fn a_store_without_the_port_its_clients_use_is_refused() {
    let text = edited(
        "      - { name: bolt, port: 7687, protocol: tcp }\n",
        "      - { name: boltx, port: 7687, protocol: tcp }\n",
    );
    let lines = messages(&errors_of(&text));
    let expected = "stateful.neo4j.ports: a neo4j store needs a port named `bolt`: its probes and clients use it";
    assert!(lines.iter().any(|line| line.contains(expected)), "missing `{expected}` in {lines:#?}");
}

#[test]
fn jaeger_outside_the_log_store_namespace_is_refused() {
    let text = edited(
        "version: 3.4.1, namespace: keiko-observability, wave: 1 }",
        "version: 3.4.1, namespace: observability, wave: 1 }",
    );
    let lines = messages(&errors_of(&text));
    let expected =
        "addons.jaeger.namespace: Jaeger stores traces in the log store and must run in `keiko-observability`";
    assert!(lines.iter().any(|line| line.contains(expected)), "missing `{expected}` in {lines:#?}");
}

#[test]
fn signing_keys_behind_a_token_are_refused() {
    // istiod fetches the keys without a token, so their path must be anonymous.
    let text = edited(
        "    anonymous_paths: [/login, /token, /.well-known/jwks.json]\n",
        "    anonymous_paths: [/login, /token*x]\n",
    );
    let lines = messages(&errors_of(&text));
    for expected in [
        "security.jwks.path: `/.well-known/jwks.json` must be one of identity-service's anonymous_paths",
        "services.identity-service.anonymous_paths[1]: `/token*x` is not a path pattern",
    ] {
        assert!(lines.iter().any(|line| line.contains(expected)), "missing `{expected}` in {lines:#?}");
    }
}

#[test]
fn environments_on_one_network_or_overlapping_ranges_are_refused() {
    let dev = "network: { vlan_id: 10, subnet: 10.10.0.0/24, pods: 10.100.0.0/16, services: 10.101.0.0/16 }";
    let shared =
        edited(dev, "network: { vlan_id: 20, subnet: 10.20.0.0/25, pods: 10.100.0.0/16, services: 10.101.0.0/16 }");
    let found = messages(&errors_of(&shared));
    assert!(
        found.iter().any(|m| m.contains("environments.staging.network.vlan_id: VLAN 20 is already the network of dev")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|m| m.contains("environments.staging.network.subnet: `10.20.0.0/24` overlaps the subnet of dev")),
        "{found:?}"
    );
    let inside =
        edited(dev, "network: { vlan_id: 10, subnet: 10.100.4.0/24, pods: 10.100.0.0/16, services: 10.101.0.0/16 }");
    let found = messages(&errors_of(&inside));
    assert!(found.iter().any(|m| m.contains("environments.dev.network.pods: overlaps network.subnet")), "{found:?}");
    let public =
        edited(dev, "network: { vlan_id: 10, subnet: 203.0.113.0/24, pods: 10.100.0.0/16, services: 10.101.0.0/33 }");
    let found = messages(&errors_of(&public));
    assert!(
        found.iter().any(|m| m.contains("network.subnet: `203.0.113.0/24` is not a private IPv4 range")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|m| m.contains("network.services: `10.101.0.0/33` is not a private IPv4 range")),
        "{found:?}"
    );
    let host_bits =
        edited(dev, "network: { vlan_id: 10, subnet: 10.10.0.1/24, pods: 10.100.0.0/16, services: 10.101.0.0/16 }");
    assert!(messages(&errors_of(&host_bits)).iter().any(|m| m.contains("`10.10.0.1/24` is not a private IPv4 range")));
}

#[test]
fn a_release_gate_outside_its_bounds_is_refused() {
    let gate = "analysis: { min_success_rate: 0.995, measurements: 10, interval_seconds: 30 }";
    let loose = edited(gate, "analysis: { min_success_rate: 0.2, measurements: 0, interval_seconds: 5 }");
    let found = messages(&errors_of(&loose));
    for field in ["min_success_rate", "measurements", "interval_seconds"] {
        assert!(
            found.iter().any(|m| m.contains(&format!("services.api-gateway.rollout.analysis.{field}"))),
            "{field}: {found:?}"
        );
    }
}
