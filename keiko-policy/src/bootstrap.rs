//! A bootstrap of one environment on an empty cluster, simulated the way Argo CD runs
//! it: Terraform installs its Helm releases and the root Application; the root
//! Application syncs the AppProjects and the child Applications in sync-wave order, a
//! wave starting only once the one before is healthy (the platform's Argo CD assesses
//! Application health); each child Application applies its objects: the repository's
//! rendered objects, or what its chart installs ([`keiko_model::charts`]).
//!
//! On every object it checks what the API server and Argo CD would refuse:
//! - its kind is served: built in, or its CRD was installed by Terraform, by an earlier
//!   wave, or by the same Application (Argo CD applies CRDs first and skips the dry run
//!   of resources whose CRD is in the same sync);
//! - its namespace exists: built in, made by Terraform, a Namespace object applied
//!   earlier or in the same sync, or the Application's own destination with
//!   `CreateNamespace=true`;
//! - its AppProject allows it: the Application's source and destination, each object's
//!   namespace, and for
//!   cluster-scoped kinds the cluster resource whitelist (namespaced kinds against the
//!   namespace whitelist when the project has one);
//!
//! and on the whole cluster: one Helm release per chart, and every Secret a pod needs
//! produced in its wave or before.

use keiko_model::charts::{self, ChartFacts};
use keiko_spec::Env;
use keiko_spec::addon::Chart;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// API groups every Kubernetes 1.35 API server serves without a CRD.
pub const BUILT_IN_GROUPS: [&str; 16] = [
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "scheduling.k8s.io",
];

/// Namespaces every cluster starts with.
pub const BUILT_IN_NAMESPACES: [&str; 4] = ["default", "kube-node-lease", "kube-public", "kube-system"];

/// Kinds that are cluster-scoped among those the platform and its charts create.
const CLUSTER_SCOPED: [&str; 14] = [
    "APIService",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterSecretStore",
    "CustomResourceDefinition",
    "GatewayClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "PriorityClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
];

/// A Helm release on the cluster.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Release {
    /// The chart's name.
    pub chart: String,
    /// The release namespace.
    pub namespace: String,
    /// The release name.
    pub name: String,
    /// Who installs it (`terraform`, `Application argo-cd`).
    pub by: String,
}

/// What Terraform leaves on the cluster before Argo CD syncs anything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Terraformed {
    /// Its Helm releases (Argo CD itself).
    pub releases: Vec<Release>,
    /// The namespaces it creates.
    pub namespaces: Vec<String>,
    /// The root Application and its AppProject, as it creates them.
    pub root: Vec<Value>,
}

/// One environment's cluster, as the simulation receives it.
pub struct Cluster<'a> {
    /// The environment.
    pub env: Env,
    /// What Terraform installs first.
    pub terraform: Terraformed,
    /// The objects the root Application syncs (`argocd/<env>/`).
    pub gitops: Vec<Value>,
    /// The objects each repository-sourced Application applies, by Application name.
    pub repository_objects: BTreeMap<String, Vec<Value>>,
    /// What a chart installs.
    pub charts: &'a dyn Fn(Chart) -> ChartFacts,
}

/// Why an object would not apply.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    /// The environment.
    pub env: Env,
    /// The Application applying the object (`root` for the root Application).
    pub application: String,
    /// The object, `kind/namespace/name`.
    pub object: String,
    /// The rule it breaks: `kind-served`, `namespace-exists`, `project-allows`,
    /// `one-release`.
    pub rule: &'static str,
    /// What is wrong and what would fix it.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: Application {}: {}: {}: {}", self.env, self.application, self.object, self.rule, self.message)
    }
}

/// An API kind: group (empty for the core group) and kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Kind {
    group: String,
    kind: String,
}

fn kind_of(group: &str, kind: &str) -> Kind {
    Kind { group: group.to_owned(), kind: kind.to_owned() }
}

impl From<&charts::Kind> for Kind {
    fn from(kind: &charts::Kind) -> Kind {
        kind_of(kind.group, kind.kind)
    }
}

/// An object about to be applied.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Applied {
    kind: Kind,
    namespace: Option<String>,
    name: String,
}

impl Applied {
    fn of(value: &Value) -> Option<Applied> {
        let text = |pointer: &str| value.pointer(pointer).and_then(Value::as_str);
        let api_version = text("/apiVersion")?;
        let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
        let kind = text("/kind")?;
        let namespace = text("/metadata/namespace").map(str::to_owned);
        Some(Applied { kind: kind_of(group, kind), namespace, name: text("/metadata/name")?.to_owned() })
    }

    fn id(&self) -> String {
        format!("{}/{}/{}", self.kind.kind, self.namespace.as_deref().unwrap_or_default(), self.name)
    }

    fn cluster_scoped(&self) -> bool {
        CLUSTER_SCOPED.contains(&self.kind.kind.as_str())
    }

    /// The CRD an object of kind CustomResourceDefinition defines.
    fn defined_kind(value: &Value) -> Option<Kind> {
        let text = |pointer: &str| value.pointer(pointer).and_then(Value::as_str);
        Some(kind_of(text("/spec/group")?, text("/spec/names/kind")?))
    }
}

/// An AppProject's rules.
#[derive(Debug, Default)]
struct Project {
    sources: Vec<String>,
    destinations: Vec<(String, String)>,
    cluster_whitelist: Vec<(String, String)>,
    namespace_whitelist: Option<Vec<(String, String)>>,
}

impl Project {
    fn of(value: &Value) -> Project {
        let strings = |pointer: &str| -> Vec<String> {
            value
                .pointer(pointer)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        let pairs = |pointer: &str, a: &str, b: &str| -> Option<Vec<(String, String)>> {
            let items = value.pointer(pointer)?.as_array()?;
            let field = |item: &Value, key: &str| item.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
            Some(items.iter().map(|item| (field(item, a), field(item, b))).collect())
        };
        Project {
            sources: strings("/spec/sourceRepos"),
            destinations: pairs("/spec/destinations", "server", "namespace").unwrap_or_default(),
            cluster_whitelist: pairs("/spec/clusterResourceWhitelist", "group", "kind").unwrap_or_default(),
            namespace_whitelist: pairs("/spec/namespaceResourceWhitelist", "group", "kind"),
        }
    }

    fn allows_source(&self, repository: &str) -> bool {
        self.sources.iter().any(|allowed| glob(allowed, repository))
    }

    fn allows_destination(&self, server: &str, namespace: &str) -> bool {
        self.destinations.iter().any(|(s, n)| glob(s, server) && glob(n, namespace))
    }

    fn allows_kind(&self, kind: &Kind, cluster_scoped: bool) -> bool {
        let listed = |list: &[(String, String)]| list.iter().any(|(g, k)| glob(g, &kind.group) && glob(k, &kind.kind));
        if cluster_scoped {
            listed(&self.cluster_whitelist)
        } else {
            self.namespace_whitelist.as_deref().is_none_or(listed)
        }
    }
}

/// Argo CD's pattern match for project fields: `*` alone, or a prefix ending in `*`.
fn glob(pattern: &str, text: &str) -> bool {
    pattern == "*" || pattern == text || pattern.strip_suffix('*').is_some_and(|prefix| text.starts_with(prefix))
}

/// An Application, as far as the simulation reads it.
struct Application {
    name: String,
    wave: i64,
    project: String,
    repository: String,
    chart: Option<String>,
    release: String,
    server: String,
    namespace: String,
    create_namespace: bool,
}

impl Application {
    fn of(value: &Value) -> Option<Application> {
        let text = |pointer: &str| value.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
        let name = text("/metadata/name")?;
        let wave =
            text("/metadata/annotations/argocd.argoproj.io~1sync-wave").and_then(|w| w.parse().ok()).unwrap_or(0);
        let options = value.pointer("/spec/syncPolicy/syncOptions").and_then(Value::as_array);
        let create_namespace = options.into_iter().flatten().any(|o| o.as_str() == Some("CreateNamespace=true"));
        Some(Application {
            wave,
            project: text("/spec/project").unwrap_or_default(),
            repository: text("/spec/source/repoURL").unwrap_or_default(),
            chart: text("/spec/source/chart"),
            release: text("/spec/source/helm/releaseName").unwrap_or_else(|| name.clone()),
            server: text("/spec/destination/server").unwrap_or_default(),
            namespace: text("/spec/destination/namespace").unwrap_or_default(),
            create_namespace,
            name,
        })
    }
}

/// What is on the cluster so far.
struct State {
    served: BTreeSet<Kind>,
    namespaces: BTreeSet<String>,
    projects: BTreeMap<String, Project>,
    releases: Vec<Release>,
    failures: Vec<Failure>,
}

impl State {
    fn fail(&mut self, env: Env, application: &str, object: &Applied, rule: &'static str, message: String) {
        self.failures.push(Failure { env, application: application.to_owned(), object: object.id(), rule, message });
    }
}

/// Every way the bootstrap of `cluster` would fail, in order; none when it comes up.
pub fn simulate(cluster: &Cluster<'_>) -> Vec<Failure> {
    let env = cluster.env;
    let mut state = State {
        served: BTreeSet::new(),
        namespaces: BUILT_IN_NAMESPACES.iter().map(|n| (*n).to_owned()).collect(),
        projects: BTreeMap::new(),
        releases: Vec::new(),
        failures: Vec::new(),
    };
    for release in &cluster.terraform.releases {
        if let Some(chart) = Chart::from_name(&release.chart) {
            state.served.extend((cluster.charts)(chart).crds.iter().map(Kind::from));
        }
        state.releases.push(release.clone());
        state.namespaces.insert(release.namespace.clone());
    }
    state.namespaces.extend(cluster.terraform.namespaces.iter().cloned());
    // Terraform creates the root AppProject and Application (through the argocd-apps
    // chart): their kinds and namespace must be there once its releases are.
    let mut roots = Vec::new();
    for value in &cluster.terraform.root {
        let Some(object) = Applied::of(value) else { continue };
        served(&mut state, env, "(terraform)", &object, &BTreeSet::new());
        namespace_exists(&mut state, env, "(terraform)", &object, &BTreeSet::new());
        match object.kind.kind.as_str() {
            "AppProject" => drop(state.projects.insert(object.name.clone(), Project::of(value))),
            "Application" => roots.extend(Application::of(value)),
            _ => {}
        }
    }
    // The root Application applies `argocd/<env>/` in one sync, checked against its
    // own AppProject; the AppProjects and Applications it creates then take over.
    let root: Vec<(&Value, Applied)> = cluster.gitops.iter().filter_map(|v| Applied::of(v).map(|a| (v, a))).collect();
    for application in &roots {
        let objects = root.iter().map(|(_, object)| (object.clone(), None)).collect();
        sync_objects(cluster, &mut state, application, objects);
    }
    for (value, object) in &root {
        if object.kind.kind == "AppProject" {
            state.projects.insert(object.name.clone(), Project::of(value));
        }
    }
    let applications = applications_of(&root);
    let mut waves: BTreeMap<i64, Vec<&Application>> = BTreeMap::new();
    for application in &applications {
        waves.entry(application.wave).or_default().push(application);
    }
    for wave in waves.into_values() {
        // Applications of one wave sync side by side: none sees another's CRDs or
        // namespaces until the wave is healthy.
        let mut installed = Vec::new();
        for application in wave {
            installed.push(sync(cluster, &mut state, application));
        }
        for (kinds, namespaces) in installed {
            state.served.extend(kinds);
            state.namespaces.extend(namespaces);
        }
    }
    one_release_per_chart(&mut state, env);
    secrets_exist_in_time(cluster, &applications, &mut state);
    state.failures
}

/// The child Applications the root creates, in sync order (wave, then name).
fn applications_of(root: &[(&Value, Applied)]) -> Vec<Application> {
    let mut applications: Vec<Application> = root
        .iter()
        .filter(|(_, object)| object.kind.kind == "Application")
        .filter_map(|(value, _)| Application::of(value))
        .collect();
    applications.sort_by(|a, b| (a.wave, &a.name).cmp(&(b.wave, &b.name)));
    applications
}

/// Every Secret a pod needs is produced in its Application's wave or before: a Secret,
/// an ExternalSecret's target, a Certificate's `secretName`, the Secrets the Elastic
/// operator makes for an Elasticsearch. One produced later deadlocks the bootstrap: the
/// pod's Application stays Progressing, so the later wave never starts.
fn secrets_exist_in_time(cluster: &Cluster<'_>, applications: &[Application], state: &mut State) {
    let env = cluster.env;
    let mut produced: BTreeMap<(String, String), (i64, String)> = BTreeMap::new();
    let mut needed: Vec<(i64, String, String, String, String)> = Vec::new();
    for app in applications {
        if let Some(chart) = app.chart.as_deref().and_then(Chart::from_name) {
            for secret in (cluster.charts)(chart).needs_secrets {
                needed.push((
                    app.wave,
                    app.name.clone(),
                    app.namespace.clone(),
                    (*secret).to_owned(),
                    format!("{chart:?} chart"),
                ));
            }
            continue;
        }
        for value in cluster.repository_objects.get(&app.name).into_iter().flatten() {
            let namespace = value.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or(&app.namespace);
            let name = value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
            let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
            for secret in secrets_produced(kind, name, value) {
                produced.entry((namespace.to_owned(), secret)).or_insert((app.wave, app.name.clone()));
            }
            for secret in secrets_mounted(value) {
                needed.push((app.wave, app.name.clone(), namespace.to_owned(), secret, format!("{kind} {name}")));
            }
        }
    }
    for (wave, application, namespace, secret, by) in needed {
        let object = Applied { kind: kind_of("", "Secret"), namespace: Some(namespace.clone()), name: secret.clone() };
        match produced.get(&(namespace.clone(), secret.clone())) {
            Some((at, _)) if *at <= wave => {}
            Some((at, producer)) => {
                let message = format!(
                    "{by} needs it at wave {wave}, but Application {producer} makes it at wave {at}: the bootstrap waits forever; produce it in wave {wave} or before"
                );
                state.fail(env, &application, &object, "secret-exists", message);
            }
            None => {
                let message = format!(
                    "{by} needs it and nothing produces it: render it, or an ExternalSecret whose target it is"
                );
                state.fail(env, &application, &object, "secret-exists", message);
            }
        }
    }
}

/// The Secrets an object makes appear.
fn secrets_produced(kind: &str, name: &str, value: &Value) -> Vec<String> {
    let text = |pointer: &str| value.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
    match kind {
        "Secret" => vec![name.to_owned()],
        "ExternalSecret" => {
            vec![text("/spec/target/name").filter(|t| !t.is_empty()).unwrap_or_else(|| name.to_owned())]
        }
        "Certificate" => text("/spec/secretName").into_iter().collect(),
        "Elasticsearch" => charts::ECK_ELASTICSEARCH_SECRETS.iter().map(|suffix| format!("{name}{suffix}")).collect(),
        _ => Vec::new(),
    }
}

/// The Secrets a workload's pods mount or read, optional ones left out.
fn secrets_mounted(value: &Value) -> Vec<String> {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
    let Some(pod) = crate::k8s_rules::pod_spec_of(kind, value) else { return Vec::new() };
    let optional = |v: &Value| v.get("optional").and_then(Value::as_bool).unwrap_or(false);
    let mut secrets = Vec::new();
    for volume in pod.get("volumes").and_then(Value::as_array).into_iter().flatten() {
        if let Some(secret) = volume.get("secret").filter(|s| !optional(s)) {
            secrets.extend(secret.get("secretName").and_then(Value::as_str).map(str::to_owned));
        }
        for source in volume.pointer("/projected/sources").and_then(Value::as_array).into_iter().flatten() {
            if let Some(secret) = source.get("secret").filter(|s| !optional(s)) {
                secrets.extend(secret.get("name").and_then(Value::as_str).map(str::to_owned));
            }
        }
    }
    let containers = ["containers", "initContainers"]
        .into_iter()
        .flat_map(|key| pod.get(key).and_then(Value::as_array).into_iter().flatten());
    for container in containers {
        for variable in container.get("env").and_then(Value::as_array).into_iter().flatten() {
            if let Some(reference) = variable.pointer("/valueFrom/secretKeyRef").filter(|r| !optional(r)) {
                secrets.extend(reference.get("name").and_then(Value::as_str).map(str::to_owned));
            }
        }
        for source in container.get("envFrom").and_then(Value::as_array).into_iter().flatten() {
            if let Some(reference) = source.get("secretRef").filter(|r| !optional(r)) {
                secrets.extend(reference.get("name").and_then(Value::as_str).map(str::to_owned));
            }
        }
    }
    secrets.sort();
    secrets.dedup();
    secrets
}

/// One Application's sync; returns the kinds and namespaces it leaves behind.
fn sync(cluster: &Cluster<'_>, state: &mut State, app: &Application) -> (BTreeSet<Kind>, BTreeSet<String>) {
    let objects = objects_of(cluster, state, app);
    sync_objects(cluster, state, app, objects)
}

/// An Application's sync of `objects`, each with the kind it defines when it is a CRD.
fn sync_objects(
    cluster: &Cluster<'_>,
    state: &mut State,
    app: &Application,
    objects: Vec<(Applied, Option<Kind>)>,
) -> (BTreeSet<Kind>, BTreeSet<String>) {
    let env = cluster.env;
    let own_kinds: BTreeSet<Kind> = objects.iter().filter_map(|(_, defined)| defined.clone()).collect();
    let mut own_namespaces: BTreeSet<String> =
        objects.iter().filter(|(o, _)| o.kind.kind == "Namespace").map(|(o, _)| o.name.clone()).collect();
    if app.create_namespace {
        own_namespaces.insert(app.namespace.clone());
    }
    let project = state.projects.remove(&app.project);
    let label = Applied { kind: kind_of("argoproj.io", "Application"), namespace: None, name: app.name.clone() };
    match &project {
        None => state.fail(
            env,
            &app.name,
            &label,
            "project-allows",
            format!("its AppProject `{}` does not exist", app.project),
        ),
        Some(project) if !project.allows_destination(&app.server, &app.namespace) => state.fail(
            env,
            &app.name,
            &label,
            "project-allows",
            format!(
                "AppProject `{}` does not permit the Application's destination {} namespace `{}`: add it",
                app.project, app.server, app.namespace
            ),
        ),
        Some(project) if !project.allows_source(&app.repository) => state.fail(
            env,
            &app.name,
            &label,
            "project-allows",
            format!(
                "AppProject `{}` does not list the source `{}` in sourceRepos: add it",
                app.project, app.repository
            ),
        ),
        Some(_) => {}
    }
    for (object, _) in &objects {
        served(state, env, &app.name, object, &own_kinds);
        namespace_exists(state, env, &app.name, object, &own_namespaces);
        if let Some(project) = &project {
            allowed(state, env, app, project, object);
        }
    }
    if let Some(project) = project {
        state.projects.insert(app.project.clone(), project);
    }
    (own_kinds, own_namespaces)
}

/// What an Application applies, each with the kind it defines when it is a CRD.
fn objects_of(cluster: &Cluster<'_>, state: &mut State, app: &Application) -> Vec<(Applied, Option<Kind>)> {
    let Some(chart_name) = &app.chart else {
        let values = cluster.repository_objects.get(&app.name).map(Vec::as_slice).unwrap_or_default();
        return values
            .iter()
            .filter_map(|value| {
                let mut object = Applied::of(value)?;
                if object.namespace.is_none() && !object.cluster_scoped() {
                    object.namespace = Some(app.namespace.clone());
                }
                let defined =
                    (object.kind.kind == "CustomResourceDefinition").then(|| Applied::defined_kind(value)).flatten();
                Some((object, defined))
            })
            .collect();
    };
    state.releases.push(Release {
        chart: chart_name.clone(),
        namespace: app.namespace.clone(),
        name: app.release.clone(),
        by: format!("Application {}", app.name),
    });
    let Some(chart) = Chart::from_name(chart_name) else { return Vec::new() };
    let facts = (cluster.charts)(chart);
    let named = |kind: &charts::Kind, namespace: Option<&str>| Applied {
        kind: Kind::from(kind),
        namespace: namespace.map(str::to_owned),
        name: format!("{}-{}", app.release, kind.kind.to_ascii_lowercase()),
    };
    let crd = kind_of("apiextensions.k8s.io", "CustomResourceDefinition");
    let mut objects: Vec<(Applied, Option<Kind>)> = facts
        .crds
        .iter()
        .map(|defined| {
            let name = format!("{}.{}", defined.kind, defined.group);
            (Applied { kind: crd.clone(), namespace: None, name }, Some(Kind::from(defined)))
        })
        .collect();
    objects.extend(facts.cluster_scoped.iter().map(|kind| (named(kind, None), None)));
    objects.extend(facts.namespaced.iter().map(|kind| (named(kind, Some(&app.namespace)), None)));
    objects.extend(facts.elsewhere.iter().map(|(namespace, kind)| (named(kind, Some(namespace)), None)));
    objects
}

fn served(state: &mut State, env: Env, application: &str, object: &Applied, own: &BTreeSet<Kind>) {
    let kind = &object.kind;
    if BUILT_IN_GROUPS.contains(&kind.group.as_str()) || state.served.contains(kind) || own.contains(kind) {
        return;
    }
    let message = format!(
        "no CRD serves {}/{} yet: install it in an earlier sync wave (or in this Application), and name its installer in keiko_model::charts",
        kind.group, kind.kind
    );
    state.fail(env, application, object, "kind-served", message);
}

fn namespace_exists(state: &mut State, env: Env, application: &str, object: &Applied, own: &BTreeSet<String>) {
    let Some(namespace) = &object.namespace else { return };
    if state.namespaces.contains(namespace) || own.contains(namespace) {
        return;
    }
    let message = format!(
        "namespace `{namespace}` does not exist yet: create it in an earlier wave, or deploy there with CreateNamespace=true"
    );
    state.fail(env, application, object, "namespace-exists", message);
}

fn allowed(state: &mut State, env: Env, app: &Application, project: &Project, object: &Applied) {
    let cluster_scoped = object.cluster_scoped();
    if let Some(namespace) = object.namespace.as_deref().filter(|_| !cluster_scoped)
        && !project.allows_destination(&app.server, namespace)
    {
        let message = format!(
            "AppProject `{}` has no destination {} namespace `{namespace}`: add it, or keep the chart out of that namespace",
            app.project, app.server
        );
        state.fail(env, &app.name, object, "project-allows", message);
    }
    if !project.allows_kind(&object.kind, cluster_scoped) {
        let list = if cluster_scoped { "clusterResourceWhitelist" } else { "namespaceResourceWhitelist" };
        let message = format!(
            "AppProject `{}` does not list {}/{} in its {list}: add it, or do not create it",
            app.project, object.kind.group, object.kind.kind
        );
        state.fail(env, &app.name, object, "project-allows", message);
    }
}

fn one_release_per_chart(state: &mut State, env: Env) {
    let mut by_chart: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
    let mut installers: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for release in &state.releases {
        by_chart.entry(&release.chart).or_default().insert((&release.namespace, &release.name));
        installers
            .entry(&release.chart)
            .or_default()
            .push(format!("{} as {}/{}", release.by, release.namespace, release.name));
    }
    let mut failures = Vec::new();
    for (chart, releases) in by_chart.into_iter().filter(|(_, releases)| releases.len() > 1) {
        let object = Applied { kind: kind_of("", "HelmRelease"), namespace: None, name: chart.to_owned() };
        let list = installers.get(chart).map(|i| i.join(", ")).unwrap_or_default();
        let message = format!(
            "{} releases of chart {chart} ({list}): one owner per chart, so give the Application the release name and namespace Terraform used, or the reverse",
            releases.len()
        );
        failures.push(Failure {
            env,
            application: "(cluster)".to_owned(),
            object: object.id(),
            rule: "one-release",
            message,
        });
    }
    state.failures.extend(failures);
}
