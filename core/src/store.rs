//! The object store: every API object keyed by (kind, namespace, name) in a `BTreeMap`, so
//! iteration order is defined and identical on every target.
//!
//! Every write is also recorded in a change log (the key plus the object it replaced, slimmed
//! after a status patch to what the caches read), which
//! [`crate::cluster::Cluster::reconcile`] drains to feed the controllers' work queues and caches,
//! the way informers feed real controllers. That is what keeps reconciling incremental: a
//! controller looks only at the objects that changed, never re-lists the whole store. Events are
//! not logged: no controller watches them, and they are the most frequent writes.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::api::{
    Deployment, Kind, Object, Pod, PodSpec, PodStatus, ReplicaSet, StatefulSet, TypedObject,
};
use crate::apiserver::alloc::Held;

/// Identity of a stored object. Cluster-scoped objects have an empty namespace.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> ObjectKey {
        let namespace = if kind.info().namespaced {
            namespace
        } else {
            ""
        };
        ObjectKey {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    pub fn of(obj: &Object) -> ObjectKey {
        let meta = obj.meta();
        ObjectKey::new(
            obj.kind(),
            meta.namespace.as_deref().unwrap_or(""),
            &meta.name,
        )
    }
}

/// A key seen through borrowed parts, so lookups need no allocation. Ordered exactly like
/// `ObjectKey`'s derived order (kind, namespace, name).
trait KeyView {
    fn parts(&self) -> (Kind, &str, &str);
}

impl KeyView for ObjectKey {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.kind, &self.namespace, &self.name)
    }
}

impl KeyView for (Kind, &str, &str) {
    fn parts(&self) -> (Kind, &str, &str) {
        *self
    }
}

impl<'a> Borrow<dyn KeyView + 'a> for ObjectKey {
    fn borrow(&self) -> &(dyn KeyView + 'a) {
        self
    }
}

impl PartialEq for dyn KeyView + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyView + '_ {}

impl PartialOrd for dyn KeyView + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn KeyView + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store {
    /// Behind a pointer: an `Object` is 1.6 KB, and a B-tree node shifts its values on every
    /// insert and removal (ten Events a second at 1,000 Deployments made that memmove a hot
    /// spot). Shared (`Rc`), so a copy of the store shares every object until one side writes
    /// it: copying a booted session costs pointers, not objects (the fuzz targets copy one per
    /// input), and the change log keeps an overwritten version without copying it.
    objects: BTreeMap<ObjectKey, Rc<Object>>,
    resource_version: u64,
    changes: Vec<Change>,
    /// What the stored Services hold (IPs, ports), for the allocators; updated by every write
    /// below. A raw [`Store::get_mut`] of a Service cannot be followed, so it turns tracking
    /// off for good and the allocators read every Service back instead.
    service_holdings: Held,
    holdings_untracked: bool,
    /// Objects per kind, kept by every insert and removal below, so the quota admission's
    /// counts (pods in the cluster, Events among all objects) cost a lookup, not a scan: a scan
    /// per create made applying 1,000 Deployments quadratic.
    counts: BTreeMap<Kind, usize>,
}

/// One write: which object, and what it was before (`None` when it was created). After a
/// [`Store::patch`], an old Pod or workload is a slim copy (see [`slim_clone`]): only what the
/// caches and work-queue routing read.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub key: ObjectKey,
    /// Shared with what the store held, so the log and the caches' maps move pointers.
    pub old: Option<Rc<Object>>,
}

impl Store {
    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Object> {
        let namespace = if kind.info().namespaced {
            namespace
        } else {
            ""
        };
        let view = (kind, namespace, name);
        self.objects.get(&view as &dyn KeyView).map(|o| &**o)
    }

    /// Mutable access, recorded as a change (the caller may alter anything, labels included).
    /// Does not stamp a new resourceVersion; prefer [`Store::put`] for real updates.
    pub fn get_mut(&mut self, kind: Kind, namespace: &str, name: &str) -> Option<&mut Object> {
        let key = ObjectKey::new(kind, namespace, name);
        let old = self.objects.get(&key)?.clone();
        if kind == Kind::Service {
            self.holdings_untracked = true;
        }
        self.changes.push(Change {
            key: key.clone(),
            old: Some(old),
        });
        self.objects.get_mut(&key).map(Rc::make_mut)
    }

    pub fn get_typed<T: TypedObject>(&self, namespace: &str, name: &str) -> Option<&T> {
        self.get(T::KIND, namespace, name).and_then(T::from_object)
    }

    /// Objects of `kind`, in one namespace or (`None`) all, ordered by namespace then name.
    pub fn list<'a>(
        &'a self,
        kind: Kind,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let start = ObjectKey {
            kind,
            namespace: namespace.unwrap_or("").to_string(),
            name: String::new(),
        };
        self.objects
            .range(start..)
            .take_while(move |(k, _)| {
                k.kind == kind && namespace.is_none_or(|ns| k.namespace == ns)
            })
            .map(|(_, o)| &**o)
    }

    pub fn list_typed<'a, T: TypedObject + 'a>(
        &'a self,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a T> + 'a {
        self.list(T::KIND, namespace).filter_map(T::from_object)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&ObjectKey, &Object)> {
        self.objects.iter().map(|(k, o)| (k, &**o))
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// How many objects of `kind` are stored (all namespaces).
    pub fn count(&self, kind: Kind) -> usize {
        self.counts.get(&kind).copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Stores `obj`, stamping the next resourceVersion. Returns the stored copy.
    pub fn put(&mut self, obj: Object) -> &Object {
        self.put_boxed(Box::new(obj))
    }

    /// [`Store::put`] of an object already boxed (a controller's action): the box becomes the
    /// shared pointer the store keeps.
    pub fn put_boxed(&mut self, obj: Box<Object>) -> &Object {
        let key = ObjectKey::of(&obj);
        self.put_keyed(key, obj)
    }

    /// [`Store::put_boxed`] under `key`, which must be `ObjectKey::of(&obj)` (a caller that
    /// already made the key saves making it twice: the event recorder).
    pub fn put_keyed(&mut self, key: ObjectKey, mut obj: Box<Object>) -> &Object {
        debug_assert_eq!(key, ObjectKey::of(&obj));
        self.resource_version += 1;
        obj.meta_mut().resource_version = Some(self.resource_version.to_string());
        let obj: Rc<Object> = Rc::from(obj);
        let log = key.kind != Kind::Event;
        // Only a logged write needs the key twice.
        let (map_key, key) = if log {
            (key.clone(), Some(key))
        } else {
            (key, None)
        };
        let kind = map_key.kind;
        let (old, stored) = match self.objects.entry(map_key) {
            Entry::Occupied(mut e) => (Some(e.insert(obj)), &**e.into_mut()),
            Entry::Vacant(e) => {
                *self.counts.entry(kind).or_insert(0) += 1;
                (None, &**e.insert(obj))
            }
        };
        if let Object::Service(svc) = stored {
            if let Some(Object::Service(old)) = old.as_deref() {
                self.service_holdings.track(old, false);
            }
            self.service_holdings.track(svc, true);
        }
        if let Some(key) = key {
            self.changes.push(Change { key, old });
        }
        stored
    }

    pub fn remove(&mut self, key: &ObjectKey) -> Option<Object> {
        let old = self.objects.remove(key)?;
        // An emptied kind leaves no entry, so equal stores compare equal.
        if let Entry::Occupied(mut n) = self.counts.entry(key.kind) {
            *n.get_mut() -= 1;
            if *n.get() == 0 {
                n.remove();
            }
        }
        if let Object::Service(svc) = &*old {
            self.service_holdings.track(svc, false);
        }
        if key.kind != Kind::Event {
            self.changes.push(Change {
                key: key.clone(),
                old: Some(old.clone()),
            });
        }
        // The log holds the other reference, so this is the one copy a removal makes.
        Some(Rc::unwrap_or_clone(old))
    }

    /// Changes an object in place (a status write), stamping a new resourceVersion. Cheaper
    /// than a clone-and-put for pods, whose specs carry large opaque JSON. `f` must not change
    /// the object's kind, namespace or name.
    pub fn patch(&mut self, key: &ObjectKey, f: impl FnOnce(&mut Object)) -> bool {
        // Unshared in a session's own store; a copied store copies the object here, once.
        let Some(obj) = self.objects.get_mut(key).map(Rc::make_mut) else {
            return false;
        };
        let old = Rc::new(slim_clone(obj));
        f(obj);
        if let (Object::Service(before), Object::Service(after)) = (&*old, &*obj) {
            self.service_holdings.track(before, false);
            self.service_holdings.track(after, true);
        }
        self.resource_version += 1;
        obj.meta_mut().resource_version = Some(self.resource_version.to_string());
        if key.kind != Kind::Event {
            self.changes.push(Change {
                key: key.clone(),
                old: Some(old),
            });
        }
        true
    }

    /// The writes since the last call, oldest first.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    pub fn get_key(&self, key: &ObjectKey) -> Option<&Object> {
        self.objects.get(key).map(|o| &**o)
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// What the stored Services hold, or `None` once tracking is off (see the field).
    pub fn service_holdings(&self) -> Option<&Held> {
        (!self.holdings_untracked).then_some(&self.service_holdings)
    }
}

/// What the change log keeps of an object's previous version (see [`Change`]): what the
/// controllers' caches and work-queue routing read of it, no more. That is the metadata
/// (uid, labels, ownerReferences), for a pod also its node, host network, phase and IP, and a
/// Service whole (the address allocator's holdings are taken off it). Cloning whole workloads
/// for every status write made their templates the bulk of the copying.
fn slim_clone(obj: &Object) -> Object {
    match obj {
        Object::Pod(pod) => Object::Pod(Pod {
            metadata: pod.metadata.clone(),
            spec: PodSpec {
                node_name: pod.spec.node_name.clone(),
                host_network: pod.spec.host_network,
                hostname: pod.spec.hostname.clone(),
                subdomain: pod.spec.subdomain.clone(),
                ..PodSpec::default()
            },
            status: pod.status.as_ref().map(|s| PodStatus {
                phase: s.phase.clone(),
                pod_ip: s.pod_ip.clone(),
                ..PodStatus::default()
            }),
            ..Pod::default()
        }),
        Object::Deployment(d) => Object::Deployment(Deployment {
            metadata: d.metadata.clone(),
            ..Deployment::default()
        }),
        Object::ReplicaSet(rs) => Object::ReplicaSet(ReplicaSet {
            metadata: rs.metadata.clone(),
            ..ReplicaSet::default()
        }),
        Object::StatefulSet(sts) => Object::StatefulSet(StatefulSet {
            metadata: sts.metadata.clone(),
            ..StatefulSet::default()
        }),
        _ => obj.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ConfigMap, ObjectMeta};

    fn pod(name: &str) -> Object {
        Object::Pod(Pod {
            metadata: ObjectMeta {
                name: name.into(),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            ..Pod::default()
        })
    }

    /// The per-kind counts always equal a scan, and an emptied kind leaves the store equal to
    /// one that never held it.
    #[test]
    fn counts_follow_every_write() {
        let mut s = Store::default();
        let empty = s.clone();
        let scan = |s: &Store, k| s.list(k, None).count();
        s.put(pod("a"));
        s.put(pod("b"));
        s.put(pod("a"));
        s.patch(&ObjectKey::new(Kind::Pod, "default", "b"), |_| {});
        s.put(Object::ConfigMap(ConfigMap::default()));
        assert_eq!((s.count(Kind::Pod), scan(&s, Kind::Pod)), (2, 2));
        assert_eq!(s.count(Kind::ConfigMap), 1);
        for name in ["a", "b", "missing"] {
            s.remove(&ObjectKey::new(Kind::Pod, "default", name));
        }
        s.remove(&ObjectKey::new(Kind::ConfigMap, "", ""));
        assert_eq!(s.count(Kind::Pod), 0);
        assert_eq!(s.counts, empty.counts);
    }
}
