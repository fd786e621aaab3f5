//! Arbitrary bytes as keiko.yaml: loading refuses or accepts them and never panics;
//! every refusal names at least one problem, each located inside the text, and prints.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(errors) = keiko_spec::load("fuzz.yaml", text) {
        assert!(!errors.errors.is_empty(), "refused without an error");
        // Lines end at \n, \r\n or a lone \r, as YAML counts them; a parser may point just
        // past the last line (an unclosed bracket at the end).
        let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count();
        for error in &errors.errors {
            let at = error.location.unwrap_or_else(|| panic!("unlocated: {}: {}", error.path, error.problem));
            assert!(at.line >= 1 && at.line <= lines + 1 && at.column >= 1, "{at:?} is outside the text");
        }
        let _ = errors.to_string();
    }
});
