//! The spec's JSON Schema as a generated file, for editors (yaml-language-server) and CI.

use crate::output::{Files, RenderError, json_document};
use keiko_spec::shape::json_schema;
use serde_json::Value;

/// Where the schema is written, relative to `generated/`.
pub const SCHEMA_PATH: &str = "schema/keiko.schema.json";

/// Renders the schema, marked as generated through the standard `$comment` keyword.
pub fn render(files: &mut Files) -> Result<(), RenderError> {
    let mut schema = json_schema();
    if let Value::Object(object) = &mut schema {
        object.insert("$comment".into(), Value::from(keiko_model::generated::marker()));
    }
    files.insert(SCHEMA_PATH, json_document(SCHEMA_PATH, &schema)?)
}
