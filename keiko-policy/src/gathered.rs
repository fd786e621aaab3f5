//! Objects and Terraform bodies handed to the policy engine while they are rendered, so
//! `generate` never parses its own output back. Object rules run on each batch as it
//! comes (on the renderer's worker threads); only what the cluster rules need is kept
//! until the end, with the typed Terraform bodies.

use super::terraform_rules::TfFile;
use super::{Context, Report, Scope, Subject, cluster_rules, evaluate_scope};
use keiko_spec::security::Exemption;

/// Findings of the object rules so far, and the reduced objects for the cluster rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gathered {
    report: Report,
    cluster: Vec<Subject>,
    terraform: Vec<TfFile>,
}

impl Gathered {
    /// Checks a batch of objects with the object rules and keeps what the cluster rules need.
    pub fn add(&mut self, subjects: Vec<Subject>, context: &Context, exemptions: &[Exemption]) {
        self.report.merge(evaluate_scope(&subjects, context, exemptions, Scope::Object));
        self.cluster.extend(subjects.into_iter().filter_map(cluster_rules::reduced));
    }

    /// Keeps Terraform files, as typed bodies, for the Terraform rules.
    pub fn add_terraform(&mut self, files: Vec<TfFile>) {
        self.terraform.extend(files);
    }

    /// Adds everything `other` gathered.
    pub fn merge(&mut self, other: Gathered) {
        self.report.merge(other.report);
        self.cluster.extend(other.cluster);
        self.terraform.extend(other.terraform);
    }

    /// The object rules' findings plus the cluster rules' on every object gathered,
    /// sorted, and the Terraform files in path order.
    pub fn finish(self, context: &Context, exemptions: &[Exemption]) -> (Report, Vec<TfFile>) {
        let mut report = self.report;
        report.merge(evaluate_scope(&self.cluster, context, exemptions, Scope::Cluster));
        report.sort();
        let mut terraform = self.terraform;
        terraform.sort_by(|a, b| a.path.cmp(&b.path));
        (report, terraform)
    }
}
