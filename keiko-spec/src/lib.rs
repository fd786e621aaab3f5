//! The platform spec, the first layer: its types, how keiko.yaml is read, the rules it
//! must follow, its JSON Schema and the edits of `set-image` and `promote`. It knows
//! nothing of the layers built on it (docs/architecture.md).
//!
//! Reading goes parse → shape → semantics ([`load`]): YAML is parsed with positions,
//! checked against the JSON Schema (every unknown field, missing field and bad type),
//! deserialized, and validated against the platform's rules. Each stage reports every
//! problem it finds; a later stage runs only when the earlier ones found none.

pub mod addon;
pub mod backup;
pub mod document;
pub mod edit;
pub mod env;
pub mod error;
pub mod facts;
pub mod observability;
pub mod platform;
pub mod rule_ids;
pub mod security;
pub mod service;
pub mod shape;
pub mod source;
pub mod stateful;
pub mod synthetic;
pub mod validate;

pub use document::{RawSpec, Spec};
pub use env::{Env, PerEnv};
pub use error::{Location, Problem, SpecError, SpecErrors, SpecPath};
pub use validate::validate;

/// Reads and validates a spec. `file` names the source in error messages.
pub fn load(file: &str, text: &str) -> Result<Spec, SpecErrors> {
    // Positions are needed only to report problems: a spec that loads cleanly is read
    // once without them (most of the parse at fleet scale), and a spec with any problem
    // is read again with them, by the same steps, to report every problem located.
    load_unlocated(text).map_or_else(|| load_located(file, text), Ok)
}

/// The spec, if it has no problem at all.
fn load_unlocated(text: &str) -> Option<Spec> {
    let value = source::parse_unlocated(text).ok()?;
    if !shape::fits(&value, &shape::json_schema()) {
        return None;
    }
    validate(serde_json::from_value(value).ok()?).ok()
}

fn load_located(file: &str, text: &str) -> Result<Spec, SpecErrors> {
    let fail = |errors: Vec<SpecError>| SpecErrors { file: file.to_owned(), errors: sorted(errors) };
    let document = source::parse(text).map_err(fail)?;
    let schema = shape::json_schema();
    let shape_errors = shape::check(&document, &schema);
    if !shape_errors.is_empty() {
        return Err(fail(shape_errors));
    }
    drop(schema);
    // The tree is consumed, not cloned: at fleet scale it is tens of megabytes.
    let source::Document { value, map } = document;
    let raw: RawSpec = serde_json::from_value(value)
        .map_err(|error| fail(vec![SpecError::new(SpecPath::root(), Problem::Shape(error.to_string()))]))?;
    validate(raw).map_err(|errors| {
        let located = errors.into_iter().map(|mut error| {
            error.location = map.locate(&error.path);
            error
        });
        fail(located.collect())
    })
}

fn sorted(mut errors: Vec<SpecError>) -> Vec<SpecError> {
    errors.sort_by(|a, b| (a.location, &a.path).cmp(&(b.location, &b.path)));
    errors.dedup();
    errors
}
