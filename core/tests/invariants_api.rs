//! Seed sweep over the Service write path: random sequences of applies (every type, with and
//! without user-chosen clusterIPs and nodePorts, some invalid) and deletes must keep the
//! allocation invariants — unique ClusterIPs inside the service CIDR, unique nodePorts in range,
//! LoadBalancer addresses from the pool, everything released on delete — and never panic.

use std::collections::BTreeMap;

use kubeplay_core::api::{Kind, Service};
use kubeplay_core::apiserver::{self, Manifest};
use kubeplay_core::cluster::Cluster;
use kubeplay_core::kubectl::{self, KubectlIo};
use kubeplay_core::sim::Pcg32;
use kubeplay_core::vfs::Vfs;
use serde_json::{json, Value};

const NAMES: [&str; 6] = ["a", "b", "c", "d", "e", "f"];
const TYPES: [&str; 4] = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

fn ipv4(s: &str) -> Option<u32> {
    let parts: Vec<u32> = s
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    (parts.len() == 4 && parts.iter().all(|p| *p < 256))
        .then(|| parts.iter().fold(0, |acc, p| (acc << 8) | p))
}

fn random_manifest(rng: &mut Pcg32, name: &str) -> Value {
    let ty = TYPES[rng.index(TYPES.len())];
    let mut spec = json!({ "type": ty, "selector": {"app": name} });
    if ty == "ExternalName" {
        spec["externalName"] = json!("example.com");
        return service(name, spec);
    }
    let n_ports = 1 + rng.index(2);
    let mut ports = Vec::new();
    for i in 0..n_ports {
        let mut p = json!({ "name": format!("p{i}"), "port": 80 + i });
        if ty != "ClusterIP" && rng.below(3) == 0 {
            // Mostly valid explicit nodePorts, sometimes out of range.
            let np = if rng.below(10) == 0 {
                29999
            } else {
                30000 + rng.below(40) as i64
            };
            p["nodePort"] = json!(np);
        }
        ports.push(p);
    }
    spec["ports"] = json!(ports);
    match rng.below(6) {
        0 => spec["clusterIP"] = json!(format!("10.96.0.{}", 1 + rng.below(20))),
        1 => spec["clusterIP"] = json!("None"),
        2 => spec["clusterIP"] = json!("10.0.0.1"),
        _ => {}
    }
    if ty == "LoadBalancer" && rng.below(2) == 0 {
        spec["externalTrafficPolicy"] = json!("Local");
    }
    service(name, spec)
}

fn service(name: &str, spec: Value) -> Value {
    json!({ "apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec })
}

fn manifest(value: Value) -> Manifest {
    Manifest {
        source: "sweep.yaml".into(),
        kind: Kind::Service,
        value,
    }
}

fn check(cluster: &Cluster, context: &str) {
    let mut ips: BTreeMap<u32, String> = BTreeMap::new();
    let mut node_ports: BTreeMap<i32, String> = BTreeMap::new();
    let mut lb_ips: BTreeMap<String, String> = BTreeMap::new();
    let (base, size) = (ipv4("10.96.0.0").unwrap_or(0), 1u32 << 20);
    for svc in cluster.store.list_typed::<Service>(None) {
        let name = &svc.metadata.name;
        let ty = svc.type_();
        if ty == "ExternalName" {
            assert!(
                svc.spec.cluster_ips.is_empty(),
                "{context}: {name} has clusterIPs"
            );
        } else if svc.is_headless() {
            assert_eq!(svc.spec.cluster_ips, ["None"], "{context}: {name}");
        } else {
            assert_eq!(svc.spec.cluster_ips.len(), 1, "{context}: {name}");
            let ip = ipv4(&svc.spec.cluster_ips[0]).expect("clusterIP parses");
            assert!(
                ip > base && ip < base + size - 1,
                "{context}: {name} IP outside CIDR"
            );
            assert_eq!(
                svc.spec.cluster_ip.as_deref(),
                Some(svc.spec.cluster_ips[0].as_str())
            );
            if let Some(other) = ips.insert(ip, name.clone()) {
                panic!("{context}: {name} and {other} share a clusterIP");
            }
        }
        let mut own: BTreeMap<i32, i32> = BTreeMap::new();
        for p in &svc.spec.ports {
            match (ty, p.node_port) {
                ("NodePort" | "LoadBalancer", None) => panic!("{context}: {name} lacks a nodePort"),
                ("ClusterIP" | "ExternalName", Some(_)) => {
                    panic!("{context}: {name} keeps a nodePort")
                }
                (_, Some(np)) => {
                    assert!(
                        (30000..=32767).contains(&np),
                        "{context}: {name} nodePort {np}"
                    );
                    // Ports with the same port number share one nodePort inside a Service.
                    if own.insert(p.port, np).is_none() {
                        if let Some(other) = node_ports.insert(np, name.clone()) {
                            panic!("{context}: {name} and {other} share nodePort {np}");
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(hc) = svc.spec.health_check_node_port {
            assert!(
                ty == "LoadBalancer",
                "{context}: {name} keeps a healthCheckNodePort"
            );
            if let Some(other) = node_ports.insert(hc, name.clone()) {
                panic!("{context}: {name} and {other} share port {hc}");
            }
        }
        let ingress: Vec<String> = svc
            .status
            .iter()
            .flat_map(|s| &s.load_balancer.ingress)
            .filter_map(|i| i.ip.clone())
            .collect();
        if ty == "LoadBalancer" {
            assert_eq!(ingress.len(), 1, "{context}: {name} LB ingress");
            let ip = ipv4(&ingress[0]).unwrap_or(0);
            let pool = ipv4("10.10.99.100").unwrap_or(0)..=ipv4("10.10.99.250").unwrap_or(0);
            assert!(
                pool.contains(&ip),
                "{context}: {name} LB IP outside the pool"
            );
            if let Some(other) = lb_ips.insert(ingress[0].clone(), name.clone()) {
                panic!("{context}: {name} and {other} share an LB IP");
            }
        } else {
            assert!(ingress.is_empty(), "{context}: {name} keeps LB status");
        }
    }
}

/// After a delete, the freed clusterIP and nodePorts can be claimed explicitly at once.
fn check_released(cluster: &mut Cluster, old: &Service, context: &str) {
    let ip = old
        .spec
        .cluster_ips
        .first()
        .filter(|ip| ip.as_str() != "None");
    let node_ports: Vec<i32> = old.spec.ports.iter().filter_map(|p| p.node_port).collect();
    let Some(ip) = ip else { return };
    let ports: Vec<Value> = node_ports
        .iter()
        .enumerate()
        .map(|(i, np)| json!({"name": format!("p{i}"), "port": 1000 + i, "nodePort": np}))
        .collect();
    let (ty, ports) = if ports.is_empty() {
        ("ClusterIP", vec![json!({"port": 80})])
    } else {
        ("NodePort", ports)
    };
    let probe = service(
        "probe",
        json!({"type": ty, "clusterIP": ip, "ports": ports}),
    );
    let result = apiserver::apply(cluster, &manifest(probe), "default");
    assert!(
        result.is_ok(),
        "{context}: freed addresses not reusable: {result:?}"
    );
    check(cluster, context);
    let deleted = apiserver::delete(cluster, Kind::Service, "default", "probe", None);
    assert!(deleted.is_ok(), "{context}: probe delete failed");
}

#[test]
fn service_allocations_hold_under_random_writes() {
    let (mut applied, mut refused) = (0, 0);
    for seed in 0..150u64 {
        let mut cluster = Cluster::new(seed);
        let mut rng = Pcg32::new(seed, 99);
        for step in 0..60 {
            let name = NAMES[rng.index(NAMES.len())];
            let context = format!("seed {seed} step {step}");
            if rng.below(4) == 0 {
                let old = cluster.store.get_typed::<Service>("default", name).cloned();
                let result = apiserver::delete(&mut cluster, Kind::Service, "default", name, None);
                assert_eq!(result.is_ok(), old.is_some(), "{context}");
                check(&cluster, &context);
                if let Some(old) = old {
                    check_released(&mut cluster, &old, &context);
                }
            } else {
                let before = cluster.store.get_typed::<Service>("default", name).cloned();
                let value = random_manifest(&mut rng, name);
                if apiserver::apply(&mut cluster, &manifest(value), "default").is_ok() {
                    applied += 1;
                } else {
                    refused += 1;
                    // A refused write leaves the object exactly as it was.
                    let after = cluster.store.get_typed::<Service>("default", name).cloned();
                    assert_eq!(before, after, "{context}: failed apply changed the object");
                }
                check(&cluster, &context);
            }
        }
    }
    // The sweep must exercise both paths, mostly the successful one.
    assert!(
        applied > refused && refused > 0,
        "applied {applied}, refused {refused}"
    );
}

const TEMPLATES: [&str; 3] = [
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n    nodePort: 30080\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n",
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n        except: [10.1.0.0/16]\n    ports:\n    - port: 80\n      endPort: 90\n",
];

const JUNK: [&str; 12] = [
    ":", "-", "[", "{", "\"", "'", "\t", "#", "&a", "*a", "!!int", "\n  ",
];

fn mutate_text(rng: &mut Pcg32, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.index(4) {
        let at = rng.index(chars.len() + 1);
        match rng.below(3) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => {
                let junk = JUNK[rng.index(JUNK.len())];
                for (k, c) in junk.chars().enumerate() {
                    chars.insert(at + k, c);
                }
            }
            _ => {
                // Swap a digit for a letter or the other way round.
                if let Some(c) = chars.get_mut(at) {
                    *c = if c.is_ascii_digit() { 'x' } else { '7' };
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// Garbage in never panics and never breaks the allocation invariants.
#[test]
fn mangled_manifests_never_panic() {
    for seed in 0..300u64 {
        let mut cluster = Cluster::new(seed);
        let mut rng = Pcg32::new(seed, 7);
        for step in 0..10 {
            let template = TEMPLATES[rng.index(TEMPLATES.len())];
            let text = mutate_text(&mut rng, template);
            for m in apiserver::decode_file("fuzz.yaml", &text)
                .into_iter()
                .flatten()
            {
                let _ = apiserver::apply(&mut cluster, &m, "default");
                let _ = apiserver::create(&mut cluster, &m, "default", false);
            }
            check(&cluster, &format!("seed {seed} step {step}"));
        }
        // Whatever got stored must print.
        for line in [
            "get all -o wide",
            "get all,netpol -o yaml",
            "get all -A -o json",
        ] {
            let mut fs = Vfs::default();
            let mut ns = "default".to_string();
            let mut io = KubectlIo {
                fs: &mut fs,
                cwd: "/home/learner",
                stdin: "",
                namespace: &mut ns,
                followup: None,
            };
            let words: Vec<String> = line.split_whitespace().map(String::from).collect();
            let out = kubectl::run(&mut cluster, &mut io, &words);
            assert_eq!(out.exit_code, 0, "seed {seed}: {line}: {}", out.text());
        }
    }
}
