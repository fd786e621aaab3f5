//! Prometheus Operator (`monitoring.coreos.com`): ServiceMonitors, PrometheusRules and
//! AlertmanagerConfigs.

use kube::CustomResource;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which Services Prometheus scrapes, and how.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "monitoring.coreos.com", version = "v1", kind = "ServiceMonitor", namespaced, schema = "disabled")]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// The Services, by label.
    pub selector: Selector,
    /// The Services' namespaces.
    pub namespace_selector: NamespaceSelector,
    /// The ports scraped.
    pub endpoints: Vec<Endpoint>,
}

/// A label selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selector {
    /// Required labels.
    pub match_labels: BTreeMap<String, String>,
}

/// Namespaces by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSelector {
    /// The namespaces.
    pub match_names: Vec<String>,
}

/// One scraped port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// The Service port's name.
    pub port: String,
    /// The metrics path.
    pub path: String,
    /// How often.
    pub interval: String,
    /// How long a scrape may take.
    pub scrape_timeout: String,
}

/// Recording and alerting rules.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(group = "monitoring.coreos.com", version = "v1", kind = "PrometheusRule", namespaced, schema = "disabled")]
pub struct PrometheusRuleSpec {
    /// Rule groups.
    pub groups: Vec<RuleGroup>,
}

/// A group of rules evaluated together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleGroup {
    /// The group's name.
    pub name: String,
    /// Its rules.
    pub rules: Vec<Rule>,
}

/// An alerting or recording rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// The alert's name (alerting rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    /// The series recorded (recording rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// The PromQL expression.
    pub expr: String,
    /// How long the condition must hold before the alert fires.
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<String>,
    /// Labels added (severity, team).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Summary, description and runbook.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// Alertmanager routes and receivers of one namespace.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "monitoring.coreos.com",
    version = "v1alpha1",
    kind = "AlertmanagerConfig",
    namespaced,
    schema = "disabled"
)]
pub struct AlertmanagerConfigSpec {
    /// The routing tree.
    pub route: Route,
    /// Where notifications go.
    pub receivers: Vec<Receiver>,
}

/// A route: alerts matching it go to its receiver, or to a child route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// The receiver.
    pub receiver: String,
    /// Labels that group alerts into one notification.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
    /// Label matchers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matchers: Vec<Matcher>,
    /// Keep matching siblings after this route matches.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub r#continue: bool,
    /// Child routes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// How long a resolved-or-firing group waits before it notifies again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_interval: Option<String>,
}

/// A label matcher.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Matcher {
    /// The label.
    pub name: String,
    /// The value.
    pub value: String,
    /// `=`, `!=`, `=~` or `!~`.
    pub match_type: String,
}

/// A notification target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receiver {
    /// The receiver's name.
    pub name: String,
    /// Slack channels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slack_configs: Vec<SlackConfig>,
    /// E-mail addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_configs: Vec<EmailConfig>,
    /// PagerDuty services.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pagerduty_configs: Vec<PagerDutyConfig>,
}

/// A key of a Secret in the AlertmanagerConfig's namespace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretKey {
    /// The Secret.
    pub name: String,
    /// The key.
    pub key: String,
}

/// A Slack channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlackConfig {
    /// The webhook URL, from a Secret.
    #[serde(rename = "apiURL")]
    pub api_url: SecretKey,
    /// The channel.
    pub channel: String,
    /// Notify when alerts resolve too.
    pub send_resolved: bool,
}

/// An e-mail address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailConfig {
    /// The recipient.
    pub to: String,
    /// The sender.
    pub from: String,
    /// The SMTP server (`host:port`).
    pub smarthost: String,
    /// The SMTP user.
    pub auth_username: String,
    /// The SMTP password, from a Secret.
    pub auth_password: SecretKey,
    /// Notify when alerts resolve too.
    pub send_resolved: bool,
}

/// A PagerDuty service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PagerDutyConfig {
    /// The Events API v2 routing key, from a Secret.
    pub routing_key: SecretKey,
    /// Notify when alerts resolve too.
    pub send_resolved: bool,
}
