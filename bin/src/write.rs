//! The one place that writes generated files. A run renders into a scratch tree
//! beside the output directory and swaps it in with one atomic rename, so an
//! interrupted or failed run leaves the previous tree whole.

use crate::cores::share_out;
use crate::tree::Comparison;
use keiko_manifests::Files;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// What a write changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files in the new tree.
    pub written: usize,
    /// Files that are new or whose contents changed.
    pub changed: usize,
    /// Files that nothing renders any more and were deleted.
    pub removed: usize,
}

/// Makes `root` hold exactly `files`. Returns without touching the disk when it already does.
pub fn write_all(root: &Path, files: &Files) -> io::Result<Summary> {
    write_known(root, files, &Comparison::of_tree(files, root)?)
}

/// [`write_all`] with the current tree already compared with `files`.
pub fn write_known(root: &Path, files: &Files, comparison: &Comparison) -> io::Result<Summary> {
    let unchanged: BTreeSet<&str> = files.iter().map(|(path, _)| path).filter(|p| comparison.unchanged(p)).collect();
    let changed = files.len() - unchanged.len();
    let removed = comparison.listed.iter().filter(|path| files.get(path).is_none()).count();
    let summary = Summary { written: files.len(), changed, removed };
    if changed == 0 && removed == 0 && root.is_dir() {
        return Ok(summary);
    }
    let scratch = sibling(root, "tmp")?;
    remove_if_present(&scratch)?;
    fill(&scratch, files, &Unchanged { root, paths: &unchanged })?;
    swap_in(&scratch, root)?;
    Ok(summary)
}

/// A hidden path next to `root` (`.generated.tmp` beside `generated`), on the same filesystem.
fn sibling(root: &Path, suffix: &str) -> io::Result<PathBuf> {
    let name = root.file_name().ok_or_else(|| io::Error::other(format!("{} has no directory name", root.display())))?;
    let parent = root.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok(parent.join(format!(".{}.{suffix}", name.to_string_lossy())))
}

/// Files of the current tree whose contents stay.
struct Unchanged<'a> {
    root: &'a Path,
    paths: &'a BTreeSet<&'a str>,
}

/// Writes every file under `dir`: the directories first, each once, then the files on
/// every core (tens of thousands of file-system calls, mostly kernel time). Unchanged
/// files are hard-linked from the current tree instead of written: a link allocates no
/// inode and copies no data, which is most of the cost of rewriting a large tree for a
/// small change (see docs/performance.md).
fn fill(dir: &Path, files: &Files, unchanged: &Unchanged<'_>) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let parents: BTreeSet<&str> = files.iter().filter_map(|(path, _)| path.rsplit_once('/')).map(|(p, _)| p).collect();
    for parent in parents {
        std::fs::create_dir_all(dir.join(parent))?;
    }
    let all: Vec<(&str, &str)> = files.iter().collect();
    share_out(&all, |share| place(dir, share, unchanged)).map(drop)
}

/// Links or writes one share of the files.
fn place(dir: &Path, share: &[(&str, &str)], unchanged: &Unchanged<'_>) -> io::Result<()> {
    for (path, contents) in share {
        let target = dir.join(path);
        let linked = unchanged.paths.contains(path) && std::fs::hard_link(unchanged.root.join(path), &target).is_ok();
        if !linked {
            std::fs::write(&target, contents)?;
        }
    }
    Ok(())
}

/// Replaces `root` by `scratch`. On Linux both trees are exchanged in one
/// `renameat2(RENAME_EXCHANGE)`, so `root` always exists and is always whole.
fn swap_in(scratch: &Path, root: &Path) -> io::Result<()> {
    if !root.exists() {
        return std::fs::rename(scratch, root);
    }
    exchange(scratch, root)?;
    remove_in_parallel(scratch)
}

/// Deletes a tree on every core (deleting the previous tree is as many unlinks as it
/// has files): the tree is opened up level by level until there are enough subtrees to
/// share out, the subtrees are deleted in parallel, then the opened directories.
fn remove_in_parallel(tree: &Path) -> io::Result<()> {
    let mut opened = vec![tree.to_path_buf()];
    let mut entries = children(tree)?;
    while entries.len() < 64 && entries.iter().any(|e| e.is_dir()) {
        let mut next = Vec::new();
        for entry in entries {
            if entry.is_dir() {
                next.extend(children(&entry)?);
                opened.push(entry);
            } else {
                next.push(entry);
            }
        }
        entries = next;
    }
    share_out(&entries, |share| share.iter().try_for_each(|entry| remove_entry(entry)))?;
    // Deepest first: a directory is empty once everything opened below it is gone.
    opened.iter().rev().try_for_each(std::fs::remove_dir)
}

fn children(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::read_dir(dir)?.map(|entry| entry.map(|e| e.path())).collect()
}

fn remove_entry(path: &Path) -> io::Result<()> {
    if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // Filesystems without RENAME_EXCHANGE fall back to two renames.
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => two_renames(a, b),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    two_renames(a, b)
}

/// Moves `b` aside to `a`'s `.old` sibling, `a` into `b`, then the old tree back to `a`
/// for the caller to delete. Only a crash between the first two renames leaves `b`
/// missing, and then the previous tree is still whole under `.old`.
fn two_renames(a: &Path, b: &Path) -> io::Result<()> {
    let old = sibling(b, "old")?;
    remove_if_present(&old)?;
    std::fs::rename(b, &old)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&old, a)
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}
