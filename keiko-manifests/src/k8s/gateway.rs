//! The public entry: a Gateway API Gateway implemented by Istio, HTTPS per public host
//! with cert-manager certificates, an HTTP listener that only redirects (and answers
//! ACME challenges), the Coraza WAF, and JWT authentication on every route.

use super::labels;
use super::mesh::jwt_rule;
use super::meta::object_meta;
use crate::crd::cert_manager::{
    Acme, Certificate, CertificateSpec, ClusterIssuer, ClusterIssuerSpec, GatewayHttpRoute, Http01, IssuerRef,
    PrivateKey, SecretKeySelector, Solver,
};
use crate::crd::gateway_api::{
    AllowedRoutes, Gateway, GatewaySpec, HTTPPathMatch, HTTPRoute, HTTPRouteFilter, HTTPRouteRule, HTTPRouteSpec,
    LabelSelector, Listener, ListenerTls, ParentReference, RequestRedirect, RouteNamespaces, SecretObjectReference,
};
use crate::crd::istio::{
    AuthorizationPolicy, AuthorizationPolicySpec, Operation, PolicyTargetReference, RequestAuthentication,
    RequestAuthenticationSpec, Rule, RuleFrom, RuleTo, Source, WasmPlugin, WasmPluginSpec,
};
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::security::WafMode;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The label a namespace needs for its routes to attach to the public Gateway.
pub const ROUTES_ALLOWED_LABEL: &str = "keiko.io/public-routes";
/// The listener that redirects plain HTTP to HTTPS.
pub const HTTP_LISTENER: &str = "http";
const LETS_ENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";
const LETS_ENCRYPT_STAGING: &str = "https://acme-staging-v02.api.letsencrypt.org/directory";

/// Every public host name of `env`, sorted.
pub fn hosts(platform: &Platform, env: Env) -> BTreeSet<String> {
    let domain = &platform.environments().get(env).domain;
    platform.services().values().flat_map(|s| &s.routes).map(|r| format!("{}.{domain}", r.host)).collect()
}

/// The HTTPS listener of a host.
pub fn listener_name(host: &str) -> String {
    format!("https-{}", host.split('.').next().unwrap_or(host))
}

/// The Gateway: port 80 for redirects and challenges, port 443 per public host.
pub fn gateway(platform: &Platform, env: Env) -> Gateway {
    let settings = &platform.security().gateway;
    let mut listeners = vec![Listener {
        name: HTTP_LISTENER.to_owned(),
        hostname: None,
        port: 80,
        protocol: "HTTP".to_owned(),
        tls: None,
        allowed_routes: AllowedRoutes { namespaces: RouteNamespaces { from: "Same".to_owned(), selector: None } },
    }];
    listeners.extend(hosts(platform, env).into_iter().map(|host| https_listener(&host)));
    Gateway {
        metadata: object_meta(&settings.name, &settings.namespace, labels::platform(platform, &settings.name)),
        spec: GatewaySpec { gateway_class_name: "istio".to_owned(), listeners },
    }
}

fn https_listener(host: &str) -> Listener {
    let selector =
        LabelSelector { match_labels: BTreeMap::from([(ROUTES_ALLOWED_LABEL.to_owned(), "true".to_owned())]) };
    Listener {
        name: listener_name(host),
        hostname: Some(host.to_owned()),
        port: 443,
        protocol: "HTTPS".to_owned(),
        tls: Some(ListenerTls {
            mode: "Terminate".to_owned(),
            certificate_refs: vec![SecretObjectReference { kind: "Secret".to_owned(), name: tls_secret(host) }],
        }),
        allowed_routes: AllowedRoutes {
            namespaces: RouteNamespaces { from: "Selector".to_owned(), selector: Some(selector) },
        },
    }
}

/// The certificate Secret of a host, named by its first label so that every
/// environment has the same objects whatever its domain.
fn tls_secret(host: &str) -> String {
    format!("{}-tls", host.split('.').next().unwrap_or(host))
}

/// A reference to one listener of the public Gateway.
pub fn parent(platform: &Platform, listener: &str) -> ParentReference {
    let gateway = &platform.security().gateway;
    ParentReference {
        name: gateway.name.clone(),
        namespace: gateway.namespace.clone(),
        section_name: Some(listener.to_owned()),
    }
}

/// Plain HTTP is answered with a permanent redirect to HTTPS.
pub fn redirect(platform: &Platform) -> HTTPRoute {
    let gateway = &platform.security().gateway;
    let filter = HTTPRouteFilter {
        kind: "RequestRedirect".to_owned(),
        request_redirect: RequestRedirect { scheme: "https".to_owned(), status_code: 301 },
    };
    HTTPRoute {
        metadata: object_meta("https-redirect", &gateway.namespace, labels::platform(platform, "https-redirect")),
        spec: HTTPRouteSpec {
            parent_refs: vec![parent(platform, HTTP_LISTENER)],
            hostnames: Vec::new(),
            rules: vec![HTTPRouteRule {
                matches: vec![crate::crd::gateway_api::HTTPRouteMatch {
                    path: HTTPPathMatch { kind: "PathPrefix".to_owned(), value: "/".to_owned() },
                }],
                filters: vec![filter],
                backend_refs: Vec::new(),
            }],
        },
    }
}

/// The environment's ACME issuer: Let's Encrypt production only in production, its
/// staging directory elsewhere (untrusted certificates, generous rate limits).
pub fn cluster_issuer(platform: &Platform, env: Env) -> ClusterIssuer {
    let name = issuer_name(env);
    let server = if env == Env::Production { LETS_ENCRYPT } else { LETS_ENCRYPT_STAGING };
    ClusterIssuer {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some(name.clone()),
            labels: Some(labels::platform(platform, &name)),
            ..Default::default()
        },
        spec: ClusterIssuerSpec {
            acme: Acme {
                email: platform.security().acme_email.clone(),
                server: server.to_owned(),
                private_key_secret_ref: SecretKeySelector { name: format!("{name}-account") },
                solvers: vec![Solver {
                    http01: Http01 {
                        gateway_http_route: GatewayHttpRoute { parent_refs: vec![parent(platform, HTTP_LISTENER)] },
                    },
                }],
            },
        },
    }
}

/// The issuer's name, the same in every environment; only its directory differs.
fn issuer_name(_env: Env) -> String {
    "acme".to_owned()
}

/// A certificate per public host, renewed 30 days ahead with a fresh ECDSA key.
pub fn certificates(platform: &Platform, env: Env) -> Vec<Certificate> {
    let namespace = &platform.security().gateway.namespace;
    hosts(platform, env)
        .into_iter()
        .map(|host| Certificate {
            metadata: object_meta(&tls_secret(&host), namespace, labels::platform(platform, &tls_secret(&host))),
            spec: CertificateSpec {
                secret_name: tls_secret(&host),
                dns_names: vec![host],
                issuer_ref: IssuerRef {
                    name: issuer_name(env),
                    kind: "ClusterIssuer".to_owned(),
                    group: "cert-manager.io".to_owned(),
                },
                private_key: PrivateKey {
                    algorithm: "ECDSA".to_owned(),
                    size: 256,
                    rotation_policy: "Always".to_owned(),
                },
                renew_before: "720h".to_owned(),
            },
        })
        .collect()
}

fn gateway_target(platform: &Platform) -> Vec<PolicyTargetReference> {
    vec![PolicyTargetReference {
        group: "gateway.networking.k8s.io".to_owned(),
        kind: "Gateway".to_owned(),
        name: platform.security().gateway.name.clone(),
    }]
}

/// JWT validation at the gateway.
pub fn gateway_jwt(platform: &Platform, env: Env) -> RequestAuthentication {
    let gateway = &platform.security().gateway;
    RequestAuthentication {
        metadata: object_meta(
            &format!("{}-jwt", gateway.name),
            &gateway.namespace,
            labels::platform(platform, &gateway.name),
        ),
        spec: RequestAuthenticationSpec {
            selector: None,
            target_refs: gateway_target(platform),
            jwt_rules: vec![jwt_rule(platform, env)],
        },
    }
}

/// Public routes need a valid JWT, but for the anonymous paths of the services they
/// reach (login, token, signing keys), on those services' hosts; the HTTP listener
/// (redirects and ACME challenges) is open without one.
pub fn gateway_authorization(platform: &Platform, env: Env) -> AuthorizationPolicy {
    let gateway = &platform.security().gateway;
    let authenticated = Rule {
        from: vec![RuleFrom { source: Source { principals: Vec::new(), request_principals: vec!["*".to_owned()] } }],
        to: vec![RuleTo { operation: Operation { ports: vec!["443".to_owned()], ..Default::default() } }],
    };
    let redirects = Rule {
        from: Vec::new(),
        to: vec![RuleTo { operation: Operation { ports: vec!["80".to_owned()], ..Default::default() } }],
    };
    let domain = &platform.environments().get(env).domain;
    let anonymous = platform.services().values().flat_map(|service| {
        service.routes.iter().filter_map(move |route| {
            let paths: Vec<String> = service
                .anonymous_paths
                .iter()
                .filter(|p| p.starts_with(route.path.trim_end_matches('/')))
                .cloned()
                .collect();
            (!paths.is_empty()).then(|| Rule {
                from: Vec::new(),
                to: vec![RuleTo {
                    operation: Operation {
                        ports: vec!["443".to_owned()],
                        hosts: vec![format!("{}.{domain}", route.host)],
                        paths,
                    },
                }],
            })
        })
    });
    let mut rules = vec![authenticated, redirects];
    rules.extend(anonymous);
    AuthorizationPolicy {
        metadata: object_meta(
            &format!("{}-require-jwt", gateway.name),
            &gateway.namespace,
            labels::platform(platform, &gateway.name),
        ),
        spec: AuthorizationPolicySpec {
            selector: None,
            target_refs: gateway_target(platform),
            action: Some("ALLOW".to_owned()),
            rules,
        },
    }
}

/// Coraza's configuration: the OWASP Core Rule Set, blocking or detection-only.
#[derive(Debug, Serialize)]
struct CorazaConfig {
    default_directives: String,
    directives_map: BTreeMap<String, Vec<String>>,
}

/// The WAF on the gateway; it fails closed, so no request skips it.
pub fn waf(platform: &Platform, env: Env) -> WasmPlugin {
    let gateway = &platform.security().gateway;
    let engine = match platform.security().waf.mode.get(env) {
        WafMode::Block => "SecRuleEngine On",
        WafMode::DetectOnly => "SecRuleEngine DetectionOnly",
    };
    let directives = ["Include @recommended-conf", engine, "Include @crs-setup-conf", "Include @owasp_crs/*.conf"];
    let config = CorazaConfig {
        default_directives: "owasp-crs".to_owned(),
        directives_map: BTreeMap::from([("owasp-crs".to_owned(), directives.map(str::to_owned).to_vec())]),
    };
    WasmPlugin {
        metadata: object_meta(
            &format!("{}-waf", gateway.name),
            &gateway.namespace,
            labels::platform(platform, &gateway.name),
        ),
        spec: WasmPluginSpec {
            target_refs: gateway_target(platform),
            url: platform.security().waf.image.clone(),
            phase: "AUTHN".to_owned(),
            fail_strategy: "FAIL_CLOSE".to_owned(),
            plugin_config: serde_json::to_value(config).unwrap_or_default(),
        },
    }
}

/// Every object of the gateway component in `env`.
pub fn objects(platform: &Platform, env: Env) -> Result<Vec<super::Object>, crate::output::RenderError> {
    use super::Object;
    let flows = platform.connections().all().to_vec();
    let mut objects = vec![Object::new(&gateway(platform, env))?, Object::new(&redirect(platform))?];
    for certificate in certificates(platform, env) {
        objects.push(Object::new(&certificate)?);
    }
    objects.push(Object::new(&gateway_jwt(platform, env))?);
    objects.push(Object::new(&gateway_authorization(platform, env))?);
    objects.push(Object::new(&waf(platform, env))?);
    objects.push(Object::new(&super::network_policy::gateway_pods(platform, &flows))?);
    objects.push(Object::new(&super::network_policy::acme_solvers(platform))?);
    Ok(objects)
}
