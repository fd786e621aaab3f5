//! SARIF 2.1.0 output of a policy report, as typed structs (the subset code-scanning
//! tools read: rules, results with locations, suppressions for exemptions).

use super::report::{Finding, Report};
use super::{Severity, rules};
use serde::Serialize;

/// The SARIF schema this output follows.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A SARIF log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Log {
    /// `$schema`.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// Always `2.1.0`.
    pub version: &'static str,
    /// One run.
    pub runs: Vec<Run>,
}

/// One tool run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The tool and its rules.
    pub tool: Tool,
    /// The findings.
    pub results: Vec<SarifResult>,
}

/// The tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tool {
    /// Its driver.
    pub driver: Driver,
}

/// The tool's driver and the rules it knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Driver {
    /// `keiko-policy`.
    pub name: &'static str,
    /// Where the rules are documented.
    #[serde(rename = "informationUri")]
    pub information_uri: &'static str,
    /// Every rule.
    pub rules: Vec<ReportingDescriptor>,
}

/// One rule's description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportingDescriptor {
    /// The rule ID.
    pub id: &'static str,
    /// The rationale.
    #[serde(rename = "shortDescription")]
    pub short_description: Message,
    /// The fix hint.
    pub help: Message,
}

/// A text message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// The text.
    pub text: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SarifResult {
    /// The rule ID.
    #[serde(rename = "ruleId")]
    pub rule_id: String,
    /// `error` or `warning`.
    pub level: &'static str,
    /// The object and what is wrong.
    pub message: Message,
    /// The file.
    pub locations: Vec<Location>,
    /// Present, with the reason, when the finding is exempted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The physical location.
    #[serde(rename = "physicalLocation")]
    pub physical_location: PhysicalLocation,
}

/// A file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhysicalLocation {
    /// The file.
    #[serde(rename = "artifactLocation")]
    pub artifact_location: ArtifactLocation,
}

/// A file's URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArtifactLocation {
    /// The path as given.
    pub uri: String,
}

/// An accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `inSource` (annotation or spec).
    pub kind: &'static str,
    /// The reason.
    pub justification: String,
}

impl Report {
    /// The report as a SARIF 2.1.0 log (exempted findings carry a suppression).
    pub fn sarif(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(&log(self))
    }
}

/// The SARIF log of `report`.
pub fn log(report: &Report) -> Log {
    let rules = rules()
        .into_iter()
        .map(|rule| ReportingDescriptor {
            id: rule.id,
            short_description: Message { text: rule.rationale.to_owned() },
            help: Message { text: rule.hint.to_owned() },
        })
        .collect();
    let mut results: Vec<SarifResult> = report.findings.iter().map(|f| result(f, Vec::new())).collect();
    results.extend(
        report
            .exempted
            .iter()
            .map(|e| result(&e.finding, vec![Suppression { kind: "inSource", justification: e.reason.clone() }])),
    );
    let driver = Driver { name: "keiko-policy", information_uri: "docs/policy.md", rules };
    Log { schema: SCHEMA, version: "2.1.0", runs: vec![Run { tool: Tool { driver }, results }] }
}

fn result(finding: &Finding, suppressions: Vec<Suppression>) -> SarifResult {
    let level = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let text = format!(
        "{}/{}/{} (document {}): {}",
        finding.kind, finding.namespace, finding.name, finding.document, finding.message
    );
    let artifact_location = ArtifactLocation { uri: finding.file.clone() };
    SarifResult {
        rule_id: finding.rule_id.clone(),
        level,
        message: Message { text },
        locations: vec![Location { physical_location: PhysicalLocation { artifact_location } }],
        suppressions,
    }
}
