//! The control plane's controllers and the kubelet, in the Kubernetes shape "plan, then apply":
//! each controller reads the store (through the [`index::Index`] caches) for the keys in its work
//! queue and returns [`Action`]s; [`reconcile`] applies them in a fixed controller order and
//! repeats until a round changes nothing.
//!
//! Work queues are filled from the store's change log, the way informers' event handlers fill
//! real controllers' queues: a changed pod enqueues its owner ReplicaSet, the Services whose
//! selector matched it before or after the change, itself for the scheduler or kubelet, and so on.
//! Time-driven progress (image pulls, container exits, grace periods) sits in an ordered timer
//! queue keyed by `(Time, seq)`, fired by [`crate::cluster::Cluster::advance`].

pub mod bootstrap;
pub mod deployment;
pub mod endpoints;
pub mod endpointslice;
pub mod events;
pub mod fixtures;
pub mod gc;
pub mod images;
pub mod index;
pub mod kubelet;
pub mod names;
pub mod pod_status;
pub mod replicaset;
pub mod scheduler;
pub mod statefulset;

use std::collections::{BTreeMap, BTreeSet};

use crate::api::{map_selector_matches, Kind, Object, ObjectMeta, OwnerReference, Service};
use crate::cluster::Cluster;
use crate::sim::{Pcg32, Time};
use crate::store::{ObjectKey, Store};
use events::{EventRecord, Recorder};
use index::Index;

/// Rounds after which a reconcile that still changes things is a bug (a controller fighting
/// another, or one that never settles).
const MAX_ROUNDS: usize = 64;

/// Default pod `terminationGracePeriodSeconds`.
pub const DEFAULT_GRACE_SECONDS: i64 = 30;

/// What a controller wants done. Applied in order, right after the controller planned.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Store a new object (fully named; uid and creationTimestamp are filled in if missing).
    /// Boxed, like the store's objects: the box moves into the store as it is, and an action
    /// list of thousands of pods stays small (an `Object` is 1.6 KB).
    Create(Box<Object>),
    /// Replace an object; skipped when it is absent or already equal.
    Update(Box<Object>),
    /// Write a workload's status (no spec or whole-object copy); skipped when it is absent or
    /// already equal, like an [`Action::Update`] of the object with that status.
    Status(ObjectKey, Box<StatusWrite>),
    /// Write a pod's status (and, when binding, its node), if the pod with `uid` still exists.
    PodStatus {
        key: ObjectKey,
        uid: String,
        node: Option<String>,
        status: crate::api::PodStatus,
    },
    /// Delete like the apiserver does: pods gracefully, namespaces via Terminating.
    Delete {
        key: ObjectKey,
        grace: Option<i64>,
    },
    /// Remove from the store at once (what a graceful delete ends with).
    Remove(ObjectKey),
    Event(EventRecord),
    Timer(Time, Due),
}

/// The status half of a workload, for [`Action::Status`].
#[derive(Clone, Debug, PartialEq)]
pub enum StatusWrite {
    ReplicaSet(crate::api::ReplicaSetStatus),
    /// With the `deployment.kubernetes.io/revision` annotation, when it is to be set.
    Deployment(crate::api::DeploymentStatus, Option<String>),
}

impl StatusWrite {
    /// Whether writing this into `obj` would change it.
    fn changes(&self, obj: &Object) -> bool {
        match (self, obj) {
            (StatusWrite::ReplicaSet(s), Object::ReplicaSet(rs)) => rs.status.as_ref() != Some(s),
            (StatusWrite::Deployment(s, rev), Object::Deployment(d)) => {
                let ann = &d.metadata.annotations;
                d.status.as_ref() != Some(s)
                    || rev
                        .as_ref()
                        .is_some_and(|r| ann.get(deployment::REVISION) != Some(r))
            }
            _ => false,
        }
    }

    fn write(self, obj: &mut Object) {
        match (self, obj) {
            (StatusWrite::ReplicaSet(s), Object::ReplicaSet(rs)) => rs.status = Some(s),
            (StatusWrite::Deployment(s, rev), Object::Deployment(d)) => {
                d.status = Some(s);
                if let Some(rev) = rev {
                    let ann = &mut d.metadata.annotations;
                    ann.insert(deployment::REVISION.into(), rev);
                }
            }
            _ => {}
        }
    }
}

impl Action {
    pub fn create(obj: Object) -> Action {
        Action::Create(Box::new(obj))
    }

    pub fn update(obj: Object) -> Action {
        Action::Update(Box::new(obj))
    }
}

/// Work due at a later simulated time.
#[derive(Clone, Debug, PartialEq)]
pub enum Due {
    /// A kubelet step for one pod.
    Kubelet(kubelet::Work),
    /// Re-sync a workload: a Deployment whose progress deadline may have passed, a
    /// ReplicaSet or StatefulSet whose pod creation was paced.
    Resync(ObjectKey),
}

/// What a controller may read while planning, and the PRNG for names and durations.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub index: &'a Index,
    pub now: Time,
    pub rng: &'a mut Pcg32,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Queues {
    deployments: BTreeSet<ObjectKey>,
    replicasets: BTreeSet<ObjectKey>,
    statefulsets: BTreeSet<ObjectKey>,
    scheduling: BTreeSet<ObjectKey>,
    kubelet: BTreeSet<ObjectKey>,
    services: BTreeSet<ObjectKey>,
    gc: BTreeSet<ObjectKey>,
    namespaces: BTreeSet<ObjectKey>,
}

impl Queues {
    fn is_empty(&self) -> bool {
        self.deployments.is_empty()
            && self.replicasets.is_empty()
            && self.statefulsets.is_empty()
            && self.scheduling.is_empty()
            && self.kubelet.is_empty()
            && self.services.is_empty()
            && self.gc.is_empty()
            && self.namespaces.is_empty()
    }
}

/// Everything the controllers remember between reconciles besides the store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Controllers {
    pub index: Index,
    queues: Queues,
    /// Due kubelet work, ordered by (due time, insertion sequence).
    pub timers: BTreeMap<(Time, u64), Due>,
    timer_seq: u64,
    recorder: Recorder,
    pub kubelet: kubelet::KubeletState,
    burst: Burst,
}

/// Pod-creation pacing: a workload creates pods at most once per reconcile (at most
/// [`BURST`] of them), like the real controllers' expectations and slow start; the rest waits
/// a kubelet tick (a re-sync timer). This keeps `--replicas=100000` from stalling the page and
/// spaces OrderedReady pods even when each is Ready at once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Burst {
    spent: BTreeSet<ObjectKey>,
    deferred: BTreeSet<ObjectKey>,
}

/// Pods one workload creates in one reconcile at most.
pub const BURST: usize = 500;

impl Burst {
    /// How many of `wanted` pods `key` may create now; defers the rest to the next reconcile.
    pub fn allow(&mut self, key: &ObjectKey, wanted: usize) -> usize {
        if wanted == 0 {
            return 0;
        }
        if !self.spent.insert(key.clone()) {
            // It already created pods in this reconcile: those must be observed first.
            self.deferred.insert(key.clone());
            return 0;
        }
        if wanted > BURST {
            self.deferred.insert(key.clone());
        }
        wanted.min(BURST)
    }
}

/// Runs the controllers until nothing changes at the current instant.
pub fn reconcile(c: &mut Cluster) {
    c.controllers.burst.spent.clear();
    for round in 0.. {
        assert!(round < MAX_ROUNDS, "controllers did not converge");
        feed_changes(c);
        if c.controllers.queues.is_empty() {
            schedule_deferred(c);
            return;
        }
        let q = std::mem::take(&mut c.controllers.queues);
        run(c, |ctx| gc::plan_namespaces(ctx, &q.namespaces));
        run(c, |ctx| gc::plan_orphans(ctx, &q.gc));
        run(c, |ctx| deployment::plan(ctx, &q.deployments));
        let mut burst = std::mem::take(&mut c.controllers.burst);
        run(c, |ctx| replicaset::plan(ctx, &mut burst, &q.replicasets));
        run(c, |ctx| statefulset::plan(ctx, &mut burst, &q.statefulsets));
        c.controllers.burst = burst;
        run(c, |ctx| scheduler::plan(ctx, &q.scheduling));
        let mut kubelet_state = std::mem::take(&mut c.controllers.kubelet);
        run(c, |ctx| kubelet::plan(ctx, &mut kubelet_state, &q.kubelet));
        c.controllers.kubelet = kubelet_state;
        run(c, |ctx| endpoints::plan(ctx, &q.services));
        run(c, |ctx| endpointslice::plan(ctx, &q.services));
    }
}

/// Paced workloads continue one kubelet tick later.
fn schedule_deferred(c: &mut Cluster) {
    let at = Time((c.now.0 / kubelet::TICK + 1) * kubelet::TICK);
    for key in std::mem::take(&mut c.controllers.burst.deferred) {
        apply(c, Action::Timer(at, Due::Resync(key)));
    }
}

/// Fires the timers due at or before `until`, one instant at a time, reconciling after each.
pub fn fire_timers(c: &mut Cluster, until: Time) {
    while let Some((&(at, _), _)) = c.controllers.timers.first_key_value() {
        if at > until {
            break;
        }
        c.now = c.now.max(at);
        let mut due = Vec::new();
        while let Some(entry) = c.controllers.timers.first_entry() {
            if entry.key().0 != at {
                break;
            }
            match entry.remove() {
                Due::Kubelet(work) => due.push(work),
                Due::Resync(key) => {
                    let q = &mut c.controllers.queues;
                    match key.kind {
                        Kind::Deployment => q.deployments.insert(key),
                        Kind::ReplicaSet => q.replicasets.insert(key),
                        _ => q.statefulsets.insert(key),
                    };
                }
            }
        }
        let mut kubelet_state = std::mem::take(&mut c.controllers.kubelet);
        run(c, |ctx| kubelet::on_timers(ctx, &mut kubelet_state, due));
        c.controllers.kubelet = kubelet_state;
        reconcile(c);
    }
}

fn run(c: &mut Cluster, plan: impl FnOnce(&mut Ctx<'_>) -> Vec<Action>) {
    let actions = {
        let mut ctx = Ctx {
            store: &c.store,
            index: &c.controllers.index,
            now: c.now,
            rng: &mut c.rng,
        };
        plan(&mut ctx)
    };
    for action in actions {
        apply(c, action);
    }
}

fn apply(c: &mut Cluster, action: Action) {
    match action {
        Action::Create(mut obj) => {
            let key = ObjectKey::of(&obj);
            if c.store.get_key(&key).is_some() {
                return;
            }
            let meta = obj.meta_mut();
            if meta.uid.is_none() {
                meta.uid = Some(c.new_uid());
            }
            meta.creation_timestamp.get_or_insert(c.now);
            c.store.put_boxed(obj);
        }
        Action::Update(obj) => {
            let key = ObjectKey::of(&obj);
            match c.store.get_key(&key) {
                Some(current) if *current != *obj => {
                    c.store.put_boxed(obj);
                }
                _ => {}
            }
        }
        Action::Status(key, write) => {
            if c.store.get_key(&key).is_some_and(|o| write.changes(o)) {
                c.store.patch(&key, |obj| write.write(obj));
            }
        }
        Action::PodStatus {
            key,
            uid,
            node,
            status,
        } => {
            let same_pod = match c.store.get_key(&key) {
                Some(Object::Pod(p)) => {
                    p.metadata.uid.as_deref() == Some(uid.as_str())
                        && (p.status.as_ref() != Some(&status) || node.is_some())
                }
                _ => false,
            };
            if same_pod {
                c.store.patch(&key, |obj| {
                    if let Object::Pod(p) = obj {
                        p.status = Some(status);
                        if node.is_some() {
                            p.spec.node_name = node;
                        }
                    }
                });
            }
        }
        Action::Delete { key, grace } => delete(c, &key, grace),
        Action::Remove(key) => {
            c.store.remove(&key);
        }
        Action::Event(rec) => c
            .controllers
            .recorder
            .record(&mut c.store, &mut c.rng, c.now, rec),
        Action::Timer(at, work) => {
            let seq = c.controllers.timer_seq;
            c.controllers.timer_seq += 1;
            c.controllers.timers.insert((at, seq), work);
        }
    }
}

/// Deletes an object the way the apiserver does. A pod bound to a node gets a deletionTimestamp
/// and stays (Terminating) until its kubelet has stopped it; a namespace turns Terminating and is
/// emptied by the namespace controller; everything else goes at once, and the garbage collector
/// then removes its dependents. `grace` overrides the pod's terminationGracePeriodSeconds.
pub fn delete(c: &mut Cluster, key: &ObjectKey, grace: Option<i64>) {
    let Some(obj) = c.store.get_key(key) else {
        return;
    };
    match obj {
        Object::Pod(pod) => {
            let terminal = pod
                .status
                .as_ref()
                .and_then(|s| s.phase.as_deref())
                .is_some_and(|p| p == "Succeeded" || p == "Failed");
            let grace = grace
                .or(pod.spec.termination_grace_period_seconds)
                .unwrap_or(DEFAULT_GRACE_SECONDS)
                .max(0);
            if pod.spec.node_name.is_none() || terminal || grace == 0 {
                c.store.remove(key);
                return;
            }
            if pod.metadata.deletion_timestamp.is_some() {
                return;
            }
            let mut pod = pod.clone();
            pod.metadata.deletion_timestamp =
                Some(c.now.plus(crate::sim::Duration::from_secs(grace as u64)));
            pod.metadata.deletion_grace_period_seconds = Some(grace);
            c.store.put(Object::Pod(pod));
        }
        Object::Namespace(ns) => {
            if ns.metadata.deletion_timestamp.is_some() {
                return;
            }
            let mut ns = ns.clone();
            ns.metadata.deletion_timestamp = Some(c.now);
            ns.status.get_or_insert_with(Default::default).phase = Some("Terminating".into());
            c.store.put(Object::Namespace(ns));
        }
        _ => {
            c.store.remove(key);
        }
    }
}

/// Strips the ownerReferences naming `key`'s object from its dependents.
pub fn orphan_dependents(c: &mut Cluster, key: &ObjectKey) {
    let Some(uid) = c.store.get_key(key).and_then(|o| o.meta().uid.clone()) else {
        return;
    };
    let dependents: Vec<ObjectKey> = c.controllers.index.dependents_of(&uid).cloned().collect();
    for dep in dependents {
        if let Some(obj) = c.store.get_key(&dep) {
            let mut obj = obj.clone();
            obj.meta_mut().owner_references.retain(|o| o.uid != uid);
            c.store.put(obj);
        }
    }
}

/// Drains the store's change log into the caches and the work queues.
fn feed_changes(c: &mut Cluster) {
    let changes = c.store.take_changes();
    if changes.is_empty() {
        return;
    }
    // Only the first `old` per key matters: the caches reflect the store as of the last drain.
    let mut first_old: BTreeMap<ObjectKey, Option<std::rc::Rc<Object>>> = BTreeMap::new();
    for ch in changes {
        first_old.entry(ch.key).or_insert(ch.old);
    }
    let ctl = &mut c.controllers;
    for (key, old) in first_old {
        let new = c.store.get_key(&key);
        ctl.index.update(&key, old.as_deref(), new);
        dispatch(
            &c.store,
            &ctl.index,
            &mut ctl.queues,
            &key,
            old.as_deref(),
            new,
        );
    }
}

fn dispatch(
    store: &Store,
    index: &Index,
    q: &mut Queues,
    key: &ObjectKey,
    old: Option<&Object>,
    new: Option<&Object>,
) {
    let versions = || old.into_iter().chain(new);
    for obj in versions() {
        if let Some(owner) = controller_of(obj.meta()) {
            let owner_key = |kind| ObjectKey::new(kind, &key.namespace, &owner.name);
            match owner.kind.as_str() {
                "Deployment" => q.deployments.insert(owner_key(Kind::Deployment)),
                "ReplicaSet" => q.replicasets.insert(owner_key(Kind::ReplicaSet)),
                "StatefulSet" => q.statefulsets.insert(owner_key(Kind::StatefulSet)),
                _ => false,
            };
        }
    }
    if new.is_none() || old.is_none() {
        // A removed owner orphans its dependents; a new dependent may name a missing owner.
        if let Some(uid) = old.and_then(|o| o.meta().uid.as_ref()) {
            q.gc.extend(index.dependents_of(uid).cloned());
        }
        if new.is_some_and(|n| !n.meta().owner_references.is_empty()) {
            q.gc.insert(key.clone());
        }
        namespace_emptied(store, q, key);
    }
    match key.kind {
        Kind::Deployment => {
            q.deployments.insert(key.clone());
        }
        Kind::ReplicaSet => {
            q.replicasets.insert(key.clone());
        }
        Kind::StatefulSet => {
            q.statefulsets.insert(key.clone());
        }
        Kind::Namespace => {
            q.namespaces.insert(key.clone());
        }
        Kind::Service => {
            q.services.insert(key.clone());
        }
        Kind::Endpoints => {
            let svc = store.get_typed::<Service>(&key.namespace, &key.name);
            if svc.is_some_and(|s| !has_selector(s)) {
                q.services
                    .insert(ObjectKey::new(Kind::Service, &key.namespace, &key.name));
            }
        }
        Kind::Node => q.scheduling.extend(index.pending_pods.iter().cloned()),
        Kind::Pod => {
            if new.is_none() {
                requeue_deployment_of(store, q, old);
            }
            if let Some(pod) = new.filter(|n| controller_of(n.meta()).is_none()) {
                requeue_adopters(store, q, &key.namespace, &pod.meta().labels);
            }
            dispatch_pod(store, index, q, key, old, new)
        }
        _ => {}
    }
}

fn dispatch_pod(
    store: &Store,
    index: &Index,
    q: &mut Queues,
    key: &ObjectKey,
    old: Option<&Object>,
    new: Option<&Object>,
) {
    match new {
        Some(Object::Pod(pod)) if pod.spec.node_name.is_none() => {
            q.scheduling.insert(key.clone());
        }
        Some(Object::Pod(_)) => {
            q.kubelet.insert(key.clone());
        }
        _ => {
            // A freed slot may let a pending pod fit.
            q.scheduling.extend(index.pending_pods.iter().cloned());
        }
    }
    for obj in old.into_iter().chain(new) {
        let labels = &obj.meta().labels;
        for name in index.services_maybe_selecting(&key.namespace, labels) {
            let svc = store.get_typed::<Service>(&key.namespace, name);
            let selects = svc
                .and_then(|s| s.spec.selector.as_ref())
                .is_some_and(|sel| map_selector_matches(sel, labels));
            if selects {
                q.services
                    .insert(ObjectKey::new(Kind::Service, &key.namespace, name));
            }
        }
    }
}

/// An orphan pod may be adopted by a ReplicaSet whose selector matches it.
fn requeue_adopters(store: &Store, q: &mut Queues, ns: &str, labels: &crate::api::Labels) {
    for rs in store.list_typed::<crate::api::ReplicaSet>(Some(ns)) {
        let selects = rs
            .spec
            .selector
            .as_ref()
            .is_some_and(|s| !s.is_empty() && s.matches(labels));
        if selects {
            q.replicasets
                .insert(ObjectKey::new(Kind::ReplicaSet, ns, &rs.metadata.name));
        }
    }
}

/// A pod's removal matters to its ReplicaSet's Deployment too (Recreate waits for it).
fn requeue_deployment_of(store: &Store, q: &mut Queues, pod: Option<&Object>) {
    let Some(pod) = pod else {
        return;
    };
    let Some(owner) = controller_of(pod.meta()).filter(|o| o.kind == "ReplicaSet") else {
        return;
    };
    let ns = pod.meta().namespace.as_deref().unwrap_or("");
    let rs = store.get(Kind::ReplicaSet, ns, &owner.name);
    if let Some(d) = rs.and_then(|rs| controller_of(rs.meta())) {
        q.deployments
            .insert(ObjectKey::new(Kind::Deployment, ns, &d.name));
    }
}

fn namespace_emptied(store: &Store, q: &mut Queues, key: &ObjectKey) {
    if key.namespace.is_empty() {
        return;
    }
    let ns = store.get_typed::<crate::api::Namespace>("", &key.namespace);
    if ns.is_some_and(|ns| ns.metadata.deletion_timestamp.is_some()) {
        q.namespaces
            .insert(ObjectKey::new(Kind::Namespace, "", &key.namespace));
    }
}

/// The ownerReference with `controller: true`, if any.
pub fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .iter()
        .find(|o| o.controller == Some(true))
}

/// An ownerReference marking `owner` as the managing controller.
pub fn controller_ref(kind: Kind, owner: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: kind.info().api_version(),
        kind: kind.info().kind.to_string(),
        name: owner.name.clone(),
        uid: owner.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// A Service that selects pods (a non-empty selector, and not ExternalName).
pub fn has_selector(svc: &Service) -> bool {
    svc.type_() != "ExternalName" && svc.spec.selector.as_ref().is_some_and(|s| !s.is_empty())
}

/// What admission adds to a new pod: the ServiceAccount and its token volume
/// (`kube-api-access-<5>` mounted at /var/run/secrets/kubernetes.io/serviceaccount), the
/// DefaultTolerationSeconds tolerations and Priority defaults, plus the PodSpec defaults a
/// template may lack. Public so the apiserver's create path can apply the same admission.
pub fn admission_defaults(pod: &mut crate::api::Pod, rng: &mut Pcg32) {
    let spec = &mut pod.spec;
    spec.service_account_name
        .get_or_insert_with(|| "default".into());
    spec.service_account.get_or_insert_with(|| "default".into());
    spec.priority.get_or_insert(0);
    spec.preemption_policy
        .get_or_insert_with(|| "PreemptLowerPriority".into());
    spec.enable_service_links.get_or_insert(true);
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.termination_grace_period_seconds
        .get_or_insert(DEFAULT_GRACE_SECONDS);
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".into());
    if spec.tolerations.is_none() {
        spec.tolerations = Some(serde_json::json!([
            {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
            {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}
        ]));
    }
    if spec.automount_service_account_token != Some(false) && spec.host_network != Some(true) {
        mount_service_account_token(spec, rng);
    }
}

fn mount_service_account_token(spec: &mut crate::api::PodSpec, rng: &mut Pcg32) {
    let name = format!("kube-api-access-{}", names::random_suffix(rng, 5));
    let volume = serde_json::json!({
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
            ]
        }
    });
    match spec
        .volumes
        .as_mut()
        .and_then(serde_json::Value::as_array_mut)
    {
        Some(volumes) => volumes.push(volume),
        None => spec.volumes = Some(serde_json::Value::Array(vec![volume])),
    }
    let mount = serde_json::json!({
        "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
        "name": name,
        "readOnly": true
    });
    for c in &mut spec.containers {
        match c
            .volume_mounts
            .as_mut()
            .and_then(serde_json::Value::as_array_mut)
        {
            Some(mounts) => mounts.push(mount.clone()),
            None => c.volume_mounts = Some(serde_json::Value::Array(vec![mount.clone()])),
        }
    }
}

impl Controllers {
    /// Drops Events whose TTL has passed (called as time advances).
    pub fn expire_events(&mut self, store: &mut Store, now: Time) {
        self.recorder.expire(store, now);
    }

    /// Forgets recorded Events (after the store's Events were dropped).
    pub fn forget_events(&mut self) {
        self.recorder = Recorder::default();
    }
}

#[cfg(test)]
mod tests;

/// A [`Action::PodStatus`] writing `pod`'s status (its working copy's).
pub fn pod_status_action(pod: &crate::api::Pod, node: Option<String>) -> Action {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("");
    Action::PodStatus {
        key: ObjectKey::new(Kind::Pod, ns, &pod.metadata.name),
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        node,
        status: pod.status.clone().unwrap_or_default(),
    }
}

/// [`pod_status_action`] for a working copy that is done with: its status moves, uncloned.
pub fn into_pod_status_action(pod: crate::api::Pod) -> Action {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("");
    Action::PodStatus {
        key: ObjectKey::new(Kind::Pod, ns, &pod.metadata.name),
        uid: pod.metadata.uid.unwrap_or_default(),
        node: None,
        status: pod.status.unwrap_or_default(),
    }
}

/// The metadata a controller's working copy of a pod needs to write its status and record
/// Events about it (name, namespace, uid, resourceVersion, timestamps), without the labels,
/// annotations and ownerReferences nothing on that path reads.
pub fn identity(meta: &ObjectMeta) -> ObjectMeta {
    ObjectMeta {
        name: meta.name.clone(),
        namespace: meta.namespace.clone(),
        uid: meta.uid.clone(),
        resource_version: meta.resource_version.clone(),
        creation_timestamp: meta.creation_timestamp,
        deletion_timestamp: meta.deletion_timestamp,
        deletion_grace_period_seconds: meta.deletion_grace_period_seconds,
        ..ObjectMeta::default()
    }
}
