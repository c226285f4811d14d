//! kube-proxy in iptables mode: which endpoint a new connection to a Service lands on, and the
//! NAT applied on the way (reference §5).
//!
//! The choice is drawn exactly as the `KUBE-SVC-*` chain would make it: rule i of n carries
//! `--probability 1/(n-i)` and the last rule is unconditional, which is a uniform pick; we draw
//! the index from the cluster PRNG and report the matching rule's own probability. Usable
//! endpoints are the ready ones, or, when none is ready, the serving-and-terminating ones.
//! No usable endpoint → REJECT (connection refused); a Local traffic policy with no endpoint on
//! the node → DROP (the client times out).

use std::collections::BTreeMap;

use super::hash::chain_hash;
use super::index::ExternalKind;
use super::ip::{Cidr, Ipv4};
use super::trace::{Hop, Ratio, Trace};
use super::view::{Backend, View};
use super::{AffinityEntry, AffinityKey};
use crate::api::{Service, ServicePort};
use crate::sim::{Pcg32, Time};

/// Default `sessionAffinityConfig.clientIP.timeoutSeconds`.
pub const DEFAULT_AFFINITY_TIMEOUT_SECS: u64 = 10_800;

/// One port of one Service: the unit kube-proxy writes chains for.
#[derive(Clone, Copy)]
pub struct SvcPort<'a> {
    pub svc: &'a Service,
    pub port: &'a ServicePort,
}

impl SvcPort<'_> {
    pub fn namespace(&self) -> &str {
        self.svc.metadata.namespace.as_deref().unwrap_or("default")
    }

    /// `ns/name:port`, or `ns/name` for an unnamed port (kube-proxy's `ServicePortName`).
    pub fn name(&self) -> String {
        // Concatenated rather than `format!`ed: a request names its Service port several times.
        let (ns, name) = (self.namespace(), &self.svc.metadata.name);
        let port = self.port.name.as_deref().filter(|p| !p.is_empty());
        let mut out = String::with_capacity(ns.len() + name.len() + port.map_or(0, str::len) + 2);
        out.push_str(ns);
        out.push('/');
        out.push_str(name);
        if let Some(p) = port {
            out.push(':');
            out.push_str(p);
        }
        out
    }

    pub fn protocol(&self) -> &str {
        self.port.protocol.as_deref().unwrap_or("TCP")
    }

    fn hash_input(&self) -> String {
        format!("{}{}", self.name(), self.protocol().to_ascii_lowercase())
    }

    pub fn svc_chain(&self) -> String {
        format!("KUBE-SVC-{}", chain_hash(&self.hash_input()))
    }

    pub fn svl_chain(&self) -> String {
        format!("KUBE-SVL-{}", chain_hash(&self.hash_input()))
    }

    pub fn ext_chain(&self) -> String {
        format!("KUBE-EXT-{}", chain_hash(&self.hash_input()))
    }

    pub fn fw_chain(&self) -> String {
        format!("KUBE-FW-{}", chain_hash(&self.hash_input()))
    }

    /// True if `loadBalancerSourceRanges` lets `ip` through (no ranges: everyone).
    fn source_allowed(&self, ip: Ipv4) -> bool {
        let ranges = &self.svc.spec.load_balancer_source_ranges;
        ranges.is_empty()
            || ranges
                .iter()
                .filter_map(|r| Cidr::parse(r.trim()))
                .any(|c| c.contains(ip))
    }

    pub fn sep_chain(&self, endpoint: &str) -> String {
        format!(
            "KUBE-SEP-{}",
            chain_hash(&format!("{}{endpoint}", self.hash_input()))
        )
    }

    fn external_local(&self) -> bool {
        self.svc.spec.external_traffic_policy.as_deref() == Some("Local")
    }

    fn internal_local(&self) -> bool {
        self.svc.spec.internal_traffic_policy.as_deref() == Some("Local")
    }

    fn affinity_timeout_secs(&self) -> Option<u64> {
        if self.svc.spec.session_affinity.as_deref() != Some("ClientIP") {
            return None;
        }
        let configured = self
            .svc
            .spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds)
            .and_then(|t| u64::try_from(t).ok());
        Some(configured.unwrap_or(DEFAULT_AFFINITY_TIMEOUT_SECS))
    }
}

/// How the packet entered kube-proxy's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry<'a> {
    ClusterIp,
    NodePort { node: &'a str },
    External { kind: ExternalKind, node: &'a str },
}

/// Who opened the connection.
#[derive(Clone, Debug)]
pub struct Client {
    pub ip: Ipv4,
    /// The node a pod client runs on; `None` for the workstation.
    pub node: Option<String>,
}

/// What kube-proxy did with the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxyOutcome {
    /// DNAT to `backend`; `source` is the client address the backend sees.
    Forward { backend: Backend, source: Ipv4 },
    /// REJECT: no usable endpoint.
    Reject,
    /// DROP: traffic policy Local and no endpoint on this node.
    Drop,
}

/// The mutable state a decision touches.
pub struct Ctx<'a> {
    pub rng: &'a mut Pcg32,
    pub affinity: &'a mut BTreeMap<AffinityKey, AffinityEntry>,
    pub now: Time,
}

/// Routes one new connection to `sp` and records the decision in `trace`.
pub fn decide(
    view: &View<'_>,
    ctx: &mut Ctx<'_>,
    client: &Client,
    sp: SvcPort<'_>,
    entry: Entry<'_>,
    trace: &mut Trace,
) -> ProxyOutcome {
    let (pool, fallback) = usable_endpoints(view, sp);
    let path = Path::new(client, sp, entry);
    let Path {
        node: proxy_node,
        external: external_from_outside,
        local_only,
        mut chains,
    } = path;
    if firewall_drops(sp, entry, client, &proxy_node, &mut chains, trace) {
        return ProxyOutcome::Drop;
    }
    if pool.is_empty() {
        let reason = format!(
            "kube-proxy on {proxy_node}: \"{} has no endpoints\" (REJECT, ICMP port unreachable)",
            sp.name()
        );
        trace.push(Hop::Refused { reason }, 0);
        return ProxyOutcome::Reject;
    }
    let pool: Vec<Backend> = match local_only {
        true => pool
            .into_iter()
            .filter(|b| b.node.as_deref() == Some(proxy_node.as_str()))
            .collect(),
        false => pool,
    };
    chains.push(match local_only {
        true => sp.svl_chain(),
        false => sp.svc_chain(),
    });
    if pool.is_empty() {
        let policy = match external_from_outside {
            true => "externalTrafficPolicy",
            false => "internalTrafficPolicy",
        };
        let reason = format!(
            "kube-proxy on {proxy_node}: \"{} has no local endpoints\" ({policy}: Local, DROP)",
            sp.name()
        );
        trace.push(Hop::Dropped { reason }, 0);
        return ProxyOutcome::Drop;
    }
    let (idx, sticky) = pick(ctx, client, sp, &pool);
    let backend = pool[idx].clone();
    chains.push(sp.sep_chain(&backend.addr()));
    trace.push(
        Hop::KubeProxy {
            node: proxy_node.clone(),
            service: sp.name(),
            chains,
            candidates: pool.iter().map(Backend::addr).collect(),
            rule: idx + 1,
            probability: Ratio {
                num: 1,
                den: (pool.len() - idx) as u32,
            },
            chosen: backend.addr(),
            sticky,
            terminating_fallback: fallback,
        },
        0,
    );
    trace.push(Hop::Dnat { to: backend.addr() }, 0);
    let source = masquerade(
        view,
        client,
        sp,
        entry,
        &backend,
        &proxy_node,
        external_from_outside,
        trace,
    );
    ProxyOutcome::Forward { backend, source }
}

/// `loadBalancerSourceRanges`: LoadBalancer traffic passes `KUBE-FW-*`, which drops sources
/// outside the ranges. Returns true if the packet was dropped.
fn firewall_drops(
    sp: SvcPort<'_>,
    entry: Entry<'_>,
    client: &Client,
    proxy_node: &str,
    chains: &mut Vec<String>,
    trace: &mut Trace,
) -> bool {
    let firewalled = matches!(
        entry,
        Entry::External {
            kind: ExternalKind::LoadBalancer,
            ..
        }
    ) && !sp.svc.spec.load_balancer_source_ranges.is_empty();
    if firewalled {
        chains.insert(1, sp.fw_chain());
        if !sp.source_allowed(client.ip) {
            let ranges = sp.svc.spec.load_balancer_source_ranges.join(", ");
            let reason = format!(
                "kube-proxy on {proxy_node}: {} is not in loadBalancerSourceRanges ({ranges}) of {} (KUBE-FW, DROP)",
                client.ip,
                sp.name()
            );
            trace.push(Hop::Dropped { reason }, 0);
            return true;
        }
    }
    false
}

/// Ready endpoints, or (none ready) the serving-and-terminating ones; true in the latter case.
fn usable_endpoints(view: &View<'_>, sp: SvcPort<'_>) -> (Vec<Backend>, bool) {
    let mut all = view.endpoints(sp.svc, sp.port);
    // Filtered in place: cloning the ready ones was a tenth of a request's cost.
    if all.iter().any(|b| b.ready) {
        all.retain(|b| b.ready);
        return (all, false);
    }
    all.retain(|b| b.serving && b.terminating);
    (all, true)
}

/// Where the packet meets kube-proxy: on which node, whether it came from outside the cluster,
/// whether a Local traffic policy restricts it to that node, and the chains walked so far.
struct Path {
    node: String,
    external: bool,
    local_only: bool,
    chains: Vec<String>,
}

impl Path {
    fn new(client: &Client, sp: SvcPort<'_>, entry: Entry<'_>) -> Path {
        // Pods reach external addresses through their own node's rules.
        let node = match (entry, &client.node) {
            (Entry::ClusterIp, n) => n.clone().unwrap_or_default(),
            (Entry::External { .. }, Some(n)) => n.clone(),
            (Entry::NodePort { node } | Entry::External { node, .. }, _) => node.to_string(),
        };
        let external = match entry {
            Entry::ClusterIp => false,
            Entry::NodePort { .. } => true,
            Entry::External { .. } => client.node.is_none(),
        };
        let local_only = if external {
            sp.external_local()
        } else {
            matches!(entry, Entry::ClusterIp) && sp.internal_local()
        };
        let mut chains = vec!["KUBE-SERVICES".to_string()];
        if matches!(entry, Entry::NodePort { .. }) {
            chains.push("KUBE-NODEPORTS".into());
        }
        if !matches!(entry, Entry::ClusterIp) {
            chains.push(sp.ext_chain());
        }
        Path {
            node,
            external,
            local_only,
            chains,
        }
    }
}

/// The endpoint index: the pinned one under ClientIP affinity, else a uniform draw.
fn pick(ctx: &mut Ctx<'_>, client: &Client, sp: SvcPort<'_>, pool: &[Backend]) -> (usize, bool) {
    let timeout = sp.affinity_timeout_secs();
    let key = AffinityKey {
        client: client.ip,
        service_port: sp.name(),
    };
    if let Some(secs) = timeout {
        if let Some(e) = ctx.affinity.get(&key) {
            let fresh = ctx.now.since(e.last_seen).as_secs() <= secs;
            if let Some(i) = pool
                .iter()
                .position(|b| b.addr() == e.endpoint)
                .filter(|_| fresh)
            {
                ctx.affinity.insert(
                    key,
                    AffinityEntry {
                        endpoint: e.endpoint.clone(),
                        last_seen: ctx.now,
                    },
                );
                return (i, true);
            }
        }
    }
    let idx = ctx.rng.index(pool.len());
    if timeout.is_some() {
        ctx.affinity.insert(
            key,
            AffinityEntry {
                endpoint: pool[idx].addr(),
                last_seen: ctx.now,
            },
        );
    }
    (idx, false)
}

/// Source NAT: what address the backend sees as the client.
#[allow(clippy::too_many_arguments)]
fn masquerade(
    view: &View<'_>,
    client: &Client,
    sp: SvcPort<'_>,
    entry: Entry<'_>,
    backend: &Backend,
    proxy_node: &str,
    external_from_outside: bool,
    trace: &mut Trace,
) -> Ipv4 {
    let node_ip = view.node_ip(proxy_node).unwrap_or(client.ip);
    let reason = if backend.ip == client.ip {
        Some("hairpin: the pod reached itself through its Service, KUBE-MARK-MASQ".to_string())
    } else if external_from_outside && !sp.external_local() {
        Some("externalTrafficPolicy: Cluster, KUBE-MARK-MASQ then MASQUERADE; the backend sees the node, not the client".to_string())
    } else if matches!(entry, Entry::External { .. })
        && !external_from_outside
        && !sp.external_local()
    {
        Some(format!(
            "masquerade traffic for {} external destinations",
            sp.name()
        ))
    } else {
        None
    };
    match reason {
        Some(reason) => {
            trace.push(
                Hop::Snat {
                    from: client.ip.to_string(),
                    to: node_ip.to_string(),
                    reason,
                },
                0,
            );
            node_ip
        }
        None => client.ip,
    }
}
