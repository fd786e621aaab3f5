//! Pod and container rules (KEIKO-K8S-001 to 006): resources, probes, the restricted
//! security context, host access and images.

use super::{Check, Context, Hit, Rule, Severity, Subject};
use keiko_spec::Env;
use keiko_spec::rule_ids;
use serde_json::Value;

/// The pod and container rules.
pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            id: rule_ids::K8S_001,
            severity: Severity::Error,
            rationale: "without requests and limits the scheduler cannot place pods and one pod can starve a node",
            hint: "set resources.requests and resources.limits (cpu and memory) on every container",
            check: Check::Objects(resources),
        },
        Rule {
            id: rule_ids::K8S_002,
            severity: Severity::Error,
            rationale: "without probes a hung or unready container keeps receiving traffic",
            hint: "set livenessProbe and readinessProbe on every container of long-running workloads",
            check: Check::Objects(probes),
        },
        Rule {
            id: rule_ids::K8S_003,
            severity: Severity::Error,
            rationale: "the restricted Pod Security Standard limits what a compromised container can do",
            hint: "set runAsNonRoot, allowPrivilegeEscalation: false, capabilities.drop [ALL], seccompProfile RuntimeDefault",
            check: Check::Objects(restricted),
        },
        Rule {
            id: rule_ids::K8S_004,
            severity: Severity::Error,
            rationale: "privileged containers, host namespaces and hostPath volumes break the node boundary",
            hint: "remove privileged, hostNetwork, hostPID, hostIPC, hostPath volumes and capabilities.add",
            check: Check::Objects(host_access),
        },
        Rule {
            id: rule_ids::K8S_005,
            severity: Severity::Error,
            rationale: "`latest` or untagged images change under a running deployment and cannot be rolled back",
            hint: "pin the image to a version, a commit SHA or a sha256 digest",
            check: Check::Objects(tagged_images),
        },
        Rule {
            id: rule_ids::K8S_006,
            severity: Severity::Error,
            rationale: "Keiko services run only images built by their CI, pushed to the approved registry, immutably tagged",
            hint: "use platform.registry and a full commit SHA or sha256 digest (`generate set-image`)",
            check: Check::Objects(service_images),
        },
    ]
}

/// The pod spec of a pod-bearing object.
pub fn pod_spec(subject: &Subject) -> Option<&Value> {
    pod_spec_of(&subject.kind, &subject.value)
}

/// The pod spec of an object of `kind`.
pub fn pod_spec_of<'a>(kind: &str, value: &'a Value) -> Option<&'a Value> {
    let pointer = match kind {
        "Pod" => "/spec",
        "CronJob" => "/spec/jobTemplate/spec/template/spec",
        kind if TEMPLATED.contains(&kind) => "/spec/template/spec",
        _ => return None,
    };
    value.pointer(pointer)
}

/// The labels a pod-bearing object gives its pods.
pub fn pod_labels(subject: &Subject) -> Option<&Value> {
    let pointer = match subject.kind.as_str() {
        "Pod" => "/metadata/labels",
        "CronJob" => "/spec/jobTemplate/spec/template/metadata/labels",
        _ => "/spec/template/metadata/labels",
    };
    subject.value.pointer(pointer)
}

/// The kinds that keep their pod template at `spec.template`. ReplicationController (core
/// v1) and OpenShift's DeploymentConfig keep it where a Deployment does; kube-linter and
/// Polaris check both.
const TEMPLATED: [&str; 8] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "Rollout",
    "ReplicationController",
    "DeploymentConfig",
];

/// Whether objects of `kind` run pods.
pub fn is_pod_bearing(kind: &str) -> bool {
    matches!(kind, "Pod" | "CronJob") || TEMPLATED.contains(&kind)
}

/// Whether the object runs pods that should never finish.
pub fn is_long_running(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "Rollout" | "ReplicationController" | "DeploymentConfig"
    )
}

/// Containers and init containers of a pod spec.
fn all_containers(pod: &Value) -> Vec<&Value> {
    ["initContainers", "containers"]
        .iter()
        .filter_map(|key| pod.get(*key).and_then(Value::as_array))
        .flatten()
        .collect()
}

fn container_name(container: &Value) -> &str {
    container.get("name").and_then(Value::as_str).unwrap_or("(unnamed)")
}

/// Runs `check` on every container of every pod-bearing subject.
fn per_container(subjects: &[Subject], check: impl Fn(&Value, &Value, &Subject) -> Vec<String>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (index, subject) in subjects.iter().enumerate() {
        let Some(pod) = pod_spec(subject) else { continue };
        for container in all_containers(pod) {
            for problem in check(pod, container, subject) {
                hits.push(Hit::new(index, format!("container {}: {problem}", container_name(container))));
            }
        }
    }
    hits
}

fn resources(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    per_container(subjects, |_, container, _| {
        ["requests/cpu", "requests/memory", "limits/cpu", "limits/memory"]
            .iter()
            .filter(|field| container.pointer(&format!("/resources/{field}")).is_none_or(Value::is_null))
            .map(|field| format!("resources.{} is not set", field.replace('/', ".")))
            .collect()
    })
}

fn probes(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    // A bare Pod or a ReplicaSet runs as long as a Deployment's pods unless its pods
    // run to completion (`restartPolicy` Never or OnFailure).
    let runs_forever = |s: &Subject| match s.kind.as_str() {
        "Pod" | "ReplicaSet" => {
            pod_spec(s).and_then(|pod| pod.get("restartPolicy")).and_then(Value::as_str).is_none_or(|p| p == "Always")
        }
        kind => is_long_running(kind),
    };
    for (index, subject) in subjects.iter().enumerate().filter(|(_, s)| runs_forever(s)) {
        let Some(containers) = pod_spec(subject).and_then(|pod| pod.get("containers")).and_then(Value::as_array) else {
            continue;
        };
        for container in containers {
            for probe in ["livenessProbe", "readinessProbe"].iter().filter(|p| container.get(**p).is_none()) {
                hits.push(Hit::new(index, format!("container {}: {probe} is not set", container_name(container))));
            }
        }
    }
    hits
}

fn restricted(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    per_container(subjects, |pod, container, _| {
        let either = |pointer: &str| {
            container
                .pointer(&format!("/securityContext/{pointer}"))
                .or_else(|| pod.pointer(&format!("/securityContext/{pointer}")))
        };
        let mut problems = Vec::new();
        if either("runAsNonRoot") != Some(&Value::Bool(true)) {
            problems.push("securityContext.runAsNonRoot must be true (pod or container)".to_owned());
        }
        if container.pointer("/securityContext/allowPrivilegeEscalation") != Some(&Value::Bool(false)) {
            problems.push("securityContext.allowPrivilegeEscalation must be false".to_owned());
        }
        let drops = container.pointer("/securityContext/capabilities/drop").and_then(Value::as_array);
        if !drops.is_some_and(|drop| drop.iter().any(|c| c.as_str() == Some("ALL"))) {
            problems.push("securityContext.capabilities.drop must contain ALL".to_owned());
        }
        let seccomp = either("seccompProfile/type").and_then(Value::as_str);
        if !matches!(seccomp, Some("RuntimeDefault" | "Localhost")) {
            problems.push("securityContext.seccompProfile.type must be RuntimeDefault (pod or container)".to_owned());
        }
        problems
    })
}

fn host_access(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (index, subject) in subjects.iter().enumerate() {
        let Some(pod) = pod_spec(subject) else { continue };
        for field in ["hostNetwork", "hostPID", "hostIPC"] {
            if pod.get(field) == Some(&Value::Bool(true)) {
                hits.push(Hit::new(index, format!("{field} is true")));
            }
        }
        let volumes = pod.get("volumes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for volume in volumes.iter().filter(|v| v.get("hostPath").is_some()) {
            hits.push(Hit::new(index, format!("volume {} is a hostPath", container_name(volume))));
        }
    }
    hits.extend(per_container(subjects, |_, container, _| {
        let mut problems = Vec::new();
        if container.pointer("/securityContext/privileged") == Some(&Value::Bool(true)) {
            problems.push("securityContext.privileged is true".to_owned());
        }
        let added = container.pointer("/securityContext/capabilities/add").and_then(Value::as_array);
        if added.is_some_and(|add| !add.is_empty()) {
            problems.push("securityContext.capabilities.add is not empty".to_owned());
        }
        problems
    }));
    hits
}

/// The image's tag (after the last `:` of the last path segment), `None` when untagged.
fn tag(image: &str) -> Option<&str> {
    let name = image.split_once('@').map_or(image, |(name, _)| name);
    name.rsplit('/').next().and_then(|last| last.split_once(':')).map(|(_, tag)| tag)
}

fn has_digest(image: &str) -> bool {
    image.split_once("@sha256:").is_some_and(|(_, hex)| is_hex(hex, 64))
}

/// Whether `text` is `len` lowercase hexadecimal digits (a commit SHA, a sha256 digest).
pub fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn image(container: &Value) -> &str {
    container.get("image").and_then(Value::as_str).unwrap_or_default()
}

fn tagged_images(subjects: &[Subject], _: &Context) -> Vec<Hit> {
    per_container(subjects, |_, container, _| {
        let image = image(container);
        match tag(image) {
            _ if has_digest(image) => vec![],
            None => vec![format!("image {image:?} has no tag")],
            Some("latest") => vec![format!("image {image:?} uses the latest tag")],
            Some(_) => vec![],
        }
    })
}

/// Whether the object is one of the platform's own services (backend or gateway).
pub fn is_keiko_service(subject: &Subject) -> bool {
    subject.label("app.kubernetes.io/part-of") == Some("keiko")
        && matches!(subject.label("app.kubernetes.io/component"), Some("backend" | "gateway"))
}

fn service_images(subjects: &[Subject], context: &Context) -> Vec<Hit> {
    per_container(subjects, |_, container, subject| {
        let image = image(container);
        let mut problems = Vec::new();
        if !is_keiko_service(subject) {
            return problems;
        }
        if let Some(registry) = &context.registry
            && !image.starts_with(&format!("{}/", registry.trim_end_matches('/')))
        {
            problems.push(format!("image {image:?} is not from the approved registry {registry}"));
        }
        let immutable = has_digest(image) || tag(image).is_some_and(|t| is_hex(t, 40));
        if subject.env() != Some(Env::Dev) && !immutable {
            problems.push(format!("image {image:?} is not pinned by a 40-hex commit SHA or a sha256 digest"));
        }
        problems
    })
}

/// What in a pod-bearing object's pod spec has a shape the pod rules cannot read
/// (`containers` as a map, `resources` as a list), so `lint` says so instead of passing it.
pub fn malformed_pod_parts(kind: &str, value: &Value) -> Vec<String> {
    let Some(pod) = pod_spec_of(kind, value) else { return Vec::new() };
    let mut problems = Vec::new();
    for key in ["initContainers", "containers"] {
        match pod.get(key) {
            None | Some(Value::Array(_)) => {}
            Some(_) => problems.push(format!("spec.{key} is not a list")),
        }
    }
    for container in all_containers(pod) {
        let name = container.get("name").and_then(Value::as_str).unwrap_or("?");
        for key in ["resources", "securityContext"] {
            if container.get(key).is_some_and(|v| !v.is_object()) {
                problems.push(format!("container {name}: {key} is not a mapping"));
            }
        }
    }
    problems
}
