//! Programs that run inside pods and on the workstation and talk to the network: curl, wget,
//! nslookup, dig, host, ping, nc, and the images' servers that answer them.

use crate::cluster::Cluster;
use crate::CommandOutput;

/// Where a command runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The learner's workstation: outside the cluster, reaches node IPs, NodePorts and LB IPs.
    Workstation,
    /// Inside a pod's container.
    Pod {
        namespace: String,
        name: String,
        container: String,
    },
}

/// Runs `argv` if it names a network tool available at `origin`; `None` if it is not one.
pub fn run(
    _cluster: &mut Cluster,
    _origin: &Origin,
    _argv: &[String],
    _stdin: &str,
) -> Option<CommandOutput> {
    None
}
