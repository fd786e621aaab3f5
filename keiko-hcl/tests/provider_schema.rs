//! Every resource type, attribute and block the generated code uses exists in the providers'
//! schemas (tests/data: names extracted from ovh/ovh 2.19.0 and hashicorp/helm 3.1.2).

mod common;

use hcl::Body;
use serde_json::Value;

const SCHEMA: &str = include_str!("data/provider-schema-names.json");
/// Terraform's meta-arguments, valid on every resource.
const META_ATTRIBUTES: [&str; 4] = ["count", "depends_on", "for_each", "provider"];

/// Checks `body` against `schema` (`{attributes: [..], blocks: {..}}`); `at` names the place.
fn check(body: &Body, schema: &Value, at: &str, problems: &mut Vec<String>) {
    let attributes = schema["attributes"].as_array().map(Vec::as_slice).unwrap_or_default();
    for attribute in body.attributes() {
        let key = attribute.key();
        if !META_ATTRIBUTES.contains(&key) && !attributes.iter().any(|a| a == key) {
            problems.push(format!("{at}: unknown attribute `{key}`"));
        }
    }
    for block in body.blocks() {
        let (name, inner) = match block.identifier() {
            "lifecycle" => continue,
            "dynamic" => {
                let label = block.labels().first().map(|l| l.as_str()).unwrap_or_default();
                let content = block.body().blocks().find(|b| b.identifier() == "content");
                (label, content.map(|c| c.body()).unwrap_or(block.body()))
            }
            other => (other, block.body()),
        };
        match schema["blocks"].get(name) {
            Some(nested) => check(inner, nested, &format!("{at}.{name}"), problems),
            None => problems.push(format!("{at}: unknown block `{name}`")),
        }
    }
}

#[test]
fn every_resource_and_attribute_exists_in_the_provider_schemas() {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap_or_else(|error| panic!("{error}"));
    let platform = common::keiko();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (path, body) in keiko_hcl::bodies(&platform).unwrap_or_else(|error| panic!("{error}")) {
        for block in body.blocks() {
            let section = match block.identifier() {
                "resource" => "resources",
                "data" => "data_sources",
                _ => continue,
            };
            let kind = block.labels().first().map(|l| l.as_str()).unwrap_or_default();
            match schema[section].get(kind) {
                Some(entry) => check(block.body(), entry, &format!("{path}: {kind}"), &mut problems),
                None => problems.push(format!("{path}: unknown {section} type `{kind}`")),
            }
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} resources checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_removed_ip_restriction_resource_is_never_used() {
    for (path, text) in common::render(&common::keiko()).iter() {
        assert!(!text.contains("ovh_cloud_project_database_ip_restriction\""), "{path}");
    }
}

#[test]
fn the_resource_table_lists_only_real_types() {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap_or_else(|error| panic!("{error}"));
    for kind in keiko_hcl::resources::ALL {
        assert!(schema["resources"].get(kind).is_some(), "{kind}");
    }
    for kind in keiko_hcl::resources::DATA_SOURCES {
        assert!(schema["data_sources"].get(kind).is_some(), "{kind}");
    }
}
