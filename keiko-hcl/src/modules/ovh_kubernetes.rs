//! Module `ovh-kubernetes`: the Managed Kubernetes cluster and its two node pools.
//!
//! Node pools carry the label `keiko.io/node-pool=<system|applications>`, and the system
//! pool alone the taint `keiko.io/node-pool=system:NoSchedule`: platform add-ons select and
//! tolerate it, services select `applications`.

use super::Module;
use crate::blocks::{Variable, ignore_changes, object_type, output, resource, sensitive_output, variable};
use crate::expr::{attr, bare, call, num, object, reference, string_map, var};
use crate::resources::{KUBE, KUBE_NODEPOOL};
use crate::validation::{at_least, matches, string_variable};
use hcl::expr::{BinaryOp, BinaryOperator};
use hcl::{Block, Body, Expression};

/// The node label every pool carries; its value is the pool name.
pub const NODE_POOL_LABEL: &str = "keiko.io/node-pool";
/// The pool that runs platform add-ons; it is tainted `NoSchedule` so services stay off it.
pub const SYSTEM_POOL: &str = "system";
/// The pool that runs services and stateful stores.
pub const APPLICATIONS_POOL: &str = "applications";
/// kube-proxy mode, pinned: left unset, the provider plans `iptables` while new clusters come
/// up `ipvs`, and every apply recreates the cluster (ovh/terraform-provider-ovh#1425).
pub const KUBE_PROXY_MODE: &str = "ipvs";
/// Patch upgrades happen in place with the fewest disruptions.
pub const UPDATE_POLICY: &str = "MINIMAL_DOWNTIME";

/// The `ovh-kubernetes` module.
pub fn module() -> Module {
    let main = Body::builder()
        .add_block(cluster())
        .add_block(node_pool(SYSTEM_POOL, true))
        .add_block(node_pool(APPLICATIONS_POOL, false))
        .build();
    Module { dir: "ovh-kubernetes", main, variables: variables(), outputs: outputs(), providers: &["ovh"] }
}

/// The cluster on the environment's private network: nodes and load balancers on its subnet,
/// all egress through the subnet's gateway (`private_network_routing_as_default`, with the
/// gateway the subnet's DHCP advertises: `default_vrack_gateway = ""`, as the provider's
/// docs show), and pod and Service ranges of the spec's choosing, so none overlaps the subnet.
fn cluster() -> Block {
    let routing = Block::builder("private_network_configuration")
        .add_attribute(("default_vrack_gateway", ""))
        .add_attribute(("private_network_routing_as_default", true))
        .build();
    let ranges = Block::builder("ip_allocation_policy")
        .add_attribute(("pods_ipv4_cidr", var("pods_cidr")))
        .add_attribute(("services_ipv4_cidr", var("services_cidr")))
        .build();
    resource(KUBE, "cluster")
        .add_attribute(("name", var("cluster_name")))
        .add_attribute(("region", var("region")))
        .add_attribute(("version", var("kubernetes_version")))
        .add_attribute(("kube_proxy_mode", KUBE_PROXY_MODE))
        .add_attribute(("update_policy", UPDATE_POLICY))
        .add_attribute(("private_network_id", var("private_network_id")))
        .add_attribute(("nodes_subnet_id", var("subnet_id")))
        .add_attribute(("load_balancers_subnet_id", var("subnet_id")))
        .add_block(routing)
        .add_block(ranges)
        .build()
}

/// A node pool; `tainted` pools repel every pod that does not tolerate the pool taint.
fn node_pool(name: &str, tainted: bool) -> Block {
    let size = |field: &str| attr(var(&format!("{name}_pool")), field);
    resource(KUBE_NODEPOOL, name)
        .add_attribute(("kube_id", reference(KUBE, &["cluster", "id"])))
        .add_attribute(("name", name))
        .add_attribute(("flavor_name", size("flavor")))
        .add_attribute(("desired_nodes", size("desired_nodes")))
        .add_attribute(("min_nodes", size("min_nodes")))
        .add_attribute(("max_nodes", size("max_nodes")))
        .add_attribute(("autoscale", true))
        .add_block(template(name, tainted))
        .add_block(ignore_changes(&["desired_nodes"]))
        .build()
}

/// The labels and taints every node of the pool gets.
fn template(name: &str, tainted: bool) -> Block {
    let taints = match tainted {
        true => {
            vec![object([("effect", "NoSchedule".into()), ("key", NODE_POOL_LABEL.into()), ("value", name.into())])]
        }
        false => Vec::new(),
    };
    let metadata = Block::builder("metadata")
        .add_attribute(("annotations", string_map([])))
        .add_attribute(("finalizers", Expression::Array(Vec::new())))
        .add_attribute(("labels", string_map([(NODE_POOL_LABEL, name)])))
        .build();
    let spec = Block::builder("spec")
        .add_attribute(("taints", Expression::Array(taints)))
        .add_attribute(("unschedulable", false))
        .build();
    Block::builder("template").add_block(metadata).add_block(spec).build()
}

fn variables() -> Body {
    let builder = Body::builder()
        .add_block(variable(Variable {
            name: "cluster_name",
            description: "The cluster name (keikolatam-<env>); ArgoCD's destinations use it.",
            kind: bare("string"),
            rules: vec![(matches("cluster_name", "^[a-z][a-z0-9-]{1,62}$"), "Use a DNS label.")],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "region",
            description: "The datacenter that hosts the cluster, such as GRA11 (MKS takes a datacenter, not GRA).",
            kind: bare("string"),
            rules: vec![(matches("region", "^[A-Z]+[0-9]+$"), "Use an OVHcloud datacenter such as GRA11.")],
            sensitive: false,
            default: None,
        }))
        .add_block(string_variable(
            "private_network_id",
            "The private network's regional OpenStack ID (module private-network).",
            "^.+$",
            "Give the network's ID.",
        ))
        .add_block(string_variable(
            "subnet_id",
            "The subnet of the nodes and load balancers (module private-network).",
            "^.+$",
            "Give the subnet's ID.",
        ))
        .add_block(cidr_variable("pods_cidr", "The pods' range (environments.<env>.network.pods)."))
        .add_block(cidr_variable("services_cidr", "The Services' range (environments.<env>.network.services)."))
        .add_block(variable(Variable {
            name: "kubernetes_version",
            description: "The Kubernetes minor version, pinned so plans never replace the cluster.",
            kind: bare("string"),
            rules: vec![(matches("kubernetes_version", "^1\\.[0-9]+$"), "Use a minor version such as 1.35.")],
            sensitive: false,
            default: None,
        }));
    [SYSTEM_POOL, APPLICATIONS_POOL].into_iter().fold(builder, |b, pool| b.add_block(pool_variable(pool))).build()
}

fn cidr_variable(name: &str, description: &str) -> Block {
    variable(Variable {
        name,
        description,
        kind: bare("string"),
        rules: vec![(call("can", [call("cidrhost", [var(name), num(0)])]), "Use a CIDR block such as 10.2.0.0/16.")],
        sensitive: false,
        default: None,
    })
}

fn pool_variable(pool: &str) -> Block {
    let name = format!("{pool}_pool");
    let field = |f: &str| attr(var(&name), f);
    let le = |a: Expression, b: Expression| -> Expression { BinaryOp::new(a, BinaryOperator::LessEq, b).into() };
    let ordered = BinaryOp::new(
        le(field("min_nodes"), field("desired_nodes")),
        BinaryOperator::And,
        le(field("desired_nodes"), field("max_nodes")),
    );
    variable(Variable {
        name: &name,
        description: "The pool's instance flavor and autoscaling bounds.",
        kind: object_type([
            ("flavor", "string"),
            ("desired_nodes", "number"),
            ("min_nodes", "number"),
            ("max_nodes", "number"),
        ]),
        rules: vec![
            (at_least(field("min_nodes"), 1), "min_nodes must be at least 1."),
            (ordered.into(), "desired_nodes must lie within min_nodes..max_nodes."),
        ],
        sensitive: false,
        default: None,
    })
}

fn outputs() -> Body {
    Body::builder()
        .add_block(output("id", "The cluster ID.", reference(KUBE, &["cluster", "id"])))
        .add_block(output("name", "The cluster name.", reference(KUBE, &["cluster", "name"])))
        .add_block(sensitive_output(
            "kubeconfig",
            "The admin kubeconfig (YAML).",
            reference(KUBE, &["cluster", "kubeconfig"]),
        ))
        .build()
}
