//! A service's public routes (HTTPRoute, or GRPCRoute for gRPC ports) and the Istio
//! local rate limit that caps each replica's request rate.

use super::gateway::{listener_name, parent};
use super::meta::object_meta;
use crate::crd::gateway_api::{
    BackendRef, GRPCRoute, GRPCRouteRule, GRPCRouteSpec, HTTPPathMatch, HTTPRoute, HTTPRouteMatch, HTTPRouteRule,
    HTTPRouteSpec,
};
use crate::crd::istio::{EnvoyConfigPatch, EnvoyFilter, EnvoyFilterSpec, EnvoyWorkloadSelector};
use crate::output::RenderError;
use keiko_model::Platform;
use keiko_spec::Env;
use keiko_spec::service::{Protocol, Route, Service};
use serde::Serialize;
use std::collections::BTreeMap;

use super::object::Object;

/// The route objects of a service, one per route in the spec.
pub fn objects(
    platform: &Platform,
    name: &str,
    service: &Service,
    env: Env,
    labels: &BTreeMap<String, String>,
) -> Result<Vec<Object>, RenderError> {
    let namespace = &platform.settings().namespace;
    let domain = &platform.environments().get(env).domain;
    let mut objects = Vec::new();
    for (index, route) in service.routes.iter().enumerate() {
        let Some(port) = service.ports.iter().find(|p| p.name == route.port) else { continue };
        let host = format!("{}.{domain}", route.host);
        let meta = object_meta(&format!("{name}-{index}"), namespace, labels.clone());
        let parents = vec![parent(platform, &listener_name(&host))];
        let backend = vec![BackendRef { name: name.to_owned(), port: keiko_model::platform::int32(port.port) }];
        objects.push(match port.protocol {
            Protocol::Grpc => Object::new(&GRPCRoute {
                metadata: meta,
                spec: GRPCRouteSpec {
                    parent_refs: parents,
                    hostnames: vec![host],
                    rules: vec![GRPCRouteRule { backend_refs: backend }],
                },
            })?,
            _ => Object::new(&http_route(meta, parents, host, route, backend))?,
        });
    }
    if let Some(limit) = service.routes.iter().map(|r| r.rate_limit_per_second).min() {
        objects.push(Object::new(&rate_limit(namespace, name, limit, labels.clone()))?);
    }
    Ok(objects)
}

fn http_route(
    metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    parent_refs: Vec<crate::crd::gateway_api::ParentReference>,
    host: String,
    route: &Route,
    backend_refs: Vec<BackendRef>,
) -> HTTPRoute {
    let matches =
        vec![HTTPRouteMatch { path: HTTPPathMatch { kind: "PathPrefix".to_owned(), value: route.path.clone() } }];
    HTTPRoute {
        metadata,
        spec: HTTPRouteSpec {
            parent_refs,
            hostnames: vec![host],
            rules: vec![HTTPRouteRule { matches, filters: Vec::new(), backend_refs }],
        },
    }
}

/// Envoy's local rate limit filter: a token bucket refilled every second.
#[derive(Debug, Serialize)]
struct LocalRateLimit {
    #[serde(rename = "@type")]
    kind: String,
    stat_prefix: String,
    token_bucket: TokenBucket,
    filter_enabled: RuntimeFraction,
    filter_enforced: RuntimeFraction,
}

#[derive(Debug, Serialize)]
struct TokenBucket {
    max_tokens: u32,
    tokens_per_fill: u32,
    fill_interval: String,
}

#[derive(Debug, Serialize)]
struct RuntimeFraction {
    runtime_key: String,
    default_value: Percent,
}

#[derive(Debug, Serialize)]
struct Percent {
    numerator: u32,
    denominator: String,
}

#[derive(Debug, Serialize)]
struct FilterPatch {
    operation: String,
    value: NamedFilter,
}

#[derive(Debug, Serialize)]
struct NamedFilter {
    name: String,
    typed_config: LocalRateLimit,
}

#[derive(Debug, Serialize)]
struct ListenerMatch {
    context: String,
    listener: FilterChainMatch,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FilterChainMatch {
    filter_chain: FilterMatch,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FilterMatch {
    filter: SubFilter,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SubFilter {
    name: String,
    sub_filter: Name,
}

#[derive(Debug, Serialize)]
struct Name {
    name: String,
}

/// Each replica accepts at most `per_second` requests a second on its inbound side
/// (the strictest limit among the service's routes); excess requests get 429.
fn rate_limit(namespace: &str, name: &str, per_second: u32, labels: BTreeMap<String, String>) -> EnvoyFilter {
    let fraction = |key: &str| RuntimeFraction {
        runtime_key: format!("local_rate_limit_{key}"),
        default_value: Percent { numerator: 100, denominator: "HUNDRED".to_owned() },
    };
    let filter = LocalRateLimit {
        kind: "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit".to_owned(),
        stat_prefix: "http_local_rate_limiter".to_owned(),
        token_bucket: TokenBucket {
            max_tokens: per_second,
            tokens_per_fill: per_second,
            fill_interval: "1s".to_owned(),
        },
        filter_enabled: fraction("enabled"),
        filter_enforced: fraction("enforced"),
    };
    let patch = FilterPatch {
        operation: "INSERT_BEFORE".to_owned(),
        value: NamedFilter { name: "envoy.filters.http.local_ratelimit".to_owned(), typed_config: filter },
    };
    let matcher = ListenerMatch {
        context: "SIDECAR_INBOUND".to_owned(),
        listener: FilterChainMatch {
            filter_chain: FilterMatch {
                filter: SubFilter {
                    name: "envoy.filters.network.http_connection_manager".to_owned(),
                    sub_filter: Name { name: "envoy.filters.http.router".to_owned() },
                },
            },
        },
    };
    EnvoyFilter {
        metadata: object_meta(&format!("{name}-rate-limit"), namespace, labels),
        spec: EnvoyFilterSpec {
            workload_selector: EnvoyWorkloadSelector { labels: super::labels::selector(name) },
            config_patches: vec![EnvoyConfigPatch {
                apply_to: "HTTP_FILTER".to_owned(),
                match_: serde_json::to_value(matcher).unwrap_or_default(),
                patch: serde_json::to_value(patch).unwrap_or_default(),
            }],
        },
    }
}
