//! Table tests for Service networking: DNS answers, packet flows through kube-proxy,
//! NetworkPolicy reachability, Service environment variables and the network tools, all as data
//! in `tests/network/*.txt`.
//!
//! Format: `# comment` (after a blank line when it follows expected output), optional
//! `# seed: N` first line. `@` lines build the cluster (typed
//! objects put straight into the store, EndpointSlices derived from selectors before each
//! check); `$` lines are checks, followed by their expected output. `UPDATE_EXPECT=1 cargo test
//! -p kubeplay-core --test network` rewrites the expected blocks in place.
//!
//! Fixtures:
//! - `@ns NAME [k=v ...]`
//! - `@pod NS/NAME node=N ip=IP [labels=k=v,..] [image=I] [ports=name:80/TCP,..] [notready]
//!   [terminating] [hostname=H] [subdomain=S] [env=K=V;..] [args=a;b] [started=SECS] [links=false]
//!   [dns=Default]`
//! - `@svc NS/NAME [type=T] [ip=IP|None] [selector=k=v,..] [ports=name:port[:target[:nodePort]][/PROTO],..]
//!   [external=HOST] [lb=IP] [externalIPs=IP,..] [affinity=SECS] [etp=Local] [itp=Local]
//!   [publishNotReady] [hcnp=PORT] [sourceRanges=CIDR,..]`
//! - `@slice NS/SVC ips=IP,.. [port=name:NUM] [hostname=H]` (hand-written endpoints)
//! - `@netpol NS/NAME {flow-style YAML spec}`; `@delete KIND NS/NAME`; `@time SECS` (after the
//!   cluster's start)
//! - `@kubernetes`, `@coredns`: the default Services (with endpoints) a kubeadm cluster has.
//!
//! Checks: `$ query TYPE NAME`, `$ resolve NS/POD NAME`, `$ flow SRC DST:PORT[/PROTO]`,
//! `$ flows N SRC DST:PORT`, `$ reach SRC NS/POD[:PORT][/PROTO]`, `$ env NS/POD [merged]`,
//! `$ sh ORIGIN CMD...`, `$ explain` (the last trace), `$ chain INPUT` (hash), `$ served NS/POD`
//! (requests a pod answered), `$ logs NS/POD` (its server's log), `$ traces` (drain count).
//! SRC/ORIGIN is `NS/POD` or `workstation`; DST is an IP, `svc:NS/NAME`, `node:NAME`, `lb:NS/NAME`
//! or `NS/POD`, each followed by `:PORT`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubeplay_core::api::*;
use kubeplay_core::cluster::Cluster;
use kubeplay_core::network::dns::{self, RType};
use kubeplay_core::network::flow::{self, ClientInfo, ConnectResult, Reached};
use kubeplay_core::network::hash::chain_hash;
use kubeplay_core::network::resolver;
use kubeplay_core::network::trace::{Direction, Hop, PolicyOutcome, Proto, Trace};
use kubeplay_core::network::view::View;
use kubeplay_core::network::Ipv4;
use kubeplay_core::sim::Time;
use kubeplay_core::tools::{self, Origin};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/network")
}

#[test]
fn network_tables() {
    let update = std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1");
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("tests/network exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut total = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        let (rewritten, fails, n) = run_file(&text);
        total += n;
        if update && rewritten != text {
            std::fs::write(f, &rewritten).expect("writable");
        } else if !fails.is_empty() {
            failures.push(format!("{}:\n{}", f.display(), fails.join("\n")));
        }
    }
    assert!(total > 0, "no cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs one file; returns the file with actual outputs, the failures, and the number of checks.
fn run_file(text: &str) -> (String, Vec<String>, usize) {
    let seed = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# seed: "))
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(1);
    let cluster = Cluster::new(seed);
    let mut h = Harness {
        start: cluster.now,
        cluster,
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut fails = Vec::new();
    let mut checks = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if let Some(cmd) = line.strip_prefix("$ ") {
            checks += 1;
            let mut expected = String::new();
            // A `#` line ends the block only after a blank line, so output may start with `#`.
            while i < lines.len() && !ends_block(&lines, i) {
                expected.push_str(lines[i]);
                expected.push('\n');
                i += 1;
            }
            h.sync_slices();
            let actual = h.check(cmd);
            out.push_str(line);
            out.push('\n');
            out.push_str(&actual);
            if !actual.ends_with('\n') {
                out.push('\n');
            }
            let norm = |s: &str| s.trim_end().to_string();
            if norm(&actual) != norm(&expected) {
                fails.push(format!(
                    "$ {cmd}\n--- expected\n{expected}--- actual\n{actual}"
                ));
            }
            if expected.lines().last() == Some("") && !out.ends_with("\n\n") {
                out.push('\n');
            }
            continue;
        }
        if let Some(fx) = line.strip_prefix('@') {
            h.fixture(fx);
        }
        out.push_str(line);
        out.push('\n');
    }
    (out, fails, checks)
}

/// True if line `i` starts something new: a check, a fixture, or a comment after a blank line.
fn ends_block(lines: &[&str], i: usize) -> bool {
    let l = lines[i];
    let after_blank = i > 0 && lines[i - 1].is_empty();
    l.starts_with("$ ") || l.starts_with('@') || (l.starts_with('#') && after_blank)
}

struct Harness {
    cluster: Cluster,
    /// `Cluster::new`'s clock: `@time` counts from here.
    start: Time,
}

fn kv(words: &[&str]) -> BTreeMap<String, String> {
    words
        .iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (w.to_string(), String::new()),
        })
        .collect()
}

fn labels(s: &str) -> Labels {
    s.split(',')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn split_key(s: &str) -> (String, String) {
    match s.split_once('/') {
        Some((ns, n)) => (ns.to_string(), n.to_string()),
        None => ("default".into(), s.to_string()),
    }
}

fn meta(ns: &str, name: &str, now: Time) -> ObjectMeta {
    ObjectMeta {
        name: name.into(),
        namespace: Some(ns.into()),
        creation_timestamp: Some(now),
        uid: Some(format!("uid-{ns}-{name}")),
        ..ObjectMeta::default()
    }
}

fn container_ports(spec: &str) -> Vec<ContainerPort> {
    spec.split(',')
        .filter_map(|spec| {
            let (spec, proto) = spec.split_once('/').unwrap_or((spec, "TCP"));
            let (pname, num) = spec.split_once(':').unwrap_or(("", spec));
            Some(ContainerPort {
                name: (!pname.is_empty()).then(|| pname.to_string()),
                container_port: num.parse().ok()?,
                protocol: Some(proto.to_string()),
                ..ContainerPort::default()
            })
        })
        .collect()
}

fn service_ports(spec: &str) -> Vec<ServicePort> {
    spec.split(',')
        .map(|spec| {
            let (spec, proto) = spec.split_once('/').unwrap_or((spec, "TCP"));
            let parts: Vec<&str> = spec.split(':').collect();
            let port: i32 = parts.get(1).and_then(|p| p.parse().ok()).unwrap_or(80);
            let target = parts.get(2).map(|t| match t.parse::<i32>() {
                Ok(n) => IntOrString::Int(n),
                Err(_) => IntOrString::Str(t.to_string()),
            });
            ServicePort {
                name: parts
                    .first()
                    .filter(|n| !n.is_empty())
                    .map(|n| n.to_string()),
                protocol: Some(proto.into()),
                port,
                target_port: Some(target.unwrap_or(IntOrString::Int(port))),
                node_port: parts.get(3).and_then(|n| n.parse().ok()),
                ..ServicePort::default()
            }
        })
        .collect()
}

impl Harness {
    fn fixture(&mut self, line: &str) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some((&kind, rest)) = words.split_first() else {
            return;
        };
        let now = self.cluster.now;
        match kind {
            "ns" => {
                let name = rest[0];
                let mut m = ObjectMeta {
                    name: name.into(),
                    creation_timestamp: Some(now),
                    ..ObjectMeta::default()
                };
                m.labels = labels(&rest[1..].join(","));
                m.labels
                    .insert("kubernetes.io/metadata.name".into(), name.into());
                self.cluster.store.put(Object::Namespace(Namespace {
                    metadata: m,
                    ..Namespace::default()
                }));
            }
            "pod" => self.pod(rest),
            "svc" => self.svc(rest),
            "slice" => self.slice(rest),
            "netpol" => {
                let (ns, name) = split_key(rest[0]);
                let spec: NetworkPolicySpec =
                    serde_yaml::from_str(&rest[1..].join(" ")).expect("netpol spec parses");
                self.cluster.store.put(Object::NetworkPolicy(NetworkPolicy {
                    metadata: meta(&ns, &name, now),
                    spec,
                    ..NetworkPolicy::default()
                }));
            }
            "delete" => {
                let kind = Kind::from_resource(rest[0]).expect("kind");
                let (ns, name) = split_key(rest[1]);
                self.cluster
                    .store
                    .remove(&kubeplay_core::store::ObjectKey::new(kind, &ns, &name));
            }
            // Seconds after the cluster's start (which is days after its bootstrap).
            "time" => {
                let secs = rest[0].parse::<u64>().expect("secs");
                self.cluster.now = Time(self.start.0 + secs * 1000);
            }
            "kubernetes" => {
                self.svc(&["default/kubernetes", "ip=10.96.0.1", "ports=https:443:6443"]);
                self.slice(&["default/kubernetes", "ips=10.10.98.10", "port=https:6443"]);
            }
            "coredns" => {
                for (n, ip) in [
                    ("coredns-674b8bbfcf-4x7km", "192.168.0.2"),
                    ("coredns-674b8bbfcf-q9wtd", "192.168.0.3"),
                ] {
                    let name = format!("kube-system/{n}");
                    let ip = format!("ip={ip}");
                    self.pod(&[
                        &name,
                        "node=control-plane",
                        &ip,
                        "labels=k8s-app=kube-dns",
                        "image=registry.k8s.io/coredns/coredns:v1.12.0",
                    ]);
                }
                self.svc(&[
                    "kube-system/kube-dns",
                    "ip=10.96.0.10",
                    "selector=k8s-app=kube-dns",
                    "ports=dns:53:53/UDP,dns-tcp:53:53/TCP,metrics:9153:9153",
                ]);
            }
            other => panic!("unknown fixture @{other}"),
        }
        self.cluster.net.index.invalidate();
    }

    fn pod(&mut self, rest: &[&str]) {
        let (ns, name) = split_key(rest[0]);
        let o = kv(&rest[1..]);
        let now = self.cluster.now;
        let mut m = meta(&ns, &name, now);
        m.labels = labels(o.get("labels").map(String::as_str).unwrap_or(""));
        if o.contains_key("terminating") {
            m.deletion_timestamp = Some(now);
        }
        let env = o
            .get("env")
            .map(|e| {
                e.split(';')
                    .filter_map(|p| p.split_once('='))
                    .map(|(k, v)| EnvVar {
                        name: k.into(),
                        value: Some(v.into()),
                        value_from: None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let args = o
            .get("args")
            .map(|a| a.split(';').map(str::to_string).collect())
            .unwrap_or_default();
        let container = Container {
            name: "main".into(),
            image: Some(
                o.get("image")
                    .cloned()
                    .unwrap_or_else(|| "nicolaka/netshoot".into()),
            ),
            ports: o
                .get("ports")
                .map(|p| container_ports(p))
                .unwrap_or_default(),
            env,
            args,
            ..Container::default()
        };
        let node = o.get("node").cloned().unwrap_or_else(|| "worker-1".into());
        let host_ip = match node.as_str() {
            "control-plane" => "10.10.98.10",
            "worker-2" => "10.10.98.12",
            _ => "10.10.98.11",
        };
        let ready = !o.contains_key("notready") && !o.contains_key("terminating");
        let started = o
            .get("started")
            .map(|s| Time(self.start.0 + s.parse::<u64>().expect("secs") * 1000))
            .unwrap_or(now);
        let running = StateDetail {
            started_at: Some(started),
            ..StateDetail::default()
        };
        let pod = Pod {
            metadata: m,
            spec: PodSpec {
                containers: vec![container],
                node_name: Some(node),
                hostname: o.get("hostname").cloned(),
                subdomain: o.get("subdomain").cloned(),
                enable_service_links: o.get("links").map(|l| l == "true"),
                dns_policy: o.get("dns").cloned(),
                ..PodSpec::default()
            },
            status: Some(PodStatus {
                phase: Some("Running".into()),
                conditions: vec![Condition {
                    type_: "Ready".into(),
                    status: if ready { "True" } else { "False" }.into(),
                    ..Condition::default()
                }],
                host_ip: Some(host_ip.into()),
                pod_ip: o.get("ip").cloned(),
                start_time: Some(started),
                container_statuses: vec![ContainerStatus {
                    name: "main".into(),
                    ready,
                    state: ContainerState {
                        running: Some(running),
                        ..ContainerState::default()
                    },
                    ..ContainerStatus::default()
                }],
                ..PodStatus::default()
            }),
            ..Pod::default()
        };
        self.cluster.store.put(Object::Pod(pod));
    }

    fn svc(&mut self, rest: &[&str]) {
        let (ns, name) = split_key(rest[0]);
        let o = kv(&rest[1..]);
        let now = self.cluster.now;
        let m = meta(&ns, &name, now);
        let type_ = o.get("type").cloned().unwrap_or_else(|| "ClusterIP".into());
        let status = o.get("lb").map(|ip| ServiceStatus {
            load_balancer: LoadBalancerStatus {
                ingress: vec![LoadBalancerIngress {
                    ip: Some(ip.clone()),
                    ..LoadBalancerIngress::default()
                }],
            },
            conditions: None,
        });
        let svc = Service {
            metadata: m,
            spec: ServiceSpec {
                type_: Some(type_),
                selector: o.get("selector").map(|s| labels(s)),
                ports: o.get("ports").map(|p| service_ports(p)).unwrap_or_default(),
                cluster_ip: o.get("ip").cloned(),
                external_ips: o
                    .get("externalIPs")
                    .map(|s| s.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
                external_name: o.get("external").cloned(),
                session_affinity: Some(
                    if o.contains_key("affinity") {
                        "ClientIP"
                    } else {
                        "None"
                    }
                    .into(),
                ),
                session_affinity_config: o.get("affinity").map(|t| SessionAffinityConfig {
                    client_ip: Some(ClientIpConfig {
                        timeout_seconds: t.parse().ok(),
                    }),
                }),
                external_traffic_policy: o.get("etp").cloned(),
                internal_traffic_policy: o.get("itp").cloned(),
                publish_not_ready_addresses: o.contains_key("publishNotReady").then_some(true),
                health_check_node_port: o.get("hcnp").and_then(|n| n.parse().ok()),
                load_balancer_source_ranges: o
                    .get("sourceRanges")
                    .map(|s| s.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
                ..ServiceSpec::default()
            },
            status,
            ..Service::default()
        };
        self.cluster.store.put(Object::Service(svc));
    }

    fn slice(&mut self, rest: &[&str]) {
        let (ns, svc) = split_key(rest[0]);
        let o = kv(&rest[1..]);
        let now = self.cluster.now;
        let mut m = meta(&ns, &format!("{svc}-manual"), now);
        m.labels
            .insert("kubernetes.io/service-name".into(), svc.clone());
        let (pname, pnum) = o
            .get("port")
            .and_then(|p| p.split_once(':'))
            .unwrap_or(("", "80"));
        let endpoints = o
            .get("ips")
            .map(|ips| {
                ips.split(',')
                    .map(|ip| SliceEndpoint {
                        addresses: vec![ip.to_string()],
                        conditions: EndpointConditions {
                            ready: Some(true),
                            serving: Some(true),
                            terminating: Some(false),
                        },
                        hostname: o.get("hostname").cloned(),
                        ..SliceEndpoint::default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.cluster.store.put(Object::EndpointSlice(EndpointSlice {
            metadata: m,
            address_type: "IPv4".into(),
            endpoints,
            ports: vec![EndpointPort {
                name: (!pname.is_empty()).then(|| pname.to_string()),
                port: pnum.parse().ok(),
                protocol: Some("TCP".into()),
                app_protocol: None,
            }],
            ..EndpointSlice::default()
        }));
    }

    /// A miniature EndpointSlice controller: one slice per selector Service, ports left for the
    /// proxy to resolve per pod (so named targetPorts are exercised), hostnames from
    /// hostname+subdomain.
    fn sync_slices(&mut self) {
        let store = &self.cluster.store;
        let mut wanted = Vec::new();
        for svc in store.list_typed::<Service>(None) {
            let Some(sel) = svc.spec.selector.as_ref().filter(|s| !s.is_empty()) else {
                continue;
            };
            let ns = svc.metadata.namespace.clone().unwrap_or_default();
            let mut endpoints = Vec::new();
            for pod in store.list_typed::<Pod>(Some(&ns)) {
                if !map_selector_matches(sel, &pod.metadata.labels) {
                    continue;
                }
                let Some(ip) = pod.ip() else { continue };
                let terminating = pod.metadata.deletion_timestamp.is_some();
                let hostname =
                    pod.spec.hostname.clone().filter(|_| {
                        pod.spec.subdomain.as_deref() == Some(svc.metadata.name.as_str())
                    });
                endpoints.push(SliceEndpoint {
                    addresses: vec![ip.to_string()],
                    conditions: EndpointConditions {
                        ready: Some(pod.is_ready()),
                        serving: Some(pod.is_ready() || terminating),
                        terminating: Some(terminating),
                    },
                    hostname,
                    node_name: pod.spec.node_name.clone(),
                    target_ref: Some(ObjectReference {
                        kind: Some("Pod".into()),
                        name: Some(pod.metadata.name.clone()),
                        namespace: Some(ns.clone()),
                        ..ObjectReference::default()
                    }),
                    ..SliceEndpoint::default()
                });
            }
            let ports = svc
                .spec
                .ports
                .iter()
                .map(|p| EndpointPort {
                    name: p.name.clone(),
                    port: None,
                    protocol: p.protocol.clone(),
                    app_protocol: None,
                })
                .collect();
            let mut m = meta(&ns, &format!("{}-auto", svc.metadata.name), Time::ZERO);
            m.labels.insert(
                "kubernetes.io/service-name".into(),
                svc.metadata.name.clone(),
            );
            wanted.push(EndpointSlice {
                metadata: m,
                address_type: "IPv4".into(),
                endpoints,
                ports,
                ..EndpointSlice::default()
            });
        }
        for s in wanted {
            let ns = s.metadata.namespace.clone().unwrap_or_default();
            let same = self
                .cluster
                .store
                .get_typed::<EndpointSlice>(&ns, &s.metadata.name)
                .is_some_and(|old| old.endpoints == s.endpoints && old.ports == s.ports);
            if !same {
                self.cluster.store.put(Object::EndpointSlice(s));
            }
        }
    }

    fn client(&self, who: &str) -> ClientInfo {
        if who == "workstation" {
            return ClientInfo::workstation();
        }
        let (ns, name) = split_key(who);
        let pod = self
            .cluster
            .store
            .get_typed::<Pod>(&ns, &name)
            .unwrap_or_else(|| panic!("no pod {who}"));
        ClientInfo::pod(pod).expect("pod has an IP")
    }

    /// `IP:PORT`, `svc:NS/NAME:PORT`, `node:NAME:PORT`, `lb:NS/NAME:PORT`, `NS/POD:PORT`,
    /// optionally followed by `/UDP`, `/TCP`, `/SCTP` or `/ICMP`.
    fn dst(&self, spec: &str) -> (Ipv4, u16, Proto) {
        let (spec, proto) = match spec
            .rsplit_once('/')
            .filter(|(_, p)| matches!(*p, "UDP" | "TCP" | "ICMP" | "SCTP"))
        {
            Some((s, "UDP")) => (s, Proto::Udp),
            Some((s, "ICMP")) => (s, Proto::Icmp),
            Some((s, _)) => (s, Proto::Tcp),
            None => (spec, Proto::Tcp),
        };
        let (addr, port) = spec
            .rsplit_once(':')
            .map(|(a, p)| (a, p.parse().unwrap_or(0)))
            .unwrap_or((spec, 0));
        let view = View {
            store: &self.cluster.store,
            ix: &self.cluster.net.index,
        };
        let ip = if let Some(k) = addr.strip_prefix("svc:") {
            let (ns, n) = split_key(k);
            view.service(&ns, &n)
                .and_then(|s| s.spec.cluster_ip.clone())
                .and_then(|i| Ipv4::parse(&i))
        } else if let Some(k) = addr.strip_prefix("lb:") {
            let (ns, n) = split_key(k);
            view.service(&ns, &n)
                .and_then(|s| s.status.as_ref()?.load_balancer.ingress.first()?.ip.clone())
                .and_then(|i| Ipv4::parse(&i))
        } else if let Some(n) = addr.strip_prefix("node:") {
            view.node_ip(n)
        } else if addr.contains('/') {
            let (ns, n) = split_key(addr);
            view.pod(&ns, &n).and_then(View::pod_ip)
        } else {
            Ipv4::parse(addr)
        };
        (
            ip.unwrap_or_else(|| panic!("bad destination {spec}")),
            port,
            proto,
        )
    }

    fn check(&mut self, cmd: &str) -> String {
        self.cluster.net.index.refresh(&self.cluster.store);
        let words: Vec<&str> = cmd.split_whitespace().collect();
        match words.as_slice() {
            ["query", t, name] => self.query(t, name),
            ["resolve", who, name] => self.resolve(who, name),
            ["flow", who, dst] => {
                let client = self.client(who);
                let (ip, port, proto) = self.dst(dst);
                let mut t = Trace::new("", "");
                let r = flow::connect(&mut self.cluster, &client, ip, port, proto, &mut t);
                render_flow(&r, &t)
            }
            ["flows", n, who, dst] => {
                let client = self.client(who);
                let (ip, port, proto) = self.dst(dst);
                let mut chosen = Vec::new();
                for _ in 0..n.parse::<usize>().expect("count") {
                    let mut t = Trace::new("", "");
                    match flow::connect(&mut self.cluster, &client, ip, port, proto, &mut t) {
                        ConnectResult::Reached(Reached::Pod { name, .. }) => chosen.push(name),
                        other => chosen.push(format!("{other:?}")),
                    }
                }
                format!("{}\n", chosen.join(" "))
            }
            ["reach", who, dst] => self.reach(who, dst),
            ["env", who, "merged"] => {
                let (ns, name) = split_key(who);
                let pod = self
                    .cluster
                    .store
                    .get_typed::<Pod>(&ns, &name)
                    .expect("pod");
                kubeplay_core::network::env::container_env(&self.cluster, pod, "main")
                    .iter()
                    .map(|(k, v)| format!("{k}={v}\n"))
                    .collect()
            }
            ["env", who] => {
                let (ns, name) = split_key(who);
                let pod = self
                    .cluster
                    .store
                    .get_typed::<Pod>(&ns, &name)
                    .expect("pod")
                    .clone();
                let vars = kubeplay_core::network::env::service_env(&self.cluster, &pod);
                if vars.is_empty() {
                    return "(none)\n".into();
                }
                vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect()
            }
            ["sh", who, rest @ ..] => self.sh(who, &rest.join(" ")),
            ["explain"] => self
                .cluster
                .net
                .traces()
                .last()
                .map(Trace::explain)
                .unwrap_or_default(),
            ["chain", input] => format!("{}\n", chain_hash(input)),
            ["served", who] => {
                let (ns, name) = split_key(who);
                format!("{}\n", self.cluster.net.served(&ns, &name))
            }
            ["logs", who] => {
                let (ns, name) = split_key(who);
                tools::pod_logs(&self.cluster, &ns, &name)
                    .iter()
                    .map(|l| format!("{l}\n"))
                    .collect()
            }
            ["traces"] => format!("{}\n", self.cluster.net.drain_traces().len()),
            _ => panic!("unknown check: {cmd}"),
        }
    }

    fn query(&self, t: &str, name: &str) -> String {
        let view = View {
            store: &self.cluster.store,
            ix: &self.cluster.net.index,
        };
        let r = dns::query(&view, name, RType::parse(t).expect("type"));
        let mut s = r.rcode.as_str().to_string();
        if r.answers.is_empty() {
            s.push_str(" (no answers)");
        }
        for rec in &r.answers {
            s.push_str(&format!("\n  {} {rec}", rec.name));
        }
        for rec in &r.additional {
            s.push_str(&format!("\n  + {} {rec}", rec.name));
        }
        s.push('\n');
        s
    }

    fn resolve(&mut self, who: &str, name: &str) -> String {
        let client = self.client(who);
        let view = View {
            store: &self.cluster.store,
            ix: &self.cluster.net.index,
        };
        let names = resolver::resolver_candidates(&view, &client, name);
        let mut t = Trace::new("", "");
        let r = resolver::resolve(&mut self.cluster, &client, &names, RType::A, true, &mut t);
        let mut s = String::new();
        if r.unreachable {
            s.push_str("no DNS server reachable\n");
        }
        for (n, resp) in &r.attempts {
            let ans: Vec<String> = resp.answers.iter().map(|a| a.to_string()).collect();
            let ans = if ans.is_empty() {
                String::new()
            } else {
                format!(" {}", ans.join(", "))
            };
            s.push_str(&format!("{n} {}{ans}\n", resp.rcode.as_str()));
        }
        s
    }

    fn reach(&mut self, who: &str, dst: &str) -> String {
        let client = self.client(who);
        let (ip, port, proto) = self.dst(dst);
        let mut t = Trace::new("", "");
        let r = flow::connect(&mut self.cluster, &client, ip, port, proto, &mut t);
        let verdicts: Vec<String> = t
            .hops
            .iter()
            .filter_map(|h| match &h.hop {
                Hop::Policy {
                    direction, outcome, ..
                } => Some(policy_words(*direction, outcome)),
                _ => None,
            })
            .collect();
        let head = if matches!(r, ConnectResult::Reached(_)) {
            "allowed"
        } else {
            "denied"
        };
        format!("{head}: {}\n", verdicts.join("; "))
    }

    fn sh(&mut self, who: &str, line: &str) -> String {
        let origin = if who == "workstation" {
            Origin::Workstation
        } else {
            let (namespace, name) = split_key(who);
            Origin::Pod {
                namespace,
                name,
                container: "main".into(),
            }
        };
        let argv = shell_words(line);
        match tools::run(&mut self.cluster, &origin, &argv, "") {
            Some(out) => {
                let mut s = out.text();
                if !s.ends_with('\n') && !s.is_empty() {
                    s.push_str("%\n");
                }
                if out.exit_code != 0 {
                    s.push_str(&format!("[exit {}]\n", out.exit_code));
                }
                s
            }
            None => "(not a network tool)\n".into(),
        }
    }
}

/// Splits on spaces, honouring single and double quotes.
fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, ' ') => {
                if !cur.is_empty() || any {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        out.push(cur);
    }
    out
}

fn policy_words(direction: Direction, o: &PolicyOutcome) -> String {
    let d = match direction {
        Direction::Egress => "egress",
        Direction::Ingress => "ingress",
    };
    match o {
        PolicyOutcome::NotIsolated => format!("{d} open"),
        PolicyOutcome::AlwaysAllowed { .. } => format!("{d} always"),
        PolicyOutcome::Allowed { policy, rule } => format!("{d} {policy}#{}", rule + 1),
        PolicyOutcome::Denied { isolated_by } => {
            format!("{d} DENIED by {}", isolated_by.join(","))
        }
    }
}

fn render_flow(r: &ConnectResult, t: &Trace) -> String {
    let mut s = match r {
        ConnectResult::Reached(Reached::Pod {
            namespace,
            name,
            ip,
            port,
            source,
            ..
        }) => format!("-> {namespace}/{name} {ip}:{port} (client seen as {source})\n"),
        ConnectResult::Reached(Reached::Node { node, port, .. }) => {
            format!("-> node {node} port {port}\n")
        }
        ConnectResult::Reached(Reached::Internet { ip, .. }) => format!("-> internet {ip}\n"),
        ConnectResult::Refused => "refused\n".to_string(),
        ConnectResult::Dropped => "dropped\n".to_string(),
    };
    for h in &t.hops {
        match &h.hop {
            Hop::KubeProxy {
                node,
                chains,
                rule,
                probability,
                candidates,
                sticky,
                terminating_fallback,
                ..
            } => {
                s.push_str(&format!(
                    "   {node}: {} rule {rule}/{} p={probability}{}{}\n",
                    chains.join(" > "),
                    candidates.len(),
                    if *sticky { " sticky" } else { "" },
                    if *terminating_fallback {
                        " terminating-fallback"
                    } else {
                        ""
                    }
                ));
            }
            Hop::Snat { to, .. } => s.push_str(&format!("   SNAT to {to}\n")),
            Hop::Dropped { reason } | Hop::Refused { reason } => {
                s.push_str(&format!("   {reason}\n"))
            }
            Hop::Policy {
                direction, outcome, ..
            } => s.push_str(&format!("   {}\n", policy_words(*direction, outcome))),
            _ => {}
        }
    }
    s
}
