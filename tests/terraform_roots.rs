//! The roots of an environment work together the way Terraform runs them: the argocd root
//! reads the very state the infrastructure root writes, and only outputs that root
//! declares; and Terraform 1.11.4 itself accepts every s3 backend and remote-state
//! configuration we render (`terraform validate` of a `terraform_remote_state` checks its
//! `config` against the s3 backend's schema, offline, with the builtin provider). The
//! ordering rule itself (no provider configured from its own root) is KEIKO-TF-004.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use hcl::{Block, Body, Expression};
use keiko_hcl::names::EnvRoot;
use keiko_model::Platform;
use keiko_spec::Env;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

#[path = "support/terraform.rs"]
mod terraform;

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

fn string_attr(body: &Body, key: &str) -> String {
    match terraform::attribute(body, key) {
        Some(Expression::String(s)) => s.clone(),
        other => panic!("{key} is {other:?}"),
    }
}

/// `(bucket, key)` of an s3 configuration given as a block body.
fn location(body: &Body) -> (String, String) {
    (string_attr(body, "bucket"), string_attr(body, "key"))
}

/// The same, from a remote state's `config` object.
fn config_location(config: &Expression) -> (String, String) {
    let Expression::Object(object) = config else { panic!("config is not an object") };
    let field = |name: &str| {
        object
            .iter()
            .find(|(k, _)| k.to_string() == name)
            .map(|(_, v)| match v {
                Expression::String(s) => s.clone(),
                other => panic!("{name} is {other}"),
            })
            .unwrap()
    };
    (field("bucket"), field("key"))
}

/// Every root's s3 backend body, by the root's directory.
fn backends(bodies: &BTreeMap<String, Body>) -> BTreeMap<String, Body> {
    let mut out = BTreeMap::new();
    for (path, body) in bodies.iter().filter(|(p, _)| p.ends_with("/versions.tf") && !p.contains("/modules/")) {
        let terraform = body.blocks().find(|b| b.identifier() == "terraform").unwrap();
        if let Some(backend) = terraform.body().blocks().find(|b| b.identifier() == "backend") {
            assert_eq!(backend.labels()[0].as_str(), "s3", "{path}");
            out.insert(path.trim_end_matches("/versions.tf").to_owned(), backend.body().clone());
        }
    }
    out
}

/// Every `terraform_remote_state` of every root, with the root's directory.
fn remote_states(bodies: &BTreeMap<String, Body>) -> Vec<(String, Block)> {
    bodies
        .iter()
        .flat_map(|(path, body)| {
            let dir = path.rsplit_once('/').unwrap().0.to_owned();
            body.blocks()
                .filter(|b| b.identifier() == "data" && b.labels()[0].as_str() == "terraform_remote_state")
                .map(move |b| (dir.clone(), b.clone()))
        })
        .collect()
}

/// The outputs `root` reads from remote state `name` (`data.terraform_remote_state.<name>.outputs.<x>`).
fn outputs_read(bodies: &BTreeMap<String, Body>, root: &str, name: &str) -> BTreeSet<String> {
    let needle = format!("data.terraform_remote_state.{name}.outputs.");
    let text: String = bodies
        .iter()
        .filter(|(p, _)| p.starts_with(&format!("{root}/")))
        .map(|(_, b)| hcl::to_string(b).unwrap())
        .collect();
    text.match_indices(&needle)
        .map(|(i, _)| text[i + needle.len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .collect()
}

/// Every remote state any root reads is the state of a root we render, and it reads only
/// outputs that root declares (`global/harbor` reads `global/registry` among them).
#[test]
fn every_remote_state_is_a_rendered_roots_and_reads_declared_outputs() {
    let bodies = terraform::bodies(&keiko());
    let backends = backends(&bodies);
    let states = remote_states(&bodies);
    assert!(states.len() >= 4, "three argocd roots and global/harbor read remote state");
    for (reader, state) in &states {
        let read = config_location(terraform::attribute(state.body(), "config").unwrap());
        let writer = backends
            .iter()
            .find(|(_, body)| location(body) == read)
            .map(|(dir, _)| dir.clone())
            .unwrap_or_else(|| panic!("{reader} reads {read:?}, which no root writes"));
        let declared: BTreeSet<String> = bodies[&format!("{writer}/outputs.tf")]
            .blocks()
            .filter(|b| b.identifier() == "output")
            .map(|b| b.labels()[0].as_str().to_owned())
            .collect();
        let used = outputs_read(&bodies, reader, state.labels()[1].as_str());
        let missing: Vec<_> = used.difference(&declared).collect();
        assert!(missing.is_empty(), "{reader} reads outputs {writer} does not declare: {missing:?}");
    }
}

#[test]
fn the_argocd_root_reads_the_state_and_outputs_the_infrastructure_root_writes() {
    let bodies = terraform::bodies(&keiko());
    let backends = backends(&bodies);
    for env in Env::ALL {
        let reader = format!("terraform/{}", EnvRoot::Argocd.dir(env));
        let writer = format!("terraform/{}", EnvRoot::Infrastructure.dir(env));
        let states: Vec<_> = remote_states(&bodies).into_iter().filter(|(dir, _)| *dir == reader).collect();
        assert_eq!(states.len(), 1, "{reader} reads one remote state");
        let (_, state) = &states[0];
        let read = config_location(terraform::attribute(state.body(), "config").unwrap());
        assert_eq!(read, location(&backends[&writer]), "{reader} reads the state {writer} writes");
        let declared: BTreeSet<String> = bodies[&format!("{writer}/outputs.tf")]
            .blocks()
            .filter(|b| b.identifier() == "output")
            .map(|b| b.labels()[0].as_str().to_owned())
            .collect();
        let read = outputs_read(&bodies, &reader, state.labels()[1].as_str());
        assert!(!read.is_empty(), "{reader} reads nothing from {writer}");
        let missing: Vec<_> = read.difference(&declared).collect();
        assert!(missing.is_empty(), "{reader} reads outputs {writer} does not declare: {missing:?}");
    }
}

/// A root of `terraform_remote_state` data sources, one per s3 configuration: each backend
/// block's settings as a `config`, and each remote state as rendered.
fn validation_root(bodies: &BTreeMap<String, Body>) -> Body {
    let mut body = Body::builder();
    for (i, (_, backend)) in backends(bodies).iter().enumerate() {
        let config: hcl::Object<hcl::ObjectKey, Expression> = backend
            .attributes()
            .map(|a| (hcl::ObjectKey::Identifier(hcl::Identifier::new(a.key()).unwrap()), a.expr().clone()))
            .collect();
        body = body.add_block(
            Block::builder("data")
                .add_label("terraform_remote_state")
                .add_label(format!("backend_{i}"))
                .add_attribute(("backend", "s3"))
                .add_attribute(("config", Expression::Object(config)))
                .build(),
        );
    }
    for (i, (_, state)) in remote_states(bodies).into_iter().enumerate() {
        let mut block = state.clone();
        block.labels[1] = hcl::BlockLabel::from(format!("remote_{i}"));
        body = body.add_block(block);
    }
    body.build()
}

/// `terraform validate` on `body`, in a fresh directory: `Ok` or Terraform's own words.
fn validate(body: &Body) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), hcl::to_string(body).unwrap()).unwrap();
    let terraform = |args: &[&str]| Command::new("terraform").args(args).current_dir(dir.path()).output().unwrap();
    let init = terraform(&["init", "-backend=false", "-input=false", "-no-color"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let out = terraform(&["validate", "-no-color"]);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }
}

fn terraform_available() -> bool {
    Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn terraform_accepts_every_s3_backend_and_remote_state_we_render() {
    if !terraform_available() {
        return common::skipped_without("terraform");
    }
    let bodies = terraform::bodies(&keiko());
    let root = validation_root(&bodies);
    assert!(root.blocks().count() >= 8, "the environments' six roots, global and one remote state per environment");
    validate(&root).unwrap_or_else(|error| panic!("{error}"));
}

/// The check's own fault, planted: a setting the s3 backend does not know is refused.
#[test]
fn terraform_refuses_an_s3_setting_it_does_not_know() {
    if !terraform_available() {
        return common::skipped_without("terraform");
    }
    let bodies = terraform::bodies(&keiko());
    let text = hcl::to_string(&validation_root(&bodies)).unwrap().replacen("skip_s3_checksum", "skip_checksum", 1);
    let error = validate(&hcl::from_str(&text).unwrap()).unwrap_err();
    let words = error.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("unexpected attribute \"skip_checksum\""), "{error}");
}
