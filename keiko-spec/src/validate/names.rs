//! Name rules: DNS-1123 labels, host names, port names, environment variables, image tags.

/// A DNS-1123 label: 1 to 63 lowercase letters, digits and `-`, starting and ending
/// with a letter or digit. Kubernetes object and namespace names follow it.
pub fn is_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// A fully qualified host name: DNS labels joined by dots, at most 253 characters,
/// with at least two labels.
pub fn is_host_name(host: &str) -> bool {
    host.len() <= 253 && host.split('.').count() >= 2 && host.split('.').all(is_dns_label)
}

/// An IANA service name, as Kubernetes requires of port names: at most 15 characters,
/// lowercase letters, digits and `-`, at least one letter, no `--`, not at either end.
pub fn is_port_name(name: &str) -> bool {
    name.len() <= 15 && is_dns_label(name) && name.bytes().any(|b| b.is_ascii_lowercase()) && !name.contains("--")
}

/// A POSIX environment variable name in upper case: `[A-Z_][A-Z0-9_]*`.
pub fn is_env_var(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// A ConfigMap key: letters, digits, `-`, `_` and `.`, at most 253 characters.
pub fn is_config_key(key: &str) -> bool {
    (1..=253).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// A Docker image tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn is_image_tag(tag: &str) -> bool {
    let mut bytes = tag.bytes();
    tag.len() <= 128
        && bytes.next().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

/// An image digest: `sha256:` and 64 lowercase hex digits.
pub fn is_digest(tag: &str) -> bool {
    tag.strip_prefix("sha256:").is_some_and(|hex| is_lower_hex(hex, 64))
}

/// A full Git commit SHA: 40 lowercase hex digits.
pub fn is_commit_sha(tag: &str) -> bool {
    is_lower_hex(tag, 40)
}

fn is_lower_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A URL path prefix: starts with `/`, printable ASCII without spaces, `?` or `#`.
pub fn is_http_path(path: &str) -> bool {
    path.starts_with('/') && path.bytes().all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#')
}

/// Whether `id` is a UUID in its canonical 8-4-4-4-12 lowercase hex form.
pub fn is_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels_follow_rfc_1123() {
        assert!(is_dns_label("learning-service"));
        assert!(is_dns_label("a"));
        assert!(!is_dns_label("Learning"));
        assert!(!is_dns_label("-a"));
        assert!(!is_dns_label("a-"));
        assert!(!is_dns_label(""));
        assert!(!is_dns_label(&"a".repeat(64)));
    }

    #[test]
    fn host_names_need_two_valid_labels() {
        assert!(is_host_name("dev.keikolatam.app"));
        assert!(!is_host_name("localhost"));
        assert!(!is_host_name("bad_host.example"));
        assert!(!is_host_name("a..b"));
    }

    #[test]
    fn port_names_are_iana_service_names() {
        assert!(is_port_name("http"));
        assert!(is_port_name("grpc-web"));
        assert!(!is_port_name("8080"));
        assert!(!is_port_name("a--b"));
        assert!(!is_port_name("sixteen-chars-xx"));
    }

    #[test]
    fn tags_digests_and_shas_are_told_apart() {
        assert!(is_image_tag("v1.2.3"));
        assert!(!is_image_tag(".hidden"));
        assert!(is_commit_sha(&"a".repeat(40)));
        assert!(!is_commit_sha(&"A".repeat(40)));
        assert!(is_digest(&format!("sha256:{}", "0".repeat(64))));
        assert!(!is_digest("sha256:abc"));
    }

    #[test]
    fn env_vars_and_paths() {
        assert!(is_env_var("DATABASE_URL"));
        assert!(!is_env_var("1ABC"));
        assert!(!is_env_var("lower"));
        assert!(is_http_path("/identity"));
        assert!(!is_http_path("identity"));
        assert!(!is_http_path("/a b"));
    }
}
