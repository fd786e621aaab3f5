//! Every policy rule fails on a manifest (or spec) that breaks it and passes on one that
//! follows it; exemptions move findings aside with their reason.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_policy::{self as policy, Context, Severity, yaml_input};
use keiko_spec::RawSpec;
use keiko_spec::security::{Exemption, Framework};

/// A compliant set: a mesh namespace with default-deny and STRICT mTLS, a Keiko service
/// with two replicas, its PDB and NetworkPolicy, a Job and its NetworkPolicy, a public
/// Gateway with a WAF, an HTTPS route and an HTTP redirect, an ArgoCD Application of a
/// pinned chart, and an overlay kustomization pinning the service image.
const GOOD: &str = r#"
apiVersion: v1
kind: Namespace
metadata:
  name: keiko
  labels: {app.kubernetes.io/name: keiko, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand, istio-injection: enabled}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: keiko
  labels: {app.kubernetes.io/name: default-deny, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: keiko
  labels: {app.kubernetes.io/name: default, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec: {mtls: {mode: STRICT}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: learning
  namespace: keiko
  labels: {app.kubernetes.io/name: learning, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand, app.kubernetes.io/component: backend}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: learning}}
  template:
    metadata: {labels: {app.kubernetes.io/name: learning}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      volumes: [{name: tmp, emptyDir: {}}]
      containers:
      - name: app
        image: registry.example/keiko/learning:5f4ceec6e766ac7eca0de6efd53298e38b6d5783
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 256Mi}}
        livenessProbe: {httpGet: {path: /health, port: 8080}}
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: learning
  namespace: keiko
  labels: {app.kubernetes.io/name: learning, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec: {minAvailable: 1, selector: {matchLabels: {app.kubernetes.io/name: learning}}}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: keiko
  labels: {app.kubernetes.io/name: migrate, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: migrate}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: migrate
        image: docker.io/library/postgres:17.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 256Mi}}
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: learning
  namespace: argocd
  labels: {app.kubernetes.io/name: learning, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec:
  source: {repoURL: https://charts.jetstack.io, chart: cert-manager, targetRevision: v1.21.1}
  syncPolicy: {automated: {prune: true, selfHeal: true}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: learning
  namespace: keiko
  labels: {app.kubernetes.io/name: learning-allow, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec: {podSelector: {matchLabels: {app.kubernetes.io/name: learning}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {}}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: migrate
  namespace: keiko
  labels: {app.kubernetes.io/name: migrate-allow, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec: {podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [migrate]}]}, policyTypes: [Egress], egress: [{to: [{podSelector: {}}]}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: public
  namespace: keiko
  labels: {app.kubernetes.io/name: public, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec:
  gatewayClassName: istio
  listeners:
  - {name: http, port: 80, protocol: HTTP}
  - {name: https, port: 443, protocol: HTTPS, tls: {mode: Terminate, certificateRefs: [{name: api-tls}]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: api
  namespace: keiko
  labels: {app.kubernetes.io/name: api, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec: {parentRefs: [{name: public, sectionName: https}], rules: [{backendRefs: [{name: learning, port: 8080}]}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: redirect
  namespace: keiko
  labels: {app.kubernetes.io/name: redirect, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec: {parentRefs: [{name: public, sectionName: http}], rules: [{filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]}]}
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: waf
  namespace: keiko
  labels: {app.kubernetes.io/name: waf, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}
spec: {targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: public}], url: "oci://registry.example/coraza:1.0.0"}
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../../base/learning]
images: [{name: registry.example/keiko/learning, newTag: 5f4ceec6e766ac7eca0de6efd53298e38b6d5783}]
"#;

fn context() -> Context {
    Context { registry: Some("registry.example".to_owned()), manual_sync: vec![] }
}

/// The report of every object rule on `yaml`, which must not depend on whether the
/// objects are checked all at once (`lint`) or one by one with only their reduced form
/// kept for the cluster rules (`generate`).
fn report_of(file: &str, yaml: &str, context: &Context, exemptions: &[Exemption]) -> policy::Report {
    let read = yaml_input::subjects(file, yaml).unwrap_or_else(|error| panic!("{error}"));
    let whole = policy::evaluate_objects(&read.subjects, context, exemptions);
    let mut gathered = policy::Gathered::default();
    for subject in read.subjects {
        gathered.add(vec![subject], context, exemptions);
    }
    assert_eq!(
        gathered.finish(context, exemptions).0,
        whole,
        "gathered one by one and checked whole differ on:\n{yaml}"
    );
    whole
}

/// The rule IDs that fail on `yaml`.
fn failing(yaml: &str) -> Vec<String> {
    report_of("k8s/base/test.yaml", yaml, &context(), &[]).findings.into_iter().map(|f| f.rule_id).collect()
}

/// Asserts `rule` passes on the compliant set and fails once `from` becomes `to`.
fn breaks(rule: &str, from: &str, to: &str) {
    assert!(!failing(GOOD).contains(&rule.to_owned()), "{rule} fails on the compliant set");
    assert!(GOOD.contains(from), "fixture lacks {from:?}");
    let broken = failing(&GOOD.replacen(from, to, 1));
    assert!(broken.contains(&rule.to_owned()), "{rule} does not fail after {from:?} -> {to:?}: {broken:?}");
}

#[test]
fn the_compliant_set_has_no_finding() {
    assert_eq!(failing(GOOD), Vec::<String>::new());
}

#[test]
fn k8s_001_containers_without_limits_fail() {
    breaks("KEIKO-K8S-001", r#", limits: {cpu: "1", memory: 256Mi}"#, "");
}

#[test]
fn k8s_002_long_running_containers_without_probes_fail_but_jobs_need_none() {
    breaks("KEIKO-K8S-002", "        readinessProbe: {httpGet: {path: /ready, port: 8080}}\n", "");
}

#[test]
fn k8s_003_containers_that_may_escalate_or_keep_capabilities_fail() {
    breaks("KEIKO-K8S-003", "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true");
    breaks("KEIKO-K8S-003", "capabilities: {drop: [ALL]}", "capabilities: {drop: [NET_RAW]}");
    breaks("KEIKO-K8S-003", "{runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}", "{}");
}

#[test]
fn k8s_004_privileged_host_access_fails() {
    breaks("KEIKO-K8S-004", "      volumes: [{name: tmp, emptyDir: {}}]", "      hostNetwork: true");
    breaks("KEIKO-K8S-004", "[{name: tmp, emptyDir: {}}]", "[{name: tmp, hostPath: {path: /}}]");
    breaks(
        "KEIKO-K8S-004",
        "drop: [ALL]}}\n---\napiVersion: policy",
        "drop: [ALL], add: [NET_ADMIN]}}\n---\napiVersion: policy",
    );
}

#[test]
fn k8s_005_latest_and_untagged_images_fail() {
    breaks("KEIKO-K8S-005", "postgres:17.2@sha256:", "postgres@sha256:0");
    breaks(
        "KEIKO-K8S-005",
        "library/postgres:17.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "library/postgres:latest",
    );
    breaks(
        "KEIKO-K8S-005",
        "library/postgres:17.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "library/postgres",
    );
}

#[test]
fn k8s_006_service_images_from_elsewhere_or_mutable_fail_outside_dev() {
    breaks("KEIKO-K8S-006", "registry.example/keiko/learning", "docker.io/keiko/learning");
    let mutable = GOOD.replace("learning:5f4ceec6e766ac7eca0de6efd53298e38b6d5783", "learning:1.4.0");
    let rule = |file: &str| {
        let report = report_of(file, &mutable, &context(), &[]);
        report.findings.iter().any(|f| f.rule_id == "KEIKO-K8S-006")
    };
    assert!(rule("k8s/overlays/production/learning.yaml"));
    assert!(!rule("k8s/overlays/dev/learning.yaml"), "dev may use version tags");
}

#[test]
fn k8s_007_secrets_with_data_fail() {
    let secret = "\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: keiko\n  labels: {app.kubernetes.io/name: s, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand}\n";
    assert!(!failing(&format!("{GOOD}{secret}type: Opaque\n")).contains(&"KEIKO-K8S-007".to_owned()));
    assert!(
        failing(&format!("{GOOD}{secret}stringData: {{password: hunter2}}\n")).contains(&"KEIKO-K8S-007".to_owned())
    );
}

#[test]
fn k8s_008_objects_without_recommended_labels_fail() {
    breaks("KEIKO-K8S-008", "app.kubernetes.io/managed-by: hand, istio-injection", "istio-injection");
}

#[test]
fn k8s_009_replicated_workloads_without_a_budget_fail() {
    breaks(
        "KEIKO-K8S-009",
        "selector: {matchLabels: {app.kubernetes.io/name: learning}}}",
        "selector: {matchLabels: {app.kubernetes.io/name: other}}}",
    );
    let single = GOOD.replace("replicas: 2", "replicas: 1").replace("kind: PodDisruptionBudget", "kind: ConfigMap");
    assert!(!failing(&single).contains(&"KEIKO-K8S-009".to_owned()), "one replica needs no budget");
}

#[test]
fn k8s_010_namespaces_without_default_deny_fail() {
    breaks("KEIKO-K8S-010", "policyTypes: [Ingress, Egress]", "policyTypes: [Ingress]");
    breaks("KEIKO-K8S-010", "spec: {podSelector: {}", "spec: {podSelector: {matchLabels: {a: b}}");
}

#[test]
fn k8s_011_mesh_namespaces_without_strict_mtls_fail() {
    breaks("KEIKO-K8S-011", "mode: STRICT", "mode: PERMISSIVE");
}

#[test]
fn k8s_012_applications_without_prune_or_self_heal_fail_and_only_warn_when_sync_is_manual() {
    breaks("KEIKO-K8S-012", "selfHeal: true", "selfHeal: false");
    let manual = GOOD.replace("prune: true", "prune: false");
    let context = Context { manual_sync: vec![keiko_spec::Env::Staging], ..context() };
    let report = report_of("argocd/staging/app.yaml", &manual, &context, &[]);
    let finding = report.findings.iter().find(|f| f.rule_id == "KEIKO-K8S-012").expect("a finding");
    assert_eq!(finding.severity, Severity::Warning);
    assert!(!report.has_errors());
}

#[test]
fn annotations_and_spec_exemptions_move_findings_aside_with_their_reason() {
    let broken = GOOD.replace("      volumes: [{name: tmp, emptyDir: {}}]", "      hostNetwork: true");
    let annotated = broken.replacen(
        "  name: learning\n  namespace: keiko\n  labels: {app.kubernetes.io/name: learning, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand, app",
        "  name: learning\n  namespace: keiko\n  annotations: {keiko.io/exempt-KEIKO-K8S-004: the CNI needs the host network}\n  labels: {app.kubernetes.io/name: learning, app.kubernetes.io/part-of: keiko, app.kubernetes.io/managed-by: hand, app",
        1,
    );
    let report = report_of("k8s/base/test.yaml", &annotated, &context(), &[]);
    assert!(report.findings.is_empty(), "{}", report.text());
    assert_eq!(report.exempted.len(), 1);
    assert_eq!(report.exempted[0].reason, "the CNI needs the host network");

    let exemption = |kinds: Vec<String>| Exemption {
        check: "KEIKO-K8S-004".into(),
        reason: "why".into(),
        kinds,
        framework: Framework::Kubernetes,
    };
    let covered = report_of("t.yaml", &broken, &context(), &[exemption(vec!["Deployment".into()])]);
    assert!(covered.findings.is_empty() && covered.exempted.len() == 1);
    let other_kind = report_of("t.yaml", &broken, &context(), &[exemption(vec!["StatefulSet".into()])]);
    assert_eq!(other_kind.findings.len(), 1);
}

fn raw_spec() -> RawSpec {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../keiko.yaml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

fn spec_failing(spec: &RawSpec) -> Vec<String> {
    policy::evaluate_spec(spec).findings.into_iter().map(|f| f.rule_id).collect()
}

#[test]
fn keiko_yaml_passes_every_spec_rule() {
    assert_eq!(spec_failing(&raw_spec()), Vec::<String>::new());
}

#[test]
fn spec_001_a_single_production_replica_fails() {
    let mut spec = raw_spec();
    let service = spec.services.values_mut().next().unwrap();
    service.replicas.production.min = 1;
    assert_eq!(spec_failing(&spec), ["KEIKO-SPEC-001"]);
}

#[test]
fn spec_003_production_pools_smaller_than_staging_fail() {
    let mut spec = raw_spec();
    spec.environments.production.node_pools.applications.flavor = "b2-7".into();
    assert_eq!(spec_failing(&spec), ["KEIKO-SPEC-003"]);
    let mut spec = raw_spec();
    spec.environments.staging.node_pools.system.max_nodes = 1;
    assert_eq!(spec_failing(&spec), ["KEIKO-SPEC-003"]);
}

#[test]
fn k8s_013_pods_no_allowing_network_policy_selects_fail() {
    breaks(
        "KEIKO-K8S-013",
        "{podSelector: {matchLabels: {app.kubernetes.io/name: learning}}, policyTypes",
        "{podSelector: {matchLabels: {app.kubernetes.io/name: lerning}}, policyTypes",
    );
    breaks("KEIKO-K8S-013", "operator: In, values: [migrate]", "operator: NotIn, values: [migrate]");
}

#[test]
fn k8s_014_public_routes_without_tls_or_waf_fail() {
    breaks("KEIKO-K8S-014", "kind: WasmPlugin", "kind: ConfigMap");
    breaks("KEIKO-K8S-014", "name: public, sectionName: https}", "name: public, sectionName: http}");
    breaks("KEIKO-K8S-014", "certificateRefs: [{name: api-tls}]", "certificateRefs: []");
    breaks("KEIKO-K8S-014", "requestRedirect: {scheme: https}", "requestRedirect: {scheme: http}");
    breaks("KEIKO-K8S-014", "name: public, sectionName: https}", "name: public, sectionName: grpc}");
}

#[test]
fn k8s_015_charts_without_one_exact_version_fail() {
    breaks("KEIKO-K8S-015", "targetRevision: v1.21.1", "targetRevision: 1.21.*");
    breaks("KEIKO-K8S-015", "targetRevision: v1.21.1", "targetRevision: HEAD");
}

#[test]
fn k8s_016_overlay_images_must_be_immutable_outside_dev() {
    breaks("KEIKO-K8S-016", "newTag: 5f4ceec6e766ac7eca0de6efd53298e38b6d5783", "newTag: 1.4.0");
    breaks("KEIKO-K8S-016", "newTag: 5f4ceec6e766ac7eca0de6efd53298e38b6d5783", "digest: sha256:abc");
    let tagged = GOOD.replace("newTag: 5f4ceec6e766ac7eca0de6efd53298e38b6d5783", "newTag: 1.4.0");
    let rule = |file: &str, yaml: &str| {
        report_of(file, yaml, &context(), &[]).findings.iter().any(|f| f.rule_id == "KEIKO-K8S-016")
    };
    assert!(!rule("k8s/overlays/dev/learning/kustomization.yaml", &tagged), "dev may use version tags");
    assert!(rule("k8s/overlays/staging/learning/kustomization.yaml", &tagged));
    assert!(rule(
        "k8s/overlays/dev/learning/kustomization.yaml",
        &GOOD.replace("newTag: 5f4ceec6e766ac7eca0de6efd53298e38b6d5783", "newTag: latest")
    ));
}

/// A privileged, host-network Pod that a controller would create from `generateName`.
const GENERATED_POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  generateName: debug-
  namespace: keiko
spec:
  hostNetwork: true
  containers:
  - name: shell
    image: busybox:latest
    securityContext: {privileged: true}
"#;

#[test]
fn an_object_named_by_generate_name_is_checked_not_skipped() {
    // Skipping it let a privileged host-network Pod pass with exit 0.
    let read = yaml_input::subjects("pod.yaml", GENERATED_POD).unwrap();
    assert_eq!(read.subjects.len(), 1, "{:?}", read.notes);
    assert_eq!(read.subjects[0].name, "debug-*");
    assert!(!failing(GENERATED_POD).is_empty());
}

#[test]
fn the_items_of_a_list_are_checked() {
    let indented: String = GENERATED_POD.lines().map(|l| format!("  {l}\n")).collect();
    let list = format!("apiVersion: v1\nkind: List\nitems:\n-{}", &indented[1..]);
    let read = yaml_input::subjects("list.yaml", &list).unwrap();
    assert_eq!(read.subjects.len(), 1, "{list}\n{:?}", read.notes);
    assert_eq!(read.subjects[0].kind, "Pod");
    assert!(!failing(&list).is_empty());
}

#[test]
fn k8s_002_a_bare_pod_that_runs_forever_needs_probes_but_a_run_to_completion_one_does_not() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: keiko}\nspec:\n  containers:\n  - {name: web, image: \"nginx:1.27\"}\n";
    assert!(failing(pod).contains(&"KEIKO-K8S-002".to_owned()), "{:?}", failing(pod));
    let once = pod.replace("spec:\n", "spec:\n  restartPolicy: Never\n");
    assert!(!failing(&once).contains(&"KEIKO-K8S-002".to_owned()));
}

/// The privileged pod of [`GENERATED_POD`] as the template of a controller of `kind`.
fn controller(api_version: &str, kind: &str) -> String {
    let pod: String = GENERATED_POD.lines().skip(6).map(|l| format!("    {l}\n")).collect();
    format!(
        "apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: debug, namespace: keiko}}\nspec:\n  replicas: 1\n  selector: {{app: debug}}\n  template:\n    metadata: {{labels: {{app: debug}}}}\n    spec:\n{pod}"
    )
}

#[test]
fn replication_controllers_and_deployment_configs_have_their_pod_templates_checked() {
    for (api_version, kind) in [("v1", "ReplicationController"), ("apps.openshift.io/v1", "DeploymentConfig")] {
        let yaml = controller(api_version, kind);
        let found = failing(&yaml);
        for rule in ["KEIKO-K8S-001", "KEIKO-K8S-002"] {
            assert!(found.contains(&rule.to_owned()), "{kind}: {found:?}\n{yaml}");
        }
    }
}

#[test]
fn a_malformed_pod_shape_is_a_note_not_a_pass() {
    let map =
        GENERATED_POD.replace("  containers:\n  - name: shell\n", "  containers:\n    shell:\n      name: shell\n");
    let read = yaml_input::subjects("pod.yaml", &map).unwrap();
    assert!(read.notes.iter().any(|n| n.message.contains("spec.containers is not a list")), "{map}\n{:?}", read.notes);
}
