//! A staged scene for the browser tests and for looking at the map during development (debug
//! builds, `#demo` in the URL): pods, Services and a NetworkPolicy put straight into the store, as
//! the controllers would have left them, so the map can be checked before they exist.

use kubeplay_core::api::*;
use kubeplay_core::Session;

fn meta(name: &str, namespace: &str, labels: &[(&str, &str)]) -> ObjectMeta {
    ObjectMeta {
        name: name.into(),
        namespace: Some(namespace.into()),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..ObjectMeta::default()
    }
}

/// A pod on `node`; `ready` false leaves it starting (ContainerCreating, no IP).
pub fn pod(
    name: &str,
    namespace: &str,
    node: &str,
    ip: &str,
    ready: bool,
    labels: &[(&str, &str)],
) -> Object {
    let condition = |t: &str, ok: bool| Condition {
        type_: t.into(),
        status: if ok { "True" } else { "False" }.into(),
        ..Condition::default()
    };
    let state = if ready {
        ContainerState {
            running: Some(StateDetail::default()),
            ..ContainerState::default()
        }
    } else {
        ContainerState {
            waiting: Some(StateDetail {
                reason: Some("ContainerCreating".into()),
                ..StateDetail::default()
            }),
            ..ContainerState::default()
        }
    };
    Object::Pod(Pod {
        metadata: meta(name, namespace, labels),
        spec: PodSpec {
            node_name: (!node.is_empty()).then(|| node.to_string()),
            containers: vec![Container {
                name: "app".into(),
                image: Some("traefik/whoami".into()),
                ..Container::default()
            }],
            ..PodSpec::default()
        },
        status: Some(PodStatus {
            phase: Some(if ready { "Running" } else { "Pending" }.into()),
            conditions: vec![condition("Ready", ready)],
            pod_ip: ready.then(|| ip.to_string()),
            // An unscheduled pod has no container statuses yet: kubectl says Pending.
            container_statuses: (!node.is_empty())
                .then(|| ContainerStatus {
                    name: "app".into(),
                    ready,
                    state,
                    ..ContainerStatus::default()
                })
                .into_iter()
                .collect(),
            ..PodStatus::default()
        }),
        ..Pod::default()
    })
}

pub fn service(
    name: &str,
    type_: &str,
    cluster_ip: &str,
    port: i32,
    node_port: Option<i32>,
    selector: &[(&str, &str)],
) -> Service {
    Service {
        metadata: meta(name, "default", &[]),
        spec: ServiceSpec {
            type_: Some(type_.into()),
            selector: (!selector.is_empty()).then(|| {
                selector
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            }),
            cluster_ip: Some(cluster_ip.into()),
            ports: vec![ServicePort {
                port,
                protocol: Some("TCP".into()),
                node_port,
                ..ServicePort::default()
            }],
            ..ServiceSpec::default()
        },
        ..Service::default()
    }
}

/// Blue/green web pods, a database, a client, four kinds of Service and a NetworkPolicy.
pub fn stage(session: &mut Session) {
    let store = &mut session.cluster.store;
    store.put(Object::Namespace(Namespace {
        metadata: ObjectMeta {
            name: "team-a".into(),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }));
    for p in [
        pod(
            "web-blue-5d8f-abcde",
            "default",
            "worker-1",
            "192.168.1.4",
            true,
            &[("app", "web"), ("version", "blue")],
        ),
        pod(
            "web-blue-5d8f-fghij",
            "default",
            "worker-2",
            "192.168.2.5",
            true,
            &[("app", "web"), ("version", "blue")],
        ),
        pod(
            "web-green-7c9d-klmno",
            "default",
            "worker-1",
            "192.168.1.6",
            true,
            &[("app", "web-green"), ("version", "green")],
        ),
        pod(
            "web-green-7c9d-pqrst",
            "default",
            "worker-2",
            "",
            false,
            &[("app", "web-green"), ("version", "green")],
        ),
        pod(
            "db-0",
            "default",
            "worker-2",
            "192.168.2.7",
            true,
            &[("app", "db")],
        ),
        pod(
            "client",
            "default",
            "worker-1",
            "192.168.1.8",
            true,
            &[("role", "frontend")],
        ),
        pod("pending-1", "default", "", "", false, &[("app", "batch")]),
        pod(
            "api-1",
            "team-a",
            "worker-1",
            "192.168.1.9",
            true,
            &[("app", "api")],
        ),
    ] {
        store.put(p);
    }
    store.put(Object::Service(service(
        "web",
        "ClusterIP",
        "10.96.12.34",
        80,
        None,
        &[("app", "web")],
    )));
    store.put(Object::Service(service(
        "web-nodeport",
        "NodePort",
        "10.101.7.2",
        80,
        Some(30080),
        &[("app", "web")],
    )));
    let mut lb = service(
        "web-lb",
        "LoadBalancer",
        "10.108.3.9",
        80,
        Some(31234),
        &[("app", "web-green")],
    );
    lb.status = Some(ServiceStatus {
        load_balancer: LoadBalancerStatus {
            ingress: vec![LoadBalancerIngress {
                ip: Some("10.10.99.100".into()),
                ..LoadBalancerIngress::default()
            }],
        },
        ..ServiceStatus::default()
    });
    store.put(Object::Service(lb));
    store.put(Object::Service(service(
        "db",
        "ClusterIP",
        "None",
        80,
        None,
        &[("app", "db")],
    )));
    let mut ext = service("search", "ExternalName", "", 0, None, &[]);
    ext.spec.cluster_ip = None;
    ext.spec.ports.clear();
    ext.spec.external_name = Some("www.example.com".into());
    store.put(Object::Service(ext));
    let mut np = NetworkPolicy {
        metadata: meta("web-allow-frontend", "default", &[]),
        ..NetworkPolicy::default()
    };
    np.spec
        .pod_selector
        .match_labels
        .insert("app".into(), "web".into());
    np.spec.policy_types = vec!["Ingress".into()];
    store.put(Object::NetworkPolicy(np));
}

/// Sends a request across the staged scene every few seconds, alternating a delivered one from
/// the workstation through the load balancer and one a NetworkPolicy drops.
pub fn animate(traffic: crate::components::traffic::Traffic) {
    use crate::map::layout::Place;
    let pod = |name: &str| Place::Pod {
        namespace: "default".into(),
        name: name.into(),
    };
    let service = |name: &str| Place::Service {
        namespace: "default".into(),
        name: name.into(),
    };
    let mut n = 0u32;
    let mut send = move || {
        n += 1;
        if n % 2 == 1 {
            let hops = vec![
                Place::Workstation,
                Place::LoadBalancer("10.10.99.100".into()),
                Place::Node("worker-2".into()),
                service("web-lb"),
                pod("web-green-7c9d-klmno"),
            ];
            traffic.send(hops, true, None);
        } else {
            traffic.send(
                vec![pod("client"), service("web"), pod("web-blue-5d8f-fghij")],
                false,
                None,
            );
        }
    };
    send();
    gloo_timers::callback::Interval::new(2500, send).forget();
}
