//! Checks a parsed document against the spec's JSON Schema, reporting every unknown
//! field, missing field and wrongly typed value at once, each with its position.

use super::document::RawSpec;
use super::error::{Problem, SpecError, SpecPath};
use super::source::Document;
use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

/// The JSON Schema of keiko.yaml (draft 2020-12), as editors and `generate` use it.
pub fn json_schema() -> Value {
    let mut schema = schemars::schema_for!(RawSpec).to_value();
    bound_integers(&mut schema);
    schema
}

/// Gives every `uint32` and `int32` integer the bounds of its type. schemars states only
/// the format, which validators ignore, so a number such as 4294967296 passed the shape
/// check and failed deserialization, where no position is known.
fn bound_integers(node: &mut Value) {
    match node {
        Value::Object(object) => {
            let bounds = match object.get("format").and_then(Value::as_str) {
                Some("uint32") => Some((i64::from(u32::MIN), i64::from(u32::MAX))),
                Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
                _ => None,
            };
            if let Some((min, max)) = bounds {
                object.entry("minimum").or_insert(Value::from(min));
                object.entry("maximum").or_insert(Value::from(max));
            }
            object.values_mut().for_each(bound_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

/// Whether `value` fits the schema (an unusable schema fits nothing, so [`check`] reports it).
pub fn fits(value: &Value, schema: &Value) -> bool {
    jsonschema::validator_for(schema).is_ok_and(|validator| validator.is_valid(value))
}

/// Every place where `document` does not fit the schema.
pub fn check(document: &Document, schema: &Value) -> Vec<SpecError> {
    let validator = match jsonschema::validator_for(schema) {
        Ok(validator) => validator,
        Err(error) => {
            return vec![SpecError::new(SpecPath::root(), Problem::Shape(format!("internal schema error: {error}")))];
        }
    };
    let mut errors = Vec::new();
    for error in validator.iter_errors(&document.value) {
        collect(&error, document, schema, &mut errors);
    }
    errors
}

fn collect(error: &ValidationError<'_>, document: &Document, schema: &Value, out: &mut Vec<SpecError>) {
    let pointer = error.instance_path().as_str();
    let path = SpecPath::from_pointer(pointer, |p| document.map.is_sequence(&super::source::pointer_of(p)));
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let expected = allowed_fields(schema, &document.value, pointer).join(", ");
            for field in unexpected {
                let problem = Problem::UnknownField { field: field.clone(), expected: expected.clone() };
                out.push(locate(path.key(field), problem, document));
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let problem = Problem::Shape(format!("missing field `{name}`"));
            out.push(locate(path, problem, document));
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // An optional value failed: report why its non-null form failed.
            match context.iter().find(|branch| !is_null_branch(branch)) {
                Some(branch) => branch.iter().for_each(|inner| collect(inner, document, schema, out)),
                None => out.push(locate(path, Problem::Shape(error.to_string()), document)),
            }
        }
        _ => out.push(locate(path, Problem::Shape(error.to_string()), document)),
    }
}

/// A failed `anyOf` branch that only said "not null".
fn is_null_branch(branch: &[ValidationError<'_>]) -> bool {
    branch.len() == 1
        && matches!(branch[0].kind(), ValidationErrorKind::Type { .. })
        && branch[0].to_string().contains("null")
}

fn locate(path: SpecPath, problem: Problem, document: &Document) -> SpecError {
    let location = document.map.locate(&path);
    SpecError { path, location, problem }
}

/// The property names the schema allows for the object at `pointer`.
fn allowed_fields(schema: &Value, instance: &Value, pointer: &str) -> Vec<String> {
    let mut node = resolve(schema, schema);
    let mut value = instance;
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        let next = match value {
            Value::Array(items) => {
                value = segment.parse::<usize>().ok().and_then(|i| items.get(i)).unwrap_or(&Value::Null);
                node.get("items")
            }
            _ => {
                value = value.get(&segment).unwrap_or(&Value::Null);
                node.get("properties").and_then(|p| p.get(&segment)).or_else(|| node.get("additionalProperties"))
            }
        };
        node = match next {
            Some(next) => resolve(schema, next),
            None => return Vec::new(),
        };
    }
    node.get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

/// Follows `$ref`s and picks the object-shaped branch of `anyOf`/`oneOf`.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..16 {
        if let Some(target) = node.get("$ref").and_then(Value::as_str) {
            match target.strip_prefix('#').and_then(|p| root.pointer(p)) {
                Some(found) => node = found,
                None => return node,
            }
        } else if let Some(branch) = node
            .get("anyOf")
            .or_else(|| node.get("oneOf"))
            .and_then(Value::as_array)
            .and_then(|branches| branches.iter().find(|b| b.get("type") != Some(&Value::from("null"))))
        {
            node = branch;
        } else {
            return node;
        }
    }
    node
}
