//! Reads a generated tree from disk: its paths, and whether a file holds given contents.
//! Files are compared one at a time rather than loaded all at once, so memory stays at
//! one rendering of the tree, not two.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::Path;

/// Every file under `root` by relative path with forward slashes; an absent root is empty.
pub fn read_tree(root: &Path) -> io::Result<BTreeMap<String, Vec<u8>>> {
    list_tree(root)?
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(root.join(&path))?;
            Ok((path, bytes))
        })
        .collect()
}

/// The relative path (forward slashes) of every file under `root`; an absent root is empty.
pub fn list_tree(root: &Path) -> io::Result<BTreeSet<String>> {
    let mut paths = BTreeSet::new();
    if root.exists() {
        visit(root, "", &mut paths)?;
    }
    Ok(paths)
}

fn visit(dir: &Path, prefix: &str, paths: &mut BTreeSet<String>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let key = format!("{prefix}{}", name.to_string_lossy());
        if entry.file_type()?.is_dir() {
            visit(&entry.path(), &format!("{key}/"), paths)?;
        } else {
            paths.insert(key);
        }
    }
    Ok(())
}

/// The file's text with Windows line endings folded, so a checkout with CRLF is not drift.
pub fn read_normalized(path: &Path) -> io::Result<String> {
    Ok(normalize(&std::fs::read(path)?))
}

/// Whether the file at `path` holds `contents`, line endings aside.
pub fn holds(path: &Path, contents: &str) -> io::Result<bool> {
    let bytes = std::fs::read(path)?;
    Ok(bytes == contents.as_bytes() || (bytes.contains(&b'\r') && normalize(&bytes) == contents))
}

/// Text with Windows line endings folded, so a checkout with CRLF is not drift.
pub fn normalize(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\n")
}
