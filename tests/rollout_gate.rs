//! The blue/green gate decides as Argo Rollouts decides: each measurement is Successful
//! when `successCondition` holds, else Failed when `failureCondition` holds (or when no
//! failureCondition is set), else Inconclusive; the run fails when failed measurements
//! exceed `failureLimit`, is Inconclusive (the Rollout pauses, nothing is promoted) when
//! inconclusive ones exceed `inconclusiveLimit`, and succeeds otherwise
//! (argo-rollouts analysis/analysis.go, utils/evaluate/evaluate.go). A Prometheus vector
//! result is the list `result`; a query over series that do not exist yet returns none.
//! A preview failing its requests and a preview that gets no traffic must both be held.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_spec::Env;
use serde_json::Value;

/// A measured value: a vector of samples (possibly empty), as the Prometheus provider
/// hands it to the conditions.
type Measurement = Vec<f64>;

/// The conditions our templates use, evaluated over `result`: `len(result) == 0`,
/// `len(result) > 0`, `result[0] >= X`, `result[0] < X`, `isNaN(result[0])`, joined by
/// `&&` and `||` with `!` negation (the expr language's precedence: `&&` before `||`).
fn evaluate(condition: &str, result: &Measurement) -> bool {
    condition.split(" || ").any(|any| any.split(" && ").all(|term| atom(term.trim(), result)))
}

fn atom(term: &str, result: &Measurement) -> bool {
    if let Some(rest) = term.strip_prefix('!') {
        return !atom(rest, result);
    }
    let first = || result.first().copied();
    match term {
        "len(result) == 0" => result.is_empty(),
        "len(result) > 0" => !result.is_empty(),
        "isNaN(result[0])" => first().is_some_and(f64::is_nan),
        _ => {
            let (op, threshold) = if let Some(t) = term.strip_prefix("result[0] >= ") {
                (">=", t)
            } else if let Some(t) = term.strip_prefix("result[0] < ") {
                ("<", t)
            } else {
                panic!("condition term `{term}` is outside what this evaluator knows")
            };
            let threshold: f64 = threshold.parse().unwrap();
            // Indexing an empty result is an evaluation error in Argo Rollouts.
            let value = first().unwrap_or_else(|| panic!("`{term}` indexes an empty result"));
            if op == ">=" { value >= threshold } else { value < threshold }
        }
    }
}

#[derive(Debug, PartialEq)]
enum Phase {
    Successful,
    Failed,
    Inconclusive,
}

/// The run's phase over `measurements` of the template's first metric.
fn decide(metric: &Value, measurements: &[Measurement]) -> Phase {
    let success = metric["successCondition"].as_str().unwrap();
    let failure = metric["failureCondition"].as_str();
    let (mut failed, mut inconclusive) = (0, 0);
    for result in measurements {
        if evaluate(success, result) {
            continue;
        }
        match failure {
            None => failed += 1,
            Some(f) if evaluate(f, result) => failed += 1,
            Some(_) => inconclusive += 1,
        }
    }
    let failure_limit = metric["failureLimit"].as_i64().unwrap_or(0);
    let inconclusive_limit = metric["inconclusiveLimit"].as_i64().unwrap_or(0);
    if failed > failure_limit {
        Phase::Failed
    } else if inconclusive > inconclusive_limit {
        Phase::Inconclusive
    } else {
        Phase::Successful
    }
}

fn templates(platform: &Platform) -> Vec<Value> {
    production_objects(platform, "AnalysisTemplate")
}

/// Every production object of `kind`.
fn production_objects(platform: &Platform, kind: &str) -> Vec<Value> {
    components(platform, Env::Production)
        .unwrap()
        .into_iter()
        .flat_map(|c| c.objects)
        .filter(|o| o.kind == kind)
        .map(|o| o.value)
        .collect()
}

fn gate_problems(template: &Value) -> Vec<String> {
    let name = template["metadata"]["name"].as_str().unwrap();
    let metric = &template["spec"]["metrics"][0];
    let count = metric["count"].as_u64().unwrap() as usize;
    let same = |value: Measurement| vec![value; count];
    let mut problems = Vec::new();
    let mut expect = |case: &str, measurements: Vec<Measurement>, promoted: bool| {
        let phase = decide(metric, &measurements);
        if (phase == Phase::Successful) != promoted {
            problems.push(format!("{name}: {case}: the gate decides {phase:?}"));
        }
    };
    expect("a healthy preview", same(vec![0.999]), true);
    expect("a preview failing half its requests", same(vec![0.5]), false);
    expect("a preview that gets no traffic (no series)", same(vec![]), false);
    expect("a preview whose requests all stopped (0/0)", same(vec![f64::NAN]), false);
    let mut late = same(vec![0.999]);
    late[0] = vec![];
    expect("a preview whose first requests come a minute late", late, true);
    problems
}

#[test]
fn the_gate_holds_a_failing_or_silent_preview_and_promotes_a_healthy_one() {
    let platform = Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap());
    let templates = templates(&platform);
    assert!(!templates.is_empty(), "the blue/green services have templates");
    let problems: Vec<String> = templates.iter().flat_map(gate_problems).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_gate_that_passes_on_no_data_is_caught() {
    let template = serde_json::json!({"metadata": {"name": "planted"}, "spec": {"metrics": [{
        "count": 5, "failureLimit": 1, "successCondition": "len(result) == 0 || result[0] >= 0.99",
    }]}});
    let problems = gate_problems(&template);
    assert!(problems.iter().any(|p| p.contains("no traffic")), "{problems:#?}");
}

/// Seconds an analysis of `template` runs: its first metric's measurements, `interval` apart.
fn analysis_seconds(template: &Value) -> u64 {
    let metric = &template["spec"]["metrics"][0];
    let interval = metric["interval"].as_str().unwrap();
    let seconds: u64 = match interval.strip_suffix('m') {
        Some(minutes) => minutes.parse::<u64>().unwrap() * 60,
        None => interval.strip_suffix('s').unwrap().parse().unwrap(),
    };
    metric["count"].as_u64().unwrap() * seconds
}

/// What keeps a promoted version from staying when it fails on real traffic, for each
/// blue/green Rollout: a post-promotion analysis on the active Service (Argo Rollouts then
/// aborts and switches the active Service back to the previous ReplicaSet), and the
/// previous ReplicaSet still running for the whole analysis (`scaleDownDelaySeconds`), so
/// the switch back is instant rather than a cold start.
fn rollback_problems(rollout: &Value, templates: &[Value]) -> Vec<String> {
    let name = rollout["metadata"]["name"].as_str().unwrap();
    let strategy = &rollout["spec"]["strategy"]["blueGreen"];
    let mut problems = Vec::new();
    let post = &strategy["postPromotionAnalysis"];
    let Some(template_name) = post["templates"][0]["templateName"].as_str() else {
        return vec![format!("{name}: no postPromotionAnalysis: a version failing after promotion stays")];
    };
    let args: Vec<(&str, &str)> = post["args"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| (a["name"].as_str().unwrap(), a["value"].as_str().unwrap_or_default()))
        .collect();
    let active = strategy["activeService"].as_str().unwrap();
    if !args.contains(&("service", active)) {
        problems
            .push(format!("{name}: the post-promotion analysis measures {args:?}, not the active Service {active}"));
    }
    let template = templates.iter().find(|t| t["metadata"]["name"] == template_name).unwrap();
    let delay = strategy["scaleDownDelaySeconds"].as_u64().unwrap_or(30);
    let needed = analysis_seconds(template);
    if delay <= needed {
        problems.push(format!(
            "{name}: the previous version scales down after {delay}s, before the {needed}s post-promotion analysis ends"
        ));
    }
    problems
}

fn rollouts(platform: &Platform) -> Vec<Value> {
    production_objects(platform, "Rollout")
}

#[test]
fn a_version_failing_after_promotion_is_rolled_back_to_a_running_previous_one() {
    let platform = Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap());
    let (rollouts, templates) = (rollouts(&platform), templates(&platform));
    assert!(!rollouts.is_empty());
    let problems: Vec<String> = rollouts.iter().flat_map(|r| rollback_problems(r, &templates)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Planted: the old version gone before the analysis ends.
    let mut early = rollouts[0].clone();
    early["spec"]["strategy"]["blueGreen"]["scaleDownDelaySeconds"] = Value::from(300);
    assert!(rollback_problems(&early, &templates).iter().any(|p| p.contains("scales down after 300s")));
}
