//! Reading arbitrary YAML for the policy: multi-document files and directories, with
//! non-objects skipped with a note and malformed YAML reported with its location.

use super::{Note, Subject};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Why an input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The YAML does not parse; `line` and `column` are 1-based, 0 when unknown.
    #[error("{file}:{line}:{column}: malformed YAML: {reason}")]
    Malformed {
        /// The file.
        file: String,
        /// The line of the problem.
        line: u64,
        /// The column of the problem.
        column: u64,
        /// What the parser said.
        reason: String,
    },
    /// A file or directory could not be read.
    #[error("{file}: cannot read: {reason}")]
    Unreadable {
        /// The path.
        file: String,
        /// What the operating system said.
        reason: String,
    },
}

/// The objects of one or more inputs and the documents skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Read {
    /// The Kubernetes objects, in file and document order.
    pub subjects: Vec<Subject>,
    /// Documents that were skipped, and why.
    pub notes: Vec<Note>,
}

/// Parses every document of `text` (from `file`) into a JSON value. Empty documents
/// are skipped by the parser, so document numbers count non-empty documents.
pub fn documents(file: &str, text: &str) -> Result<Vec<Value>, InputError> {
    serde_saphyr::from_multiple::<Value>(text).map_err(|error| {
        let (line, column) = error.location().map_or((0, 0), |at| (at.line(), at.column()));
        let text = error.to_string();
        let first = text.lines().next().unwrap_or_default();
        // The parser repeats the location; keep only what it says is wrong.
        let reason = first.split_once(&format!("column {column}: ")).map_or(first, |(_, rest)| rest).to_owned();
        InputError::Malformed { file: file.to_owned(), line, column, reason }
    })
}

/// The Kubernetes objects and kustomizations in `text`; kustomize components and
/// documents that are not Kubernetes objects are skipped with a note.
pub fn subjects(file: &str, text: &str) -> Result<Read, InputError> {
    let mut read = Read::default();
    for (index, value) in documents(file, text)?.into_iter().enumerate() {
        let document = index + 1;
        // `kind: List` (what `kubectl get -o yaml` prints) holds objects in `items`.
        let list = value.get("kind").and_then(Value::as_str) == Some("List");
        let items = match value.get("items") {
            Some(Value::Array(items)) if list => items.clone(),
            _ => vec![value],
        };
        for value in items {
            one_document(file, document, value, &mut read);
        }
    }
    Ok(read)
}

/// Adds one document (or one item of a List) to `read`.
fn one_document(file: &str, document: usize, value: Value, read: &mut Read) {
    let note = |message: &str| Note { file: file.to_owned(), document, message: message.to_owned() };
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
    let api_version = value.get("apiVersion").and_then(Value::as_str);
    if kind == "Kustomization" && api_version.is_none_or(is_kustomize_api) {
        read.subjects.push(Subject::kustomization(file.to_owned(), document, value));
        return;
    }
    if kind == "Component" {
        read.notes.push(note("kustomize component skipped"));
        return;
    }
    for problem in crate::k8s_rules::malformed_pod_parts(kind, &value) {
        read.notes.push(note(&format!("{problem}: the pod rules cannot read it, so they did not check it")));
    }
    match Subject::from_value(file, document, value) {
        Some(subject) => read.subjects.push(subject),
        None => read
            .notes
            .push(note("not a Kubernetes object (no apiVersion, kind, or metadata.name or generateName): skipped")),
    }
}

/// Whether an `apiVersion` is kustomize's own (`kustomize.config.k8s.io/v1beta1`).
fn is_kustomize_api(api_version: &str) -> bool {
    api_version.starts_with("kustomize.config.k8s.io/")
}

/// Reads files and directories (recursively, `.yaml` and `.yml` files in sorted order).
/// Malformed or unreadable inputs are collected, never fatal to the others.
pub fn read_paths(paths: &[PathBuf]) -> (Read, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        collect(path, true, &mut files, &mut errors);
    }
    let mut read = Read::default();
    for file in files {
        let name = file.display().to_string();
        match std::fs::read_to_string(&file) {
            Ok(text) => match subjects(&name, &text) {
                Ok(mut one) => {
                    read.subjects.append(&mut one.subjects);
                    read.notes.append(&mut one.notes);
                }
                Err(error) => errors.push(error),
            },
            Err(error) => errors.push(InputError::Unreadable { file: name, reason: error.to_string() }),
        }
    }
    (read, errors)
}

/// Adds `path` (given explicitly when `explicit`) or the YAML files under it.
fn collect(path: &Path, explicit: bool, files: &mut Vec<PathBuf>, errors: &mut Vec<InputError>) {
    let unreadable =
        |error: std::io::Error| InputError::Unreadable { file: path.display().to_string(), reason: error.to_string() };
    if !path.is_dir() {
        let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if explicit && !path.exists() {
            errors.push(unreadable(std::io::Error::from(std::io::ErrorKind::NotFound)));
        } else if explicit || yaml {
            files.push(path.to_owned());
        }
        return;
    }
    match std::fs::read_dir(path) {
        Ok(entries) => {
            let mut children: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
            children.sort();
            for child in children {
                collect(&child, false, files, errors);
            }
        }
        Err(error) => errors.push(unreadable(error)),
    }
}
