//! Compares rendered files with a generated tree and explains every difference.

use crate::tree::{Comparison, read_normalized};
use keiko_manifests::Files;
use similar::TextDiff;
use std::fmt::Write;
use std::io;
use std::path::Path;

/// How a generated tree differs from what the spec renders.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Rendered but absent on disk.
    pub missing: Vec<String>,
    /// On disk but rendered by nothing.
    pub extra: Vec<String>,
    /// On disk with other contents, with a unified diff (disk → rendered).
    pub changed: Vec<(String, String)>,
}

impl Drift {
    /// Whether the tree matches exactly.
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.changed.is_empty()
    }

    /// A report naming every differing file, diffs first, lists last.
    pub fn report(&self, out_dir: &str) -> String {
        let mut text = String::new();
        for (_, diff) in &self.changed {
            text.push_str(diff);
        }
        for (label, paths) in [("missing", &self.missing), ("extra", &self.extra)] {
            for path in paths {
                let _ = writeln!(text, "{label}: {out_dir}/{path}");
            }
        }
        for (path, _) in &self.changed {
            let _ = writeln!(text, "changed: {out_dir}/{path}");
        }
        text
    }
}

/// Compares `files` with the tree under `root`.
pub fn compare(files: &Files, root: &Path) -> io::Result<Drift> {
    compare_known(files, root, &Comparison::of_tree(files, root)?)
}

/// The drift `comparison` found, with a diff for every changed file.
pub fn compare_known(files: &Files, root: &Path, comparison: &Comparison) -> io::Result<Drift> {
    let mut drift = Drift::default();
    let on_disk = &comparison.listed;
    drift.missing = files.iter().filter(|(path, _)| !on_disk.contains(path)).map(|(p, _)| p.to_owned()).collect();
    for path in &comparison.differing {
        let current = read_normalized(&root.join(path))?;
        let rendered = files.get(path).unwrap_or_default();
        drift.changed.push((path.to_owned(), unified_diff(path, &current, rendered)));
    }
    drift.extra = on_disk.paths().filter(|path| files.get(path).is_none()).map(str::to_owned).collect();
    Ok(drift)
}

fn unified_diff(path: &str, current: &str, rendered: &str) -> String {
    TextDiff::from_lines(current, rendered)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
