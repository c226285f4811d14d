//! Lookup tables over the store for the request path: pods and Services by IP, nodePorts,
//! EndpointSlices per Service, NetworkPolicies and Services per namespace.
//!
//! The store only offers ordered scans, so routing one request by scanning would cost O(objects);
//! the index is built once per store version instead and reused by every request until an object
//! is written. Its stamp is (resourceVersion, object count): `put` bumps the first, `remove` changes
//! the second. Entries hold keys only; callers read the objects themselves from the store, so a
//! status edited in place (readiness) is always seen fresh.

use std::collections::BTreeMap;

use super::ip::Ipv4;
use crate::api::*;
use crate::store::Store;

/// `(namespace, name)` of a namespaced object.
pub type Key = (String, String);

/// How an address outside the service CIDR reaches a Service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternalKind {
    LoadBalancer,
    ExternalIp,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetIndex {
    stamp: Option<(u64, usize)>,
    pub pod_by_ip: BTreeMap<Ipv4, Key>,
    pub service_by_cluster_ip: BTreeMap<Ipv4, Key>,
    pub service_by_external_ip: BTreeMap<Ipv4, Vec<(Key, ExternalKind)>>,
    pub node_by_ip: BTreeMap<Ipv4, String>,
    /// Node name → InternalIP, in name order.
    pub node_ip: BTreeMap<String, Ipv4>,
    /// (nodePort, protocol) → Service.
    pub service_by_node_port: BTreeMap<(i32, String), Key>,
    /// Service → names of its EndpointSlices (label `kubernetes.io/service-name`).
    pub slices_by_service: BTreeMap<Key, Vec<String>>,
    pub policies_by_namespace: BTreeMap<String, Vec<String>>,
    pub services_by_namespace: BTreeMap<String, Vec<String>>,
    /// (namespace, subdomain, hostname) → pod name, for `hostname.subdomain.ns.svc` records.
    pub pod_by_hostname: BTreeMap<(String, String, String), String>,
}

impl NetIndex {
    /// Rebuilds the tables if the store changed since the last build.
    pub fn refresh(&mut self, store: &Store) {
        let stamp = (store.resource_version(), store.len());
        if self.stamp != Some(stamp) {
            *self = NetIndex::build(store);
            self.stamp = Some(stamp);
        }
    }

    pub fn is_fresh(&self, store: &Store) -> bool {
        self.stamp == Some((store.resource_version(), store.len()))
    }

    /// Forces the next [`NetIndex::refresh`] to rebuild.
    pub fn invalidate(&mut self) {
        self.stamp = None;
    }

    fn build(store: &Store) -> NetIndex {
        let mut ix = NetIndex::default();
        for (key, obj) in store.iter() {
            let k = (key.namespace.clone(), key.name.clone());
            match obj {
                Object::Pod(p) => ix.add_pod(k, p),
                Object::Service(s) => ix.add_service(k, s),
                Object::Node(n) => ix.add_node(n),
                Object::EndpointSlice(s) => {
                    if let Some(svc) = s.metadata.labels.get("kubernetes.io/service-name") {
                        ix.slices_by_service
                            .entry((k.0.clone(), svc.clone()))
                            .or_default()
                            .push(k.1);
                    }
                }
                Object::NetworkPolicy(_) => {
                    ix.policies_by_namespace.entry(k.0).or_default().push(k.1);
                }
                _ => {}
            }
        }
        ix
    }

    fn add_pod(&mut self, k: Key, p: &Pod) {
        if p.metadata.deletion_timestamp.is_none() || p.ip().is_some() {
            if let Some(ip) = p.ip().and_then(Ipv4::parse) {
                // hostNetwork pods share the node IP; the node keeps that address.
                if p.spec.host_network != Some(true) {
                    self.pod_by_ip.insert(ip, k.clone());
                }
            }
        }
        if let (Some(h), Some(sub)) = (&p.spec.hostname, &p.spec.subdomain) {
            self.pod_by_hostname
                .insert((k.0.clone(), sub.clone(), h.clone()), k.1.clone());
        }
    }

    fn add_service(&mut self, k: Key, s: &Service) {
        self.services_by_namespace
            .entry(k.0.clone())
            .or_default()
            .push(k.1.clone());
        if s.type_() == "ExternalName" {
            return;
        }
        if let Some(ip) = s.spec.cluster_ip.as_deref().and_then(Ipv4::parse) {
            self.service_by_cluster_ip.insert(ip, k.clone());
        }
        for ip in s.spec.external_ips.iter().filter_map(|i| Ipv4::parse(i)) {
            self.service_by_external_ip
                .entry(ip)
                .or_default()
                .push((k.clone(), ExternalKind::ExternalIp));
        }
        if s.type_() == "LoadBalancer" {
            let ingress = s.status.iter().flat_map(|st| &st.load_balancer.ingress);
            for ip in ingress.filter_map(|i| i.ip.as_deref().and_then(Ipv4::parse)) {
                self.service_by_external_ip
                    .entry(ip)
                    .or_default()
                    .push((k.clone(), ExternalKind::LoadBalancer));
            }
        }
        if matches!(s.type_(), "NodePort" | "LoadBalancer") {
            for p in &s.spec.ports {
                if let Some(np) = p.node_port {
                    let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
                    self.service_by_node_port.insert((np, proto), k.clone());
                }
            }
        }
    }

    fn add_node(&mut self, n: &Node) {
        let ip = n
            .status
            .iter()
            .flat_map(|s| &s.addresses)
            .find(|a| a.type_ == "InternalIP")
            .and_then(|a| Ipv4::parse(&a.address));
        if let Some(ip) = ip {
            self.node_by_ip.insert(ip, n.metadata.name.clone());
            self.node_ip.insert(n.metadata.name.clone(), ip);
        }
    }
}
