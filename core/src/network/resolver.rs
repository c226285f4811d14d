//! Name resolution as a client experiences it: which names the resolver tries (search path,
//! ndots), and the transport of each question. A pod's questions travel to the kube-dns Service
//! like any other packet (kube-proxy, NetworkPolicy at both ends), so an egress policy without a
//! DNS rule breaks name resolution exactly as in a real cluster; the workstation asks its own
//! resolver, which knows only the internet.

use super::dns::{self, RType, Rcode, Response};
use super::flow::{check_policies, connect, ClientInfo, ConnectResult};
use super::internet;
use super::ip::Ipv4;
use super::trace::{latency, Direction, Hop, Proto, Trace};
use super::view::View;
use crate::api::*;
use crate::cluster::net::DNS_SERVICE_IP;
use crate::cluster::Cluster;

/// How the resolver's questions got on: which server, and whether anything answers.
enum DnsPath {
    Server(String),
    Unreachable { server: String, refused: bool },
}

/// The outcome of resolving one name to addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// Each name tried, with its answer, in order.
    pub attempts: Vec<(String, Response)>,
    /// True when no DNS server could be reached at all.
    pub unreachable: bool,
}

impl Resolution {
    /// The first successful attempt.
    pub fn hit(&self) -> Option<&(String, Response)> {
        self.attempts.iter().find(|(_, r)| r.is_hit())
    }
}

/// Which names to try for `name` from this client: the pod's search path with ndots:5, or the
/// workstation's resolver (no search list).
pub fn resolver_candidates(view: &View<'_>, client: &ClientInfo, name: &str) -> Vec<String> {
    match &client.pod {
        Some((ns, n)) if dns_policy_is_cluster_first(view.pod(ns, n)) => {
            dns::candidates(name, &dns::search_list(ns), dns::NDOTS)
        }
        _ => vec![name.trim_end_matches('.').to_string()],
    }
}

/// The resolver a pod with `dnsPolicy: Default` inherits from its node (the LAN's router).
pub const NODE_RESOLVER: &str = "10.10.98.1";

/// True when the client asks CoreDNS (a ClusterFirst pod); false for the workstation and for
/// pods that inherit the node's resolver, which knows only the internet.
pub fn uses_cluster_dns(view: &View<'_>, client: &ClientInfo) -> bool {
    match &client.pod {
        Some((ns, n)) => dns_policy_is_cluster_first(view.pod(ns, n)),
        None => false,
    }
}

/// The nameserver in the client's resolv.conf.
pub fn dns_server(view: &View<'_>, client: &ClientInfo) -> &'static str {
    match (&client.pod, uses_cluster_dns(view, client)) {
        (_, true) => DNS_SERVICE_IP,
        (Some(_), false) => NODE_RESOLVER,
        (None, false) => internet::WORKSTATION_RESOLVER,
    }
}

fn dns_policy_is_cluster_first(pod: Option<&Pod>) -> bool {
    match pod.and_then(|p| p.spec.dns_policy.as_deref()) {
        Some("Default") | Some("None") => false,
        _ => pod.is_none_or(|p| p.spec.host_network != Some(true)),
    }
}

/// Asks the names in `names` one after another (stopping at the first hit if `stop_at_hit`),
/// sending each question through the network like any packet.
pub fn resolve(
    cluster: &mut Cluster,
    client: &ClientInfo,
    names: &[String],
    qtype: RType,
    stop_at_hit: bool,
    trace: &mut Trace,
) -> Resolution {
    let path = dns_path(cluster, client, trace);
    let view = View {
        store: &cluster.store,
        ix: &cluster.net.index,
    };
    let cluster_dns = uses_cluster_dns(&view, client);
    let mut out = Resolution {
        attempts: Vec::new(),
        unreachable: false,
    };
    for name in names {
        match &path {
            DnsPath::Unreachable { server, refused } => {
                trace.push(
                    Hop::DnsQuery {
                        server: server.clone(),
                        name: name.clone(),
                        qtype: qtype.as_str().into(),
                    },
                    0,
                );
                trace.push(
                    Hop::DnsNoAnswer {
                        server: server.clone(),
                        name: name.clone(),
                    },
                    if *refused {
                        latency::HOP_MS
                    } else {
                        latency::DNS_TIMEOUT_MS
                    },
                );
                out.unreachable = true;
                return out;
            }
            DnsPath::Server(server) => {
                trace.push(
                    Hop::DnsQuery {
                        server: server.clone(),
                        name: name.clone(),
                        qtype: qtype.as_str().into(),
                    },
                    0,
                );
                let resp = if cluster_dns {
                    dns::query(&view, name, qtype)
                } else {
                    dns::upstream(&view, name, qtype)
                };
                trace.push(
                    Hop::DnsAnswer {
                        name: name.clone(),
                        qtype: qtype.as_str().into(),
                        rcode: resp.rcode.as_str().into(),
                        answers: resp.answers.iter().map(|r| r.to_string()).collect(),
                    },
                    latency::DNS_MS,
                );
                let hit = resp.is_hit();
                out.attempts.push((name.clone(), resp));
                if hit && stop_at_hit {
                    break;
                }
            }
        }
    }
    out
}

/// The kube-dns Service path for a pod (kube-proxy to a CoreDNS pod, policies at both ends),
/// or the workstation's own resolver.
fn dns_path(cluster: &mut Cluster, client: &ClientInfo, trace: &mut Trace) -> DnsPath {
    cluster.net.index.refresh(&cluster.store);
    let view = View {
        store: &cluster.store,
        ix: &cluster.net.index,
    };
    if !uses_cluster_dns(&view, client) {
        return DnsPath::Server(dns_server(&view, client).to_string());
    }
    let dns_ip = Ipv4::parse(DNS_SERVICE_IP).unwrap_or(Ipv4(0));
    let has_service = View {
        store: &cluster.store,
        ix: &cluster.net.index,
    }
    .service_by_cluster_ip(dns_ip)
    .is_some();
    if !has_service {
        return virtual_dns_path(cluster, client, dns_ip, trace);
    }
    let mut sub = Trace::new("", "");
    let r = connect(cluster, client, dns_ip, 53, Proto::Udp, &mut sub);
    for h in sub.hops {
        trace.push(h.hop, 0);
    }
    match r {
        ConnectResult::Reached(_) => DnsPath::Server(DNS_SERVICE_IP.to_string()),
        ConnectResult::Refused => DnsPath::Unreachable {
            server: DNS_SERVICE_IP.into(),
            refused: true,
        },
        ConnectResult::Dropped => DnsPath::Unreachable {
            server: DNS_SERVICE_IP.into(),
            refused: false,
        },
    }
}

/// No kube-dns Service in the store (a bare test cluster): CoreDNS is assumed to answer at the
/// DNS Service IP as a pod `kube-system` / `k8s-app=kube-dns`, still subject to egress policy.
fn virtual_dns_path(
    cluster: &Cluster,
    client: &ClientInfo,
    dns_ip: Ipv4,
    trace: &mut Trace,
) -> DnsPath {
    let view = View {
        store: &cluster.store,
        ix: &cluster.net.index,
    };
    let mut coredns = Pod::default();
    coredns.metadata.name = "coredns".into();
    coredns.metadata.namespace = Some("kube-system".into());
    coredns
        .metadata
        .labels
        .insert("k8s-app".into(), "kube-dns".into());
    let src_pod = client.pod.as_ref().and_then(|(ns, n)| view.pod(ns, n));
    let mut sub = Trace::new("", "");
    let ok = check_policies(
        &view,
        src_pod,
        client.ip,
        client.ip,
        Some(&coredns),
        dns_ip,
        53,
        Proto::Udp,
        &mut sub,
    );
    for h in sub.hops.into_iter().filter(|h| {
        !matches!(
            &h.hop,
            Hop::Policy {
                direction: Direction::Ingress,
                ..
            }
        )
    }) {
        trace.push(h.hop, 0);
    }
    if ok {
        DnsPath::Server(DNS_SERVICE_IP.to_string())
    } else {
        DnsPath::Unreachable {
            server: DNS_SERVICE_IP.into(),
            refused: false,
        }
    }
}

/// Resolves a host name the way curl does (A only, search path, first address as rotated by
/// CoreDNS) or passes an
/// IP literal through. `Err(true)` means no server was reachable, `Err(false)` no such name.
pub fn resolve_host(
    cluster: &mut Cluster,
    client: &ClientInfo,
    host: &str,
    trace: &mut Trace,
) -> Result<Ipv4, bool> {
    if let Some(ip) = Ipv4::parse(host) {
        return Ok(ip);
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(client
            .pod
            .as_ref()
            .map(|_| client.ip)
            .unwrap_or(Ipv4(0x7f00_0001)));
    }
    cluster.net.index.refresh(&cluster.store);
    let names = resolver_candidates(
        &View {
            store: &cluster.store,
            ix: &cluster.net.index,
        },
        client,
        host,
    );
    let r = resolve(cluster, client, &names, RType::A, true, trace);
    let addresses = r
        .hit()
        .map(|(_, resp)| resp.addresses())
        .unwrap_or_default();
    // CoreDNS's `loadbalance` rotates multi-address answers (headless Services), so clients
    // spread over the pods themselves; the client takes the first address it is given.
    let first = match addresses.len() {
        0 | 1 => addresses.first().copied(),
        n => addresses
            .get(cluster.net.rng(&mut cluster.rng).index(n))
            .copied(),
    };
    match first {
        Some(ip) => Ok(ip),
        None => Err(r.unreachable),
    }
}

/// True for a negative answer (helper for tools printing failures).
pub fn is_nxdomain(r: &Response) -> bool {
    r.rcode == Rcode::NxDomain
}
