//! The checks, the fourth layer: rules with stable IDs evaluated over Kubernetes objects (as JSON
//! values, so generated and hand-written manifests are checked alike) and over the spec.
//!
//! [`evaluate`] checks everything `generate` renders; [`evaluate_objects`] is what
//! `generate lint` runs on any YAML. Exemptions come only from `security.exemptions`
//! in the spec or from a `keiko.io/exempt-<RULE-ID>: <reason>` annotation.

pub mod bootstrap;
pub mod cluster_rules;
pub mod delivery_rules;
pub mod gathered;
pub mod job_graph;
pub mod k8s_rules;
pub mod network_rules;
pub mod reachability;
pub mod report;
pub mod report_sarif;
pub mod selector;
pub mod spec_rules;
pub mod terraform_input;
pub mod terraform_providers;
pub mod terraform_rules;
pub mod yaml_input;

pub use gathered::Gathered;
pub use report::{Exempted, Finding, Note, Report};

use keiko_manifests::Files;
use keiko_manifests::k8s::Object;
use keiko_manifests::layout::render::Placed;
use keiko_spec::platform::SyncMode;
use keiko_spec::security::Exemption;
use keiko_spec::{Env, RawSpec, Spec};
use serde::Serialize;
use serde_json::Value;

/// How serious a failed rule is: errors stop `generate`, warnings are only reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The output must not be written.
    Error,
    /// Reported, never blocking.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One policy rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The stable ID (`KEIKO-K8S-001`).
    pub id: &'static str,
    /// How serious a failure is.
    pub severity: Severity,
    /// Why the rule exists, in one line.
    pub rationale: &'static str,
    /// How to fix a failure, in one line.
    pub hint: &'static str,
    /// What the rule looks at.
    pub check: Check,
}

/// The input a rule inspects.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// Kubernetes objects one at a time: the rule reads nothing but the object itself
    /// (and the context), so any subset of the objects may be checked on its own.
    Objects(fn(&[Subject], &Context) -> Vec<Hit>),
    /// Kubernetes objects related to each other (a PDB to its workload, a namespace to
    /// its policies): needs every object at once, reduced by [`cluster_rules::reduced`].
    Cluster(fn(&[Subject], &Context) -> Vec<Hit>),
    /// The spec as written.
    Spec(fn(&RawSpec) -> Vec<SpecHit>),
    /// The rendered Terraform files.
    Terraform(fn(&[terraform_rules::TfFile]) -> Vec<terraform_rules::TfHit>),
}

/// A failure of an object rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The index of the failing object in the evaluated slice.
    pub subject: usize,
    /// What is wrong, naming the field.
    pub message: String,
    /// Report as a warning even if the rule is an error (e.g. manual sync).
    pub warning_only: bool,
}

impl Hit {
    /// A failure at the rule's own severity.
    pub fn new(subject: usize, message: impl Into<String>) -> Hit {
        Hit { subject, message: message.into(), warning_only: false }
    }
}

/// A failure of a spec rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecHit {
    /// The spec path (`backups.database_schedule`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// A Kubernetes object read from a file, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    /// The file, relative to `generated/` or as given on the command line.
    pub file: String,
    /// The 1-based document index within the file.
    pub document: usize,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`, empty when unset.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// The whole object.
    pub value: Value,
}

impl Subject {
    /// Reads an object's identity; `None` when `value` has no `apiVersion`, `kind` and
    /// `metadata.name` (not a Kubernetes object).
    pub fn from_value(file: &str, document: usize, value: Value) -> Option<Subject> {
        let text = |pointer: &str| value.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
        text("/apiVersion")?;
        let kind = text("/kind")?;
        // An object a controller names from `generateName` is checked under that
        // prefix: skipping it would let anything without a name through.
        let name =
            text("/metadata/name").or_else(|| text("/metadata/generateName").map(|prefix| format!("{prefix}*")))?;
        let namespace = text("/metadata/namespace").unwrap_or_default();
        Some(Subject { file: file.to_owned(), document, kind, namespace, name, value })
    }

    /// A rendered object where the builders placed it; a kustomization is named after
    /// its directory, like one read from a file.
    pub fn placed(placed: Placed) -> Subject {
        let Placed { file, object } = placed;
        if object.kind == KUSTOMIZATION && object.api_version.starts_with("kustomize.config.k8s.io/") {
            return Subject::kustomization(file, 1, object.value);
        }
        let Object { kind, namespace, name, value, .. } = object;
        Subject { file, document: 1, kind, namespace, name, value }
    }

    /// A kustomize configuration (`Kustomization`) read from `file`, named after its
    /// directory, so rules can check what it sets (image overrides).
    pub fn kustomization(file: String, document: usize, value: Value) -> Subject {
        let directory = file.rsplit('/').nth(1).unwrap_or_default().to_owned();
        Subject { file, document, kind: KUSTOMIZATION.to_owned(), namespace: String::new(), name: directory, value }
    }

    /// Whether this is kustomize configuration rather than a Kubernetes object.
    pub fn is_kustomization(&self) -> bool {
        self.kind == KUSTOMIZATION
    }

    /// A label's value.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.value.pointer("/metadata/labels").and_then(|labels| labels.get(key)).and_then(Value::as_str)
    }

    /// An annotation's value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.value.pointer("/metadata/annotations").and_then(|notes| notes.get(key)).and_then(Value::as_str)
    }

    /// The environment the file belongs to: a path segment named `dev`, `staging` or
    /// `production` (`k8s/overlays/dev/…`, `argocd/production/…`); `None` for the base.
    pub fn env(&self) -> Option<Env> {
        self.file.split('/').find_map(Env::parse)
    }
}

/// The kind of a kustomize configuration file.
pub const KUSTOMIZATION: &str = "Kustomization";

/// What object rules know beyond the objects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The approved image registry (`platform.registry`); unknown when linting alone.
    pub registry: Option<String>,
    /// Environments whose ArgoCD sync is manual.
    pub manual_sync: Vec<Env>,
}

impl Context {
    /// The context the spec gives.
    pub fn from_spec(spec: &Spec) -> Context {
        let manual_sync =
            spec.environments().iter().filter(|(_, e)| e.sync == SyncMode::Manual).map(|(env, _)| env).collect();
        Context { registry: Some(spec.platform().registry.clone()), manual_sync }
    }
}

/// The file spec rules report against.
pub const SPEC_FILE: &str = "keiko.yaml";

/// Every rule, in ID order.
pub fn rules() -> Vec<Rule> {
    let mut all = k8s_rules::rules();
    all.extend(cluster_rules::rules());
    all.extend(network_rules::rules());
    all.extend(delivery_rules::rules());
    all.extend(spec_rules::rules());
    all.extend(terraform_rules::rules());
    all
}

/// Whether `path` (relative to `generated/`) holds objects the policy checks.
pub fn is_checked_file(path: &str) -> bool {
    let objects = (path.starts_with("k8s/base/") || path.starts_with("argocd/")) && path.ends_with(".yaml");
    objects || (path.starts_with("k8s/overlays/") && path.ends_with("/kustomization.yaml"))
}

/// Evaluates every rule on the rendered Kubernetes and ArgoCD files, parsed back from
/// their text, and on the spec. `generate` gathers the objects while rendering instead
/// ([`evaluate_gathered`]); tests hold the two to the same report.
pub fn evaluate(spec: &Spec, files: &Files) -> Report {
    let context = Context::from_spec(spec);
    let exemptions = &spec.security().exemptions;
    let mut gathered = Gathered::default();
    let mut notes = Vec::new();
    for (path, text) in files.iter().filter(|(path, _)| is_checked_file(path)) {
        match yaml_input::subjects(path, text) {
            Ok(read) => {
                gathered.add(read.subjects, &context, exemptions);
                notes.extend(read.notes);
            }
            Err(error) => notes.push(Note { file: path.to_owned(), document: 0, message: error.to_string() }),
        }
    }
    for (path, text) in files.iter().filter(|(path, _)| path.starts_with("terraform/") && path.ends_with(".tf")) {
        match terraform_rules::parse(path, text) {
            Ok(file) => gathered.add_terraform(vec![file]),
            Err(message) => notes.push(Note { file: path.to_owned(), document: 0, message }),
        }
    }
    let mut report = evaluate_gathered(spec, gathered);
    report.notes.extend(notes);
    report.sort();
    report
}

/// Finishes a policy run over what was gathered while rendering: the cluster rules on
/// the objects, the spec rules, and the Terraform rules on the typed bodies.
pub fn evaluate_gathered(spec: &Spec, gathered: Gathered) -> Report {
    let exemptions = &spec.security().exemptions;
    let (mut report, terraform) = gathered.finish(&Context::from_spec(spec), exemptions);
    report.merge(evaluate_spec(spec.raw()));
    report.merge(evaluate_terraform(&terraform, exemptions));
    report.sort();
    report
}

/// Evaluates the Terraform rules, honouring spec exemptions (kind `Terraform`).
pub fn evaluate_terraform(files: &[terraform_rules::TfFile], exemptions: &[Exemption]) -> Report {
    let mut report = Report::default();
    for rule in rules() {
        let Check::Terraform(check) = rule.check else { continue };
        for hit in check(files) {
            let Some(file) = files.get(hit.file) else { continue };
            let finding = Finding {
                rule_id: rule.id.to_owned(),
                severity: rule.severity,
                file: file.path.clone(),
                document: 1,
                kind: "Terraform".to_owned(),
                namespace: String::new(),
                name: hit.name,
                message: hit.message,
            };
            report.push(finding, spec_exemption(exemptions, rule.id, "Terraform"));
        }
    }
    report.sort();
    report
}

/// Evaluates the spec rules on a spec as written, honouring its exemptions.
pub fn evaluate_spec(spec: &RawSpec) -> Report {
    let exemptions = &spec.security.exemptions;
    let mut report = Report::default();
    for rule in rules() {
        if let Check::Spec(check) = rule.check {
            for hit in check(spec) {
                let finding = Finding {
                    rule_id: rule.id.to_owned(),
                    severity: rule.severity,
                    file: SPEC_FILE.to_owned(),
                    document: 1,
                    kind: "Spec".to_owned(),
                    namespace: String::new(),
                    name: hit.field,
                    message: hit.message,
                };
                report.push(finding, spec_exemption(exemptions, rule.id, "Spec"));
            }
        }
    }
    report.sort();
    report
}

/// Evaluates every object and cluster rule on `subjects`, honouring spec `exemptions`
/// and annotations.
pub fn evaluate_objects(subjects: &[Subject], context: &Context, exemptions: &[Exemption]) -> Report {
    let mut report = evaluate_scope(subjects, context, exemptions, Scope::Object);
    report.merge(evaluate_scope(subjects, context, exemptions, Scope::Cluster));
    report.sort();
    report
}

/// Which object rules a run evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// [`Check::Objects`]: one object at a time.
    Object,
    /// [`Check::Cluster`]: objects related to each other.
    Cluster,
}

/// Evaluates the object rules of `scope` on `subjects` (unsorted).
pub fn evaluate_scope(subjects: &[Subject], context: &Context, exemptions: &[Exemption], scope: Scope) -> Report {
    let mut report = Report::default();
    for rule in rules() {
        let check = match (rule.check, scope) {
            (Check::Objects(check), Scope::Object) | (Check::Cluster(check), Scope::Cluster) => check,
            _ => continue,
        };
        for hit in check(subjects, context) {
            let Some(subject) = subjects.get(hit.subject) else { continue };
            let severity = if hit.warning_only { Severity::Warning } else { rule.severity };
            let finding = Finding {
                rule_id: rule.id.to_owned(),
                severity,
                file: subject.file.clone(),
                document: subject.document,
                kind: subject.kind.clone(),
                namespace: subject.namespace.clone(),
                name: subject.name.clone(),
                message: hit.message,
            };
            let annotation = subject.annotation(&format!("keiko.io/exempt-{}", rule.id)).map(str::to_owned);
            report.push(finding, annotation.or_else(|| spec_exemption(exemptions, rule.id, &subject.kind)));
        }
    }
    report
}

/// `generate lint`: reads `paths` and runs the object rules with no spec (so the
/// registry is not checked); returns the report and the inputs that could not be read.
pub fn lint(paths: &[std::path::PathBuf]) -> (Report, Vec<yaml_input::InputError>) {
    lint_with_input(paths, None)
}

/// [`lint`], where the path `-` stands for `stdin`, the text read from standard input
/// (named `<stdin>` in findings).
pub fn lint_with_input(paths: &[std::path::PathBuf], stdin: Option<&str>) -> (Report, Vec<yaml_input::InputError>) {
    let files: Vec<std::path::PathBuf> = paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    let (mut read, mut errors) = yaml_input::read_paths(&files);
    if let Some(text) = stdin.filter(|_| files.len() < paths.len()) {
        match yaml_input::subjects("<stdin>", text) {
            Ok(mut one) => {
                read.subjects.append(&mut one.subjects);
                read.notes.append(&mut one.notes);
            }
            Err(error) => errors.push(error),
        }
    }
    let mut report = evaluate_objects(&read.subjects, &Context::default(), &[]);
    report.notes.extend(read.notes);
    report.sort();
    (report, errors)
}

fn spec_exemption(exemptions: &[Exemption], rule: &str, kind: &str) -> Option<String> {
    exemptions
        .iter()
        .find(|e| e.check == rule && (e.kinds.is_empty() || e.kinds.iter().any(|k| k == kind)))
        .map(|e| e.reason.clone())
}

#[cfg(test)]
mod tests {
    /// The spec accepts an exemption of exactly the rules that exist: each rule takes
    /// its ID from the spec's list, and no ID there is left without its rule.
    #[test]
    fn every_rule_id_the_spec_accepts_has_exactly_one_rule() {
        let mut ids: Vec<&str> = super::rules().iter().map(|rule| rule.id).collect();
        ids.sort_unstable();
        let mut listed = keiko_spec::rule_ids::ALL.to_vec();
        listed.sort_unstable();
        assert_eq!(ids, listed);
    }
}
