//! The object store: every API object keyed by (kind, namespace, name) in a `BTreeMap`, so
//! iteration order is defined and identical on every target.

use std::collections::BTreeMap;

use crate::api::{Kind, Object, TypedObject};

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

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store {
    objects: BTreeMap<ObjectKey, Object>,
    resource_version: u64,
}

impl Store {
    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Object> {
        self.objects.get(&ObjectKey::new(kind, namespace, name))
    }

    pub fn get_mut(&mut self, kind: Kind, namespace: &str, name: &str) -> Option<&mut Object> {
        self.objects.get_mut(&ObjectKey::new(kind, namespace, name))
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
        self.objects
            .iter()
            .filter(move |(k, _)| k.kind == kind && namespace.is_none_or(|ns| k.namespace == ns))
            .map(|(_, o)| o)
    }

    pub fn list_typed<'a, T: TypedObject + 'a>(
        &'a self,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a T> + 'a {
        self.list(T::KIND, namespace).filter_map(T::from_object)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&ObjectKey, &Object)> {
        self.objects.iter()
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Stores `obj`, stamping the next resourceVersion. Returns the stored copy.
    pub fn put(&mut self, mut obj: Object) -> &Object {
        self.resource_version += 1;
        obj.meta_mut().resource_version = Some(self.resource_version.to_string());
        let key = ObjectKey::of(&obj);
        self.objects.insert(key.clone(), obj);
        &self.objects[&key]
    }

    pub fn remove(&mut self, key: &ObjectKey) -> Option<Object> {
        self.objects.remove(key)
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }
}
