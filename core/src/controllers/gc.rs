//! The garbage collector and the namespace controller.
//!
//! Garbage collection follows ownerReferences: an object all of whose (simulated) owners are gone
//! is deleted, pods gracefully; an owner that is one of several and gone is dropped from the
//! list. Owner kinds the simulation does not store (DaemonSet for kube-proxy, calico-node) are
//! taken to exist.
//!
//! A namespace being deleted is Terminating until everything in it is gone; a live namespace
//! gets its `kube-root-ca.crt` ConfigMap, as the root-ca-cert-publisher does.

use std::collections::{BTreeMap, BTreeSet};

use super::{Action, Ctx};
use crate::api::*;
use crate::store::ObjectKey;

pub const ROOT_CA: &str = "kube-root-ca.crt";

pub fn plan_orphans(ctx: &mut Ctx<'_>, keys: &BTreeSet<ObjectKey>) -> Vec<Action> {
    let mut actions = Vec::new();
    for key in keys {
        let Some(obj) = ctx.store.get_key(key) else {
            continue;
        };
        let owners = &obj.meta().owner_references;
        let missing = |o: &&OwnerReference| {
            let simulated = Kind::from_api_version_kind(&o.api_version, &o.kind).is_some();
            simulated && ctx.index.key_of_uid(&o.uid).is_none()
        };
        let gone: Vec<&OwnerReference> = owners.iter().filter(missing).collect();
        if gone.is_empty() {
            continue;
        }
        if gone.len() == owners.len() {
            actions.push(Action::Delete {
                key: key.clone(),
                grace: None,
            });
        } else {
            let mut obj = obj.clone();
            obj.meta_mut().owner_references.retain(|o| {
                ctx.index.key_of_uid(&o.uid).is_some()
                    || Kind::from_api_version_kind(&o.api_version, &o.kind).is_none()
            });
            actions.push(Action::update(obj));
        }
    }
    actions
}

pub fn plan_namespaces(ctx: &mut Ctx<'_>, keys: &BTreeSet<ObjectKey>) -> Vec<Action> {
    let mut actions = Vec::new();
    for key in keys {
        let Some(ns) = ctx.store.get_typed::<Namespace>("", &key.name) else {
            continue;
        };
        if ns.metadata.deletion_timestamp.is_some() {
            empty_namespace(ctx, &key.name, &mut actions);
        } else if ctx.store.get(Kind::ConfigMap, &key.name, ROOT_CA).is_none() {
            actions.push(Action::create(Object::ConfigMap(root_ca(&key.name))));
        }
    }
    actions
}

fn empty_namespace(ctx: &Ctx<'_>, ns: &str, actions: &mut Vec<Action>) {
    // Pods wait out their grace period; everything else goes now.
    let mut pods_left = 0;
    for kind in Kind::ALL.iter().filter(|k| k.info().namespaced) {
        for obj in ctx.store.list(*kind, Some(ns)) {
            pods_left += usize::from(obj.kind() == Kind::Pod);
            let key = ObjectKey::of(obj);
            match obj {
                Object::Pod(p) if p.metadata.deletion_timestamp.is_some() => {}
                Object::Pod(_) => actions.push(Action::Delete { key, grace: None }),
                _ => actions.push(Action::Remove(key)),
            }
        }
    }
    if pods_left == 0 {
        actions.push(Action::Remove(ObjectKey::new(Kind::Namespace, "", ns)));
    }
}

fn root_ca(ns: &str) -> ConfigMap {
    let mut data = BTreeMap::new();
    data.insert("ca.crt".to_string(), CA_PEM.to_string());
    let mut annotations = BTreeMap::new();
    annotations.insert(
        "kubernetes.io/description".to_string(),
        "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".to_string(),
    );
    ConfigMap {
        metadata: ObjectMeta {
            name: ROOT_CA.into(),
            namespace: Some(ns.into()),
            annotations,
            ..ObjectMeta::default()
        },
        data,
        ..ConfigMap::default()
    }
}

/// The cluster CA certificate (a fixed, syntactically plausible PEM; nothing verifies it).
pub const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIDBTCCAe2gAwIBAgIIUz5n0E0rX4wwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE
AxMKa3ViZXJuZXRlczAeFw0yNjAxMDUwODU1MDBaFw0zNjAxMDMwOTAwMDBaMBUx
EzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
AoIBAQC5kubeplaysimulatedclustercertificateauthorityAAAAAAAAAAAA
-----END CERTIFICATE-----
";
