//! Builders of the generic Terraform blocks: resources, variables, outputs, module calls.

use crate::expr::{bare, object};
use hcl::{Block, Body, Expression};

/// A `resource "<kind>" "<name>"` block builder.
pub fn resource(kind: &str, name: &str) -> hcl::structure::BlockBuilder {
    Block::builder("resource").add_label(kind).add_label(name)
}

/// A `data "<kind>" "<name>"` block builder.
pub fn data(kind: &str, name: &str) -> hcl::structure::BlockBuilder {
    Block::builder("data").add_label(kind).add_label(name)
}

/// A `module "<name>"` call whose source is `<modules>/<dir>` (`modules` is relative to the root).
pub fn module_call(name: &str, modules: &str, dir: &str) -> hcl::structure::BlockBuilder {
    Block::builder("module").add_label(name).add_attribute(("source", format!("{modules}/{dir}")))
}

/// `lifecycle { prevent_destroy = true }`: state and backups must never be deleted by a plan.
pub fn prevent_destroy() -> Block {
    Block::builder("lifecycle").add_attribute(("prevent_destroy", true)).build()
}

/// `lifecycle { ignore_changes = [...] }`.
pub fn ignore_changes(attributes: &[&str]) -> Block {
    let list = Expression::Array(attributes.iter().map(|a| bare(a)).collect());
    Block::builder("lifecycle").add_attribute(("ignore_changes", list)).build()
}

/// `dynamic "<name>" { for_each = ..; content { .. } }`.
pub fn dynamic(name: &str, for_each: Expression, content: Body) -> Block {
    let content = Block { identifier: "content".into(), labels: Vec::new(), body: content };
    Block::builder("dynamic").add_label(name).add_attribute(("for_each", for_each)).add_block(content).build()
}

/// One input variable: every variable has a description, a type and validation rules.
pub struct Variable<'a> {
    /// The variable's name.
    pub name: &'a str,
    /// What the variable means.
    pub description: &'a str,
    /// Its type expression (`string`, `map(string)`, `object({..})`).
    pub kind: Expression,
    /// The rules it must satisfy: a condition and its error message.
    pub rules: Vec<(Expression, &'a str)>,
    /// Whether Terraform must hide its value.
    pub sensitive: bool,
    /// The value used when the caller gives none.
    pub default: Option<Expression>,
}

/// The `variable` block of `v`.
pub fn variable(v: Variable<'_>) -> Block {
    let mut builder = Block::builder("variable")
        .add_label(v.name)
        .add_attribute(("description", v.description))
        .add_attribute(("type", v.kind));
    if let Some(default) = v.default {
        builder = builder.add_attribute(("default", default));
    }
    if v.sensitive {
        builder = builder.add_attribute(("sensitive", true));
    }
    for (condition, message) in v.rules {
        let rule = Block::builder("validation")
            .add_attribute(("condition", condition))
            .add_attribute(("error_message", message));
        builder = builder.add_block(rule.build());
    }
    builder.build()
}

/// An `output` block.
pub fn output(name: &str, description: &str, value: Expression) -> Block {
    Block::builder("output")
        .add_label(name)
        .add_attribute(("description", description))
        .add_attribute(("value", value))
        .build()
}

/// A sensitive `output` block (credentials, kubeconfig fields).
pub fn sensitive_output(name: &str, description: &str, value: Expression) -> Block {
    Block::builder("output")
        .add_label(name)
        .add_attribute(("description", description))
        .add_attribute(("value", value))
        .add_attribute(("sensitive", true))
        .build()
}

/// The type `object({ name = type, .. })`.
pub fn object_type<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Expression {
    crate::expr::call("object", [object(fields.into_iter().map(|(k, t)| (k, bare(t))))])
}
