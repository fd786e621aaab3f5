//! Property tests: identifiers built from spec names are always valid HCL.

mod common;

use proptest::prelude::*;

/// A DNS label, as service names are.
fn dns_label() -> impl Strategy<Value = String> {
    "[a-z]([a-z0-9-]{0,30}[a-z0-9])?"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_dns_label_service_name_renders_valid_hcl(name in dns_label()) {
        prop_assume!(name != "learning-service");
        let text = common::FIXTURE.replace("identity-service", &name);
        let spec = keiko_spec::load("fixture.yaml", &text);
        prop_assume!(spec.is_ok());
        let Ok(spec) = spec else { return Ok(()) };
        let platform = keiko_model::Platform::new(spec);
        let files = keiko_hcl::render(&platform).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (path, text) in files.iter() {
            prop_assert!(hcl::parse(text).is_ok(), "{} does not parse", path);
        }
        let main = files.get("terraform/envs/dev/infrastructure/main.tf").unwrap_or_default();
        prop_assert!(main.contains(&format!("{name} = {{")) || main.contains(&format!("{name} ")), "{} missing", name);
    }

    #[test]
    fn invalid_identifiers_are_errors_not_panics(name in "[ -~]{0,12}") {
        let result = keiko_hcl::names::ident(&name, "services");
        let mut chars = name.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        prop_assert_eq!(result.is_ok(), valid, "{:?}", name);
    }
}
