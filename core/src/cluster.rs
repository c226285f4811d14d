//! The simulated cluster: the object store plus the simulated clock and PRNG that every
//! controller and allocator draws from, and the controllers' own memory (caches, timers).
//!
//! A new cluster looks like a kubeadm lab cluster that has been up for a couple of days: it is
//! built by running the controllers from simulated time zero (nodes joining, system pods
//! starting), then the clock jumps [`BOOT_AGE`] ahead and the bootstrap's Events are dropped, as
//! their one-hour TTL would have done.

use std::collections::BTreeMap;

use crate::api::*;
use crate::controllers::{self, Controllers};
use crate::network::NetState;
use crate::sim::{Duration, Pcg32, Time};
use crate::store::{ObjectKey, Store};

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

/// How long the cluster has been up when the session starts (AGE `2d` on system objects).
pub const BOOT_AGE: Duration = Duration::from_secs(2 * 86_400 + 180);

#[derive(Clone, Debug)]
pub struct Cluster {
    pub store: Store,
    pub now: Time,
    pub rng: Pcg32,
    pub net: NetState,
    pub controllers: Controllers,
}

impl Cluster {
    /// A ready kubeadm-like cluster. Everything in it is a function of `seed`.
    pub fn new(seed: u64) -> Cluster {
        let mut cluster = Cluster {
            store: Store::default(),
            now: Time::ZERO,
            rng: Pcg32::new(seed, 0x6b75_6265),
            net: NetState::default(),
            controllers: Controllers::default(),
        };
        controllers::bootstrap::install(&mut cluster);
        cluster
    }

    /// Stamps every node's conditions with a fresh heartbeat, as the kubelets' status updates
    /// would have (called when the session starts; later heartbeats are not simulated).
    pub(crate) fn refresh_node_heartbeats(&mut self) {
        let nodes: Vec<Node> = self.store.list_typed::<Node>(None).cloned().collect();
        for mut node in nodes {
            if let Some(status) = node.status.as_mut() {
                for c in &mut status.conditions {
                    c.last_heartbeat_time = Some(self.now);
                }
            }
            self.store.put(Object::Node(node));
        }
    }

    /// Moves simulated time forward by `d`, letting controllers and kubelets act within it.
    pub fn advance(&mut self, d: Duration) {
        let until = self.now.plus(d);
        self.reconcile();
        controllers::fire_timers(self, until);
        self.now = until;
        self.reconcile();
        self.controllers.expire_events(&mut self.store, self.now);
    }

    /// Runs the controllers until nothing more changes at the current instant. Called after every
    /// write (apply, delete, scale…) so derived objects appear as they would in a real cluster.
    pub fn reconcile(&mut self) {
        controllers::reconcile(self);
    }

    /// Deletes like the apiserver: a pod on a node turns Terminating for its grace period
    /// (`grace` overrides `terminationGracePeriodSeconds`; 0 removes at once), a namespace turns
    /// Terminating until emptied, anything else is removed and its dependents garbage-collected.
    /// Reconciles afterwards.
    pub fn delete(&mut self, key: &ObjectKey, grace: Option<i64>) {
        controllers::delete(self, key, grace);
        self.reconcile();
    }

    /// `kubectl delete --cascade=orphan`: the object goes, its dependents stay, with the
    /// ownerReference to it removed (so a new owner with a matching selector can adopt them).
    pub fn delete_orphaning(&mut self, key: &ObjectKey) {
        self.reconcile();
        controllers::orphan_dependents(self, key);
        controllers::delete(self, key, None);
        self.reconcile();
    }

    /// Adds a worker node `worker-<n>` (IP 10.10.98.(10+n), pod CIDR 192.168.n.0/24), for
    /// experiments and benchmarks that need more room than the standard lab's two workers.
    pub fn add_worker(&mut self, n: u8) {
        let name = format!("worker-{n}");
        let ip = format!("10.10.98.{}", 10u16 + u16::from(n));
        let cidr = format!("192.168.{n}.0/24");
        self.create_node(&name, &ip, &cidr, false);
        self.reconcile();
    }

    /// A fresh object uid in the apiserver's UUID shape, drawn from the cluster PRNG.
    pub fn new_uid(&mut self) -> String {
        uid_from(&mut self.rng)
    }

    pub(crate) fn new_meta(&mut self, name: &str, namespace: Option<&str>) -> ObjectMeta {
        ObjectMeta {
            name: name.to_string(),
            namespace: namespace.map(str::to_string),
            uid: Some(self.new_uid()),
            creation_timestamp: Some(self.now),
            ..ObjectMeta::default()
        }
    }

    pub(crate) fn create_namespace(&mut self, name: &str) {
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

    pub(crate) fn create_node(&mut self, name: &str, ip: &str, cidr: &str, control_plane: bool) {
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
        for (k, v) in [
            (
                "kubeadm.alpha.kubernetes.io/cri-socket",
                "unix:///var/run/containerd/containerd.sock",
            ),
            ("node.alpha.kubernetes.io/ttl", "0"),
            (
                "volumes.kubernetes.io/controller-managed-attach-detach",
                "true",
            ),
        ] {
            metadata.annotations.insert(k.into(), v.into());
        }
        let uuid = self.new_uid();
        let status = node_status(name, ip, &uuid, self.now);
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

/// A kubeadm node's status: addresses, healthy conditions, capacity and system info.
fn node_status(name: &str, ip: &str, uuid: &str, now: Time) -> NodeStatus {
    let resources: BTreeMap<String, String> = [
        ("cpu", "2"),
        ("ephemeral-storage", "20134592Ki"),
        ("memory", "4015460Ki"),
        ("pods", "110"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let address = |type_: &str, address: &str| NodeAddress {
        type_: type_.into(),
        address: address.into(),
    };
    let conditions = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ];
    NodeStatus {
        addresses: vec![address("InternalIP", ip), address("Hostname", name)],
        conditions: conditions
            .into_iter()
            .map(|(type_, status, reason, message)| Condition {
                type_: type_.into(),
                status: status.into(),
                last_heartbeat_time: Some(now),
                last_transition_time: Some(now),
                reason: Some(reason.into()),
                message: Some(message.into()),
                ..Condition::default()
            })
            .collect(),
        capacity: resources.clone(),
        allocatable: resources,
        node_info: Some(NodeSystemInfo {
            architecture: "amd64".into(),
            boot_id: uuid.to_string(),
            container_runtime_version: "containerd://1.7.27".into(),
            kernel_version: "6.8.0-60-generic".into(),
            kube_proxy_version: KUBERNETES_VERSION.into(),
            kubelet_version: KUBERNETES_VERSION.into(),
            machine_id: uuid.replace('-', ""),
            operating_system: "linux".into(),
            os_image: "Ubuntu 24.04.2 LTS".into(),
            system_uuid: uuid.to_string(),
        }),
    }
}

/// A UUIDv4-shaped uid from `rng`.
pub fn uid_from(rng: &mut Pcg32) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    // Written digit by digit: `format!` with padding was a measurable cost at one uid per
    // object and Event.
    let mut s = String::with_capacity(36);
    push_hex(&mut s, a >> 32, 8);
    s.push('-');
    push_hex(&mut s, (a >> 16) & 0xffff, 4);
    s.push_str("-4");
    push_hex(&mut s, a & 0xfff, 3);
    s.push('-');
    push_hex(&mut s, 0x8000 | ((b >> 48) & 0x3fff), 4);
    s.push('-');
    push_hex(&mut s, b & 0xffff_ffff_ffff, 12);
    s
}

/// Appends the low `digits` hex digits of `v`, zero-padded, lowercase (`{:0digits$x}` for a
/// value that fits).
pub fn push_hex(s: &mut String, v: u64, digits: u32) {
    for i in (0..digits).rev() {
        let nibble = (v >> (4 * i)) & 0xf;
        s.push(char::from(b"0123456789abcdef"[nibble as usize]));
    }
}
