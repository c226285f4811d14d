//! Service allocations with the real allocators' rules: ClusterIPs random in the dynamic band of
//! the service CIDR (the first 256 addresses are kept for user-chosen IPs), NodePorts random
//! preferring 30086-32767 (30000-30085 kept for user-chosen ports), LoadBalancer IPs the lowest
//! free address of the MetalLB-like pool, healthCheckNodePort for LoadBalancer + Local.
//!
//! What is allocated is what the stored Services hold: the store counts it on every write
//! ([`Held`]), so a delete or a type change releases addresses and ports by construction and the
//! two can never drift apart.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::validate::{format_ipv4, go_strings, invalid_int, parse_cidr, parse_ipv4};
use crate::api::{LoadBalancerIngress, Service};
use crate::cluster::{net, Cluster};
use crate::error::FieldError;
use crate::sim::Pcg32;
use crate::store::Store;

/// Addresses and ports held by a set of Services, counted per holder (objects written straight
/// to the store may share one). [`crate::store::Store`] keeps one for all stored Services,
/// updated on every write, so an allocation need not re-read every Service (with 1,000
/// Services, re-reading them made creating each one cost as much as all the rest of its work).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Held {
    ips: BTreeMap<u32, u32>,
    node_ports: BTreeMap<i32, u32>,
    lb_ips: BTreeMap<u32, u32>,
}

impl Held {
    /// Adds (`add`) or removes what `svc` holds: every clusterIP, nodePort, healthCheckNodePort
    /// and load-balancer ingress IP.
    pub fn track(&mut self, svc: &Service, add: bool) {
        for ip in svc.spec.cluster_ips.iter().filter_map(|ip| parse_ipv4(ip)) {
            count(&mut self.ips, ip, add);
        }
        let ports = svc.spec.ports.iter().filter_map(|p| p.node_port);
        for p in ports.chain(svc.spec.health_check_node_port) {
            count(&mut self.node_ports, p, add);
        }
        let ingress = svc.status.iter().flat_map(|s| &s.load_balancer.ingress);
        for ip in ingress.filter_map(|i| i.ip.as_deref().and_then(parse_ipv4)) {
            count(&mut self.lb_ips, ip, add);
        }
    }

    fn of(svc: &Service) -> Held {
        let mut h = Held::default();
        h.track(svc, true);
        h
    }
}

fn count<K: Ord>(map: &mut BTreeMap<K, u32>, k: K, add: bool) {
    if add {
        *map.entry(k).or_insert(0) += 1;
        return;
    }
    if let Some(n) = map.get_mut(&k) {
        *n -= 1;
        if *n == 0 {
            map.remove(&k);
        }
    }
}

/// Whether `all` holds `k` for some Service other than the one whose own holdings are `own`.
fn held_by_others<K: Ord>(all: &BTreeMap<K, u32>, own: &BTreeMap<K, u32>, k: &K) -> bool {
    all.get(k).copied().unwrap_or(0) > own.get(k).copied().unwrap_or(0)
}

/// Addresses and ports held by every stored Service except the one being written, plus the
/// nodePorts this allocation has claimed so far.
struct InUse<'a> {
    all: Cow<'a, Held>,
    own: Held,
    claimed_ports: BTreeSet<i32>,
}

impl InUse<'_> {
    fn ip(&self, ip: u32) -> bool {
        held_by_others(&self.all.ips, &self.own.ips, &ip)
    }

    fn node_port(&self, p: i32) -> bool {
        self.claimed_ports.contains(&p)
            || held_by_others(&self.all.node_ports, &self.own.node_ports, &p)
    }

    /// Claims `p`; false when it is already in use.
    fn claim_node_port(&mut self, p: i32) -> bool {
        !self.node_port(p) && self.claimed_ports.insert(p)
    }

    fn lb_ip(&self, ip: u32) -> bool {
        held_by_others(&self.all.lb_ips, &self.own.lb_ips, &ip)
    }
}

fn in_use<'a>(store: &'a Store, namespace: &str, name: &str) -> InUse<'a> {
    let all = match store.service_holdings() {
        Some(held) => Cow::Borrowed(held),
        // Tracking is off after a raw `get_mut` of a Service: read every Service back.
        None => {
            let mut held = Held::default();
            for svc in store.list_typed::<Service>(None) {
                held.track(svc, true);
            }
            Cow::Owned(held)
        }
    };
    let own = store
        .get_typed::<Service>(namespace, name)
        .map(Held::of)
        .unwrap_or_default();
    InUse {
        all,
        own,
        claimed_ports: BTreeSet::new(),
    }
}

fn service_range() -> (u32, u32) {
    let (base, bits) = parse_cidr(net::SERVICE_CIDR).unwrap_or((0x0a60_0000, 12));
    (base, 1u32 << (32 - bits))
}

/// Allocates (or validates user-chosen) clusterIP, nodePorts, healthCheckNodePort and the LB
/// ingress IP of `svc`, which is stored under `namespace`/`name`. `svc` is already defaulted and
/// carries what an update keeps from the stored object.
pub fn allocate(cluster: &mut Cluster, svc: &mut Service) -> Result<(), Vec<FieldError>> {
    let ns = svc.metadata.namespace.clone().unwrap_or_default();
    let name = svc.metadata.name.clone();
    let mut used = in_use(&cluster.store, &ns, &name);
    let ty = svc.type_().to_string();
    // ExternalName services get no addresses; a clusterIP left on one is a validation error
    // (an update to ExternalName has already dropped the unchanged one).
    if ty != "ExternalName" {
        allocate_cluster_ip(&mut cluster.rng, svc, &used)?;
        if svc.spec.ip_families.is_empty() {
            svc.spec.ip_families = vec!["IPv4".into()];
        }
        svc.spec
            .ip_family_policy
            .get_or_insert_with(|| "SingleStack".into());
    }
    let wants_node_ports = ty == "NodePort"
        || (ty == "LoadBalancer" && svc.spec.allocate_load_balancer_node_ports != Some(false));
    if ty == "NodePort" || ty == "LoadBalancer" {
        allocate_node_ports(&mut cluster.rng, svc, &mut used, wants_node_ports)?;
    }
    let needs_hc =
        ty == "LoadBalancer" && svc.spec.external_traffic_policy.as_deref() == Some("Local");
    if needs_hc {
        match svc.spec.health_check_node_port.filter(|p| *p != 0) {
            Some(p) => claim_port(&mut used, p, "spec.healthCheckNodePort")?,
            None => {
                let p = next_node_port(&mut cluster.rng, &used)
                    .ok_or_else(|| vec![port_range_full("spec.healthCheckNodePort")])?;
                used.claimed_ports.insert(p);
                svc.spec.health_check_node_port = Some(p);
            }
        }
    }
    assign_lb_ip(svc, &used);
    Ok(())
}

fn allocate_cluster_ip(
    rng: &mut Pcg32,
    svc: &mut Service,
    used: &InUse<'_>,
) -> Result<(), Vec<FieldError>> {
    let (base, size) = service_range();
    let requested = svc.spec.cluster_ips.first().cloned().unwrap_or_default();
    if requested == "None" {
        svc.spec.cluster_ip = Some("None".into());
        svc.spec.cluster_ips = vec!["None".into()];
        return Ok(());
    }
    if !requested.is_empty() {
        let fail = |detail: String| {
            vec![FieldError::new(
                "spec.clusterIPs",
                format!(
                    "Invalid value: {}: failed to allocate IP {requested}: {detail}",
                    go_strings(&svc.spec.cluster_ips)
                ),
            )]
        };
        let ip = parse_ipv4(&requested).unwrap_or(0);
        let offset = ip.wrapping_sub(base);
        if ip < base || offset == 0 || offset >= size - 1 {
            return Err(fail(format!(
                "the provided IP ({requested}) is not in the valid range. The range of valid IPs is {}",
                net::SERVICE_CIDR
            )));
        }
        if used.ip(ip) {
            return Err(fail("provided IP is already allocated".into()));
        }
        svc.spec.cluster_ip = Some(requested.clone());
        svc.spec.cluster_ips = vec![requested];
        return Ok(());
    }
    // Dynamic band first (offsets 257..size-2), then the static band, scanning from a random start.
    let static_size = (size / 16).clamp(16, 256);
    let bands = [(static_size + 1, size - 2), (1, static_size)];
    for (lo, hi) in bands {
        let span = hi - lo + 1;
        let start = rng.below(span);
        for k in 0..span {
            let ip = base + lo + (start + k) % span;
            if !used.ip(ip) {
                let text = format_ipv4(ip);
                svc.spec.cluster_ip = Some(text.clone());
                svc.spec.cluster_ips = vec![text];
                return Ok(());
            }
        }
    }
    Err(vec![FieldError::new(
        "spec.clusterIPs",
        "Internal error: range is full",
    )])
}

fn port_range_full(path: &str) -> FieldError {
    FieldError::new(path, "Internal error: range is full")
}

fn claim_port(used: &mut InUse<'_>, port: i32, path: &str) -> Result<(), Vec<FieldError>> {
    if !(net::NODE_PORT_MIN..=net::NODE_PORT_MAX).contains(&port) {
        return Err(vec![invalid_int(
            path,
            port.into(),
            &format!(
                "provided port is not in the valid range. The range of valid ports is {}-{}",
                net::NODE_PORT_MIN,
                net::NODE_PORT_MAX
            ),
        )]);
    }
    if !used.claim_node_port(port) {
        return Err(vec![invalid_int(
            path,
            port.into(),
            "provided port is already allocated",
        )]);
    }
    Ok(())
}

/// `initNodePorts`: ports with the same `port` number share one nodePort.
fn allocate_node_ports(
    rng: &mut Pcg32,
    svc: &mut Service,
    used: &mut InUse<'_>,
    auto: bool,
) -> Result<(), Vec<FieldError>> {
    let mut by_port: Vec<(i32, i32)> = Vec::new();
    let requested: Vec<(i32, Option<i32>)> = svc
        .spec
        .ports
        .iter()
        .map(|p| (p.port, p.node_port.filter(|n| *n != 0)))
        .collect();
    for i in 0..svc.spec.ports.len() {
        let (port, node_port) = requested[i];
        if node_port.is_none() && !auto {
            continue;
        }
        let path = format!("spec.ports[{i}].nodePort");
        let shared = by_port.iter().find(|(p, _)| *p == port).map(|(_, n)| *n);
        let chosen = match (shared, node_port) {
            (Some(s), None) => s,
            (Some(s), Some(n)) if s == n => s,
            (_, Some(n)) => {
                claim_port(used, n, &path)?;
                n
            }
            (None, None) => {
                let later = requested[i..]
                    .iter()
                    .find(|(p, n)| *p == port && n.is_some())
                    .and_then(|(_, n)| *n);
                match later {
                    Some(n) => {
                        claim_port(used, n, &path)?;
                        n
                    }
                    None => {
                        let n = next_node_port(rng, used)
                            .ok_or_else(|| vec![port_range_full(&path)])?;
                        used.claimed_ports.insert(n);
                        n
                    }
                }
            }
        };
        if shared.is_none() {
            by_port.push((port, chosen));
        }
        if let Some(p) = svc.spec.ports.get_mut(i) {
            p.node_port = Some(chosen);
        }
    }
    Ok(())
}

/// A random free port, from the dynamic band first.
fn next_node_port(rng: &mut Pcg32, used: &InUse<'_>) -> Option<i32> {
    let size = net::NODE_PORT_MAX - net::NODE_PORT_MIN + 1;
    let static_size = (size / 32).clamp(16, 128);
    let bands = [
        (net::NODE_PORT_MIN + static_size, net::NODE_PORT_MAX),
        (net::NODE_PORT_MIN, net::NODE_PORT_MIN + static_size - 1),
    ];
    for (lo, hi) in bands {
        let span = u32::try_from(hi - lo + 1).unwrap_or(1);
        let start = rng.below(span);
        for k in 0..span {
            let p = lo + i32::try_from((start + k) % span).unwrap_or(0);
            if !used.node_port(p) {
                return Some(p);
            }
        }
    }
    None
}

/// The LB controller's part: keep an assigned IP, else take the lowest free pool address.
fn assign_lb_ip(svc: &mut Service, used: &InUse<'_>) {
    let status = svc.status.get_or_insert_with(Default::default);
    if svc.spec.type_.as_deref() != Some("LoadBalancer") {
        status.load_balancer.ingress.clear();
        return;
    }
    if !status.load_balancer.ingress.is_empty() {
        return;
    }
    let first = u32::from_be_bytes(net::LB_POOL_FIRST);
    let last = u32::from_be_bytes(net::LB_POOL_LAST);
    let wanted = svc.spec.load_balancer_ip.as_deref().and_then(parse_ipv4);
    let pick = match wanted {
        Some(ip) if (first..=last).contains(&ip) && !used.lb_ip(ip) => Some(ip),
        Some(_) => None,
        None => (first..=last).find(|ip| !used.lb_ip(*ip)),
    };
    if let Some(ip) = pick {
        status.load_balancer.ingress.push(LoadBalancerIngress {
            ip: Some(format_ipv4(ip)),
            hostname: None,
            ip_mode: Some("VIP".into()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Kind, Object};
    use crate::controllers::fixtures;
    use crate::store::ObjectKey;

    fn scanned(store: &Store) -> Held {
        let mut held = Held::default();
        for svc in store.list_typed::<Service>(None) {
            held.track(svc, true);
        }
        held
    }

    /// The store's running count always equals reading every Service back, through creates,
    /// a shared address (objects written straight to the store), a type change and deletes.
    #[test]
    fn store_holdings_follow_every_write() {
        let mut c = Cluster::new(1);
        fixtures::create(&mut c, fixtures::service("default", "a", "a", "10.96.0.20"));
        fixtures::create(&mut c, fixtures::service("default", "b", "b", "10.96.0.20"));
        let mut lb = fixtures::service("default", "lb", "lb", "10.96.0.30");
        lb.spec.type_ = Some("NodePort".into());
        lb.spec.ports[0].node_port = Some(30080);
        fixtures::create(&mut c, lb.clone());
        assert_eq!(c.store.service_holdings(), Some(&scanned(&c.store)));
        lb.spec.type_ = Some("ClusterIP".into());
        lb.spec.ports[0].node_port = None;
        c.store.put(Object::Service(lb));
        c.delete(&ObjectKey::new(Kind::Service, "default", "a"), None);
        assert_eq!(c.store.service_holdings(), Some(&scanned(&c.store)));
        let used = in_use(&c.store, "default", "b");
        assert!(!used.ip(parse_ipv4("10.96.0.20").unwrap_or(0)));
        assert!(used.ip(parse_ipv4("10.96.0.30").unwrap_or(0)));
        assert!(!used.node_port(30080));
        c.store.get_mut(Kind::Service, "default", "b");
        assert_eq!(c.store.service_holdings(), None);
    }
}
