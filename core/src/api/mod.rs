//! The API objects the simulation knows, as hand-written serde types shaped like the real JSON.
//!
//! Hand-written rather than `k8s-openapi`: see ARCHITECTURE.md "Design decisions" for the
//! bundle-size measurement behind that choice. Fields the simulation does not interpret but that
//! real manifests carry (volumes, probes, resources…) are accepted as opaque JSON and kept, so
//! only truly unknown fields are rejected (`deny_unknown_fields`).

pub mod cluster;
pub mod meta;
pub mod pod;
pub mod policy;
pub mod service;
pub mod workload;

pub use cluster::*;
pub use meta::*;
pub use pod::*;
pub use policy::*;
pub use service::*;
pub use workload::*;

use serde_json::Value;

/// Static facts about one kind: names as kubectl and the apiserver spell them.
pub struct KindInfo {
    pub kind: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
}

macro_rules! kinds {
    ($( $variant:ident => $ty:ty, $group:literal, $version:literal, $plural:literal, [$($short:literal),*], $ns:literal; )*) => {
        /// Every kind the simulation serves, in kubectl's `api-resources` order within groups.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            pub fn info(self) -> &'static KindInfo {
                match self {
                    $(Kind::$variant => &KindInfo {
                        kind: stringify!($variant),
                        group: $group,
                        version: $version,
                        plural: $plural,
                        short_names: &[$($short),*],
                        namespaced: $ns,
                    },)*
                }
            }
        }

        /// One stored object of any kind.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object { $($variant($ty)),* }

        impl Object {
            pub fn kind(&self) -> Kind {
                match self { $(Object::$variant(_) => Kind::$variant),* }
            }

            pub fn meta(&self) -> &ObjectMeta {
                match self { $(Object::$variant(o) => &o.metadata),* }
            }

            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$variant(o) => &mut o.metadata),* }
            }

            /// The object as JSON with `apiVersion`/`kind` filled in and keys sorted, which is
            /// what `-o json`, `-o yaml` and JSONPath operate on.
            pub fn to_value(&self) -> Value {
                let mut v = match self {
                    $(Object::$variant(o) => serde_json::to_value(o),)*
                }.unwrap_or(Value::Null);
                if let Value::Object(map) = &mut v {
                    let info = self.kind().info();
                    map.insert("apiVersion".into(), Value::String(info.api_version()));
                    map.insert("kind".into(), Value::String(info.kind.into()));
                }
                v
            }

            /// Decodes a manifest's JSON into the typed object of `kind`. Errors carry serde's
            /// message; callers turn them into the apiserver's wording.
            pub fn from_value(kind: Kind, value: Value) -> Result<Object, serde_json::Error> {
                Ok(match kind {
                    $(Kind::$variant => Object::$variant(serde_json::from_value(value)?),)*
                })
            }
        }

        $(
            impl From<$ty> for Object {
                fn from(o: $ty) -> Object { Object::$variant(o) }
            }

            impl TypedObject for $ty {
                const KIND: Kind = Kind::$variant;
                fn from_object(o: &Object) -> Option<&Self> {
                    match o { Object::$variant(x) => Some(x), _ => None }
                }
                fn from_object_mut(o: &mut Object) -> Option<&mut Self> {
                    match o { Object::$variant(x) => Some(x), _ => None }
                }
                fn metadata(&self) -> &ObjectMeta { &self.metadata }
            }
        )*
    };
}

kinds! {
    Namespace => Namespace, "", "v1", "namespaces", ["ns"], false;
    Node => Node, "", "v1", "nodes", ["no"], false;
    Pod => Pod, "", "v1", "pods", ["po"], true;
    Service => Service, "", "v1", "services", ["svc"], true;
    Endpoints => Endpoints, "", "v1", "endpoints", ["ep"], true;
    ConfigMap => ConfigMap, "", "v1", "configmaps", ["cm"], true;
    Event => Event, "", "v1", "events", ["ev"], true;
    Deployment => Deployment, "apps", "v1", "deployments", ["deploy"], true;
    ReplicaSet => ReplicaSet, "apps", "v1", "replicasets", ["rs"], true;
    StatefulSet => StatefulSet, "apps", "v1", "statefulsets", ["sts"], true;
    EndpointSlice => EndpointSlice, "discovery.k8s.io", "v1", "endpointslices", [], true;
    NetworkPolicy => NetworkPolicy, "networking.k8s.io", "v1", "networkpolicies", ["netpol"], true;
}

/// Implemented by every object type so generic store code can reach the typed value.
pub trait TypedObject: Sized + Into<Object> {
    const KIND: Kind;
    fn from_object(o: &Object) -> Option<&Self>;
    fn from_object_mut(o: &mut Object) -> Option<&mut Self>;
    fn metadata(&self) -> &ObjectMeta;
}

impl KindInfo {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployment.apps` / `service`: the prefix kubectl prints in `deployment.apps/x created`.
    pub fn singular_qualified(&self) -> String {
        qualify(&self.kind.to_ascii_lowercase(), self.group)
    }

    /// `deployments.apps` / `services`: the resource kubectl names in NotFound errors.
    pub fn plural_qualified(&self) -> String {
        qualify(self.plural, self.group)
    }
}

fn qualify(name: &str, group: &str) -> String {
    if group.is_empty() {
        name.to_string()
    } else {
        format!("{name}.{group}")
    }
}

impl Kind {
    /// Resolves what a user types as a resource type: plural, singular, short name, kind, with an
    /// optional `.group` suffix (`deploy`, `deployments.apps`, `Deployment`, `svc`).
    pub fn from_resource(typed: &str) -> Option<Kind> {
        let lower = typed.to_ascii_lowercase();
        let (name, group) = match lower.split_once('.') {
            Some((n, g)) => (n.to_string(), Some(g.to_string())),
            None => (lower.clone(), None),
        };
        Kind::ALL.iter().copied().find(|k| {
            let i = k.info();
            let name_ok = name == i.plural
                || name == i.kind.to_ascii_lowercase()
                || i.short_names.contains(&name.as_str());
            let group_ok = match &group {
                None => true,
                Some(g) => *g == i.group || g.starts_with(&format!("{}/", i.group)),
            };
            name_ok && group_ok
        })
    }

    /// Resolves a manifest's `apiVersion` + `kind`.
    pub fn from_api_version_kind(api_version: &str, kind: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.info().kind == kind && k.info().api_version() == api_version)
    }
}
