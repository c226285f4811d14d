//! The starting cluster, kubeadm-like: three nodes, the four kubeadm namespaces, the
//! control-plane static pods, kube-proxy and Calico (calico-node per node +
//! calico-kube-controllers; pod IPs from each node's /24 of 192.168.0.0/16), CoreDNS behind the
//! `kube-dns` Service, and the `kubernetes` Service with its Endpoints and EndpointSlice.
//!
//! It is built the way a real cluster comes up, by the controllers and kubelets from time zero:
//! the control plane at 0 s, the add-ons at 10 s, the workers joining at 80 s and 85 s. Then the
//! clock moves on to [`BOOT_AGE`] and the bootstrap's Events are dropped (their TTL is an hour),
//! so a learner sees a quiet cluster whose system objects are `2d` old.
//!
//! DaemonSet is not a simulated kind: kube-proxy and calico-node pods carry a DaemonSet owner
//! reference to an object that is not stored (the garbage collector ignores such owners).

use std::collections::BTreeMap;

use serde_json::json;

use super::names::{fnv32a, safe_encode};
use crate::api::*;
use crate::cluster::{net, Cluster, BOOT_AGE, KUBERNETES_VERSION, NODES};
use crate::sim::{Duration, Time};
use crate::store::ObjectKey;

const COREDNS_IMAGE: &str = "registry.k8s.io/coredns/coredns:v1.12.0";
const ETCD_IMAGE: &str = "registry.k8s.io/etcd:3.5.21-0";
const CALICO_VERSION: &str = "v3.29.3";

pub fn install(c: &mut Cluster) {
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        c.create_namespace(ns);
    }
    let (cp_name, cp_ip, cp_cidr, _) = NODES[0];
    c.create_node(cp_name, cp_ip, cp_cidr, true);
    for (component, image, command) in static_pods(cp_ip) {
        static_pod(c, component, &image, command);
    }
    kubernetes_service(c, cp_ip);
    c.reconcile();
    at(c, 10);
    let kube_proxy = DaemonSetInfo::new(c, "kube-proxy");
    let calico_node = DaemonSetInfo::new(c, "calico-node");
    daemon_pods(c, &kube_proxy, &calico_node, cp_name);
    kube_dns_service(c);
    coredns(c);
    calico_kube_controllers(c);
    c.reconcile();
    for (i, (name, ip, cidr, _)) in NODES.iter().enumerate().skip(1) {
        at(c, 75 + 5 * i as u64);
        c.create_node(name, ip, cidr, false);
        daemon_pods(c, &kube_proxy, &calico_node, name);
        c.reconcile();
    }
    at(c, 240);
    let events: Vec<ObjectKey> = c.store.list(Kind::Event, None).map(ObjectKey::of).collect();
    for key in events {
        c.store.remove(&key);
    }
    c.controllers.forget_events();
    c.now = Time::ZERO.plus(BOOT_AGE);
    c.refresh_node_heartbeats();
    c.reconcile();
}

/// Runs the cluster up to `secs` after time zero.
fn at(c: &mut Cluster, secs: u64) {
    let target = Time::ZERO.plus(Duration::from_secs(secs));
    c.advance(target.since(c.now));
}

fn put_new(c: &mut Cluster, mut obj: Object) {
    let now = c.now;
    let uid = c.new_uid();
    let meta = obj.meta_mut();
    meta.uid = Some(uid);
    meta.creation_timestamp = Some(now);
    c.store.put(obj);
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn meta(name: &str, ns: &str, label_pairs: &[(&str, &str)]) -> ObjectMeta {
    ObjectMeta {
        name: name.into(),
        namespace: Some(ns.into()),
        labels: labels(label_pairs),
        ..ObjectMeta::default()
    }
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

fn static_pods(ip: &str) -> Vec<(&'static str, String, Vec<String>)> {
    let v = KUBERNETES_VERSION;
    vec![
        (
            "etcd",
            ETCD_IMAGE.to_string(),
            vec![
                "etcd".into(),
                format!("--advertise-client-urls=https://{ip}:2379"),
                "--data-dir=/var/lib/etcd".into(),
                format!("--initial-advertise-peer-urls=https://{ip}:2380"),
                format!("--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379"),
                "--name=control-plane".into(),
            ],
        ),
        (
            "kube-apiserver",
            format!("registry.k8s.io/kube-apiserver:{v}"),
            vec![
                "kube-apiserver".into(),
                format!("--advertise-address={ip}"),
                "--authorization-mode=Node,RBAC".into(),
                "--enable-admission-plugins=NodeRestriction".into(),
                "--etcd-servers=https://127.0.0.1:2379".into(),
                "--secure-port=6443".into(),
                format!("--service-cluster-ip-range={}", net::SERVICE_CIDR),
            ],
        ),
        (
            "kube-controller-manager",
            format!("registry.k8s.io/kube-controller-manager:{v}"),
            vec![
                "kube-controller-manager".into(),
                "--allocate-node-cidrs=true".into(),
                format!("--cluster-cidr={}", net::POD_CIDR),
                "--cluster-name=kubernetes".into(),
                "--leader-elect=true".into(),
                format!("--service-cluster-ip-range={}", net::SERVICE_CIDR),
                "--use-service-account-credentials=true".into(),
            ],
        ),
        (
            "kube-scheduler",
            format!("registry.k8s.io/kube-scheduler:{v}"),
            vec![
                "kube-scheduler".into(),
                "--bind-address=127.0.0.1".into(),
                "--kubeconfig=/etc/kubernetes/scheduler.conf".into(),
                "--leader-elect=true".into(),
            ],
        ),
    ]
}

/// A mirror pod of a kubeadm static pod: `<component>-<node>`, owned by the Node.
fn static_pod(c: &mut Cluster, component: &str, image: &str, command: Vec<String>) {
    let node = NODES[0].0;
    let owner = c
        .store
        .get_typed::<Node>("", node)
        .map(|n| n.metadata.clone())
        .unwrap_or_default();
    let mut metadata = meta(
        &format!("{component}-{node}"),
        "kube-system",
        &[("component", component), ("tier", "control-plane")],
    );
    let hash = super::names::stable_hex(component, 32);
    for (k, v) in [
        ("kubernetes.io/config.hash", hash.as_str()),
        ("kubernetes.io/config.mirror", hash.as_str()),
        ("kubernetes.io/config.source", "file"),
    ] {
        metadata.annotations.insert(k.into(), v.into());
    }
    let mut owner_ref = super::controller_ref(Kind::Node, &owner);
    owner_ref.block_owner_deletion = None;
    metadata.owner_references = vec![owner_ref];
    let pod = Pod {
        metadata,
        spec: PodSpec {
            containers: vec![Container {
                name: component.into(),
                image: Some(image.into()),
                command,
                image_pull_policy: Some("IfNotPresent".into()),
                resources: Some(json!({"requests": {"cpu": "100m"}})),
                termination_message_path: Some("/dev/termination-log".into()),
                termination_message_policy: Some("File".into()),
                ..Container::default()
            }],
            node_name: Some(node.into()),
            host_network: Some(true),
            priority: Some(2_000_001_000),
            priority_class_name: Some("system-node-critical".into()),
            restart_policy: Some("Always".into()),
            scheduler_name: Some("default-scheduler".into()),
            dns_policy: Some("ClusterFirst".into()),
            enable_service_links: Some(true),
            termination_grace_period_seconds: Some(30),
            security_context: Some(json!({"seccompProfile": {"type": "RuntimeDefault"}})),
            tolerations: Some(json!([{"effect": "NoExecute", "operator": "Exists"}])),
            preemption_policy: Some("PreemptLowerPriority".into()),
            ..PodSpec::default()
        },
        ..Pod::default()
    };
    put_new(c, Object::Pod(pod));
}

/// What pods of a (not simulated) DaemonSet share.
struct DaemonSetInfo {
    name: &'static str,
    uid: String,
    revision: String,
}

impl DaemonSetInfo {
    fn new(c: &mut Cluster, name: &'static str) -> DaemonSetInfo {
        DaemonSetInfo {
            name,
            uid: c.new_uid(),
            revision: safe_encode(&fnv32a(name.as_bytes()).to_string()),
        }
    }

    fn pod(&self, c: &mut Cluster, node: &str, image: &str, command: Vec<String>) -> Pod {
        let suffix = super::names::random_suffix(&mut c.rng, 5);
        let mut metadata = meta(
            &format!("{}-{suffix}", self.name),
            "kube-system",
            &[
                ("controller-revision-hash", &self.revision),
                ("k8s-app", self.name),
                ("pod-template-generation", "1"),
            ],
        );
        metadata.generate_name = Some(format!("{}-", self.name));
        metadata.owner_references = vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "DaemonSet".into(),
            name: self.name.into(),
            uid: self.uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }];
        let mut pod = Pod {
            metadata,
            spec: PodSpec {
                containers: vec![Container {
                    name: self.name.into(),
                    image: Some(image.into()),
                    command,
                    image_pull_policy: Some("IfNotPresent".into()),
                    ..Container::default()
                }],
                node_name: Some(node.into()),
                host_network: Some(true),
                priority: Some(2_000_001_000),
                priority_class_name: Some("system-node-critical".into()),
                service_account_name: Some(self.name.into()),
                service_account: Some(self.name.into()),
                node_selector: labels(&[("kubernetes.io/os", "linux")]),
                affinity: Some(
                    json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}}),
                ),
                tolerations: Some(json!([{"operator": "Exists"}])),
                ..PodSpec::default()
            },
            ..Pod::default()
        };
        super::admission_defaults(&mut pod, &mut c.rng);
        pod
    }
}

fn daemon_pods(c: &mut Cluster, kube_proxy: &DaemonSetInfo, calico: &DaemonSetInfo, node: &str) {
    let proxy_cmd = strings(&[
        "/usr/local/bin/kube-proxy",
        "--config=/var/lib/kube-proxy/config.conf",
        "--hostname-override=$(NODE_NAME)",
    ]);
    let image = format!("registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}");
    let pod = kube_proxy.pod(c, node, &image, proxy_cmd);
    put_new(c, Object::Pod(pod));
    let image = format!("docker.io/calico/node:{CALICO_VERSION}");
    let pod = calico.pod(c, node, &image, Vec::new());
    put_new(c, Object::Pod(pod));
}

fn critical_addon_tolerations() -> serde_json::Value {
    json!([
        {"key": "CriticalAddonsOnly", "operator": "Exists"},
        {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}
    ])
}

fn deployment(
    name: &str,
    app_label: &str,
    replicas: i32,
    container: Container,
    service_account: &str,
) -> Deployment {
    let selector = labels(&[("k8s-app", app_label)]);
    Deployment {
        metadata: ObjectMeta {
            generation: Some(1),
            ..meta(name, "kube-system", &[("k8s-app", app_label)])
        },
        spec: DeploymentSpec {
            replicas: Some(replicas),
            selector: Some(LabelSelector {
                match_labels: selector.clone(),
                ..LabelSelector::default()
            }),
            template: PodTemplateSpec {
                metadata: ObjectMeta {
                    labels: selector,
                    ..ObjectMeta::default()
                },
                spec: PodSpec {
                    containers: vec![container],
                    priority_class_name: Some("system-cluster-critical".into()),
                    priority: Some(2_000_000_000),
                    service_account_name: Some(service_account.into()),
                    service_account: Some(service_account.into()),
                    node_selector: labels(&[("kubernetes.io/os", "linux")]),
                    tolerations: Some(critical_addon_tolerations()),
                    ..PodSpec::default()
                },
            },
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdate {
                    max_surge: Some(IntOrString::Str("25%".into())),
                    max_unavailable: Some(IntOrString::Int(1)),
                }),
            }),
            revision_history_limit: Some(10),
            progress_deadline_seconds: Some(600),
            ..DeploymentSpec::default()
        },
        ..Deployment::default()
    }
}

fn coredns(c: &mut Cluster) {
    let port = |name: &str, port: i32, protocol: &str| ContainerPort {
        name: Some(name.into()),
        container_port: port,
        protocol: Some(protocol.into()),
        ..ContainerPort::default()
    };
    let container = Container {
        name: "coredns".into(),
        image: Some(COREDNS_IMAGE.into()),
        args: strings(&["-conf", "/etc/coredns/Corefile"]),
        ports: vec![
            port("dns", 53, "UDP"),
            port("dns-tcp", 53, "TCP"),
            port("metrics", 9153, "TCP"),
        ],
        image_pull_policy: Some("IfNotPresent".into()),
        resources: Some(
            json!({"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}}),
        ),
        ..Container::default()
    };
    let mut d = deployment("coredns", "kube-dns", 2, container, "coredns");
    d.spec.template.spec.dns_policy = Some("Default".into());
    put_new(c, Object::Deployment(d));
    let mut data = BTreeMap::new();
    data.insert("Corefile".to_string(), COREFILE.to_string());
    put_new(
        c,
        Object::ConfigMap(ConfigMap {
            metadata: meta("coredns", "kube-system", &[]),
            data,
            ..ConfigMap::default()
        }),
    );
}

fn calico_kube_controllers(c: &mut Cluster) {
    let container = Container {
        name: "calico-kube-controllers".into(),
        image: Some(format!(
            "docker.io/calico/kube-controllers:{CALICO_VERSION}"
        )),
        image_pull_policy: Some("IfNotPresent".into()),
        ..Container::default()
    };
    let mut d = deployment(
        "calico-kube-controllers",
        "calico-kube-controllers",
        1,
        container,
        "calico-kube-controllers",
    );
    d.spec.strategy = Some(DeploymentStrategy {
        type_: Some("Recreate".into()),
        rolling_update: None,
    });
    put_new(c, Object::Deployment(d));
}

fn service_port(name: &str, port: i32, protocol: &str, target: i32) -> ServicePort {
    ServicePort {
        name: Some(name.into()),
        protocol: Some(protocol.into()),
        port,
        target_port: Some(IntOrString::Int(target)),
        ..ServicePort::default()
    }
}

fn cluster_ip_spec(ip: &str, ports: Vec<ServicePort>, selector: Option<Labels>) -> ServiceSpec {
    ServiceSpec {
        type_: Some("ClusterIP".into()),
        selector,
        ports,
        cluster_ip: Some(ip.into()),
        cluster_ips: vec![ip.into()],
        session_affinity: Some("None".into()),
        internal_traffic_policy: Some("Cluster".into()),
        ip_families: vec!["IPv4".into()],
        ip_family_policy: Some("SingleStack".into()),
        ..ServiceSpec::default()
    }
}

fn kubernetes_service(c: &mut Cluster, cp_ip: &str) {
    let svc = Service {
        metadata: meta(
            "kubernetes",
            "default",
            &[("component", "apiserver"), ("provider", "kubernetes")],
        ),
        spec: cluster_ip_spec(
            net::KUBERNETES_SERVICE_IP,
            vec![service_port("https", 443, "TCP", 6443)],
            None,
        ),
        status: Some(ServiceStatus::default()),
        ..Service::default()
    };
    put_new(c, Object::Service(svc));
    let port = EndpointPort {
        name: Some("https".into()),
        port: Some(6443),
        protocol: Some("TCP".into()),
        app_protocol: None,
    };
    let ep = Endpoints {
        metadata: meta(
            "kubernetes",
            "default",
            &[("endpointslice.kubernetes.io/skip-mirror", "true")],
        ),
        subsets: vec![EndpointSubset {
            addresses: vec![EndpointAddress {
                ip: cp_ip.into(),
                ..EndpointAddress::default()
            }],
            ports: vec![port.clone()],
            ..EndpointSubset::default()
        }],
        ..Endpoints::default()
    };
    put_new(c, Object::Endpoints(ep));
    let slice = EndpointSlice {
        metadata: ObjectMeta {
            generation: Some(1),
            ..meta(
                "kubernetes",
                "default",
                &[("kubernetes.io/service-name", "kubernetes")],
            )
        },
        address_type: "IPv4".into(),
        endpoints: vec![SliceEndpoint {
            addresses: vec![cp_ip.into()],
            conditions: EndpointConditions {
                ready: Some(true),
                ..EndpointConditions::default()
            },
            ..SliceEndpoint::default()
        }],
        ports: vec![port],
        ..EndpointSlice::default()
    };
    put_new(c, Object::EndpointSlice(slice));
}

fn kube_dns_service(c: &mut Cluster) {
    let mut metadata = meta(
        "kube-dns",
        "kube-system",
        &[
            ("k8s-app", "kube-dns"),
            ("kubernetes.io/cluster-service", "true"),
            ("kubernetes.io/name", "CoreDNS"),
        ],
    );
    metadata
        .annotations
        .insert("prometheus.io/port".into(), "9153".into());
    metadata
        .annotations
        .insert("prometheus.io/scrape".into(), "true".into());
    let ports = vec![
        service_port("dns", 53, "UDP", 53),
        service_port("dns-tcp", 53, "TCP", 53),
        service_port("metrics", 9153, "TCP", 9153),
    ];
    let svc = Service {
        metadata,
        spec: cluster_ip_spec(
            net::DNS_SERVICE_IP,
            ports,
            Some(labels(&[("k8s-app", "kube-dns")])),
        ),
        status: Some(ServiceStatus::default()),
        ..Service::default()
    };
    put_new(c, Object::Service(svc));
}

/// kubeadm's Corefile.
pub const COREFILE: &str = ".:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
";
