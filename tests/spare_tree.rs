//! The writer's spare tree (bin/src/write/spare.rs): whatever happened to the live tree or to
//! its spare between two writes, a write leaves the live tree holding exactly the
//! rendered files, with no other file or directory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_generate::tree::list_tree;
use keiko_generate::write::{Mode, inodes_identify_files, spare_of, write_all};
use keiko_manifests::Files;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Paths over a few directories and names, so successive trees share, drop and add files
/// and a name is sometimes a file in one tree and a directory in another.
fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", "c"]), 1..=3).prop_map(|parts| parts.join("/"))
}

/// A set of files where no path is also the directory of another.
fn tree() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(path(), text(), 1..8).prop_map(|mut files| {
        let paths: Vec<String> = files.keys().cloned().collect();
        files.retain(|path, _| !paths.iter().any(|other| other.starts_with(&format!("{path}/"))));
        files
    })
}

fn text() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["one\n", "two\n", "three\n"]).prop_map(str::to_owned)
}

/// A change of the rendered files from one write to the next: most files stay, as they
/// do when a spec changes.
#[derive(Debug, Clone)]
enum Edit {
    /// A file set to new contents, or added (replacing files in its way).
    Set(String, String),
    /// The n-th file removed.
    Remove(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![(path(), text()).prop_map(|(path, text)| Edit::Set(path, text)), any::<usize>().prop_map(Edit::Remove)]
}

fn edited(tree: &BTreeMap<String, String>, edits: &[Edit]) -> BTreeMap<String, String> {
    let mut tree = tree.clone();
    for edit in edits {
        match edit {
            Edit::Set(path, text) => {
                // A file where a directory of the new path is, or below the new path, goes.
                tree.retain(|other, _| {
                    !path.starts_with(&format!("{other}/")) && !other.starts_with(&format!("{path}/"))
                });
                tree.insert(path.clone(), text.clone());
            }
            Edit::Remove(n) if tree.len() > 1 => {
                let path = tree.keys().nth(n % tree.len()).cloned().unwrap();
                tree.remove(&path);
            }
            Edit::Remove(_) => {}
        }
    }
    tree
}

/// Something done to the trees between two writes, by hand or by an interrupted run.
#[derive(Debug, Clone)]
enum Tamper {
    /// A live file edited in place: a spare file linked to it changes too.
    EditLiveInPlace(usize),
    /// A spare file edited in place (as a run killed while writing it would leave it).
    EditSpareInPlace(usize),
    /// A spare file deleted.
    DeleteSpare(usize),
    /// A stray file in the spare.
    StraySpareFile,
    /// A spare directory replaced by a file.
    SpareDirBecomesFile(usize),
    /// The whole spare deleted.
    DropSpare,
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        any::<usize>().prop_map(Tamper::EditLiveInPlace),
        any::<usize>().prop_map(Tamper::EditSpareInPlace),
        any::<usize>().prop_map(Tamper::DeleteSpare),
        Just(Tamper::StraySpareFile),
        any::<usize>().prop_map(Tamper::SpareDirBecomesFile),
        Just(Tamper::DropSpare),
    ]
}

fn nth(items: &BTreeSet<String>, n: usize) -> Option<&String> {
    (!items.is_empty()).then(|| items.iter().nth(n % items.len())).flatten()
}

fn apply(tamper: &Tamper, live: &Path, spare: &Path) {
    let live_listing = list_tree(live).unwrap();
    let spare_listing = list_tree(spare).unwrap_or_default();
    let spare_files: BTreeSet<String> = spare_listing.files.keys().cloned().collect();
    let live_files: BTreeSet<String> = live_listing.files.keys().cloned().collect();
    let in_place = |path: &Path| {
        use std::io::Write;
        std::fs::OpenOptions::new().append(true).open(path).unwrap().write_all(b"edited\n").unwrap();
    };
    match tamper {
        Tamper::EditLiveInPlace(n) => nth(&live_files, *n).into_iter().for_each(|p| in_place(&live.join(p))),
        Tamper::EditSpareInPlace(n) => nth(&spare_files, *n).into_iter().for_each(|p| in_place(&spare.join(p))),
        Tamper::DeleteSpare(n) => {
            nth(&spare_files, *n).into_iter().for_each(|p| std::fs::remove_file(spare.join(p)).unwrap())
        }
        Tamper::StraySpareFile if spare.is_dir() => std::fs::write(spare.join("stray"), "stray\n").unwrap(),
        Tamper::StraySpareFile => {}
        Tamper::SpareDirBecomesFile(n) => {
            if let Some(dir) = nth(&spare_listing.dirs, *n) {
                std::fs::remove_dir_all(spare.join(dir)).unwrap();
                std::fs::write(spare.join(dir), "was a directory\n").unwrap();
            }
        }
        Tamper::DropSpare => {
            let _ = std::fs::remove_dir_all(spare);
        }
    }
}

/// Every file under `root` with its contents, and every directory.
fn on_disk(root: &Path) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let listing = list_tree(root).unwrap();
    let files = listing.files.keys().map(|p| (p.clone(), std::fs::read_to_string(root.join(p)).unwrap())).collect();
    (files, listing.dirs)
}

fn directories_of(files: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut dirs = BTreeSet::new();
    for path in files.keys() {
        let mut parent = path.as_str();
        while let Some((up, _)) = parent.rsplit_once('/') {
            dirs.insert(up.to_owned());
            parent = up;
        }
    }
    dirs
}

fn files_of(tree: &BTreeMap<String, String>) -> Files {
    let mut files = Files::new();
    for (path, text) in tree {
        files.insert(path.clone(), text.clone()).unwrap();
    }
    files
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_write_leaves_exactly_the_rendered_tree(
        first in tree(),
        steps in prop::collection::vec(
            (prop::collection::vec(edit(), 0..3), prop::collection::vec(tamper(), 0..3)),
            1..8,
        )
    ) {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("generated");
        let spare = spare_of(&live).unwrap();
        let mut tree = first;
        for (edits, tampering) in &steps {
            tree = edited(&tree, edits);
            write_all(&live, &files_of(&tree), Mode::Write).unwrap();
            let (files, dirs) = on_disk(&live);
            prop_assert_eq!(&files, &tree);
            prop_assert_eq!(dirs, directories_of(&tree));
            for tamper in tampering {
                apply(tamper, &live, &spare);
            }
        }
    }
}

#[test]
fn a_second_write_links_unchanged_files_into_the_spare_instead_of_copying_them() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("generated");
    let spare = spare_of(&live).unwrap();
    let first: BTreeMap<String, String> =
        [("a/kept", "same\n"), ("a/changed", "before\n")].map(|(p, t)| (p.to_owned(), t.to_owned())).into();
    write_all(&live, &files_of(&first), Mode::Write).unwrap();
    let mut second = first.clone();
    second.insert("a/changed".to_owned(), "after\n".to_owned());
    write_all(&live, &files_of(&second), Mode::Write).unwrap();
    let (live_inodes, spare_inodes) = (list_tree(&live).unwrap().files, list_tree(&spare).unwrap().files);
    assert_eq!(live_inodes["a/kept"], spare_inodes["a/kept"], "an unchanged file is one inode in both trees");
    assert_ne!(live_inodes["a/changed"], spare_inodes["a/changed"]);
    assert_eq!(std::fs::read_to_string(spare.join("a/changed")).unwrap(), "before\n", "the spare is the old tree");
}

/// The inode-change time of a file: linking or unlinking it moves the time.
#[cfg(unix)]
fn changed_at(path: &Path) -> (i64, i64) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).unwrap();
    (meta.ctime(), meta.ctime_nsec())
}

#[cfg(unix)]
#[test]
fn a_spare_file_that_is_the_current_live_file_is_left_alone_where_inodes_identify_files() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("generated");
    let tree = |a: &str, b: &str| -> BTreeMap<String, String> {
        [("kept", "same\n"), ("a", a), ("b", b)].map(|(p, t)| (p.to_owned(), t.to_owned())).into()
    };
    write_all(&live, &files_of(&tree("1\n", "1\n")), Mode::Write).unwrap();
    write_all(&live, &files_of(&tree("2\n", "1\n")), Mode::Write).unwrap();
    let before = changed_at(&live.join("kept"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    write_all(&live, &files_of(&tree("2\n", "2\n")), Mode::Write).unwrap();
    let after = changed_at(&live.join("kept"));
    if inodes_identify_files(dir.path()) {
        assert_eq!(before, after, "the spare's `kept` is the live inode and was not relinked");
    } else {
        assert_ne!(before, after, "without trusted inodes the spare's `kept` is linked again");
    }
}

/// The type of the filesystem mounted at `path`, as the kernel lists mounts: a source
/// independent of the `statfs` the writer asks.
#[cfg(target_os = "linux")]
fn mounted_type(path: &Path) -> Option<String> {
    let path = path.canonicalize().ok()?;
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let mut deepest: Option<(usize, String)> = None;
    for line in mounts.lines() {
        let (Some(point), Some(kind)) = (line.split(' ').nth(4), line.split(" - ").nth(1)) else { continue };
        let kind = kind.split(' ').next().unwrap_or_default();
        // The longest mount point holding the path; of equal ones, the later mount.
        if path.starts_with(point) && deepest.as_ref().is_none_or(|(len, _)| point.len() >= *len) {
            deepest = Some((point.len(), kind.to_owned()));
        }
    }
    deepest.map(|(_, kind)| kind)
}

#[cfg(target_os = "linux")]
#[test]
fn inodes_are_trusted_exactly_on_the_known_local_filesystems() {
    let dir = tempfile::tempdir().unwrap();
    let kind = mounted_type(dir.path()).expect("the temporary directory's mount is listed");
    let local =
        matches!(kind.as_str(), "ext2" | "ext3" | "ext4" | "xfs" | "btrfs" | "tmpfs" | "zfs" | "f2fs" | "bcachefs");
    assert_eq!(inodes_identify_files(dir.path()), local, "filesystem {kind}");
    assert!(!inodes_identify_files(Path::new("/proc")), "proc");
}

#[test]
fn concurrent_writes_leave_one_of_the_rendered_trees_whole() {
    let tree = |version: usize| -> BTreeMap<String, String> {
        let files = (0..60).filter(|i| version == 0 || i % 7 != 0);
        files.map(|i| (format!("d{}/e{}/f{i}", i % 5, i % 3), format!("{}\n", i * (1 + version % 2)))).collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("generated");
    for round in 0..100 {
        let (a, b) = (tree(round), tree(round + 1));
        std::thread::scope(|scope| {
            for files in [&a, &b] {
                let live = &live;
                scope.spawn(move || write_all(live, &files_of(files), Mode::Write).unwrap());
            }
        });
        let (files, dirs) = on_disk(&live);
        assert!(files == a || files == b, "round {round}: the tree is neither write's");
        assert_eq!(dirs, directories_of(&files), "round {round}");
    }
}
