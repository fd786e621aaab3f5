//! Typed custom resources the platform emits, declared with kube's `CustomResource`
//! derive. Each field mirrors the upstream CRD schema (copied under the
//! repository's `tests/crds/`), and a test validates every emitted object against it.

pub mod argocd;
pub mod cert_manager;
pub mod eck;
pub mod external_secrets;
pub mod gateway_api;
pub mod istio;
pub mod prometheus;
pub mod rollouts;
pub mod velero;
pub mod vpa;
