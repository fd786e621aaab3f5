//! Module `argocd-bootstrap`: ArgoCD and the environment's root Application.
//!
//! The root Application is a second `helm_release` (chart `argocd-apps`), not a
//! `kubernetes_manifest`: that resource needs the Application CRD at plan time, which does
//! not exist before the first release is installed.

use super::Module;
use crate::blocks::{output, resource};
use crate::expr::{bare, call, object, reference, strings, var};
use crate::resources::HELM_RELEASE;
use crate::validation::string_variable;
use hcl::{Block, Body, Expression};
use keiko_model::gitops::{FINALIZER, IN_CLUSTER, RELEASE, ROOT_APPLICATION, ROOT_PROJECT};

/// The `argocd-apps` chart version that installs the root Application (values: `applications` map).
pub const ARGOCD_APPS_VERSION: &str = "2.0.2";

/// The `argocd-bootstrap` module.
pub fn module() -> Module {
    let main = Body::builder().add_block(argocd()).add_block(root_app()).build();
    Module { dir: "argocd-bootstrap", main, variables: variables(), outputs: outputs(), providers: &["helm"] }
}

/// Argo CD for the first sync only: the `argo-cd` Application renders the same release
/// ([`RELEASE`]) and takes it over, with the platform's values, so Terraform leaves the
/// release alone after creating it (`ignore_changes = all`) instead of reverting Argo CD.
fn argocd() -> Block {
    resource(HELM_RELEASE, "argocd")
        .add_attribute(("name", RELEASE))
        .add_attribute(("repository", var("repository")))
        .add_attribute(("chart", "argo-cd"))
        .add_attribute(("version", var("chart_version")))
        .add_attribute(("namespace", var("namespace")))
        .add_attribute(("create_namespace", true))
        .add_attribute(("atomic", true))
        .add_block(Block::builder("lifecycle").add_attribute(("ignore_changes", bare("all"))).build())
        .build()
}

fn root_app() -> Block {
    resource(HELM_RELEASE, "root_app")
        .add_attribute(("name", ROOT_APPLICATION))
        .add_attribute(("repository", var("repository")))
        .add_attribute(("chart", "argocd-apps"))
        .add_attribute(("version", ARGOCD_APPS_VERSION))
        .add_attribute(("namespace", var("namespace")))
        .add_attribute(("values", Expression::Array(vec![call("yamlencode", [root_values()])])))
        .add_attribute(("depends_on", Expression::Array(vec![reference(HELM_RELEASE, &["argocd"])])))
        .build()
}

/// The chart values: the root Application, which syncs the environment's folder of
/// `generated/`, and its own AppProject, which lets it create nothing but Applications
/// and AppProjects in the ArgoCD namespace, from this repository only.
fn root_values() -> Expression {
    let source =
        object([("repoURL", var("git_repository")), ("targetRevision", var("git_branch")), ("path", var("git_path"))]);
    let destination = object([("server", IN_CLUSTER.into()), ("namespace", var("namespace"))]);
    let sync = object([
        ("automated", object([("prune", true.into()), ("selfHeal", true.into())])),
        ("syncOptions", strings(["ServerSideApply=true"])),
    ]);
    let app = object([
        ("namespace", var("namespace")),
        ("project", ROOT_PROJECT.into()),
        ("finalizers", strings([FINALIZER])),
        ("source", source),
        ("destination", destination.clone()),
        ("syncPolicy", sync),
    ]);
    let kinds = Expression::Array(
        ["Application", "AppProject"]
            .map(|kind| object([("group", "argoproj.io".into()), ("kind", kind.into())]))
            .to_vec(),
    );
    let project = object([
        ("namespace", var("namespace")),
        (
            "description",
            "The root Application of the environment: it may only create Applications and AppProjects.".into(),
        ),
        ("sourceRepos", Expression::Array(vec![var("git_repository")])),
        ("destinations", Expression::Array(vec![destination])),
        ("clusterResourceWhitelist", Expression::Array(Vec::new())),
        ("namespaceResourceWhitelist", kinds),
    ]);
    object([("applications", object([(ROOT_APPLICATION, app)])), ("projects", object([(ROOT_PROJECT, project)]))])
}

fn variables() -> Body {
    Body::builder()
        .add_block(string_variable(
            "repository",
            "The argo-helm chart repository.",
            "^https://",
            "Use an https:// URL.",
        ))
        .add_block(string_variable(
            "chart_version",
            "The argo-cd chart version (addons.argo-cd.version).",
            "^[0-9]+\\.[0-9]+\\.[0-9]+$",
            "Use an exact version such as 8.3.4.",
        ))
        .add_block(string_variable(
            "namespace",
            "The namespace ArgoCD runs in.",
            "^[a-z][a-z0-9-]*$",
            "Use a DNS label.",
        ))
        .add_block(string_variable(
            "git_repository",
            "The Git repository ArgoCD reads generated/ from.",
            "^https://",
            "Use an https:// URL.",
        ))
        .add_block(string_variable(
            "git_branch",
            "The branch this environment deploys from.",
            "^[A-Za-z0-9._/-]+$",
            "Use a branch name.",
        ))
        .add_block(string_variable(
            "git_path",
            "The folder of the environment's Applications.",
            "^[a-z0-9._/-]+$",
            "Use a relative path.",
        ))
        .build()
}

fn outputs() -> Body {
    Body::builder()
        .add_block(output(
            "argocd_version",
            "The installed argo-cd chart version.",
            reference(HELM_RELEASE, &["argocd", "version"]),
        ))
        .add_block(output("root_app", "The root Application's name.", ROOT_APPLICATION.into()))
        .build()
}
