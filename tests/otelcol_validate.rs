//! The OpenTelemetry Collector accepts every configuration we render: `otelcol validate`
//! of a collector built with exactly our components at the pinned version (.ci/otelcol)
//! decodes each component's settings with its own config struct, so an unknown or
//! misplaced field, a wrong type, or a pipeline naming an undefined component fails here
//! as it would fail the collector at start. `.ci/run` builds the validator; without it
//! the test is skipped locally, never in CI.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_spec::Env;
use std::path::Path;
use std::process::Command;

const VALIDATOR: &str = "otelcol-keiko";

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

fn available() -> bool {
    Command::new(VALIDATOR).arg("--help").output().is_ok_and(|o| o.status.success())
}

/// The collector's verdict on `config`, with the files its `${file:..}` references name
/// put in place under `dir` (the pods mount them from Secrets).
fn validate(config: &str, dir: &Path, name: &str) -> Result<(), String> {
    let mut text = config.to_owned();
    let mut rest = config;
    while let Some(start) = rest.find("${file:") {
        let after = &rest[start + 7..];
        let end = after.find('}').unwrap();
        let path = &after[..end];
        let stand_in = dir.join(path.trim_start_matches('/').replace('/', "_"));
        std::fs::write(&stand_in, "stand-in").unwrap();
        text = text.replace(path, stand_in.to_str().unwrap());
        rest = &after[end..];
    }
    let file = dir.join(format!("{name}.yaml"));
    std::fs::write(&file, &text).unwrap();
    let output = Command::new(VALIDATOR).arg("validate").arg(format!("--config={}", file.display())).output().unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
    }
}

/// Every collector configuration `platform` renders for `env`, by ConfigMap name.
fn configs(platform: &Platform, env: Env) -> Vec<(String, String)> {
    components(platform, env)
        .unwrap()
        .into_iter()
        .flat_map(|c| c.objects)
        .filter(|o| o.kind == "ConfigMap" && o.name.starts_with("otel-"))
        .map(|o| (o.name.clone(), o.value["data"]["config.yaml"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn the_collector_accepts_every_configuration_we_render() {
    if !available() {
        return common::skipped_without(VALIDATOR);
    }
    let dir = tempfile::tempdir().unwrap();
    let platform = keiko();
    let mut checked = 0;
    for env in Env::ALL {
        for (name, config) in configs(&platform, env) {
            validate(&config, dir.path(), &format!("{env}-{name}"))
                .unwrap_or_else(|error| panic!("{env}: {name} is refused by the collector:\n{error}\n{config}"));
            checked += 1;
        }
    }
    assert_eq!(checked, 6, "agent and gateway in three environments");
}

#[test]
fn the_validator_is_the_version_the_platform_runs() {
    if !available() {
        return common::skipped_without(VALIDATOR);
    }
    let output = Command::new(VALIDATOR).arg("--version").output().unwrap();
    let version = String::from_utf8_lossy(&output.stdout).to_string();
    let pinned = keiko().observability().collector_image.rsplit_once(':').unwrap().1.to_owned();
    assert!(version.trim_end().ends_with(&pinned), "validator `{version}` is not the pinned collector {pinned}");
}

#[test]
fn a_misplaced_field_is_refused() {
    if !available() {
        return common::skipped_without(VALIDATOR);
    }
    let dir = tempfile::tempdir().unwrap();
    let (_, gateway) = configs(&keiko(), Env::Dev).into_iter().find(|(n, _)| n == "otel-gateway").unwrap();
    // The Elasticsearch exporter's credentials under `auth`, as they once were.
    let planted = gateway.replacen("    user: elastic\n", "    auth:\n      user: elastic\n", 1);
    assert_ne!(planted, gateway);
    let error = validate(&planted, dir.path(), "planted").unwrap_err();
    assert!(error.contains("'auth'"), "{error}");
    let unknown = gateway.replacen("health_check:\n", "healthcheck:\n", 1);
    assert!(validate(&unknown, dir.path(), "unknown").is_err());
}
