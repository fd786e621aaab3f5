//! KEIKO-TF-004: no root module configures a provider from something it creates itself.
//!
//! Terraform configures every provider before it plans any resource. A provider whose
//! `host` or credentials come from a resource or module of the same root is unknown on the
//! first apply and stale after the resource is replaced (hashicorp/terraform-provider-kubernetes#1152),
//! so such a root cannot be applied reliably from an empty state. What a provider may read:
//! variables, literals, and data sources whose own arguments are known at plan time
//! (`terraform_remote_state` of another root, a lookup by an ID from it). The rule follows
//! `local.*` and `data.*` references back to where each value is decided.

use crate::terraform_input::{TfFile, TfHit};
use hcl::template::{Element, Template};
use hcl::{Block, Expression, TraversalOperator};
use std::collections::{BTreeMap, BTreeSet};

/// A reference `<root>.<name>` (`module.kubernetes`, `data.ovh_cloud_project_kube.cluster`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    /// `module`, `var`, `local`, `data`, or a resource type.
    pub root: String,
    /// The names after the root that identify the object (one, or two for `data`).
    pub names: Vec<String>,
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}",
            std::iter::once(self.root.as_str())
                .chain(self.names.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(".")
        )
    }
}

/// Roots that are not objects of the configuration: values Terraform itself knows at plan time.
const PLAN_TIME: [&str; 5] = ["var", "path", "terraform", "count", "each"];

/// Every reference in `expr`, in order of appearance.
pub fn references(expr: &Expression) -> Vec<Reference> {
    let mut found = Vec::new();
    collect(expr, &mut found);
    found
}

fn collect(expr: &Expression, found: &mut Vec<Reference>) {
    match expr {
        Expression::Variable(variable) => {
            found.push(Reference { root: variable.as_str().to_owned(), names: Vec::new() })
        }
        Expression::Traversal(traversal) => {
            if let Expression::Variable(variable) = &traversal.expr {
                let wanted = if variable.as_str() == "data" { 2 } else { 1 };
                let names = traversal
                    .operators
                    .iter()
                    .map_while(|op| match op {
                        TraversalOperator::GetAttr(name) => Some(name.as_str().to_owned()),
                        _ => None,
                    })
                    .take(wanted)
                    .collect();
                found.push(Reference { root: variable.as_str().to_owned(), names });
            } else {
                collect(&traversal.expr, found);
            }
            for op in &traversal.operators {
                if let TraversalOperator::Index(index) = op {
                    collect(index, found);
                }
            }
        }
        Expression::Array(items) => items.iter().for_each(|item| collect(item, found)),
        Expression::Object(object) => object.iter().for_each(|(key, value)| {
            if let hcl::ObjectKey::Expression(key) = key {
                collect(key, found);
            }
            collect(value, found);
        }),
        Expression::FuncCall(call) => call.args.iter().for_each(|arg| collect(arg, found)),
        Expression::Parenthesis(inner) => collect(inner, found),
        Expression::Conditional(cond) => {
            collect(&cond.cond_expr, found);
            collect(&cond.true_expr, found);
            collect(&cond.false_expr, found);
        }
        Expression::Operation(operation) => match operation.as_ref() {
            hcl::expr::Operation::Unary(unary) => collect(&unary.expr, found),
            hcl::expr::Operation::Binary(binary) => {
                collect(&binary.lhs_expr, found);
                collect(&binary.rhs_expr, found);
            }
        },
        Expression::ForExpr(for_expr) => {
            collect(&for_expr.collection_expr, found);
            let bound: Vec<&str> = [Some(for_expr.value_var.as_str()), for_expr.key_var.as_ref().map(|k| k.as_str())]
                .into_iter()
                .flatten()
                .collect();
            let mut inner = Vec::new();
            for part in [Some(&for_expr.value_expr), for_expr.key_expr.as_ref(), for_expr.cond_expr.as_ref()]
                .into_iter()
                .flatten()
            {
                collect(part, &mut inner);
            }
            found.extend(inner.into_iter().filter(|r| !bound.contains(&r.root.as_str())));
        }
        Expression::TemplateExpr(template) => {
            if let Ok(template) = Template::from_expr(template) {
                collect_template(&template, found);
            }
        }
        _ => {}
    }
}

fn collect_template(template: &Template, found: &mut Vec<Reference>) {
    for element in template.elements() {
        match element {
            Element::Interpolation(interpolation) => collect(&interpolation.expr, found),
            Element::Directive(directive) => match directive.as_ref() {
                hcl::template::Directive::If(d) => {
                    collect(&d.cond_expr, found);
                    collect_template(&d.true_template, found);
                    if let Some(f) = &d.false_template {
                        collect_template(f, found);
                    }
                }
                hcl::template::Directive::For(d) => {
                    collect(&d.collection_expr, found);
                    collect_template(&d.template, found);
                }
            },
            Element::Literal(_) => {}
        }
    }
}

/// Every expression directly or in nested blocks of `block`'s body (a provider's `kubernetes { .. }`).
fn expressions(block: &Block) -> Vec<&Expression> {
    let mut out: Vec<&Expression> = block.body().attributes().map(|a| a.expr()).collect();
    for inner in block.body().blocks() {
        out.extend(expressions(inner));
    }
    out
}

/// The objects one root module declares that a provider could read.
#[derive(Default)]
struct Root<'a> {
    locals: BTreeMap<String, &'a Expression>,
    data: BTreeMap<(String, String), &'a Block>,
    providers: Vec<(usize, &'a Block)>,
}

/// The root directory of a file, or `None` for child modules (`terraform/modules/..`).
fn root_dir(path: &str) -> Option<&str> {
    let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    (!dir.split('/').any(|part| part == "modules")).then_some(dir)
}

fn roots(files: &[TfFile]) -> BTreeMap<&str, Root<'_>> {
    let mut roots: BTreeMap<&str, Root<'_>> = BTreeMap::new();
    for (index, file) in files.iter().enumerate() {
        let Some(dir) = root_dir(&file.path) else { continue };
        let root = roots.entry(dir).or_default();
        for block in file.body.blocks() {
            let label = |i: usize| block.labels().get(i).map(|l| l.as_str().to_owned()).unwrap_or_default();
            match block.identifier() {
                "locals" => root.locals.extend(block.body().attributes().map(|a| (a.key().to_owned(), a.expr()))),
                "data" => {
                    root.data.insert((label(0), label(1)), block);
                }
                "provider" => root.providers.push((index, block)),
                _ => {}
            }
        }
    }
    roots
}

/// Why the value behind `reference` is not known when the providers are configured: the
/// chain of references that ends at a resource or module of the same root, if any.
fn created_by_root(root: &Root<'_>, reference: &Reference, seen: &mut BTreeSet<Reference>) -> Option<Vec<String>> {
    if PLAN_TIME.contains(&reference.root.as_str()) || !seen.insert(reference.clone()) {
        return None;
    }
    let next: Vec<Reference> = match reference.root.as_str() {
        "local" => {
            let name = reference.names.first()?;
            references(root.locals.get(name)?)
        }
        "data" => {
            let [kind, name] = reference.names.as_slice() else { return None };
            let block = root.data.get(&(kind.clone(), name.clone()))?;
            expressions(block).into_iter().flat_map(references).collect()
        }
        // A module call or a resource: created by this root's own apply.
        _ => return Some(vec![reference.to_string()]),
    };
    next.iter().find_map(|inner| {
        created_by_root(root, inner, seen).map(|mut chain| {
            chain.insert(0, reference.to_string());
            chain
        })
    })
}

/// KEIKO-TF-004 over every root module of `files`.
pub fn providers_known_at_plan(files: &[TfFile]) -> Vec<TfHit> {
    let mut hits = Vec::new();
    for root in roots(files).values() {
        for (file, provider) in &root.providers {
            let name = format!("provider.{}", provider.labels().first().map_or("", |l| l.as_str()));
            let mut reported = BTreeSet::new();
            for reference in expressions(provider).into_iter().flat_map(references) {
                let Some(chain) = created_by_root(root, &reference, &mut BTreeSet::new()) else { continue };
                if reported.insert(chain.clone()) {
                    let message = format!(
                        "is configured from {}, which this root creates: unknown on the first apply, stale after a replacement",
                        chain.join(" -> ")
                    );
                    hits.push(TfHit { file: *file, name: name.clone(), message });
                }
            }
        }
    }
    hits
}
