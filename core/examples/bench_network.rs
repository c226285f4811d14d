//! Routed requests per second, pod → Service by DNS name (`curl -s svc-N`), with NetworkPolicies
//! in place, at 10, 100 and 1,000 Services. The per-request cost should stay flat as Services
//! grow: the request path looks objects up by name and IP through the network index and never
//! scans the store.
//!
//! Run: `cargo run --release -p kubeplay-core --example bench_network`

use std::time::Instant;

use kubeplay_core::api::*;
use kubeplay_core::cluster::Cluster;
use kubeplay_core::sim::Time;
use kubeplay_core::tools::{self, Origin};

const REQUESTS: usize = 20_000;

fn meta(ns: &str, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: name.into(),
        namespace: Some(ns.into()),
        creation_timestamp: Some(Time::ZERO),
        ..ObjectMeta::default()
    }
}

fn pod(
    ns: &str,
    name: &str,
    ip: String,
    node: &str,
    labels: &[(&str, &str)],
    image: &str,
) -> Object {
    let mut m = meta(ns, name);
    for (k, v) in labels {
        m.labels.insert((*k).into(), (*v).into());
    }
    Object::Pod(Pod {
        metadata: m,
        spec: PodSpec {
            containers: vec![Container {
                name: "main".into(),
                image: Some(image.into()),
                ..Container::default()
            }],
            node_name: Some(node.into()),
            ..PodSpec::default()
        },
        status: Some(PodStatus {
            phase: Some("Running".into()),
            conditions: vec![Condition {
                type_: "Ready".into(),
                status: "True".into(),
                ..Condition::default()
            }],
            pod_ip: Some(ip),
            ..PodStatus::default()
        }),
        ..Pod::default()
    })
}

fn build(n_services: usize) -> Cluster {
    let mut c = Cluster::new(1);
    let ns = "default";
    c.store.put(pod(
        ns,
        "client",
        "192.168.1.2".into(),
        "worker-1",
        &[("role", "client")],
        "nicolaka/netshoot",
    ));
    for i in 0..n_services {
        let app = format!("svc-{i}");
        let mut endpoints = Vec::new();
        for r in 0..2 {
            let node = if r == 0 { "worker-1" } else { "worker-2" };
            let ip = format!(
                "192.168.{}.{}",
                10 + (2 * i + r) / 250,
                1 + (2 * i + r) % 250
            );
            let name = format!("{app}-{r}");
            c.store.put(pod(
                ns,
                &name,
                ip.clone(),
                node,
                &[("app", &app)],
                "traefik/whoami",
            ));
            endpoints.push(SliceEndpoint {
                addresses: vec![ip],
                conditions: EndpointConditions {
                    ready: Some(true),
                    serving: Some(true),
                    terminating: Some(false),
                },
                node_name: Some(node.into()),
                target_ref: Some(ObjectReference {
                    kind: Some("Pod".into()),
                    name: Some(name),
                    namespace: Some(ns.into()),
                    ..ObjectReference::default()
                }),
                ..SliceEndpoint::default()
            });
        }
        let mut svc_meta = meta(ns, &app);
        svc_meta.labels.insert("app".into(), app.clone());
        c.store.put(Object::Service(Service {
            metadata: svc_meta,
            spec: ServiceSpec {
                selector: Some([("app".to_string(), app.clone())].into_iter().collect()),
                ports: vec![ServicePort {
                    name: Some("http".into()),
                    port: 80,
                    target_port: Some(IntOrString::Int(80)),
                    protocol: Some("TCP".into()),
                    ..ServicePort::default()
                }],
                cluster_ip: Some(format!("10.100.{}.{}", i / 250, 1 + i % 250)),
                ..ServiceSpec::default()
            },
            ..Service::default()
        }));
        let mut slice_meta = meta(ns, &format!("{app}-abcde"));
        slice_meta
            .labels
            .insert("kubernetes.io/service-name".into(), app.clone());
        c.store.put(Object::EndpointSlice(EndpointSlice {
            metadata: slice_meta,
            address_type: "IPv4".into(),
            endpoints,
            ports: vec![EndpointPort {
                name: Some("http".into()),
                port: Some(80),
                protocol: Some("TCP".into()),
                app_protocol: None,
            }],
            ..EndpointSlice::default()
        }));
    }
    let policies = [
        ("deny-ingress", "{podSelector: {}, policyTypes: [Ingress]}"),
        ("allow-from-client", "{podSelector: {}, ingress: [{from: [{podSelector: {matchLabels: {role: client}}}], ports: [{protocol: TCP, port: 80}]}]}"),
        ("client-egress", "{podSelector: {matchLabels: {role: client}}, policyTypes: [Egress], egress: [{ports: [{protocol: UDP, port: 53}]}, {to: [{podSelector: {}}]}]}"),
    ];
    for (name, spec) in policies {
        c.store.put(Object::NetworkPolicy(NetworkPolicy {
            metadata: meta(ns, name),
            spec: serde_yaml::from_str(spec).expect("policy"),
            ..NetworkPolicy::default()
        }));
    }
    c
}

fn main() {
    let origin = Origin::Pod {
        namespace: "default".into(),
        name: "client".into(),
        container: "main".into(),
    };
    let mut per_request_ns = Vec::new();
    println!(
        "{:>9} {:>12} {:>14}",
        "services", "requests/s", "us/request"
    );
    for n in [10usize, 100, 1000] {
        let mut c = build(n);
        let argv = |i: usize| {
            vec![
                "curl".to_string(),
                "-s".to_string(),
                format!("svc-{}", i % n),
            ]
        };
        // Warm up: builds the network index once and checks the path works.
        let out = tools::run(&mut c, &origin, &argv(0), "").expect("curl is a tool");
        assert_eq!(out.exit_code, 0, "{}", out.text());
        let start = Instant::now();
        for i in 0..REQUESTS {
            let out = tools::run(&mut c, &origin, &argv(i), "");
            assert!(out.is_some_and(|o| o.exit_code == 0));
        }
        let elapsed = start.elapsed();
        let ns_per = elapsed.as_nanos() as f64 / REQUESTS as f64;
        per_request_ns.push(ns_per);
        println!("{n:>9} {:>12.0} {:>14.1}", 1e9 / ns_per, ns_per / 1000.0);
    }
    println!(
        "per-request cost ratio 1000/10: {:.2}",
        per_request_ns[2] / per_request_ns[0]
    );
}
