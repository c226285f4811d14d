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
    pub fn update(&mut self, key: &ObjectKey, old: Option<&Object>, new: Option<&Object>) {
        if let (Some(o), Some(n)) = (old, new) {
            if same_facts(o, n) {
                return;
            }
        }
        if let Some(o) = old {
            self.apply(key, o, false);
        }
        if let Some(n) = new {
            self.apply(key, n, true);
        }
    }

    fn apply(&mut self, key: &ObjectKey, obj: &Object, add: bool) {
        let meta = obj.meta();
        if let Some(uid) = &meta.uid {
            toggle_map(&mut self.by_uid, uid.clone(), key.clone(), add);
        }
        for owner in &meta.owner_references {
            toggle_set(&mut self.dependents, owner.uid.clone(), key.clone(), add);
        }
        match obj {
            Object::Pod(pod) => {
                for (k, v) in &meta.labels {
                    toggle_term(&mut self.pod_labels, key, k, v, add);
                }
                let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
                let terminal = matches!(phase, Some("Succeeded" | "Failed"));
                match &pod.spec.node_name {
                    Some(node) if !terminal => {
                        toggle_set(&mut self.pods_on_node, node.clone(), key.clone(), add)
                    }
                    Some(_) => {}
                    None => {
                        if add {
                            self.pending_pods.insert(key.clone());
                        } else {
                            self.pending_pods.remove(key);
                        }
                    }
                }
                if pod.spec.host_network != Some(true) {
                    if let Some(ip) = pod.ip() {
                        if add {
                            self.pod_ips.insert(ip.to_string());
                        } else {
                            self.pod_ips.remove(ip);
                        }
                    }
                }
            }
            Object::Service(svc) => {
                for (k, v) in svc.spec.selector.iter().flatten() {
                    toggle_term(&mut self.svc_selectors, key, k, v, add);
                }
            }
            _ => {}
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
    pub fn services_maybe_selecting(&self, namespace: &str, labels: &Labels) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (k, v) in labels {
            if let Some(set) = lookup(&self.svc_selectors, namespace, k, v) {
                out.extend(set.iter().cloned());
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

fn toggle_set<K: Ord, V: Ord>(map: &mut BTreeMap<K, BTreeSet<V>>, k: K, v: V, add: bool) {
    if add {
        map.entry(k).or_default().insert(v);
    } else if let Some(set) = map.get_mut(&k) {
        set.remove(&v);
        if set.is_empty() {
            map.remove(&k);
        }
    }
}

fn toggle_map<K: Ord, V: PartialEq>(map: &mut BTreeMap<K, V>, k: K, v: V, add: bool) {
    if add {
        map.insert(k, v);
    } else if map.get(&k) == Some(&v) {
        map.remove(&k);
    }
}
