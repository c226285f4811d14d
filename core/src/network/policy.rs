//! NetworkPolicy, one direction at a time: is the pod isolated, and if so which policy's rule
//! lets this packet through.
//!
//! Each policy that selects the pod for a direction is a [`Rule`]; `on_packet` answers
//! [`Verdict::Pass`] (does not select the pod), [`Verdict::Allow`] (selects it and a rule
//! matches) or [`Verdict::Isolate`] (selects it, nothing matches). Unlike turmoil's first-wins
//! rules, NetworkPolicy is a union: the pod is isolated if any policy isolates it and the packet
//! passes if any isolating policy allows it, so order never matters.
//!
//! Always allowed, before any rule: traffic between a pod and its own node, and a pod reaching
//! itself. Ports are the destination pod's ports (after DNAT), named ports resolve against the
//! destination pod's container ports, and ipBlocks match any address, pod IPs included (the
//! spec leaves that to the plugin; Calico and Cilium match them).

use super::ip::{Cidr, Ipv4};
use super::trace::{Direction, PolicyOutcome, Proto};
use super::view::View;
use crate::api::*;

/// One end of a flow as NetworkPolicy sees it.
#[derive(Clone, Copy)]
pub struct Endpoint<'a> {
    pub ip: Ipv4,
    /// The pod at this address, if any (not for nodes, the workstation or the internet).
    pub pod: Option<&'a Pod>,
}

#[derive(Clone, Copy)]
pub struct Packet<'a> {
    pub src: Endpoint<'a>,
    pub dst: Endpoint<'a>,
    /// The destination port after DNAT.
    pub port: i32,
    pub proto: Proto,
}

/// One policy's answer for one packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The policy does not select the pod for this direction.
    Pass,
    /// It selects the pod and rule `rule` (0-based) matches.
    Allow { rule: usize },
    /// It selects the pod and no rule matches.
    Isolate,
}

pub trait Rule {
    fn on_packet(&self, view: &View<'_>, pkt: &Packet<'_>) -> Verdict;
}

/// A NetworkPolicy applied in one direction.
pub struct PolicyRule<'a> {
    pub policy: &'a NetworkPolicy,
    pub direction: Direction,
}

impl Rule for PolicyRule<'_> {
    fn on_packet(&self, view: &View<'_>, pkt: &Packet<'_>) -> Verdict {
        let (subject, peer) = match self.direction {
            Direction::Egress => (pkt.src, pkt.dst),
            Direction::Ingress => (pkt.dst, pkt.src),
        };
        let Some(pod) = subject.pod else {
            return Verdict::Pass;
        };
        let spec = &self.policy.spec;
        let (ingress, egress) = self.policy.effective_policy_types();
        let applies = match self.direction {
            Direction::Ingress => ingress,
            Direction::Egress => egress,
        };
        if !applies || !spec.pod_selector.matches(&pod.metadata.labels) {
            return Verdict::Pass;
        }
        let policy_ns = self
            .policy
            .metadata
            .namespace
            .as_deref()
            .unwrap_or("default");
        let rules: Vec<(&[NetworkPolicyPeer], &[NetworkPolicyPort])> = match self.direction {
            Direction::Ingress => spec
                .ingress
                .iter()
                .flatten()
                .map(|r| (r.from.as_slice(), r.ports.as_slice()))
                .collect(),
            Direction::Egress => spec
                .egress
                .iter()
                .flatten()
                .map(|r| (r.to.as_slice(), r.ports.as_slice()))
                .collect(),
        };
        for (i, (peers, ports)) in rules.into_iter().enumerate() {
            let peer_ok = peers.is_empty()
                || peers
                    .iter()
                    .any(|p| peer_matches(view, policy_ns, p, &peer));
            if peer_ok && ports_match(ports, pkt) {
                return Verdict::Allow { rule: i };
            }
        }
        Verdict::Isolate
    }
}

fn peer_matches(
    view: &View<'_>,
    policy_ns: &str,
    peer: &NetworkPolicyPeer,
    end: &Endpoint<'_>,
) -> bool {
    if let Some(block) = &peer.ip_block {
        let inside = Cidr::parse(&block.cidr).is_some_and(|c| c.contains(end.ip));
        let excepted = block
            .except
            .iter()
            .filter_map(|e| Cidr::parse(e))
            .any(|c| c.contains(end.ip));
        return inside && !excepted;
    }
    let Some(pod) = end.pod else {
        return false;
    };
    let pod_ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let ns_ok = match &peer.namespace_selector {
        None => pod_ns == policy_ns,
        Some(sel) => view
            .namespace_labels(pod_ns)
            .is_some_and(|labels| sel.matches(labels)),
    };
    let pod_ok = match &peer.pod_selector {
        None => peer.namespace_selector.is_some(),
        Some(sel) => sel.matches(&pod.metadata.labels),
    };
    ns_ok && pod_ok
}

fn ports_match(ports: &[NetworkPolicyPort], pkt: &Packet<'_>) -> bool {
    if ports.is_empty() {
        return true;
    }
    ports.iter().any(|p| {
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        if proto != pkt.proto.k8s() {
            return false;
        }
        match &p.port {
            None => true,
            Some(IntOrString::Int(n)) => match p.end_port {
                Some(end) => (*n..=end).contains(&pkt.port),
                None => *n == pkt.port,
            },
            Some(IntOrString::Str(name)) => pkt
                .dst
                .pod
                .and_then(|d| d.named_port(name, proto))
                .is_some_and(|n| n == pkt.port),
        }
    })
}

/// The NetworkPolicy decision for one direction of `pkt`; `None` when that end is not a pod.
pub fn evaluate(view: &View<'_>, pkt: &Packet<'_>, direction: Direction) -> Option<PolicyOutcome> {
    let (subject, peer) = match direction {
        Direction::Egress => (pkt.src, pkt.dst),
        Direction::Ingress => (pkt.dst, pkt.src),
    };
    let pod = subject.pod?;
    if subject.ip == peer.ip {
        return Some(PolicyOutcome::AlwaysAllowed {
            why: "a pod can always reach itself".into(),
        });
    }
    let own_node_ip = View::pod_node(pod).and_then(|n| view.node_ip(n));
    if own_node_ip == Some(peer.ip) {
        return Some(PolicyOutcome::AlwaysAllowed {
            why: "traffic with the pod's own node is always allowed".into(),
        });
    }
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut isolated_by = Vec::new();
    for name in view.ix.policies_by_namespace.get(ns).into_iter().flatten() {
        let Some(policy) = view.store.get_typed::<NetworkPolicy>(ns, name) else {
            continue;
        };
        match (PolicyRule { policy, direction }).on_packet(view, pkt) {
            Verdict::Pass => {}
            Verdict::Allow { rule } => {
                return Some(PolicyOutcome::Allowed {
                    policy: format!("{ns}/{name}"),
                    rule,
                })
            }
            Verdict::Isolate => isolated_by.push(format!("{ns}/{name}")),
        }
    }
    Some(if isolated_by.is_empty() {
        PolicyOutcome::NotIsolated
    } else {
        PolicyOutcome::Denied { isolated_by }
    })
}

/// True if an outcome lets the packet through.
pub fn passes(outcome: &Option<PolicyOutcome>) -> bool {
    !matches!(outcome, Some(PolicyOutcome::Denied { .. }))
}
