//! Identifiers and names derived from spec data, checked rather than sanitized.

use crate::error::HclError;
use hcl::Identifier;

/// The HCL identifier `name`, or an error naming where it came from.
pub fn ident(name: &str, origin: &str) -> Result<Identifier, HclError> {
    Identifier::new(name).map_err(|_| HclError::InvalidIdentifier { name: name.to_owned(), origin: origin.to_owned() })
}

pub use keiko_model::terraform_roots::EnvRoot;
