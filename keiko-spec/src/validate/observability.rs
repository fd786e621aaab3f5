//! Rules for the observability settings.

use super::{Checks, names};
use crate::document::RawSpec;
use crate::error::SpecPath;

pub(super) fn check(raw: &RawSpec, checks: &mut Checks) {
    let path = SpecPath::root().key("observability");
    let settings = &raw.observability;
    checks.dns_label(&path.key("namespace"), &settings.namespace);
    let taken = raw.platform.namespace == settings.namespace
        || raw.security.gateway.namespace == settings.namespace
        || raw.stateful.values().any(|s| s.namespace == settings.namespace);
    checks.require(!taken, &path.key("namespace"), || "observability needs a namespace of its own".into());
    let pinned =
        settings.collector_image.rsplit_once(':').is_some_and(|(_, tag)| names::is_image_tag(tag) && tag != "latest");
    checks.require(pinned, &path.key("collector_image"), || {
        format!("`{}` must carry a pinned version tag", settings.collector_image)
    });
    let version = settings.elastic_version.split('.').collect::<Vec<_>>();
    checks.require(
        version.len() == 3 && version.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
        &path.key("elastic_version"),
        || format!("`{}` is not an exact version such as 9.1.3", settings.elastic_version),
    );
    for (env, percent) in settings.trace_sampling_percent.iter() {
        checks.require((1..=100).contains(percent), &path.key("trace_sampling_percent").key(env.name()), || {
            format!("must be 1..=100, got {percent}")
        });
    }
    for (env, days) in settings.log_retention_days.iter() {
        checks.require(*days >= 1, &path.key("log_retention_days").key(env.name()), || {
            "logs must be kept at least a day".into()
        });
    }
    // Jaeger keeps its spans in the log store and reads its credentials and CA from the
    // Secrets ECK writes there, so it runs in the same namespace.
    for (name, addon) in raw.addons.iter().filter(|(_, a)| a.chart == "jaeger") {
        checks.require(
            addon.namespace == settings.namespace,
            &SpecPath::root().key("addons").key(name).key("namespace"),
            || {
                format!(
                    "Jaeger stores traces in the log store and must run in `{}` (observability.namespace), not `{}`",
                    settings.namespace, addon.namespace
                )
            },
        );
    }
    for (env, days) in settings.trace_retention_days.iter() {
        checks.require(*days >= 1, &path.key("trace_retention_days").key(env.name()), || {
            "traces must be kept at least a day".into()
        });
    }
    for (env, store) in settings.elasticsearch.iter() {
        let at = path.key("elasticsearch").key(env.name());
        checks.require(store.nodes >= 1, &at.key("nodes"), || "at least one node".into());
        checks.quantity(&at.key("storage"), &store.storage);
        checks.dns_label(&at.key("storage_class"), &store.storage_class);
    }
    let alerting = &settings.alerting;
    for (field, address) in [("email_to", &alerting.email_to), ("email_from", &alerting.email_from)] {
        let domain = address.split_once('@').map(|(_, d)| d).unwrap_or_default();
        checks.require(names::is_host_name(domain), &path.key("alerting").key(field), || {
            format!("`{address}` is not an e-mail address")
        });
    }
    let relay = alerting
        .smtp_relay
        .rsplit_once(':')
        .is_some_and(|(host, port)| names::is_host_name(host) && port.parse::<u16>().is_ok_and(|p| p > 0));
    checks.require(relay, &path.key("alerting").key("smtp_relay"), || {
        format!("`{}` must be host:port", alerting.smtp_relay)
    });
    checks.require(
        alerting.slack_channel_prefix.starts_with('#'),
        &path.key("alerting").key("slack_channel_prefix"),
        || "a Slack channel starts with #".into(),
    );
}
