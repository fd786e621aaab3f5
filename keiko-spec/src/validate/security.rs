//! Rules for the security settings: gateway, certificates, WAF, JWT issuers, the
//! secret manager, API grants and exemptions.

use super::{Checks, names};
use crate::document::RawSpec;
use crate::error::SpecPath;
use crate::security::{Exemption, Framework, PIPELINES};

pub(super) fn check(raw: &RawSpec, checks: &mut Checks) {
    let path = SpecPath::root().key("security");
    let security = &raw.security;
    checks.dns_label(&path.key("gateway").key("name"), &security.gateway.name);
    checks.dns_label(&path.key("gateway").key("namespace"), &security.gateway.namespace);
    let taken = raw.platform.namespace == security.gateway.namespace
        || raw.stateful.values().any(|s| s.namespace == security.gateway.namespace);
    checks.require(!taken, &path.key("gateway").key("namespace"), || "the gateway needs a namespace of its own".into());
    if let Some(exception) = &security.gateway.pod_security {
        checks.require(
            !exception.reason.trim().is_empty(),
            &path.key("gateway").key("pod_security").key("reason"),
            || "say why restricted cannot be met".into(),
        );
    }
    let email_domain = security.acme_email.split_once('@').map(|(_, domain)| domain).unwrap_or_default();
    checks.require(names::is_host_name(email_domain), &path.key("acme_email"), || {
        format!("`{}` is not an e-mail address", security.acme_email)
    });
    checks.require(pinned_oci(&security.waf.image), &path.key("waf").key("image"), || {
        format!("`{}` must be an oci:// image with a pinned version tag or digest", security.waf.image)
    });
    for (index, exemption) in security.exemptions.iter().enumerate() {
        let at = path.key("exemptions").index(index);
        checks.require(is_check_id(&exemption.check), &at.key("check"), || {
            format!("`{}` is neither a checkov check ID such as CKV_K8S_43 nor a Keiko policy rule ID such as KEIKO-K8S-009", exemption.check)
        });
        checks.require(!exemption.reason.trim().is_empty(), &at.key("reason"), || "an exemption needs a reason".into());
        framework(exemption, &at, checks);
    }
    environments(raw, checks);
    grants(raw, checks);
    anonymous(raw, checks);
}

/// Anonymous paths are Istio path patterns, and the signing keys are one of them on a
/// real HTTP port of the service that publishes them.
fn anonymous(raw: &RawSpec, checks: &mut Checks) {
    for (name, service) in &raw.services {
        for (index, pattern) in service.anonymous_paths.iter().enumerate() {
            let at = SpecPath::root().key("services").key(name).key("anonymous_paths").index(index);
            let star = pattern.find('*');
            let valid = pattern.starts_with('/') && star.is_none_or(|i| i == pattern.len() - 1);
            checks.require(valid, &at, || {
                format!("`{pattern}` is not a path pattern: start with `/`, and use `*` only at the end for a prefix")
            });
        }
    }
    let jwks = &raw.security.jwks;
    let at = SpecPath::root().key("security").key("jwks");
    let Some(service) = raw.services.get(&jwks.service) else {
        checks.require(false, &at.key("service"), || format!("`{}` is not a service", jwks.service));
        return;
    };
    let http = service.ports.iter().any(|p| p.name == jwks.port && p.protocol == crate::service::Protocol::Http);
    checks.require(http, &at.key("port"), || format!("`{}` is not an HTTP port of {}", jwks.port, jwks.service));
    checks.require(service.anonymous_paths.contains(&jwks.path), &at.key("path"), || {
        format!(
            "`{}` must be one of {}'s anonymous_paths: istiod fetches the signing keys without a token",
            jwks.path, jwks.service
        )
    });
}

/// A check ID belongs to one checkov framework, and `kinds` names what that framework scans.
fn framework(exemption: &Exemption, at: &SpecPath, checks: &mut Checks) {
    let workflow_check = exemption.check.starts_with("CKV_GHA_") || exemption.check.starts_with("CKV2_GHA_");
    match exemption.framework {
        Framework::Kubernetes => checks.require(!workflow_check, &at.key("framework"), || {
            format!("`{}` is a workflow check: set `framework: github_actions`", exemption.check)
        }),
        Framework::GithubActions => {
            checks.require(workflow_check, &at.key("check"), || {
                format!("`{}` is not a github_actions check such as CKV_GHA_7", exemption.check)
            });
            for (index, kind) in exemption.kinds.iter().enumerate() {
                checks.require(PIPELINES.contains(&kind.as_str()), &at.key("kinds").index(index), || {
                    format!("`{kind}` is not a generated pipeline: use {}", PIPELINES.join(" or "))
                });
            }
        }
    }
}

fn environments(raw: &RawSpec, checks: &mut Checks) {
    for (env, environment) in raw.environments.iter() {
        let path = SpecPath::root().key("environments").key(env.name());
        for (field, url) in [("issuer", &environment.jwt.issuer), ("jwks_uri", &environment.jwt.jwks_uri)] {
            checks
                .require(is_https_url(url), &path.key("jwt").key(field), || format!("`{url}` must be an https:// URL"));
        }
        let manager = &environment.secret_manager;
        checks.require(names::is_uuid(&manager.okms_id), &path.key("secret_manager").key("okms_id"), || {
            format!("`{}` is not a KMS ID: use the UUID that `terraform output okms_id` prints", manager.okms_id)
        });
        checks.require(
            manager.region.split('-').count() == 3 && names::is_dns_label(&manager.region),
            &path.key("secret_manager").key("region"),
            || format!("`{}` is not a KMS region such as eu-west-gra", manager.region),
        );
    }
}

fn grants(raw: &RawSpec, checks: &mut Checks) {
    for (name, service) in &raw.services {
        for (index, grant) in service.kubernetes_api.iter().enumerate() {
            let at = SpecPath::root().key("services").key(name).key("kubernetes_api").index(index);
            checks.require(!grant.resources.is_empty() && !grant.verbs.is_empty(), &at, || {
                "a grant names at least one resource and one verb".into()
            });
            checks.require(!grant.verbs.iter().chain(&grant.resources).any(|v| v == "*"), &at, || {
                "wildcards are refused: name each resource and verb".into()
            });
            checks.require(!grant.reason.trim().is_empty(), &at.key("reason"), || {
                "say why the service needs the Kubernetes API".into()
            });
        }
    }
}

fn pinned_oci(image: &str) -> bool {
    image.strip_prefix("oci://").is_some_and(|rest| {
        rest.rsplit_once(['@', ':'])
            .is_some_and(|(name, tag)| name.contains('/') && !tag.is_empty() && tag != "latest" && !tag.contains('/'))
    })
}

/// A checkov check (`CKV_K8S_43`) or one of the policy engine's rules (`KEIKO-K8S-009`).
fn is_check_id(id: &str) -> bool {
    if id.starts_with("KEIKO-") {
        return crate::rule_ids::ALL.contains(&id);
    }
    let parts: Vec<&str> = id.split('_').collect();
    parts.len() == 3
        && (parts[0] == "CKV" || parts[0] == "CKV2")
        && parts[1].bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && !parts[2].is_empty()
        && parts[2].bytes().all(|b| b.is_ascii_digit())
}

fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://").and_then(|rest| rest.split('/').next()).is_some_and(names::is_host_name)
}
