//! Located problems of a spec, reported all at once.

use std::fmt;

/// A position in the spec file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

/// A path to a value in the spec: `services.learning-service.ports[0].port`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpecPath(Vec<Segment>);

/// One step of a [`SpecPath`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

impl SpecPath {
    /// The path of the whole document.
    pub fn root() -> SpecPath {
        SpecPath(Vec::new())
    }

    /// This path extended by a mapping key.
    pub fn key(&self, key: &str) -> SpecPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.to_owned()));
        SpecPath(segments)
    }

    /// This path extended by a sequence index.
    pub fn index(&self, index: usize) -> SpecPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        SpecPath(segments)
    }

    /// Parses a JSON pointer (`/services/learning-service/ports/0`). Numeric
    /// segments are indices only where `is_index` says the parent is a sequence.
    pub fn from_pointer(pointer: &str, is_index: impl Fn(&SpecPath) -> bool) -> SpecPath {
        let mut path = SpecPath::root();
        for raw in pointer.split('/').skip(1) {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            path = match segment.parse::<usize>() {
                Ok(index) if is_index(&path) => path.index(index),
                _ => path.key(&segment),
            };
        }
        path
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }
}

impl fmt::Display for SpecPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if i == 0 => write!(f, "{key}")?,
                Segment::Key(key) => write!(f, ".{key}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// What is wrong at one place of the spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The file is not well-formed YAML.
    #[error("invalid YAML: {0}")]
    Syntax(String),
    /// The YAML is well-formed but uses a feature the spec does not allow.
    #[error("{0}")]
    Unsupported(String),
    /// A key appears twice in one mapping.
    #[error("duplicate key `{0}`: each key may appear once")]
    DuplicateKey(String),
    /// The document does not have the shape the JSON Schema describes.
    #[error("{0}")]
    Shape(String),
    /// A field the spec does not know.
    #[error("unknown field `{field}`; expected one of: {expected}")]
    UnknownField {
        /// The field as written.
        field: String,
        /// The fields that are allowed here.
        expected: String,
    },
    /// A value breaks a rule of the platform.
    #[error("{0}")]
    Invalid(String),
}

/// One located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// Where in the document.
    pub path: SpecPath,
    /// Where in the file, when known.
    pub location: Option<Location>,
    /// What is wrong and what would be valid.
    pub problem: Problem,
}

impl SpecError {
    /// A problem at `path`; the location is filled in by the loader.
    pub fn new(path: SpecPath, problem: Problem) -> SpecError {
        SpecError { path, location: None, problem }
    }

    /// A rule violation at `path`.
    pub fn invalid(path: SpecPath, message: impl Into<String>) -> SpecError {
        SpecError::new(path, Problem::Invalid(message.into()))
    }
}

/// Every problem found in a spec, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors {
    /// The file name shown in front of locations.
    pub file: String,
    /// The problems, sorted by location and path.
    pub errors: Vec<SpecError>,
}

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for error in &self.errors {
            match error.location {
                Some(at) => write!(f, "{}:{}:{}: ", self.file, at.line, at.column)?,
                None => write!(f, "{}: ", self.file)?,
            }
            writeln!(f, "{}: {}", error.path, error.problem)?;
        }
        let count = self.errors.len();
        write!(f, "{count} problem{} in {}", plural(count), self.file)
    }
}

impl std::error::Error for SpecErrors {}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_as_dotted_keys_with_indices() {
        let path = SpecPath::root().key("services").key("learning-service").key("ports").index(0).key("port");
        assert_eq!(path.to_string(), "services.learning-service.ports[0].port");
    }

    #[test]
    fn pointers_parse_back_into_paths() {
        let path = SpecPath::from_pointer("/services/a~1b/ports/0", |p| {
            p.segments().last() == Some(&Segment::Key("ports".into()))
        });
        assert_eq!(path.to_string(), "services.a/b.ports[0]");
    }
}
