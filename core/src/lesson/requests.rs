//! The request log lesson checks read: one summary per completed network command (who sent
//! it, which Service it went through, which pod answered, how it ended), kept after the page has
//! drained the full traces for its animation.
//!
//! Labels of the origin and destination pods are copied when the request is logged, so a check
//! still knows "a pod labelled app=origin" sent it after that pod was replaced.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::api::Pod;
use crate::network::trace::{Hop, PolicyOutcome, Proto, Target};
use crate::network::Trace;
use crate::store::Store;

/// Requests kept for checks; older ones are forgotten.
pub const REQUEST_LOG_CAPACITY: usize = 1000;

/// How a request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// A server in a pod (or outside the cluster) answered.
    Reached,
    /// A NetworkPolicy dropped it (the client then timed out).
    DroppedByPolicy,
    /// Dropped or unanswered for another reason (no endpoints, nothing routes there).
    TimedOut,
    /// Refused (nothing listens on that port, or a Service without endpoints).
    Refused,
}

/// One pod at the time of the request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PodRef {
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
}

/// A summary of one network command, for lesson checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Request {
    pub command: String,
    /// The client pod; `None` for the workstation.
    pub origin: Option<PodRef>,
    /// `(namespace, name)` of the Service the request went through, if any.
    pub service: Option<(String, String)>,
    /// The pod that received it, if it reached one.
    pub pod: Option<PodRef>,
    pub outcome: Outcome,
}

impl Request {
    /// Summarises `trace`, reading labels from `store` as they are now. `None` for traces that
    /// opened no connection (a DNS lookup alone, or a name that did not resolve).
    pub fn of(store: &Store, trace: &Trace) -> Option<Request> {
        // DNS lookups on the way (to kube-dns over UDP port 53) are not the request itself.
        let start = trace.hops.iter().position(|h| {
            matches!(&h.hop, Hop::Connect { port, proto, .. } if !(*port == 53 && *proto == Proto::Udp))
        })?;
        let mut service = None;
        let mut pod = None;
        let mut outcome = Outcome::TimedOut;
        for h in &trace.hops[start..] {
            match &h.hop {
                Hop::Connect { target, .. } => {
                    outcome = Outcome::TimedOut;
                    if let Some(s) = target_service(target) {
                        service = split(s);
                    }
                }
                Hop::KubeProxy { service: s, .. } => {
                    let name = s.split(':').next().unwrap_or(s);
                    service = split(name);
                }
                Hop::Deliver { pod: p, .. } => pod = pod_ref(store, p),
                Hop::Response { .. } => outcome = Outcome::Reached,
                Hop::Refused { .. } => outcome = Outcome::Refused,
                Hop::Policy {
                    outcome: PolicyOutcome::Denied { .. },
                    ..
                } => outcome = Outcome::DroppedByPolicy,
                _ => {}
            }
        }
        Some(Request {
            command: trace.command.clone(),
            origin: pod_ref(store, &trace.origin),
            service,
            pod,
            outcome,
        })
    }
}

fn target_service(t: &Target) -> Option<&str> {
    match t {
        Target::ClusterIp { service }
        | Target::NodePort { service, .. }
        | Target::LoadBalancer { service, .. }
        | Target::ExternalIp { service, .. } => Some(service),
        _ => None,
    }
}

fn split(ns_name: &str) -> Option<(String, String)> {
    let (ns, name) = ns_name.split_once('/')?;
    Some((ns.to_string(), name.to_string()))
}

fn pod_ref(store: &Store, ns_name: &str) -> Option<PodRef> {
    let (namespace, name) = split(ns_name)?;
    let labels = store
        .get_typed::<Pod>(&namespace, &name)
        .map(|p| p.metadata.labels.clone())
        .unwrap_or_default();
    Some(PodRef {
        namespace,
        name,
        labels,
    })
}

/// The most recent requests, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestLog {
    requests: VecDeque<Request>,
}

impl RequestLog {
    pub fn push(&mut self, r: Request) {
        if self.requests.len() == REQUEST_LOG_CAPACITY {
            self.requests.pop_front();
        }
        self.requests.push_back(r);
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Request> {
        self.requests.iter()
    }

    pub fn len(&self) -> usize {
        self.requests.len()
    }

    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }
}
