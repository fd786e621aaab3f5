//! Reading and rewriting the spec file. A rewrite goes to a temporary file beside it
//! and is renamed over it, so the spec is never half-written.

use std::io;
use std::path::Path;

/// Replaces the contents of `path` atomically.
pub fn replace(path: &Path, text: &str) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| io::Error::other(format!("{} is not a file path", path.display())))?;
    let scratch = path.with_file_name(format!(".{}.tmp", name.to_string_lossy()));
    std::fs::write(&scratch, text)?;
    std::fs::rename(&scratch, path)
}
