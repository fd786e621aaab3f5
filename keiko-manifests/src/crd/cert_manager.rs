//! cert-manager (`cert-manager.io/v1`): ACME issuers and the gateway's certificates.

use kube::CustomResource;
use serde::{Deserialize, Serialize};

/// An issuer usable from every namespace.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "cert-manager.io", version = "v1", kind = "ClusterIssuer", schema = "disabled")]
pub struct ClusterIssuerSpec {
    /// An ACME (Let's Encrypt) account.
    pub acme: Acme,
}

/// An ACME account and how it proves control of domains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Acme {
    /// The account's contact.
    pub email: String,
    /// The ACME directory URL.
    pub server: String,
    /// Where the account key is kept.
    pub private_key_secret_ref: SecretKeySelector,
    /// Challenge solvers.
    pub solvers: Vec<Solver>,
}

/// A Secret name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretKeySelector {
    /// The Secret.
    pub name: String,
}

/// A challenge solver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solver {
    /// HTTP-01 through the Gateway.
    pub http01: Http01,
}

/// HTTP-01 settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Http01 {
    /// Serve challenges with an HTTPRoute attached to these Gateway listeners.
    #[serde(rename = "gatewayHTTPRoute")]
    pub gateway_http_route: GatewayHttpRoute,
}

/// The Gateway listeners challenge routes attach to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayHttpRoute {
    /// The listeners.
    pub parent_refs: Vec<crate::crd::gateway_api::ParentReference>,
}

/// A certificate kept valid in a Secret.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "cert-manager.io", version = "v1", kind = "Certificate", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct CertificateSpec {
    /// The Secret the certificate and key are written to.
    pub secret_name: String,
    /// The host names.
    pub dns_names: Vec<String>,
    /// The issuer.
    pub issuer_ref: IssuerRef,
    /// Key settings.
    pub private_key: PrivateKey,
    /// Renew this long before expiry (`720h`).
    pub renew_before: String,
}

/// An issuer reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuerRef {
    /// The issuer's name.
    pub name: String,
    /// `ClusterIssuer`.
    pub kind: String,
    /// `cert-manager.io`.
    pub group: String,
}

/// Private key settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateKey {
    /// `ECDSA`.
    pub algorithm: String,
    /// The key size (256).
    pub size: i32,
    /// `Always`: a new key at every renewal.
    pub rotation_policy: String,
}
