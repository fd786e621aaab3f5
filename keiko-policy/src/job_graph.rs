//! Which jobs of a GitHub Actions workflow run for an event, decided the way GitHub
//! decides it (docs.github.com, "Evaluate expressions in workflows and actions" and
//! "Using conditions to control job execution"):
//! - a job starts once every job it `needs` has finished, in dependency order;
//! - its `if` defaults to `success()`, and an `if` that calls no status function
//!   (`success()`, `failure()`, `cancelled()`, `always()`) is evaluated as
//!   `success() && (<if>)`;
//! - `success()` is true when no ancestor, direct or not, failed or was skipped, and
//!   `failure()` when one failed (actions/runner#2205: a skipped grandparent skips its
//!   grandchildren however their parents ended);
//! - `needs.<job>.result` is `success`, `failure`, `cancelled` or `skipped`, for direct
//!   needs only; string comparisons ignore case; a missing property is null.
//!
//! A job whose condition holds runs and succeeds, unless the caller names it as failing.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What triggered the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A push to a branch.
    Push(String),
    /// A pull request (into any branch the workflow lists).
    PullRequest(String),
    /// A manual run with its inputs.
    Dispatch(BTreeMap<String, String>),
}

/// How a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// It ran and succeeded.
    Success,
    /// It ran and failed.
    Failure,
    /// Its condition was false, or the workflow did not run.
    Skipped,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Skipped => "skipped",
        }
    }
}

/// Every job's outcome for `event`, `failing` naming jobs that fail when they run.
/// Errors name a job whose `if` cannot be read or a `needs` cycle.
pub fn run(workflow: &Value, event: &Event, failing: &[&str]) -> Result<BTreeMap<String, Outcome>, String> {
    let jobs = workflow.get("jobs").and_then(Value::as_object).ok_or("the workflow has no jobs")?;
    let needs_of = |job: &Value| -> Vec<String> {
        match job.get("needs") {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        }
    };
    let triggered = triggers(workflow, event);
    let mut outcomes: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut ancestors: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    while outcomes.len() < jobs.len() {
        let ready: Vec<&String> = jobs
            .iter()
            .filter(|(name, job)| {
                !outcomes.contains_key(*name) && needs_of(job).iter().all(|n| outcomes.contains_key(n))
            })
            .map(|(name, _)| name)
            .collect();
        if ready.is_empty() {
            return Err("the jobs' needs form a cycle or name a job that does not exist".to_owned());
        }
        for name in ready {
            let job = &jobs[name];
            let needs = needs_of(job);
            let mut all: BTreeSet<String> = needs.iter().cloned().collect();
            for need in &needs {
                all.extend(ancestors.get(need).cloned().unwrap_or_default());
            }
            let outcome = if !triggered {
                Outcome::Skipped
            } else {
                let condition = job.get("if").map_or(Ok(Value::Bool(true)), |c| condition(c, name))?;
                let context = Context { event, needs: &needs, all: &all, outcomes: &outcomes };
                let expression = parse(&condition_text(&condition)).map_err(|e| format!("jobs.{name}.if: {e}"))?;
                let expression = if expression.calls_status() {
                    expression
                } else {
                    Expr::And(Box::new(Expr::Call("success".to_owned(), Vec::new())), Box::new(expression))
                };
                match truthy(&expression.evaluate(&context)) {
                    true if failing.contains(&name.as_str()) => Outcome::Failure,
                    true => Outcome::Success,
                    false => Outcome::Skipped,
                }
            };
            ancestors.insert(name.clone(), all);
            outcomes.insert(name.clone(), outcome);
        }
    }
    Ok(outcomes)
}

fn condition(value: &Value, job: &str) -> Result<Value, String> {
    match value {
        Value::String(_) | Value::Bool(_) => Ok(value.clone()),
        _ => Err(format!("jobs.{job}.if is neither a string nor a boolean")),
    }
}

fn condition_text(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::String(text) => {
            let text = text.trim();
            text.strip_prefix("${{").and_then(|t| t.strip_suffix("}}")).unwrap_or(text).trim().to_owned()
        }
        _ => String::new(),
    }
}

/// Whether the workflow's `on` starts it for `event` (path filters are taken to match).
fn triggers(workflow: &Value, event: &Event) -> bool {
    let on = workflow.get("on").or_else(|| workflow.get("true"));
    let Some(on) = on else { return false };
    let listed = |name: &str| match on {
        Value::String(one) => (one == name).then_some(&Value::Null),
        Value::Array(many) => many.iter().any(|v| v == name).then_some(&Value::Null),
        Value::Object(map) => map.get(name),
        _ => None,
    };
    let branch_matches = |config: &Value, branch: &str| {
        config
            .get("branches")
            .and_then(Value::as_array)
            .is_none_or(|branches| branches.iter().filter_map(Value::as_str).any(|b| glob(b, branch)))
    };
    match event {
        Event::Push(branch) => listed("push").is_some_and(|c| branch_matches(c, branch)),
        Event::PullRequest(base) => listed("pull_request").is_some_and(|c| branch_matches(c, base)),
        Event::Dispatch(_) => listed("workflow_dispatch").is_some(),
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    pattern == text || pattern == "**" || pattern.strip_suffix('*').is_some_and(|prefix| text.starts_with(prefix))
}

struct Context<'a> {
    event: &'a Event,
    needs: &'a [String],
    all: &'a BTreeSet<String>,
    outcomes: &'a BTreeMap<String, Outcome>,
}

impl Context<'_> {
    fn lookup(&self, path: &[String]) -> Value {
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        match parts.as_slice() {
            ["github", "event_name"] => Value::from(match self.event {
                Event::Push(_) => "push",
                Event::PullRequest(_) => "pull_request",
                Event::Dispatch(_) => "workflow_dispatch",
            }),
            ["github", "ref"] => match self.event {
                Event::Push(branch) => Value::from(format!("refs/heads/{branch}")),
                Event::PullRequest(_) => Value::from("refs/pull/1/merge"),
                Event::Dispatch(_) => Value::from("refs/heads/main"),
            },
            ["github", "base_ref"] => match self.event {
                Event::PullRequest(base) => Value::from(base.as_str()),
                _ => Value::from(""),
            },
            ["inputs", name] | ["github", "event", "inputs", name] => match self.event {
                Event::Dispatch(inputs) => inputs.get(*name).map_or(Value::Null, |v| Value::from(v.as_str())),
                _ => Value::Null,
            },
            ["needs", job, "result"] if self.needs.iter().any(|n| n == job) => {
                Value::from(self.outcomes.get(*job).map_or("skipped", |o| o.as_str()))
            }
            _ => Value::Null,
        }
    }
}

/// A parsed `if` expression.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Literal(Value),
    Path(Vec<String>),
    Call(String, Vec<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, &'static str, Box<Expr>),
}

impl Expr {
    fn calls_status(&self) -> bool {
        match self {
            Expr::Call(name, args) => {
                ["success", "failure", "cancelled", "always"].contains(&name.as_str())
                    || args.iter().any(Expr::calls_status)
            }
            Expr::Not(inner) => inner.calls_status(),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Compare(a, _, b) => a.calls_status() || b.calls_status(),
            Expr::Literal(_) | Expr::Path(_) => false,
        }
    }

    fn evaluate(&self, context: &Context<'_>) -> Value {
        match self {
            Expr::Literal(value) => value.clone(),
            Expr::Path(path) => context.lookup(path),
            Expr::Not(inner) => Value::Bool(!truthy(&inner.evaluate(context))),
            Expr::And(a, b) => {
                let left = a.evaluate(context);
                if truthy(&left) { b.evaluate(context) } else { left }
            }
            Expr::Or(a, b) => {
                let left = a.evaluate(context);
                if truthy(&left) { left } else { b.evaluate(context) }
            }
            Expr::Compare(a, op, b) => {
                let equal = loosely_equal(&a.evaluate(context), &b.evaluate(context));
                Value::Bool(if *op == "==" { equal } else { !equal })
            }
            Expr::Call(name, args) => {
                let failed = context.all.iter().any(|job| context.outcomes.get(job) == Some(&Outcome::Failure));
                let text =
                    |i: usize| args.get(i).map(|a| to_text(&a.evaluate(context)).to_lowercase()).unwrap_or_default();
                Value::Bool(match name.as_str() {
                    "success" => context.all.iter().all(|job| context.outcomes.get(job) == Some(&Outcome::Success)),
                    "failure" => failed,
                    "cancelled" => false,
                    "always" => true,
                    "contains" => text(0).contains(&text(1)),
                    "startsWith" => text(0).starts_with(&text(1)),
                    "endsWith" => text(0).ends_with(&text(1)),
                    _ => false,
                })
            }
        }
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn to_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `==` as GitHub compares: strings without regard to case, null equal only to null
/// (or the empty string), booleans and numbers by value.
fn loosely_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        (Value::Null, Value::String(s)) | (Value::String(s), Value::Null) => s.is_empty(),
        _ => a == b,
    }
}

/// Parses an expression: `||` below `&&` below `==`/`!=` below `!`.
fn parse(text: &str) -> Result<Expr, String> {
    let tokens = tokens(text)?;
    let mut at = 0;
    let expr = or(&tokens, &mut at)?;
    if at != tokens.len() {
        return Err(format!("unexpected `{}`", tokens[at]));
    }
    Ok(expr)
}

fn tokens(text: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut s = String::from("'");
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' && chars.get(i + 1) == Some(&'\'') {
                    s.push('\'');
                    i += 2;
                } else if chars[i] == '\'' {
                    break;
                } else {
                    s.push(chars[i]);
                    i += 1;
                }
            }
            if i >= chars.len() {
                return Err("an unterminated string".to_owned());
            }
            i += 1;
            out.push(s);
        } else if "=!&|".contains(c) && chars.get(i + 1).is_some_and(|n| *n == '=' || (*n == c && c != '!')) {
            out.push(chars[i..i + 2].iter().collect());
            i += 2;
        } else if "()!,".contains(c) {
            out.push(c.to_string());
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || "_-.".contains(chars[i])) {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            return Err(format!("unexpected `{c}`"));
        }
    }
    Ok(out)
}

fn or(tokens: &[String], at: &mut usize) -> Result<Expr, String> {
    let mut left = and(tokens, at)?;
    while tokens.get(*at).is_some_and(|t| t == "||") {
        *at += 1;
        left = Expr::Or(Box::new(left), Box::new(and(tokens, at)?));
    }
    Ok(left)
}

fn and(tokens: &[String], at: &mut usize) -> Result<Expr, String> {
    let mut left = comparison(tokens, at)?;
    while tokens.get(*at).is_some_and(|t| t == "&&") {
        *at += 1;
        left = Expr::And(Box::new(left), Box::new(comparison(tokens, at)?));
    }
    Ok(left)
}

fn comparison(tokens: &[String], at: &mut usize) -> Result<Expr, String> {
    let left = unary(tokens, at)?;
    match tokens.get(*at).map(String::as_str) {
        Some(op @ ("==" | "!=")) => {
            let op = if op == "==" { "==" } else { "!=" };
            *at += 1;
            Ok(Expr::Compare(Box::new(left), op, Box::new(unary(tokens, at)?)))
        }
        _ => Ok(left),
    }
}

fn unary(tokens: &[String], at: &mut usize) -> Result<Expr, String> {
    let token = tokens.get(*at).ok_or("an expression ends too early")?.clone();
    *at += 1;
    if token == "!" {
        return Ok(Expr::Not(Box::new(unary(tokens, at)?)));
    }
    if token == "(" {
        let inner = or(tokens, at)?;
        if tokens.get(*at).map(String::as_str) != Some(")") {
            return Err("a missing `)`".to_owned());
        }
        *at += 1;
        return Ok(inner);
    }
    if let Some(text) = token.strip_prefix('\'') {
        return Ok(Expr::Literal(Value::from(text)));
    }
    match token.as_str() {
        "true" => return Ok(Expr::Literal(Value::Bool(true))),
        "false" => return Ok(Expr::Literal(Value::Bool(false))),
        "null" => return Ok(Expr::Literal(Value::Null)),
        _ => {}
    }
    if tokens.get(*at).map(String::as_str) == Some("(") {
        *at += 1;
        let mut args = Vec::new();
        while tokens.get(*at).map(String::as_str) != Some(")") {
            args.push(or(tokens, at)?);
            if tokens.get(*at).map(String::as_str) == Some(",") {
                *at += 1;
            }
            if *at >= tokens.len() {
                return Err(format!("`{token}(` is not closed"));
            }
        }
        *at += 1;
        return Ok(Expr::Call(token, args));
    }
    if token.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Ok(Expr::Literal(token.parse::<f64>().map(Value::from).unwrap_or(Value::Null)));
    }
    Ok(Expr::Path(token.split('.').map(str::to_owned).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn workflow(jobs: Value) -> Value {
        json!({ "on": { "push": { "branches": ["develop"] }, "workflow_dispatch": {} }, "jobs": jobs })
    }

    #[test]
    fn a_skipped_grandparent_skips_a_job_without_a_status_function() {
        let w = workflow(json!({
            "a": { "if": "github.ref == 'refs/heads/main'" },
            "b": { "needs": ["a"], "if": "!cancelled() && !failure()" },
            "c": { "needs": ["b"], "if": "github.event_name == 'push'" },
            "d": { "needs": ["b"], "if": "!cancelled() && needs.b.result == 'success'" },
        }));
        let outcomes = run(&w, &Event::Push("develop".into()), &[]).unwrap();
        assert_eq!(outcomes["a"], Outcome::Skipped);
        assert_eq!(outcomes["b"], Outcome::Success);
        assert_eq!(outcomes["c"], Outcome::Skipped, "success() sees the skipped grandparent");
        assert_eq!(outcomes["d"], Outcome::Success);
    }

    #[test]
    fn failure_reaches_every_descendant_and_strings_compare_without_case() {
        let w = workflow(json!({
            "a": {},
            "b": { "needs": "a" },
            "notify": { "needs": ["b"], "if": "failure()" },
            "dispatch": { "if": "github.event_name == 'WORKFLOW_DISPATCH' && inputs.environment == 'dev'" },
        }));
        let outcomes = run(&w, &Event::Push("develop".into()), &["a"]).unwrap();
        assert_eq!(
            (outcomes["a"], outcomes["b"], outcomes["notify"]),
            (Outcome::Failure, Outcome::Skipped, Outcome::Success)
        );
        let inputs = BTreeMap::from([("environment".to_owned(), "dev".to_owned())]);
        assert_eq!(run(&w, &Event::Dispatch(inputs), &[]).unwrap()["dispatch"], Outcome::Success);
        assert!(run(&w, &Event::Push("main".into()), &[]).unwrap().values().all(|o| *o == Outcome::Skipped));
    }

    #[test]
    fn unreadable_conditions_are_errors() {
        let w = workflow(json!({ "a": { "if": "github.ref == 'x" } }));
        assert!(run(&w, &Event::Push("develop".into()), &[]).is_err());
        assert!(parse("a &&").is_err());
        assert_eq!(
            parse("${{ x }}".trim_start_matches("${{").trim_end_matches("}}")).unwrap(),
            Expr::Path(vec!["x".into()])
        );
    }
}
