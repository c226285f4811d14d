//! Prints the starting cluster's pods, services, endpoints and slices (a quick look while
//! developing the controllers): `cargo run -p kubeplay-core --example dump_cluster [SEED]`.

use kubeplay_core::api::*;
use kubeplay_core::cluster::Cluster;

fn main() {
    let seed = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let c = Cluster::new(seed);
    println!("now {}", c.now.to_rfc3339());
    for p in c.store.list_typed::<Pod>(None) {
        let st = p.status.clone().unwrap_or_default();
        let cs: Vec<String> = st
            .container_statuses
            .iter()
            .map(|c| {
                format!(
                    "{}:{}",
                    c.name,
                    if c.state.running.is_some() {
                        "running"
                    } else {
                        "other"
                    }
                )
            })
            .collect();
        println!(
            "pod {}/{} node={:?} ip={:?} phase={:?} ready={} created={} {:?}",
            p.metadata.namespace.as_deref().unwrap_or(""),
            p.metadata.name,
            p.spec.node_name,
            p.ip(),
            st.phase,
            p.is_ready(),
            p.metadata
                .creation_timestamp
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            cs
        );
    }
    for kind in [
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::Service,
        Kind::Endpoints,
        Kind::EndpointSlice,
        Kind::ConfigMap,
        Kind::Event,
    ] {
        for o in c.store.list(kind, None) {
            println!(
                "{:?} {}/{}",
                kind,
                o.meta().namespace.as_deref().unwrap_or(""),
                o.meta().name
            );
        }
    }
    let ep = c
        .store
        .get(Kind::Endpoints, "kube-system", "kube-dns")
        .map(|o| serde_json::to_string_pretty(&o.to_value()).unwrap_or_default());
    println!("{}", ep.unwrap_or_default());
    let d = c
        .store
        .get(Kind::Deployment, "kube-system", "coredns")
        .map(|o| serde_yaml::to_string(&o.to_value()).unwrap_or_default());
    println!("{}", d.unwrap_or_default());
}
