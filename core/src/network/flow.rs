//! One connection end to end: where the destination address leads (Service VIP, nodePort,
//! LoadBalancer or external IP, pod, node, internet), kube-proxy's choice and NAT, the
//! NetworkPolicy checks at both ends, and delivery, all recorded in the [`Trace`].

use super::index::ExternalKind;
use super::internet::{self, Host};
use super::ip::Ipv4;
use super::policy::{self, Endpoint, Packet};
use super::proxy::{self, Client, Ctx, Entry, ProxyOutcome, SvcPort};
use super::trace::{latency, Direction, Hop, Proto, Target, Trace};
use super::view::View;
use super::{NetState, WORKSTATION_IP};
use crate::api::*;
use crate::cluster::Cluster;

/// Who is asking: a pod or the workstation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: Ipv4,
    /// `(namespace, name)` of the client pod.
    pub pod: Option<(String, String)>,
    pub node: Option<String>,
    /// `default/origin-…` or `workstation`.
    pub label: String,
}

impl ClientInfo {
    pub fn workstation() -> ClientInfo {
        ClientInfo {
            ip: Ipv4::parse(WORKSTATION_IP).unwrap_or(Ipv4(0)),
            pod: None,
            node: None,
            label: "workstation".into(),
        }
    }

    /// The client for a pod, if it has an IP.
    pub fn pod(pod: &Pod) -> Option<ClientInfo> {
        let ns = pod
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        Some(ClientInfo {
            ip: View::pod_ip(pod)?,
            label: format!("{ns}/{}", pod.metadata.name),
            pod: Some((ns, pod.metadata.name.clone())),
            node: pod.spec.node_name.clone(),
        })
    }
}

/// Where a connection ended up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reached {
    /// A pod's port; `source` is the client address the pod sees.
    Pod {
        namespace: String,
        name: String,
        ip: Ipv4,
        port: i32,
        source: Ipv4,
        service: Option<String>,
    },
    /// A node's own network stack (kubelet, apiserver).
    Node { node: String, ip: Ipv4, port: i32 },
    /// A host in the simulated internet.
    Internet {
        host: Option<&'static Host>,
        ip: Ipv4,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectResult {
    Reached(Reached),
    /// RST or ICMP unreachable came back.
    Refused,
    /// Nothing came back.
    Dropped,
}

/// Opens a connection from `client` to `dst:port` and traces it.
pub fn connect(
    cluster: &mut Cluster,
    client: &ClientInfo,
    dst: Ipv4,
    port: u16,
    proto: Proto,
    trace: &mut Trace,
) -> ConnectResult {
    refresh_index(cluster, client, dst, port, proto);
    let Cluster {
        store,
        net,
        rng,
        now,
        ..
    } = cluster;
    let NetState {
        index,
        affinity,
        rng: net_rng,
        ..
    } = net;
    let view = View { store, ix: index };
    let mut ctx = Ctx {
        rng: net_rng.get_or_insert_with(|| rng.fork(super::NET_RNG_STREAM)),
        affinity,
        now: *now,
    };
    let target = classify(&view, client, dst, port, proto);
    trace.push(
        Hop::Connect {
            src: client.ip.to_string(),
            src_name: client.label.clone(),
            dst: dst.to_string(),
            port,
            proto,
            target: target.clone(),
        },
        0,
    );
    let sp_entry = match &target {
        Target::Pod { .. } => {
            let p = i32::from(port);
            return deliver(&view, client, client.ip, dst, p, proto, None, trace);
        }
        Target::Node { node } => {
            return reach_node(&view, client, node, dst, i32::from(port), trace)
        }
        Target::Internet { .. } => return reach_internet(&view, client, dst, trace),
        Target::Unroutable => {
            trace.push(
                Hop::Dropped {
                    reason: unroutable_reason(&view, client, dst),
                },
                0,
            );
            return ConnectResult::Dropped;
        }
        _ => service_entry(&view, &target, dst, port, proto),
    };
    let Some((sport, entry)) = sp_entry else {
        let why = match &target {
            Target::ClusterIp { service } => format!(
                "{service} has no port {port}/{}: a cluster IP only answers on its Service ports",
                proto.k8s()
            ),
            _ => format!("no Service port {port}/{} here", proto.k8s()),
        };
        trace.push(Hop::Dropped { reason: why }, 0);
        return ConnectResult::Dropped;
    };
    let pclient = Client {
        ip: client.ip,
        node: client.node.clone(),
    };
    match proxy::decide(&view, &mut ctx, &pclient, sport, entry, trace) {
        ProxyOutcome::Reject => ConnectResult::Refused,
        ProxyOutcome::Drop => ConnectResult::Dropped,
        ProxyOutcome::Forward { backend, source } => {
            let svc = Some(sport.name());
            deliver(
                &view,
                client,
                source,
                backend.ip,
                backend.port,
                proto,
                svc,
                trace,
            )
        }
    }
}

/// Brings the index up to date. An in-cluster address nobody owns may belong to a pod whose IP
/// was written in place (without a new resourceVersion), so that case rebuilds once before the
/// address is declared unroutable.
fn refresh_index(cluster: &mut Cluster, client: &ClientInfo, dst: Ipv4, port: u16, proto: Proto) {
    cluster.net.index.refresh(&cluster.store);
    let view = View {
        store: &cluster.store,
        ix: &cluster.net.index,
    };
    if client.pod.is_some() && classify(&view, client, dst, port, proto) == Target::Unroutable {
        cluster.net.index.invalidate();
        cluster.net.index.refresh(&cluster.store);
    }
}

/// The Service port and kube-proxy entry point a VIP, nodePort or external address leads to.
fn service_entry<'v, 't>(
    view: &View<'v>,
    target: &'t Target,
    dst: Ipv4,
    port: u16,
    proto: Proto,
) -> Option<(SvcPort<'v>, Entry<'t>)> {
    let via = |svc| find_port(svc, target, port, proto);
    let ((svc, sp), entry) = match target {
        Target::ClusterIp { .. } => (
            view.service_by_cluster_ip(dst).and_then(via)?,
            Entry::ClusterIp,
        ),
        Target::NodePort { node, service } => {
            let (ns, n) = service.split_once('/')?;
            (via(view.service(ns, n)?)?, Entry::NodePort { node })
        }
        Target::LoadBalancer { node, .. } | Target::ExternalIp { node, .. } => {
            let (found, kind) = view
                .services_by_external_ip(dst)
                .into_iter()
                .find_map(|(s, k)| via(s).map(|x| (x, k)))?;
            (found, Entry::External { kind, node })
        }
        _ => return None,
    };
    Some((SvcPort { svc, port: sp }, entry))
}

fn find_port<'s>(
    svc: &'s Service,
    target: &Target,
    port: u16,
    proto: Proto,
) -> Option<(&'s Service, &'s ServicePort)> {
    let sp = svc.spec.ports.iter().find(|p| {
        p.protocol.as_deref().unwrap_or("TCP") == proto.k8s()
            && match target {
                Target::NodePort { .. } => p.node_port == Some(i32::from(port)),
                _ => p.port == i32::from(port),
            }
    })?;
    Some((svc, sp))
}

/// What `dst` is, seen from `client`.
fn classify(view: &View<'_>, client: &ClientInfo, dst: Ipv4, port: u16, proto: Proto) -> Target {
    let inside = client.pod.is_some();
    if let Some(svc) = view.service_by_cluster_ip(dst) {
        return match inside {
            true => Target::ClusterIp {
                service: key_of(&svc.metadata),
            },
            false => Target::Unroutable,
        };
    }
    if let Some(pod) = view.pod_by_ip(dst) {
        return match inside {
            true => Target::Pod {
                pod: key_of(&pod.metadata),
            },
            false => Target::Unroutable,
        };
    }
    if let Some(node) = view.ix.node_by_ip.get(&dst) {
        let np = view
            .ix
            .service_by_node_port
            .get(&(i32::from(port), proto.k8s().to_string()));
        return match np {
            Some((ns, name)) if proto != Proto::Icmp => Target::NodePort {
                node: node.clone(),
                service: format!("{ns}/{name}"),
            },
            _ => Target::Node { node: node.clone() },
        };
    }
    if let Some((svc, kind)) = view.services_by_external_ip(dst).into_iter().next() {
        let node = match &client.node {
            Some(n) => n.clone(),
            None => announcing_node(view, svc),
        };
        let service = key_of(&svc.metadata);
        return match kind {
            ExternalKind::LoadBalancer => Target::LoadBalancer { service, node },
            ExternalKind::ExternalIp => Target::ExternalIp { service, node },
        };
    }
    if internet::is_public(dst) {
        let host = internet::host_by_ip(dst)
            .map(|h| h.name.to_string())
            .unwrap_or_else(|| dst.to_string());
        return Target::Internet { host };
    }
    Target::Unroutable
}

/// Why nothing answers, in terms a learner can act on.
fn unroutable_reason(view: &View<'_>, client: &ClientInfo, dst: Ipv4) -> String {
    if let Some(svc) = view.service_by_cluster_ip(dst) {
        return format!(
            "{dst} is the cluster IP of Service {}: it exists only in the nodes' kube-proxy rules, so it is unreachable from outside the cluster; use a NodePort or LoadBalancer",
            key_of(&svc.metadata)
        );
    }
    if let Some(pod) = view.pod_by_ip(dst) {
        return format!(
            "{dst} is pod {}'s IP: pod IPs are routed only between the cluster's nodes",
            key_of(&pod.metadata)
        );
    }
    format!("nothing at {dst} answers from {}", client.label)
}

fn key_of(meta: &ObjectMeta) -> String {
    // Concatenated rather than `format!`ed: a request names its Service and pods several times.
    let ns = meta.namespace.as_deref().unwrap_or("default");
    let mut key = String::with_capacity(ns.len() + 1 + meta.name.len());
    key.push_str(ns);
    key.push('/');
    key.push_str(&meta.name);
    key
}

/// The node that attracts traffic for a Service's external address: with
/// `externalTrafficPolicy: Local`, the first node (by name) running a ready endpoint (MetalLB
/// announces only from those); otherwise a worker picked by a stable hash of the Service name.
fn announcing_node(view: &View<'_>, svc: &Service) -> String {
    // kubeadm labels control-plane nodes to keep them out of external load balancers.
    let excluded = |name: &&String| {
        view.store.get_typed::<Node>("", name).is_some_and(|n| {
            let l = &n.metadata.labels;
            l.contains_key("node.kubernetes.io/exclude-from-external-load-balancers")
                || l.contains_key("node-role.kubernetes.io/control-plane")
        })
    };
    let all: Vec<&String> = view.ix.node_ip.keys().collect();
    let workers: Vec<&String> = all.iter().copied().filter(|n| !excluded(n)).collect();
    let nodes = if workers.is_empty() { all } else { workers };
    if svc.spec.external_traffic_policy.as_deref() == Some("Local") {
        let mut with_endpoints: Vec<String> = svc
            .spec
            .ports
            .iter()
            .flat_map(|p| view.endpoints(svc, p))
            .filter(|b| b.ready)
            .filter_map(|b| b.node)
            .collect();
        with_endpoints.sort();
        if let Some(n) = with_endpoints.into_iter().next() {
            return n;
        }
    }
    let h = super::hash::sha256(key_of(&svc.metadata).as_bytes());
    match nodes.len() {
        0 => String::new(),
        n => nodes[usize::from(h[0]) % n].clone(),
    }
}

/// The last leg: policies at both ends, then the pod (or node, or internet) itself.
#[allow(clippy::too_many_arguments)]
fn deliver(
    view: &View<'_>,
    client: &ClientInfo,
    source: Ipv4,
    dst: Ipv4,
    port: i32,
    proto: Proto,
    service: Option<String>,
    trace: &mut Trace,
) -> ConnectResult {
    let Some(pod) = view.pod_by_ip(dst) else {
        if let Some(node) = view.ix.node_by_ip.get(&dst) {
            return reach_node(view, client, node, dst, port, trace);
        }
        if internet::is_public(dst) {
            return reach_internet(view, client, dst, trace);
        }
        trace.push(
            Hop::Dropped {
                reason: format!("no pod or host has address {dst}"),
            },
            0,
        );
        return ConnectResult::Dropped;
    };
    let src_pod = client.pod.as_ref().and_then(|(ns, n)| view.pod(ns, n));
    if !check_policies(
        view,
        src_pod,
        client.ip,
        source,
        Some(pod),
        dst,
        port,
        proto,
        trace,
    ) {
        return ConnectResult::Dropped;
    }
    let ns = pod
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| "default".into());
    let same_node = client.node.is_some() && client.node == pod.spec.node_name;
    trace.push(
        Hop::Deliver {
            pod: format!("{ns}/{}", pod.metadata.name),
            ip: dst.to_string(),
            port: port as u16,
        },
        if same_node { 0 } else { latency::HOP_MS },
    );
    ConnectResult::Reached(Reached::Pod {
        namespace: ns,
        name: pod.metadata.name.clone(),
        ip: dst,
        port,
        source,
        service,
    })
}

/// Egress at the source pod (pre-SNAT address) and ingress at the destination pod (the address
/// it sees). Records one hop per evaluated end; false if either end drops the packet.
#[allow(clippy::too_many_arguments)]
pub fn check_policies(
    view: &View<'_>,
    src_pod: Option<&Pod>,
    src_ip: Ipv4,
    seen_src: Ipv4,
    dst_pod: Option<&Pod>,
    dst_ip: Ipv4,
    port: i32,
    proto: Proto,
    trace: &mut Trace,
) -> bool {
    let egress_pkt = Packet {
        src: Endpoint {
            ip: src_ip,
            pod: src_pod,
        },
        dst: Endpoint {
            ip: dst_ip,
            pod: dst_pod,
        },
        port,
        proto,
    };
    let ingress_pkt = Packet {
        src: Endpoint {
            ip: seen_src,
            pod: if seen_src == src_ip {
                src_pod
            } else {
                view.pod_by_ip(seen_src)
            },
        },
        ..egress_pkt
    };
    for (direction, pkt, pod) in [
        (Direction::Egress, egress_pkt, src_pod),
        (Direction::Ingress, ingress_pkt, dst_pod),
    ] {
        let outcome = policy::evaluate(view, &pkt, direction);
        if let (Some(o), Some(p)) = (&outcome, pod) {
            trace.push(
                Hop::Policy {
                    direction,
                    pod: key_of(&p.metadata),
                    outcome: o.clone(),
                },
                0,
            );
        }
        if !policy::passes(&outcome) {
            let reason = match direction {
                Direction::Egress => "egress denied by NetworkPolicy at the source",
                Direction::Ingress => "ingress denied by NetworkPolicy at the destination",
            };
            trace.push(
                Hop::Dropped {
                    reason: reason.into(),
                },
                0,
            );
            return false;
        }
    }
    true
}

/// Egress policy of the client pod toward an address that is not a pod (a node, the internet),
/// where only the source end is evaluated.
fn egress_allowed(
    view: &View<'_>,
    client: &ClientInfo,
    ip: Ipv4,
    port: i32,
    trace: &mut Trace,
) -> bool {
    let src_pod = client.pod.as_ref().and_then(|(ns, n)| view.pod(ns, n));
    check_policies(
        view,
        src_pod,
        client.ip,
        client.ip,
        None,
        ip,
        port,
        Proto::Tcp,
        trace,
    )
}

fn reach_node(
    view: &View<'_>,
    client: &ClientInfo,
    node: &str,
    ip: Ipv4,
    port: i32,
    trace: &mut Trace,
) -> ConnectResult {
    if !egress_allowed(view, client, ip, port, trace) {
        return ConnectResult::Dropped;
    }
    trace.push(
        Hop::Deliver {
            pod: format!("node {node}"),
            ip: ip.to_string(),
            port: port as u16,
        },
        latency::HOP_MS,
    );
    ConnectResult::Reached(Reached::Node {
        node: node.to_string(),
        ip,
        port,
    })
}

fn reach_internet(
    view: &View<'_>,
    client: &ClientInfo,
    ip: Ipv4,
    trace: &mut Trace,
) -> ConnectResult {
    if !egress_allowed(view, client, ip, 80, trace) {
        return ConnectResult::Dropped;
    }
    if let Some(node_ip) = client.node.as_deref().and_then(|n| view.node_ip(n)) {
        trace.push(
            Hop::Snat {
                from: client.ip.to_string(),
                to: node_ip.to_string(),
                reason:
                    "leaving the cluster: the CNI masquerades pod traffic to the node's address"
                        .into(),
            },
            0,
        );
    }
    let host = internet::host_by_ip(ip);
    match host {
        Some(_) => {
            trace.push(
                Hop::Deliver {
                    pod: host.map(|h| h.name).unwrap_or("internet").to_string(),
                    ip: ip.to_string(),
                    port: 80,
                },
                10,
            );
            ConnectResult::Reached(Reached::Internet { host, ip })
        }
        None => {
            trace.push(
                Hop::Dropped {
                    reason: format!(
                        "{ip} is a public address nobody answers on in this simulation"
                    ),
                },
                0,
            );
            ConnectResult::Dropped
        }
    }
}
