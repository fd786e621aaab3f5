//! Reads a generated tree from disk into memory, the shape `render_all` produces.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// Every file under `root` by relative path with forward slashes; an absent root is empty.
pub fn read_tree(root: &Path) -> io::Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    if root.exists() {
        visit(root, root, &mut files)?;
    }
    Ok(files)
}

fn visit(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            visit(root, &path, files)?;
        } else {
            let relative = path.strip_prefix(root).map_err(io::Error::other)?;
            let key = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            files.insert(key, std::fs::read(&path)?);
        }
    }
    Ok(())
}

/// Text with Windows line endings folded, so a checkout with CRLF is not drift.
pub fn normalize(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\n")
}
