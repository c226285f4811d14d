//! The StatefulSet controller: pods `<set>-0 … <set>-N-1` with stable hostname and subdomain.
//! OrderedReady (the default) creates the next ordinal only once every lower one is Running and
//! Ready, scales down from the highest ordinal one pod at a time, and rolls a template change
//! from the highest ordinal down; Parallel creates and deletes without waiting.

use std::collections::BTreeSet;

use super::events::{object_ref, EventRecord};
use super::names::pod_template_hash;
use super::replicaset::nonzero;
use super::{controller_ref, Action, Burst, Ctx};
use crate::api::*;
use crate::sim::Pcg32;
use crate::store::ObjectKey;

pub const REVISION_LABEL: &str = "controller-revision-hash";
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

pub fn plan(ctx: &mut Ctx<'_>, burst: &mut Burst, keys: &BTreeSet<ObjectKey>) -> Vec<Action> {
    let mut actions = Vec::new();
    for key in keys {
        let Some(sts) = ctx
            .store
            .get_typed::<StatefulSet>(&key.namespace, &key.name)
        else {
            continue;
        };
        if sts.metadata.deletion_timestamp.is_none() {
            sync(ctx, burst, key, sts, &mut actions);
        }
    }
    actions
}

fn running_and_ready(pod: &Pod) -> bool {
    let running = pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running");
    running && pod.is_ready() && pod.metadata.deletion_timestamp.is_none()
}

fn sync(
    ctx: &mut Ctx<'_>,
    burst: &mut Burst,
    key: &ObjectKey,
    sts: &StatefulSet,
    actions: &mut Vec<Action>,
) {
    let ns = sts.metadata.namespace.clone().unwrap_or_default();
    let uid = sts.metadata.uid.clone().unwrap_or_default();
    let revision = format!(
        "{}-{}",
        sts.metadata.name,
        pod_template_hash(&sts.spec.template, None)
    );
    // Ordinals at or past the pod cap can never exist, so the walks below stop there.
    let replicas = (sts.spec.replicas.unwrap_or(1).max(0) as usize).min(crate::limits::MAX_PODS);
    let used = crate::limits::pods(ctx.store);
    let room = crate::limits::MAX_PODS.saturating_sub(used);
    let parallel = sts.spec.pod_management_policy.as_deref() == Some("Parallel");
    // Every pod this set controls, by ordinal.
    let mut pods: Vec<(usize, &Pod)> = super::replicaset::owned_pods(ctx, &uid)
        .into_iter()
        .filter_map(|p| ordinal(&sts.metadata.name, &p.metadata.name).map(|i| (i, p)))
        .collect();
    pods.sort_by_key(|(i, _)| *i);
    let get = |i: usize| pods.iter().find(|(o, _)| *o == i).map(|(_, p)| *p);
    let missing = (0..replicas).filter(|i| get(*i).is_none()).count();
    let mut allowed = None;
    let mut created = 0;
    let mut blocked = false;
    for i in 0..replicas {
        match get(i) {
            None if created
                >= *allowed.get_or_insert_with(|| {
                    burst.allow(key, if parallel { missing } else { 1 }.min(room))
                }) =>
            {
                if room == 0 && !blocked {
                    actions.push(quota_exceeded(sts, i, used));
                }
                blocked = true
            }
            None => {
                created += 1;
                actions.push(Action::create(Object::Pod(new_pod(
                    sts, i, &revision, ctx.rng,
                ))));
                let name = format!("{}-{i}", sts.metadata.name);
                actions.push(event(
                    sts,
                    "SuccessfulCreate",
                    format!(
                        "create Pod {name} in StatefulSet {} successful",
                        sts.metadata.name
                    ),
                ));
                blocked = true;
            }
            Some(p) if p.metadata.deletion_timestamp.is_some() => blocked = true,
            Some(p) if !super::replicaset::is_active(p) => {
                delete(sts, &ns, p, actions);
                blocked = true;
            }
            Some(p) => blocked |= !running_and_ready(p),
        }
        if blocked && !parallel {
            break;
        }
    }
    let condemned: Vec<&Pod> = pods
        .iter()
        .rev()
        .filter(|(i, _)| *i >= replicas)
        .map(|(_, p)| *p)
        .collect();
    let condemned_live: Vec<&Pod> = condemned
        .iter()
        .copied()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    if parallel {
        for p in &condemned_live {
            delete(sts, &ns, p, actions);
        }
    } else if !blocked && condemned.len() == condemned_live.len() {
        if let Some(p) = condemned_live.first() {
            delete(sts, &ns, p, actions);
            blocked = true;
        }
    }
    let all_ready = (0..replicas).all(|i| get(i).is_some_and(running_and_ready));
    if !blocked && condemned.is_empty() && all_ready {
        let stale = pods
            .iter()
            .rev()
            .find(|(_, p)| p.metadata.labels.get(REVISION_LABEL) != Some(&revision));
        if let Some((_, p)) = stale {
            delete(sts, &ns, p, actions);
        }
    }
    update_status(sts, &pods, &revision, actions);
}

fn update_status(
    sts: &StatefulSet,
    pods: &[(usize, &Pod)],
    revision: &str,
    actions: &mut Vec<Action>,
) {
    let old = sts.status.clone().unwrap_or_default();
    let updated = pods
        .iter()
        .filter(|(_, p)| p.metadata.deletion_timestamp.is_none())
        .filter(|(_, p)| {
            p.metadata.labels.get(REVISION_LABEL).map(String::as_str) == Some(revision)
        })
        .count() as i32;
    let replicas = pods.len() as i32;
    let ready = pods.iter().filter(|(_, p)| running_and_ready(p)).count() as i32;
    let done = updated == replicas;
    let current_revision = if done || old.current_revision.is_none() {
        revision.to_string()
    } else {
        old.current_revision.clone().unwrap_or_default()
    };
    let current = pods
        .iter()
        .filter(|(_, p)| p.metadata.labels.get(REVISION_LABEL) == Some(&current_revision))
        .count() as i32;
    let status = StatefulSetStatus {
        replicas,
        ready_replicas: nonzero(ready),
        current_replicas: nonzero(current),
        updated_replicas: nonzero(updated),
        available_replicas: Some(ready),
        current_revision: Some(current_revision),
        update_revision: Some(revision.to_string()),
        observed_generation: sts.metadata.generation,
        collision_count: Some(0),
    };
    if sts.status.as_ref() != Some(&status) {
        let mut out = sts.clone();
        out.status = Some(status);
        actions.push(Action::update(Object::StatefulSet(out)));
    }
}

fn delete(sts: &StatefulSet, ns: &str, pod: &Pod, actions: &mut Vec<Action>) {
    actions.push(Action::Delete {
        key: ObjectKey::new(Kind::Pod, ns, &pod.metadata.name),
        grace: None,
    });
    let msg = format!(
        "delete Pod {} in StatefulSet {} successful",
        pod.metadata.name, sts.metadata.name
    );
    actions.push(event(sts, "SuccessfulDelete", msg));
}

/// `web-3` of set `web` → 3.
pub fn ordinal(set: &str, pod: &str) -> Option<usize> {
    let rest = pod.strip_prefix(set)?.strip_prefix('-')?;
    if rest.starts_with('0') && rest.len() > 1 {
        return None;
    }
    rest.parse().ok()
}

fn new_pod(sts: &StatefulSet, i: usize, revision: &str, rng: &mut Pcg32) -> Pod {
    let name = format!("{}-{i}", sts.metadata.name);
    let template = &sts.spec.template;
    let mut labels = template.metadata.labels.clone();
    labels.insert(POD_INDEX_LABEL.into(), i.to_string());
    labels.insert(REVISION_LABEL.into(), revision.to_string());
    labels.insert(POD_NAME_LABEL.into(), name.clone());
    let mut spec = template.spec.clone();
    spec.hostname = Some(name.clone());
    if let Some(svc) = &sts.spec.service_name {
        spec.subdomain = Some(svc.clone());
    }
    let mut pod = Pod {
        metadata: ObjectMeta {
            name,
            generate_name: Some(format!("{}-", sts.metadata.name)),
            namespace: sts.metadata.namespace.clone(),
            labels,
            annotations: template.metadata.annotations.clone(),
            owner_references: vec![controller_ref(Kind::StatefulSet, &sts.metadata)],
            ..ObjectMeta::default()
        },
        spec,
        ..Pod::default()
    };
    super::admission_defaults(&mut pod, rng);
    pod
}

/// The pod cap ([`crate::limits::MAX_PODS`]) answers like a ResourceQuota would.
fn quota_exceeded(sts: &StatefulSet, ordinal: usize, used: usize) -> Action {
    let set = &sts.metadata.name;
    let pod = format!("{set}-{ordinal}");
    let quota = crate::limits::quota_message("pods", &pod, used, crate::limits::MAX_PODS);
    Action::Event(EventRecord {
        involved: object_ref(Kind::StatefulSet, &sts.metadata),
        type_: "Warning",
        reason: "FailedCreate".into(),
        message: format!("create Pod {pod} in StatefulSet {set} failed error: {quota}"),
        component: "statefulset-controller",
        host: None,
    })
}

fn event(sts: &StatefulSet, reason: &str, message: String) -> Action {
    Action::Event(EventRecord {
        involved: object_ref(Kind::StatefulSet, &sts.metadata),
        type_: "Normal",
        reason: reason.into(),
        message,
        component: "statefulset-controller",
        host: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        assert_eq!(ordinal("web", "web-0"), Some(0));
        assert_eq!(ordinal("web", "web-12"), Some(12));
        assert_eq!(ordinal("web", "web-01"), None);
        assert_eq!(ordinal("web", "webx-1"), None);
        assert_eq!(ordinal("web", "web-a"), None);
    }
}
