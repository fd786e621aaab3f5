//! The outcome of a policy run and its renderings: text lines, JSON, SARIF 2.1.0 and
//! the generated Markdown report.

use super::{Rule, Severity, rules};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A failed rule on one object (or on the spec).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// The rule's ID.
    pub rule_id: String,
    /// Its severity here (a rule may report a warning in some contexts).
    pub severity: Severity,
    /// The file.
    pub file: String,
    /// The 1-based document index in the file.
    pub document: usize,
    /// The object's kind (`Spec` for spec rules).
    pub kind: String,
    /// The object's namespace, empty when cluster-scoped.
    pub namespace: String,
    /// The object's name (the spec field for spec rules).
    pub name: String,
    /// What is wrong.
    pub message: String,
}

impl Finding {
    /// `file:document kind/namespace/name RULE-ID message`.
    pub fn line(&self) -> String {
        format!(
            "{}:{} {}/{}/{} {} {}",
            self.file, self.document, self.kind, self.namespace, self.name, self.rule_id, self.message
        )
    }
}

/// A finding that an exemption covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Exempted {
    /// The finding.
    pub finding: Finding,
    /// Why it is accepted.
    pub reason: String,
}

/// A document that was not evaluated, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Note {
    /// The file.
    pub file: String,
    /// The 1-based document index (0 for the whole file).
    pub document: usize,
    /// Why it was skipped.
    pub message: String,
}

/// Every finding of a policy run, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Findings that count.
    pub findings: Vec<Finding>,
    /// Findings covered by an exemption.
    pub exempted: Vec<Exempted>,
    /// Skipped documents.
    pub notes: Vec<Note>,
}

impl Report {
    /// Files `finding` as exempted when `reason` is given and not blank.
    pub fn push(&mut self, finding: Finding, reason: Option<String>) {
        match reason.filter(|reason| !reason.trim().is_empty()) {
            Some(reason) => self.exempted.push(Exempted { finding, reason }),
            None => self.findings.push(finding),
        }
    }

    /// Adds every entry of `other`.
    pub fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.exempted.extend(other.exempted);
        self.notes.extend(other.notes);
    }

    /// Sorts every list, so output never depends on evaluation order.
    pub fn sort(&mut self) {
        self.findings.sort();
        self.exempted.sort();
        self.notes.sort();
    }

    /// Whether an error-level rule failed without an exemption.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// One line per finding that counts.
    pub fn findings_text(&self) -> String {
        let mut out = String::new();
        for finding in &self.findings {
            let _ = writeln!(out, "{} ({})", finding.line(), finding.severity.as_str());
        }
        out
    }

    /// One line per finding, then exempted findings and notes.
    pub fn text(&self) -> String {
        let mut out = self.findings_text();
        for exempted in &self.exempted {
            let _ = writeln!(out, "{} (exempted: {})", exempted.finding.line(), exempted.reason);
        }
        for note in &self.notes {
            let _ = writeln!(out, "{}:{} note: {}", note.file, note.document, note.message);
        }
        out
    }

    /// The report as pretty JSON.
    pub fn json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }

    /// The Markdown written to `generated/policy-report.md`.
    pub fn markdown(&self) -> String {
        let mut out = format!("<!-- {} -->\n# Policy report\n\n", keiko_model::generated::marker());
        out.push_str("Every rule of `keiko-policy/src` on this directory and keiko.yaml ");
        out.push_str("(see docs/policy.md).\n\n| rule | severity | findings | exempted |\n| --- | --- | --- | --- |\n");
        let count = |list: Vec<&Finding>, id: &str| list.into_iter().filter(|f| f.rule_id == id).count();
        for rule in rules() {
            let findings = count(self.findings.iter().collect(), rule.id);
            let exempted = count(self.exempted.iter().map(|e| &e.finding).collect(), rule.id);
            let _ = writeln!(out, "| {} | {} | {findings} | {exempted} |", rule.id, rule.severity.as_str());
        }
        section(&mut out, "Findings", self.findings.iter().map(|f| format!("{} ({})", f.line(), f.severity.as_str())));
        let mut by_reason: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
        for exempted in &self.exempted {
            by_reason.entry((&exempted.finding.rule_id, &exempted.reason)).or_default().push(&exempted.finding);
        }
        let reasons = by_reason.iter().map(|((id, reason), list)| format!("{id} on {} objects: {reason}", list.len()));
        section(&mut out, "Exemptions", reasons);
        out
    }
}

fn section(out: &mut String, title: &str, lines: impl Iterator<Item = String>) {
    let lines: Vec<String> = lines.collect();
    let _ = write!(out, "\n## {title}\n\n");
    if lines.is_empty() {
        out.push_str("None.\n");
    }
    for line in lines {
        let _ = writeln!(out, "- {}", line.replace('|', "\\|"));
    }
}

/// The rule with `id`, if any.
pub fn rule(id: &str) -> Option<Rule> {
    rules().into_iter().find(|rule| rule.id == id)
}
