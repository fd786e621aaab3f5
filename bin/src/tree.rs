//! Reads a generated tree from disk: its paths, and whether a file holds given contents.
//! Files are compared one at a time rather than loaded all at once, so memory stays at
//! one rendering of the tree, not two.

use keiko_manifests::Files;
use std::collections::BTreeSet;
use std::io;
use std::path::Path;

/// How rendered files stand against the tree on disk: the tree's paths, and which of
/// the rendered files present there hold other contents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Every file of the tree on disk.
    pub listed: BTreeSet<String>,
    /// Rendered files present on disk with other contents.
    pub differing: BTreeSet<String>,
}

impl Comparison {
    /// Compares every file of `files` present in `listed` (the tree under `root`).
    pub fn new(files: &Files, root: &Path, listed: BTreeSet<String>) -> io::Result<Comparison> {
        let present: Vec<(&str, &str)> = files.iter().filter(|(path, _)| listed.contains(*path)).collect();
        let differing = differing(&present, root)?.into_iter().map(str::to_owned).collect();
        Ok(Comparison { listed, differing })
    }

    /// Lists and compares the tree under `root` at once.
    pub fn of_tree(files: &Files, root: &Path) -> io::Result<Comparison> {
        Comparison::new(files, root, list_tree(root)?)
    }

    /// Compares one more file, rendered after the others.
    pub fn add(&mut self, root: &Path, path: &str, contents: &str) -> io::Result<()> {
        if self.listed.contains(path) && !holds(&root.join(path), contents)? {
            self.differing.insert(path.to_owned());
        }
        Ok(())
    }

    /// Whether `path` is on disk with exactly the rendered contents.
    pub fn unchanged(&self, path: &str) -> bool {
        self.listed.contains(path) && !self.differing.contains(path)
    }
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
    holds_with(path, contents, &mut Vec::new())
}

/// [`holds`] reading into `buffer`: no allocation per file, and no `stat` to size one.
/// At most `contents.len() + 1` bytes are read (enough to tell a longer file apart)
/// unless the file has `\r`s to fold.
fn holds_with(path: &Path, contents: &str, buffer: &mut Vec<u8>) -> io::Result<bool> {
    use std::io::Read;
    buffer.clear();
    let mut file = std::fs::File::open(path)?;
    (&mut file).take(contents.len() as u64 + 1).read_to_end(buffer)?;
    if buffer.as_slice() == contents.as_bytes() {
        return Ok(true);
    }
    if !buffer.contains(&b'\r') {
        return Ok(false);
    }
    file.read_to_end(buffer)?;
    Ok(normalize(buffer) == contents)
}

/// The paths among `files` (present on disk under `root`) whose contents differ, in
/// order. Reading tens of thousands of small files is mostly system-call latency, so
/// every core reads a share.
pub fn differing<'a>(files: &[(&'a str, &'a str)], root: &Path) -> io::Result<Vec<&'a str>> {
    let shares = crate::cores::share_out(files, |share| {
        let mut buffer = Vec::new();
        let mut differ = Vec::new();
        for &(path, contents) in share {
            if !holds_with(&root.join(path), contents, &mut buffer)? {
                differ.push(path);
            }
        }
        Ok(differ)
    })?;
    Ok(shares.into_iter().flatten().collect())
}

/// Text with Windows line endings folded, so a checkout with CRLF is not drift.
pub fn normalize(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\n")
}
