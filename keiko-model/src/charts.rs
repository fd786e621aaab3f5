//! What each upstream chart does when installed with the platform's values, as data:
//! charts cannot be rendered here, so the facts a bootstrap needs (the CRDs a chart
//! installs, the namespaces it writes to, the cluster-scoped kinds it creates, the
//! names it derives from its release) were read from each chart's own templates and
//! values at the version keiko.yaml pins, and each fact names the file it comes from.
//!
//! A fact that holds only with one of our values records that value as an
//! [`Assumption`]; `tests/bootstrap.rs` holds every assumption to the rendered
//! Application and every chart's version to keiko.yaml, so a changed value or a new
//! chart version fails until its facts are read again.

use keiko_spec::addon::Chart;

/// An API kind: group (empty for the core group) and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kind {
    /// The API group, `""` for the core group.
    pub group: &'static str,
    /// The kind.
    pub kind: &'static str,
}

/// Shorthand for a [`Kind`].
pub const fn kind(group: &'static str, kind: &'static str) -> Kind {
    Kind { group, kind }
}

/// A value of ours a fact depends on: at `pointer` in the Application's
/// `valuesObject`, the JSON text `value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assumption {
    /// A JSON pointer into the chart's values (`/crds/enabled`).
    pub pointer: &'static str,
    /// The JSON value there, as text (`true`, `"cert-manager"`).
    pub value: &'static str,
    /// Whether the chart's default is that value, so our values may leave it out.
    pub is_default: bool,
    /// Why the fact depends on it.
    pub because: &'static str,
}

/// What one chart installs with the platform's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartFacts {
    /// The chart.
    pub chart: Chart,
    /// The version the facts were read at; keiko.yaml must pin the same.
    pub version: &'static str,
    /// Where they were read: `github:<owner>/<repo> <path>@<tag>`.
    pub source: &'static str,
    /// The CustomResourceDefinitions it installs.
    pub crds: &'static [Kind],
    /// Namespaced kinds it creates in its release namespace.
    pub namespaced: &'static [Kind],
    /// Cluster-scoped kinds it creates (CRDs not repeated).
    pub cluster_scoped: &'static [Kind],
    /// Objects it creates in a namespace other than its release namespace.
    pub elsewhere: &'static [(&'static str, Kind)],
    /// Objects whose names do not derive from the release name (two releases of the
    /// chart in one namespace would write the same objects).
    pub fixed_names: &'static [&'static str],
    /// Secrets its pods need in its release namespace that it does not create itself.
    pub needs_secrets: &'static [&'static str],
    /// The values of ours these facts rely on.
    pub assumes: &'static [Assumption],
    /// Fields of its objects that a controller in the cluster rewrites after apply;
    /// the Application leaves them to that controller (`ignoreDifferences`).
    pub rewritten: &'static [Rewrite],
}

/// Fields of one rendered object that a controller rewrites after apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rewrite {
    /// The object's API group (`admissionregistration.k8s.io`).
    pub group: &'static str,
    /// Its kind.
    pub kind: &'static str,
    /// Its name as rendered with our release name and namespace.
    pub name: &'static str,
    /// The fields, as jq paths (`.webhooks[]?.clientConfig.caBundle`).
    pub fields: &'static [&'static str],
    /// The controller that writes them, and where that is read.
    pub by: &'static str,
}

/// The Secrets the Elastic operator makes for an `Elasticsearch` named `<name>`, by
/// suffix: the `elastic` user's password (`<name>-es-elastic-user`) and the HTTP
/// certificates (`<name>-es-http-certs-public`, `-internal`), as ECK's documentation
/// names them ("Access the Elasticsearch endpoint", "Setup your own certificate").
pub const ECK_ELASTICSEARCH_SECRETS: [&str; 3] =
    ["-es-elastic-user", "-es-http-certs-public", "-es-http-certs-internal"];

/// The Prometheus that kube-prometheus-stack 77.6.2 runs: `prometheus.prometheusSpec.image.tag`
/// in its values.yaml (prometheus-community/helm-charts, tag kube-prometheus-stack-77.6.2).
/// `.ci/promtool` builds the promtool of this version to judge our rules.
pub const PROMETHEUS_VERSION: &str = "3.5.0";

const CORE: &str = "";
const APPS: &str = "apps";
const BATCH: &str = "batch";
const RBAC: &str = "rbac.authorization.k8s.io";
const WEBHOOKS: &str = "admissionregistration.k8s.io";
const MONITORING: &str = "monitoring.coreos.com";

/// argoproj/argo-helm `charts/argo-cd` at tag `argo-cd-8.3.4`: CRDs in
/// `templates/crds/` behind `crds.install` (default true); `nameOverride: argocd` makes
/// every name `<release>-argocd-*` unless the release is `argocd`, and the ConfigMaps and
/// Secrets Argo CD reads by name (`argocd-cm`, `argocd-secret`, …) are fixed.
const ARGO_CD: ChartFacts = ChartFacts {
    chart: Chart::ArgoCd,
    version: "8.3.4",
    source: "github:argoproj/argo-helm charts/argo-cd@argo-cd-8.3.4",
    crds: &[
        kind("argoproj.io", "Application"),
        kind("argoproj.io", "AppProject"),
        kind("argoproj.io", "ApplicationSet"),
    ],
    namespaced: &[
        kind(CORE, "ConfigMap"),
        kind(CORE, "Secret"),
        kind(CORE, "ServiceAccount"),
        kind(CORE, "Service"),
        kind(RBAC, "Role"),
        kind(RBAC, "RoleBinding"),
        kind(APPS, "Deployment"),
        kind(APPS, "StatefulSet"),
        kind(BATCH, "Job"),
    ],
    cluster_scoped: &[kind(RBAC, "ClusterRole"), kind(RBAC, "ClusterRoleBinding")],
    elsewhere: &[],
    fixed_names: &[
        "ConfigMap/argocd-cm",
        "ConfigMap/argocd-cmd-params-cm",
        "ConfigMap/argocd-rbac-cm",
        "ConfigMap/argocd-gpg-keys-cm",
        "ConfigMap/argocd-ssh-known-hosts-cm",
        "ConfigMap/argocd-tls-certs-cm",
        "ConfigMap/argocd-notifications-cm",
        "Secret/argocd-secret",
        "Secret/argocd-notifications-secret",
    ],
    needs_secrets: &[],
    assumes: &[],
    rewritten: &[Rewrite {
        group: CORE,
        kind: "Secret",
        name: "argocd-secret",
        fields: &[".data"],
        by: "argocd-server adds server.secretkey and the admin password (argo-helm charts/argo-cd/templates/argocd-configs/argocd-secret.yaml renders no data)",
    }],
};

/// argoproj/argo-helm `charts/argo-rollouts` at tag `argo-rollouts-2.40.4`: CRDs in
/// `templates/crds/` behind `installCRDs`.
const ARGO_ROLLOUTS: ChartFacts = ChartFacts {
    chart: Chart::ArgoRollouts,
    version: "2.40.4",
    source: "github:argoproj/argo-helm charts/argo-rollouts@argo-rollouts-2.40.4",
    crds: &[
        kind("argoproj.io", "Rollout"),
        kind("argoproj.io", "AnalysisRun"),
        kind("argoproj.io", "AnalysisTemplate"),
        kind("argoproj.io", "ClusterAnalysisTemplate"),
        kind("argoproj.io", "Experiment"),
    ],
    namespaced: &[kind(CORE, "ServiceAccount"), kind(CORE, "ConfigMap"), kind(APPS, "Deployment")],
    cluster_scoped: &[kind(RBAC, "ClusterRole"), kind(RBAC, "ClusterRoleBinding")],
    elsewhere: &[],
    fixed_names: &["ConfigMap/argo-rollouts-config", "ConfigMap/argo-rollouts-notification-configmap"],
    needs_secrets: &[],
    assumes: &[Assumption {
        pointer: "/installCRDs",
        value: "true",
        is_default: true,
        because: "the Rollout CRDs come with the chart",
    }],
    rewritten: &[],
};

/// cert-manager/cert-manager `deploy/charts/cert-manager` at tag `v1.21.1`: CRDs in
/// `templates/crd-*.yaml` behind `crds.enabled`; the controller's and cainjector's
/// leader-election Role and RoleBinding go to `global.leaderElection.namespace`
/// (default `kube-system`, cert-manager/cert-manager#6716).
const CERT_MANAGER: ChartFacts = ChartFacts {
    chart: Chart::CertManager,
    version: "v1.21.1",
    source: "github:cert-manager/cert-manager deploy/charts/cert-manager@v1.21.1",
    crds: &[
        kind("acme.cert-manager.io", "Challenge"),
        kind("acme.cert-manager.io", "Order"),
        kind("cert-manager.io", "Certificate"),
        kind("cert-manager.io", "CertificateRequest"),
        kind("cert-manager.io", "ClusterIssuer"),
        kind("cert-manager.io", "Issuer"),
    ],
    namespaced: &[
        kind(CORE, "ServiceAccount"),
        kind(CORE, "Service"),
        kind(CORE, "ConfigMap"),
        kind(RBAC, "Role"),
        kind(RBAC, "RoleBinding"),
        kind(APPS, "Deployment"),
        kind(BATCH, "Job"),
        kind(MONITORING, "ServiceMonitor"),
    ],
    cluster_scoped: &[
        kind(RBAC, "ClusterRole"),
        kind(RBAC, "ClusterRoleBinding"),
        kind(WEBHOOKS, "MutatingWebhookConfiguration"),
        kind(WEBHOOKS, "ValidatingWebhookConfiguration"),
    ],
    elsewhere: &[],
    fixed_names: &[],
    needs_secrets: &[],
    assumes: &[
        Assumption {
            pointer: "/crds/enabled",
            value: "true",
            is_default: false,
            because: "the CRDs come with the chart",
        },
        Assumption {
            pointer: "/global/leaderElection/namespace",
            value: "\"cert-manager\"",
            is_default: false,
            because: "otherwise the leader-election Roles and RoleBindings go to kube-system (cert-manager/cert-manager#6716)",
        },
    ],
    rewritten: &[
        Rewrite {
            group: WEBHOOKS,
            kind: "ValidatingWebhookConfiguration",
            name: "cert-manager-webhook",
            fields: &[".webhooks[]?.clientConfig.caBundle"],
            by: "cert-manager's cainjector, from the annotation cert-manager.io/inject-ca-from-secret (pkg/controller/cainjector/injectables.go)",
        },
        Rewrite {
            group: WEBHOOKS,
            kind: "MutatingWebhookConfiguration",
            name: "cert-manager-webhook",
            fields: &[".webhooks[]?.clientConfig.caBundle"],
            by: "cert-manager's cainjector, from the annotation cert-manager.io/inject-ca-from-secret (pkg/controller/cainjector/injectables.go)",
        },
    ],
};

/// external-secrets/external-secrets `deploy/charts/external-secrets` at tag
/// `helm-chart-2.9.0`: CRDs generated into `templates/crds/` at packaging, behind
/// `installCRDs`; the validating webhooks have fixed names.
const EXTERNAL_SECRETS: ChartFacts = ChartFacts {
    chart: Chart::ExternalSecrets,
    version: "2.9.0",
    source: "github:external-secrets/external-secrets deploy/charts/external-secrets@helm-chart-2.9.0",
    crds: &[
        kind("external-secrets.io", "ExternalSecret"),
        kind("external-secrets.io", "SecretStore"),
        kind("external-secrets.io", "ClusterExternalSecret"),
        kind("external-secrets.io", "ClusterSecretStore"),
        kind("external-secrets.io", "PushSecret"),
        kind("external-secrets.io", "ClusterPushSecret"),
        kind("generators.external-secrets.io", "ACRAccessToken"),
        kind("generators.external-secrets.io", "BeyondtrustWorkloadCredentialsDynamicSecret"),
        kind("generators.external-secrets.io", "CloudsmithAccessToken"),
        kind("generators.external-secrets.io", "ClusterGenerator"),
        kind("generators.external-secrets.io", "ECRAuthorizationToken"),
        kind("generators.external-secrets.io", "Fake"),
        kind("generators.external-secrets.io", "GCRAccessToken"),
        kind("generators.external-secrets.io", "GeneratorState"),
        kind("generators.external-secrets.io", "GithubAccessToken"),
        kind("generators.external-secrets.io", "GitlabDeployToken"),
        kind("generators.external-secrets.io", "Grafana"),
        kind("generators.external-secrets.io", "MFA"),
        kind("generators.external-secrets.io", "Password"),
        kind("generators.external-secrets.io", "QuayAccessToken"),
        kind("generators.external-secrets.io", "SSHKey"),
        kind("generators.external-secrets.io", "STSSessionToken"),
        kind("generators.external-secrets.io", "UUID"),
        kind("generators.external-secrets.io", "VaultDynamicSecret"),
        kind("generators.external-secrets.io", "Webhook"),
    ],
    namespaced: &[
        kind(CORE, "ServiceAccount"),
        kind(CORE, "Service"),
        kind(CORE, "Secret"),
        kind(RBAC, "Role"),
        kind(RBAC, "RoleBinding"),
        kind(APPS, "Deployment"),
    ],
    cluster_scoped: &[
        kind(RBAC, "ClusterRole"),
        kind(RBAC, "ClusterRoleBinding"),
        kind(WEBHOOKS, "ValidatingWebhookConfiguration"),
    ],
    elsewhere: &[],
    fixed_names: &[
        "ValidatingWebhookConfiguration/secretstore-validate",
        "ValidatingWebhookConfiguration/externalsecret-validate",
    ],
    needs_secrets: &[],
    assumes: &[Assumption {
        pointer: "/installCRDs",
        value: "true",
        is_default: true,
        because: "the CRDs come with the chart",
    }],
    rewritten: &[
        Rewrite {
            group: WEBHOOKS,
            kind: "ValidatingWebhookConfiguration",
            name: "secretstore-validate",
            fields: &[".webhooks[]?.clientConfig.caBundle"],
            by: "the external-secrets cert-controller (pkg/controllers/webhookconfig/webhookconfig.go)",
        },
        Rewrite {
            group: WEBHOOKS,
            kind: "ValidatingWebhookConfiguration",
            name: "externalsecret-validate",
            fields: &[".webhooks[]?.clientConfig.caBundle"],
            by: "the external-secrets cert-controller (pkg/controllers/webhookconfig/webhookconfig.go)",
        },
        Rewrite {
            group: CORE,
            kind: "Secret",
            name: "external-secrets-webhook",
            fields: &[".data"],
            by: "the external-secrets cert-controller writes the webhook's certificates (pkg/controllers/crds/crds_controller.go)",
        },
    ],
};

/// vmware-tanzu/helm-charts `charts/velero` at tag `velero-10.1.2`: CRDs in the
/// top-level `crds/` directory, always installed; the node agent DaemonSet is always
/// `node-agent`.
const VELERO: ChartFacts = ChartFacts {
    chart: Chart::Velero,
    version: "10.1.2",
    source: "github:vmware-tanzu/helm-charts charts/velero@velero-10.1.2",
    crds: &[
        kind("velero.io", "Backup"),
        kind("velero.io", "BackupRepository"),
        kind("velero.io", "BackupStorageLocation"),
        kind("velero.io", "DataDownload"),
        kind("velero.io", "DataUpload"),
        kind("velero.io", "DeleteBackupRequest"),
        kind("velero.io", "DownloadRequest"),
        kind("velero.io", "PodVolumeBackup"),
        kind("velero.io", "PodVolumeRestore"),
        kind("velero.io", "Restore"),
        kind("velero.io", "Schedule"),
        kind("velero.io", "ServerStatusRequest"),
        kind("velero.io", "VolumeSnapshotLocation"),
    ],
    namespaced: &[
        kind(CORE, "ServiceAccount"),
        kind(CORE, "Service"),
        kind(APPS, "Deployment"),
        kind(APPS, "DaemonSet"),
        kind(BATCH, "Job"),
        kind("velero.io", "BackupStorageLocation"),
    ],
    cluster_scoped: &[kind(RBAC, "ClusterRoleBinding")],
    elsewhere: &[],
    fixed_names: &["DaemonSet/node-agent", "BackupStorageLocation/default"],
    needs_secrets: &["velero-object-storage"],
    assumes: &[Assumption {
        pointer: "/credentials/existingSecret",
        value: "\"velero-object-storage\"",
        is_default: false,
        because: "the server and the node agent mount it, not optional (credentials.existingSecret)",
    }],
    rewritten: &[],
};

/// prometheus-community/helm-charts `charts/kube-prometheus-stack` at tag
/// `kube-prometheus-stack-77.6.2`: CRDs in the `crds` subchart's `crds/` directory behind
/// `crds.enabled`; `templates/exporters/*/service.yaml` put one headless Service each in
/// `kube-system` for CoreDNS, the controller manager, etcd, the scheduler and kube-proxy
/// while `<component>.enabled` and `<component>.service.enabled` are true (the
/// defaults). The kubelet Service the operator maintains in kube-system is made at run
/// time, not by Argo CD.
const KUBE_PROMETHEUS_STACK: ChartFacts = ChartFacts {
    chart: Chart::KubePrometheusStack,
    version: "77.6.2",
    source: "github:prometheus-community/helm-charts charts/kube-prometheus-stack@kube-prometheus-stack-77.6.2",
    crds: &[
        kind(MONITORING, "Alertmanager"),
        kind(MONITORING, "AlertmanagerConfig"),
        kind(MONITORING, "PodMonitor"),
        kind(MONITORING, "Probe"),
        kind(MONITORING, "Prometheus"),
        kind(MONITORING, "PrometheusAgent"),
        kind(MONITORING, "PrometheusRule"),
        kind(MONITORING, "ScrapeConfig"),
        kind(MONITORING, "ServiceMonitor"),
        kind(MONITORING, "ThanosRuler"),
    ],
    namespaced: &[
        kind(CORE, "ServiceAccount"),
        kind(CORE, "Service"),
        kind(CORE, "ConfigMap"),
        kind(CORE, "Secret"),
        kind(RBAC, "Role"),
        kind(RBAC, "RoleBinding"),
        kind(APPS, "Deployment"),
        kind(APPS, "DaemonSet"),
        kind(BATCH, "Job"),
        kind(MONITORING, "Prometheus"),
        kind(MONITORING, "Alertmanager"),
        kind(MONITORING, "ServiceMonitor"),
        kind(MONITORING, "PrometheusRule"),
    ],
    cluster_scoped: &[
        kind(RBAC, "ClusterRole"),
        kind(RBAC, "ClusterRoleBinding"),
        kind(WEBHOOKS, "MutatingWebhookConfiguration"),
        kind(WEBHOOKS, "ValidatingWebhookConfiguration"),
    ],
    elsewhere: &[],
    fixed_names: &[],
    needs_secrets: &[],
    assumes: &[
        Assumption {
            pointer: "/crds/enabled",
            value: "true",
            is_default: true,
            because: "the Prometheus Operator CRDs come with the chart",
        },
        Assumption { pointer: "/coreDns/enabled", value: "false", is_default: false, because: KUBE_SYSTEM_SERVICE },
        Assumption {
            pointer: "/kubeControllerManager/enabled",
            value: "false",
            is_default: false,
            because: KUBE_SYSTEM_SERVICE,
        },
        Assumption { pointer: "/kubeEtcd/enabled", value: "false", is_default: false, because: KUBE_SYSTEM_SERVICE },
        Assumption {
            pointer: "/kubeScheduler/enabled",
            value: "false",
            is_default: false,
            because: KUBE_SYSTEM_SERVICE,
        },
        Assumption { pointer: "/kubeProxy/enabled", value: "false", is_default: false, because: KUBE_SYSTEM_SERVICE },
    ],
    rewritten: &[
        Rewrite {
            group: WEBHOOKS,
            kind: "ValidatingWebhookConfiguration",
            name: "kube-prometheus-stack-admission",
            fields: &[".webhooks[]?.clientConfig.caBundle"],
            by: "the admission-patch Job (kube-webhook-certgen patch, a post-install hook: every sync)",
        },
        Rewrite {
            group: WEBHOOKS,
            kind: "MutatingWebhookConfiguration",
            name: "kube-prometheus-stack-admission",
            fields: &[".webhooks[]?.clientConfig.caBundle"],
            by: "the admission-patch Job (kube-webhook-certgen patch, a post-install hook: every sync)",
        },
    ],
};

/// Why an exporter of kube-prometheus-stack stays off.
const KUBE_SYSTEM_SERVICE: &str =
    "enabled, it puts a Service in kube-system (templates/exporters/<component>/service.yaml)";

/// The Pod Security level Velero's namespace must allow: the chart's node agent
/// (DaemonSet `node-agent`, velero 10.1.2) mounts hostPath volumes and runs as root,
/// which `baseline` and `restricted` refuse.
pub const VELERO_POD_SECURITY: &str = "privileged";

/// fluent/helm-charts `charts/fluent-bit` at tag `fluent-bit-0.53.0`: no CRDs, nothing
/// outside its namespace.
const FLUENT_BIT: ChartFacts = ChartFacts {
    chart: Chart::FluentBit,
    version: "0.53.0",
    source: "github:fluent/helm-charts charts/fluent-bit@fluent-bit-0.53.0",
    crds: &[],
    namespaced: &[
        kind(CORE, "ServiceAccount"),
        kind(CORE, "ConfigMap"),
        kind(CORE, "Service"),
        kind(APPS, "DaemonSet"),
    ],
    cluster_scoped: &[kind(RBAC, "ClusterRole"), kind(RBAC, "ClusterRoleBinding")],
    elsewhere: &[],
    fixed_names: &[],
    needs_secrets: &[],
    assumes: &[],
    rewritten: &[],
};

/// jaegertracing/helm-charts `charts/jaeger` at tag `jaeger-3.4.1`: no CRDs and no
/// cluster-scoped objects. With our values it renders the collector and query
/// Deployments, their Services and ServiceAccounts, and the index cleaner's CronJob;
/// its pods read the `elastic` user's password and the HTTP CA from the Secrets ECK
/// writes for the `keiko-logs` cluster in the same namespace (`existingSecret`,
/// `tls.secretName`), so the chart renders no Secret of its own (elasticsearch-secret.yaml
/// only without `existingSecret`).
const JAEGER: ChartFacts = ChartFacts {
    chart: Chart::Jaeger,
    version: "3.4.1",
    source: "github:jaegertracing/helm-charts charts/jaeger@jaeger-3.4.1",
    crds: &[],
    namespaced: &[
        kind(CORE, "ServiceAccount"),
        kind(CORE, "Service"),
        kind(APPS, "Deployment"),
        kind(BATCH, "CronJob"),
    ],
    cluster_scoped: &[],
    elsewhere: &[],
    fixed_names: &[],
    needs_secrets: &["keiko-logs-es-elastic-user", "keiko-logs-es-http-certs-public"],
    assumes: &[
        Assumption {
            pointer: "/storage/type",
            value: "\"elasticsearch\"",
            is_default: false,
            because: "the default `cassandra` points every pod at a host `cassandra` that does not exist",
        },
        Assumption {
            pointer: "/provisionDataStore/cassandra",
            value: "false",
            is_default: false,
            because: "the default provisions a Cassandra subchart",
        },
        Assumption {
            pointer: "/allInOne/enabled",
            value: "false",
            is_default: true,
            because: "beside the collector and query, all-in-one renders their Services a second time",
        },
        Assumption {
            pointer: "/agent/enabled",
            value: "false",
            is_default: false,
            because: "the default DaemonSet of agents is not needed with OTLP",
        },
        Assumption {
            pointer: "/query/agentSidecar/enabled",
            value: "false",
            is_default: false,
            because: "the default adds an agent container to the query pod",
        },
        Assumption {
            pointer: "/collector/service/otlp/grpc/port",
            value: "4317",
            is_default: false,
            because: "the collector Service publishes OTLP only when collector.service.otlp is set",
        },
        Assumption {
            pointer: "/storage/elasticsearch/existingSecret",
            value: "\"keiko-logs-es-elastic-user\"",
            is_default: false,
            because: "without it the chart renders a Secret with the default password `changeme`",
        },
    ],
    rewritten: &[],
};

/// elastic/cloud-on-k8s `deploy/eck-operator` at tag `v3.1.0`: CRDs in the
/// `eck-operator-crds` subchart's templates behind `installCRDs`; `fullnameOverride`
/// defaults to `elastic-operator`, so no name depends on the release.
const ECK_OPERATOR: ChartFacts = ChartFacts {
    chart: Chart::EckOperator,
    version: "3.1.0",
    source: "github:elastic/cloud-on-k8s deploy/eck-operator@v3.1.0",
    crds: &[
        kind("agent.k8s.elastic.co", "Agent"),
        kind("apm.k8s.elastic.co", "ApmServer"),
        kind("beat.k8s.elastic.co", "Beat"),
        kind("maps.k8s.elastic.co", "ElasticMapsServer"),
        kind("autoscaling.k8s.elastic.co", "ElasticsearchAutoscaler"),
        kind("elasticsearch.k8s.elastic.co", "Elasticsearch"),
        kind("enterprisesearch.k8s.elastic.co", "EnterpriseSearch"),
        kind("kibana.k8s.elastic.co", "Kibana"),
        kind("logstash.k8s.elastic.co", "Logstash"),
        kind("stackconfigpolicy.k8s.elastic.co", "StackConfigPolicy"),
    ],
    namespaced: &[
        kind(CORE, "ServiceAccount"),
        kind(CORE, "ConfigMap"),
        kind(CORE, "Secret"),
        kind(CORE, "Service"),
        kind(APPS, "StatefulSet"),
    ],
    cluster_scoped: &[
        kind(RBAC, "ClusterRole"),
        kind(RBAC, "ClusterRoleBinding"),
        kind(WEBHOOKS, "ValidatingWebhookConfiguration"),
    ],
    elsewhere: &[],
    fixed_names: &[
        "StatefulSet/elastic-operator",
        "ClusterRole/elastic-operator",
        "ValidatingWebhookConfiguration/elastic-operator.elastic-system.k8s.elastic.co",
    ],
    needs_secrets: &[],
    assumes: &[Assumption {
        pointer: "/installCRDs",
        value: "true",
        is_default: true,
        because: "the Elastic CRDs come with the chart",
    }],
    rewritten: &[
        Rewrite {
            group: WEBHOOKS,
            kind: "ValidatingWebhookConfiguration",
            name: "eck-operator.elastic-system.k8s.elastic.co",
            fields: &[".webhooks[]?.clientConfig.caBundle"],
            by: "the Elastic operator with manageCerts (pkg/controller/webhook/admission_registration.go)",
        },
        Rewrite {
            group: CORE,
            kind: "Secret",
            name: "eck-operator-webhook-cert",
            fields: &[".data"],
            by: "the Elastic operator writes the webhook's certificate (pkg/controller/webhook/reconcile.go)",
        },
    ],
};

/// FairwindsOps/charts `stable/vpa` at commit 9a430e91 (the commit that set version
/// 4.8.0; the snapshot has no tag for it): CRDs in `crds/vpa-v1-crd.yaml`, always
/// installed; only the recommender runs with our values; the ClusterRoles have fixed
/// `vpa-*` names.
const VPA: ChartFacts = ChartFacts {
    chart: Chart::Vpa,
    version: "4.8.0",
    source: "github:FairwindsOps/charts stable/vpa@9a430e91",
    crds: &[
        kind("autoscaling.k8s.io", "VerticalPodAutoscaler"),
        kind("autoscaling.k8s.io", "VerticalPodAutoscalerCheckpoint"),
    ],
    namespaced: &[kind(CORE, "ServiceAccount"), kind(APPS, "Deployment")],
    cluster_scoped: &[kind(RBAC, "ClusterRole"), kind(RBAC, "ClusterRoleBinding")],
    elsewhere: &[],
    fixed_names: &["ClusterRole/vpa-actor", "ClusterRole/vpa-metrics-reader"],
    needs_secrets: &[],
    assumes: &[
        Assumption {
            pointer: "/admissionController/enabled",
            value: "false",
            is_default: false,
            because: "no webhook and no certificate Secret",
        },
        Assumption { pointer: "/updater/enabled", value: "false", is_default: false, because: "recommendations only" },
    ],
    rewritten: &[Rewrite {
        group: WEBHOOKS,
        kind: "MutatingWebhookConfiguration",
        name: "vpa-webhook-config",
        fields: &[".webhooks[]?.clientConfig.caBundle"],
        by: "the certgen patch Job (stable/vpa/templates/webhooks/jobs/certgen-patch.yaml)",
    }],
};

/// istio/istio `manifests/charts/base` at tag `1.30.3`: the Istio CRDs in
/// `templates/crds.yaml` (from `files/crd-all.gen.yaml`) behind `base.enableCRDTemplates`;
/// no Gateway API CRDs (that file has no `gateway.networking.k8s.io`); every name fixed.
const ISTIO_BASE: ChartFacts = ChartFacts {
    chart: Chart::IstioBase,
    version: "1.30.3",
    source: "github:istio/istio manifests/charts/base@1.30.3",
    crds: &[
        kind("extensions.istio.io", "TrafficExtension"),
        kind("extensions.istio.io", "WasmPlugin"),
        kind("networking.istio.io", "DestinationRule"),
        kind("networking.istio.io", "EnvoyFilter"),
        kind("networking.istio.io", "Gateway"),
        kind("networking.istio.io", "ProxyConfig"),
        kind("networking.istio.io", "ServiceEntry"),
        kind("networking.istio.io", "Sidecar"),
        kind("networking.istio.io", "VirtualService"),
        kind("networking.istio.io", "WorkloadEntry"),
        kind("networking.istio.io", "WorkloadGroup"),
        kind("security.istio.io", "AuthorizationPolicy"),
        kind("security.istio.io", "PeerAuthentication"),
        kind("security.istio.io", "RequestAuthentication"),
        kind("telemetry.istio.io", "Telemetry"),
    ],
    namespaced: &[kind(CORE, "ServiceAccount")],
    cluster_scoped: &[kind(WEBHOOKS, "ValidatingWebhookConfiguration")],
    elsewhere: &[],
    fixed_names: &[
        "ValidatingWebhookConfiguration/istiod-default-validator",
        "ServiceAccount/istio-reader-service-account",
    ],
    needs_secrets: &[],
    assumes: &[Assumption {
        pointer: "/base/validationFailurePolicy",
        value: "\"Fail\"",
        is_default: false,
        because: "rendered as istiod leaves the validating webhook, so self-heal and istiod agree",
    }],
    rewritten: &[Rewrite {
        group: WEBHOOKS,
        kind: "ValidatingWebhookConfiguration",
        name: "istiod-default-validator",
        fields: &[".webhooks[]?.failurePolicy", ".webhooks[]?.clientConfig.caBundle"],
        by: "istiod's validation controller: its CA as caBundle, and failurePolicy Fail once validation answers (pkg/webhooks/validation/controller/controller.go)",
    }],
};

/// istio/istio `manifests/charts/istio-control/istio-discovery` (chart `istiod`) at tag
/// `1.30.3`: no CRDs; it watches the Gateway API CRDs when they exist and creates its
/// GatewayClasses at run time.
const ISTIOD: ChartFacts = ChartFacts {
    chart: Chart::Istiod,
    version: "1.30.3",
    source: "github:istio/istio manifests/charts/istio-control/istio-discovery@1.30.3",
    crds: &[],
    namespaced: &[
        kind(CORE, "ServiceAccount"),
        kind(CORE, "ConfigMap"),
        kind(CORE, "Service"),
        kind(RBAC, "Role"),
        kind(RBAC, "RoleBinding"),
        kind(APPS, "Deployment"),
        kind("autoscaling", "HorizontalPodAutoscaler"),
    ],
    cluster_scoped: &[
        kind(RBAC, "ClusterRole"),
        kind(RBAC, "ClusterRoleBinding"),
        kind(WEBHOOKS, "MutatingWebhookConfiguration"),
        kind(WEBHOOKS, "ValidatingWebhookConfiguration"),
    ],
    elsewhere: &[],
    fixed_names: &["MutatingWebhookConfiguration/istio-sidecar-injector"],
    needs_secrets: &[],
    assumes: &[
        Assumption {
            pointer: "/base/validationFailurePolicy",
            value: "\"Fail\"",
            is_default: false,
            because: "rendered as istiod leaves the validating webhook, so self-heal and istiod agree",
        },
        Assumption {
            pointer: "/cni/enabled",
            value: "true",
            is_default: false,
            because: "without it injection adds the privileged istio-init container, which restricted namespaces refuse",
        },
    ],
    rewritten: &[
        Rewrite {
            group: WEBHOOKS,
            kind: "ValidatingWebhookConfiguration",
            name: "istio-validator-istio-system",
            fields: &[".webhooks[]?.failurePolicy", ".webhooks[]?.clientConfig.caBundle"],
            by: "istiod's validation controller: its CA as caBundle, and failurePolicy Fail once validation answers (pkg/webhooks/validation/controller/controller.go)",
        },
        Rewrite {
            group: WEBHOOKS,
            kind: "MutatingWebhookConfiguration",
            name: "istio-sidecar-injector",
            fields: &[".webhooks[]?.clientConfig.caBundle"],
            by: "istiod's webhook certificate patcher (pkg/webhooks/webhookpatch.go)",
        },
    ],
};

/// istio/istio `manifests/charts/istio-cni` (chart `cni`) at tag `1.30.3`: no CRDs;
/// the NetworkAttachmentDefinition in `default` renders only with `provider: multus`.
const ISTIO_CNI: ChartFacts = ChartFacts {
    chart: Chart::IstioCni,
    version: "1.30.3",
    source: "github:istio/istio manifests/charts/istio-cni@1.30.3",
    crds: &[],
    namespaced: &[kind(CORE, "ServiceAccount"), kind(CORE, "ConfigMap"), kind(APPS, "DaemonSet")],
    cluster_scoped: &[kind(RBAC, "ClusterRole"), kind(RBAC, "ClusterRoleBinding")],
    elsewhere: &[],
    fixed_names: &["DaemonSet/istio-cni-node"],
    needs_secrets: &[],
    assumes: &[],
    rewritten: &[],
};

/// Every chart's facts.
pub fn facts(chart: Chart) -> ChartFacts {
    match chart {
        Chart::ArgoCd => ARGO_CD,
        Chart::ArgoRollouts => ARGO_ROLLOUTS,
        Chart::CertManager => CERT_MANAGER,
        Chart::ExternalSecrets => EXTERNAL_SECRETS,
        Chart::Velero => VELERO,
        Chart::KubePrometheusStack => KUBE_PROMETHEUS_STACK,
        Chart::FluentBit => FLUENT_BIT,
        Chart::Jaeger => JAEGER,
        Chart::EckOperator => ECK_OPERATOR,
        Chart::Vpa => VPA,
        Chart::IstioBase => ISTIO_BASE,
        Chart::Istiod => ISTIOD,
        Chart::IstioCni => ISTIO_CNI,
    }
}
