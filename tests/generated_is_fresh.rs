//! generated/ is exactly what keiko.yaml renders. Locally a stale tree is rewritten
//! and the test fails once, so the next run is green; in CI (`CI` set) it only checks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_generate::{drift, render_all, write};
use std::path::Path;

#[test]
fn generated_tree_matches_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("keiko.yaml")).expect("keiko.yaml is readable");
    let spec = keiko_spec::load("keiko.yaml", &text).unwrap_or_else(|errors| panic!("{errors}"));
    let platform = keiko_generate::platform(&root.join("keiko.yaml"), spec).unwrap_or_else(|errors| panic!("{errors}"));
    let files = render_all(&platform).expect("the fleet renders");
    let out = root.join("generated");
    let drift = drift::compare(&files, &out).expect("generated/ is readable");
    if drift.is_clean() {
        return;
    }
    let report = drift.report("generated");
    if std::env::var_os("CI").is_some() {
        panic!("{report}\ngenerated/ is stale: run `cargo run --bin generate` and commit the result");
    }
    write::write_all(&out, &files, write::Mode::Write).expect("generated/ is writable");
    panic!("{report}\nerror: generated/ was not up-to-date, updating: review and commit it, then rerun the tests");
}
