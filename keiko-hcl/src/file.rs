//! Turns a typed body into the text of a `.tf` file.

use crate::error::HclError;
use crate::fmt::canonicalize;
use hcl::Body;
use keiko_model::generated::HEADER;

/// The text of a `.tf` file: the generated-code header, then `body` in `terraform fmt` form.
pub fn tf_file(path: &str, body: &Body) -> Result<String, HclError> {
    let text = hcl::to_string(body).map_err(|e| HclError::Print { path: path.to_owned(), reason: e.to_string() })?;
    Ok(format!("{HEADER}\n{}", canonicalize(&text)))
}
