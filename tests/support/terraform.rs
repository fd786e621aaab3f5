//! Reading the typed Terraform bodies the way Terraform resolves them: a root's module
//! call, a module's resources of one type, an attribute.

#![allow(dead_code)]

use hcl::expr::Expression;
use hcl::{Block, Body};
use std::collections::BTreeMap;

/// Every generated Terraform file of `platform`, by path.
pub fn bodies(platform: &keiko_model::Platform) -> BTreeMap<String, Body> {
    keiko_hcl::bodies(platform).unwrap().into_iter().collect()
}

/// The path of `file` of `env`'s root `root`, as [`bodies`] keys it.
pub fn root_file(env: keiko_spec::Env, root: keiko_hcl::names::EnvRoot, file: &str) -> String {
    format!("terraform/{}/{file}", root.dir(env))
}

/// The call of module `name` in `root`.
pub fn module_call<'a>(root: &'a Body, name: &str) -> &'a Block {
    root.blocks()
        .find(|b| b.identifier() == "module" && b.labels().first().is_some_and(|l| l.as_str() == name))
        .unwrap_or_else(|| panic!("no module \"{name}\""))
}

/// The resources of type `kind` in `module`.
pub fn resources<'a>(module: &'a Body, kind: &'a str) -> impl Iterator<Item = &'a Body> {
    module
        .blocks()
        .filter(move |b| b.identifier() == "resource" && b.labels().first().is_some_and(|l| l.as_str() == kind))
        .map(Block::body)
}

/// The expression of attribute `key` of `body`.
pub fn attribute<'a>(body: &'a Body, key: &str) -> Option<&'a Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr())
}
