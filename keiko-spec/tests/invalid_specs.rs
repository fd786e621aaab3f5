//! Random invalid specs are always refused, never with a panic, and every problem is
//! located: a valid spec (keiko.yaml as written, or a synthetic fleet as `generate`
//! writes it) gets one mutation known to be invalid, made in the text so comments and
//! layout stay, and loading must fail with errors that each name a line and column
//! inside the file; one of them names the mutated field and sits on its line.
//!
//! spec_never_panics.rs feeds arbitrary and damaged text; this test makes well-formed
//! YAML that breaks exactly one rule. `PROPTEST_CASES` sets the number of cases (128
//! by default).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_spec::source::{self, Document};
use keiko_spec::synthetic;
use keiko_spec::{Location, SpecErrors, load};
use proptest::prelude::*;
use serde_json::Value;

const KEIKO: &str = include_str!("../../keiko.yaml");

/// The environment names, as keys of every per-environment value.
const ENVS: [&str; 3] = ["dev", "staging", "production"];

/// One place in a document: its JSON pointer, its path as errors print it, its value.
#[derive(Debug, Clone)]
struct Place {
    pointer: String,
    path: String,
    value: Value,
}

impl Place {
    /// The pointer's last segment, unescaped.
    fn last(&self) -> String {
        let raw = self.pointer.rsplit('/').next().unwrap_or_default();
        raw.replace("~1", "/").replace("~0", "~")
    }

    /// The pointer's segments, unescaped.
    fn segments(&self) -> Vec<String> {
        self.pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
    }

    /// Whether the pointer matches `pattern`, where `*` matches any one segment.
    fn matches(&self, pattern: &str) -> bool {
        let segments = self.segments();
        let wanted: Vec<&str> = pattern.split('/').skip(1).collect();
        segments.len() == wanted.len() && segments.iter().zip(wanted).all(|(s, w)| w == "*" || s == w)
    }
}

/// Every value of `value` below (and including) `pointer`, in document order.
fn places(value: &Value, pointer: String, path: String, out: &mut Vec<Place>) {
    out.push(Place { pointer: pointer.clone(), path: path.clone(), value: value.clone() });
    match value {
        Value::Object(entries) => {
            for (key, child) in entries {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                let child_path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                places(child, format!("{pointer}/{escaped}"), child_path, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                places(child, format!("{pointer}/{index}"), format!("{path}[{index}]"), out);
            }
        }
        _ => {}
    }
}

/// A mutation known to make a valid spec invalid; `pick` chooses among the places it
/// applies to and `variant` among its bad values.
#[derive(Debug, Clone, Copy)]
enum Mutation {
    /// A field the schema does not know, inserted before an existing key.
    UnknownField { pick: usize },
    /// A scalar replaced by a value of the wrong type.
    WrongType { pick: usize, variant: usize },
    /// A number outside its allowed range.
    OutOfRange { pick: usize, variant: usize },
    /// A number too big for the field's integer type, or negative.
    HugeNumber { pick: usize, variant: usize },
    /// A call or a store client naming a service that does not exist.
    DanglingReference { pick: usize },
    /// An environment key renamed to an unknown environment or to a duplicate of another.
    EnvironmentKey { pick: usize, variant: usize },
    /// A resource request above its limit.
    RequestAboveLimit { pick: usize },
    /// A mutable image tag, outside dev any tag but a commit SHA or digest.
    MutableTag { pick: usize, variant: usize },
    /// A resource or storage size that is not a Kubernetes quantity.
    BadQuantity { pick: usize },
    /// A cron schedule that does not parse.
    BadCron { pick: usize, variant: usize },
    /// A service renamed to something that is not a DNS label.
    BadServiceName { pick: usize },
}

fn mutations() -> impl Strategy<Value = Mutation> {
    let pick = any::<usize>();
    let variant = 0usize..8;
    prop_oneof![
        pick.prop_map(|pick| Mutation::UnknownField { pick }),
        (pick, variant.clone()).prop_map(|(pick, variant)| Mutation::WrongType { pick, variant }),
        (pick, variant.clone()).prop_map(|(pick, variant)| Mutation::OutOfRange { pick, variant }),
        (pick, variant.clone()).prop_map(|(pick, variant)| Mutation::HugeNumber { pick, variant }),
        pick.prop_map(|pick| Mutation::DanglingReference { pick }),
        (pick, variant.clone()).prop_map(|(pick, variant)| Mutation::EnvironmentKey { pick, variant }),
        pick.prop_map(|pick| Mutation::RequestAboveLimit { pick }),
        (pick, variant.clone()).prop_map(|(pick, variant)| Mutation::MutableTag { pick, variant }),
        pick.prop_map(|pick| Mutation::BadQuantity { pick }),
        (pick, variant).prop_map(|(pick, variant)| Mutation::BadCron { pick, variant }),
        pick.prop_map(|pick| Mutation::BadServiceName { pick }),
    ]
}

/// A mutated spec and what its errors must include.
#[derive(Debug)]
struct Mutated {
    text: String,
    /// The path one error must carry.
    path: String,
    /// Text that the line of that error holds.
    needle: String,
}

/// The byte offset of a 1-based line and column.
fn offset(text: &str, at: Location) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(at.line - 1).map(str::len).sum();
    let line = &text[line_start..];
    line_start + line.char_indices().nth(at.column - 1).map_or(line.len(), |(i, _)| i)
}

/// `text` with the scalar at `place` replaced by `with`.
fn replace_scalar(text: &str, document: &Document, place: &Place, with: &str, path: String) -> Option<Mutated> {
    let span = document.map.scalar_span(&place.pointer)?;
    let text = format!("{}{}{}", &text[..span.start], with, &text[span.end..]);
    Some(Mutated { text, path, needle: with.to_owned() })
}

/// `text` with the key of the entry at `place` renamed to `to`.
fn rename_key(text: &str, document: &Document, place: &Place, to: &str) -> Option<Mutated> {
    let key = place.last();
    let start = offset(text, document.map.key(&place.pointer)?);
    if !text[start..].starts_with(&key) {
        return None;
    }
    let renamed = format!("{}{}{}", &text[..start], to, &text[start + key.len()..]);
    let parent = place.path.strip_suffix(&key).unwrap_or_default();
    Some(Mutated { text: renamed, path: format!("{parent}{to}"), needle: to.to_owned() })
}

/// `text` with an unknown field inserted before the key of the entry at `place`, in
/// block or flow style as the key is written.
fn insert_field(text: &str, document: &Document, place: &Place) -> Option<Mutated> {
    let at = document.map.key(&place.pointer)?;
    let start = offset(text, at);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    let block = before.trim().is_empty() || before.trim() == "-";
    let field = "zz_unknown";
    let inserted = if block { format!("{field}: 1\n{}", " ".repeat(before.len())) } else { format!("{field}: 1, ") };
    let text = format!("{}{}{}", &text[..start], inserted, &text[start..]);
    let parent = place.path.strip_suffix(&place.last()).unwrap_or_default();
    Some(Mutated { text, path: format!("{parent}{field}"), needle: field.to_owned() })
}

fn nth<'a>(candidates: &[&'a Place], pick: usize) -> Option<&'a Place> {
    (!candidates.is_empty()).then(|| candidates[pick % candidates.len()])
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// The numeric fields with a known range and values outside it.
const RANGES: [(&str, &[&str]); 14] = [
    ("port", &["0", "65536", "99999"]),
    ("max", &["101", "1000"]),
    ("min", &["0"]),
    ("cpu_percent", &["0", "101"]),
    ("memory_percent", &["0", "250"]),
    ("pool_size", &["0", "101"]),
    ("max_startup_seconds", &["0", "9", "601"]),
    ("rate_limit_per_second", &["0"]),
    ("daily_retention_days", &["0", "29"]),
    ("weekly_retention_days", &["364"]),
    ("availability_percent", &["0", "100", "150.5"]),
    ("latency_p95_ms", &["0"]),
    ("min_nodes", &["0"]),
    ("desired_nodes", &["0", "1000"]),
];

fn mutate(text: &str, mutation: Mutation) -> Option<Mutated> {
    let document = source::parse(text).ok()?;
    let mut all = Vec::new();
    places(&document.value, String::new(), String::new(), &mut all);
    let scalars: Vec<&Place> =
        all.iter().filter(|p| !p.pointer.is_empty() && !p.value.is_object() && !p.value.is_array()).collect();
    let entries: Vec<&Place> =
        all.iter().filter(|p| !p.pointer.is_empty() && !p.last().chars().all(|c| c.is_ascii_digit())).collect();
    let select = |pattern: &[&str]| -> Vec<&Place> {
        scalars.iter().copied().filter(|p| pattern.iter().any(|pattern| p.matches(pattern))).collect()
    };
    match mutation {
        Mutation::UnknownField { pick } => insert_field(text, &document, nth(&entries, pick)?),
        Mutation::WrongType { pick, variant } => {
            let place = nth(&scalars, pick)?;
            let with = match (&place.value, variant % 2) {
                (Value::String(_), 0) => "[wrong]".to_owned(),
                (Value::String(_), _) => "{ wrong: 1 }".to_owned(),
                (Value::Number(_), 0) => quoted("12"),
                (Value::Bool(_), _) => quoted("yes"),
                _ => "[12]".to_owned(),
            };
            replace_scalar(text, &document, place, &with, place.path.clone())
        }
        Mutation::OutOfRange { pick, variant } => {
            let candidates: Vec<(&Place, &[&str])> = scalars
                .iter()
                .filter(|p| p.value.is_number())
                .filter_map(|p| RANGES.iter().find(|(key, _)| *key == p.last()).map(|(_, bad)| (*p, *bad)))
                .collect();
            let (place, bad) = candidates.get(pick % candidates.len().max(1))?;
            replace_scalar(text, &document, place, bad[variant % bad.len()], place.path.clone())
        }
        Mutation::HugeNumber { pick, variant } => {
            let with = ["4294967296", "18446744073709551616", "-1"][variant % 3];
            // A sync wave is signed: -1 is a valid wave, not an invalid spec.
            let signed = |p: &&Place| p.matches("/addons/*/wave");
            let integers: Vec<&Place> =
                scalars.iter().copied().filter(|p| p.value.is_u64() && !(with == "-1" && signed(p))).collect();
            let place = nth(&integers, pick)?;
            replace_scalar(text, &document, place, with, place.path.clone())
        }
        Mutation::DanglingReference { pick } => {
            let place = nth(&select(&["/services/*/calls/*/service", "/stateful/*/clients/*"]), pick)?;
            replace_scalar(text, &document, place, "no-such-service", place.path.clone())
        }
        Mutation::EnvironmentKey { pick, variant } => {
            let keys: Vec<&Place> = entries.iter().copied().filter(|p| ENVS.contains(&p.last().as_str())).collect();
            let place = nth(&keys, pick)?;
            let others: Vec<&str> = ENVS.into_iter().filter(|e| *e != place.last()).collect();
            let to = match variant % 3 {
                0 => "qa",
                other => others[other - 1],
            };
            rename_key(text, &document, place, to)
        }
        Mutation::RequestAboveLimit { pick } => {
            let place =
                nth(&select(&["/services/*/resources/*/requests/*", "/stateful/*/resources/*/requests/*"]), pick)?;
            let with = if place.last() == "cpu" { quoted("1000") } else { "1000Ti".to_owned() };
            replace_scalar(text, &document, place, &with, place.path.clone())
        }
        Mutation::MutableTag { pick, variant } => {
            let place = nth(&select(&["/services/*/image/tags/*"]), pick)?;
            let with = match (place.last().as_str(), variant % 3) {
                ("dev", _) | (_, 0) => "latest",
                (_, 1) => "v1.2.3",
                _ => "main",
            };
            replace_scalar(text, &document, place, with, place.path.clone())
        }
        Mutation::BadQuantity { pick } => {
            let place = nth(
                &select(&["/services/*/resources/*/*/*", "/stateful/*/resources/*/*/*", "/stateful/*/storage/*/size"]),
                pick,
            )?;
            replace_scalar(text, &document, place, "100x", place.path.clone())
        }
        Mutation::BadCron { pick, variant } => {
            let place = nth(
                &select(&["/backups/database_schedule", "/backups/drill_schedule", "/stateful/*/backup_schedule"]),
                pick,
            )?;
            let with = quoted(["61 * * * *", "* * *", "0 24 1 * *", "every day"][variant % 4]);
            replace_scalar(text, &document, place, &with, place.path.clone())
        }
        Mutation::BadServiceName { pick } => {
            let services: Vec<&Place> = entries.iter().copied().filter(|p| p.matches("/services/*")).collect();
            rename_key(text, &document, nth(&services, pick)?, "Bad_Name")
        }
    }
}

/// Checks the refusal of `mutated`; `Err` explains what is wrong with it.
fn check(mutated: &Mutated, errors: &SpecErrors) -> Result<(), String> {
    let lines: Vec<&str> = mutated.text.lines().collect();
    if errors.errors.is_empty() {
        return Err("refused with no error".into());
    }
    for error in &errors.errors {
        let Some(at) = error.location else {
            return Err(format!("{}: {} has no location", error.path, error.problem));
        };
        let line = lines.get(at.line.wrapping_sub(1)).ok_or(format!("{}:{} is past the end", at.line, at.column))?;
        if at.column == 0 || at.column > line.chars().count() + 1 {
            return Err(format!("{}:{} is past the end of its line {line:?}", at.line, at.column));
        }
    }
    let shown = errors.to_string();
    let mut printed = shown.lines();
    let summary = printed.next_back().unwrap_or_default();
    if !summary.ends_with(" in mutated.yaml") || !printed.all(|line| line.starts_with("mutated.yaml:")) {
        return Err(format!("not every line is located:\n{shown}"));
    }
    let Some(named) = errors.errors.iter().find(|e| e.path.to_string() == mutated.path) else {
        return Err(format!("no error names `{}`:\n{shown}", mutated.path));
    };
    let at = named.location.unwrap();
    if !lines[at.line - 1].contains(&mutated.needle) {
        return Err(format!("{}:{} does not point at `{}`:\n{shown}", at.line, at.column, mutated.needle));
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(128)
}

/// keiko.yaml as written (flow mappings, comments) for 0, else a synthetic fleet of
/// that many services as `generate` writes it (block style).
fn base(size: usize) -> String {
    if size == 0 { KEIKO.to_owned() } else { synthetic::yaml(size).unwrap() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn one_invalid_mutation_is_refused_with_located_errors(size in prop_oneof![Just(0usize), 3usize..6], mutation in mutations()) {
        let base = base(size);
        prop_assert!(load("base.yaml", &base).is_ok(), "the base of size {} is valid", size);
        let Some(mutated) = mutate(&base, mutation) else {
            return Err(TestCaseError::reject("the mutation has no place to apply"));
        };
        match load("mutated.yaml", &mutated.text) {
            Ok(_) => prop_assert!(false, "{:?} was accepted:\n{}", mutation, mutated.text),
            Err(errors) => {
                if let Err(reason) = check(&mutated, &errors) {
                    prop_assert!(false, "{:?} at {}: {}", mutation, mutated.path, reason);
                }
            }
        }
    }
}

#[test]
fn every_mutation_applies_to_keiko_yaml() {
    let kinds = [
        Mutation::UnknownField { pick: 3 },
        Mutation::WrongType { pick: 5, variant: 0 },
        Mutation::OutOfRange { pick: 7, variant: 1 },
        Mutation::HugeNumber { pick: 2, variant: 0 },
        Mutation::DanglingReference { pick: 1 },
        Mutation::EnvironmentKey { pick: 4, variant: 1 },
        Mutation::RequestAboveLimit { pick: 6 },
        Mutation::MutableTag { pick: 8, variant: 1 },
        Mutation::BadQuantity { pick: 9 },
        Mutation::BadCron { pick: 1, variant: 2 },
        Mutation::BadServiceName { pick: 2 },
    ];
    for mutation in kinds {
        let mutated = mutate(KEIKO, mutation).unwrap_or_else(|| panic!("{mutation:?} does not apply"));
        let errors = load("mutated.yaml", &mutated.text).expect_err("refused");
        check(&mutated, &errors).unwrap_or_else(|reason| panic!("{mutation:?}: {reason}"));
    }
}
