//! Builders for typed objects and a `create` that stores them the way the apiserver would
//! (uid, creationTimestamp, generation) and reconciles. Used by the invariant tests, the
//! controller scenarios and the cluster benchmark, which drive the controllers without the
//! kubectl/apply layer.

use crate::api::*;
use crate::cluster::Cluster;
use crate::store::ObjectKey;

/// Stores `obj` as a create through the apiserver would, then runs the controllers.
pub fn create(c: &mut Cluster, obj: impl Into<Object>) -> ObjectKey {
    let mut obj = obj.into();
    let now = c.now;
    let uid = c.new_uid();
    let meta = obj.meta_mut();
    meta.uid = Some(uid);
    meta.creation_timestamp = Some(now);
    if matches!(
        obj.kind(),
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet
    ) {
        obj.meta_mut().generation = Some(1);
    }
    let key = ObjectKey::of(&obj);
    c.store.put(obj);
    c.reconcile();
    key
}

/// Replaces a stored object after `edit`, bumping generation on workloads, then reconciles.
pub fn update<T: TypedObject + Clone>(
    c: &mut Cluster,
    ns: &str,
    name: &str,
    edit: impl FnOnce(&mut T),
) -> bool {
    let Some(current) = c.store.get_typed::<T>(ns, name) else {
        return false;
    };
    let mut obj = current.clone();
    edit(&mut obj);
    let mut obj: Object = obj.into();
    if matches!(
        obj.kind(),
        Kind::Deployment | Kind::StatefulSet | Kind::ReplicaSet
    ) {
        let meta = obj.meta_mut();
        meta.generation = Some(meta.generation.unwrap_or(1) + 1);
    }
    c.store.put(obj);
    c.reconcile();
    true
}

pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn template(app: &str, image: &str, port: i32) -> PodTemplateSpec {
    let container = Container {
        name: image
            .rsplit('/')
            .next()
            .unwrap_or(image)
            .split([':', '@'])
            .next()
            .unwrap_or(image)
            .to_string(),
        image: Some(image.into()),
        ports: vec![ContainerPort {
            name: Some("http".into()),
            container_port: port,
            protocol: Some("TCP".into()),
            ..ContainerPort::default()
        }],
        ..Container::default()
    };
    PodTemplateSpec {
        metadata: ObjectMeta {
            labels: labels(&[("app", app)]),
            ..ObjectMeta::default()
        },
        spec: PodSpec {
            containers: vec![container],
            ..PodSpec::default()
        },
    }
}

/// `kubectl create deployment NAME --image=IMAGE --replicas=N` in `ns` (label `app=NAME`).
pub fn deployment(ns: &str, name: &str, image: &str, replicas: i32) -> Deployment {
    Deployment {
        metadata: ObjectMeta {
            name: name.into(),
            namespace: Some(ns.into()),
            labels: labels(&[("app", name)]),
            ..ObjectMeta::default()
        },
        spec: DeploymentSpec {
            replicas: Some(replicas),
            selector: Some(LabelSelector {
                match_labels: labels(&[("app", name)]),
                ..LabelSelector::default()
            }),
            template: template(name, image, 80),
            ..DeploymentSpec::default()
        },
        ..Deployment::default()
    }
}

/// A StatefulSet `name` with pods labelled `app=NAME`, governed by Service `service`.
pub fn statefulset(ns: &str, name: &str, service: &str, image: &str, replicas: i32) -> StatefulSet {
    StatefulSet {
        metadata: ObjectMeta {
            name: name.into(),
            namespace: Some(ns.into()),
            ..ObjectMeta::default()
        },
        spec: StatefulSetSpec {
            replicas: Some(replicas),
            selector: Some(LabelSelector {
                match_labels: labels(&[("app", name)]),
                ..LabelSelector::default()
            }),
            service_name: Some(service.into()),
            template: template(name, image, 80),
            ..StatefulSetSpec::default()
        },
        ..StatefulSet::default()
    }
}

/// A ClusterIP Service (or headless with `cluster_ip = "None"`) selecting `app=APP`, port 80 to
/// the pods' named port `http`.
pub fn service(ns: &str, name: &str, app: &str, cluster_ip: &str) -> Service {
    Service {
        metadata: ObjectMeta {
            name: name.into(),
            namespace: Some(ns.into()),
            ..ObjectMeta::default()
        },
        spec: ServiceSpec {
            type_: Some("ClusterIP".into()),
            selector: Some(labels(&[("app", app)])),
            ports: vec![ServicePort {
                protocol: Some("TCP".into()),
                port: 80,
                target_port: Some(IntOrString::Str("http".into())),
                ..ServicePort::default()
            }],
            cluster_ip: Some(cluster_ip.into()),
            cluster_ips: if cluster_ip == "None" {
                Vec::new()
            } else {
                vec![cluster_ip.into()]
            },
            ..ServiceSpec::default()
        },
        ..Service::default()
    }
}

/// A bare pod on no node, running `image` with `command`.
pub fn pod(ns: &str, name: &str, image: &str, command: &[&str]) -> Pod {
    let mut spec = template(name, image, 80).spec;
    if let Some(c) = spec.containers.first_mut() {
        c.command = command.iter().map(|s| s.to_string()).collect();
    }
    let mut pod = Pod {
        metadata: ObjectMeta {
            name: name.into(),
            namespace: Some(ns.into()),
            labels: labels(&[("run", name)]),
            ..ObjectMeta::default()
        },
        spec,
        ..Pod::default()
    };
    super::admission_defaults(&mut pod, &mut crate::sim::Pcg32::new(name.len() as u64, 1));
    pod
}
