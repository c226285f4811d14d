//! The Service environment variables the kubelet gives a container (reference §1): a snapshot
//! of the Services that existed when the container started, from the pod's namespace (if
//! `enableServiceLinks` is not false) plus `default/kubernetes` always; headless and
//! ExternalName Services contribute nothing.

use crate::api::*;
use crate::cluster::Cluster;
use crate::sim::Time;

/// The Service variables for `pod`, in the kubelet's generation order per Service (Services by
/// name). Real kubelets emit them from a Go map, so callers should treat the order as a set.
/// Variables the container declares itself are the caller's to merge: declared ones win.
pub fn service_env(cluster: &Cluster, pod: &Pod) -> Vec<(String, String)> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let started = container_start(pod);
    let existed = |s: &Service| {
        s.metadata
            .creation_timestamp
            .is_none_or(|c| started.is_none_or(|t| c <= t))
    };
    let mut services: Vec<&Service> = Vec::new();
    if pod.spec.enable_service_links != Some(false) {
        let names = cluster.net.index.services_by_namespace.get(ns);
        let from_index: Vec<&Service> = match names {
            Some(names) if cluster.net.index_is_fresh(&cluster.store) => names
                .iter()
                .filter_map(|n| cluster.store.get_typed::<Service>(ns, n))
                .collect(),
            _ => cluster.store.list_typed::<Service>(Some(ns)).collect(),
        };
        services.extend(from_index.into_iter().filter(|s| existed(s)));
    }
    if ns != "default" || pod.spec.enable_service_links == Some(false) {
        if let Some(k) = cluster.store.get_typed::<Service>("default", "kubernetes") {
            if existed(k) {
                services.push(k);
            }
        }
    }
    services.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    services.dedup_by(|a, b| {
        a.metadata.name == b.metadata.name && a.metadata.namespace == b.metadata.namespace
    });
    services.iter().flat_map(|s| vars_for(s)).collect()
}

/// When the kubelet computed the environment: the first running container's start, else the
/// pod's start time; `None` (not started yet) means "now", so every existing Service counts.
fn container_start(pod: &Pod) -> Option<Time> {
    let status = pod.status.as_ref()?;
    status
        .container_statuses
        .iter()
        .filter_map(|c| c.state.running.as_ref()?.started_at)
        .min()
        .or(status.start_time)
}

/// The variables of one Service, or none for headless/ExternalName ones.
pub fn vars_for(svc: &Service) -> Vec<(String, String)> {
    let Some(ip) = svc
        .spec
        .cluster_ip
        .as_deref()
        .filter(|ip| !ip.is_empty() && *ip != "None")
    else {
        return Vec::new();
    };
    if svc.type_() == "ExternalName" || svc.spec.ports.is_empty() {
        return Vec::new();
    }
    let prefix = mangle(&svc.metadata.name);
    let url_ip = if ip.contains(':') {
        format!("[{ip}]")
    } else {
        ip.to_string()
    };
    let first = &svc.spec.ports[0];
    let proto = |p: &ServicePort| p.protocol.clone().unwrap_or_else(|| "TCP".into());
    let mut out = vec![
        (format!("{prefix}_SERVICE_HOST"), ip.to_string()),
        (format!("{prefix}_SERVICE_PORT"), first.port.to_string()),
    ];
    for p in &svc.spec.ports {
        if let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) {
            out.push((
                format!("{prefix}_SERVICE_PORT_{}", mangle(name)),
                p.port.to_string(),
            ));
        }
    }
    out.push((
        format!("{prefix}_PORT"),
        format!(
            "{}://{url_ip}:{}",
            proto(first).to_ascii_lowercase(),
            first.port
        ),
    ));
    for p in &svc.spec.ports {
        let upper = proto(p).to_ascii_uppercase();
        let lower = proto(p).to_ascii_lowercase();
        let base = format!("{prefix}_PORT_{}_{upper}", p.port);
        out.push((base.clone(), format!("{lower}://{url_ip}:{}", p.port)));
        out.push((format!("{base}_PROTO"), lower));
        out.push((format!("{base}_PORT"), p.port.to_string()));
        out.push((format!("{base}_ADDR"), ip.to_string()));
    }
    out
}

/// `redis-primary` → `REDIS_PRIMARY`: upper-case, dashes to underscores, nothing else.
fn mangle(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

/// The environment a container starts with, as far as the kubelet builds it: the container's own
/// `env` (literal values, with `$(VAR)` expanded against earlier entries and the Service
/// variables, `$$` escaping), then the Service variables it does not override. `valueFrom`
/// entries (ConfigMap, fieldRef…) are left to the caller and skipped here.
pub fn container_env(cluster: &Cluster, pod: &Pod, container: &str) -> Vec<(String, String)> {
    let services = service_env(cluster, pod);
    let declared = pod
        .spec
        .containers
        .iter()
        .find(|c| c.name == container)
        .map(|c| c.env.as_slice())
        .unwrap_or(&[]);
    let mut out: Vec<(String, String)> = Vec::new();
    for var in declared {
        let Some(raw) = var.value.as_deref() else {
            continue;
        };
        let value = expand(raw, &out, &services);
        out.retain(|(k, _)| *k != var.name);
        out.push((var.name.clone(), value));
    }
    for (k, v) in services {
        if !out.iter().any(|(name, _)| *name == k) {
            out.push((k, v));
        }
    }
    out
}

/// Kubernetes' `$(VAR)` expansion: known names are replaced, unknown ones kept verbatim,
/// `$$` yields a literal `$`.
fn expand(raw: &str, declared: &[(String, String)], services: &[(String, String)]) -> String {
    let lookup = |name: &str| {
        declared
            .iter()
            .rev()
            .chain(services.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut out = String::new();
    let mut rest = raw;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some((name, tail)) = after.strip_prefix('(').and_then(|a| a.split_once(')')) {
            match lookup(name) {
                Some(v) => out.push_str(&v),
                None => out.push_str(&format!("$({name})")),
            }
            rest = tail;
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
