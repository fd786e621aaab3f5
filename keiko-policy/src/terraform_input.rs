//! What the Terraform rules read: the rendered `.tf` files parsed back with hcl-rs, and
//! what they report.

use hcl::Body;

/// One parsed Terraform file.
#[derive(Debug, Clone, PartialEq)]
pub struct TfFile {
    /// The path, relative to `generated/`.
    pub path: String,
    /// Its body.
    pub body: Body,
}

/// A failure of a Terraform rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TfHit {
    /// The index of the failing file.
    pub file: usize,
    /// What in the file fails (`required_providers.ovh`, `backend.s3`).
    pub name: String,
    /// What is wrong.
    pub message: String,
}

/// Parses one file; the error names the file and what hcl-rs said.
pub fn parse(path: &str, text: &str) -> Result<TfFile, String> {
    hcl::from_str::<Body>(text)
        .map(|body| TfFile { path: path.to_owned(), body })
        .map_err(|error| format!("{path}: malformed HCL: {error}"))
}
