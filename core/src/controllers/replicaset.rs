//! The ReplicaSet controller: keeps `spec.replicas` active pods named `<rs>-<5 chars>`, deleting
//! surplus pods in the real controller's preference order, and reports status.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use super::events::{object_ref, EventRecord};
use super::{controller_ref, names, Action, Burst, Ctx};
use crate::api::*;
use crate::store::ObjectKey;

pub fn plan(ctx: &mut Ctx<'_>, burst: &mut Burst, keys: &BTreeSet<ObjectKey>) -> Vec<Action> {
    let mut actions = Vec::new();
    let mut claimed = BTreeSet::new();
    let mut pods = crate::limits::pods(ctx.store);
    for key in keys {
        let Some(rs) = ctx.store.get_typed::<ReplicaSet>(&key.namespace, &key.name) else {
            continue;
        };
        if rs.metadata.deletion_timestamp.is_some() {
            continue;
        }
        sync(ctx, burst, key, rs, &mut claimed, &mut pods, &mut actions);
    }
    actions
}

/// Pods controlled by the object with `uid`, in name order.
pub fn owned_pods<'s>(ctx: &Ctx<'s>, uid: &str) -> Vec<&'s Pod> {
    let store = ctx.store;
    ctx.index
        .dependents_of(uid)
        .filter(|k| k.kind == Kind::Pod)
        .filter_map(|k| store.get_typed::<Pod>(&k.namespace, &k.name))
        .filter(|p| super::controller_of(&p.metadata).is_some_and(|o| o.uid == uid))
        .collect()
}

/// `ClaimPods`: owned pods whose labels no longer match the selector are released (their
/// ownerReference removed, e.g. `kubectl label pod … app=debug --overwrite` to take a pod out
/// of rotation); orphans that match are adopted. Returns the pods the set controls.
fn claim_pods<'s>(
    ctx: &Ctx<'s>,
    rs: &ReplicaSet,
    claimed: &mut BTreeSet<ObjectKey>,
    actions: &mut Vec<Action>,
) -> Vec<&'s Pod> {
    let uid = rs.metadata.uid.as_deref().unwrap_or_default();
    let no_selector = LabelSelector::default();
    let selector = rs.spec.selector.as_ref().unwrap_or(&no_selector);
    let selects = |p: &Pod| !selector.is_empty() && selector.matches(&p.metadata.labels);
    let mut out = Vec::new();
    let owned = owned_pods(ctx, uid);
    for &pod in &owned {
        if selects(pod) || pod.metadata.deletion_timestamp.is_some() {
            out.push(pod);
            continue;
        }
        let mut released = pod.clone();
        released.metadata.owner_references.retain(|o| o.uid != uid);
        actions.push(Action::update(Object::Pod(released)));
    }
    let ns = rs.metadata.namespace.as_deref().unwrap_or("");
    if selector.match_labels.is_empty() {
        return out;
    }
    for name in ctx.index.pods_with_labels(ns, &selector.match_labels) {
        // A pod this set controls is no orphan: no need to look it up again.
        if owned.iter().any(|p| p.metadata.name == name) {
            continue;
        }
        let Some(pod) = ctx.store.get_typed::<Pod>(ns, name) else {
            continue;
        };
        let orphan = super::controller_of(&pod.metadata).is_none();
        if orphan
            && selects(pod)
            && is_active(pod)
            && claimed.insert(ObjectKey::new(Kind::Pod, ns, name))
        {
            let mut adopted = pod.clone();
            adopted
                .metadata
                .owner_references
                .push(controller_ref(Kind::ReplicaSet, &rs.metadata));
            actions.push(Action::update(Object::Pod(adopted)));
            out.push(pod);
        }
    }
    out
}

pub fn is_active(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    pod.metadata.deletion_timestamp.is_none() && !matches!(phase, Some("Succeeded" | "Failed"))
}

fn sync(
    ctx: &mut Ctx<'_>,
    burst: &mut Burst,
    key: &ObjectKey,
    rs: &ReplicaSet,
    claimed: &mut BTreeSet<ObjectKey>,
    pods_in_cluster: &mut usize,
    actions: &mut Vec<Action>,
) {
    let pods = claim_pods(ctx, rs, claimed, actions);
    let active: Vec<&Pod> = pods.iter().copied().filter(|p| is_active(p)).collect();
    let desired = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    if active.len() < desired {
        let wanted = desired - active.len();
        let room = crate::limits::MAX_PODS.saturating_sub(*pods_in_cluster);
        if wanted > room {
            actions.push(quota_exceeded(rs, *pods_in_cluster + room));
        }
        let n = burst.allow(key, wanted.min(room));
        *pods_in_cluster += n;
        for _ in 0..n {
            let pod = pod_from_template(ctx, Kind::ReplicaSet, &rs.metadata, &rs.spec.template);
            let msg = format!("Created pod: {}", pod.metadata.name);
            actions.push(Action::create(Object::Pod(pod)));
            actions.push(event(rs, "SuccessfulCreate", msg));
        }
    } else if active.len() > desired {
        let mut victims = active.clone();
        victims.sort_by_cached_key(|p| deletion_rank(p, &active));
        for pod in victims.into_iter().take(active.len() - desired) {
            let ns = pod.metadata.namespace.as_deref().unwrap_or("");
            actions.push(Action::Delete {
                key: ObjectKey::new(Kind::Pod, ns, &pod.metadata.name),
                grace: None,
            });
            actions.push(event(
                rs,
                "SuccessfulDelete",
                format!("Deleted pod: {}", pod.metadata.name),
            ));
        }
    }
    let ready = active.iter().filter(|p| p.is_ready()).count() as i32;
    let labeled = active
        .iter()
        .filter(|p| map_selector_matches(&rs.spec.template.metadata.labels, &p.metadata.labels))
        .count() as i32;
    let status = ReplicaSetStatus {
        replicas: active.len() as i32,
        fully_labeled_replicas: nonzero(labeled),
        ready_replicas: nonzero(ready),
        available_replicas: nonzero(ready),
        observed_generation: rs.metadata.generation,
    };
    if rs.status.as_ref() != Some(&status) {
        let write = super::StatusWrite::ReplicaSet(status);
        actions.push(Action::Status(key.clone(), Box::new(write)));
    }
}

pub fn nonzero(n: i32) -> Option<i32> {
    (n != 0).then_some(n)
}

/// The pod cap ([`crate::limits::MAX_PODS`]) answers like a ResourceQuota: the controller's
/// create is forbidden and it records `FailedCreate`; it tries again when its pods change.
fn quota_exceeded(rs: &ReplicaSet, used: usize) -> Action {
    let prefix = format!("{}-", rs.metadata.name);
    let message = crate::limits::quota_message("pods", &prefix, used, crate::limits::MAX_PODS);
    Action::Event(EventRecord {
        involved: object_ref(Kind::ReplicaSet, &rs.metadata),
        type_: "Warning",
        reason: "FailedCreate".into(),
        message: format!("Error creating: {message}"),
        component: "replicaset-controller",
        host: None,
    })
}

fn event(rs: &ReplicaSet, reason: &str, message: String) -> Action {
    Action::Event(EventRecord {
        involved: object_ref(Kind::ReplicaSet, &rs.metadata),
        type_: "Normal",
        reason: reason.into(),
        message,
        component: "replicaset-controller",
        host: None,
    })
}

type DeletionRank = (
    u8,
    u8,
    u8,
    Reverse<usize>,
    Reverse<u64>,
    Reverse<i32>,
    Reverse<u64>,
    String,
);

/// `controller.ActivePods` ordering, smallest first = deleted first: unscheduled, then
/// Pending before Running, not ready before ready, more pods of this set on the same node,
/// more recently ready, more restarts, newer.
fn deletion_rank(pod: &Pod, all: &[&Pod]) -> DeletionRank {
    let status = pod.status.as_ref();
    let phase = match status.and_then(|s| s.phase.as_deref()) {
        Some("Pending") | None => 0,
        Some("Running") => 2,
        _ => 1,
    };
    let node = pod.spec.node_name.as_deref();
    let colocated = all
        .iter()
        .filter(|p| node.is_some() && p.spec.node_name.as_deref() == node)
        .count();
    let ready_since = status
        .and_then(|s| {
            s.conditions
                .iter()
                .find(|c| c.type_ == "Ready" && c.status == "True")
        })
        .and_then(|c| c.last_transition_time)
        .map_or(0, |t| t.0);
    let restarts = status.map_or(0, |s| {
        s.container_statuses.iter().map(|c| c.restart_count).sum()
    });
    let created = pod.metadata.creation_timestamp.map_or(0, |t| t.0);
    (
        u8::from(node.is_some()),
        phase,
        u8::from(pod.is_ready()),
        Reverse(colocated),
        Reverse(ready_since),
        Reverse(restarts),
        Reverse(created),
        pod.metadata.name.clone(),
    )
}

/// A new pod for a workload: the template's metadata and spec, owned by the workload, named
/// `<owner>-<5 chars>` (generateName) unless `name` is given.
pub fn pod_from_template(
    ctx: &mut Ctx<'_>,
    kind: Kind,
    owner: &ObjectMeta,
    template: &PodTemplateSpec,
) -> Pod {
    let ns = owner.namespace.clone().unwrap_or_default();
    let prefix = format!("{}-", owner.name);
    let name = loop {
        let candidate = format!("{prefix}{}", names::random_suffix(ctx.rng, 5));
        if ctx.store.get(Kind::Pod, &ns, &candidate).is_none() {
            break candidate;
        }
    };
    let mut pod = Pod {
        metadata: ObjectMeta {
            name,
            generate_name: Some(prefix),
            namespace: Some(ns),
            labels: template.metadata.labels.clone(),
            annotations: template.metadata.annotations.clone(),
            owner_references: vec![controller_ref(kind, owner)],
            ..ObjectMeta::default()
        },
        spec: template.spec.clone(),
        ..Pod::default()
    };
    super::admission_defaults(&mut pod, ctx.rng);
    pod
}
