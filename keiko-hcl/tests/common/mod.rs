//! Shared helpers: the fixture spec and its rendered Terraform.

#![allow(dead_code)]

use keiko_model::Files;
use keiko_model::Platform;

/// The small fixture spec's text.
pub const FIXTURE: &str = include_str!("../fixture.yaml");

/// The fixture spec, validated.
pub fn fixture() -> Platform {
    Platform::new(keiko_spec::load("fixture.yaml", FIXTURE).unwrap_or_else(|errors| panic!("{errors}")))
}

/// The repository's keiko.yaml, validated.
pub fn keiko() -> Platform {
    let text = include_str!("../../../keiko.yaml");
    Platform::new(keiko_spec::load("keiko.yaml", text).unwrap_or_else(|errors| panic!("{errors}")))
}

/// Every Terraform file of `platform`.
pub fn render(platform: &Platform) -> Files {
    keiko_hcl::render(platform).unwrap_or_else(|error| panic!("{error}"))
}

/// The parsed file at `path`.
pub fn parsed(files: &Files, path: &str) -> hcl::Body {
    let text = files.get(path).unwrap_or_else(|| panic!("{path} is not rendered"));
    hcl::parse(text).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Whether `terraform` can be run; prints the skip message when not.
pub fn terraform_available(test: &str) -> bool {
    let found = std::process::Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("{test}: skipped: terraform not installed");
    }
    found
}
