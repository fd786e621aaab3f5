//! The IDs of the policy rules: the names `security.exemptions` may give besides
//! checkov checks. Each ID is defined here once; the rules themselves live in the
//! checks layer (keiko-policy), which names each rule by its constant from this list
//! and holds the two to one another in a test, so an exemption of an unknown rule
//! is a spec error (exit 2) without the spec knowing the checks. KEIKO-SPEC-002 (the
//! backup floors) is retired: those are spec errors, checked once in validation.

/// `KEIKO-K8S-001`.
pub const K8S_001: &str = "KEIKO-K8S-001";
/// `KEIKO-K8S-002`.
pub const K8S_002: &str = "KEIKO-K8S-002";
/// `KEIKO-K8S-003`.
pub const K8S_003: &str = "KEIKO-K8S-003";
/// `KEIKO-K8S-004`.
pub const K8S_004: &str = "KEIKO-K8S-004";
/// `KEIKO-K8S-005`.
pub const K8S_005: &str = "KEIKO-K8S-005";
/// `KEIKO-K8S-006`.
pub const K8S_006: &str = "KEIKO-K8S-006";
/// `KEIKO-K8S-007`.
pub const K8S_007: &str = "KEIKO-K8S-007";
/// `KEIKO-K8S-008`.
pub const K8S_008: &str = "KEIKO-K8S-008";
/// `KEIKO-K8S-009`.
pub const K8S_009: &str = "KEIKO-K8S-009";
/// `KEIKO-K8S-010`.
pub const K8S_010: &str = "KEIKO-K8S-010";
/// `KEIKO-K8S-011`.
pub const K8S_011: &str = "KEIKO-K8S-011";
/// `KEIKO-K8S-012`.
pub const K8S_012: &str = "KEIKO-K8S-012";
/// `KEIKO-K8S-013`.
pub const K8S_013: &str = "KEIKO-K8S-013";
/// `KEIKO-K8S-014`.
pub const K8S_014: &str = "KEIKO-K8S-014";
/// `KEIKO-K8S-015`.
pub const K8S_015: &str = "KEIKO-K8S-015";
/// `KEIKO-K8S-016`.
pub const K8S_016: &str = "KEIKO-K8S-016";
/// `KEIKO-SPEC-001`.
pub const SPEC_001: &str = "KEIKO-SPEC-001";
/// `KEIKO-SPEC-003`.
pub const SPEC_003: &str = "KEIKO-SPEC-003";
/// `KEIKO-TF-001`.
pub const TF_001: &str = "KEIKO-TF-001";
/// `KEIKO-TF-002`.
pub const TF_002: &str = "KEIKO-TF-002";
/// `KEIKO-TF-003`.
pub const TF_003: &str = "KEIKO-TF-003";
/// `KEIKO-TF-004`.
pub const TF_004: &str = "KEIKO-TF-004";

/// Every rule ID, in order.
pub const ALL: [&str; 22] = [
    K8S_001, K8S_002, K8S_003, K8S_004, K8S_005, K8S_006, K8S_007, K8S_008, K8S_009, K8S_010, K8S_011, K8S_012,
    K8S_013, K8S_014, K8S_015, K8S_016, SPEC_001, SPEC_003, TF_001, TF_002, TF_003, TF_004,
];
