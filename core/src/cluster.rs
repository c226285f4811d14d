//! The simulated cluster: the object store plus the simulated clock and PRNG that every
//! controller and allocator draws from.

use std::collections::BTreeMap;

use crate::api::*;
use crate::network::NetState;
use crate::sim::{Duration, Pcg32, Time};
use crate::store::Store;

/// Kubernetes version the simulation reports (`kubectl version`, node VERSION column).
pub const KUBERNETES_VERSION: &str = "v1.33.4";

/// Fixed addressing of the simulated cluster (kubeadm defaults plus a MetalLB-like pool).
pub mod net {
    pub const SERVICE_CIDR: &str = "10.96.0.0/12";
    pub const KUBERNETES_SERVICE_IP: &str = "10.96.0.1";
    pub const DNS_SERVICE_IP: &str = "10.96.0.10";
    pub const POD_CIDR: &str = "192.168.0.0/16";
    pub const NODE_PORT_MIN: i32 = 30000;
    pub const NODE_PORT_MAX: i32 = 32767;
    /// The LoadBalancer pool, outside the node, pod and service ranges.
    pub const LB_POOL_FIRST: [u8; 4] = [10, 10, 99, 100];
    pub const LB_POOL_LAST: [u8; 4] = [10, 10, 99, 250];
    pub const CLUSTER_DOMAIN: &str = "cluster.local";
}

/// The three nodes a learner starts with: name, InternalIP, pod CIDR, control plane or not.
pub const NODES: [(&str, &str, &str, bool); 3] = [
    ("control-plane", "10.10.98.10", "192.168.0.0/24", true),
    ("worker-1", "10.10.98.11", "192.168.1.0/24", false),
    ("worker-2", "10.10.98.12", "192.168.2.0/24", false),
];

#[derive(Clone, Debug)]
pub struct Cluster {
    pub store: Store,
    pub now: Time,
    pub rng: Pcg32,
    pub net: NetState,
}

impl Cluster {
    /// A ready kubeadm-like cluster. Everything in it is a function of `seed`.
    pub fn new(seed: u64) -> Cluster {
        let mut cluster = Cluster {
            store: Store::default(),
            now: Time::ZERO,
            rng: Pcg32::new(seed, 0x6b75_6265),
            net: NetState::default(),
        };
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            cluster.create_namespace(ns);
        }
        for (name, ip, cidr, control_plane) in NODES {
            cluster.create_node(name, ip, cidr, control_plane);
        }
        cluster
    }

    /// Moves simulated time forward by `d`, letting controllers and kubelets act within it.
    pub fn advance(&mut self, d: Duration) {
        self.now = self.now.plus(d);
        self.reconcile();
    }

    /// Runs the controllers until nothing more changes at the current instant. Called after every
    /// write (apply, delete, scale…) so derived objects appear as they would in a real cluster.
    pub fn reconcile(&mut self) {}

    /// A fresh object uid in the apiserver's UUID shape, drawn from the cluster PRNG.
    pub fn new_uid(&mut self) -> String {
        let a = self.rng.next_u64();
        let b = self.rng.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    fn new_meta(&mut self, name: &str, namespace: Option<&str>) -> ObjectMeta {
        ObjectMeta {
            name: name.to_string(),
            namespace: namespace.map(str::to_string),
            uid: Some(self.new_uid()),
            creation_timestamp: Some(self.now),
            ..ObjectMeta::default()
        }
    }

    fn create_namespace(&mut self, name: &str) {
        let mut metadata = self.new_meta(name, None);
        metadata
            .labels
            .insert("kubernetes.io/metadata.name".into(), name.into());
        self.store.put(Object::Namespace(Namespace {
            metadata,
            spec: Some(NamespaceSpec {
                finalizers: vec!["kubernetes".into()],
            }),
            status: Some(NamespaceStatus {
                phase: Some("Active".into()),
            }),
            ..Namespace::default()
        }));
    }

    fn create_node(&mut self, name: &str, ip: &str, cidr: &str, control_plane: bool) {
        let mut metadata = self.new_meta(name, None);
        let labels = &mut metadata.labels;
        for (k, v) in [
            ("beta.kubernetes.io/arch", "amd64"),
            ("beta.kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("kubernetes.io/hostname", name),
            ("kubernetes.io/os", "linux"),
        ] {
            labels.insert(k.into(), v.into());
        }
        if control_plane {
            labels.insert(
                "node-role.kubernetes.io/control-plane".into(),
                String::new(),
            );
        }
        let resources: BTreeMap<String, String> = [
            ("cpu", "2"),
            ("ephemeral-storage", "20134592Ki"),
            ("memory", "4015460Ki"),
            ("pods", "110"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let uuid = self.new_uid();
        let status = NodeStatus {
            addresses: vec![
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: ip.into(),
                },
                NodeAddress {
                    type_: "Hostname".into(),
                    address: name.into(),
                },
            ],
            conditions: vec![Condition {
                type_: "Ready".into(),
                status: "True".into(),
                last_heartbeat_time: Some(self.now),
                last_transition_time: Some(self.now),
                reason: Some("KubeletReady".into()),
                message: Some("kubelet is posting ready status".into()),
                ..Condition::default()
            }],
            capacity: resources.clone(),
            allocatable: resources,
            node_info: Some(NodeSystemInfo {
                architecture: "amd64".into(),
                boot_id: uuid.clone(),
                container_runtime_version: "containerd://1.7.27".into(),
                kernel_version: "6.8.0-60-generic".into(),
                kube_proxy_version: KUBERNETES_VERSION.into(),
                kubelet_version: KUBERNETES_VERSION.into(),
                machine_id: uuid.replace('-', ""),
                operating_system: "linux".into(),
                os_image: "Ubuntu 24.04.2 LTS".into(),
                system_uuid: uuid,
            }),
        };
        let taints = control_plane.then(|| {
            serde_json::json!([{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}])
        });
        self.store.put(Object::Node(Node {
            metadata,
            spec: NodeSpec {
                pod_cidr: Some(cidr.into()),
                pod_cidrs: vec![cidr.into()],
                taints,
                unschedulable: None,
            },
            status: Some(status),
            ..Node::default()
        }));
    }
}
