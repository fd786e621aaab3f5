//! The one serializer for generated YAML and JSON, so files and snapshots agree byte for byte.

use keiko_model::files::RenderError;
use serde::Serialize;

pub use keiko_model::generated::HEADER;

/// Strings are never folded by width: an image reference or a query stays on one line,
/// which reads and diffs better. Strings with newlines still use literal blocks (`|`).
const NO_FOLDING_BELOW: usize = usize::MAX / 2;

fn options() -> serde_saphyr::SerializerOptions {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = NO_FOLDING_BELOW;
    options.min_fold_chars = NO_FOLDING_BELOW;
    options
}

/// Serializes `object` after `prefix` into this thread's reusable buffer and returns an
/// exact-size copy: tens of thousands of documents each grown by doubling, then shrunk
/// to be held until written, were a tenth of the allocator's work at fleet scale.
fn to_yaml_after<T: Serialize>(prefix: &str, path: &str, object: &T) -> Result<String, RenderError> {
    thread_local! {
        static BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        buffer.push_str(prefix);
        serde_saphyr::to_fmt_writer_with_options(buffer, object, options())
            .map_err(|error| serialize_error(path, error))?;
        Ok(buffer.as_str().to_owned())
    })
}

/// A value as YAML without the header, to embed in another document (a kustomization's
/// inline patch).
pub fn yaml_fragment<T: Serialize>(path: &str, value: &T) -> Result<String, RenderError> {
    to_yaml_after("", path, value)
}

/// One object as a YAML file: the header, then the document.
pub fn yaml_document<T: Serialize>(path: &str, object: &T) -> Result<String, RenderError> {
    to_yaml_after(HEADER, path, object)
}

/// Several objects as one multi-document YAML file.
pub fn yaml_stream<T: Serialize>(path: &str, objects: &[T]) -> Result<String, RenderError> {
    let mut out = String::from(HEADER);
    for object in objects {
        out.push_str(&to_yaml_after("---\n", path, object)?);
    }
    Ok(out)
}

/// A value as pretty JSON with a trailing newline (JSON has no comments, so no header).
pub fn json_document<T: Serialize>(path: &str, value: &T) -> Result<String, RenderError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|error| serialize_error(path, error))?;
    text.push('\n');
    Ok(text)
}

fn serialize_error(path: &str, error: impl std::fmt::Display) -> RenderError {
    RenderError::Serialize { path: path.to_owned(), reason: error.to_string() }
}
