//! Writing the tree. A run never writes into the live tree:
//! it brings a spare tree beside it up to date and swaps the two with one atomic
//! rename, so an interrupted or failed run leaves the previous tree whole.
//!
//! The spare is the tree the previous write replaced (`.generated.spare` beside
//! `generated`), kept for the next write: most of its files are hard links shared with
//! the live tree, so bringing it up to date touches only the files that changed in the
//! last two writes, not the tens of thousands a fleet renders (docs/architecture.md).
//! Nothing in the spare is trusted unless it is provably the live file: a spare file is
//! kept only when it is the very inode of a live file whose contents were just compared
//! equal to the rendered ones. Any other spare file is replaced by a new inode, never
//! written in place, since its inode may be shared with the live tree.

use super::Summary;
use crate::cores::share_out;
use crate::tree::{Comparison, Listing};
use keiko_manifests::Files;
use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Makes `root` hold exactly `files`, given the current tree already compared with
/// `files` and the spare tree ([`spare_of`]) already listed, both under the output lock.
/// Returns without touching the disk when the tree already holds them.
pub(super) fn write_tree(root: &Path, files: &Files, comparison: &Comparison, spare: Listing) -> io::Result<Summary> {
    let changed = files.iter().filter(|(path, _)| !comparison.unchanged(path)).count();
    let removed = comparison.listed.paths().filter(|path| files.get(path).is_none()).count();
    let summary = Summary { written: files.len(), changed, removed };
    if changed == 0 && removed == 0 && root.is_dir() {
        return Ok(summary);
    }
    let spare_dir = spare_of(root)?;
    let live = Live { root, comparison, inodes_identify_files: inodes_identify_files(parent_of(root)) };
    if refresh(&spare_dir, files, &live, &spare).is_err() {
        // A spare in a state the listing did not foresee (changed meanwhile, a directory
        // made read-only…) is rebuilt from nothing; a second failure is a real error.
        remove_if_present(&spare_dir)?;
        refresh(&spare_dir, files, &live, &Listing::default())?;
    }
    swap_in(&spare_dir, root)?;
    Ok(summary)
}

/// The spare tree of `root`: a hidden sibling (`.generated.spare` beside `generated`),
/// on the same filesystem so that it can be swapped in and share inodes.
pub fn spare_of(root: &Path) -> io::Result<PathBuf> {
    sibling(root, "spare")
}

/// A hidden path next to `root` (`.generated.spare` beside `generated`), on the same filesystem.
fn sibling(root: &Path, suffix: &str) -> io::Result<PathBuf> {
    let name = root.file_name().ok_or_else(|| io::Error::other(format!("{} has no directory name", root.display())))?;
    Ok(parent_of(root).join(format!(".{}.{suffix}", name.to_string_lossy())))
}

/// The directory that holds `root` and its spare.
pub(super) fn parent_of(root: &Path) -> &Path {
    root.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Whether directory entries in `dir` carry the inode numbers of one local filesystem,
/// so that one number in the live and the spare tree means one file. A union filesystem
/// may not promise that (overlayfs over two filesystems can show two files under one
/// number), so elsewhere no spare file is kept without being linked again.
#[cfg(target_os = "linux")]
pub fn inodes_identify_files(dir: &Path) -> bool {
    /// ext2/3/4, XFS, Btrfs, tmpfs, ZFS, F2FS and bcachefs.
    const LOCAL: [u64; 7] = [0xEF53, 0x5846_5342, 0x9123_683E, 0x0102_1994, 0x2FC1_2FC1, 0xF2F5_2010, 0xCA45_1A4E];
    rustix::fs::statfs(dir).is_ok_and(|fs| u64::try_from(fs.f_type).is_ok_and(|kind| LOCAL.contains(&kind)))
}

#[cfg(not(target_os = "linux"))]
pub fn inodes_identify_files(_: &Path) -> bool {
    false
}

/// The live tree and how the rendered files compare with it.
struct Live<'a> {
    root: &'a Path,
    comparison: &'a Comparison,
    /// See [`inodes_identify_files`].
    inodes_identify_files: bool,
}

impl Live<'_> {
    /// Whether the spare file at `path`, with inode `spare_inode`, is the live file and
    /// the live file holds the rendered contents.
    fn shares_current(&self, path: &str, spare_inode: u64) -> bool {
        let live_inode = self.comparison.listed.files.get(path);
        self.inodes_identify_files
            && spare_inode != 0
            && live_inode == Some(&spare_inode)
            && self.comparison.unchanged(path)
    }
}

/// Makes the spare tree `dir` (listed as `spare`) hold exactly `files`: files nothing
/// renders and directories nothing needs go, missing directories are made, then every
/// file that is not already the current live file is linked from the live tree (when
/// unchanged) or written, on every core.
fn refresh(dir: &Path, files: &Files, live: &Live<'_>, spare: &Listing) -> io::Result<()> {
    let stale: Vec<&str> = spare.paths().filter(|path| files.get(path).is_none()).collect();
    share_out(&stale, |share| share.iter().try_for_each(|path| std::fs::remove_file(dir.join(path))))?;
    let needed = directories(files);
    // Deepest first: every descendant of a directory sorts after it.
    for unneeded in spare.dirs.iter().rev().filter(|d| !needed.contains(d.as_str())) {
        std::fs::remove_dir(dir.join(unneeded))?;
    }
    std::fs::create_dir_all(dir)?;
    for missing in needed.iter().filter(|d| !spare.dirs.contains(**d)) {
        std::fs::create_dir_all(dir.join(missing))?;
    }
    let all: Vec<(&str, &str)> = files.iter().collect();
    share_out(&all, |share| place(dir, share, live, spare)).map(drop)
}

/// Every directory that holds a rendered file, with its ancestors.
fn directories(files: &Files) -> BTreeSet<&str> {
    let mut dirs = BTreeSet::new();
    for (path, _) in files.iter() {
        let mut parent = path;
        while let Some((up, _)) = parent.rsplit_once('/') {
            if !dirs.insert(up) {
                break;
            }
            parent = up;
        }
    }
    dirs
}

/// Brings one share of the spare's files up to date.
fn place(dir: &Path, share: &[(&str, &str)], live: &Live<'_>, spare: &Listing) -> io::Result<()> {
    for &(path, contents) in share {
        let present = spare.files.get(path);
        if present.is_some_and(|&inode| live.shares_current(path, inode)) {
            continue;
        }
        let target = dir.join(path);
        if present.is_some() {
            std::fs::remove_file(&target)?;
        }
        // A link allocates no inode and copies no data: a first write beside a fresh
        // checkout links most of the tree rather than writing it.
        let linked = live.comparison.unchanged(path) && std::fs::hard_link(live.root.join(path), &target).is_ok();
        if !linked {
            create(&target, contents)?;
        }
    }
    Ok(())
}

/// Writes a new file; an existing file is an error rather than overwritten, since its
/// inode might be shared with the live tree.
fn create(path: &Path, contents: &str) -> io::Result<()> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)?.write_all(contents.as_bytes())
}

/// Replaces `root` by the spare tree, which then holds the replaced tree. On Linux both
/// trees are exchanged in one `renameat2(RENAME_EXCHANGE)`, so `root` always exists and
/// is always whole.
fn swap_in(spare: &Path, root: &Path) -> io::Result<()> {
    if root.exists() { exchange(spare, root) } else { std::fs::rename(spare, root) }
}

/// Deletes a tree on every core (a spare that cannot be brought up to date is as many
/// unlinks as it has files): the tree is opened up level by level until there are
/// enough subtrees to share out, the subtrees are deleted in parallel, then the opened
/// directories.
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

/// Removes whatever is at `path`: a tree (on every core), a file, or nothing.
fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
        Ok(meta) if meta.is_dir() => remove_in_parallel(path),
        Ok(_) => std::fs::remove_file(path),
    }
}
