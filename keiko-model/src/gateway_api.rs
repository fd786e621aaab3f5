//! The Kubernetes Gateway API CRDs, which no chart installs (Istio's `base` chart ships
//! only the Istio CRDs, istio/istio `manifests/charts/base/files/crd-all.gen.yaml` at
//! 1.30.3) while the gateway component emits Gateway and HTTPRoute objects and
//! cert-manager solves HTTP-01 through HTTPRoutes. An Argo CD Application syncs them
//! from the upstream repository's standard channel, before the charts that use them.

use crate::charts::{Kind, kind};

/// The upstream repository.
pub const REPOSITORY: &str = "https://github.com/kubernetes-sigs/gateway-api";

/// The release: the bundle version of the CRDs under `tests/crds/gateway-api` (their
/// `gateway.networking.k8s.io/bundle-version` annotation), which Istio 1.30.3 serves
/// (it reads Gateway, GatewayClass, HTTPRoute, GRPCRoute at v1 and ReferenceGrant at
/// v1beta1, `pkg/config/schema/metadata.yaml`).
pub const VERSION: &str = "v1.6.1";

/// The standard channel's CRDs in the repository at [`VERSION`].
pub const PATH: &str = "config/crd/standard";

/// Files of [`PATH`] left out: at v1.6.1 TCPRoute and UDPRoute are served at v1 only,
/// while istiod 1.30.3 watches them at v1alpha2; no component of the platform uses them.
pub const EXCLUDE: &str = "{gateway.networking.k8s.io_tcproutes.yaml,gateway.networking.k8s.io_udproutes.yaml}";

/// The Application's name and sync wave: before cert-manager (-8), whose Gateway API
/// support needs the CRDs at start-up, and before istiod (-7).
pub const APPLICATION: &str = "gateway-api";
/// See [`APPLICATION`].
pub const WAVE: i32 = -9;

/// The CRDs the Application installs (standard channel at v1.6.1, less [`EXCLUDE`]).
pub const CRDS: [Kind; 8] = [
    kind(GROUP, "BackendTLSPolicy"),
    kind(GROUP, "GatewayClass"),
    kind(GROUP, "Gateway"),
    kind(GROUP, "GRPCRoute"),
    kind(GROUP, "HTTPRoute"),
    kind(GROUP, "ListenerSet"),
    kind(GROUP, "ReferenceGrant"),
    kind(GROUP, "TLSRoute"),
];

/// The cluster-scoped objects besides the CRDs: `gateway.networking.k8s.io_vap_safeupgrades.yaml`
/// holds a ValidatingAdmissionPolicy and its binding (`safe-upgrades.gateway.networking.k8s.io`),
/// which refuse a downgrade of the CRDs.
pub const CLUSTER_SCOPED: [Kind; 2] = [
    kind("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    kind("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
];

/// The API group.
pub const GROUP: &str = "gateway.networking.k8s.io";
