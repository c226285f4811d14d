//! The columns and cells of `kubectl get` per kind (`pkg/printers/internalversion/printers.go`).
//! `header` gives the default and `-o wide` columns; `cells` renders one object's row, NAME
//! first, without the NAMESPACE/LABELS decorations `get` adds around it.

use crate::api::*;
use crate::cluster::Cluster;
use crate::kubectl::duration;
use crate::sim::Time;

/// Column names for `kind`, wide ones included when `wide`.
pub fn header(kind: Kind, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        Kind::Pod => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        Kind::Deployment => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::ReplicaSet => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::StatefulSet => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        Kind::Service => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        Kind::Endpoints => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        Kind::EndpointSlice => (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &[]),
        Kind::Namespace => (&["NAME", "STATUS", "AGE"], &[]),
        Kind::NetworkPolicy => (&["NAME", "POD-SELECTOR", "AGE"], &[]),
        Kind::Node => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        Kind::ConfigMap => (&["NAME", "DATA", "AGE"], &[]),
        Kind::Event => (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &[]),
    };
    let mut h = base.to_vec();
    if wide {
        h.extend_from_slice(extra);
    }
    h
}

/// Index of the NAME column (events have none: their OBJECT column names the subject).
pub fn name_column(kind: Kind) -> Option<usize> {
    (kind != Kind::Event).then_some(0)
}

pub fn age(now: Time, t: Option<Time>) -> String {
    match t {
        Some(t) => duration::human(now.since(t)),
        None => "<unknown>".into(),
    }
}

fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

/// The row of `obj`, NAME first.
pub fn cells(cluster: &Cluster, obj: &Object, wide: bool) -> Vec<String> {
    let now = cluster.now;
    let meta = obj.meta();
    let name = meta.name.clone();
    let a = age(now, meta.creation_timestamp);
    let mut row = match obj {
        Object::Pod(p) => pod_cells(now, p, wide),
        Object::Deployment(_) | Object::ReplicaSet(_) | Object::StatefulSet(_) => {
            workload_cells(obj, name, a, wide)
        }
        Object::Service(s) => service_cells(s, name, a, wide),
        Object::Endpoints(e) => vec![name, endpoints_cell(e), a],
        Object::EndpointSlice(s) => vec![
            name,
            s.address_type.clone(),
            slice_ports(s),
            slice_endpoints(s),
            a,
        ],
        Object::Namespace(ns) => {
            let phase = ns
                .status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Active".into());
            vec![name, phase, a]
        }
        Object::NetworkPolicy(np) => {
            let sel = selector_string(Some(&np.spec.pod_selector));
            vec![name, sel, a]
        }
        Object::Node(n) => node_cells(n, name, a, wide),
        Object::ConfigMap(cm) => vec![name, (cm.data.len() + cm.binary_data.len()).to_string(), a],
        Object::Event(e) => event_cells(now, e),
    };
    row.iter_mut().for_each(|c| {
        if c.contains('\n') {
            *c = c.replace('\n', " ");
        }
    });
    row
}

fn workload_cells(obj: &Object, name: String, age: String, wide: bool) -> Vec<String> {
    match obj {
        Object::Deployment(d) => {
            let st = d.status.clone().unwrap_or_default();
            let mut r = vec![
                name,
                format!(
                    "{}/{}",
                    st.ready_replicas.unwrap_or(0),
                    d.spec.replicas.unwrap_or(1)
                ),
                st.updated_replicas.unwrap_or(0).to_string(),
                st.available_replicas.unwrap_or(0).to_string(),
                age,
            ];
            if wide {
                r.extend(template_cells(&d.spec.template));
                r.push(selector_string(d.spec.selector.as_ref()));
            }
            r
        }
        Object::ReplicaSet(rs) => {
            let st = rs.status.clone().unwrap_or_default();
            let mut r = vec![
                name,
                rs.spec.replicas.unwrap_or(1).to_string(),
                st.replicas.to_string(),
                st.ready_replicas.unwrap_or(0).to_string(),
                age,
            ];
            if wide {
                r.extend(template_cells(&rs.spec.template));
                r.push(selector_string(rs.spec.selector.as_ref()));
            }
            r
        }
        Object::StatefulSet(s) => {
            let st = s.status.clone().unwrap_or_default();
            let ready = format!(
                "{}/{}",
                st.ready_replicas.unwrap_or(0),
                s.spec.replicas.unwrap_or(1)
            );
            let mut r = vec![name, ready, age];
            if wide {
                r.extend(template_cells(&s.spec.template));
            }
            r
        }
        _ => vec![name],
    }
}

fn template_cells(t: &PodTemplateSpec) -> [String; 2] {
    let names: Vec<&str> = t.spec.containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = t
        .spec
        .containers
        .iter()
        .map(|c| c.image.as_deref().unwrap_or(""))
        .collect();
    [names.join(","), images.join(",")]
}

/// `metav1.LabelSelectorAsSelector(sel).String()`; `<none>` for empty.
pub fn selector_string(sel: Option<&LabelSelector>) -> String {
    let Some(sel) = sel else {
        return "<none>".into();
    };
    let mut terms: Vec<(String, String)> = sel
        .match_labels
        .iter()
        .map(|(k, v)| (k.clone(), format!("{k}={v}")))
        .collect();
    for r in &sel.match_expressions {
        let mut values = r.values.clone();
        values.sort();
        let t = match r.operator.as_str() {
            "In" => format!("{} in ({})", r.key, values.join(",")),
            "NotIn" => format!("{} notin ({})", r.key, values.join(",")),
            "Exists" => r.key.clone(),
            "DoesNotExist" => format!("!{}", r.key),
            _ => continue,
        };
        terms.push((r.key.clone(), t));
    }
    terms.sort();
    or_none(
        terms
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join(","),
    )
}

fn pod_cells(now: Time, p: &Pod, wide: bool) -> Vec<String> {
    let st = p.status.clone().unwrap_or_default();
    let total = p.spec.containers.len();
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<Time> = None;
    let mut reason = st
        .reason
        .clone()
        .or_else(|| st.phase.clone())
        .unwrap_or_else(|| "Pending".into());
    let mut has_running = false;
    for cs in st.container_statuses.iter().rev() {
        restarts += cs.restart_count;
        if let Some(t) = cs
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.finished_at)
        {
            last_restart = Some(last_restart.map_or(t, |l: Time| l.max(t)));
        }
        if let Some(r) = cs.state.waiting.as_ref().and_then(|w| w.reason.clone()) {
            reason = r;
        } else if let Some(t) = &cs.state.terminated {
            reason = match (&t.reason, t.exit_code) {
                (Some(r), _) => r.clone(),
                (None, Some(code)) => format!("ExitCode:{code}"),
                (None, None) => "Error".into(),
            };
        } else if cs.state.running.is_some() {
            has_running = true;
            if cs.ready {
                ready += 1;
            }
        }
    }
    if reason == "Completed" && has_running {
        reason = if p.is_ready() {
            "Running".into()
        } else {
            "NotReady".into()
        };
    }
    if p.metadata.deletion_timestamp.is_some() {
        reason = "Terminating".into();
    }
    let restarts = match last_restart {
        Some(t) if restarts > 0 => format!("{restarts} ({} ago)", duration::human(now.since(t))),
        _ => restarts.to_string(),
    };
    let mut r = vec![
        p.metadata.name.clone(),
        format!("{ready}/{total}"),
        reason,
        restarts,
        age(now, p.metadata.creation_timestamp),
    ];
    if wide {
        r.push(st.pod_ip.clone().unwrap_or_else(|| "<none>".into()));
        r.push(p.spec.node_name.clone().unwrap_or_else(|| "<none>".into()));
        r.push("<none>".into());
        r.push("<none>".into());
    }
    r
}

fn service_cells(s: &Service, name: String, age: String, wide: bool) -> Vec<String> {
    let ty = s.type_().to_string();
    let cluster_ip = match ty.as_str() {
        "ExternalName" => "<none>".to_string(),
        _ => s
            .spec
            .cluster_ips
            .first()
            .cloned()
            .or_else(|| s.spec.cluster_ip.clone())
            .unwrap_or_else(|| "<none>".into()),
    };
    let external = external_ip(s, wide);
    let ports: Vec<String> = s
        .spec
        .ports
        .iter()
        .map(|p| {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port.filter(|n| *n != 0) {
                Some(np) => format!("{}:{np}/{proto}", p.port),
                None => format!("{}/{proto}", p.port),
            }
        })
        .collect();
    let mut r = vec![
        name,
        ty,
        cluster_ip,
        external,
        or_none(ports.join(",")),
        age,
    ];
    if wide {
        let sel: Vec<String> = s
            .spec
            .selector
            .iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        r.push(or_none(sel.join(",")));
    }
    r
}

fn external_ip(s: &Service, wide: bool) -> String {
    let externals = s.spec.external_ips.clone();
    match s.type_() {
        "ExternalName" => s.spec.external_name.clone().unwrap_or_default(),
        "LoadBalancer" => {
            let mut ips: Vec<String> = s
                .status
                .iter()
                .flat_map(|st| &st.load_balancer.ingress)
                .filter_map(|i| i.ip.clone().or_else(|| i.hostname.clone()))
                .collect();
            ips.sort();
            ips.dedup();
            let mut all = ips.join(",");
            if !wide && all.chars().count() > 16 {
                all = format!("{}...", all.chars().take(13).collect::<String>());
            }
            if !externals.is_empty() {
                if !all.is_empty() {
                    all.push(',');
                }
                all.push_str(&externals.join(","));
            }
            if all.is_empty() {
                "<pending>".into()
            } else {
                all
            }
        }
        _ => or_none(externals.join(",")),
    }
}

/// `formatEndpoints`: ready `ip:port` pairs, at most three then ` + N more...`.
fn endpoints_cell(e: &Endpoints) -> String {
    if e.subsets.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let mut list = Vec::new();
    let mut count = 0;
    for ss in &e.subsets {
        if ss.ports.is_empty() {
            for a in &ss.addresses {
                count += 1;
                if list.len() < max {
                    list.push(a.ip.clone());
                }
            }
            continue;
        }
        for p in &ss.ports {
            for a in &ss.addresses {
                count += 1;
                if list.len() < max {
                    list.push(format!("{}:{}", a.ip, p.port.unwrap_or(0)));
                }
            }
        }
    }
    let joined = list.join(",");
    if count > max {
        format!("{joined} + {} more...", count - max)
    } else {
        joined
    }
}

fn slice_ports(s: &EndpointSlice) -> String {
    if s.ports.is_empty() {
        return "<unset>".into();
    }
    s.ports
        .iter()
        .map(|p| p.port.map_or("*".to_string(), |n| n.to_string()))
        .collect::<Vec<_>>()
        .join(",")
}

fn slice_endpoints(s: &EndpointSlice) -> String {
    let all: Vec<&String> = s.endpoints.iter().flat_map(|e| &e.addresses).collect();
    if all.is_empty() {
        return "<unset>".into();
    }
    let shown: Vec<&str> = all.iter().take(3).map(|s| s.as_str()).collect();
    let joined = shown.join(",");
    if all.len() > 3 {
        format!("{joined} + {} more...", all.len() - 3)
    } else {
        joined
    }
}

fn node_cells(n: &Node, name: String, age: String, wide: bool) -> Vec<String> {
    let status = n.status.clone().unwrap_or_default();
    let ready = status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True");
    let mut state = if ready { "Ready" } else { "NotReady" }.to_string();
    if n.spec.unschedulable == Some(true) {
        state.push_str(",SchedulingDisabled");
    }
    let roles: Vec<&str> = n
        .metadata
        .labels
        .keys()
        .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
        .collect();
    let info = status.node_info.clone().unwrap_or_default();
    let mut r = vec![
        name,
        state,
        or_none(roles.join(",")),
        age,
        info.kubelet_version.clone(),
    ];
    if wide {
        let addr = |t: &str| {
            status
                .addresses
                .iter()
                .find(|a| a.type_ == t)
                .map(|a| a.address.clone())
                .unwrap_or_else(|| "<none>".into())
        };
        r.extend([
            addr("InternalIP"),
            addr("ExternalIP"),
            info.os_image.clone(),
            info.kernel_version.clone(),
            info.container_runtime_version.clone(),
        ]);
    }
    r
}

fn event_cells(now: Time, e: &Event) -> Vec<String> {
    let last = e.last_timestamp.or(e.metadata.creation_timestamp);
    let mut seen = age(now, last);
    let count = e.count.unwrap_or(1);
    if count > 1 {
        let first = age(now, e.first_timestamp.or(last));
        seen = format!("{seen} (x{count} over {first})");
    }
    let obj = &e.involved_object;
    let object = format!(
        "{}/{}",
        obj.kind.as_deref().unwrap_or("").to_ascii_lowercase(),
        obj.name.as_deref().unwrap_or("")
    );
    vec![
        seen,
        e.type_.clone().unwrap_or_default(),
        e.reason.clone().unwrap_or_default(),
        object,
        e.message.clone().unwrap_or_default(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Duration;

    fn pod(state: ContainerState, ready: bool, restarts: i32, last: Option<Time>) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: "p".into(),
                creation_timestamp: Some(Time::ZERO),
                ..ObjectMeta::default()
            },
            spec: PodSpec {
                containers: vec![Container {
                    name: "c".into(),
                    ..Container::default()
                }],
                ..PodSpec::default()
            },
            status: Some(PodStatus {
                phase: Some("Running".into()),
                container_statuses: vec![ContainerStatus {
                    name: "c".into(),
                    ready,
                    restart_count: restarts,
                    state,
                    last_state: last.map(|t| ContainerState {
                        terminated: Some(StateDetail {
                            finished_at: Some(t),
                            ..StateDetail::default()
                        }),
                        ..ContainerState::default()
                    }),
                    ..ContainerStatus::default()
                }],
                ..PodStatus::default()
            }),
            ..Pod::default()
        }
    }

    fn detail(reason: &str) -> Option<StateDetail> {
        Some(StateDetail {
            reason: Some(reason.into()),
            ..StateDetail::default()
        })
    }

    #[test]
    fn pod_ready_status_restarts() {
        let now = Time::ZERO.plus(Duration::from_secs(200));
        let running = ContainerState {
            running: Some(StateDetail::default()),
            ..ContainerState::default()
        };
        let waiting = |r| ContainerState {
            waiting: detail(r),
            ..ContainerState::default()
        };
        let cases = [
            (pod(running.clone(), true, 0, None), ["1/1", "Running", "0"]),
            (
                pod(running.clone(), false, 0, None),
                ["0/1", "Running", "0"],
            ),
            (
                pod(
                    waiting("CrashLoopBackOff"),
                    false,
                    3,
                    Some(Time::ZERO.plus(Duration::from_secs(159))),
                ),
                ["0/1", "CrashLoopBackOff", "3 (41s ago)"],
            ),
            (
                pod(waiting("ContainerCreating"), false, 0, None),
                ["0/1", "ContainerCreating", "0"],
            ),
            (
                pod(
                    ContainerState {
                        terminated: detail("Completed"),
                        ..ContainerState::default()
                    },
                    false,
                    0,
                    None,
                ),
                ["0/1", "Completed", "0"],
            ),
        ];
        for (p, want) in cases {
            let row = pod_cells(now, &p, false);
            assert_eq!(&row[1..4], &want, "{want:?}");
            assert_eq!(row[4], "3m20s");
        }
        let mut terminating = pod(running, true, 0, None);
        terminating.metadata.deletion_timestamp = Some(now);
        assert_eq!(pod_cells(now, &terminating, false)[2], "Terminating");
    }
}
