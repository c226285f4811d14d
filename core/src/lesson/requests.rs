//! The request log lesson checks read: one summary per completed network command (who sent
//! it, which Service it went through, which pod answered, how it ended), kept after the page has
//! drained the full traces for its animation.
//!
//! Labels of the origin and destination pods are copied when the request is logged, so a check
//! still knows "a pod labelled app=origin" sent it after that pod was replaced.
//!
//! Checks judge a step by the requests made while it was the current step: every request gets a
//! sequence number, a front end takes a [`RequestLog::mark`] when a step begins, and a check
//! counts only requests after it. A request through a Service also carries a fingerprint of
//! that Service (uid and spec), so a check can tell it went through an older version of the
//! Service (before a blue/green selector flip) and ignore it.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::api::{Pod, Service};
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
    /// 1 for the first request the session logged, counting on past the log's capacity.
    pub seq: u64,
    pub command: String,
    /// The client pod; `None` for the workstation.
    pub origin: Option<PodRef>,
    /// `(namespace, name)` of the Service the request went through, if any.
    pub service: Option<(String, String)>,
    /// [`service_fingerprint`] of that Service when the request went through it.
    pub service_spec: Option<u32>,
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
        let service_spec = service
            .as_ref()
            .and_then(|(ns, name)| service_fingerprint(store, ns, name));
        Some(Request {
            seq: 0,
            command: trace.command.clone(),
            origin: pod_ref(store, &trace.origin),
            service,
            service_spec,
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

/// Identifies one version of a Service: its uid and spec (selector, ports, type, cluster IP…).
/// It changes when the Service is edited so that it routes differently, or deleted and created
/// again; not when only its status or labels change. `None` if the Service does not exist.
pub fn service_fingerprint(store: &Store, namespace: &str, name: &str) -> Option<u32> {
    let svc = store.get_typed::<Service>(namespace, name)?;
    // Through a `Value`, whose serializer every object already uses (a typed `to_string`
    // would compile the spec's serializer a second time into the wasm).
    let spec = serde_json::to_value(&svc.spec).unwrap_or_default();
    let uid = svc.metadata.uid.as_deref().unwrap_or("");
    Some(crate::controllers::names::fnv32a(
        format!("{uid}\n{spec}").as_bytes(),
    ))
}

/// The most recent requests, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestLog {
    requests: VecDeque<Request>,
    /// Requests logged since the session began, forgotten ones included.
    logged: u64,
}

impl RequestLog {
    /// Logs `r`, numbering it after every earlier request.
    pub fn push(&mut self, mut r: Request) {
        if self.requests.len() == REQUEST_LOG_CAPACITY {
            self.requests.pop_front();
        }
        self.logged += 1;
        r.seq = self.logged;
        self.requests.push_back(r);
    }

    /// Where "from now on" starts: the requests logged after this mark have `seq > mark`.
    /// Deterministic like everything else, so a mark kept outside the session (the page keeps
    /// it in its lesson progress) still means the same after the session is replayed.
    pub fn mark(&self) -> u64 {
        self.logged
    }

    /// The requests logged after `mark`, oldest first.
    pub fn since(&self, mark: u64) -> impl DoubleEndedIterator<Item = &Request> {
        self.requests.iter().filter(move |r| r.seq > mark)
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
