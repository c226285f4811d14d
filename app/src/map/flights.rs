//! Requests to animate, taken from the core after each command. A `Flight` is a request's path
//! as map `Place`s (workstation → load balancer → node → Service → pod) and whether it arrived.
//!
//! The bridge drains the core's request traces after each input and turns each into a flight
//! here; the flight keeps the trace's id so a click on its dot opens its explanation.

use kubeplay_core::network::trace::Target;
use kubeplay_core::network::{Hop, Trace};

use crate::map::layout::Place;

#[derive(Clone, Debug, PartialEq)]
pub struct Flight {
    pub hops: Vec<Place>,
    /// False when the request was dropped, refused or timed out.
    pub delivered: bool,
    /// The bridge's id for the trace, for the explainer.
    pub trace: u64,
}

/// A trace's path on the map: where it started, how it entered (load balancer, node port,
/// cluster IP), the Service, and the pod that answered.
pub fn flight_of(trace: &Trace, id: u64) -> Flight {
    let mut hops = vec![match trace.origin.as_str() {
        "workstation" => Place::Workstation,
        pod => pod_place(pod),
    }];
    let mut delivered = false;
    for timed in &trace.hops {
        match &timed.hop {
            Hop::Connect { dst, target, .. } => match target {
                Target::ClusterIp { service } => hops.push(service_place(service)),
                Target::NodePort { node, service } | Target::ExternalIp { node, service } => {
                    hops.push(Place::Node(node.clone()));
                    hops.push(service_place(service));
                }
                Target::LoadBalancer { service, node } => {
                    hops.push(Place::LoadBalancer(dst.clone()));
                    hops.push(Place::Node(node.clone()));
                    hops.push(service_place(service));
                }
                Target::Node { node } => hops.push(Place::Node(node.clone())),
                Target::Pod { .. } | Target::Internet { .. } | Target::Unroutable => {}
            },
            Hop::Deliver { pod, .. } => {
                if !pod.starts_with("node ") && pod.contains('/') {
                    hops.push(pod_place(pod));
                }
                delivered = true;
            }
            Hop::Dropped { .. } | Hop::Refused { .. } | Hop::Timeout { .. } => delivered = false,
            _ => {}
        }
    }
    hops.dedup();
    Flight {
        hops,
        delivered,
        trace: id,
    }
}

fn pod_place(reference: &str) -> Place {
    let (namespace, name) = split_ref(reference);
    Place::Pod { namespace, name }
}

fn service_place(reference: &str) -> Place {
    let (namespace, name) = split_ref(reference);
    Place::Service { namespace, name }
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
    fn a_load_balanced_request_flies_through_lb_node_service_to_pod() {
        let mut t = Trace::new("workstation", "curl 10.10.99.100");
        t.push(
            Hop::Connect {
                src: "10.10.98.1".into(),
                src_name: "workstation".into(),
                dst: "10.10.99.100".into(),
                port: 80,
                proto: kubeplay_core::network::trace::Proto::Tcp,
                target: Target::LoadBalancer {
                    service: "default/web".into(),
                    node: "worker-1".into(),
                },
            },
            1,
        );
        t.push(
            Hop::Deliver {
                pod: "default/web-1".into(),
                ip: "192.168.1.4".into(),
                port: 80,
            },
            1,
        );
        let f = flight_of(&t, 3);
        assert_eq!(f.trace, 3);
        assert!(f.delivered);
        assert_eq!(
            f.hops,
            vec![
                Place::Workstation,
                Place::LoadBalancer("10.10.99.100".into()),
                Place::Node("worker-1".into()),
                Place::Service {
                    namespace: "default".into(),
                    name: "web".into()
                },
                Place::Pod {
                    namespace: "default".into(),
                    name: "web-1".into()
                },
            ]
        );
    }

    #[test]
    fn splits_references() {
        assert_eq!(split_ref("team-a/web"), ("team-a".into(), "web".into()));
        assert_eq!(split_ref("web"), ("default".into(), "web".into()));
    }
}
