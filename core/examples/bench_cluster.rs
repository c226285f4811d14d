//! Benchmark: 1,000 Deployments × 3 replicas and 1,000 Services, each created like an apply
//! (store write, then reconcile), then simulated time advanced until every pod is Ready.
//! Thirty extra workers give the 3,000 pods room (a node takes at most 110 pods).
//!
//! `cargo run --release -p kubeplay-core --example bench_cluster`

use std::time::Instant;

use kubeplay_core::api::{Deployment, Pod};
use kubeplay_core::cluster::Cluster;
use kubeplay_core::controllers::fixtures;
use kubeplay_core::sim::Duration;

const DEPLOYMENTS: usize = 1000;

fn main() {
    let mut c = Cluster::new(1);
    for n in 3..=32 {
        c.add_worker(n);
    }
    let start = Instant::now();
    for i in 0..DEPLOYMENTS {
        let name = format!("web-{i}");
        fixtures::create(&mut c, fixtures::deployment("default", &name, "nginx", 3));
        let ip = format!("10.96.{}.{}", 10 + i / 250, 1 + i % 250);
        fixtures::create(&mut c, fixtures::service("default", &name, &name, &ip));
    }
    let created = start.elapsed();
    let mut seconds = 0;
    while !all_ready(&c) && seconds < 120 {
        c.advance(Duration::from_secs(1));
        seconds += 1;
    }
    let total = start.elapsed();
    let pods = c.store.list_typed::<Pod>(None).count();
    let ready = c
        .store
        .list_typed::<Pod>(None)
        .filter(|p| p.is_ready())
        .count();
    println!("created {DEPLOYMENTS} deployments + {DEPLOYMENTS} services in {created:?}");
    println!("all ready after {seconds} simulated s; wall time {total:?}");
    println!("objects {}, pods {pods} ({ready} ready)", c.store.len());
    assert!(all_ready(&c), "not all deployments became ready");
}

fn all_ready(c: &Cluster) -> bool {
    c.store.list_typed::<Deployment>(Some("default")).all(|d| {
        let want = d.spec.replicas.unwrap_or(1);
        let st = d.status.clone().unwrap_or_default();
        st.ready_replicas.unwrap_or(0) == want && st.updated_replicas.unwrap_or(0) == want
    })
}
