//! Reads a generated tree from disk: its paths, and whether a file holds given contents.
//! Files are compared one at a time rather than loaded all at once, so memory stays at
//! one rendering of the tree, not two.

use keiko_manifests::Files;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::Path;

/// A tree on disk: every file below the root with its inode number, and every directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Each file's relative path (forward slashes) and inode number, read from the
    /// directory entry (no `stat`); 0 where the platform has none.
    pub files: BTreeMap<String, u64>,
    /// Each directory below the root, by relative path.
    pub dirs: BTreeSet<String>,
}

impl Listing {
    /// Whether the tree has a file at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// The file paths, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// How rendered files stand against the tree on disk: the tree's listing, and which of
/// the rendered files present there hold other contents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// The tree on disk.
    pub listed: Listing,
    /// Rendered files present on disk with other contents.
    pub differing: BTreeSet<String>,
}

impl Comparison {
    /// Compares every file of `files` present in `listed` (the tree under `root`).
    pub fn new(files: &Files, root: &Path, listed: Listing) -> io::Result<Comparison> {
        let present: Vec<(&str, &str)> = files.iter().filter(|(path, _)| listed.contains(path)).collect();
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

/// Every file and directory under `root`; an absent root is empty.
pub fn list_tree(root: &Path) -> io::Result<Listing> {
    let mut listing = Listing::default();
    if root.exists() {
        visit(root, "", &mut listing)?;
    }
    Ok(listing)
}

fn visit(dir: &Path, prefix: &str, listing: &mut Listing) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let key = format!("{prefix}{}", name.to_string_lossy());
        if entry.file_type()?.is_dir() {
            visit(&entry.path(), &format!("{key}/"), listing)?;
            listing.dirs.insert(key);
        } else {
            listing.files.insert(key, inode(&entry));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn inode(entry: &std::fs::DirEntry) -> u64 {
    std::os::unix::fs::DirEntryExt::ino(entry)
}

#[cfg(not(unix))]
fn inode(_: &std::fs::DirEntry) -> u64 {
    0
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
        Ok::<_, io::Error>(differ)
    })?;
    Ok(shares.into_iter().flatten().collect())
}

/// Text with Windows line endings folded, so a checkout with CRLF is not drift.
pub fn normalize(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\n")
}
