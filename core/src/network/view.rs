//! A read-only view of the cluster for the request path: the store plus the [`NetIndex`], with
//! the questions routing asks (who owns this IP, which endpoints back this Service port).

use super::index::{ExternalKind, Key, NetIndex};
use super::ip::Ipv4;
use crate::api::*;
use crate::store::Store;

#[derive(Clone, Copy)]
pub struct View<'a> {
    pub store: &'a Store,
    pub ix: &'a NetIndex,
}

/// One endpoint of a Service port as kube-proxy sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    pub ip: Ipv4,
    /// The resolved target port on the endpoint.
    pub port: i32,
    pub node: Option<String>,
    /// `(namespace, name)` of the backing pod, if the endpoint references one.
    pub pod: Option<Key>,
    pub hostname: Option<String>,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

impl Backend {
    pub fn addr(&self) -> String {
        use std::fmt::Write as _;
        // Into one right-sized buffer: `format!` grew its string twice per address, and a
        // request formats about ten.
        let mut out = String::with_capacity(21);
        let _ = write!(out, "{}:{}", self.ip, self.port);
        out
    }
}

impl<'a> View<'a> {
    pub fn pod(&self, ns: &str, name: &str) -> Option<&'a Pod> {
        self.store.get_typed::<Pod>(ns, name)
    }

    /// The pod that owns `ip` right now (the index entry is checked against the pod).
    pub fn pod_by_ip(&self, ip: Ipv4) -> Option<&'a Pod> {
        let (ns, name) = self.ix.pod_by_ip.get(&ip)?;
        let pod = self.pod(ns, name)?;
        (pod.ip().and_then(Ipv4::parse) == Some(ip)).then_some(pod)
    }

    pub fn service(&self, ns: &str, name: &str) -> Option<&'a Service> {
        self.store.get_typed::<Service>(ns, name)
    }

    pub fn service_by_cluster_ip(&self, ip: Ipv4) -> Option<&'a Service> {
        let (ns, name) = self.ix.service_by_cluster_ip.get(&ip)?;
        self.service(ns, name)
    }

    pub fn services_by_external_ip(&self, ip: Ipv4) -> Vec<(&'a Service, ExternalKind)> {
        let Some(list) = self.ix.service_by_external_ip.get(&ip) else {
            return Vec::new();
        };
        list.iter()
            .filter_map(|((ns, name), kind)| Some((self.service(ns, name)?, *kind)))
            .collect()
    }

    pub fn namespace_labels(&self, ns: &str) -> Option<&'a Labels> {
        self.store
            .get_typed::<Namespace>("", ns)
            .map(|n| &n.metadata.labels)
    }

    pub fn node_ip(&self, node: &str) -> Option<Ipv4> {
        self.ix.node_ip.get(node).copied()
    }

    pub fn pod_ip(pod: &Pod) -> Option<Ipv4> {
        pod.ip().and_then(Ipv4::parse)
    }

    pub fn pod_node(pod: &Pod) -> Option<&str> {
        pod.spec.node_name.as_deref()
    }

    /// Endpoints for one Service port: from its EndpointSlices, else from its Endpoints object
    /// (selector-less Services whose Endpoints were written by hand). Sorted by address.
    pub fn endpoints(&self, svc: &Service, port: &ServicePort) -> Vec<Backend> {
        let ns = svc.metadata.namespace.as_deref().unwrap_or("default");
        let key = (ns.to_string(), svc.metadata.name.clone());
        let mut out = match self.ix.slices_by_service.get(&key) {
            Some(slices) => slices
                .iter()
                .filter_map(|n| self.store.get_typed::<EndpointSlice>(ns, n))
                .flat_map(|s| self.slice_backends(ns, s, port))
                .collect(),
            None => self.legacy_backends(ns, &svc.metadata.name, port),
        };
        out.sort_by_key(|b| (b.ip, b.port));
        out.dedup_by(|a, b| a.ip == b.ip && a.port == b.port);
        out
    }

    fn slice_backends(&self, ns: &str, slice: &EndpointSlice, port: &ServicePort) -> Vec<Backend> {
        let proto = port.protocol.as_deref().unwrap_or("TCP");
        let slice_port = slice.ports.iter().find(|p| {
            p.name.as_deref().unwrap_or("") == port.name.as_deref().unwrap_or("")
                && p.protocol.as_deref().unwrap_or("TCP") == proto
        });
        if !slice.ports.is_empty() && slice_port.is_none() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for ep in &slice.endpoints {
            let pod_key = ep
                .target_ref
                .as_ref()
                .filter(|r| r.kind.as_deref().unwrap_or("Pod") == "Pod")
                .and_then(|r| {
                    Some((
                        r.namespace.clone().unwrap_or(ns.to_string()),
                        r.name.clone()?,
                    ))
                });
            let number = slice_port
                .and_then(|p| p.port)
                .or_else(|| self.resolve_target(pod_key.as_ref(), port, proto));
            let Some(number) = number else { continue };
            let c = &ep.conditions;
            let ready = c.ready.unwrap_or(true);
            // Slices written without nodeName still place the endpoint through its pod.
            let node = ep.node_name.clone().or_else(|| {
                let (pns, pname) = pod_key.as_ref()?;
                self.pod(pns, pname)?.spec.node_name.clone()
            });
            for ip in ep.addresses.iter().filter_map(|a| Ipv4::parse(a)) {
                out.push(Backend {
                    ip,
                    port: number,
                    node: node.clone(),
                    pod: pod_key.clone(),
                    hostname: ep.hostname.clone(),
                    ready,
                    serving: c.serving.unwrap_or(ready),
                    terminating: c.terminating.unwrap_or(false),
                });
            }
        }
        out
    }

    fn legacy_backends(&self, ns: &str, name: &str, port: &ServicePort) -> Vec<Backend> {
        let Some(eps) = self.store.get_typed::<Endpoints>(ns, name) else {
            return Vec::new();
        };
        let proto = port.protocol.as_deref().unwrap_or("TCP");
        let mut out = Vec::new();
        for subset in &eps.subsets {
            let sp = subset
                .ports
                .iter()
                .find(|p| p.name.as_deref().unwrap_or("") == port.name.as_deref().unwrap_or(""));
            let all = subset
                .addresses
                .iter()
                .map(|a| (a, true))
                .chain(subset.not_ready_addresses.iter().map(|a| (a, false)));
            for (addr, ready) in all {
                let pod_key = addr.target_ref.as_ref().and_then(|r| {
                    Some((
                        r.namespace.clone().unwrap_or(ns.to_string()),
                        r.name.clone()?,
                    ))
                });
                let number = sp
                    .and_then(|p| p.port)
                    .or_else(|| self.resolve_target(pod_key.as_ref(), port, proto));
                let (Some(number), Some(ip)) = (number, Ipv4::parse(&addr.ip)) else {
                    continue;
                };
                let node = addr.node_name.clone().or_else(|| {
                    let (pns, pname) = pod_key.as_ref()?;
                    self.pod(pns, pname)?.spec.node_name.clone()
                });
                out.push(Backend {
                    ip,
                    port: number,
                    node,
                    pod: pod_key,
                    hostname: addr.hostname.clone(),
                    ready,
                    serving: ready,
                    terminating: false,
                });
            }
        }
        out
    }

    fn resolve_target(&self, pod: Option<&Key>, port: &ServicePort, proto: &str) -> Option<i32> {
        let target = port
            .target_port
            .clone()
            .unwrap_or(IntOrString::Int(port.port));
        match (&target, pod) {
            (IntOrString::Int(0), _) => Some(port.port),
            (IntOrString::Int(n), _) => Some(*n),
            (IntOrString::Str(_), Some((ns, name))) => {
                self.pod(ns, name)?.resolve_target_port(&target, proto)
            }
            (IntOrString::Str(_), None) => None,
        }
    }
}
