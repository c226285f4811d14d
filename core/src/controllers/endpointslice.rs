//! The EndpointSlice controllers. For a Service with a selector, slices named `<svc>-<5 chars>`
//! (at most 100 endpoints each, one group per distinct resolved port list) with ready / serving /
//! terminating conditions, owned by the Service. For a selector-less Service, the user's
//! Endpoints are mirrored into slices, as the EndpointSliceMirroring controller does.

use std::collections::{BTreeMap, BTreeSet};

use super::endpoints::{endpoint_hostname, pod_ports, pod_target_ref, selected_pods, TRIGGER_TIME};
use super::{controller_ref, has_selector, names, Action, Ctx};
use crate::api::*;
use crate::store::ObjectKey;

pub const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
pub const CONTROLLER: &str = "endpointslice-controller.k8s.io";
pub const MIRRORING: &str = "endpointslicemirroring-controller.k8s.io";
pub const SERVICE_NAME: &str = "kubernetes.io/service-name";
const MAX_PER_SLICE: usize = 100;

/// One desired slice: its ports and endpoints.
type Desired = (Vec<EndpointPort>, Vec<SliceEndpoint>);

pub fn plan(ctx: &mut Ctx<'_>, keys: &BTreeSet<ObjectKey>) -> Vec<Action> {
    let mut actions = Vec::new();
    for key in keys {
        let Some(svc) = ctx.store.get_typed::<Service>(&key.namespace, &key.name) else {
            continue; // The garbage collector removes the slices it owned.
        };
        let (manager, desired) = if has_selector(svc) {
            (CONTROLLER, from_pods(ctx, svc))
        } else if svc.type_() == "ExternalName" {
            (MIRRORING, Vec::new())
        } else {
            (MIRRORING, mirror(ctx, svc))
        };
        reconcile_slices(ctx, svc, manager, desired, &mut actions);
    }
    actions
}

fn from_pods(ctx: &Ctx<'_>, svc: &Service) -> Vec<Desired> {
    let publish_all = svc.spec.publish_not_ready_addresses == Some(true);
    let mut groups: BTreeMap<String, Desired> = BTreeMap::new();
    for pod in selected_pods(ctx, svc) {
        let ports = pod_ports(svc, pod, Some(String::new()));
        if ports.is_empty() && !svc.spec.ports.is_empty() {
            continue;
        }
        let terminating = pod.metadata.deletion_timestamp.is_some();
        let ready = pod.is_ready();
        let endpoint = SliceEndpoint {
            addresses: vec![pod.ip().unwrap_or_default().to_string()],
            conditions: EndpointConditions {
                ready: Some(publish_all || (ready && !terminating)),
                serving: Some(publish_all || ready),
                terminating: Some(terminating),
            },
            hostname: endpoint_hostname(svc, pod),
            node_name: pod.spec.node_name.clone(),
            target_ref: Some(pod_target_ref(pod)),
            zone: None,
        };
        let group_key = serde_json::to_string(&ports).unwrap_or_default();
        groups
            .entry(group_key)
            .or_insert_with(|| (ports, Vec::new()))
            .1
            .push(endpoint);
    }
    let mut out = Vec::new();
    for (ports, endpoints) in groups.into_values() {
        for chunk in endpoints.chunks(MAX_PER_SLICE) {
            out.push((ports.clone(), chunk.to_vec()));
        }
    }
    out
}

fn mirror(ctx: &Ctx<'_>, svc: &Service) -> Vec<Desired> {
    let ns = svc.metadata.namespace.as_deref().unwrap_or("");
    let Some(ep) = ctx.store.get_typed::<Endpoints>(ns, &svc.metadata.name) else {
        return Vec::new();
    };
    if ep
        .metadata
        .labels
        .get("endpointslice.kubernetes.io/skip-mirror")
        .map(String::as_str)
        == Some("true")
    {
        return Vec::new();
    }
    let convert = |a: &EndpointAddress, ready: bool| SliceEndpoint {
        addresses: vec![a.ip.clone()],
        conditions: EndpointConditions {
            ready: Some(ready),
            serving: None,
            terminating: None,
        },
        hostname: a.hostname.clone(),
        node_name: a.node_name.clone(),
        target_ref: a.target_ref.clone(),
        zone: None,
    };
    ep.subsets
        .iter()
        .map(|s| {
            let ports = s
                .ports
                .iter()
                .map(|p| EndpointPort {
                    name: Some(p.name.clone().unwrap_or_default()),
                    ..p.clone()
                })
                .collect();
            let endpoints = s
                .addresses
                .iter()
                .map(|a| convert(a, true))
                .chain(s.not_ready_addresses.iter().map(|a| convert(a, false)))
                .collect();
            (ports, endpoints)
        })
        .collect()
}

/// Matches desired slices to the existing ones (same ports first, then any), updating,
/// creating and deleting as needed. A selector Service always keeps at least one slice.
fn reconcile_slices(
    ctx: &mut Ctx<'_>,
    svc: &Service,
    manager: &str,
    mut desired: Vec<Desired>,
    actions: &mut Vec<Action>,
) {
    let ns = svc.metadata.namespace.clone().unwrap_or_default();
    let uid = svc.metadata.uid.clone().unwrap_or_default();
    let store = ctx.store;
    let mut existing: Vec<&EndpointSlice> = ctx
        .index
        .dependents_of(&uid)
        .filter(|k| k.kind == Kind::EndpointSlice)
        .filter_map(|k| store.get_typed::<EndpointSlice>(&k.namespace, &k.name))
        .filter(|s| s.metadata.labels.get(MANAGED_BY).map(String::as_str) == Some(manager))
        .collect();
    if desired.is_empty() && manager == CONTROLLER {
        desired.push((Vec::new(), Vec::new()));
    }
    let mut labels = svc.metadata.labels.clone();
    labels.insert(MANAGED_BY.into(), manager.into());
    labels.insert(SERVICE_NAME.into(), svc.metadata.name.clone());
    if svc.is_headless() {
        labels.insert("service.kubernetes.io/headless".into(), String::new());
    }
    let mut unmatched: Vec<Desired> = Vec::new();
    for d in desired {
        match existing.iter().position(|s| s.ports == d.0) {
            Some(i) => update(ctx, existing.remove(i), d, &labels, actions),
            None => unmatched.push(d),
        }
    }
    for d in unmatched {
        if existing.is_empty() {
            let slice = new_slice(ctx, svc, &ns, &labels, d);
            actions.push(Action::create(Object::EndpointSlice(slice)));
        } else {
            let s = existing.remove(0);
            update(ctx, s, d, &labels, actions);
        }
    }
    for s in existing {
        actions.push(Action::Remove(ObjectKey::new(
            Kind::EndpointSlice,
            &ns,
            &s.metadata.name,
        )));
    }
}

fn update(
    ctx: &Ctx<'_>,
    slice: &EndpointSlice,
    (ports, endpoints): Desired,
    labels: &Labels,
    actions: &mut Vec<Action>,
) {
    if slice.ports == ports && slice.endpoints == endpoints && slice.metadata.labels == *labels {
        return;
    }
    let mut s = slice.clone();
    s.ports = ports;
    s.endpoints = endpoints;
    s.metadata.labels = labels.clone();
    s.metadata
        .annotations
        .insert(TRIGGER_TIME.into(), ctx.now.to_rfc3339());
    s.metadata.generation = Some(s.metadata.generation.unwrap_or(1) + 1);
    actions.push(Action::update(Object::EndpointSlice(s)));
}

fn new_slice(
    ctx: &mut Ctx<'_>,
    svc: &Service,
    ns: &str,
    labels: &Labels,
    (ports, endpoints): Desired,
) -> EndpointSlice {
    let prefix = format!("{}-", svc.metadata.name);
    let name = loop {
        let candidate = format!("{prefix}{}", names::random_suffix(ctx.rng, 5));
        if ctx.store.get(Kind::EndpointSlice, ns, &candidate).is_none() {
            break candidate;
        }
    };
    let mut annotations = BTreeMap::new();
    annotations.insert(TRIGGER_TIME.to_string(), ctx.now.to_rfc3339());
    EndpointSlice {
        metadata: ObjectMeta {
            name,
            generate_name: Some(prefix),
            namespace: Some(ns.to_string()),
            labels: labels.clone(),
            annotations,
            owner_references: vec![controller_ref(Kind::Service, &svc.metadata)],
            generation: Some(1),
            ..ObjectMeta::default()
        },
        address_type: "IPv4".into(),
        endpoints,
        ports,
        ..EndpointSlice::default()
    }
}
