//! Objects handed to the policy engine while they are rendered, so `generate` never
//! parses its own output back. Object rules run on each batch as it comes (on the
//! renderer's worker threads); only what the cluster rules need is kept until the end.

use super::{Context, Report, Scope, Subject, cluster_rules, evaluate_scope};
use keiko_spec::security::Exemption;

/// Findings of the object rules so far, and the reduced objects for the cluster rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gathered {
    report: Report,
    cluster: Vec<Subject>,
}

impl Gathered {
    /// Checks a batch of objects with the object rules and keeps what the cluster rules need.
    pub fn add(&mut self, subjects: Vec<Subject>, context: &Context, exemptions: &[Exemption]) {
        self.report.merge(evaluate_scope(&subjects, context, exemptions, Scope::Object));
        self.cluster.extend(subjects.into_iter().filter_map(cluster_rules::reduced));
    }

    /// Adds everything `other` gathered.
    pub fn merge(&mut self, other: Gathered) {
        self.report.merge(other.report);
        self.cluster.extend(other.cluster);
    }

    /// The object rules' findings plus the cluster rules' on every object gathered, sorted.
    pub fn finish(self, context: &Context, exemptions: &[Exemption]) -> Report {
        let mut report = self.report;
        report.merge(evaluate_scope(&self.cluster, context, exemptions, Scope::Cluster));
        report.sort();
        report
    }
}
