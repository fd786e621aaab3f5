//! Arbitrary bytes as a file given to `generate lint`: the YAML reader and every object
//! rule handle them without panicking, and the report renders in every format.

#![no_main]

use keiko_policy::{self as policy, yaml_input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `generate lint` reads files as UTF-8 and reports others as unreadable.
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(read) = yaml_input::subjects("fuzz.yaml", text) {
        let report = policy::evaluate_objects(&read.subjects, &policy::Context::default(), &[]);
        let _ = (report.text(), report.json(), report.sarif(), report.markdown());
    }
});
