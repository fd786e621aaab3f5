//! No input, however malformed, makes loading panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_spec::load;
use proptest::prelude::*;

const KEIKO: &str = include_str!("../../keiko.yaml");

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_is_refused_or_accepted_without_panicking(text in "\\PC{0,400}") {
        let _ = load("fuzz.yaml", &text);
    }

    #[test]
    fn damaged_copies_of_the_fleet_never_panic(cut in 0..KEIKO.len(), len in 0usize..40, insert in "[ :\\-\\[\\]{}#&*!|>'\"a-z0-9\n]{0,8}") {
        let start = (0..=cut).rev().find(|i| KEIKO.is_char_boundary(*i)).unwrap_or(0);
        let end = (start + len..=KEIKO.len()).find(|i| KEIKO.is_char_boundary(*i)).unwrap_or(KEIKO.len());
        let damaged = format!("{}{}{}", &KEIKO[..start], insert, &KEIKO[end..]);
        if let Err(errors) = load("damaged.yaml", &damaged) {
            prop_assert!(!errors.errors.is_empty());
        }
    }
}
