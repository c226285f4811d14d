//! Service networking: how a request finds a pod (DNS, kube-proxy, NetworkPolicy), returning a
//! trace of every hop for the terminal, the explainer and the animation.

/// Network state that outlives one request: conntrack/affinity memory and the traces of recent
/// requests, which the page drains to animate them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetState {}
