//! Seed sweeps over random workloads, checking the controllers' invariants after every step:
//! pod IPs unique and inside their node's pod CIDR, Endpoints and EndpointSlices exactly the
//! selected pods (by readiness), owner chains intact, convergence to the desired replicas, and
//! identical state for identical seeds.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_core::api::*;
use kubeplay_core::cluster::Cluster;
use kubeplay_core::controllers::fixtures::{self, create, update};
use kubeplay_core::sim::{Duration, Pcg32};
use kubeplay_core::store::ObjectKey;

/// Seeds and steps per seed; `INVARIANT_SEEDS` / `INVARIANT_STEPS` widen the sweep.
fn sweep() -> (u64, usize) {
    let var = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    (
        var("INVARIANT_SEEDS", 64),
        var("INVARIANT_STEPS", 40) as usize,
    )
}
const NAMES: [&str; 4] = ["web", "api", "db", "cache"];
const IMAGES: [&str; 3] = ["nginx", "traefik/whoami", "nginx:1.27"];

/// One random step of the workload driver.
fn step(c: &mut Cluster, rng: &mut Pcg32) {
    let name = NAMES[rng.index(NAMES.len())];
    let image = IMAGES[rng.index(IMAGES.len())];
    let replicas = rng.below(5) as i32;
    let exists = |c: &Cluster, kind| c.store.get(kind, "default", name).is_some();
    match rng.below(11) {
        0 | 1 if !exists(c, Kind::Deployment) && !exists(c, Kind::StatefulSet) => {
            create(c, fixtures::deployment("default", name, image, replicas));
        }
        2 => {
            update::<Deployment>(c, "default", name, |d| d.spec.replicas = Some(replicas));
        }
        3 => {
            update::<Deployment>(c, "default", name, |d| {
                if let Some(ctr) = d.spec.template.spec.containers.first_mut() {
                    ctr.image = Some(image.into());
                }
            });
        }
        4 if !exists(c, Kind::Service) => {
            let ip = format!("10.96.7.{}", 1 + rng.below(200));
            let ip = if rng.below(3) == 0 {
                "None".to_string()
            } else {
                ip
            };
            create(c, fixtures::service("default", name, name, &ip));
        }
        5 => {
            let kind = [Kind::Deployment, Kind::Service, Kind::StatefulSet][rng.index(3)];
            c.delete(&ObjectKey::new(kind, "default", name), None);
        }
        6 if !exists(c, Kind::StatefulSet) && !exists(c, Kind::Deployment) => {
            create(
                c,
                fixtures::statefulset("default", name, name, image, replicas),
            );
        }
        7 => {
            update::<StatefulSet>(c, "default", name, |s| s.spec.replicas = Some(replicas));
        }
        8 => {
            let pods: Vec<String> = c
                .store
                .list_typed::<Pod>(Some("default"))
                .map(|p| p.metadata.name.clone())
                .collect();
            if !pods.is_empty() {
                let victim = &pods[rng.index(pods.len())];
                c.delete(&ObjectKey::new(Kind::Pod, "default", victim), None);
            }
        }
        9 => relabel_random_pod(c, rng, name),
        _ => c.advance(Duration::from_millis(u64::from(rng.below(20_000)))),
    }
}

/// Moves a pod between Services (and out of its ReplicaSet) by rewriting its `app` label.
fn relabel_random_pod(c: &mut Cluster, rng: &mut Pcg32, app: &str) {
    let pods: Vec<String> = c
        .store
        .list_typed::<Pod>(Some("default"))
        .map(|p| p.metadata.name.clone())
        .collect();
    if pods.is_empty() {
        return;
    }
    let victim = pods[rng.index(pods.len())].clone();
    update::<Pod>(c, "default", &victim, |p| {
        p.metadata.labels.insert("app".into(), app.into());
    });
}

fn run(seed: u64) -> Cluster {
    let mut c = Cluster::new(seed);
    let mut rng = Pcg32::new(seed, 99);
    for _ in 0..sweep().1 {
        step(&mut c, &mut rng);
        check(&c);
    }
    c
}

fn check(c: &Cluster) {
    check_pod_ips(c);
    check_owners(c);
    check_endpoints(c);
}

fn node_cidrs(c: &Cluster) -> BTreeMap<String, (u32, u32, String)> {
    c.store
        .list_typed::<Node>(None)
        .map(|n| {
            let cidr = n.spec.pod_cidr.clone().unwrap_or_default();
            let (ip, prefix) = cidr.split_once('/').unwrap();
            let ip = ipv4(ip);
            let node_ip = n.status.as_ref().unwrap().addresses[0].address.clone();
            (
                n.metadata.name.clone(),
                (ip, prefix.parse().unwrap(), node_ip),
            )
        })
        .collect()
}

fn ipv4(s: &str) -> u32 {
    let o: Vec<u32> = s.split('.').map(|x| x.parse().unwrap()).collect();
    (o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]
}

fn check_pod_ips(c: &Cluster) {
    let cidrs = node_cidrs(c);
    let mut seen = BTreeSet::new();
    for pod in c.store.list_typed::<Pod>(None) {
        let Some(ip) = pod.ip() else { continue };
        let node = pod.spec.node_name.as_deref().expect("pod with IP is bound");
        let (base, prefix, node_ip) = &cidrs[node];
        if pod.spec.host_network == Some(true) {
            assert_eq!(ip, node_ip, "{}", pod.metadata.name);
            continue;
        }
        let mask = u32::MAX << (32 - prefix);
        assert_eq!(
            ipv4(ip) & mask,
            *base,
            "{} IP {ip} outside {node}'s CIDR",
            pod.metadata.name
        );
        assert!(seen.insert(ip.to_string()), "pod IP {ip} used twice");
    }
}

fn check_owners(c: &Cluster) {
    for pod in c.store.list_typed::<Pod>(Some("default")) {
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        // A pod relabelled out of its ReplicaSet is released: no owner at all is fine.
        let Some(owner) = pod.metadata.owner_references.first() else {
            continue;
        };
        let kind = Kind::from_api_version_kind(&owner.api_version, &owner.kind).unwrap();
        let o = c.store.get(kind, "default", &owner.name);
        let intact = o.is_some_and(|o| o.meta().uid.as_deref() == Some(&owner.uid));
        assert!(intact, "pod {} orphaned", pod.metadata.name);
    }
    for rs in c.store.list_typed::<ReplicaSet>(Some("default")) {
        let owner = &rs.metadata.owner_references[0];
        let d = c.store.get_typed::<Deployment>("default", &owner.name);
        let intact = d.is_some_and(|d| d.metadata.uid.as_deref() == Some(&owner.uid));
        assert!(intact, "rs {} orphaned", rs.metadata.name);
    }
}

fn ips<'a>(pods: impl Iterator<Item = &'a &'a Pod>) -> BTreeSet<&'a str> {
    pods.filter_map(|p| p.ip()).collect()
}

/// Every Service's Endpoints and EndpointSlices list exactly its selected pods.
fn check_endpoints(c: &Cluster) {
    for svc in c.store.list_typed::<Service>(Some("default")) {
        let Some(selector) = &svc.spec.selector else {
            continue;
        };
        let name = &svc.metadata.name;
        let pods: Vec<&Pod> = c
            .store
            .list_typed::<Pod>(Some("default"))
            .filter(|p| map_selector_matches(selector, &p.metadata.labels) && p.ip().is_some())
            .collect();
        let live: Vec<&Pod> = pods
            .iter()
            .copied()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect();
        let want_ready = ips(live.iter().filter(|p| p.is_ready()));
        let want_unready = ips(live.iter().filter(|p| !p.is_ready()));
        let ep = c
            .store
            .get_typed::<Endpoints>("default", name)
            .expect("endpoints exist");
        let addrs = |f: fn(&EndpointSubset) -> &Vec<EndpointAddress>| -> BTreeSet<&str> {
            ep.subsets
                .iter()
                .flat_map(f)
                .map(|a| a.ip.as_str())
                .collect()
        };
        assert_eq!(
            addrs(|s| &s.addresses),
            want_ready,
            "ready endpoints of {name}"
        );
        assert_eq!(
            addrs(|s| &s.not_ready_addresses),
            want_unready,
            "not-ready endpoints of {name}"
        );
        let slices: Vec<&EndpointSlice> = c
            .store
            .list_typed::<EndpointSlice>(Some("default"))
            .filter(|s| s.metadata.labels.get("kubernetes.io/service-name") == Some(name))
            .collect();
        assert!(!slices.is_empty(), "no slice for {name}");
        let endpoints = || slices.iter().flat_map(|s| &s.endpoints);
        let slice_ready: BTreeSet<&str> = endpoints()
            .filter(|e| e.conditions.ready == Some(true))
            .map(|e| e.addresses[0].as_str())
            .collect();
        let slice_all: BTreeSet<&str> = endpoints().map(|e| e.addresses[0].as_str()).collect();
        assert_eq!(slice_ready, want_ready, "ready slice endpoints of {name}");
        assert_eq!(slice_all, ips(pods.iter()), "slice endpoints of {name}");
    }
}

/// Every workload reaches its desired replicas, all Ready, within bounded simulated time.
fn check_converged(c: &mut Cluster) {
    c.advance(Duration::from_secs(60));
    check(c);
    for d in c.store.list_typed::<Deployment>(Some("default")) {
        let want = d.spec.replicas.unwrap_or(1);
        let st = d.status.clone().unwrap_or_default();
        let name = &d.metadata.name;
        assert_eq!(
            st.ready_replicas.unwrap_or(0),
            want,
            "deployment {name} ready"
        );
        assert_eq!(
            st.updated_replicas.unwrap_or(0),
            want,
            "deployment {name} updated"
        );
        assert_eq!(
            st.replicas.unwrap_or(0),
            want,
            "deployment {name} has old pods"
        );
    }
    for s in c.store.list_typed::<StatefulSet>(Some("default")) {
        let want = s.spec.replicas.unwrap_or(1);
        let st = s.status.clone().unwrap_or_default();
        assert_eq!(
            st.ready_replicas.unwrap_or(0),
            want,
            "statefulset {} ready",
            s.metadata.name
        );
        assert_eq!(
            st.replicas, want,
            "statefulset {} replicas",
            s.metadata.name
        );
    }
    let ready = c
        .store
        .list_typed::<Pod>(Some("default"))
        .all(|p| p.is_ready());
    assert!(ready, "every remaining pod is ready");
}

#[test]
fn random_workloads_keep_invariants_and_converge() {
    for seed in 0..sweep().0 {
        let mut c = run(seed);
        check_converged(&mut c);
    }
}

#[test]
fn same_seed_same_store() {
    for seed in [0, 7, 42] {
        let a = run(seed);
        let b = run(seed);
        assert_eq!(
            format!("{:?}", a.store),
            format!("{:?}", b.store),
            "seed {seed}"
        );
        assert_eq!(a.now, b.now);
    }
    let a = format!("{:?}", run(1).store);
    let b = format!("{:?}", run(2).store);
    assert_ne!(a, b, "different seeds should differ");
}

#[test]
fn starting_cluster_is_settled() {
    let c = Cluster::new(5);
    assert_eq!(
        c.store.list_typed::<Event>(None).count(),
        0,
        "bootstrap events are gone"
    );
    let pods: Vec<&Pod> = c.store.list_typed::<Pod>(Some("kube-system")).collect();
    assert_eq!(pods.len(), 13);
    assert!(pods.iter().all(|p| p.is_ready()));
    let ep = c
        .store
        .get_typed::<Endpoints>("kube-system", "kube-dns")
        .unwrap();
    assert_eq!(ep.subsets[0].addresses.len(), 2);
    check(&c);
}
