//! Typed custom resources the platform emits, declared with kube's `CustomResource`
//! derive. Each field mirrors the upstream CRD schema (copied under
//! `keiko-manifests/tests/crds/`), and a test validates every emitted object against it.

pub mod argocd;
pub mod rollouts;
pub mod vpa;
