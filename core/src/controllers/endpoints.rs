//! The Endpoints controller: for every Service with a selector, an Endpoints object of the same
//! name listing the selected pods' IPs (Ready ones under `addresses`, the others under
//! `notReadyAddresses`), grouped into subsets by their resolved ports. Selector-less Services'
//! Endpoints belong to the user and are left alone; a deleted Service's Endpoints go with it.

use std::collections::{BTreeMap, BTreeSet};

use super::{has_selector, Action, Ctx};
use crate::api::*;
use crate::store::ObjectKey;

pub const MANAGED_BY: &str = "endpoints.kubernetes.io/managed-by";
pub const TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";

pub fn plan(ctx: &mut Ctx<'_>, keys: &BTreeSet<ObjectKey>) -> Vec<Action> {
    let mut actions = Vec::new();
    for key in keys {
        let ep_key = ObjectKey::new(Kind::Endpoints, &key.namespace, &key.name);
        let existing = ctx.store.get_typed::<Endpoints>(&key.namespace, &key.name);
        let Some(svc) = ctx.store.get_typed::<Service>(&key.namespace, &key.name) else {
            if existing.is_some() {
                actions.push(Action::Remove(ep_key));
            }
            continue;
        };
        if !has_selector(svc) {
            continue;
        }
        let subsets = subsets(ctx, svc);
        // Since 1.33 the controller marks the Endpoints it writes (KEP-4974).
        let mut labels = svc.metadata.labels.clone();
        labels.insert(MANAGED_BY.into(), "endpoint-controller".into());
        match existing {
            Some(ep) if ep.subsets == subsets && ep.metadata.labels == labels => {}
            Some(ep) => {
                let mut ep = ep.clone();
                ep.subsets = subsets;
                ep.metadata.labels = labels;
                ep.metadata
                    .annotations
                    .insert(TRIGGER_TIME.into(), ctx.now.to_rfc3339());
                actions.push(Action::update(Object::Endpoints(ep)));
            }
            None => {
                let mut annotations = BTreeMap::new();
                annotations.insert(TRIGGER_TIME.to_string(), ctx.now.to_rfc3339());
                let ep = Endpoints {
                    metadata: ObjectMeta {
                        name: key.name.clone(),
                        namespace: Some(key.namespace.clone()),
                        labels,
                        annotations,
                        ..ObjectMeta::default()
                    },
                    subsets,
                    ..Endpoints::default()
                };
                actions.push(Action::create(Object::Endpoints(ep)));
            }
        }
    }
    actions
}

/// The pods a selector Service routes to, in name order: selected, holding an IP, not
/// finished. Terminating pods are included; callers decide what that means.
pub fn selected_pods<'s>(ctx: &Ctx<'s>, svc: &Service) -> Vec<&'s Pod> {
    let ns = svc.metadata.namespace.as_deref().unwrap_or("");
    let Some(selector) = svc.spec.selector.as_ref() else {
        return Vec::new();
    };
    let store = ctx.store;
    ctx.index
        .pods_with_labels(ns, selector)
        .iter()
        .filter_map(|&name| store.get_typed::<Pod>(ns, name))
        .filter(|p| p.ip().is_some())
        .filter(|p| {
            let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
            !matches!(phase, Some("Succeeded" | "Failed"))
        })
        .collect()
}

/// The Service's ports as this pod serves them (named targetPorts resolved against the pod's
/// container ports; a port the pod lacks is left out).
pub fn pod_ports(svc: &Service, pod: &Pod, unnamed: Option<String>) -> Vec<EndpointPort> {
    svc.spec
        .ports
        .iter()
        .filter_map(|sp| {
            let protocol = sp.protocol.clone().unwrap_or_else(|| "TCP".into());
            let target = sp.target_port.clone().unwrap_or(IntOrString::Int(sp.port));
            let port = match target {
                IntOrString::Int(0) => sp.port,
                t => pod.resolve_target_port(&t, &protocol)?,
            };
            Some(EndpointPort {
                name: sp.name.clone().or_else(|| unnamed.clone()),
                port: Some(port),
                protocol: Some(protocol),
                app_protocol: sp.app_protocol.clone(),
            })
        })
        .collect()
}

/// `hostname` for a pod behind `svc`: set when the pod's hostname and subdomain name this
/// (headless) Service, which is what gives `web-0.nginx.default.svc.cluster.local` its record.
pub fn endpoint_hostname(svc: &Service, pod: &Pod) -> Option<String> {
    let hostname = pod.spec.hostname.as_ref()?;
    (pod.spec.subdomain.as_deref() == Some(svc.metadata.name.as_str()) && !hostname.is_empty())
        .then(|| hostname.clone())
}

pub fn pod_target_ref(pod: &Pod) -> ObjectReference {
    ObjectReference {
        kind: Some("Pod".into()),
        name: Some(pod.metadata.name.clone()),
        namespace: pod.metadata.namespace.clone(),
        uid: pod.metadata.uid.clone(),
        ..ObjectReference::default()
    }
}

fn subsets(ctx: &Ctx<'_>, svc: &Service) -> Vec<EndpointSubset> {
    let publish_all = svc.spec.publish_not_ready_addresses == Some(true);
    let mut groups: BTreeMap<String, EndpointSubset> = BTreeMap::new();
    for pod in selected_pods(ctx, svc) {
        if pod.metadata.deletion_timestamp.is_some() && !publish_all {
            continue;
        }
        let ports = pod_ports(svc, pod, None);
        if ports.is_empty() && !svc.spec.ports.is_empty() {
            continue;
        }
        let addr = EndpointAddress {
            ip: pod.ip().unwrap_or_default().to_string(),
            hostname: endpoint_hostname(svc, pod),
            node_name: pod.spec.node_name.clone(),
            target_ref: Some(pod_target_ref(pod)),
        };
        let group_key = serde_json::to_string(&ports).unwrap_or_default();
        let subset = groups.entry(group_key).or_insert_with(|| EndpointSubset {
            ports,
            ..EndpointSubset::default()
        });
        if pod.is_ready() || publish_all {
            subset.addresses.push(addr);
        } else {
            subset.not_ready_addresses.push(addr);
        }
    }
    let mut out: Vec<EndpointSubset> = groups.into_values().collect();
    for s in &mut out {
        s.addresses.sort_by(|a, b| a.ip.cmp(&b.ip));
        s.not_ready_addresses.sort_by(|a, b| a.ip.cmp(&b.ip));
    }
    out
}
