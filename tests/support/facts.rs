//! The Terraform facts the tests stand in for an applied platform with:
//! `tests/data/terraform-facts.json`, shaped like `terraform output -json platform_facts`,
//! given to every environment with that environment's own KMS ID.

#![allow(dead_code)]

use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::facts::{self, AllFacts};

/// The fixture, as written: it names dev's KMS.
pub const FIXTURE: &str = include_str!("../data/terraform-facts.json");
/// The KMS ID the fixture names.
const FIXTURE_KMS: &str = "0051d66c-1bc4-59d7-949b-9b5131cd42c2";

/// `spec` as a platform whose every environment has imported its facts.
pub fn applied(spec: keiko_spec::Spec) -> Platform {
    let all: AllFacts = Env::ALL
        .iter()
        .map(|env| {
            let own = &spec.environments().get(*env).secret_manager.okms_id;
            let text = FIXTURE.replace(FIXTURE_KMS, own);
            (*env, facts::load("facts.json", &text, &spec, *env).unwrap_or_else(|e| panic!("{e}")))
        })
        .collect();
    Platform::new(spec).with_terraform_facts(all)
}
