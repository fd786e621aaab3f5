//! Why building Terraform from a spec can fail.

use keiko_model::files::RenderError;

/// A problem met while building Terraform.
#[derive(Debug, thiserror::Error)]
pub enum HclError {
    /// A name taken from the spec is not a valid HCL identifier.
    #[error(
        "`{name}` (from {origin}) is not a valid HCL identifier: use letters, digits, '-' and '_', starting with a letter"
    )]
    InvalidIdentifier {
        /// The offending name.
        name: String,
        /// Where the name comes from in the spec.
        origin: String,
    },
    /// hcl-rs could not print a body.
    #[error("cannot print {path}: {reason}")]
    Print {
        /// The file being rendered.
        path: String,
        /// What hcl-rs said.
        reason: String,
    },
    /// An add-on the Terraform side needs is missing from the spec.
    #[error("addons.{0}: required by the Terraform argocd-bootstrap module")]
    MissingAddon(String),
}

impl From<HclError> for RenderError {
    fn from(error: HclError) -> RenderError {
        RenderError::Serialize { path: "terraform".into(), reason: error.to_string() }
    }
}
