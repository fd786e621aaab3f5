//! Module `private-network`: the environment's private network in the project's vRack, its
//! one subnet, and the OVHcloud Gateway that gives it public egress (ADR 0018).
//!
//! The cluster's nodes, its load balancers and the managed PostgreSQL service all sit on
//! this subnet, so the database's allow-list is the subnet, not the nodes' public egress
//! addresses, which change as node pools scale. Since Kubernetes 1.32 a public
//! LoadBalancer Service on MKS needs a subnet with a Gateway (../shared/ovh notes).
//!
//! Two IDs come out of it (ovh/ovh v2.19.0): the network's `id` is the vRack network
//! (`pn-…`), which only the subnet takes; the gateway, the cluster and the database take the
//! regional OpenStack network ID, read as the provider's docs do
//! (`tolist(regions_attributes[*].openstackid)[0]`, one region here).

use super::Module;
use crate::blocks::{Variable, output, resource, variable};
use crate::expr::{bare, call, index, num, reference, var};
use crate::resources::{GATEWAY, NETWORK_PRIVATE, NETWORK_PRIVATE_SUBNET};
use crate::validation::string_variable;
use hcl::expr::{Traversal, TraversalOperator, Variable as Root};
use hcl::{Block, Body, Expression, Identifier};

/// The Gateway model: `s`, the smallest, as in the provider's examples; the platform's
/// egress (image pulls, ACME, webhooks, OKMS) is light.
pub const GATEWAY_MODEL: &str = "s";

/// The `private-network` module.
pub fn module() -> Module {
    let main = Body::builder().add_block(network()).add_block(subnet()).add_block(gateway()).build();
    Module { dir: "private-network", main, variables: variables(), outputs: outputs(), providers: &["ovh"] }
}

fn network() -> Block {
    resource(NETWORK_PRIVATE, "network")
        .add_attribute(("name", var("name")))
        .add_attribute(("vlan_id", var("vlan_id")))
        .add_attribute(("regions", Expression::Array(vec![var("region")])))
        .build()
}

/// One subnet with DHCP; its first address is the subnet's gateway (`no_gateway = false`),
/// the pool the rest but the last.
fn subnet() -> Block {
    resource(NETWORK_PRIVATE_SUBNET, "subnet")
        .add_attribute(("network_id", reference(NETWORK_PRIVATE, &["network", "id"])))
        .add_attribute(("region", var("region")))
        .add_attribute(("network", var("subnet")))
        .add_attribute(("start", call("cidrhost", [var("subnet"), num(2)])))
        .add_attribute(("end", call("cidrhost", [var("subnet"), Expression::from(-2)])))
        .add_attribute(("dhcp", true))
        .add_attribute(("no_gateway", false))
        .build()
}

/// `tolist(ovh_cloud_project_network_private.network.regions_attributes[*].openstackid)[0]`.
pub fn openstack_id() -> Expression {
    let splat = Traversal::new(
        Root::unchecked(NETWORK_PRIVATE),
        [
            TraversalOperator::GetAttr(Identifier::unchecked("network")),
            TraversalOperator::GetAttr(Identifier::unchecked("regions_attributes")),
            TraversalOperator::FullSplat,
            TraversalOperator::GetAttr(Identifier::unchecked("openstackid")),
        ],
    );
    index(call("tolist", [splat.into()]), num(0))
}

fn gateway() -> Block {
    resource(GATEWAY, "gateway")
        .add_attribute(("name", var("name")))
        .add_attribute(("model", GATEWAY_MODEL))
        .add_attribute(("region", var("region")))
        .add_attribute(("network_id", openstack_id()))
        .add_attribute(("subnet_id", reference(NETWORK_PRIVATE_SUBNET, &["subnet", "id"])))
        .build()
}

fn variables() -> Body {
    Body::builder()
        .add_block(string_variable(
            "name",
            "The network's and the gateway's name: the environment's cluster name.",
            "^[a-z][a-z0-9-]+$",
            "Use a DNS label.",
        ))
        .add_block(string_variable(
            "region",
            "The datacenter of the cluster, such as GRA11: network, subnet and gateway live there.",
            "^[A-Z]+[0-9]+$",
            "Use an OVHcloud datacenter such as GRA11.",
        ))
        .add_block(variable(Variable {
            name: "vlan_id",
            description: "The VLAN of the network in the vRack (environments.<env>.network.vlan_id).",
            kind: bare("number"),
            rules: vec![(
                hcl::expr::BinaryOp::new(
                    crate::validation::at_least(var("vlan_id"), 1),
                    hcl::expr::BinaryOperator::And,
                    hcl::expr::BinaryOp::new(var("vlan_id"), hcl::expr::BinaryOperator::LessEq, num(4000)),
                )
                .into(),
                "Use a VLAN from 1 to 4000.",
            )],
            sensitive: false,
            default: None,
        }))
        .add_block(variable(Variable {
            name: "subnet",
            description: "The subnet of nodes, load balancers and the database (environments.<env>.network.subnet).",
            kind: bare("string"),
            rules: vec![(
                call("can", [call("cidrhost", [var("subnet"), num(0)])]),
                "Use a CIDR block such as 10.10.0.0/24.",
            )],
            sensitive: false,
            default: None,
        }))
        .build()
}

fn outputs() -> Body {
    Body::builder()
        .add_block(output(
            "openstack_id",
            "The network's regional OpenStack ID, which the cluster and the database take.",
            openstack_id(),
        ))
        .add_block(output("subnet_id", "The subnet's ID.", reference(NETWORK_PRIVATE_SUBNET, &["subnet", "id"])))
        .add_block(output("gateway_id", "The gateway's ID.", reference(GATEWAY, &["gateway", "id"])))
        .build()
}
