//! The one writer: every file `generate` writes goes through here, the tree under
//! `--out` ([`Run`], [`write_all`]) and single files ([`write_file`]). Each takes a
//! [`Mode`], so checking and dry runs follow the code path that writes, minus the writing.

mod file;
mod lock;
mod spare;

pub use file::{FileOutcome, create_dir, write_file};
pub use spare::{inodes_identify_files, spare_of};

use crate::cores::{Background, in_background};
use crate::drift::{self, Drift};
use crate::tree::{Comparison, Listing, list_tree};
use keiko_manifests::Files;
use lock::{OutputLock, lock_output};
use std::io;
use std::path::{Path, PathBuf};

/// What a run does with what it rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write whatever differs.
    Write,
    /// Compare and explain every difference (`--check`); write nothing.
    Check,
    /// Say what a write would change (`--dry-run`); write nothing.
    DryRun,
}

/// What a run on the tree did ([`Mode::Write`]) or found.
#[derive(Debug)]
pub enum Outcome {
    /// What the write changed.
    Written(Summary),
    /// How the tree differs from the rendered files, with diffs ([`Mode::Check`]).
    Drift(Drift),
    /// What a write would change ([`Mode::DryRun`]).
    Plan(Plan),
}

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

/// The files a write would add, change and remove, by relative path, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Rendered files absent from the tree.
    pub added: Vec<String>,
    /// Files in the tree whose contents would change.
    pub changed: Vec<String>,
    /// Files in the tree that nothing renders.
    pub removed: Vec<String>,
}

impl Plan {
    /// Whether a write would leave the tree as it is.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Makes the tree under `root` hold exactly `files` ([`Mode::Write`]), or compares it.
pub fn write_all(root: &Path, files: &Files, mode: Mode) -> io::Result<Outcome> {
    let mut run = Run::start(root, mode)?;
    let comparison = run.compare(files)?;
    run.finish(files, &comparison)
}

/// A run on the tree under `root`, started before the files are rendered: the current
/// tree and, when writing, its spare are listed on threads of their own, since at fleet
/// scale that is tens of thousands of directory entries, read while the spec loads and
/// renders instead of after. A run that writes lists them under the output lock, held
/// until it is done; a run that does not write takes no lock.
#[derive(Debug)]
pub struct Run {
    root: PathBuf,
    mode: Mode,
    live: Option<Background<io::Result<Listing>>>,
    spare: Option<Background<io::Result<Listing>>>,
    _lock: Option<OutputLock>,
}

impl Run {
    /// Takes the lock if writing, then starts listing.
    pub fn start(root: &Path, mode: Mode) -> io::Result<Run> {
        let list = |root: PathBuf| in_background(move || list_tree(&root));
        let root = root.to_path_buf();
        if mode != Mode::Write {
            return Ok(Run { live: Some(list(root.clone())), root, mode, spare: None, _lock: None });
        }
        // Taken before either tree is listed, so another run cannot swap them meanwhile.
        let lock = lock_output(&root)?;
        let live = Some(list(root.clone()));
        let spare = spare_of(&root).ok().map(list);
        Ok(Run { root, mode, live, spare, _lock: Some(lock) })
    }

    /// Compares `files` with the current tree, once its listing is in.
    pub fn compare(&mut self, files: &Files) -> io::Result<Comparison> {
        let live = self.live.take().ok_or_else(|| io::Error::other("the tree was already compared"))?;
        Comparison::new(files, &self.root, live.join()?)
    }

    /// Writes `files` (as compared in `comparison`), or reports the drift or the plan.
    pub fn finish(self, files: &Files, comparison: &Comparison) -> io::Result<Outcome> {
        match self.mode {
            Mode::Check => drift::compare_known(files, &self.root, comparison).map(Outcome::Drift),
            Mode::DryRun => Ok(Outcome::Plan(plan(files, comparison))),
            Mode::Write => {
                // A spare that cannot be listed is rebuilt by the write.
                let spare = self.spare.and_then(|listing| listing.join().ok()).unwrap_or_default();
                spare::write_tree(&self.root, files, comparison, spare).map(Outcome::Written)
            }
        }
    }
}

/// Files absent, differing and extra, as [`Comparison`] found them.
fn plan(files: &Files, comparison: &Comparison) -> Plan {
    let on_disk = &comparison.listed;
    Plan {
        added: files.iter().map(|(path, _)| path).filter(|path| !on_disk.contains(path)).map(str::to_owned).collect(),
        changed: comparison.differing.iter().cloned().collect(),
        removed: on_disk.paths().filter(|path| files.get(path).is_none()).map(str::to_owned).collect(),
    }
}
