//! Where images and Wasm modules are pulled from, as network policies must open it: an
//! OCI reference (`oci://ghcr.io/corazawaf/coraza-proxy-wasm:0.6.0`, or a plain image
//! name) names its registry host and, optionally, a port; without one the client speaks
//! HTTPS on its default port (the OCI distribution spec's API is HTTPS; Istio's agent,
//! which fetches WasmPlugin modules for the proxy, and containerd both default to it).

/// HTTPS's port, which a registry host without a port is reached on.
pub const HTTPS_PORT: u16 = 443;

/// The registry host of `reference` (`ghcr.io`), without any port.
pub fn host(reference: &str) -> &str {
    let rest = reference.strip_prefix("oci://").unwrap_or(reference);
    let authority = rest.split('/').next().unwrap_or_default();
    authority.split(':').next().unwrap_or_default()
}

/// The port `reference`'s registry is reached on.
pub fn port(reference: &str) -> u16 {
    let rest = reference.strip_prefix("oci://").unwrap_or(reference);
    let authority = rest.split('/').next().unwrap_or_default();
    authority.split_once(':').and_then(|(_, port)| port.parse().ok()).unwrap_or(HTTPS_PORT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_names_its_host_and_port() {
        assert_eq!(host("oci://ghcr.io/corazawaf/coraza-proxy-wasm:0.6.0"), "ghcr.io");
        assert_eq!(port("oci://ghcr.io/corazawaf/coraza-proxy-wasm:0.6.0"), 443, "the tag is not a port");
        assert_eq!(port("oci://registry.example:5000/waf:1"), 5000);
        assert_eq!(host("registry.example:5000/waf:1"), "registry.example");
    }
}
