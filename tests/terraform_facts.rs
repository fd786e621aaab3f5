//! What Terraform decides reaches the manifests (ADR 0017): the infrastructure root's
//! `platform_facts` output has exactly the shape `facts/<env>.json` is read as; a facts
//! file is checked against the spec with every problem located; with facts, each service's
//! NetworkPolicy opens its own pool's port and the backup pods every pool and the primary, no port a
//! constant; without them the database egress stays closed and says why.
//!
//! `tests/data/terraform-facts.json` is a test fixture shaped like
//! `terraform output -json platform_facts` (ports in the range OVHcloud's connection strings
//! show); it is not any environment's real output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hcl::{Body, Expression};
use keiko_hcl::names::EnvRoot;
use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::facts::{self, AllFacts};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

mod common;

#[path = "support/terraform.rs"]
mod terraform;

const FIXTURE: &str = include_str!("data/terraform-facts.json");

fn spec() -> keiko_spec::Spec {
    keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap()
}

fn with_facts(envs: &[Env]) -> Platform {
    let spec = spec();
    let loaded = facts::load("facts/dev.json", FIXTURE, &spec, Env::Dev).unwrap_or_else(|e| panic!("{e}"));
    let all: AllFacts = envs.iter().map(|env| (*env, loaded.clone())).collect();
    Platform::new(spec).with_terraform_facts(all)
}

/// The keys of an HCL object, recursively, as `a.b` paths (values that are references stop).
fn hcl_paths(expr: &Expression, prefix: &str, out: &mut BTreeSet<String>) {
    if let Expression::Object(object) = expr {
        for (key, value) in object {
            let path = format!("{prefix}{}", key.to_string().trim_matches('"'));
            out.insert(path.clone());
            hcl_paths(value, &format!("{path}."), out);
        }
    }
}

/// The property paths of the facts schema, resolving `$ref`s; maps stop.
fn schema_paths(schema: &Value, node: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    let node = match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => schema.pointer(reference.trim_start_matches('#')).unwrap(),
        None => node,
    };
    for (name, property) in node.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let path = format!("{prefix}{name}");
        out.insert(path.clone());
        schema_paths(schema, property, &format!("{path}."), out);
    }
}

#[test]
fn the_platform_facts_output_has_the_shape_the_facts_file_is_read_as() {
    let bodies = terraform::bodies(&Platform::new(spec()));
    let schema = facts::json_schema();
    let mut wanted = BTreeSet::new();
    schema_paths(&schema, &schema, "", &mut wanted);
    for env in Env::ALL {
        let outputs: &Body = &bodies[&terraform::root_file(env, EnvRoot::Infrastructure, "outputs.tf")];
        let output = outputs
            .blocks()
            .find(|b| b.identifier() == "output" && b.labels()[0].as_str() == facts::OUTPUT)
            .unwrap_or_else(|| panic!("{env}: no output {}", facts::OUTPUT));
        assert!(terraform::attribute(output.body(), "sensitive").is_none(), "facts are committed: never sensitive");
        let mut given = BTreeSet::new();
        hcl_paths(terraform::attribute(output.body(), "value").unwrap(), "", &mut given);
        assert_eq!(given, wanted, "{env}: output {} and TerraformFacts differ", facts::OUTPUT);
    }
}

#[test]
fn a_facts_file_that_does_not_fit_the_spec_names_every_problem_at_its_line() {
    let bad = FIXTURE
        .replace("\"identity-service\": 20186,\n", "")
        .replace("\"passport-service\": 20189,", "\"passport-service\": 20189,\n      \"billing-service\": 20192,")
        .replace("postgresql-a1b2c3d4-o5e6f7a8.database.cloud.ovh.net", "not a host");
    let errors = facts::load("facts/dev.json", &bad, &spec(), Env::Dev).unwrap_err().to_string();
    assert!(errors.contains("no pool port for `identity-service`"), "{errors}");
    assert!(
        errors.contains("facts/dev.json:9:7: postgres.pool_ports.billing-service: `billing-service` has no database"),
        "{errors}"
    );
    assert!(errors.contains("facts/dev.json:3:5: postgres.host: `not a host` is not a host name"), "{errors}");
    let shape = FIXTURE.replace("\"port\": 20184", "\"port\": 0, \"ports\": 1");
    let errors = facts::load("facts/dev.json", &shape, &spec(), Env::Dev).unwrap_err().to_string();
    assert!(errors.contains("postgres.port: 0 is less than the minimum of 1"), "{errors}");
    assert!(errors.contains("unknown field `ports`"), "{errors}");
    let other_kms = facts::load("facts/staging.json", FIXTURE, &spec(), Env::Staging).unwrap_err().to_string();
    assert!(
        other_kms.contains("facts/staging.json:15:5: secret_manager.okms_id: Terraform created the KMS `0051d66c-1bc4-59d7-949b-9b5131cd42c2`, but keiko.yaml's environments.staging.secret_manager.okms_id is"),
        "{other_kms}"
    );
    let zero_pool = FIXTURE.replace("20191", "0");
    assert!(facts::load("facts/dev.json", &zero_pool, &spec(), Env::Dev).is_err(), "a pool port of 0 is refused");
}

/// The ports each NetworkPolicy of `env` opens to the environment's private subnet (where
/// the database is, ADR 0018), and its database-egress note, by policy name.
fn database_rules(platform: &Platform, env: Env) -> BTreeMap<String, (Vec<i64>, Option<String>)> {
    let subnet = &platform.environments().get(env).network.subnet;
    let mut out = BTreeMap::new();
    for object in components(platform, env).unwrap().into_iter().flat_map(|c| c.objects) {
        if object.kind != "NetworkPolicy" {
            continue;
        }
        let value = &object.value;
        let egress = value["spec"]["egress"].as_array().cloned().unwrap_or_default();
        let to_subnet = |rule: &Value| {
            rule["to"].as_array().into_iter().flatten().any(|peer| peer["ipBlock"]["cidr"].as_str() == Some(subnet))
        };
        let ports: Vec<i64> = egress
            .iter()
            .filter(|rule| to_subnet(rule))
            .flat_map(|rule| rule["ports"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| p["port"].as_i64())
            .collect();
        let note = value["metadata"]["annotations"]["keiko.io/database-egress"].as_str().map(str::to_owned);
        out.insert(object.name.clone(), (ports, note));
    }
    out
}

#[test]
fn with_facts_each_service_opens_its_own_pool_port_and_the_backups_every_pool() {
    let platform = with_facts(&[Env::Dev]);
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    let pools = fixture["postgres"]["pool_ports"].as_object().unwrap();
    let rules = database_rules(&platform, Env::Dev);
    for (service, port) in pools {
        let (ports, note) = &rules[service];
        assert_eq!(ports, &vec![port.as_i64().unwrap()], "{service} opens its own pool port only");
        assert!(note.is_none(), "{service}: {note:?}");
    }
    let mut every: Vec<i64> = pools.values().map(|p| p.as_i64().unwrap()).collect();
    every.push(fixture["postgres"]["port"].as_i64().unwrap());
    every.sort_unstable();
    assert_eq!(rules["backup-jobs"].0, every, "backups reach every pool, restores the primary");
    for (name, (ports, _)) in &rules {
        assert!(!ports.contains(&5432), "{name} opens PostgreSQL's default port, which OVHcloud does not serve");
    }
}

#[test]
fn without_facts_the_database_egress_is_closed_and_says_why() {
    let platform = with_facts(&[Env::Dev]);
    for env in [Env::Staging, Env::Production] {
        let rules = database_rules(&platform, env);
        for service in platform.services().iter().filter(|(_, s)| s.database.is_some()).map(|(n, _)| n) {
            let (ports, note) = &rules[service];
            assert!(ports.is_empty(), "{env} {service}: {ports:?} opened without facts");
            assert!(note.as_ref().unwrap().contains(&facts::facts_file(env)), "{env} {service}: {note:?}");
        }
        assert!(rules["backup-jobs"].0.is_empty(), "{env}: backups reach no pool without facts");
    }
}

#[test]
fn generate_reads_the_facts_beside_the_spec_and_refuses_a_bad_file_with_exit_2() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo.join("keiko.yaml"), dir.path().join("keiko.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("facts")).unwrap();
    let out = dir.path().join("generated");
    let generate = |extra: &[&str]| {
        let spec = dir.path().join("keiko.yaml");
        let mut args = vec!["--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()];
        args.extend(extra);
        Command::new(env!("CARGO_BIN_EXE_generate")).args(&args).output().unwrap()
    };
    std::fs::write(dir.path().join("facts/dev.json"), FIXTURE).unwrap();
    let written = generate(&[]);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let policy = std::fs::read_to_string(out.join("k8s/overlays/dev/identity-service/kustomization.yaml")).unwrap();
    assert!(policy.contains("20186"), "the dev overlay opens identity-service's pool port:\n{policy}");
    let before = std::fs::read_to_string(out.join("k8s/overlays/dev/identity-service/kustomization.yaml")).unwrap();
    std::fs::write(dir.path().join("facts/dev.json"), FIXTURE.replace("20186", "\"x\"")).unwrap();
    let refused = generate(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("facts/dev.json:6:7: postgres.pool_ports.identity-service: \"x\" is not of type"),
        "{stderr}"
    );
    let after = std::fs::read_to_string(out.join("k8s/overlays/dev/identity-service/kustomization.yaml")).unwrap();
    assert_eq!(before, after, "a refused run leaves generated/ untouched");
}

#[test]
fn the_registry_terraform_created_must_be_the_one_the_images_name() {
    let spec = spec();
    let host = spec.platform().registry.split('/').next().unwrap().to_owned();
    let same = format!("{{\n  \"registry\": {{\n    \"url\": \"https://{host}\"\n  }}\n}}\n");
    facts::load_global("facts/global.json", &same, &spec).unwrap_or_else(|e| panic!("{e}"));
    let other = "{\n  \"registry\": {\n    \"url\": \"https://a1b2c3d4.gra7.container-registry.ovh.net\"\n  }\n}\n";
    let errors = facts::load_global("facts/global.json", other, &spec).unwrap_err().to_string();
    assert!(
        errors.contains("facts/global.json:3:5: registry.url: Terraform created the registry `https://a1b2c3d4.gra7.container-registry.ovh.net`"),
        "{errors}"
    );
    let shape = other.replace("\"url\"", "\"host\"");
    assert!(
        facts::load_global("facts/global.json", &shape, &spec)
            .unwrap_err()
            .to_string()
            .contains("unknown field `host`")
    );
}

/// With an environment's facts, `global/harbor` gives it a pull-only robot and writes its
/// credential into that environment's KMS, as the `.dockerconfigjson` the cluster reads.
#[test]
fn an_imported_environment_gets_a_pull_robot_in_its_own_kms() {
    let bodies = terraform::bodies(&with_facts(&[Env::Dev]));
    let harbor = &bodies["terraform/global/harbor/main.tf"];
    let text = hcl::to_string(harbor).unwrap();
    assert!(text.contains("module \"pull_dev\"") && !text.contains("pull_staging"), "{text}");
    let okms = spec().environments().get(Env::Dev).secret_manager.okms_id.clone();
    assert!(text.contains(&format!("okms_id = \"{okms}\"")), "{text}");
    assert!(text.contains(&format!("path = \"{}\"", keiko_model::secrets::REGISTRY_PULL_PATH)), "{text}");
    let none = hcl::to_string(&terraform::bodies(&Platform::new(spec()))["terraform/global/harbor/main.tf"]).unwrap();
    assert!(!none.contains("registry-pull"), "without facts no environment's KMS exists to write into:\n{none}");
}

/// The pull credential's HCL is what Terraform reads and prints back unchanged.
#[test]
fn the_pull_secret_is_valid_terraform_syntax() {
    if std::process::Command::new("terraform").arg("version").output().is_err() {
        return common::skipped_without("terraform");
    }
    let files = keiko_hcl::render(&with_facts(&[Env::Dev])).unwrap();
    let text = files.get("terraform/global/harbor/main.tf").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), text).unwrap();
    let fmt = Command::new("terraform").args(["fmt", "-check", "-diff"]).current_dir(dir.path()).output().unwrap();
    assert!(
        fmt.status.success(),
        "{}{}\n{text}",
        String::from_utf8_lossy(&fmt.stdout),
        String::from_utf8_lossy(&fmt.stderr)
    );
}

/// pg_dump needs a session, which a transaction pool does not keep (each statement may go
/// to another server connection, and its `SET`s with it): every backup job dumps through
/// the primary's port, `direct_port`, which Terraform writes next to the pool's.
#[test]
fn backups_dump_through_the_primary_not_the_pool() {
    let platform = Platform::new(spec());
    let objects: Vec<Value> =
        components(&platform, Env::Production).unwrap().into_iter().flat_map(|c| c.objects).map(|o| o.value).collect();
    let mut checked = 0;
    for job in objects
        .iter()
        .filter(|o| o["kind"] == "CronJob" && o["metadata"]["name"].as_str().unwrap().starts_with("backup-"))
    {
        let service = job["metadata"]["name"].as_str().unwrap().trim_start_matches("backup-");
        let containers = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["initContainers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let dump = containers.iter().find(|c| c["name"] == "dump").unwrap_or_else(|| panic!("{service}: no dump step"));
        let file = dump["env"].as_array().unwrap().iter().find(|e| e["name"] == "DATABASE_URL_FILE").unwrap()["value"]
            .as_str()
            .unwrap();
        let key = file.rsplit('/').next().unwrap();
        let secret = objects
            .iter()
            .find(|o| o["kind"] == "ExternalSecret" && o["metadata"]["name"] == format!("{service}-database"))
            .unwrap();
        let url =
            secret["spec"]["target"]["template"]["data"][key].as_str().unwrap_or_else(|| panic!("{service}: no {key}"));
        assert!(url.contains("{{ .direct_port }}"), "{service}: the dump connects through {url}");
        checked += 1;
    }
    assert_eq!(checked, 6, "one backup job per database");
}
