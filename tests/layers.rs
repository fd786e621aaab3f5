//! The layers run one way (docs/architecture.md): spec → platform model → builders →
//! checks → the `generate` command. Read from the sources, as a reviewer would:
//! - every crate depends only on crates of lower layers, never on a sibling builder;
//! - inside every crate, no file imports a file that imports it back, directly or
//!   through others (a module and its own submodules excepted: that is how Rust
//!   modules compose);
//! - inside the builders crate, the modules keep their order: objects below the
//!   components built from them, components below their layout, the layout below ArgoCD;
//! - threads are started in one file only, and so is every file the command writes.
//!
//! Each check is also run on a small planted fault, so none of them can pass vacuously.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace's crates, lowest layer first: a crate may depend on crates of a lower
/// layer only. The two builder crates share a layer and know nothing of each other.
const LAYERS: [(&str, &str, u8); 6] = [
    ("keiko-spec", "keiko-spec", 1),
    ("keiko-model", "keiko-model", 2),
    ("keiko-manifests", "keiko-manifests", 3),
    ("keiko-hcl", "keiko-hcl", 3),
    ("keiko-policy", "keiko-policy", 4),
    ("keiko-generate", "bin", 5),
];

/// The top-level modules of keiko-manifests, lowest first: a module may import only
/// modules of a strictly lower rank (or itself).
const BUILDER_MODULES: [(&str, u8); 12] = [
    ("output", 0),
    ("crd", 0),
    ("k8s", 1),
    ("github", 1),
    ("schema_file", 1),
    ("secret_inventory", 1),
    ("connection_map", 1),
    ("backup", 2),
    ("observability", 3),
    ("components", 4),
    ("layout", 5),
    ("argocd", 6),
];

/// The one file that may start threads.
const THREADS: &str = "bin/src/cores.rs";

/// The one module that may change the filesystem.
const WRITER: &str = "bin/src/write/";

/// Calls that change the filesystem.
const FILESYSTEM_CHANGES: [&str; 10] = [
    "fs::write",
    "File::create",
    "OpenOptions",
    "fs::rename",
    "fs::create_dir",
    "fs::remove_file",
    "fs::remove_dir",
    "fs::hard_link",
    "fs::copy",
    "renameat",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

// ---- crate dependencies -------------------------------------------------------------------

/// The workspace crates a manifest depends on, in `[dependencies]` and `[dev-dependencies]`.
fn workspace_dependencies(manifest: &str) -> BTreeSet<String> {
    let mut section = String::new();
    let mut found = BTreeSet::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']']).to_owned();
            continue;
        }
        let depends = section == "dependencies" || section == "dev-dependencies" || section.ends_with(".dependencies");
        let name = line.split(['=', '.', ' ']).next().unwrap_or_default();
        if depends && LAYERS.iter().any(|(crate_name, _, _)| *crate_name == name) {
            found.insert(name.to_owned());
        }
    }
    found
}

/// Every dependency of `name` that does not sit on a lower layer.
fn upward_dependencies(name: &str, manifest: &str) -> Vec<String> {
    let layer = |crate_name: &str| LAYERS.iter().find(|(n, _, _)| *n == crate_name).map(|(_, _, layer)| *layer);
    let own = layer(name).unwrap();
    workspace_dependencies(manifest).into_iter().filter(|dep| layer(dep).is_none_or(|l| l >= own)).collect()
}

#[test]
fn every_crate_depends_only_on_lower_layers() {
    for (name, dir, _) in LAYERS {
        let manifest = std::fs::read_to_string(repo().join(dir).join("Cargo.toml")).unwrap();
        assert_eq!(upward_dependencies(name, &manifest), Vec::<String>::new(), "{dir}/Cargo.toml");
    }
}

#[test]
fn a_dependency_on_a_sibling_or_a_higher_layer_is_found() {
    let manifest = "[dependencies]\nkeiko-spec.workspace = true\nkeiko-manifests = { path = \"x\" }\n\n[dev-dependencies]\nkeiko-policy.workspace = true\n";
    assert_eq!(upward_dependencies("keiko-hcl", manifest), ["keiko-manifests", "keiko-policy"]);
    assert_eq!(upward_dependencies("keiko-generate", manifest), Vec::<String>::new());
}

// ---- imports inside a crate ---------------------------------------------------------------

/// A crate's source files by module path (`["k8s", "pod"]`; the crate root is `[]`).
fn modules(src: &Path) -> BTreeMap<Vec<String>, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut module: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            // `main.rs` beside `lib.rs` is a crate of its own: it keeps its name.
            let root_of_library = module.len() == 1 && module[0] == "main" && src.join("lib.rs").exists();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) && !root_of_library {
                module.pop();
            }
            out.insert(module, std::fs::read_to_string(&path).unwrap());
        }
    }
    out
}

/// The code of a file without comments, string contents and `#[cfg(test)]` modules.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut out = String::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or_default();
        let mut in_string = false;
        for c in line.chars() {
            if c == '"' {
                in_string = !in_string;
            }
            if !in_string {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// Every path a file names through `crate::` or `super::`, in `use` trees (braces
/// expanded) and in expressions, as absolute module paths.
fn imported_paths(module: &[String], text: &str) -> Vec<Vec<String>> {
    let code = code(text);
    let mut paths = Vec::new();
    for statement in code.split(';') {
        let statement = statement.trim();
        let tree = statement.strip_prefix("pub use ").or_else(|| statement.strip_prefix("use "));
        match tree {
            Some(tree) => expand(&tree.split_whitespace().collect::<String>(), &mut paths),
            None => inline_paths(statement, &mut paths),
        }
    }
    paths.into_iter().filter_map(|path| absolute(module, &path)).collect()
}

/// `a::{b, c::{d}}` as `a::b`, `a::c::d`.
fn expand(tree: &str, out: &mut Vec<String>) {
    let Some(open) = tree.find('{') else {
        out.push(tree.to_owned());
        return;
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand(&format!("{prefix}{}", &inner[start..i]), out);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < inner.len() {
        expand(&format!("{prefix}{}", &inner[start..]), out);
    }
}

/// `crate::a::b` and `super::a` paths written inside expressions and types.
fn inline_paths(code: &str, out: &mut Vec<String>) {
    for start in ["crate::", "super::"] {
        let mut rest = code;
        while let Some(at) = rest.find(start) {
            let before = rest[..at].chars().last();
            let tail = &rest[at..];
            let end = tail.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
            if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
                out.push(tail[..end].trim_end_matches(':').to_owned());
            }
            rest = &tail[end..];
        }
    }
}

/// A `crate::`/`super::`/`self::` path as a path from the crate root; `None` for other crates.
fn absolute(module: &[String], path: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    let (mut base, rest): (Vec<String>, &[&str]) = match parts.first() {
        Some(&"crate") => (Vec::new(), &parts[1..]),
        // A module's path names its file (`k8s/pod.rs` is `k8s::pod`, `k8s/mod.rs` is
        // `k8s`): `super` is that path less its last part either way.
        Some(&"super") => (module[..module.len().saturating_sub(1)].to_vec(), &parts[1..]),
        Some(&"self") => (module.to_vec(), &parts[1..]),
        _ => return None,
    };
    let mut rest = rest;
    while let Some(&"super") = rest.first() {
        base.pop();
        rest = &rest[1..];
    }
    base.extend(rest.iter().map(|p| (*p).to_owned()));
    Some(base)
}

/// The file-level import graph: for each module, the modules it imports (the longest
/// module path that prefixes each imported path), a module's own ancestors and
/// descendants left out.
fn graph(files: &BTreeMap<Vec<String>, String>) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut edges = BTreeMap::new();
    for (module, text) in files {
        let mut targets = BTreeSet::new();
        for path in imported_paths(module, text) {
            let target = (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|prefix| files.contains_key(prefix));
            if let Some(target) = target {
                let related = target.starts_with(module) || module.starts_with(&target);
                if !related {
                    targets.insert(target);
                }
            }
        }
        edges.insert(module.clone(), targets);
    }
    edges
}

/// One import circle, if any: the modules around it.
fn a_circle(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<Vec<String>>> {
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, bool>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        state.insert(node.clone(), true);
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next) {
                Some(true) => {
                    let from = stack.iter().position(|n| n == next).unwrap_or(0);
                    return Some(stack[from..].to_vec());
                }
                Some(false) => {}
                None => {
                    if let Some(circle) = visit(next, edges, state, stack) {
                        return Some(circle);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.clone(), false);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if !state.contains_key(node)
            && let Some(circle) = visit(node, edges, &mut state, &mut Vec::new())
        {
            return Some(circle);
        }
    }
    None
}

/// The source folders of the workspace's crates.
fn crate_sources() -> Vec<(String, PathBuf)> {
    LAYERS.iter().map(|(name, dir, _)| ((*name).to_owned(), repo().join(dir).join("src"))).collect()
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    for (name, src) in crate_sources() {
        let files = modules(&src);
        let edges = graph(&files);
        let circle = a_circle(&edges).map(|c| c.iter().map(|m| m.join("::")).collect::<Vec<_>>().join(" → "));
        assert_eq!(circle, None, "an import circle in {name}");
    }
}

#[test]
fn a_planted_circle_is_found() {
    let files = BTreeMap::from([
        (vec![], "pub mod a;\npub mod b;\n".to_owned()),
        (vec!["a".to_owned()], "use crate::b::{Thing, other::{More}};\n".to_owned()),
        (vec!["b".to_owned()], "pub fn f() { super::a::g() }\n".to_owned()),
        (vec!["b".to_owned(), "other".to_owned()], "// use crate::a::X;\n".to_owned()),
    ]);
    let edges = graph(&files);
    assert_eq!(
        edges[&vec!["a".to_owned()]],
        BTreeSet::from([vec!["b".to_owned()], vec!["b".to_owned(), "other".to_owned()]])
    );
    assert!(edges[&vec!["b".to_owned(), "other".to_owned()]].is_empty(), "comments are not imports");
    assert!(a_circle(&edges).is_some());
    let mut fixed = files.clone();
    fixed.insert(vec!["b".to_owned()], "pub fn f() {}\n".to_owned());
    assert_eq!(a_circle(&graph(&fixed)), None);
}

/// Every import of a builder module from a module of the same or a higher rank.
fn out_of_order(files: &BTreeMap<Vec<String>, String>) -> Vec<String> {
    let rank = |module: &[String]| {
        let top = module.first()?;
        BUILDER_MODULES.iter().find(|(name, _)| name == top).map(|(_, rank)| *rank)
    };
    let mut wrong = Vec::new();
    for (from, targets) in graph(files) {
        for to in targets {
            if from.first() == to.first() {
                continue;
            }
            if let (Some(a), Some(b)) = (rank(&from), rank(&to))
                && b >= a
            {
                wrong.push(format!("{} imports {}", from.join("::"), to.join("::")));
            }
        }
    }
    wrong
}

#[test]
fn builder_modules_import_only_lower_modules() {
    let src = repo().join("keiko-manifests/src");
    let files = modules(&src);
    let tops: BTreeSet<&str> = files.keys().filter_map(|m| m.first()).map(String::as_str).collect();
    let ranked: BTreeSet<&str> = BUILDER_MODULES.iter().map(|(name, _)| *name).collect();
    assert_eq!(tops, ranked, "every top-level module of keiko-manifests has a rank");
    assert_eq!(out_of_order(&files), Vec::<String>::new());
}

#[test]
fn an_import_from_a_higher_builder_module_is_found() {
    let files = BTreeMap::from([
        (vec!["k8s".to_owned()], "pub mod pod;\n".to_owned()),
        (vec!["k8s".to_owned(), "pod".to_owned()], "use crate::observability::collector::AGENT;\n".to_owned()),
        (vec!["observability".to_owned()], "use crate::k8s::pod;\n".to_owned()),
    ]);
    assert_eq!(out_of_order(&files), ["k8s::pod imports observability"]);
}

// ---- threads ------------------------------------------------------------------------------

/// The files of every crate whose code makes any of `calls`.
fn files_calling(calls: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (_, src) in crate_sources() {
        for (module, text) in modules(&src) {
            let code = code(&text);
            if calls.iter().any(|call| code.contains(call)) {
                let relative = src.strip_prefix(repo()).unwrap().display().to_string();
                found.push(format!("{relative}/{}", file_of(&src, &module)));
            }
        }
    }
    found
}

fn file_of(src: &Path, module: &[String]) -> String {
    if module.is_empty() {
        return if src.join("lib.rs").exists() { "lib.rs".into() } else { "main.rs".into() };
    }
    let joined = module.join("/");
    if src.join(&joined).is_dir() { format!("{joined}/mod.rs") } else { format!("{joined}.rs") }
}

#[test]
fn threads_start_in_one_file() {
    let found = files_calling(&["thread::spawn", "thread::scope", "thread::Builder"]);
    assert_eq!(found.iter().map(|f| f.trim_start_matches("/")).collect::<Vec<_>>(), [THREADS]);
    assert!(code("let x = 1; // thread::spawn here\n").find("thread::spawn").is_none());
    assert!(code("std::thread::scope(|s| {});\n").contains("thread::scope"));
}

#[test]
fn only_the_writer_changes_the_filesystem() {
    let found = files_calling(&FILESYSTEM_CHANGES);
    let elsewhere: Vec<&String> =
        found.iter().filter(|file| !file.trim_start_matches('/').starts_with(WRITER)).collect();
    assert_eq!(elsewhere, Vec::<&String>::new());
    assert!(found.iter().any(|file| file.contains(WRITER)), "the writer itself is seen");
}
