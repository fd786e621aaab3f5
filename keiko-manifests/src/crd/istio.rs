//! Istio security and extension resources: PeerAuthentication, AuthorizationPolicy,
//! RequestAuthentication (`security.istio.io/v1`), WasmPlugin
//! (`extensions.istio.io/v1alpha1`) and EnvoyFilter (`networking.istio.io/v1alpha3`).

use kube::CustomResource;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Which workloads a policy applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadSelector {
    /// Pod labels.
    pub match_labels: BTreeMap<String, String>,
}

/// A Gateway API object a policy attaches to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyTargetReference {
    /// The object's API group.
    pub group: String,
    /// The object's kind.
    pub kind: String,
    /// The object's name.
    pub name: String,
}

/// Mutual TLS requirements of workloads.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "security.istio.io", version = "v1", kind = "PeerAuthentication", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct PeerAuthenticationSpec {
    /// The workloads; the whole namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<WorkloadSelector>,
    /// The default mode.
    pub mtls: Mtls,
    /// Modes that differ by port (a metrics port Prometheus scrapes in plain text).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub port_level_mtls: BTreeMap<String, Mtls>,
}

/// An mTLS mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mtls {
    /// `STRICT`, `PERMISSIVE` or `DISABLE`.
    pub mode: String,
}

/// Who may call which workloads.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "security.istio.io", version = "v1", kind = "AuthorizationPolicy", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationPolicySpec {
    /// The workloads; the whole namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<WorkloadSelector>,
    /// A Gateway the policy applies to instead of a selector.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_refs: Vec<PolicyTargetReference>,
    /// `ALLOW` or `DENY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The requests matched; an `ALLOW` policy without rules allows nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

/// Sources, operations and conditions that must all match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Who the request comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<RuleFrom>,
    /// What it asks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<RuleTo>,
}

/// A source clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleFrom {
    /// The source.
    pub source: Source,
}

/// A request's source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// mTLS identities (`cluster.local/ns/keiko/sa/learning-service`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub principals: Vec<String>,
    /// JWT identities (`<issuer>/<subject>`; `*` for any valid token).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_principals: Vec<String>,
}

/// An operation clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleTo {
    /// The operation.
    pub operation: Operation,
}

/// A request's operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Destination ports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<String>,
    /// Hosts (the `Host` header).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Path patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

/// How JWTs are validated.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "security.istio.io", version = "v1", kind = "RequestAuthentication", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct RequestAuthenticationSpec {
    /// The workloads; the whole namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<WorkloadSelector>,
    /// A Gateway the policy applies to instead of a selector.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_refs: Vec<PolicyTargetReference>,
    /// Accepted issuers.
    pub jwt_rules: Vec<JwtRule>,
}

/// One accepted issuer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtRule {
    /// The `iss` claim.
    pub issuer: String,
    /// Where its keys are published.
    pub jwks_uri: String,
    /// Pass the token on to the workload, so it can call others with it.
    pub forward_original_token: bool,
}

/// A Wasm extension loaded into Envoy.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "extensions.istio.io", version = "v1alpha1", kind = "WasmPlugin", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct WasmPluginSpec {
    /// The Gateway it runs in.
    pub target_refs: Vec<PolicyTargetReference>,
    /// The module (`oci://…`).
    pub url: String,
    /// Where in the filter chain it runs.
    pub phase: String,
    /// What happens when the module cannot be loaded: `FAIL_CLOSE` refuses traffic.
    pub fail_strategy: String,
    /// The plugin's own configuration.
    pub plugin_config: Value,
}

/// A patch of the Envoy configuration Istio generates.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "networking.istio.io", version = "v1alpha3", kind = "EnvoyFilter", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct EnvoyFilterSpec {
    /// The workloads patched.
    pub workload_selector: EnvoyWorkloadSelector,
    /// The patches.
    pub config_patches: Vec<EnvoyConfigPatch>,
}

/// Pods an EnvoyFilter applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvoyWorkloadSelector {
    /// Pod labels.
    pub labels: BTreeMap<String, String>,
}

/// One patch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvoyConfigPatch {
    /// What is patched (`HTTP_FILTER`).
    pub apply_to: String,
    /// Where.
    #[serde(rename = "match")]
    pub match_: Value,
    /// How: the operation and the Envoy configuration it adds.
    pub patch: Value,
}
