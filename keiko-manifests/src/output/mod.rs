//! The rendered output: a map from relative path to file contents, and the
//! serializers that every builder's objects go through.

mod yaml;

pub use keiko_model::files::{Files, RenderError};
pub use yaml::{HEADER, json_document, yaml_document, yaml_fragment, yaml_stream};
