//! The set of generated files, keyed by path relative to `generated/`.

use std::collections::BTreeMap;

/// Rendered files by relative path (forward slashes), in sorted order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    files: BTreeMap<String, String>,
}

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Two builders produced the same path: a naming bug, never silently overwritten.
    #[error("two builders render {0}: every generated path must be unique")]
    DuplicatePath(String),
    /// A path is absolute, climbs out of the output directory or is empty.
    #[error("refusing to render {0}: paths must be relative and stay inside generated/")]
    UnsafePath(String),
    /// An environment renders objects the base does not have, or the reverse; overlays
    /// can only patch objects, so every environment must render the same set.
    #[error(
        "{env} renders {object} but the base does not, or the reverse: every environment must render the same objects"
    )]
    ObjectSetDiffers {
        /// The environment.
        env: String,
        /// The object's `kind/namespace/name`.
        object: String,
    },
    /// The spec asks for something a builder cannot express (checked where validation
    /// does not cover it yet).
    #[error("cannot render {path}: {reason}")]
    Unsupported {
        /// The file being rendered.
        path: String,
        /// What is missing or malformed, naming the spec field.
        reason: String,
    },
    /// An object could not be serialized.
    #[error("cannot serialize {path}: {reason}")]
    Serialize {
        /// The file being rendered.
        path: String,
        /// What the serializer said.
        reason: String,
    },
}

impl Files {
    /// No files.
    pub fn new() -> Files {
        Files::default()
    }

    /// Adds a file; a second file at the same path is an error.
    pub fn insert(&mut self, path: impl Into<String>, mut contents: String) -> Result<(), RenderError> {
        let path = path.into();
        // Tens of thousands of files are held until written: none keeps spare capacity
        // (a no-op for the YAML serializer's exact-size output).
        contents.shrink_to_fit();
        if !is_safe(&path) {
            return Err(RenderError::UnsafePath(path));
        }
        if self.files.contains_key(&path) {
            return Err(RenderError::DuplicatePath(path));
        }
        self.files.insert(path, contents);
        Ok(())
    }

    /// Adds every file of `other`.
    pub fn extend(&mut self, other: Files) -> Result<(), RenderError> {
        other.files.into_iter().try_for_each(|(path, contents)| self.insert(path, contents))
    }

    /// The contents at `path`.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Paths and contents in sorted path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_str()))
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

fn is_safe(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_and_escaping_paths_are_refused() {
        let mut files = Files::new();
        files.insert("k8s/a.yaml", String::new()).unwrap();
        assert!(matches!(files.insert("k8s/a.yaml", String::new()), Err(RenderError::DuplicatePath(_))));
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a//b", "a\\b"] {
            assert!(matches!(files.insert(bad, String::new()), Err(RenderError::UnsafePath(_))), "{bad}");
        }
    }
}
