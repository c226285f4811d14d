//! Scenario tests: what a learner sees the controllers and kubelet do, step by step, with the
//! real names, states and event messages.

use super::fixtures::{self, create, update};
use crate::api::*;
use crate::cluster::Cluster;
use crate::sim::Duration;
use crate::store::ObjectKey;

fn pods<'a>(c: &'a Cluster, prefix: &'a str) -> Vec<&'a Pod> {
    c.store
        .list_typed::<Pod>(Some("default"))
        .filter(|p| p.metadata.name.starts_with(prefix))
        .collect()
}

/// (reason, message) of the events about objects named `name`, oldest first.
fn events(c: &Cluster, name: &str) -> Vec<(String, String)> {
    let mut evs: Vec<&Event> = c
        .store
        .list_typed::<Event>(None)
        .filter(|e| e.involved_object.name.as_deref() == Some(name))
        .collect();
    evs.sort_by_key(|e| (e.first_timestamp, e.metadata.name.clone()));
    evs.iter()
        .map(|e| {
            (
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn container_state(pod: &Pod) -> (String, i32) {
    let cs = &pod.status.as_ref().unwrap().container_statuses[0];
    let st = &cs.state;
    let reason = st
        .waiting
        .as_ref()
        .or(st.terminated.as_ref())
        .and_then(|d| d.reason.clone())
        .unwrap_or_else(|| {
            if st.running.is_some() {
                "Running".into()
            } else {
                String::new()
            }
        });
    (reason, cs.restart_count)
}

#[test]
fn deployment_creates_named_replicaset_and_spread_ready_pods() {
    let mut c = Cluster::new(3);
    create(&mut c, fixtures::deployment("default", "web", "nginx", 3));
    let rs: Vec<&ReplicaSet> = c.store.list_typed::<ReplicaSet>(Some("default")).collect();
    assert_eq!(rs.len(), 1);
    let rs_name = rs[0].metadata.name.clone();
    let hash = rs_name.strip_prefix("web-").unwrap();
    assert!(
        !hash.is_empty() && hash.bytes().all(|b| b"456789bcdf".contains(&b)),
        "{rs_name}"
    );
    assert_eq!(rs[0].metadata.labels["pod-template-hash"], hash);
    assert_eq!(
        rs[0].metadata.annotations["deployment.kubernetes.io/revision"],
        "1"
    );
    let web = pods(&c, "web-");
    assert_eq!(web.len(), 3);
    for p in &web {
        assert!(p.metadata.name.starts_with(&format!("{rs_name}-")));
        assert_eq!(p.metadata.name.len(), rs_name.len() + 6);
        assert_eq!(p.metadata.labels["pod-template-hash"], hash);
        assert_eq!(container_state(p).0, "ContainerCreating");
        assert_ne!(p.spec.node_name.as_deref(), Some("control-plane"));
    }
    let on = |n: &str| {
        web.iter()
            .filter(|p| p.spec.node_name.as_deref() == Some(n))
            .count()
    };
    assert_eq!((on("worker-1"), on("worker-2")), (2, 1));
    c.advance(secs(10));
    let web = pods(&c, "web-");
    assert!(web.iter().all(|p| p.is_ready()), "ready within 10 s");
    let d = c.store.get_typed::<Deployment>("default", "web").unwrap();
    let st = d.status.as_ref().unwrap();
    assert_eq!(
        (st.replicas, st.ready_replicas, st.available_replicas),
        (Some(3), Some(3), Some(3))
    );
    assert_eq!(st.unavailable_replicas, None);
    let conds: Vec<(&str, &str, &str)> = st
        .conditions
        .iter()
        .map(|c| {
            (
                c.type_.as_str(),
                c.status.as_str(),
                c.reason.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        conds,
        [
            ("Available", "True", "MinimumReplicasAvailable"),
            ("Progressing", "True", "NewReplicaSetAvailable")
        ]
    );
    let progressing = &st.conditions[1];
    assert_eq!(
        progressing.message.as_deref(),
        Some(format!("ReplicaSet \"{rs_name}\" has successfully progressed.").as_str())
    );
    assert_eq!(
        events(&c, "web"),
        [(
            "ScalingReplicaSet".into(),
            format!("Scaled up replica set {rs_name} from 0 to 3")
        )]
    );
    let rs_events = events(&c, &rs_name);
    assert_eq!(rs_events.len(), 3);
    assert!(rs_events.iter().all(
        |(r, m)| r == "SuccessfulCreate" && m.starts_with(&format!("Created pod: {rs_name}-"))
    ));
    let pod = web[0];
    let reasons: Vec<String> = events(&c, &pod.metadata.name)
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert_eq!(
        reasons,
        ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    );
    let msgs = events(&c, &pod.metadata.name);
    let node = pod.spec.node_name.as_deref().unwrap();
    assert_eq!(
        msgs[0].1,
        format!(
            "Successfully assigned default/{} to {node}",
            pod.metadata.name
        )
    );
    assert!(
        msgs[2]
            .1
            .starts_with("Successfully pulled image \"nginx\" in "),
        "{}",
        msgs[2].1
    );
    assert!(
        msgs[2].1.ends_with(" Image size: 72099501 bytes."),
        "{}",
        msgs[2].1
    );
    assert_eq!(msgs[3].1, "Created container: nginx");
    let status = pod.status.as_ref().unwrap();
    let cs = &status.container_statuses[0];
    assert_eq!(cs.image, "docker.io/library/nginx:latest");
    assert!(cs
        .container_id
        .as_deref()
        .unwrap()
        .starts_with("containerd://"));
    assert_eq!(
        cs.container_id.as_deref().unwrap().len(),
        "containerd://".len() + 64
    );
    assert_eq!(status.qos_class.as_deref(), Some("BestEffort"));
    let types: Vec<&str> = status.conditions.iter().map(|c| c.type_.as_str()).collect();
    assert_eq!(
        types,
        [
            "PodReadyToStartContainers",
            "Initialized",
            "Ready",
            "ContainersReady",
            "PodScheduled"
        ]
    );
}

#[test]
fn rolling_update_keeps_availability_and_bumps_revision() {
    let mut c = Cluster::new(4);
    create(
        &mut c,
        fixtures::deployment("default", "web", "nginx:1.27", 4),
    );
    c.advance(secs(10));
    update::<Deployment>(&mut c, "default", "web", |d| {
        d.spec.template.spec.containers[0].image = Some("nginx:1.28".into());
    });
    // 25%/25% of 4: at most 5 pods, at least 3 available at every moment.
    for _ in 0..300 {
        let rs: Vec<&ReplicaSet> = c.store.list_typed::<ReplicaSet>(Some("default")).collect();
        let available: i32 = rs
            .iter()
            .filter_map(|r| r.status.as_ref()?.available_replicas)
            .sum();
        let desired: i32 = rs.iter().filter_map(|r| r.spec.replicas).sum();
        assert!(available >= 3, "available {available}");
        assert!(desired <= 5, "desired {desired}");
        c.advance(Duration::from_millis(100));
    }
    let mut rs: Vec<&ReplicaSet> = c.store.list_typed::<ReplicaSet>(Some("default")).collect();
    rs.sort_by_key(|r| r.metadata.annotations["deployment.kubernetes.io/revision"].clone());
    let replicas: Vec<i32> = rs.iter().map(|r| r.spec.replicas.unwrap()).collect();
    assert_eq!(replicas, [0, 4]);
    let d = c.store.get_typed::<Deployment>("default", "web").unwrap();
    assert_eq!(
        d.metadata.annotations["deployment.kubernetes.io/revision"],
        "2"
    );
    let images: Vec<String> = pods(&c, "web-")
        .iter()
        .map(|p| p.spec.containers[0].image.clone().unwrap())
        .collect();
    assert_eq!(images, vec!["nginx:1.28".to_string(); 4]);
    let scaling: Vec<String> = events(&c, "web").into_iter().map(|(_, m)| m).collect();
    assert!(
        scaling
            .iter()
            .any(|m| m.starts_with("Scaled down replica set ") && m.ends_with(" from 4 to 3")),
        "{scaling:?}"
    );
}

#[test]
fn recreate_stops_old_pods_before_starting_new_ones() {
    let mut c = Cluster::new(5);
    let mut d = fixtures::deployment("default", "web", "nginx:1.27", 2);
    d.spec.strategy = Some(DeploymentStrategy {
        type_: Some("Recreate".into()),
        rolling_update: None,
    });
    create(&mut c, d);
    c.advance(secs(10));
    update::<Deployment>(&mut c, "default", "web", |d| {
        d.spec.template.spec.containers[0].image = Some("nginx:1.28".into());
    });
    for _ in 0..100 {
        let images: Vec<String> = pods(&c, "web-")
            .iter()
            .map(|p| p.spec.containers[0].image.clone().unwrap())
            .collect();
        assert!(
            !(images.contains(&"nginx:1.27".into()) && images.contains(&"nginx:1.28".into())),
            "{images:?}"
        );
        c.advance(Duration::from_millis(200));
    }
    assert_eq!(pods(&c, "web-").iter().filter(|p| p.is_ready()).count(), 2);
}

#[test]
fn scale_down_terminates_then_removes_pods() {
    let mut c = Cluster::new(6);
    create(&mut c, fixtures::deployment("default", "web", "nginx", 3));
    c.advance(secs(10));
    update::<Deployment>(&mut c, "default", "web", |d| d.spec.replicas = Some(1));
    let terminating = pods(&c, "web-")
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .count();
    assert_eq!(terminating, 2);
    let rs = c
        .store
        .list_typed::<ReplicaSet>(Some("default"))
        .next()
        .unwrap()
        .metadata
        .name
        .clone();
    assert!(events(&c, "web")
        .iter()
        .any(|(_, m)| *m == format!("Scaled down replica set {rs} from 3 to 1")));
    c.advance(secs(2));
    assert_eq!(pods(&c, "web-").len(), 1, "nginx stops promptly on SIGTERM");
}

#[test]
fn busybox_without_command_crash_loops() {
    let mut c = Cluster::new(7);
    create(&mut c, fixtures::pod("default", "bb", "busybox", &[]));
    let mut seen = Vec::new();
    for _ in 0..90 {
        c.advance(secs(1));
        let p = c.store.get_typed::<Pod>("default", "bb").unwrap();
        let s = container_state(p);
        if seen.last() != Some(&s) {
            seen.push(s);
        }
    }
    let reasons: Vec<&str> = seen.iter().map(|(r, _)| r.as_str()).collect();
    assert!(
        reasons.starts_with(&["Completed"]) || reasons[0] == "ContainerCreating",
        "{seen:?}"
    );
    assert!(seen.contains(&("CrashLoopBackOff".into(), 2)), "{seen:?}");
    let p = c.store.get_typed::<Pod>("default", "bb").unwrap();
    let cs = &p.status.as_ref().unwrap().container_statuses[0];
    assert!(cs.restart_count >= 3, "{seen:?}");
    let last = cs.last_state.as_ref().unwrap().terminated.as_ref().unwrap();
    assert_eq!(
        (last.reason.as_deref(), last.exit_code),
        (Some("Completed"), Some(0))
    );
    assert_eq!(p.status.as_ref().unwrap().phase.as_deref(), Some("Running"));
    assert!(events(&c, "bb").iter().any(|(r, m)| r == "BackOff"
        && m.starts_with("Back-off restarting failed container busybox in pod bb_default(")));
}

#[test]
fn missing_image_backs_off() {
    let mut c = Cluster::new(8);
    create(
        &mut c,
        fixtures::pod("default", "bad", "nginx:doesnotexist", &[]),
    );
    c.advance(secs(3));
    let p = c.store.get_typed::<Pod>("default", "bad").unwrap();
    assert_eq!(container_state(p).0, "ImagePullBackOff");
    let evs = events(&c, "bad");
    let reasons: Vec<&str> = evs.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "Scheduled",
            "Pulling",
            "Failed",
            "Failed",
            "BackOff",
            "Failed"
        ]
    );
    assert!(evs[2]
        .1
        .starts_with("Failed to pull image \"nginx:doesnotexist\": rpc error: code = NotFound"));
    assert_eq!(evs[3].1, "Error: ErrImagePull");
    assert_eq!(evs[5].1, "Error: ImagePullBackOff");
    create(&mut c, fixtures::pod("default", "upper", "NGINX", &[]));
    c.advance(secs(1));
    let p = c.store.get_typed::<Pod>("default", "upper").unwrap();
    assert_eq!(container_state(p).0, "InvalidImageName");
}

#[test]
fn sleeping_shell_is_killed_after_the_grace_period() {
    let mut c = Cluster::new(9);
    create(
        &mut c,
        fixtures::pod("default", "sleeper", "busybox", &["sleep", "3600"]),
    );
    c.advance(secs(5));
    assert!(c
        .store
        .get_typed::<Pod>("default", "sleeper")
        .unwrap()
        .is_ready());
    c.delete(&ObjectKey::new(Kind::Pod, "default", "sleeper"), None);
    c.advance(secs(29));
    let p = c.store.get_typed::<Pod>("default", "sleeper").unwrap();
    assert!(p.metadata.deletion_timestamp.is_some());
    assert_eq!(p.metadata.deletion_grace_period_seconds, Some(30));
    c.advance(secs(2));
    assert!(c.store.get_typed::<Pod>("default", "sleeper").is_none());
    assert!(events(&c, "sleeper")
        .iter()
        .any(|(r, m)| r == "Killing" && m == "Stopping container busybox"));
}

#[test]
fn statefulset_is_ordered_with_stable_identity() {
    let mut c = Cluster::new(10);
    create(&mut c, fixtures::service("default", "nginx", "web", "None"));
    create(
        &mut c,
        fixtures::statefulset("default", "web", "nginx", "nginx", 3),
    );
    let names = |c: &Cluster| {
        pods(c, "web-")
            .iter()
            .map(|p| p.metadata.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&c), ["web-0"]);
    // OrderedReady: a pod appears only once every lower ordinal is Ready.
    for _ in 0..300 {
        c.advance(Duration::from_millis(100));
        let web = pods(&c, "web-");
        let ready = web.iter().take_while(|p| p.is_ready()).count();
        assert!(web.len() <= ready + 1, "{:?}", names(&c));
    }
    assert_eq!(names(&c), ["web-0", "web-1", "web-2"]);
    let p = c.store.get_typed::<Pod>("default", "web-1").unwrap();
    assert_eq!(p.spec.hostname.as_deref(), Some("web-1"));
    assert_eq!(p.spec.subdomain.as_deref(), Some("nginx"));
    assert_eq!(
        p.metadata.labels["statefulset.kubernetes.io/pod-name"],
        "web-1"
    );
    assert_eq!(p.metadata.labels["apps.kubernetes.io/pod-index"], "1");
    assert!(p.metadata.labels["controller-revision-hash"].starts_with("web-"));
    c.advance(secs(10));
    let ep = c.store.get_typed::<Endpoints>("default", "nginx").unwrap();
    let hosts: Vec<Option<&str>> = ep.subsets[0]
        .addresses
        .iter()
        .map(|a| a.hostname.as_deref())
        .collect();
    assert_eq!(hosts.len(), 3);
    assert!(hosts
        .iter()
        .all(|h| h.is_some_and(|h| h.starts_with("web-"))));
    let sts = c.store.get_typed::<StatefulSet>("default", "web").unwrap();
    assert_eq!(sts.status.as_ref().unwrap().ready_replicas, Some(3));
    update::<StatefulSet>(&mut c, "default", "web", |s| s.spec.replicas = Some(1));
    let terminating: Vec<String> = pods(&c, "web-")
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .map(|p| p.metadata.name.clone())
        .collect();
    assert_eq!(terminating, ["web-2"]);
    c.advance(secs(10));
    assert_eq!(names(&c), ["web-0"]);
}

#[test]
fn service_endpoints_and_slices_follow_readiness() {
    let mut c = Cluster::new(11);
    create(
        &mut c,
        fixtures::deployment("default", "web", "traefik/whoami", 2),
    );
    create(
        &mut c,
        fixtures::service("default", "web", "web", "10.96.5.5"),
    );
    let ep = c.store.get_typed::<Endpoints>("default", "web").unwrap();
    assert_eq!(ep.subsets[0].not_ready_addresses.len(), 2);
    let slice = c
        .store
        .list_typed::<EndpointSlice>(Some("default"))
        .find(|s| s.metadata.name.starts_with("web-"))
        .unwrap();
    assert_eq!(slice.metadata.name.len(), "web-".len() + 5);
    assert_eq!(slice.metadata.labels["kubernetes.io/service-name"], "web");
    assert_eq!(
        slice.metadata.labels["endpointslice.kubernetes.io/managed-by"],
        "endpointslice-controller.k8s.io"
    );
    assert_eq!(slice.ports[0].port, Some(80));
    assert_eq!(slice.ports[0].name.as_deref(), Some(""));
    c.advance(secs(10));
    let ep = c.store.get_typed::<Endpoints>("default", "web").unwrap();
    assert_eq!(ep.subsets[0].addresses.len(), 2);
    assert_eq!(ep.subsets[0].ports[0].port, Some(80));
    let victim = ep.subsets[0].addresses[0]
        .target_ref
        .as_ref()
        .unwrap()
        .name
        .clone()
        .unwrap();
    c.delete(&ObjectKey::new(Kind::Pod, "default", &victim), None);
    let slice = c
        .store
        .list_typed::<EndpointSlice>(Some("default"))
        .find(|s| s.metadata.name.starts_with("web-"))
        .unwrap();
    let term = slice
        .endpoints
        .iter()
        .find(|e| e.target_ref.as_ref().unwrap().name.as_deref() == Some(&victim))
        .unwrap();
    assert_eq!(
        (
            term.conditions.ready,
            term.conditions.serving,
            term.conditions.terminating
        ),
        (Some(false), Some(true), Some(true))
    );
    c.delete(&ObjectKey::new(Kind::Service, "default", "web"), None);
    assert!(c.store.get_typed::<Endpoints>("default", "web").is_none());
    assert!(!c
        .store
        .list_typed::<EndpointSlice>(Some("default"))
        .any(|s| s.metadata.name.starts_with("web-")));
}

#[test]
fn selectorless_service_endpoints_are_mirrored() {
    let mut c = Cluster::new(12);
    let mut svc = fixtures::service("default", "ext", "x", "10.96.5.6");
    svc.spec.selector = None;
    create(&mut c, svc);
    create(
        &mut c,
        Endpoints {
            metadata: ObjectMeta {
                name: "ext".into(),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            subsets: vec![EndpointSubset {
                addresses: vec![EndpointAddress {
                    ip: "10.10.99.7".into(),
                    ..EndpointAddress::default()
                }],
                ports: vec![EndpointPort {
                    port: Some(8080),
                    protocol: Some("TCP".into()),
                    ..EndpointPort::default()
                }],
                ..EndpointSubset::default()
            }],
            ..Endpoints::default()
        },
    );
    c.advance(secs(1));
    let ep = c.store.get_typed::<Endpoints>("default", "ext").unwrap();
    assert_eq!(ep.subsets[0].addresses[0].ip, "10.10.99.7", "left alone");
    let slice = c
        .store
        .list_typed::<EndpointSlice>(Some("default"))
        .find(|s| s.metadata.name.starts_with("ext-"))
        .unwrap();
    assert_eq!(
        slice.metadata.labels["endpointslice.kubernetes.io/managed-by"],
        "endpointslicemirroring-controller.k8s.io"
    );
    assert_eq!(slice.endpoints[0].addresses, ["10.10.99.7"]);
}

#[test]
fn deleting_a_deployment_cascades_and_namespaces_terminate() {
    let mut c = Cluster::new(13);
    create(
        &mut c,
        Namespace {
            metadata: ObjectMeta {
                name: "demo".into(),
                ..ObjectMeta::default()
            },
            ..Namespace::default()
        },
    );
    assert!(c
        .store
        .get(Kind::ConfigMap, "demo", "kube-root-ca.crt")
        .is_some());
    create(&mut c, fixtures::deployment("demo", "web", "nginx", 2));
    create(&mut c, fixtures::deployment("default", "api", "nginx", 2));
    c.advance(secs(10));
    c.delete(&ObjectKey::new(Kind::Deployment, "default", "api"), None);
    assert_eq!(c.store.list_typed::<ReplicaSet>(Some("default")).count(), 0);
    assert!(pods(&c, "api-")
        .iter()
        .all(|p| p.metadata.deletion_timestamp.is_some()));
    c.delete(&ObjectKey::new(Kind::Namespace, "", "demo"), None);
    let ns = c.store.get_typed::<Namespace>("", "demo").unwrap();
    assert_eq!(
        ns.status.as_ref().unwrap().phase.as_deref(),
        Some("Terminating")
    );
    c.advance(secs(5));
    assert!(c.store.get_typed::<Namespace>("", "demo").is_none());
    assert!(pods(&c, "api-").is_empty());
}

#[test]
fn scheduler_reports_why_nothing_fits() {
    let mut c = Cluster::new(14);
    let mut p = fixtures::pod("default", "picky", "nginx", &[]);
    p.spec.node_selector = fixtures::labels(&[("disk", "ssd")]);
    create(&mut c, p);
    let p = c.store.get_typed::<Pod>("default", "picky").unwrap();
    assert!(p.spec.node_name.is_none());
    let want = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    assert_eq!(
        events(&c, "picky"),
        [("FailedScheduling".to_string(), want.to_string())]
    );
    let cond = &p.status.as_ref().unwrap().conditions[0];
    assert_eq!(
        (
            cond.type_.as_str(),
            cond.status.as_str(),
            cond.reason.as_deref()
        ),
        ("PodScheduled", "False", Some("Unschedulable"))
    );
}

#[test]
fn pod_ips_come_from_the_node_cidr_and_are_not_reused_while_held() {
    let mut c = Cluster::new(15);
    create(&mut c, fixtures::deployment("default", "web", "nginx", 4));
    c.advance(secs(5));
    let ips: Vec<String> = pods(&c, "web-")
        .iter()
        .map(|p| p.ip().unwrap().to_string())
        .collect();
    for p in pods(&c, "web-") {
        let prefix = if p.spec.node_name.as_deref() == Some("worker-1") {
            "192.168.1."
        } else {
            "192.168.2."
        };
        assert!(p.ip().unwrap().starts_with(prefix), "{:?}", p.ip());
    }
    update::<Deployment>(&mut c, "default", "web", |d| d.spec.replicas = Some(8));
    c.advance(secs(5));
    let all: Vec<String> = pods(&c, "web-")
        .iter()
        .map(|p| p.ip().unwrap().to_string())
        .collect();
    let unique: std::collections::BTreeSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), 8);
    assert!(ips.iter().all(|ip| all.contains(ip)));
}

#[test]
fn readiness_probe_delays_ready() {
    let mut c = Cluster::new(16);
    let mut p = fixtures::pod("default", "probed", "nginx", &[]);
    p.spec.containers[0].readiness_probe =
        Some(serde_json::json!({"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 5}));
    create(&mut c, p);
    c.advance(secs(4));
    let p = c.store.get_typed::<Pod>("default", "probed").unwrap();
    assert_eq!(p.status.as_ref().unwrap().phase.as_deref(), Some("Running"));
    assert!(!p.is_ready());
    c.advance(secs(5));
    assert!(c
        .store
        .get_typed::<Pod>("default", "probed")
        .unwrap()
        .is_ready());
}

#[test]
fn restart_count_rises_when_the_container_runs_again() {
    let mut c = Cluster::new(17);
    create(&mut c, fixtures::pod("default", "bb", "busybox", &[]));
    let mut timeline = Vec::new();
    for _ in 0..40 {
        c.advance(secs(1));
        let s = container_state(c.store.get_typed::<Pod>("default", "bb").unwrap());
        // Each run lasts ~100 ms; a sample may or may not land in it.
        if s.0 != "Running" && timeline.last() != Some(&s) {
            timeline.push(s);
        }
    }
    let want: Vec<(String, i32)> = [
        ("ContainerCreating", 0),
        ("Completed", 0),
        ("Completed", 1),
        ("CrashLoopBackOff", 1),
        ("Completed", 2),
        ("CrashLoopBackOff", 2),
        ("Completed", 3),
        ("CrashLoopBackOff", 3),
    ]
    .iter()
    .map(|(r, n)| (r.to_string(), *n))
    .collect();
    assert_eq!(timeline, want);
}

#[test]
fn stuck_rollout_exceeds_its_progress_deadline() {
    let mut c = Cluster::new(18);
    let mut d = fixtures::deployment("default", "web", "nginx:doesnotexist", 2);
    d.spec.progress_deadline_seconds = Some(30);
    create(&mut c, d);
    let progressing = |c: &Cluster| {
        let d = c.store.get_typed::<Deployment>("default", "web").unwrap();
        let cond = d
            .status
            .as_ref()
            .unwrap()
            .conditions
            .iter()
            .find(|c| c.type_ == "Progressing")
            .unwrap()
            .clone();
        (
            cond.status,
            cond.reason.unwrap_or_default(),
            cond.message.unwrap_or_default(),
        )
    };
    c.advance(secs(20));
    assert_eq!(progressing(&c).0, "True");
    c.advance(secs(15));
    let (status, reason, message) = progressing(&c);
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("False", "ProgressDeadlineExceeded")
    );
    assert!(
        message.ends_with("\" has timed out progressing."),
        "{message}"
    );
    let d = c.store.get_typed::<Deployment>("default", "web").unwrap();
    let available = &d.status.as_ref().unwrap().conditions[0];
    assert_eq!(
        (available.type_.as_str(), available.status.as_str()),
        ("Available", "False")
    );
}

#[test]
fn huge_scale_is_paced_not_fatal() {
    let mut c = Cluster::new(19);
    create(
        &mut c,
        fixtures::deployment("default", "big", "nginx", 1200),
    );
    assert_eq!(pods(&c, "big-").len(), 500, "one burst per reconcile");
    c.advance(secs(1));
    c.advance(secs(1));
    c.advance(secs(1));
    let all = pods(&c, "big-");
    assert_eq!(all.len(), 1200);
    let bound = all.iter().filter(|p| p.spec.node_name.is_some()).count();
    assert_eq!(
        bound,
        2 * (110 - 2),
        "two workers of 110 pods, each already running 2"
    );
    let pending = all.iter().find(|p| p.spec.node_name.is_none()).unwrap();
    let msg = &events(&c, &pending.metadata.name)[0].1;
    assert!(msg.starts_with("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Too many pods."), "{msg}");
}

#[test]
fn orphaned_replicaset_is_adopted_by_a_new_deployment() {
    let mut c = Cluster::new(20);
    create(&mut c, fixtures::deployment("default", "web", "nginx", 2));
    c.advance(secs(5));
    let rs = c
        .store
        .list_typed::<ReplicaSet>(Some("default"))
        .next()
        .unwrap()
        .metadata
        .name
        .clone();
    c.delete_orphaning(&ObjectKey::new(Kind::Deployment, "default", "web"));
    let orphan = c.store.get_typed::<ReplicaSet>("default", &rs).unwrap();
    assert!(orphan.metadata.owner_references.is_empty());
    assert_eq!(pods(&c, "web-").len(), 2, "pods survive");
    create(&mut c, fixtures::deployment("default", "web", "nginx", 2));
    let adopted = c.store.get_typed::<ReplicaSet>("default", &rs).unwrap();
    assert_eq!(adopted.metadata.owner_references[0].kind, "Deployment");
    assert_eq!(c.store.list_typed::<ReplicaSet>(Some("default")).count(), 1);
    c.advance(secs(5));
    assert_eq!(pods(&c, "web-").iter().filter(|p| p.is_ready()).count(), 2);
}

#[test]
fn rolling_back_reuses_the_old_replicaset_with_a_new_revision() {
    let mut c = Cluster::new(21);
    let mut d = fixtures::deployment("default", "web", "nginx:1.27", 2);
    d.metadata
        .annotations
        .insert("kubernetes.io/change-cause".into(), "first".into());
    create(&mut c, d);
    c.advance(secs(10));
    let first = c
        .store
        .list_typed::<ReplicaSet>(Some("default"))
        .next()
        .unwrap()
        .metadata
        .name
        .clone();
    let set_image = |c: &mut Cluster, image: &str| {
        update::<Deployment>(c, "default", "web", |d| {
            d.spec.template.spec.containers[0].image = Some(image.into());
        });
        c.advance(secs(30));
    };
    set_image(&mut c, "nginx:1.28");
    set_image(&mut c, "nginx:1.27");
    let rs = c.store.get_typed::<ReplicaSet>("default", &first).unwrap();
    assert_eq!(rs.spec.replicas, Some(2));
    assert_eq!(
        rs.metadata.annotations["deployment.kubernetes.io/revision"],
        "3"
    );
    assert_eq!(
        rs.metadata.annotations["kubernetes.io/change-cause"],
        "first"
    );
    let d = c.store.get_typed::<Deployment>("default", "web").unwrap();
    assert_eq!(
        d.metadata.annotations["deployment.kubernetes.io/revision"],
        "3"
    );
    assert_eq!(c.store.list_typed::<ReplicaSet>(Some("default")).count(), 2);
}

#[test]
fn relabelled_pod_is_released_and_replaced_then_readopted() {
    let mut c = Cluster::new(22);
    create(&mut c, fixtures::deployment("default", "web", "nginx", 2));
    create(
        &mut c,
        fixtures::service("default", "web", "web", "10.96.5.7"),
    );
    c.advance(secs(10));
    let victim = pods(&c, "web-")[0].metadata.name.clone();
    update::<Pod>(&mut c, "default", &victim, |p| {
        p.metadata.labels.insert("app".into(), "debug".into());
    });
    let released = c.store.get_typed::<Pod>("default", &victim).unwrap();
    assert!(
        released.metadata.owner_references.is_empty(),
        "released from its ReplicaSet"
    );
    assert_eq!(pods(&c, "web-").len(), 3, "a replacement was created");
    c.advance(secs(10));
    let ep = c.store.get_typed::<Endpoints>("default", "web").unwrap();
    let names: Vec<String> = ep.subsets[0]
        .addresses
        .iter()
        .map(|a| a.target_ref.as_ref().unwrap().name.clone().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(!names.contains(&victim), "out of rotation");
    update::<Pod>(&mut c, "default", &victim, |p| {
        p.metadata.labels.insert("app".into(), "web".into());
    });
    c.advance(secs(5));
    let live: Vec<&Pod> = pods(&c, "web-")
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    assert_eq!(live.len(), 2, "readopted, and one surplus pod deleted");
}

#[test]
fn events_expire_after_an_hour() {
    let mut c = Cluster::new(23);
    create(&mut c, fixtures::pod("default", "p", "nginx", &[]));
    c.advance(secs(10));
    assert_eq!(events(&c, "p").len(), 5);
    c.advance(secs(3500));
    assert_eq!(events(&c, "p").len(), 5);
    c.advance(secs(200));
    assert!(events(&c, "p").is_empty());
}

#[test]
fn changing_a_pods_image_restarts_its_container() {
    let mut c = Cluster::new(24);
    create(&mut c, fixtures::pod("default", "p", "nginx:1.27", &[]));
    c.advance(secs(5));
    update::<Pod>(&mut c, "default", "p", |p| {
        p.spec.containers[0].image = Some("nginx:1.28".into())
    });
    c.advance(secs(5));
    let p = c.store.get_typed::<Pod>("default", "p").unwrap();
    let cs = &p.status.as_ref().unwrap().container_statuses[0];
    assert_eq!(
        (cs.image.as_str(), cs.restart_count, cs.ready),
        ("docker.io/library/nginx:1.28", 1, true)
    );
    assert!(events(&c, "p").iter().any(
        |(r, m)| r == "Killing" && m == "Container nginx definition changed, will be restarted"
    ));
}
