//! Platform-wide security settings: the public gateway, certificates, the WAF, and
//! the checks the platform knowingly exempts.

use super::env::PerEnv;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Security settings shared by every environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Security {
    /// The public entry point.
    pub gateway: Gateway,
    /// The contact address ACME (Let's Encrypt) certificates are registered with.
    pub acme_email: String,
    /// The web application firewall on the gateway.
    pub waf: Waf,
    /// Where istiod fetches the JWT signing keys: inside the cluster, so the fetch needs
    /// neither a token, nor the public gateway, nor trust in the public certificate
    /// (dev and staging use Let's Encrypt's staging CA, which istiod does not trust).
    pub jwks: JwksSource,
    /// Policy checks that are knowingly not met, each with its reason. They are written
    /// onto the objects as checkov skip annotations (or into the generated workflows as
    /// skip comments) and listed in the policy report.
    #[serde(default)]
    pub exemptions: Vec<Exemption>,
}

/// The Gateway API gateway that receives all public traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    /// The Gateway's name; Istio names its Deployment and Service after it.
    pub name: String,
    /// The namespace the Gateway and its certificates live in.
    pub namespace: String,
    /// The Pod Security level of that namespace when it cannot be `restricted`.
    #[serde(default)]
    pub pod_security: Option<PodSecurityException>,
}

/// A namespace that enforces a Pod Security level below `restricted`, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PodSecurityException {
    /// The enforced level.
    pub level: PodSecurityLevel,
    /// Why `restricted` cannot be met.
    pub reason: String,
}

/// Pod Security Standard levels below `restricted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PodSecurityLevel {
    /// Prevents known privilege escalations; allows what `restricted` hardens further.
    Baseline,
}

/// The Coraza WAF with the OWASP Core Rule Set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waf {
    /// The coraza-proxy-wasm OCI image, pinned (`oci://…:<version>`).
    pub image: String,
    /// Whether matching requests are blocked or only logged, per environment.
    pub mode: PerEnv<WafMode>,
}

/// What the WAF does with a request that matches a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WafMode {
    /// Reject it (`SecRuleEngine On`).
    Block,
    /// Log it and let it through (`SecRuleEngine DetectionOnly`).
    DetectOnly,
}

/// A policy check that is knowingly not met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// The check's ID (`CKV_K8S_43`).
    pub check: String,
    /// Why it does not apply or cannot be met.
    pub reason: String,
    /// What the exemption covers; everything when empty. For `kubernetes`, object kinds
    /// (`Deployment`), or `Spec` and `Terraform` for the KEIKO rules; for
    /// `github_actions`, the generated pipelines (`service`, `terraform`).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// The checkov framework the check belongs to, which decides where the skip is written.
    #[serde(default, skip_serializing_if = "Framework::is_default")]
    pub framework: Framework,
}

/// The generated pipelines a `github_actions` exemption may name in `kinds`.
pub const PIPELINES: [&str; 2] = ["service", "terraform"];

/// The checkov framework of an exempted check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Framework {
    /// Rendered Kubernetes objects: a `checkov.io/skipN` annotation on each covered object.
    #[default]
    Kubernetes,
    /// Generated GitHub Actions workflows: a `# checkov:skip=` comment above `on:` in each
    /// covered workflow, which covers checkov's workflow-level checks.
    GithubActions,
}

impl Framework {
    /// The name checkov's `--framework` and keiko.yaml use.
    pub fn name(self) -> &'static str {
        match self {
            Framework::Kubernetes => "kubernetes",
            Framework::GithubActions => "github_actions",
        }
    }

    fn is_default(&self) -> bool {
        *self == Framework::Kubernetes
    }
}

/// How services in one environment check JWTs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Jwt {
    /// The `iss` every accepted token carries (identity-service's issuer URL).
    pub issuer: String,
    /// Where the signing keys are published (HTTPS).
    pub jwks_uri: String,
}

/// The in-cluster endpoint that serves the JWT signing keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JwksSource {
    /// The service that publishes them (identity-service).
    pub service: String,
    /// The name of its HTTP port.
    pub port: String,
    /// The path, one of the service's `anonymous_paths` (istiod carries no token).
    pub path: String,
}

/// The OVHcloud KMS whose Secret Manager (Vault KV v2 API) holds the environment's secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretManager {
    /// The KMS region (`eu-west-gra`).
    pub region: String,
    /// The KMS ID, an output of the environment's first `terraform apply` (`okms_id`).
    pub okms_id: String,
}

impl SecretManager {
    /// The Vault-compatible API root of this KMS.
    pub fn server(&self) -> String {
        format!("https://{}.okms.ovh.net/api/{}", self.region, self.okms_id)
    }
}
