//! The labels and annotations every object carries: the recommended
//! `app.kubernetes.io/*` set plus team and cost center for ownership and billing.

use keiko_model::Platform;
use std::collections::BTreeMap;

/// The label prefix for platform-specific labels.
pub const PREFIX: &str = "keiko.io";
pub use keiko_model::generated::MANAGED_BY;

/// Who a workload is and who owns it; the source of all its labels.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    /// The workload name (`learning-service`, `clickhouse`).
    pub name: &'a str,
    /// `app.kubernetes.io/component`.
    pub component: &'a str,
    /// `app.kubernetes.io/version`: the deployed tag, shortened to 63 characters.
    pub version: &'a str,
    /// The owning team.
    pub team: &'a str,
    /// The billed cost center.
    pub cost_center: &'a str,
}

/// The labels that select a workload's pods. They never change over its lifetime,
/// because a Deployment's selector is immutable.
pub fn selector(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), name.to_owned()),
        ("app.kubernetes.io/instance".to_owned(), name.to_owned()),
    ])
}

/// Every label of a workload's objects and pods.
pub fn recommended(platform: &Platform, who: &Identity<'_>) -> BTreeMap<String, String> {
    let mut labels = selector(who.name);
    labels.extend([
        ("app.kubernetes.io/component".to_owned(), who.component.to_owned()),
        ("app.kubernetes.io/part-of".to_owned(), platform.settings().name.clone()),
        ("app.kubernetes.io/managed-by".to_owned(), MANAGED_BY.to_owned()),
        ("app.kubernetes.io/version".to_owned(), label_value(who.version)),
        (format!("{PREFIX}/team"), who.team.to_owned()),
        (format!("{PREFIX}/cost-center"), who.cost_center.to_owned()),
    ]);
    labels
}

/// Labels of platform-level objects that belong to no workload (namespaces).
pub fn platform(platform: &Platform, name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), name.to_owned()),
        ("app.kubernetes.io/part-of".to_owned(), platform.settings().name.clone()),
        ("app.kubernetes.io/managed-by".to_owned(), MANAGED_BY.to_owned()),
    ])
}

/// A label value: at most 63 characters, alphanumeric at both ends.
fn label_value(value: &str) -> String {
    let cut: String = value.chars().filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).take(63).collect();
    cut.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_owned()
}

#[cfg(test)]
mod tests {
    use super::label_value;

    #[test]
    fn versions_become_valid_label_values() {
        assert_eq!(label_value(&"a".repeat(70)).len(), 63);
        assert_eq!(label_value("sha256:abc"), "sha256abc");
        assert_eq!(label_value("-v1-"), "v1");
    }
}
