//! The names ArgoCD's bootstrap (Terraform's argocd-bootstrap module) and the GitOps
//! layer (the AppProjects and Applications under `argocd/<env>/`) must agree on.

/// The namespace ArgoCD runs in and keeps its Applications.
pub const NAMESPACE: &str = "argocd";

/// The in-cluster API server: each environment's ArgoCD manages its own cluster.
/// ArgoCD's name for the cluster it runs in (argo-cd docs, "Declarative Setup", clusters).
pub const IN_CLUSTER: &str = "https://kubernetes.default.svc";

/// The Helm release of Argo CD. Terraform installs it under this name to bootstrap
/// GitOps and the `argo-cd` Application renders the chart under the same name, so Argo
/// CD adopts the release Terraform made instead of installing a second one: the chart
/// names its objects after the release (argo-helm `charts/argo-cd` 8.3.4,
/// `nameOverride: argocd`) and writes fixed-name ConfigMaps (`argocd-cm`) either way.
pub const RELEASE: &str = "argocd";

/// The root Application's name; Terraform's argocd-bootstrap module creates it.
pub const ROOT_APPLICATION: &str = "keiko-root";

/// The AppProject of the root Application, created with it by Terraform.
pub const ROOT_PROJECT: &str = "keiko-root";

/// The finalizer that makes ArgoCD delete an Application's resources with it
/// (cascading deletion; argo-cd docs, "App Deletion").
pub const FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// The order in which ArgoCD syncs the Applications of the root Application: lower
/// waves first, each wave healthy before the next starts (argo-cd docs, "Sync Phases
/// and Waves"). Add-ons take their wave from the spec (`addons.<name>.wave`).
pub mod waves {
    /// The AppProjects: before any Application that belongs to them.
    pub const PROJECTS: i32 = -100;
    /// The platform component (namespaces and their policies): after the add-ons that
    /// bring CRDs, before workloads.
    pub const PLATFORM: i32 = -3;
    /// The gateway: once the namespaces exist.
    pub const GATEWAY: i32 = -2;
    /// Stateful stores: before the services that use them.
    pub const STORES: i32 = -2;
    /// Services.
    pub const SERVICES: i32 = 0;
}
