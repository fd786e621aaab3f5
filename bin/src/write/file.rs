//! Single files (the spec, `--spec-out`, an installed workflow): written to a temporary
//! file beside and renamed over, so a reader never sees one half-written.

use super::Mode;
use std::io;
use std::path::Path;

/// What [`write_file`] did, or would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOutcome {
    /// The file was written ([`Mode::Write`]).
    Written,
    /// The file already holds the contents; nothing was written.
    Unchanged,
    /// Writing would change or create the file; nothing was written.
    WouldWrite,
}

/// Replaces the contents of `path` atomically with [`Mode::Write`]; otherwise only
/// compares them, byte for byte, and writes nothing.
pub fn write_file(path: &Path, contents: &str, mode: Mode) -> io::Result<FileOutcome> {
    if mode != Mode::Write {
        return Ok(if holds_exactly(path, contents)? { FileOutcome::Unchanged } else { FileOutcome::WouldWrite });
    }
    let name = path.file_name().ok_or_else(|| io::Error::other(format!("{} is not a file path", path.display())))?;
    let scratch = path.with_file_name(format!(".{}.tmp", name.to_string_lossy()));
    std::fs::write(&scratch, contents)?;
    std::fs::rename(&scratch, path)?;
    Ok(FileOutcome::Written)
}

/// Creates `dir` and its missing ancestors with [`Mode::Write`]; otherwise does nothing.
pub fn create_dir(dir: &Path, mode: Mode) -> io::Result<()> {
    if mode == Mode::Write { std::fs::create_dir_all(dir) } else { Ok(()) }
}

/// Whether `path` exists with exactly `contents`: a write would leave it as it is.
fn holds_exactly(path: &Path, contents: &str) -> io::Result<bool> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(bytes == contents.as_bytes()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}
