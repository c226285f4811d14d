//! Requests to animate, taken from the core after each command. A `Flight` is a request's path
//! as map `Place`s (workstation → load balancer → node → Service → pod) and whether it arrived.
//!
//! The core keeps recent request traces in `cluster.net`; `drain` is the one place that reads
//! them, so hooking real traces to the map is a change to this function's body only.

use kubeplay_core::cluster::Cluster;

use crate::map::layout::Place;

#[derive(Clone, Debug, PartialEq)]
pub struct Flight {
    pub hops: Vec<Place>,
    /// False when the request was dropped, refused or timed out.
    pub delivered: bool,
}

/// Takes the requests the cluster recorded since the last call. The core does not record
/// traces yet, so there is nothing to take.
pub fn drain(_cluster: &mut Cluster) -> Vec<Flight> {
    Vec::new()
}

/// `ns/name` as the core writes object references, split; a bare name is in `default`.
pub fn split_ref(reference: &str) -> (String, String) {
    match reference.split_once('/') {
        Some((ns, name)) => (ns.to_string(), name.to_string()),
        None => ("default".to_string(), reference.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references() {
        assert_eq!(split_ref("team-a/web"), ("team-a".into(), "web".into()));
        assert_eq!(split_ref("web"), ("default".into(), "web".into()));
    }
}
