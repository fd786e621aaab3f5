//! Delivery rules (KEIKO-K8S-015 and 016): Helm charts that ArgoCD installs are pinned
//! to one version, and the image overrides of overlays are immutable outside dev.

use super::k8s_rules::is_hex;
use super::{Check, Context, Hit, Rule, Severity, Subject};
use keiko_spec::Env;
use keiko_spec::rule_ids;
use serde_json::Value;

/// The delivery rules.
pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            id: rule_ids::K8S_015,
            severity: Severity::Error,
            rationale: "a chart range or a branch lets the next sync install a release nobody reviewed",
            hint: "set targetRevision of every chart source to one exact version (`1.21.1` or `v1.21.1`)",
            check: Check::Objects(pinned_charts),
        },
        Rule {
            id: rule_ids::K8S_016,
            severity: Severity::Error,
            rationale: "an overlay's image override decides what runs; a mutable tag makes a deploy unrepeatable",
            hint: "override images with a 40-hex commit SHA tag or a sha256 digest (any tag but latest in dev)",
            check: Check::Objects(overlay_images),
        },
    ]
}

/// Whether a chart version names one release: `1.2.3`, `v1.2.3`, `1.2.3-rc.1`,
/// `1.2.3+build` (SemVer 2.0 with an optional `v`), never a range or a wildcard.
pub fn is_exact_chart_version(version: &str) -> bool {
    let version = version.strip_prefix('v').unwrap_or(version);
    let (core, rest) = version.split_once(['-', '+']).map_or((version, ""), |(core, rest)| (core, rest));
    let numbers: Vec<&str> = core.split('.').collect();
    let numeric = |part: &&str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let tail_ok = rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'+');
    numbers.len() == 3 && numbers.iter().all(numeric) && tail_ok && !version.ends_with(['-', '+'])
}

fn pinned_charts(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (index, app) in
        subjects.iter().enumerate().filter(|(_, s)| matches!(s.kind.as_str(), "Application" | "ApplicationSet"))
    {
        let single = app.value.pointer("/spec/source").into_iter();
        let many = app.value.pointer("/spec/sources").and_then(Value::as_array).into_iter().flatten();
        for source in single.chain(many) {
            let Some(chart) = source.get("chart").and_then(Value::as_str) else { continue };
            let revision = source.get("targetRevision").and_then(Value::as_str).unwrap_or_default();
            if !is_exact_chart_version(revision) {
                hits.push(Hit::new(
                    index,
                    format!("chart {chart} has targetRevision {revision:?}, not one exact version"),
                ));
            }
        }
    }
    hits
}

fn overlay_images(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (index, kustomization) in subjects.iter().enumerate().filter(|(_, s)| s.is_kustomization()) {
        let images = kustomization.value.get("images").and_then(Value::as_array).into_iter().flatten();
        for image in images {
            let name = image.get("name").and_then(Value::as_str).unwrap_or("(unnamed)");
            if let Some(problem) = override_problem(image, kustomization.env()) {
                hits.push(Hit::new(index, format!("image {name}: {problem}")));
            }
        }
    }
    hits
}

/// What is wrong with one `images` entry in `env` (the environment from its path).
fn override_problem(image: &Value, env: Option<Env>) -> Option<String> {
    let tag = image.get("newTag").and_then(Value::as_str);
    let digest = image.get("digest").and_then(Value::as_str);
    if let Some(digest) = digest {
        let valid = digest.strip_prefix("sha256:").is_some_and(|hex| is_hex(hex, 64));
        return (!valid).then(|| format!("digest {digest:?} is not sha256:<64 hex>"));
    }
    match tag {
        None if image.get("newName").is_some() => {
            Some("newName without newTag or digest runs the latest tag".to_owned())
        }
        None => None,
        Some("latest") | Some("") => Some(format!("newTag {:?} is mutable", tag.unwrap_or_default())),
        Some(tag) if env != Some(Env::Dev) && !is_hex(tag, 40) => {
            Some(format!("newTag {tag:?} is not a 40-hex commit SHA (required outside dev)"))
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_single_releases_are_exact_chart_versions() {
        for exact in ["1.2.3", "v1.21.1", "1.2.3-rc.1", "0.1.0+build.5"] {
            assert!(is_exact_chart_version(exact), "{exact}");
        }
        for loose in ["", "*", "1.2", "1.2.x", "^1.2.3", "~1.2.3", ">=1.0.0", "1.2.3 - 1.4", "HEAD", "main", "1.2.3-"] {
            assert!(!is_exact_chart_version(loose), "{loose}");
        }
    }
}
