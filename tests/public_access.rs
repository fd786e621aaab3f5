//! Who can get a first token: requests from the internet and from istiod, evaluated hop
//! by hop against the rendered Istio policies the way Istio evaluates ALLOW policies
//! (a request passes a workload when no ALLOW policy applies to it, or some rule of one
//! matches: every field of a rule's `from` and `to` that is set must match; a request
//! principal exists only when the request carried a valid JWT). An anonymous client
//! reaches exactly the anonymous paths, down to the service that answers them; a client
//! with a token reaches the rest; istiod fetches the signing keys without identity or
//! token. The api-gateway's contract is that `/<name>/<rest>` goes to `<name>-service`
//! as `/<rest>`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keiko_manifests::components::components;
use keiko_model::Platform;
use keiko_spec::Env;
use serde_json::Value;

fn keiko() -> Platform {
    Platform::new(keiko_spec::load("keiko.yaml", include_str!("../keiko.yaml")).unwrap())
}

/// One request as a workload's sidecar (or the gateway) sees it.
#[derive(Debug, Clone)]
struct Request<'a> {
    /// The caller's mesh identity (mTLS), if any.
    principal: Option<&'a str>,
    /// Whether a valid JWT came with it.
    token: bool,
    port: u32,
    host: &'a str,
    path: &'a str,
}

fn pattern_matches(pattern: &str, value: &str) -> bool {
    match (pattern.strip_suffix('*'), pattern.strip_prefix('*')) {
        _ if pattern == "*" => true,
        (Some(prefix), _) => value.starts_with(prefix),
        (_, Some(suffix)) => value.ends_with(suffix),
        _ => pattern == value,
    }
}

fn any_matches(list: &Value, value: Option<&str>) -> bool {
    match list.as_array() {
        None => true,
        Some(patterns) if patterns.is_empty() => true,
        Some(patterns) => value.is_some_and(|v| patterns.iter().any(|p| pattern_matches(p.as_str().unwrap(), v))),
    }
}

fn rule_matches(rule: &Value, request: &Request) -> bool {
    let from_ok = rule["from"].as_array().is_none_or(|sources| {
        sources.is_empty()
            || sources.iter().any(|s| {
                let source = &s["source"];
                any_matches(&source["principals"], request.principal)
                    && any_matches(&source["requestPrincipals"], request.token.then_some("issuer/subject"))
            })
    });
    let port = request.port.to_string();
    let to_ok = rule["to"].as_array().is_none_or(|operations| {
        operations.is_empty()
            || operations.iter().any(|o| {
                let operation = &o["operation"];
                any_matches(&operation["ports"], Some(&port))
                    && any_matches(&operation["hosts"], Some(request.host))
                    && any_matches(&operation["paths"], Some(request.path))
            })
    });
    from_ok && to_ok
}

/// Whether `request` passes the ALLOW policies in `policies` that apply.
fn allowed(policies: &[&Value], request: &Request) -> bool {
    policies.is_empty()
        || policies
            .iter()
            .any(|p| p["spec"]["rules"].as_array().is_some_and(|rules| rules.iter().any(|r| rule_matches(r, request))))
}

/// Every rendered object of `env`.
fn objects(platform: &Platform, env: Env) -> Vec<Value> {
    components(platform, env).unwrap().into_iter().flat_map(|c| c.objects).map(|o| o.value).collect()
}

/// The ALLOW policies that apply to the Gateway, or to the workload `name` of `namespace`.
fn policies<'a>(objects: &'a [Value], namespace: &str, name: Option<&str>) -> Vec<&'a Value> {
    objects
        .iter()
        .filter(|o| o["kind"] == "AuthorizationPolicy" && o["metadata"]["namespace"] == namespace)
        .filter(|o| o["spec"]["action"] == "ALLOW")
        .filter(|o| match name {
            None => o["spec"]["targetRefs"].as_array().is_some_and(|t| t.iter().any(|t| t["kind"] == "Gateway")),
            Some(name) => {
                let selector = &o["spec"]["selector"]["matchLabels"];
                o["spec"]["targetRefs"].is_null() && (selector.is_null() || selector["app.kubernetes.io/name"] == name)
            }
        })
        .collect()
}

/// Where a public request ends up, hop by hop, or the first hop that refuses it.
fn public_request(platform: &Platform, objects: &[Value], env: Env, path: &str, token: bool) -> Result<String, String> {
    let ns = platform.settings().namespace.as_str();
    let gateway = &platform.security().gateway;
    let host = format!("api.{}", platform.environments().get(env).domain);
    let at_gateway = Request { principal: None, token, port: 443, host: &host, path };
    if !allowed(&policies(objects, &gateway.namespace, None), &at_gateway) {
        return Err(format!("the gateway refuses {path}"));
    }
    let gateway_principal = format!("cluster.local/ns/{}/sa/{}-istio", gateway.namespace, gateway.name);
    let (entry, entry_port) = platform
        .services()
        .iter()
        .find_map(|(n, s)| {
            s.routes.first().map(|r| (n.clone(), s.ports.iter().find(|p| p.name == r.port).unwrap().port))
        })
        .unwrap();
    let to_entry = Request { principal: Some(&gateway_principal), token, port: entry_port, host: &host, path };
    if !allowed(&policies(objects, ns, Some(&entry)), &to_entry) {
        return Err(format!("{entry} refuses {path} from the gateway"));
    }
    // The api-gateway forwards /<name>/<rest> to <name>-service as /<rest>.
    let trimmed = path.trim_start_matches('/');
    let (prefix, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    let callee = format!("{prefix}-service");
    let Some(service) = platform.services().get(&callee) else { return Ok(entry) };
    let port = service.ports.iter().find(|p| p.name == "http").unwrap().port;
    let entry_principal = format!("cluster.local/ns/{ns}/sa/{entry}");
    let forwarded = format!("/{rest}");
    let hop = Request { principal: Some(&entry_principal), token, port, host: &host, path: &forwarded };
    if !allowed(&policies(objects, ns, Some(&callee)), &hop) {
        return Err(format!("{callee} refuses {forwarded} from {entry}"));
    }
    Ok(callee)
}

#[test]
fn an_anonymous_client_reaches_exactly_the_anonymous_paths() {
    let platform = keiko();
    for env in Env::ALL {
        let objects = objects(&platform, env);
        for path in ["/identity/login", "/identity/token", "/identity/.well-known/jwks.json"] {
            assert_eq!(
                public_request(&platform, &objects, env, path, false),
                Ok("identity-service".to_owned()),
                "{env}"
            );
        }
        for path in ["/identity/users", "/learning/courses", "/identity/loginx", "/"] {
            let refused = public_request(&platform, &objects, env, path, false);
            assert!(refused.is_err(), "{env}: an anonymous client reaches {path}: {refused:?}");
        }
        for path in ["/learning/courses", "/identity/users"] {
            assert!(
                public_request(&platform, &objects, env, path, true).is_ok(),
                "{env}: a client with a token is refused {path}"
            );
        }
    }
}

#[test]
fn the_published_signing_keys_are_public() {
    // Clients verify tokens with the keys at the environment's jwks_uri.
    let platform = keiko();
    for env in Env::ALL {
        let objects = objects(&platform, env);
        let uri = &platform.environments().get(env).jwt.jwks_uri;
        let path = &uri[uri.find(".app").unwrap() + 4..];
        assert!(public_request(&platform, &objects, env, path, false).is_ok(), "{env}: {uri} needs a token");
    }
}

#[test]
fn istiod_fetches_the_signing_keys_without_identity_or_token() {
    let platform = keiko();
    let jwks = &platform.security().jwks;
    let ns = platform.settings().namespace.as_str();
    let port = platform.services()[&jwks.service].ports.iter().find(|p| p.name == jwks.port).unwrap().port;
    for env in Env::ALL {
        let objects = objects(&platform, env);
        let host = format!("{}.{ns}.svc.cluster.local", jwks.service);
        let fetch = Request { principal: None, token: false, port, host: &host, path: &jwks.path };
        let policies = policies(&objects, ns, Some(&jwks.service));
        assert!(allowed(&policies, &fetch), "{env}: istiod cannot fetch {}", jwks.path);
        assert!(!allowed(&policies, &Request { path: "/login", ..fetch.clone() }), "{env}: plain text reaches /login");
        // Plain text is accepted on that port, and the NetworkPolicy lets istiod in.
        let peer_auth = objects
            .iter()
            .find(|o| o["kind"] == "PeerAuthentication" && o["metadata"]["name"] == jwks.service.as_str())
            .unwrap();
        assert_eq!(peer_auth["spec"]["portLevelMtls"][port.to_string()]["mode"], "PERMISSIVE", "{env}");
        let policy = objects
            .iter()
            .find(|o| o["kind"] == "NetworkPolicy" && o["metadata"]["name"] == jwks.service.as_str())
            .unwrap();
        let admits_istiod = policy["spec"]["ingress"].as_array().unwrap().iter().any(|rule| {
            rule["from"].as_array().unwrap().iter().any(|p| p["podSelector"]["matchLabels"]["app"] == "istiod")
                && rule["ports"].as_array().unwrap().iter().any(|p| p["port"] == port)
        });
        assert!(admits_istiod, "{env}: the NetworkPolicy of {} does not admit istiod", jwks.service);
        // Every RequestAuthentication fetches the keys there.
        let uri = format!("http://{host}:{port}{}", jwks.path);
        for ra in objects.iter().filter(|o| o["kind"] == "RequestAuthentication") {
            assert_eq!(ra["spec"]["jwtRules"][0]["jwksUri"], uri.as_str(), "{env}");
        }
    }
}

#[test]
fn a_gateway_that_demands_a_token_everywhere_is_caught() {
    let platform = keiko();
    let mut objects = objects(&platform, Env::Dev);
    for policy in objects.iter_mut().filter(|o| o["kind"] == "AuthorizationPolicy") {
        if let Some(rules) = policy["spec"]["rules"].as_array_mut() {
            rules.retain(|r| r["to"][0]["operation"]["paths"].is_null() || !r["from"].is_null());
        }
    }
    let refused = public_request(&platform, &objects, Env::Dev, "/identity/login", false);
    assert_eq!(refused, Err("the gateway refuses /identity/login".to_owned()));
}
