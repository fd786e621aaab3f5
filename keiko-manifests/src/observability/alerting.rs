//! Alert delivery: an AlertmanagerConfig that pages on critical alerts, posts every
//! alert to its team's Slack channel and mails everything; the credentials come from
//! the secret manager through an ExternalSecret.

use super::alerts::PLATFORM_TEAM;
use crate::crd::external_secrets::{
    ExternalSecret, ExternalSecretData, ExternalSecretSpec, RemoteRef, StoreRef, Target,
};
use crate::crd::prometheus::{
    AlertmanagerConfig, AlertmanagerConfigSpec, EmailConfig, Matcher, PagerDutyConfig, Receiver, Route, SecretKey,
    SlackConfig,
};
use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use crate::k8s::secrets::{REFRESH, STORE};
use keiko_model::Platform;
use std::collections::BTreeSet;

/// The Secret holding the receivers' credentials.
pub const RECEIVERS_SECRET: &str = "alertmanager-receivers";
/// Where the credentials live in the secret manager.
pub const RECEIVERS_KEY: &str = keiko_model::secrets::ALERT_RECEIVERS;

/// Every team that receives alerts: the services' owners and the platform team.
pub fn teams(platform: &Platform) -> BTreeSet<String> {
    let mut teams: BTreeSet<String> = platform.services().values().map(|s| s.team.clone()).collect();
    teams.extend(platform.stateful().values().map(|s| s.team.clone()));
    teams.insert(PLATFORM_TEAM.to_owned());
    teams
}

fn slack_key(team: &str) -> String {
    format!("slack-{team}")
}

/// The receivers' credentials, synced from the secret manager.
pub fn receivers_secret(platform: &Platform, namespace: &str) -> ExternalSecret {
    let mut keys: Vec<String> = teams(platform).iter().map(|team| slack_key(team)).collect();
    keys.extend(["pagerduty-routing-key".to_owned(), "smtp-password".to_owned()]);
    ExternalSecret {
        metadata: object_meta(RECEIVERS_SECRET, namespace, labels::platform(platform, RECEIVERS_SECRET)),
        spec: ExternalSecretSpec {
            refresh_interval: REFRESH.to_owned(),
            secret_store_ref: StoreRef { name: STORE.to_owned(), kind: "ClusterSecretStore".to_owned() },
            target: Target { name: RECEIVERS_SECRET.to_owned(), creation_policy: "Owner".to_owned(), template: None },
            data: keys
                .into_iter()
                .map(|key| ExternalSecretData {
                    secret_key: key.clone(),
                    remote_ref: RemoteRef { key: RECEIVERS_KEY.to_owned(), property: key },
                })
                .collect(),
        },
    }
}

/// Routes: critical alerts page (and go on), every alert reaches its team's channel,
/// and the mail receiver gets whatever no route took.
pub fn config(platform: &Platform, namespace: &str) -> AlertmanagerConfig {
    let matcher = |name: &str, value: &str| Matcher {
        name: name.to_owned(),
        value: value.to_owned(),
        match_type: "=".to_owned(),
    };
    let mut routes = vec![Route {
        receiver: "pagerduty".to_owned(),
        group_by: Vec::new(),
        matchers: vec![matcher("severity", "critical")],
        r#continue: true,
        routes: Vec::new(),
        repeat_interval: Some("1h".to_owned()),
    }];
    routes.extend(teams(platform).into_iter().map(|team| Route {
        receiver: slack_key(&team),
        group_by: Vec::new(),
        matchers: vec![matcher("team", &team)],
        r#continue: true,
        routes: Vec::new(),
        repeat_interval: None,
    }));
    let mut receivers = vec![email(platform), pagerduty()];
    receivers.extend(teams(platform).into_iter().map(|team| slack(platform, &team)));
    AlertmanagerConfig {
        metadata: object_meta("keiko", namespace, labels::platform(platform, "keiko")),
        spec: AlertmanagerConfigSpec {
            route: Route {
                receiver: "email".to_owned(),
                group_by: vec!["alertname".to_owned(), "team".to_owned()],
                matchers: Vec::new(),
                r#continue: false,
                routes,
                repeat_interval: Some("4h".to_owned()),
            },
            receivers,
        },
    }
}

fn secret(key: &str) -> SecretKey {
    SecretKey { name: RECEIVERS_SECRET.to_owned(), key: key.to_owned() }
}

fn email(platform: &Platform) -> Receiver {
    let alerting = &platform.observability().alerting;
    Receiver {
        name: "email".to_owned(),
        slack_configs: Vec::new(),
        email_configs: vec![EmailConfig {
            to: alerting.email_to.clone(),
            from: alerting.email_from.clone(),
            smarthost: alerting.smtp_relay.clone(),
            auth_username: alerting.email_from.clone(),
            auth_password: secret("smtp-password"),
            send_resolved: true,
        }],
        pagerduty_configs: Vec::new(),
    }
}

fn pagerduty() -> Receiver {
    Receiver {
        name: "pagerduty".to_owned(),
        slack_configs: Vec::new(),
        email_configs: Vec::new(),
        pagerduty_configs: vec![PagerDutyConfig { routing_key: secret("pagerduty-routing-key"), send_resolved: true }],
    }
}

fn slack(platform: &Platform, team: &str) -> Receiver {
    Receiver {
        name: slack_key(team),
        slack_configs: vec![SlackConfig {
            api_url: secret(&slack_key(team)),
            channel: format!("{}-{team}", platform.observability().alerting.slack_channel_prefix),
            send_resolved: true,
        }],
        email_configs: Vec::new(),
        pagerduty_configs: Vec::new(),
    }
}
