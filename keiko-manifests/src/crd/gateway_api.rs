//! Gateway API (`gateway.networking.k8s.io/v1`): the public Gateway and its routes.

use kube::CustomResource;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A Gateway: listeners that accept traffic for hosts, implemented by a GatewayClass.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "gateway.networking.k8s.io", version = "v1", kind = "Gateway", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct GatewaySpec {
    /// The implementation (`istio`).
    pub gateway_class_name: String,
    /// The listeners.
    pub listeners: Vec<Listener>,
}

/// One port and host the Gateway listens on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Listener {
    /// Unique within the Gateway; routes attach to it by this name.
    pub name: String,
    /// The host name served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// The port.
    pub port: i32,
    /// `HTTP` or `HTTPS`.
    pub protocol: String,
    /// TLS termination for HTTPS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ListenerTls>,
    /// Which namespaces' routes may attach.
    pub allowed_routes: AllowedRoutes,
}

/// TLS settings of a listener.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerTls {
    /// `Terminate`.
    pub mode: String,
    /// The Secrets holding the certificate (issued by cert-manager).
    pub certificate_refs: Vec<SecretObjectReference>,
}

/// A Secret in the Gateway's namespace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretObjectReference {
    /// `Secret`.
    pub kind: String,
    /// Its name.
    pub name: String,
}

/// Which routes may attach to a listener.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllowedRoutes {
    /// Namespace restriction.
    pub namespaces: RouteNamespaces,
}

/// Namespaces whose routes may attach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteNamespaces {
    /// `Same`, `All` or `Selector`.
    pub from: String,
    /// The namespaces selected when `from` is `Selector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
}

/// A label selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Required labels.
    pub match_labels: BTreeMap<String, String>,
}

/// The Gateway and listener a route attaches to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentReference {
    /// The Gateway's name.
    pub name: String,
    /// The Gateway's namespace.
    pub namespace: String,
    /// The listener's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
}

/// A Service port traffic is sent to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackendRef {
    /// The Service's name, in the route's namespace.
    pub name: String,
    /// The Service port.
    pub port: i32,
}

/// HTTP routing from Gateway listeners to Services.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "gateway.networking.k8s.io", version = "v1", kind = "HTTPRoute", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct HTTPRouteSpec {
    /// The listeners it attaches to.
    pub parent_refs: Vec<ParentReference>,
    /// The hosts it serves.
    pub hostnames: Vec<String>,
    /// The rules.
    pub rules: Vec<HTTPRouteRule>,
}

/// Matches, filters and backends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HTTPRouteRule {
    /// Requests this rule takes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<HTTPRouteMatch>,
    /// Request processing (redirects).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<HTTPRouteFilter>,
    /// Where matching requests go.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backend_refs: Vec<BackendRef>,
}

/// A request match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HTTPRouteMatch {
    /// The path match.
    pub path: HTTPPathMatch,
}

/// A path match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HTTPPathMatch {
    /// `PathPrefix`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The prefix.
    pub value: String,
}

/// A filter applied to matching requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HTTPRouteFilter {
    /// `RequestRedirect`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The redirect.
    pub request_redirect: RequestRedirect,
}

/// A redirect response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRedirect {
    /// The new scheme.
    pub scheme: String,
    /// The status code (301).
    pub status_code: i32,
}

/// gRPC routing from Gateway listeners to Services.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "gateway.networking.k8s.io", version = "v1", kind = "GRPCRoute", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct GRPCRouteSpec {
    /// The listeners it attaches to.
    pub parent_refs: Vec<ParentReference>,
    /// The hosts it serves.
    pub hostnames: Vec<String>,
    /// The rules.
    pub rules: Vec<GRPCRouteRule>,
}

/// Where gRPC calls go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GRPCRouteRule {
    /// The backends.
    pub backend_refs: Vec<BackendRef>,
}
