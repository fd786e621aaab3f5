//! Every environment comes up on an empty cluster: the bootstrap simulation
//! (`keiko_policy::bootstrap`) run on what Terraform installs, read from its typed
//! bodies, and on the Applications and objects the generator renders, for keiko.yaml
//! and a synthetic fleet of 100 services; then each defect the simulation exists for,
//! planted back, is named.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hcl::expr::{Expression, ObjectKey, TraversalOperator};
use keiko_hcl::names::EnvRoot;
use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_model::charts::{self, ChartFacts};
use keiko_model::gateway_api;
use keiko_policy::bootstrap::{Cluster, Failure, Release, Terraformed, simulate};
use keiko_spec::Env;
use keiko_spec::addon::Chart;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

#[path = "support/terraform.rs"]
mod terraform;

use terraform::{attribute, module_call, resources};

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

fn synthetic(n: usize) -> Platform {
    Platform::new(keiko_spec::synthetic::spec(n).unwrap())
}

/// An HCL expression as the JSON value Terraform would compute, `var.<name>` taken from
/// `vars` (the module call's arguments); `yamlencode`/`jsonencode` of a value is that value.
fn evaluate(expr: &Expression, vars: &BTreeMap<String, Value>) -> Value {
    match expr {
        Expression::Null => Value::Null,
        Expression::Bool(b) => Value::Bool(*b),
        Expression::Number(n) => serde_json::to_value(n).unwrap(),
        Expression::String(s) => Value::String(s.clone()),
        Expression::Array(items) => Value::Array(items.iter().map(|item| evaluate(item, vars)).collect()),
        Expression::Object(object) => {
            let mut out = Map::new();
            for (key, value) in object {
                let key = match key {
                    ObjectKey::Identifier(id) => id.to_string(),
                    ObjectKey::Expression(e) => evaluate(e, vars).as_str().unwrap_or_default().to_owned(),
                    other => panic!("cannot evaluate the key {other:?}"),
                };
                out.insert(key, evaluate(value, vars));
            }
            Value::Object(out)
        }
        Expression::Traversal(traversal) => match (&traversal.expr, traversal.operators.as_slice()) {
            (Expression::Variable(root), [TraversalOperator::GetAttr(name)]) if root.as_str() == "var" => {
                vars.get(name.as_str()).cloned().unwrap_or_else(|| panic!("no argument var.{name}"))
            }
            _ => panic!("cannot evaluate {expr}"),
        },
        Expression::FuncCall(call) if ["yamlencode", "jsonencode"].contains(&call.name.name.as_str()) => {
            evaluate(&call.args[0], vars)
        }
        other => panic!("cannot evaluate {other}"),
    }
}

/// What Terraform installs in `env`: the Helm releases of module `argocd-bootstrap`
/// with the arguments of the environment's call, and the root AppProject and
/// Application the `argocd-apps` release creates from its values.
fn terraformed(platform: &Platform, env: Env) -> Terraformed {
    let bodies = terraform::bodies(platform);
    let root = &bodies[&terraform::root_file(env, EnvRoot::Argocd, "main.tf")];
    let call = module_call(root, "argocd");
    let vars: BTreeMap<String, Value> =
        call.body().attributes().map(|a| (a.key().to_owned(), evaluate_loose(a.expr()))).collect();
    let module = &bodies["terraform/modules/argocd-bootstrap/main.tf"];
    let mut out = Terraformed::default();
    for body in resources(module, "helm_release") {
        let text =
            |key: &str| attribute(body, key).map(|e| evaluate(e, &vars)).and_then(|v| v.as_str().map(str::to_owned));
        let namespace = text("namespace").unwrap();
        if attribute(body, "create_namespace").is_some_and(|e| evaluate(e, &vars) == json!(true)) {
            out.namespaces.push(namespace.clone());
        }
        out.releases.push(Release {
            chart: text("chart").unwrap(),
            namespace: namespace.clone(),
            name: text("name").unwrap(),
            by: "terraform".to_owned(),
        });
        for values in attribute(body, "values")
            .map(|e| evaluate(e, &vars))
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
        {
            out.root.extend(argocd_apps(&values, &namespace));
        }
    }
    out
}

/// A module argument: literals only, other expressions (`depends_on`) as null.
fn evaluate_loose(expr: &Expression) -> Value {
    match expr {
        Expression::String(s) => Value::String(s.clone()),
        Expression::Bool(b) => Value::Bool(*b),
        _ => Value::Null,
    }
}

/// The objects the `argocd-apps` chart creates from its values: one Application per
/// `applications` entry, one AppProject per `projects` entry, named by their keys
/// (argoproj/argo-helm charts/argocd-apps/templates/applications.yaml, projects.yaml).
fn argocd_apps(values: &Value, release_namespace: &str) -> Vec<Value> {
    let mut objects = Vec::new();
    for (section, kind) in [("projects", "AppProject"), ("applications", "Application")] {
        for (name, spec) in values.get(section).and_then(Value::as_object).into_iter().flatten() {
            let mut spec = spec.clone();
            let namespace =
                spec.as_object_mut().and_then(|s| s.remove("namespace")).and_then(|n| n.as_str().map(str::to_owned));
            let metadata =
                json!({ "name": name, "namespace": namespace.unwrap_or_else(|| release_namespace.to_owned()) });
            objects.push(
                json!({ "apiVersion": "argoproj.io/v1alpha1", "kind": kind, "metadata": metadata, "spec": spec }),
            );
        }
    }
    objects
}

/// The cluster of `env` as the generator renders it.
fn cluster(platform: &Platform, env: Env) -> (Terraformed, Vec<Value>, BTreeMap<String, Vec<Value>>) {
    let gitops = keiko_manifests::argocd::objects(platform, env).unwrap().into_iter().map(|o| o.value).collect();
    let mut objects: BTreeMap<String, Vec<Value>> = components(platform, env)
        .unwrap()
        .into_iter()
        .map(|component| (component.name, component.objects.into_iter().map(|o| o.value).collect()))
        .collect();
    objects.insert(gateway_api::APPLICATION.to_owned(), gateway_api_objects());
    (terraformed(platform, env), gitops, objects)
}

/// What the `gateway-api` Application applies from the upstream repository: the CRDs
/// and the downgrade guard of the standard channel (`keiko_model::gateway_api`).
fn gateway_api_objects() -> Vec<Value> {
    let crds = gateway_api::CRDS.iter().map(|crd| {
        json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": { "name": format!("{}.{}", crd.kind.to_ascii_lowercase(), crd.group) },
            "spec": { "group": crd.group, "names": { "kind": crd.kind } },
        })
    });
    let guards = gateway_api::CLUSTER_SCOPED.iter().map(|kind| {
        json!({
            "apiVersion": format!("{}/v1", kind.group),
            "kind": kind.kind,
            "metadata": { "name": "safe-upgrades.gateway.networking.k8s.io" },
        })
    });
    crds.chain(guards).collect()
}

fn run(
    env: Env,
    parts: (Terraformed, Vec<Value>, BTreeMap<String, Vec<Value>>),
    facts: &dyn Fn(Chart) -> ChartFacts,
) -> Vec<Failure> {
    let (terraform, gitops, repository_objects) = parts;
    simulate(&Cluster { env, terraform, gitops, repository_objects, charts: facts })
}

fn report(failures: &[Failure]) -> String {
    failures.iter().map(|f| format!("  {f}\n")).collect()
}

#[test]
fn every_environment_comes_up_on_an_empty_cluster() {
    for platform in [keiko(), synthetic(100)] {
        for env in Env::ALL {
            let failures = run(env, cluster(&platform, env), &charts::facts);
            assert!(failures.is_empty(), "{} services, {env}:\n{}", platform.services().len(), report(&failures));
        }
    }
}

/// The facts were read at the version keiko.yaml pins, with the values it renders.
#[test]
fn chart_facts_hold_for_the_pinned_versions_and_our_values() {
    let platform = keiko();
    for env in Env::ALL {
        let applications = keiko_manifests::argocd::objects(&platform, env).unwrap();
        for (name, addon) in platform.addons() {
            let chart = addon.role().unwrap();
            let facts = charts::facts(chart);
            assert_eq!(facts.chart, chart);
            assert_eq!(
                facts.version, addon.version,
                "addons.{name}: facts read at {}, re-read {}",
                facts.version, facts.source
            );
            let application = applications.iter().find(|o| o.kind == "Application" && o.name == *name).unwrap();
            let values = &application.value["spec"]["source"]["helm"]["valuesObject"];
            for assumption in facts.assumes {
                let expected: Value = serde_json::from_str(assumption.value).unwrap();
                let holds =
                    values.pointer(assumption.pointer).map_or(assumption.is_default, |value| *value == expected);
                assert!(
                    holds,
                    "addons.{name} in {env}: the facts of {} assume {} = {} ({})",
                    facts.source, assumption.pointer, assumption.value, assumption.because
                );
            }
        }
    }
}

/// The CRDs the tests validate Gateway API objects against are the release the
/// Application syncs, and they define kinds it installs.
#[test]
fn the_gateway_api_release_is_the_one_the_crds_under_tests_are() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/crds/gateway-api");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let crd: Value = serde_saphyr::from_str(&text).unwrap();
        let annotations = &crd["metadata"]["annotations"];
        assert_eq!(annotations["gateway.networking.k8s.io/bundle-version"], gateway_api::VERSION);
        assert_eq!(annotations["gateway.networking.k8s.io/channel"], "standard");
        let kind = crd["spec"]["names"]["kind"].as_str().unwrap();
        assert!(gateway_api::CRDS.iter().any(|k| k.kind == kind && k.group == crd["spec"]["group"]), "{kind}");
        seen += 1;
    }
    assert!(seen >= 3);
}

// ---- each defect, planted back, is named ----------------------------------------------

fn failures_with(
    platform: &Platform,
    change: impl Fn(&mut (Terraformed, Vec<Value>, BTreeMap<String, Vec<Value>>)),
    facts: &dyn Fn(Chart) -> ChartFacts,
) -> Vec<Failure> {
    let mut parts = cluster(platform, Env::Dev);
    change(&mut parts);
    run(Env::Dev, parts, facts)
}

fn application<'a>(gitops: &'a mut [Value], name: &str) -> &'a mut Value {
    gitops.iter_mut().find(|o| o["kind"] == "Application" && o["metadata"]["name"] == name).unwrap()
}

#[test]
fn a_second_argo_cd_release_is_named() {
    let failures = failures_with(
        &keiko(),
        |(_, gitops, _)| application(gitops, "argo-cd")["spec"]["source"]["helm"]["releaseName"] = json!("argo-cd"),
        &charts::facts,
    );
    assert_eq!(failures.len(), 1, "{}", report(&failures));
    assert_eq!(failures[0].rule, "one-release");
    assert!(
        failures[0].message.contains("terraform as argocd/argocd, Application argo-cd as argocd/argo-cd"),
        "{}",
        failures[0]
    );
}

#[test]
fn a_chart_writing_to_kube_system_is_refused_by_its_project() {
    const ROLE_IN_KUBE_SYSTEM: [(&str, charts::Kind); 1] =
        [("kube-system", charts::kind("rbac.authorization.k8s.io", "Role"))];
    let kube_system = |chart: Chart| {
        let mut facts = charts::facts(chart);
        if chart == Chart::CertManager {
            facts.elsewhere = &ROLE_IN_KUBE_SYSTEM;
        }
        facts
    };
    let failures = failures_with(&keiko(), |_| {}, &kube_system);
    assert_eq!(failures.len(), 1, "{}", report(&failures));
    assert_eq!((failures[0].application.as_str(), failures[0].rule), ("cert-manager", "project-allows"));
    assert!(failures[0].message.contains("namespace `kube-system`"), "{}", failures[0]);
}

#[test]
fn gateway_objects_without_the_gateway_api_crds_are_named() {
    let failures = failures_with(
        &keiko(),
        |(_, gitops, _)| gitops.retain(|o| o["metadata"]["name"] != gateway_api::APPLICATION),
        &charts::facts,
    );
    assert!(!failures.is_empty());
    assert!(
        failures.iter().all(|f| f.rule == "kind-served" && f.message.contains("gateway.networking.k8s.io/")),
        "{}",
        report(&failures)
    );
    for object in ["Gateway/keiko-gateway/keiko-public", "HTTPRoute/keiko-gateway/https-redirect"] {
        assert!(failures.iter().any(|f| f.object == object), "{object} not named:\n{}", report(&failures));
    }
}

#[test]
fn a_custom_resource_in_the_same_wave_as_its_crd_is_named() {
    // kube-prometheus-stack back in cert-manager's wave: cert-manager's ServiceMonitor
    // is applied before the ServiceMonitor CRD is healthy.
    let failures = failures_with(
        &keiko(),
        |(_, gitops, _)| {
            application(gitops, "kube-prometheus-stack")["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] =
                json!("-8")
        },
        &charts::facts,
    );
    assert!(
        failures.iter().any(|f| f.application == "cert-manager"
            && f.rule == "kind-served"
            && f.object.starts_with("ServiceMonitor/")),
        "{}",
        report(&failures)
    );
}

#[test]
fn a_namespace_nobody_creates_is_named() {
    let failures = failures_with(
        &keiko(),
        |(_, gitops, _)| {
            let options = &mut application(gitops, "cert-manager")["spec"]["syncPolicy"]["syncOptions"];
            options.as_array_mut().unwrap().retain(|o| o != "CreateNamespace=true");
        },
        &charts::facts,
    );
    assert!(
        failures.iter().any(|f| f.application == "cert-manager" && f.rule == "namespace-exists"),
        "{}",
        report(&failures)
    );
}

#[test]
fn a_source_outside_the_project_is_named() {
    let failures = failures_with(
        &keiko(),
        |(_, gitops, _)| {
            let project = gitops
                .iter_mut()
                .find(|o| o["kind"] == "AppProject" && o["metadata"]["name"] == "keiko-platform")
                .unwrap();
            project["spec"]["sourceRepos"].as_array_mut().unwrap().retain(|r| r != gateway_api::REPOSITORY);
        },
        &charts::facts,
    );
    assert_eq!(failures.len(), 1, "{}", report(&failures));
    assert!(failures[0].message.contains("does not list the source"), "{}", failures[0]);
}

#[test]
fn a_secret_made_after_the_pods_that_mount_it_is_named() {
    // Velero's credentials back in the observability component (wave 0), after the
    // Velero chart (wave -2) whose pods mount them: the bootstrap would wait forever.
    let failures = failures_with(
        &keiko(),
        |(_, _, objects)| {
            let platform = objects.get_mut("platform").unwrap();
            let at = platform
                .iter()
                .position(|o| o["kind"] == "ExternalSecret" && o["metadata"]["name"] == "velero-object-storage")
                .unwrap();
            let secret = platform.remove(at);
            objects.get_mut("observability").unwrap().push(secret);
        },
        &charts::facts,
    );
    assert_eq!(failures.len(), 1, "{}", report(&failures));
    assert_eq!((failures[0].application.as_str(), failures[0].rule), ("velero", "secret-exists"));
    assert!(failures[0].message.contains("makes it at wave 0"), "{}", failures[0]);
}

#[test]
fn a_mounted_secret_nothing_produces_is_named() {
    let failures = failures_with(
        &keiko(),
        |(_, _, objects)| objects.get_mut("learning-service").unwrap().retain(|o| o["kind"] != "ExternalSecret"),
        &charts::facts,
    );
    assert!(!failures.is_empty());
    assert!(
        failures.iter().all(|f| f.application == "learning-service"
            && f.rule == "secret-exists"
            && f.message.contains("nothing produces it")),
        "{}",
        report(&failures)
    );
}
