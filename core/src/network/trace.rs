//! The trace of one request: a closed list of hops with simulated timings, naming Kubernetes
//! objects (pods, Services, chains, policies) and never screen positions, so the terminal's
//! `explain`, the tests and the page's animation all read the same data.
//!
//! Traces serialize to JSON (`{"kind": "KubeProxy", …}` per hop) for front ends that want them
//! as data. Timings are simulated milliseconds from the start of the command, fixed per hop kind (see
//! [`latency`]), so a trace is a pure function of the cluster state and the PRNG.

use std::fmt;

use serde::Serialize;

/// Fixed simulated latencies, in milliseconds.
pub mod latency {
    /// One DNS question and its answer from CoreDNS.
    pub const DNS_MS: u64 = 1;
    /// A TCP handshake or a datagram between two hosts.
    pub const HOP_MS: u64 = 1;
    /// A resolver waiting for an answer that never comes (glibc `timeout:5`, 2 attempts).
    pub const DNS_TIMEOUT_MS: u64 = 10_000;
    /// The kernel giving up on a SYN that gets no answer (6 retries, ~130 s).
    pub const SYN_TIMEOUT_MS: u64 = 130_000;
}

/// A probability written the way iptables rules read: `1/3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Ratio {
    pub num: u32,
    pub den: u32,
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Proto {
    Tcp,
    Udp,
    Icmp,
}

impl Proto {
    /// The Kubernetes spelling (`TCP`), as in Service and NetworkPolicy ports.
    pub fn k8s(self) -> &'static str {
        match self {
            Proto::Tcp => "TCP",
            Proto::Udp => "UDP",
            Proto::Icmp => "ICMP",
        }
    }
}

/// What a destination address turned out to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind")]
pub enum Target {
    /// A Service's cluster IP (`ns/name`).
    ClusterIp { service: String },
    /// A node IP on a Service's nodePort.
    NodePort { node: String, service: String },
    /// A LoadBalancer ingress IP.
    LoadBalancer { service: String, node: String },
    /// One of a Service's `externalIPs`.
    ExternalIp { service: String, node: String },
    /// A pod IP (`ns/name`).
    Pod { pod: String },
    /// A node's own address.
    Node { node: String },
    /// A host in the simulated outside world.
    Internet { host: String },
    /// Nothing routes there from this origin.
    Unroutable,
}

/// A NetworkPolicy decision at one end of a flow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind")]
pub enum PolicyOutcome {
    /// No policy selects the pod for this direction.
    NotIsolated,
    /// Allowed regardless of policies (traffic with the pod's own node, or a pod to itself).
    AlwaysAllowed { why: String },
    /// Isolated, and this policy's rule (0-based index) allowed it.
    Allowed { policy: String, rule: usize },
    /// Isolated by these policies, and no rule of theirs matched.
    Denied { isolated_by: Vec<String> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Direction {
    Egress,
    Ingress,
}

/// One step of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind")]
pub enum Hop {
    /// The resolver asks `server` about `name`.
    DnsQuery {
        server: String,
        name: String,
        qtype: String,
    },
    /// CoreDNS (or the outside world's resolver) answers; `answers` are rendered records.
    DnsAnswer {
        name: String,
        qtype: String,
        rcode: String,
        answers: Vec<String>,
    },
    /// The DNS query got no answer (dropped by policy or nothing serves DNS).
    DnsNoAnswer { server: String, name: String },
    /// A connection attempt from `src` (`src_name` is a pod or the workstation).
    Connect {
        src: String,
        src_name: String,
        dst: String,
        port: u16,
        proto: Proto,
        target: Target,
    },
    /// kube-proxy's iptables decision on `node` for Service port `service` (`ns/name:port`).
    KubeProxy {
        node: String,
        service: String,
        chains: Vec<String>,
        candidates: Vec<String>,
        /// Which `KUBE-SEP` rule matched (1-based) and that rule's own probability.
        rule: usize,
        probability: Ratio,
        chosen: String,
        sticky: bool,
        terminating_fallback: bool,
    },
    /// Destination rewritten to the chosen endpoint.
    Dnat { to: String },
    /// Source rewritten (masquerade), with the reason kube-proxy marked the packet.
    Snat {
        from: String,
        to: String,
        reason: String,
    },
    /// A NetworkPolicy evaluation at the source (egress) or destination (ingress) pod.
    Policy {
        direction: Direction,
        pod: String,
        outcome: PolicyOutcome,
    },
    /// The packet reaches a pod's port.
    Deliver { pod: String, ip: String, port: u16 },
    /// A server answered.
    Response {
        from: String,
        status: u16,
        bytes: usize,
    },
    /// The connection was refused (TCP RST or ICMP port unreachable) for `reason`.
    Refused { reason: String },
    /// The packet was silently dropped for `reason`.
    Dropped { reason: String },
    /// The client gave up after `after_ms`.
    Timeout { after_ms: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimedHop {
    /// Milliseconds since the command started.
    pub at_ms: u64,
    pub hop: Hop,
}

/// Every hop of one command's network activity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// `default/origin-5b945ff9c5-ncx9r` or `workstation`.
    pub origin: String,
    /// The command line as typed.
    pub command: String,
    pub hops: Vec<TimedHop>,
    /// Where the clock stands: the next hop's `at_ms`.
    pub elapsed_ms: u64,
}

impl Trace {
    pub fn new(origin: &str, command: &str) -> Trace {
        Trace {
            origin: origin.to_string(),
            command: command.to_string(),
            hops: Vec::new(),
            elapsed_ms: 0,
        }
    }

    /// Appends `hop` at the current time, then moves the clock on by `cost_ms`.
    pub fn push(&mut self, hop: Hop, cost_ms: u64) {
        self.hops.push(TimedHop {
            at_ms: self.elapsed_ms,
            hop,
        });
        self.elapsed_ms += cost_ms;
    }

    /// The trace in plain words, one hop per line, for `explain`.
    pub fn explain(&self) -> String {
        let mut out = format!("{} from {}:\n", self.command, self.origin);
        for h in &self.hops {
            let text = describe(&h.hop);
            let mut lines = text.lines();
            if let Some(first) = lines.next() {
                out.push_str(&format!("{:>7} ms  {first}\n", h.at_ms));
            }
            for more in lines {
                out.push_str(&format!("            {more}\n"));
            }
        }
        out
    }
}

fn describe(hop: &Hop) -> String {
    match hop {
        Hop::DnsQuery {
            server,
            name,
            qtype,
        } => {
            format!("DNS: ask {server} for {qtype} {name}")
        }
        Hop::DnsAnswer {
            name,
            qtype,
            rcode,
            answers,
        } => {
            if answers.is_empty() {
                let meaning = if rcode == "NXDOMAIN" {
                    "no such name"
                } else {
                    "the name exists but has no such record"
                };
                format!("DNS: {qtype} {name} -> {rcode} ({meaning})")
            } else if answers.iter().any(|a| a.starts_with("CNAME ")) {
                format!(
                    "DNS: {qtype} {name} -> {rcode}: {}\n(a CNAME: an ExternalName Service redirects in DNS only, nothing is proxied)",
                    answers.join(", ")
                )
            } else {
                format!("DNS: {qtype} {name} -> {rcode}: {}", answers.join(", "))
            }
        }
        Hop::DnsNoAnswer { server, name } => {
            format!("DNS: no answer from {server} for {name} (the query was dropped)")
        }
        Hop::Connect {
            src,
            src_name,
            dst,
            port,
            proto,
            target,
        } => {
            let what = describe_target(target);
            let verb = if *proto == Proto::Icmp {
                "ping"
            } else {
                "connect"
            };
            let port = if *proto == Proto::Icmp {
                String::new()
            } else {
                format!(":{port}/{}", proto.k8s())
            };
            format!("{verb} from {src_name} ({src}) to {dst}{port}: {what}")
        }
        Hop::KubeProxy {
            node,
            service,
            chains,
            candidates,
            rule,
            probability,
            chosen,
            sticky,
            terminating_fallback,
        } => {
            let mut s = format!(
                "kube-proxy on {node}: {service} via {}",
                chains.join(" -> ")
            );
            let pool = if *terminating_fallback {
                "terminating (no ready endpoint left, so kube-proxy falls back to serving terminating ones)"
            } else if candidates.len() == 1 {
                "ready endpoint"
            } else {
                "ready endpoints"
            };
            s.push_str(&format!(
                "\n{} {pool}: {}",
                candidates.len(),
                candidates.join(", ")
            ));
            if *sticky {
                s.push_str(&format!(
                    "\nsessionAffinity ClientIP: this client is pinned to {chosen}"
                ));
            } else {
                s.push_str(&format!(
                    "\nrule {rule} of {} matched (probability {probability}{}) -> {chosen}",
                    candidates.len(),
                    if *rule == candidates.len() {
                        ", the last rule catches the rest"
                    } else {
                        ""
                    }
                ));
            }
            s
        }
        Hop::Dnat { to } => format!("DNAT: destination rewritten to {to}"),
        Hop::Snat { from, to, reason } => {
            format!("SNAT: source {from} rewritten to {to} ({reason})")
        }
        Hop::Policy {
            direction,
            pod,
            outcome,
        } => describe_policy(*direction, pod, outcome),
        Hop::Deliver { pod, ip, port } => format!("delivered to pod {pod} ({ip}:{port})"),
        Hop::Response {
            from,
            status,
            bytes,
        } => {
            if *status == 0 {
                format!("reply from {from}: {bytes} bytes")
            } else {
                format!("reply from {from}: HTTP {status}, {bytes} bytes")
            }
        }
        Hop::Refused { reason } => format!("refused: {reason}"),
        Hop::Dropped { reason } => format!("dropped silently: {reason}"),
        Hop::Timeout { after_ms } => format!("gave up waiting after {after_ms} ms"),
    }
}

fn describe_target(t: &Target) -> String {
    match t {
        Target::ClusterIp { service } => format!("the cluster IP of Service {service}"),
        Target::NodePort { node, service } => format!("node {node}, nodePort of Service {service}"),
        Target::LoadBalancer { service, node } => {
            format!("the LoadBalancer IP of Service {service} (announced by node {node})")
        }
        Target::ExternalIp { service, node } => {
            format!("an externalIP of Service {service} (routed to node {node})")
        }
        Target::Pod { pod } => format!("pod {pod}"),
        Target::Node { node } => format!("node {node}"),
        Target::Internet { host } => format!("{host}, outside the cluster"),
        Target::Unroutable => "no route to this address from here".to_string(),
    }
}

fn describe_policy(direction: Direction, pod: &str, outcome: &PolicyOutcome) -> String {
    let dir = match direction {
        Direction::Egress => "egress from",
        Direction::Ingress => "ingress to",
    };
    match outcome {
        PolicyOutcome::NotIsolated => {
            format!("NetworkPolicy {dir} {pod}: no policy selects it, allowed")
        }
        PolicyOutcome::AlwaysAllowed { why } => {
            format!("NetworkPolicy {dir} {pod}: allowed ({why})")
        }
        PolicyOutcome::Allowed { policy, rule } => {
            let kind = match direction {
                Direction::Egress => "egress",
                Direction::Ingress => "ingress",
            };
            format!(
                "NetworkPolicy {dir} {pod}: allowed by {policy} ({kind} rule {})",
                rule + 1
            )
        }
        PolicyOutcome::Denied { isolated_by } => format!(
            "NetworkPolicy {dir} {pod}: isolated by {}, no rule matched -> drop",
            isolated_by.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traces_are_json_for_front_ends() {
        let mut t = Trace::new("default/client", "curl web");
        t.push(
            Hop::Policy {
                direction: Direction::Ingress,
                pod: "default/web-1".into(),
                outcome: PolicyOutcome::Allowed {
                    policy: "default/allow".into(),
                    rule: 0,
                },
            },
            1,
        );
        t.push(Hop::Timeout { after_ms: 5001 }, 0);
        let json = serde_json::to_string(&t).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"origin":"default/client","command":"curl web","hops":[{"at_ms":0,"hop":{"kind":"Policy","direction":"Ingress","pod":"default/web-1","outcome":{"kind":"Allowed","policy":"default/allow","rule":0}}},{"at_ms":1,"hop":{"kind":"Timeout","after_ms":5001}}],"elapsed_ms":1}"#
        );
        assert!(t
            .explain()
            .contains("allowed by default/allow (ingress rule 1)"));
    }
}
