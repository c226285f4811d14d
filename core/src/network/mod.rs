//! Service networking: how a request finds a pod (DNS, kube-proxy, NetworkPolicy), returning a
//! trace of every hop for the terminal, the explainer and the animation.
//!
//! Map:
//! - [`ip`]: IPv4 addresses and CIDRs; [`hash`]: SHA-256 and base32 for kube-proxy chain names.
//! - [`index`] and [`view`]: lookups by IP and name, rebuilt only when the store changes.
//! - [`dns`]: the pod resolver (search path, ndots) and CoreDNS's answers; [`internet`]: the
//!   small simulated outside world.
//! - [`proxy`]: kube-proxy's choice of endpoint and its `iptables-save` rules.
//! - [`policy`]: NetworkPolicy verdicts per direction; [`rules`]: `iptables-save` per node.
//! - [`flow`]: one connection end to end (routing, proxy, policies, delivery); [`resolver`]:
//!   search path and the DNS transport.
//! - [`env`](mod@env): the Service environment variables a container starts with.
//! - [`trace`]: the hops of a request, in data and in plain words.

pub mod dns;
pub mod env;
pub mod flow;
pub mod hash;
pub mod index;
pub mod internet;
pub mod ip;
pub mod policy;
pub mod proxy;
pub mod resolver;
pub mod rules;
pub mod trace;
pub mod view;

use std::collections::{BTreeMap, VecDeque};

use crate::sim::{Pcg32, Time};
pub use index::NetIndex;
pub use ip::{Cidr, Ipv4};
pub use trace::{Hop, Trace};

/// The learner's workstation on the node network: outside the cluster, reaches node IPs,
/// nodePorts and LoadBalancer IPs, not pod or cluster IPs.
pub const WORKSTATION_IP: &str = "10.10.98.50";
/// How many traces the page can still drain; older ones are dropped.
pub const TRACE_CAPACITY: usize = 500;
/// Log lines kept per pod for `kubectl logs`.
pub const LOG_CAPACITY: usize = 1000;

/// PCG stream of the network's PRNG ("network" in ASCII).
pub const NET_RNG_STREAM: u64 = 0x006e_6574_776f_726b;

/// sessionAffinity memory: which endpoint a client IP is pinned to, per Service port.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AffinityKey {
    pub client: Ipv4,
    /// `ns/name:port` of the Service port.
    pub service_port: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffinityEntry {
    pub endpoint: String,
    pub last_seen: Time,
}

/// Network state that outlives one request: conntrack/affinity memory and the traces of recent
/// requests, which the page drains to animate them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetState {
    traces: VecDeque<Trace>,
    served: BTreeMap<(String, String), u64>,
    logs: BTreeMap<(String, String), Vec<String>>,
    pub affinity: BTreeMap<AffinityKey, AffinityEntry>,
    pub index: NetIndex,
    /// The network's own PRNG, forked from the cluster's on first use, so curl and friends do
    /// not shift the stream the controllers draw pod names from.
    rng: Option<Pcg32>,
    /// Simulated milliseconds network commands spent (timeouts included) since the last
    /// [`NetState::take_elapsed_ms`]; the session may advance the clock by it.
    elapsed_ms: u64,
    /// Summaries of completed requests for lesson checks; unlike `traces`, never drained.
    pub requests: crate::lesson::requests::RequestLog,
}

impl NetState {
    /// The network's PRNG (endpoint choice, ephemeral ports, DNS ids), forked from `parent`
    /// the first time it is needed.
    pub fn rng(&mut self, parent: &mut Pcg32) -> &mut Pcg32 {
        self.rng.get_or_insert_with(|| parent.fork(NET_RNG_STREAM))
    }

    /// Keeps `trace` for the page, dropping the oldest beyond [`TRACE_CAPACITY`].
    pub fn record(&mut self, trace: Trace) {
        self.elapsed_ms = self.elapsed_ms.saturating_add(trace.elapsed_ms);
        if self.traces.len() == TRACE_CAPACITY {
            self.traces.pop_front();
        }
        self.traces.push_back(trace);
    }

    /// How long (simulated ms) the network commands since the last call took, e.g. 5001 after
    /// `curl -m 5` timed out. Tools never move the cluster clock themselves.
    pub fn take_elapsed_ms(&mut self) -> u64 {
        std::mem::take(&mut self.elapsed_ms)
    }

    /// Hands over the traces recorded since the last drain, oldest first.
    pub fn drain_traces(&mut self) -> Vec<Trace> {
        self.traces.drain(..).collect()
    }

    /// Recorded traces not yet drained, oldest first.
    pub fn traces(&self) -> impl Iterator<Item = &Trace> {
        self.traces.iter()
    }

    /// Requests served by a pod so far.
    pub fn served(&self, namespace: &str, pod: &str) -> u64 {
        self.served
            .get(&(namespace.to_string(), pod.to_string()))
            .copied()
            .unwrap_or(0)
    }

    pub fn count_served(&mut self, namespace: &str, pod: &str) {
        *self
            .served
            .entry((namespace.to_string(), pod.to_string()))
            .or_default() += 1;
    }

    /// Lines the pod's server logged (nginx access log, whoami), oldest first.
    pub fn logs(&self, namespace: &str, pod: &str) -> &[String] {
        self.logs
            .get(&(namespace.to_string(), pod.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn log(&mut self, namespace: &str, pod: &str, line: String) {
        let lines = self
            .logs
            .entry((namespace.to_string(), pod.to_string()))
            .or_default();
        if lines.len() == LOG_CAPACITY {
            lines.remove(0);
        }
        lines.push(line);
    }
}

impl NetState {
    /// True if the index reflects the store as it is now.
    pub fn index_is_fresh(&self, store: &crate::store::Store) -> bool {
        self.index.is_fresh(store)
    }
}
