//! The controllers' caches (what informers' indexers are in Kubernetes): owner→dependents,
//! uid→key, pods by label, Services by selector term, pods per node and pod IPs in use. They are
//! updated from the store's change log, so a controller finds "the pods of this ReplicaSet" or
//! "the Services selecting this pod" without listing the store.

use std::collections::{BTreeMap, BTreeSet};

use crate::api::{Labels, Object};
use crate::store::ObjectKey;

/// namespace → label key → label value → names: looked up with borrowed strings, so the hot
/// paths (every pod change) allocate nothing.
type TermIndex = BTreeMap<String, BTreeMap<String, BTreeMap<String, BTreeSet<String>>>>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Index {
    by_uid: BTreeMap<String, ObjectKey>,
    dependents: BTreeMap<String, BTreeSet<ObjectKey>>,
    pod_labels: TermIndex,
    svc_selectors: TermIndex,
    /// Pods bound to each node that still hold a slot (not Succeeded/Failed).
    pods_on_node: BTreeMap<String, BTreeSet<ObjectKey>>,
    /// Pods not yet bound to a node.
    pub pending_pods: BTreeSet<ObjectKey>,
    /// Pod-network IPs held by existing pods (hostNetwork pods excluded).
    pod_ips: BTreeSet<String>,
}

impl Index {
    /// Applies one store change: forget what `old` contributed, then add what `new` does.
    /// Between two versions only the facets that differ are forgotten first (a pod's status
    /// write moves its node and IP entries, not its labels, owners or uid); every add leaves
    /// an entry that is already there alone, without copying its strings. The entries left
    /// are the same as forgetting and re-adding everything.
    pub fn update(&mut self, key: &ObjectKey, old: Option<&Object>, new: Option<&Object>) {
        match (old, new) {
            (Some(o), Some(n)) => {
                if same_facts(o, n) {
                    return;
                }
                self.forget_changed(key, o, n);
                self.apply(key, n, true);
            }
            (Some(o), None) => self.apply(key, o, false),
            (None, Some(n)) => self.apply(key, n, true),
            (None, None) => {}
        }
    }

    /// Forgets what `o` contributed in the facets where `n` differs.
    fn forget_changed(&mut self, key: &ObjectKey, o: &Object, n: &Object) {
        let (mo, mn) = (o.meta(), n.meta());
        if mo.uid != mn.uid || mo.owner_references != mn.owner_references {
            self.apply_meta(key, o, false);
        }
        if terms(o) != terms(n) {
            self.apply_terms(key, o, false);
        }
        if let (Object::Pod(po), Object::Pod(pn)) = (o, n) {
            if slot(po) != slot(pn) {
                self.apply_slot(key, po, false);
            }
            if network_ip(po) != network_ip(pn) {
                self.apply_ip(po, false);
            }
        }
    }

    fn apply(&mut self, key: &ObjectKey, obj: &Object, add: bool) {
        self.apply_meta(key, obj, add);
        self.apply_terms(key, obj, add);
        if let Object::Pod(pod) = obj {
            self.apply_slot(key, pod, add);
            self.apply_ip(pod, add);
        }
    }

    /// uid → key, owner → dependents.
    fn apply_meta(&mut self, key: &ObjectKey, obj: &Object, add: bool) {
        let meta = obj.meta();
        if let Some(uid) = &meta.uid {
            let held = self.by_uid.get(uid) == Some(key);
            if add && !held {
                self.by_uid.insert(uid.clone(), key.clone());
            } else if !add && held {
                self.by_uid.remove(uid);
            }
        }
        for owner in &meta.owner_references {
            if add {
                insert_into(&mut self.dependents, &owner.uid, key);
            } else {
                remove_from(&mut self.dependents, &owner.uid, key);
            }
        }
    }

    /// A pod's labels, a Service's selector.
    fn apply_terms(&mut self, key: &ObjectKey, obj: &Object, add: bool) {
        let (idx, labels) = match obj {
            Object::Pod(_) => (&mut self.pod_labels, &obj.meta().labels),
            Object::Service(svc) => match &svc.spec.selector {
                Some(selector) => (&mut self.svc_selectors, selector),
                None => return,
            },
            _ => return,
        };
        for (k, v) in labels {
            toggle_term(idx, key, k, v, add);
        }
    }

    /// The node slot a pod holds, or its place among the pending pods.
    fn apply_slot(&mut self, key: &ObjectKey, pod: &crate::api::Pod, add: bool) {
        match slot(pod) {
            (Some(node), false) if add => insert_into(&mut self.pods_on_node, node, key),
            (Some(node), false) => remove_from(&mut self.pods_on_node, node, key),
            (Some(_), true) => {}
            (None, _) if add => {
                if !self.pending_pods.contains(key) {
                    self.pending_pods.insert(key.clone());
                }
            }
            (None, _) => {
                self.pending_pods.remove(key);
            }
        }
    }

    fn apply_ip(&mut self, pod: &crate::api::Pod, add: bool) {
        if let Some(ip) = network_ip(pod) {
            if add {
                if !self.pod_ips.contains(ip) {
                    self.pod_ips.insert(ip.to_string());
                }
            } else {
                self.pod_ips.remove(ip);
            }
        }
    }

    pub fn key_of_uid(&self, uid: &str) -> Option<&ObjectKey> {
        self.by_uid.get(uid)
    }

    /// Objects whose ownerReferences name `uid`.
    pub fn dependents_of(&self, uid: &str) -> impl Iterator<Item = &ObjectKey> {
        self.dependents.get(uid).into_iter().flatten()
    }

    /// Names of pods in `namespace` carrying every label of `selector` (a non-empty map).
    pub fn pods_with_labels(&self, namespace: &str, selector: &Labels) -> Vec<&str> {
        let mut sets: Vec<&BTreeSet<String>> = Vec::new();
        for (k, v) in selector {
            match lookup(&self.pod_labels, namespace, k, v) {
                Some(set) => sets.push(set),
                None => return Vec::new(),
            }
        }
        sets.sort_by_key(|s| s.len());
        let Some((first, rest)) = sets.split_first() else {
            return Vec::new();
        };
        first
            .iter()
            .filter(|name| rest.iter().all(|s| s.contains(*name)))
            .map(String::as_str)
            .collect()
    }

    /// Names of Services in `namespace` with at least one selector term among `labels`; the
    /// caller checks the whole selector.
    pub fn services_maybe_selecting(&self, namespace: &str, labels: &Labels) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        for (k, v) in labels {
            if let Some(set) = lookup(&self.svc_selectors, namespace, k, v) {
                out.extend(set.iter().map(String::as_str));
            }
        }
        out
    }

    pub fn pod_count_on(&self, node: &str) -> usize {
        self.pods_on_node.get(node).map_or(0, BTreeSet::len)
    }

    pub fn ip_in_use(&self, ip: &str) -> bool {
        self.pod_ips.contains(ip)
    }
}

fn lookup<'a>(idx: &'a TermIndex, ns: &str, k: &str, v: &str) -> Option<&'a BTreeSet<String>> {
    idx.get(ns)?.get(k)?.get(v)
}

fn toggle_term(idx: &mut TermIndex, key: &ObjectKey, k: &str, v: &str, add: bool) {
    if add {
        let known = idx.get_mut(key.namespace.as_str());
        if let Some(set) = known.and_then(|m| m.get_mut(k)).and_then(|m| m.get_mut(v)) {
            if !set.contains(&key.name) {
                set.insert(key.name.clone());
            }
            return;
        }
        idx.entry(key.namespace.clone())
            .or_default()
            .entry(k.to_string())
            .or_default()
            .entry(v.to_string())
            .or_default()
            .insert(key.name.clone());
        return;
    }
    let Some(by_key) = idx.get_mut(&key.namespace) else {
        return;
    };
    if let Some(by_value) = by_key.get_mut(k) {
        if let Some(set) = by_value.get_mut(v) {
            set.remove(&key.name);
            if set.is_empty() {
                by_value.remove(v);
            }
        }
        if by_value.is_empty() {
            by_key.remove(k);
        }
    }
    if by_key.is_empty() {
        idx.remove(&key.namespace);
    }
}

/// What an object contributes to the term indexes: a pod's labels, a Service's selector.
fn terms(obj: &Object) -> Option<&Labels> {
    match obj {
        Object::Pod(_) => Some(&obj.meta().labels),
        Object::Service(svc) => svc.spec.selector.as_ref(),
        _ => None,
    }
}

/// A pod's node and whether it has finished (a finished pod holds no slot).
fn slot(pod: &crate::api::Pod) -> (Option<&str>, bool) {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    let terminal = matches!(phase, Some("Succeeded" | "Failed"));
    (pod.spec.node_name.as_deref(), terminal)
}

/// A pod's IP on the pod network (hostNetwork pods use their node's).
fn network_ip(pod: &crate::api::Pod) -> Option<&str> {
    if pod.spec.host_network == Some(true) {
        return None;
    }
    pod.ip()
}

/// Whether two versions of an object contribute the same entries (most updates are status-only).
fn same_facts(a: &Object, b: &Object) -> bool {
    let (ma, mb) = (a.meta(), b.meta());
    if ma.uid != mb.uid || ma.owner_references != mb.owner_references || ma.labels != mb.labels {
        return false;
    }
    match (a, b) {
        (Object::Pod(pa), Object::Pod(pb)) => {
            let phase = |p: &crate::api::Pod| {
                p.status
                    .as_ref()
                    .and_then(|s| s.phase.as_deref())
                    .is_some_and(|ph| ph == "Succeeded" || ph == "Failed")
            };
            pa.spec.node_name == pb.spec.node_name
                && pa.spec.host_network == pb.spec.host_network
                && pa.ip() == pb.ip()
                && phase(pa) == phase(pb)
        }
        (Object::Service(sa), Object::Service(sb)) => sa.spec.selector == sb.spec.selector,
        _ => true,
    }
}

/// Adds `v` to the set under `k`; the key is copied only when its set is new.
fn insert_into(map: &mut BTreeMap<String, BTreeSet<ObjectKey>>, k: &str, v: &ObjectKey) {
    match map.get_mut(k) {
        Some(set) => {
            if !set.contains(v) {
                set.insert(v.clone());
            }
        }
        None => {
            map.insert(k.to_string(), BTreeSet::from([v.clone()]));
        }
    }
}

/// Removes `v` from the set under `k`, and the set once empty.
fn remove_from(map: &mut BTreeMap<String, BTreeSet<ObjectKey>>, k: &str, v: &ObjectKey) {
    if let Some(set) = map.get_mut(k) {
        set.remove(v);
        if set.is_empty() {
            map.remove(k);
        }
    }
}
