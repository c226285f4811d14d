//! The Deployment controller: one ReplicaSet per pod template, named
//! `<deployment>-<pod-template-hash>`, rolled with RollingUpdate (maxSurge/maxUnavailable,
//! 25%/25% by default) or Recreate, with revision annotations, `ScalingReplicaSet` events, and
//! status with the real Available/Progressing conditions.

use std::collections::{BTreeMap, BTreeSet};

use super::events::{object_ref, EventRecord};
use super::index::Index;
use super::names::pod_template_hash;
use super::replicaset::nonzero;
use super::{controller_of, controller_ref, Action, Ctx};
use crate::api::*;
use crate::sim::Time;
use crate::store::{ObjectKey, Store};

pub const HASH_LABEL: &str = "pod-template-hash";
pub const REVISION: &str = "deployment.kubernetes.io/revision";
const DESIRED: &str = "deployment.kubernetes.io/desired-replicas";
const MAX: &str = "deployment.kubernetes.io/max-replicas";
const HISTORY_LIMIT: usize = 10;
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

pub fn plan(ctx: &mut Ctx<'_>, keys: &BTreeSet<ObjectKey>) -> Vec<Action> {
    let mut actions = Vec::new();
    for key in keys {
        let Some(d) = ctx.store.get_typed::<Deployment>(&key.namespace, &key.name) else {
            continue;
        };
        if d.metadata.deletion_timestamp.is_none() {
            Sync::new(ctx, d).run(&mut actions);
        }
    }
    actions
}

/// One sync of one Deployment: its ReplicaSets and the scale changes decided so far.
struct Sync<'s> {
    store: &'s Store,
    index: &'s Index,
    now: Time,
    d: &'s Deployment,
    hash: String,
    new_rs: Option<&'s ReplicaSet>,
    old: Vec<&'s ReplicaSet>,
    /// Decided spec.replicas per ReplicaSet name.
    scale: BTreeMap<String, i32>,
    replicas: i32,
    surge: i32,
    unavailable: i32,
}

impl<'s> Sync<'s> {
    fn new(ctx: &Ctx<'s>, d: &'s Deployment) -> Sync<'s> {
        let uid = d.metadata.uid.clone().unwrap_or_default();
        let store = ctx.store;
        let mut all: Vec<&ReplicaSet> = ctx
            .index
            .dependents_of(&uid)
            .filter(|k| k.kind == Kind::ReplicaSet)
            .filter_map(|k| store.get_typed::<ReplicaSet>(&k.namespace, &k.name))
            .filter(|rs| controller_of(&rs.metadata).is_some_and(|o| o.uid == uid))
            .collect();
        all.sort_by_key(|rs| (rs.metadata.creation_timestamp, rs.metadata.name.clone()));
        let collision = d.status.as_ref().and_then(|s| s.collision_count);
        let hash = pod_template_hash(&d.spec.template, collision);
        let (new, old): (Vec<_>, Vec<_>) = all
            .into_iter()
            .partition(|rs| rs.metadata.labels.get(HASH_LABEL) == Some(&hash));
        let replicas = d.spec.replicas.unwrap_or(1).max(0);
        let (surge, unavailable) = rolling_params(d, replicas);
        Sync {
            store,
            index: ctx.index,
            now: ctx.now,
            d,
            hash,
            new_rs: new.first().copied(),
            old,
            scale: BTreeMap::new(),
            replicas,
            surge,
            unavailable,
        }
    }

    fn recreate(&self) -> bool {
        let strategy = self
            .d
            .spec
            .strategy
            .as_ref()
            .and_then(|s| s.type_.as_deref());
        strategy == Some("Recreate")
    }

    fn spec_of(&self, rs: &ReplicaSet) -> i32 {
        self.scale
            .get(&rs.metadata.name)
            .copied()
            .unwrap_or_else(|| rs.spec.replicas.unwrap_or(1))
    }

    fn run(mut self, actions: &mut Vec<Action>) {
        if self.new_rs.is_none() && self.adopt_orphan(actions) {
            return;
        }
        let created = if self.recreate() {
            self.sync_recreate(actions)
        } else {
            self.sync_rolling(actions)
        };
        self.apply_scale(actions);
        self.cleanup(actions);
        self.status(created, actions);
    }

    /// An orphaned `<name>-<hash>` ReplicaSet (left by `--cascade=orphan`) is adopted, not
    /// duplicated.
    fn adopt_orphan(&self, actions: &mut Vec<Action>) -> bool {
        let ns = self.d.metadata.namespace.as_deref().unwrap_or("");
        let name = format!("{}-{}", self.d.metadata.name, self.hash);
        let Some(rs) = self.store.get_typed::<ReplicaSet>(ns, &name) else {
            return false;
        };
        let selector = self.d.spec.selector.clone().unwrap_or_default();
        if controller_of(&rs.metadata).is_some() || !selector.matches(&rs.metadata.labels) {
            return false;
        }
        let mut rs = rs.clone();
        rs.metadata
            .owner_references
            .push(controller_ref(Kind::Deployment, &self.d.metadata));
        actions.push(Action::update(Object::ReplicaSet(rs)));
        true
    }

    fn sync_rolling(&mut self, actions: &mut Vec<Action>) -> Option<String> {
        let created = match self.new_rs {
            None => {
                let current: i32 = self.old.iter().map(|rs| self.spec_of(rs)).sum();
                let target = (self.replicas + self.surge - current).clamp(0, self.replicas);
                Some(self.create_new_rs(target, actions))
            }
            Some(new_rs) => {
                let target = self.new_rs_target(new_rs);
                self.scale.insert(new_rs.metadata.name.clone(), target);
                None
            }
        };
        self.scale_down_old();
        created
    }

    fn new_rs_target(&self, new_rs: &ReplicaSet) -> i32 {
        let current = self.spec_of(new_rs);
        if current >= self.replicas {
            return self.replicas;
        }
        let all: i32 = self.old.iter().map(|rs| self.spec_of(rs)).sum::<i32>() + current;
        let max_total = self.replicas + self.surge;
        if all >= max_total {
            return current;
        }
        current + (max_total - all).min(self.replicas - current)
    }

    /// `reconcileOldReplicaSets`: first old pods that are not available, then as many more as
    /// `maxUnavailable` allows, oldest ReplicaSet first.
    fn scale_down_old(&mut self) {
        let old_total: i32 = self.old.iter().map(|rs| self.spec_of(rs)).sum();
        if old_total == 0 {
            return;
        }
        let new_spec = self.new_rs.map_or(0, |rs| self.spec_of(rs));
        let new_avail = self.new_rs.map_or(0, available);
        let all = old_total + new_spec;
        let min_available = self.replicas - self.unavailable;
        let mut budget = all - min_available - (new_spec - new_avail).max(0);
        if budget <= 0 {
            return;
        }
        let old = self.old.clone();
        for rs in &old {
            let spec = self.spec_of(rs);
            let unhealthy = (spec - available(rs)).max(0);
            let n = unhealthy.min(budget);
            if n > 0 {
                self.scale.insert(rs.metadata.name.clone(), spec - n);
                budget -= n;
            }
        }
        let avail_all: i32 = old
            .iter()
            .map(|rs| available(rs).min(self.spec_of(rs)))
            .sum::<i32>()
            + new_avail;
        let mut to_remove = (avail_all - min_available).min(budget);
        for rs in &old {
            if to_remove <= 0 {
                break;
            }
            let spec = self.spec_of(rs);
            let n = spec.min(to_remove);
            if n > 0 {
                self.scale.insert(rs.metadata.name.clone(), spec - n);
                to_remove -= n;
            }
        }
    }

    fn sync_recreate(&mut self, actions: &mut Vec<Action>) -> Option<String> {
        let old = self.old.clone();
        let mut waiting = false;
        for rs in &old {
            if self.spec_of(rs) > 0 {
                self.scale.insert(rs.metadata.name.clone(), 0);
                waiting = true;
            }
            // Recreate waits until the old pods are gone, not merely terminating.
            let uid = rs.metadata.uid.as_deref().unwrap_or("");
            waiting |= self.index.dependents_of(uid).any(|k| k.kind == Kind::Pod);
        }
        if waiting {
            return None;
        }
        match self.new_rs {
            None => Some(self.create_new_rs(self.replicas, actions)),
            Some(rs) => {
                self.scale.insert(rs.metadata.name.clone(), self.replicas);
                None
            }
        }
    }

    fn next_revision(&self) -> i64 {
        self.old.iter().map(|rs| revision(rs)).max().unwrap_or(0) + 1
    }

    fn create_new_rs(&self, replicas: i32, actions: &mut Vec<Action>) -> String {
        let d = self.d;
        let name = format!("{}-{}", d.metadata.name, self.hash);
        let mut template = d.spec.template.clone();
        template
            .metadata
            .labels
            .insert(HASH_LABEL.into(), self.hash.clone());
        let mut selector = d.spec.selector.clone().unwrap_or_default();
        selector
            .match_labels
            .insert(HASH_LABEL.into(), self.hash.clone());
        // The Deployment's own annotations travel to the ReplicaSet (kubernetes.io/change-cause
        // feeds `rollout history`), except the ones the controller manages itself.
        let skip = [
            LAST_APPLIED,
            REVISION,
            "deployment.kubernetes.io/revision-history",
            DESIRED,
            MAX,
        ];
        let mut annotations: BTreeMap<String, String> = d
            .metadata
            .annotations
            .iter()
            .filter(|(k, _)| !skip.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        annotations.insert(DESIRED.to_string(), self.replicas.to_string());
        annotations.insert(MAX.to_string(), (self.replicas + self.surge).to_string());
        annotations.insert(REVISION.to_string(), self.next_revision().to_string());
        let rs = ReplicaSet {
            metadata: ObjectMeta {
                name: name.clone(),
                namespace: d.metadata.namespace.clone(),
                labels: template.metadata.labels.clone(),
                annotations,
                owner_references: vec![controller_ref(Kind::Deployment, &d.metadata)],
                generation: Some(1),
                ..ObjectMeta::default()
            },
            spec: ReplicaSetSpec {
                replicas: Some(replicas),
                selector: Some(selector),
                template,
                min_ready_seconds: d.spec.min_ready_seconds,
            },
            ..ReplicaSet::default()
        };
        actions.push(Action::create(Object::ReplicaSet(rs)));
        if replicas > 0 {
            let msg = format!("Scaled up replica set {name} from 0 to {replicas}");
            actions.push(self.event(msg));
        }
        name
    }

    fn apply_scale(&self, actions: &mut Vec<Action>) {
        let next_rev = self.next_revision();
        let all = self.new_rs.iter().chain(self.old.iter());
        for rs in all {
            let from = rs.spec.replicas.unwrap_or(1);
            let to = self.spec_of(rs);
            let is_new = self
                .new_rs
                .is_some_and(|n| n.metadata.name == rs.metadata.name);
            if from == to && !(is_new && revision(rs) < next_rev - 1) {
                continue;
            }
            let mut updated = (*rs).clone();
            updated.spec.replicas = Some(to);
            let ann = &mut updated.metadata.annotations;
            if from != to {
                ann.insert(DESIRED.into(), self.replicas.to_string());
                ann.insert(MAX.into(), (self.replicas + self.surge).to_string());
            }
            if is_new && revision(rs) < next_rev - 1 {
                ann.insert(REVISION.into(), (next_rev).to_string());
            }
            if updated != **rs {
                if from != to {
                    let dir = if to > from { "up" } else { "down" };
                    let msg = format!(
                        "Scaled {dir} replica set {} from {from} to {to}",
                        rs.metadata.name
                    );
                    actions.push(self.event(msg));
                }
                actions.push(Action::update(Object::ReplicaSet(updated)));
            }
        }
    }

    /// Deletes drained old ReplicaSets beyond `revisionHistoryLimit`.
    fn cleanup(&self, actions: &mut Vec<Action>) {
        let limit = self
            .d
            .spec
            .revision_history_limit
            .map_or(HISTORY_LIMIT, |l| l.max(0) as usize);
        let drained: Vec<&&ReplicaSet> = self
            .old
            .iter()
            .filter(|rs| {
                self.spec_of(rs) == 0 && rs.status.as_ref().is_none_or(|s| s.replicas == 0)
            })
            .collect();
        let excess = drained.len().saturating_sub(limit);
        for rs in drained.into_iter().take(excess) {
            let ns = rs.metadata.namespace.as_deref().unwrap_or("");
            actions.push(Action::Delete {
                key: ObjectKey::new(Kind::ReplicaSet, ns, &rs.metadata.name),
                grace: None,
            });
        }
    }

    fn status(&self, created: Option<String>, actions: &mut Vec<Action>) {
        let d = self.d;
        let mut status = self.counts();
        let available = status.available_replicas.unwrap_or(0) >= self.replicas - self.unavailable;
        let (a_status, a_reason, a_msg) = if available {
            (
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
            )
        } else {
            (
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        };
        let now = Some(self.now);
        set_condition(
            &mut status.conditions,
            "Available",
            a_status,
            a_reason,
            a_msg.into(),
            now,
        );
        let rs_name = created
            .clone()
            .or_else(|| self.new_rs.map(|rs| rs.metadata.name.clone()))
            .unwrap_or_default();
        let complete = self.set_progressing(&mut status, created.is_some(), &rs_name);
        if !complete {
            self.check_deadline(&mut status.conditions, &rs_name, actions);
        }
        status.conditions.sort_by_key(|c| c.type_ != "Available");
        let rev = self
            .new_rs
            .map(revision)
            .filter(|r| *r > 0)
            .or(created.is_some().then(|| self.next_revision()))
            .map(|r| r.to_string());
        let rev_changed = rev.is_some() && d.metadata.annotations.get(REVISION) != rev.as_ref();
        if d.status.as_ref() == Some(&status) && !rev_changed {
            return;
        }
        let ns = d.metadata.namespace.as_deref().unwrap_or("");
        let key = ObjectKey::new(Kind::Deployment, ns, &d.metadata.name);
        let write = super::StatusWrite::Deployment(status, rev);
        actions.push(Action::Status(key, Box::new(write)));
    }

    /// Replica counts summed over the ReplicaSets; conditions carried over for updating.
    fn counts(&self) -> DeploymentStatus {
        let all = self.new_rs.iter().chain(self.old.iter());
        let statuses: Vec<&ReplicaSetStatus> = all.filter_map(|rs| rs.status.as_ref()).collect();
        let total: i32 = statuses.iter().map(|s| s.replicas).sum();
        let ready: i32 = statuses.iter().map(|s| s.ready_replicas.unwrap_or(0)).sum();
        let avail: i32 = statuses
            .iter()
            .map(|s| s.available_replicas.unwrap_or(0))
            .sum();
        let updated = self
            .new_rs
            .and_then(|rs| rs.status.as_ref())
            .map_or(0, |s| s.replicas);
        let old = self.d.status.as_ref();
        DeploymentStatus {
            observed_generation: self.d.metadata.generation,
            replicas: nonzero(total),
            updated_replicas: nonzero(updated),
            ready_replicas: nonzero(ready),
            available_replicas: nonzero(avail),
            unavailable_replicas: nonzero((self.replicas - avail).max(0)),
            conditions: old.map(|s| s.conditions.clone()).unwrap_or_default(),
            collision_count: old.and_then(|s| s.collision_count),
        }
    }

    /// Sets Progressing as the rollout stands; returns whether the rollout is complete.
    fn set_progressing(&self, status: &mut DeploymentStatus, created: bool, rs_name: &str) -> bool {
        let none = DeploymentStatus::default();
        let old = self.d.status.as_ref().unwrap_or(&none);
        let n = |v: Option<i32>| v.unwrap_or(0);
        let updated = n(status.updated_replicas);
        let avail = n(status.available_replicas);
        let old_pods = n(status.replicas) - updated;
        let complete =
            !created && updated == self.replicas && avail == self.replicas && old_pods == 0;
        let progressed = updated > n(old.updated_replicas)
            || n(status.ready_replicas) > n(old.ready_replicas)
            || avail > n(old.available_replicas)
            || old_pods < n(old.replicas) - n(old.updated_replicas);
        let progressing = if created {
            Some((
                "NewReplicaSetCreated",
                format!("Created new replica set \"{rs_name}\""),
            ))
        } else if complete {
            let msg = format!("ReplicaSet \"{rs_name}\" has successfully progressed.");
            Some(("NewReplicaSetAvailable", msg))
        } else if progressed || !has_condition(&status.conditions, "Progressing") {
            Some((
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{rs_name}\" is progressing."),
            ))
        } else {
            None
        };
        if let Some((reason, msg)) = progressing {
            let now = Some(self.now);
            set_condition(
                &mut status.conditions,
                "Progressing",
                "True",
                reason,
                msg,
                now,
            );
        }
        complete
    }

    /// `progressDeadlineSeconds` (600 by default) without progress turns Progressing False with
    /// ProgressDeadlineExceeded; until then a re-sync is scheduled for the deadline.
    fn check_deadline(&self, conds: &mut Vec<Condition>, rs_name: &str, actions: &mut Vec<Action>) {
        let deadline = self.d.spec.progress_deadline_seconds.unwrap_or(600);
        let Some(cond) = conds
            .iter()
            .find(|c| c.type_ == "Progressing" && c.status == "True")
        else {
            return;
        };
        let Some(since) = cond.last_update_time else {
            return;
        };
        let due = since.plus(crate::sim::Duration::from_secs(deadline.max(0) as u64));
        if self.now >= due {
            let msg = format!("ReplicaSet \"{rs_name}\" has timed out progressing.");
            set_condition(
                conds,
                "Progressing",
                "False",
                "ProgressDeadlineExceeded",
                msg,
                Some(self.now),
            );
        } else if since == self.now {
            let ns = self.d.metadata.namespace.as_deref().unwrap_or("");
            let key = ObjectKey::new(Kind::Deployment, ns, &self.d.metadata.name);
            actions.push(Action::Timer(due, super::Due::Resync(key)));
        }
    }

    fn event(&self, message: String) -> Action {
        Action::Event(EventRecord {
            involved: object_ref(Kind::Deployment, &self.d.metadata),
            type_: "Normal",
            reason: "ScalingReplicaSet".into(),
            message,
            component: "deployment-controller",
            host: None,
        })
    }
}

fn available(rs: &ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.available_replicas)
        .unwrap_or(0)
}

fn revision(rs: &ReplicaSet) -> i64 {
    rs.metadata
        .annotations
        .get(REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// maxSurge (rounded up) and maxUnavailable (rounded down) resolved against `replicas`; both
/// zero would deadlock, so maxUnavailable becomes 1 (`ResolveFenceposts`).
fn rolling_params(d: &Deployment, replicas: i32) -> (i32, i32) {
    let ru = d
        .spec
        .strategy
        .as_ref()
        .and_then(|s| s.rolling_update.clone())
        .unwrap_or_default();
    let quarter = IntOrString::Str("25%".into());
    let surge = resolve(ru.max_surge.as_ref().unwrap_or(&quarter), replicas, true);
    let unavailable = resolve(
        ru.max_unavailable.as_ref().unwrap_or(&quarter),
        replicas,
        false,
    );
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

fn resolve(v: &IntOrString, total: i32, round_up: bool) -> i32 {
    match v {
        IntOrString::Int(n) => (*n).max(0),
        IntOrString::Str(s) => {
            let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            let scaled = pct.max(0) * i64::from(total);
            let v = if round_up {
                (scaled + 99) / 100
            } else {
                scaled / 100
            };
            v as i32
        }
    }
}

fn has_condition(conds: &[Condition], type_: &str) -> bool {
    conds.iter().any(|c| c.type_ == type_)
}

/// `SetDeploymentCondition`: an identical condition is left alone (timestamps included); a
/// changed one keeps lastTransitionTime while its status is unchanged.
fn set_condition(
    conds: &mut Vec<Condition>,
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: Option<Time>,
) {
    let prev = conds.iter().find(|c| c.type_ == type_).cloned();
    if let Some(p) = &prev {
        if p.status == status
            && p.reason.as_deref() == Some(reason)
            && p.message.as_deref() == Some(&message)
        {
            return;
        }
    }
    let transition = match &prev {
        Some(p) if p.status == status => p.last_transition_time,
        _ => now,
    };
    conds.retain(|c| c.type_ != type_);
    conds.push(Condition {
        type_: type_.into(),
        status: status.into(),
        last_update_time: now,
        last_transition_time: transition,
        reason: Some(reason.into()),
        message: Some(message),
        ..Condition::default()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenceposts_resolve_like_kubernetes() {
        let cases = [
            (3, "25%", "25%", (1, 0)),
            (4, "25%", "25%", (1, 1)),
            (10, "25%", "25%", (3, 2)),
            (1, "0%", "0%", (0, 1)),
        ];
        for (replicas, surge, unavail, want) in cases {
            let d = Deployment {
                spec: DeploymentSpec {
                    strategy: Some(DeploymentStrategy {
                        type_: None,
                        rolling_update: Some(RollingUpdate {
                            max_surge: Some(IntOrString::Str(surge.into())),
                            max_unavailable: Some(IntOrString::Str(unavail.into())),
                        }),
                    }),
                    ..DeploymentSpec::default()
                },
                ..Deployment::default()
            };
            assert_eq!(
                rolling_params(&d, replicas),
                want,
                "{replicas} {surge} {unavail}"
            );
        }
    }
}
