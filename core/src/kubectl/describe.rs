//! `kubectl describe`: the Service, Deployment and Pod describers of `pkg/describe/describe.go` (kubectl 1.33, with
//! endpoints read from EndpointSlices), laid out by a Go `text/tabwriter` with padding 2, and
//! the shared Events section. Other kinds are refused plainly rather than described wrongly.

use super::args::Args;
use super::duration;
use super::resource::{self, Selection};
use super::Context;
use crate::api::{
    Container, ContainerState, ContainerStatus, Deployment, EndpointSlice, Event, IntOrString,
    Object, Pod, PodTemplateSpec, ReplicaSet, Service,
};
use crate::cluster::Cluster;
use crate::error::{report, ApiError};
use crate::sim::Time;
use crate::CommandOutput;

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let words = &args.positional[1..];
    let (selection, _) = match resource::select(words) {
        Ok(s) => s,
        Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
    };
    let ns = ctx.namespace(args);
    let mut objects: Vec<Object> = Vec::new();
    let mut errors = Vec::new();
    match selection {
        Selection::Kinds(kinds) => {
            for kind in kinds {
                let scope = kind.info().namespaced.then_some(ns.as_str());
                objects.extend(ctx.cluster.store.list(kind, scope).cloned());
            }
        }
        Selection::Named(items) => {
            for (kind, name) in items {
                match ctx.cluster.store.get(kind, &ns, &name) {
                    Some(o) => objects.push(o.clone()),
                    None => {
                        // describe falls back to every object whose name starts with the word.
                        let scope = kind.info().namespaced.then_some(ns.as_str());
                        let prefixed: Vec<Object> = ctx
                            .cluster
                            .store
                            .list(kind, scope)
                            .filter(|o| o.meta().name.starts_with(&name))
                            .cloned()
                            .collect();
                        if prefixed.is_empty() {
                            errors.push(ApiError::NotFound {
                                resource: kind.info().plural_qualified(),
                                name,
                            });
                        }
                        objects.extend(prefixed);
                    }
                }
            }
        }
    }
    let mut out = CommandOutput::default();
    if objects
        .iter()
        .any(|o| o.kind() == crate::api::Kind::Endpoints)
    {
        out.err(super::get::ENDPOINTS_WARNING);
    }
    let mut texts = Vec::new();
    for obj in &objects {
        match obj {
            Object::Service(s) => texts.push(describe_service(ctx.cluster, s)),
            Object::Deployment(d) => texts.push(describe_deployment(ctx.cluster, d)),
            Object::Pod(p) => texts.push(describe_pod(ctx.cluster, p)),
            other => {
                if let Some(text) = super::describe_more::describe(ctx.cluster, other) {
                    texts.push(text);
                    continue;
                }
                errors.push(ApiError::Client {
                    message: format!(
                        "describe is not available for {} in this simulator yet",
                        other.kind().info().plural
                    ),
                });
                break;
            }
        }
    }
    out.out(texts.join("\n\n"));
    if objects.is_empty() && errors.is_empty() {
        out.err(format!("No resources found in {ns} namespace.\n"));
    }
    out.err(report(&errors));
    if !errors.is_empty() {
        out.exit_code = 1;
    }
    out
}

fn labels_lines(lines: &mut Vec<String>, title: &str, pairs: Vec<String>) {
    if pairs.is_empty() {
        lines.push(format!("{title}:\t<none>"));
        return;
    }
    // Continuation lines repeat the title's indent before the tab, as kubectl's
    // printLabelsMultilineWithIndent does (visible where the tabs stay raw: `rollout history`).
    let indent = &title[..title.len() - title.trim_start().len()];
    for (i, p) in pairs.into_iter().enumerate() {
        if i == 0 {
            lines.push(format!("{title}:\t{p}"));
        } else {
            lines.push(format!("{indent}\t{p}"));
        }
    }
}

fn describe_service(cluster: &Cluster, s: &Service) -> String {
    let spec = &s.spec;
    let mut l: Vec<String> = Vec::new();
    service_identity(s, &mut l);
    service_ports(cluster, s, &mut l);
    l.push(format!(
        "Session Affinity:\t{}",
        spec.session_affinity.as_deref().unwrap_or("None")
    ));
    if let Some(p) = &spec.external_traffic_policy {
        l.push(format!("External Traffic Policy:\t{p}"));
    }
    if let Some(p) = &spec.internal_traffic_policy {
        l.push(format!("Internal Traffic Policy:\t{p}"));
    }
    if let Some(hc) = spec.health_check_node_port {
        l.push(format!("HealthCheck NodePort:\t{hc}"));
    }
    if !spec.load_balancer_source_ranges.is_empty() {
        l.push(format!(
            "LoadBalancer Source Ranges:\t{}",
            spec.load_balancer_source_ranges.join(",")
        ));
    }
    with_events(cluster, l, "Service", &s.metadata)
}

/// Name through External Name: who the Service is and its addresses.
fn service_identity(s: &Service, l: &mut Vec<String>) {
    let spec = &s.spec;
    l.push(format!("Name:\t{}", s.metadata.name));
    l.push(format!(
        "Namespace:\t{}",
        s.metadata.namespace.as_deref().unwrap_or("")
    ));
    let labels = s
        .metadata
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    labels_lines(l, "Labels", labels);
    let annotations = s
        .metadata
        .annotations
        .iter()
        .filter(|(k, _)| k.as_str() != crate::apiserver::LAST_APPLIED)
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    labels_lines(l, "Annotations", annotations);
    let selector: Vec<String> = spec
        .selector
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    // labels.FormatLabels: `<none>` for an empty map.
    l.push(format!("Selector:\t{}", none_if_empty(selector.join(","))));
    l.push(format!("Type:\t{}", s.type_()));
    if let Some(p) = &spec.ip_family_policy {
        l.push(format!("IP Family Policy:\t{p}"));
    }
    l.push(format!(
        "IP Families:\t{}",
        none_if_empty(spec.ip_families.join(","))
    ));
    l.push(format!(
        "IP:\t{}",
        spec.cluster_ip.clone().unwrap_or_default()
    ));
    l.push(format!(
        "IPs:\t{}",
        none_if_empty(spec.cluster_ips.join(","))
    ));
    if !spec.external_ips.is_empty() {
        l.push(format!("External IPs:\t{}", spec.external_ips.join(",")));
    }
    if let Some(ip) = &spec.load_balancer_ip {
        l.push(format!("IP:\t{ip}"));
    }
    if let Some(name) = &spec.external_name {
        l.push(format!("External Name:\t{name}"));
    }
}

/// LoadBalancer Ingress, then Port/TargetPort/NodePort/Endpoints per port.
fn service_ports(cluster: &Cluster, s: &Service, l: &mut Vec<String>) {
    let spec = &s.spec;
    let ingress: Vec<String> = s
        .status
        .iter()
        .flat_map(|st| &st.load_balancer.ingress)
        .map(|i| {
            let addr =
                i.ip.clone()
                    .or_else(|| i.hostname.clone())
                    .unwrap_or_default();
            match &i.ip_mode {
                Some(m) => format!("{addr} ({m})"),
                None => addr,
            }
        })
        .collect();
    if !ingress.is_empty() {
        l.push(format!("LoadBalancer Ingress:\t{}", ingress.join(", ")));
    }
    let slices: Vec<&EndpointSlice> = cluster
        .store
        .list_typed::<EndpointSlice>(s.metadata.namespace.as_deref())
        .filter(|sl| sl.metadata.labels.get("kubernetes.io/service-name") == Some(&s.metadata.name))
        .collect();
    for p in &spec.ports {
        let name = p
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "<unset>".into());
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        l.push(format!("Port:\t{name}\t{}/{proto}", p.port));
        let target = match &p.target_port {
            Some(IntOrString::Int(n)) => n.to_string(),
            Some(IntOrString::Str(t)) => t.clone(),
            None => p.port.to_string(),
        };
        l.push(format!("TargetPort:\t{target}/{proto}"));
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            l.push(format!("NodePort:\t{name}\t{np}/{proto}"));
        }
        l.push(format!(
            "Endpoints:\t{}",
            slice_endpoints(&slices, p.name.as_deref().unwrap_or(""))
        ));
    }
}

/// `time.RFC1123Z`: `Wed, 07 Jan 2026 09:03:01 +0000`.
pub(super) fn rfc1123z(t: Time) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let rfc = t.to_rfc3339(); // 2026-01-07T09:03:01Z
    let num =
        |r: std::ops::Range<usize>| rfc.get(r).and_then(|x| x.parse::<i64>().ok()).unwrap_or(1);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil); 1970-01-01 was a Thursday.
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let weekday = WEEKDAYS[days.rem_euclid(7) as usize];
    let month = MONTHS[((m - 1).clamp(0, 11)) as usize];
    let clock = rfc.get(11..19).unwrap_or("00:00:00");
    format!("{weekday}, {d:02} {month} {y} {clock} +0000")
}

fn describe_deployment(cluster: &Cluster, d: &Deployment) -> String {
    let st = d.status.clone().unwrap_or_default();
    let mut l: Vec<String> = Vec::new();
    l.push(format!("Name:\t{}", d.metadata.name));
    l.push(format!(
        "Namespace:\t{}",
        d.metadata.namespace.as_deref().unwrap_or("")
    ));
    if let Some(t) = d.metadata.creation_timestamp {
        l.push(format!("CreationTimestamp:\t{}", rfc1123z(t)));
    }
    meta_lines(
        &mut l,
        "",
        &d.metadata.labels,
        &d.metadata.annotations,
        true,
    );
    let selector = super::print::columns::selector_string(d.spec.selector.as_ref());
    l.push(format!("Selector:\t{selector}"));
    l.push(format!(
        "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
        d.spec.replicas.unwrap_or(1),
        st.updated_replicas.unwrap_or(0),
        st.replicas.unwrap_or(0),
        st.available_replicas.unwrap_or(0),
        st.unavailable_replicas.unwrap_or(0)
    ));
    let strategy = d.spec.strategy.clone().unwrap_or_default();
    l.push(format!(
        "StrategyType:\t{}",
        strategy.type_.as_deref().unwrap_or("")
    ));
    l.push(format!(
        "MinReadySeconds:\t{}",
        d.spec.min_ready_seconds.unwrap_or(0)
    ));
    if let Some(ru) = &strategy.rolling_update {
        let show =
            |v: &Option<IntOrString>| v.as_ref().map(ToString::to_string).unwrap_or_default();
        l.push(format!(
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
            show(&ru.max_unavailable),
            show(&ru.max_surge)
        ));
    }
    pod_template_lines(&mut l, &d.spec.template);
    if !st.conditions.is_empty() {
        l.push("Conditions:".into());
        l.push("  Type\tStatus\tReason".into());
        l.push("  ----\t------\t------".into());
        for c in &st.conditions {
            l.push(format!(
                "  {} \t{}\t{}",
                c.type_,
                c.status,
                c.reason.as_deref().unwrap_or("")
            ));
        }
    }
    let (old, new) = replica_sets(cluster, d);
    l.push(format!("OldReplicaSets:\t{}", rs_list(&old)));
    l.push(format!("NewReplicaSet:\t{}", rs_list(&new)));
    with_events(cluster, l, "Deployment", &d.metadata)
}

fn describe_pod(cluster: &Cluster, p: &Pod) -> String {
    let st = p.status.clone().unwrap_or_default();
    let mut l: Vec<String> = Vec::new();
    l.push(format!("Name:\t{}", p.metadata.name));
    l.push(format!(
        "Namespace:\t{}",
        p.metadata.namespace.as_deref().unwrap_or("")
    ));
    if let Some(prio) = p.spec.priority {
        l.push(format!("Priority:\t{prio}"));
    }
    if let Some(sa) = p
        .spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        l.push(format!("Service Account:\t{sa}"));
    }
    match p.spec.node_name.as_deref() {
        Some(node) => l.push(format!(
            "Node:\t{node}/{}",
            st.host_ip.as_deref().unwrap_or("")
        )),
        None => l.push("Node:\t<none>".into()),
    }
    if let Some(t) = st.start_time {
        l.push(format!("Start Time:\t{}", rfc1123z(t)));
    }
    meta_lines(
        &mut l,
        "",
        &p.metadata.labels,
        &p.metadata.annotations,
        true,
    );
    match p.metadata.deletion_timestamp {
        Some(t) => {
            let left = t.since(cluster.now);
            l.push(format!(
                "Status:\tTerminating (lasts {})",
                duration::human(left)
            ));
            l.push(format!(
                "Termination Grace Period:\t{}s",
                p.metadata.deletion_grace_period_seconds.unwrap_or(30)
            ));
        }
        None => l.push(format!(
            "Status:\t{}",
            st.phase.as_deref().unwrap_or("Pending")
        )),
    }
    if let Some(r) = &st.reason {
        l.push(format!("Reason:\t{r}"));
    }
    if let Some(m) = &st.message {
        l.push(format!("Message:\t{m}"));
    }
    l.push(format!("IP:\t{}", st.pod_ip.as_deref().unwrap_or("")));
    if st.pod_ips.is_empty() {
        l.push("IPs:\t<none>".into());
    } else {
        l.push("IPs:".into());
        for ip in &st.pod_ips {
            l.push(format!("  IP:\t{}", ip.ip));
        }
    }
    if let Some(owner) = p
        .metadata
        .owner_references
        .iter()
        .find(|o| o.controller == Some(true))
    {
        l.push(format!("Controlled By:\t{}/{}", owner.kind, owner.name));
    }
    l.push("Containers:".into());
    for c in &p.spec.containers {
        let status = st.container_statuses.iter().find(|s| s.name == c.name);
        container_lines(&mut l, c, status, "  ");
    }
    pod_tail_lines(&mut l, p);
    with_events(cluster, l, "Pod", &p.metadata)
}

/// Conditions, Volumes, QoS Class, Node-Selectors, Tolerations.
fn pod_tail_lines(l: &mut Vec<String>, p: &Pod) {
    let st = p.status.clone().unwrap_or_default();
    if !st.conditions.is_empty() {
        l.push("Conditions:".into());
        l.push("  Type\tStatus".into());
        for c in &st.conditions {
            l.push(format!("  {} \t{} ", c.type_, c.status));
        }
    }
    if p.spec
        .volumes
        .as_ref()
        .is_none_or(|v| v.as_array().is_none_or(Vec::is_empty))
    {
        l.push("Volumes:\t<none>".into());
    } else {
        l.push("Volumes:\t(not described by this simulator)".into());
    }
    l.push(format!(
        "QoS Class:\t{}",
        st.qos_class.as_deref().unwrap_or("BestEffort")
    ));
    let selectors = p
        .spec
        .node_selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    labels_lines(l, "Node-Selectors", selectors);
    let tolerations: Vec<String> = p
        .spec
        .tolerations
        .as_ref()
        .and_then(|t| t.as_array())
        .map(|ts| ts.iter().map(toleration).collect())
        .unwrap_or_default();
    labels_lines(l, "Tolerations", tolerations);
}

/// `printPodTolerationsMultiline`: `key[=value][:effect] op=Exists for Ns`.
fn toleration(t: &serde_json::Value) -> String {
    let get = |k: &str| t.get(k).and_then(|v| v.as_str()).unwrap_or("");
    let mut s = get("key").to_string();
    if !get("value").is_empty() {
        s.push_str(&format!("={}", get("value")));
    }
    if !get("effect").is_empty() {
        s.push_str(&format!(":{}", get("effect")));
    }
    if get("operator") == "Exists" && get("value").is_empty() {
        if s.is_empty() {
            s.push_str("op=Exists");
        } else {
            s.push_str(" op=Exists");
        }
    }
    if let Some(secs) = t.get("tolerationSeconds").and_then(|v| v.as_i64()) {
        s.push_str(&format!(" for {secs}s"));
    }
    s
}

/// One container's block. Pods show their status lines too; pod templates have none and indent
/// the name one space further, as kubectl does (`name_indent`).
fn container_lines(
    l: &mut Vec<String>,
    c: &Container,
    status: Option<&ContainerStatus>,
    name_indent: &str,
) {
    l.push(format!("{name_indent}{}:", c.name));
    if let Some(s) = status {
        l.push(format!(
            "    Container ID:\t{}",
            s.container_id.as_deref().unwrap_or("")
        ));
    }
    l.push(format!("    Image:\t{}", c.image.as_deref().unwrap_or("")));
    if let Some(s) = status {
        l.push(format!("    Image ID:\t{}", s.image_id));
    }
    let proto = |p: &crate::api::ContainerPort| p.protocol.clone().unwrap_or_else(|| "TCP".into());
    let ports: Vec<String> = c
        .ports
        .iter()
        .map(|p| format!("{}/{}", p.container_port, proto(p)))
        .collect();
    let host: Vec<String> = c
        .ports
        .iter()
        .map(|p| format!("{}/{}", p.host_port.unwrap_or(0), proto(p)))
        .collect();
    let (pl, hl) = if ports.len() > 1 {
        ("Ports", "Host Ports")
    } else {
        ("Port", "Host Port")
    };
    l.push(format!("    {pl}:\t{}", none_if_empty(ports.join(", "))));
    l.push(format!("    {hl}:\t{}", none_if_empty(host.join(", "))));
    for (title, items) in [("Command", &c.command), ("Args", &c.args)] {
        if !items.is_empty() {
            l.push(format!("    {title}:"));
            for item in items.iter().flat_map(|i| i.split('\n')) {
                l.push(format!("      {item}"));
            }
        }
    }
    if let Some(s) = status {
        state_lines(l, "State", &s.state);
        if let Some(last) = s.last_state.as_ref().filter(|ls| ls.terminated.is_some()) {
            state_lines(l, "Last State", last);
        }
        l.push(format!(
            "    Ready:\t{}",
            if s.ready { "True" } else { "False" }
        ));
        l.push(format!("    Restart Count:\t{}", s.restart_count));
    }
    if c.env.is_empty() {
        l.push("    Environment:\t<none>".into());
    } else {
        l.push("    Environment:".into());
        for e in &c.env {
            l.push(format!(
                "      {}:\t{}",
                e.name,
                e.value.as_deref().unwrap_or("")
            ));
        }
    }
    l.push("    Mounts:\t<none>".into());
}

/// `describeStatus`.
fn state_lines(l: &mut Vec<String>, title: &str, state: &ContainerState) {
    let when = |t: Option<Time>| t.map(rfc1123z).unwrap_or_default();
    if let Some(r) = &state.running {
        l.push(format!("    {title}:\tRunning"));
        l.push(format!("      Started:\t{}", when(r.started_at)));
    } else if let Some(t) = &state.terminated {
        l.push(format!("    {title}:\tTerminated"));
        if let Some(r) = &t.reason {
            l.push(format!("      Reason:\t{r}"));
        }
        if let Some(m) = &t.message {
            l.push(format!("      Message:\t{m}"));
        }
        l.push(format!("      Exit Code:\t{}", t.exit_code.unwrap_or(0)));
        l.push(format!("      Started:\t{}", when(t.started_at)));
        l.push(format!("      Finished:\t{}", when(t.finished_at)));
    } else {
        l.push(format!("    {title}:\tWaiting"));
        if let Some(r) = state.waiting.as_ref().and_then(|w| w.reason.as_ref()) {
            l.push(format!("      Reason:\t{r}"));
        }
    }
}

/// Labels and annotations (without the last-applied configuration), multi-line.
pub(super) fn meta_lines(
    l: &mut Vec<String>,
    indent: &str,
    labels: &std::collections::BTreeMap<String, String>,
    annotations: &std::collections::BTreeMap<String, String>,
    always_annotations: bool,
) {
    let pairs = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    labels_lines(l, &format!("{indent}Labels"), pairs);
    let shown: Vec<String> = annotations
        .iter()
        .filter(|(k, _)| k.as_str() != crate::apiserver::LAST_APPLIED)
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    if always_annotations || !shown.is_empty() {
        labels_lines(l, &format!("{indent}Annotations"), shown);
    }
}

/// `DescribePodTemplate`.
pub(super) fn pod_template_lines(l: &mut Vec<String>, t: &PodTemplateSpec) {
    l.push("Pod Template:".into());
    meta_lines(l, "  ", &t.metadata.labels, &t.metadata.annotations, false);
    if let Some(sa) = t
        .spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        l.push(format!("  Service Account:\t{sa}"));
    }
    if !t.spec.init_containers.is_empty() {
        l.push("  Init Containers:".into());
        t.spec
            .init_containers
            .iter()
            .for_each(|c| container_lines(l, c, None, "   "));
    }
    l.push("  Containers:".into());
    t.spec
        .containers
        .iter()
        .for_each(|c| container_lines(l, c, None, "   "));
    if t.spec
        .volumes
        .as_ref()
        .is_none_or(|v| v.as_array().is_none_or(Vec::is_empty))
    {
        l.push("  Volumes:\t<none>".into());
    } else {
        l.push("  Volumes:\t(not described by this simulator)".into());
    }
    let selectors: Vec<String> = t
        .spec
        .node_selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    l.push(format!(
        "  Node-Selectors:\t{}",
        none_if_empty(selectors.join(","))
    ));
    l.push("  Tolerations:\t<none>".into());
}

/// The Deployment's ReplicaSets: old ones still holding pods, and the one matching its template.
fn replica_sets<'a>(
    cluster: &'a Cluster,
    d: &'a Deployment,
) -> (Vec<&'a ReplicaSet>, Vec<&'a ReplicaSet>) {
    let owned: Vec<&ReplicaSet> = cluster
        .store
        .list_typed::<ReplicaSet>(d.metadata.namespace.as_deref())
        .filter(|rs| {
            rs.metadata
                .owner_references
                .iter()
                .any(|o| o.controller == Some(true) && Some(&o.uid) == d.metadata.uid.as_ref())
        })
        .collect();
    let strip = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata.labels.remove("pod-template-hash");
        t
    };
    let current = strip(&d.spec.template);
    let (new, old): (Vec<&ReplicaSet>, Vec<&ReplicaSet>) = owned
        .into_iter()
        .partition(|rs| strip(&rs.spec.template) == current);
    let old = old
        .into_iter()
        .filter(|rs| rs.spec.replicas.unwrap_or(0) > 0)
        .collect();
    (old, new.into_iter().take(1).collect())
}

/// `printReplicaSetsByLabels`.
fn rs_list(sets: &[&ReplicaSet]) -> String {
    let items: Vec<String> = sets
        .iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name,
                rs.status.as_ref().map_or(0, |s| s.replicas),
                rs.spec.replicas.unwrap_or(0)
            )
        })
        .collect();
    none_if_empty(items.join(", "))
}

fn none_if_empty(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

/// `formatEndpointSlices`: ready `ip:port` for the named port, at most three then ` + N more...`.
fn slice_endpoints(slices: &[&EndpointSlice], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let mut list = Vec::new();
    let mut count = 0;
    for sl in slices {
        let ready = sl
            .endpoints
            .iter()
            .filter(|e| e.conditions.ready != Some(false))
            .filter_map(|e| e.addresses.first());
        if sl.ports.is_empty() {
            for addr in ready {
                count += 1;
                if list.len() < 3 {
                    list.push(addr.clone());
                }
            }
            continue;
        }
        for p in sl
            .ports
            .iter()
            .filter(|p| p.name.as_deref().unwrap_or("") == port_name)
        {
            for addr in ready.clone() {
                count += 1;
                if list.len() < 3 {
                    list.push(format!("{addr}:{}", p.port.unwrap_or(0)));
                }
            }
        }
    }
    let joined = list.join(",");
    if count > 3 {
        format!("{joined} + {} more...", count - 3)
    } else {
        joined
    }
}

pub(super) fn events_for<'a>(
    cluster: &'a Cluster,
    kind: &str,
    meta: &'a crate::api::ObjectMeta,
) -> Vec<&'a Event> {
    let mut events: Vec<&Event> = cluster
        .store
        .list_typed::<Event>(meta.namespace.as_deref())
        .filter(|e| {
            e.involved_object.kind.as_deref() == Some(kind)
                && e.involved_object.name.as_deref() == Some(meta.name.as_str())
        })
        .collect();
    events.sort_by_key(|e| e.last_timestamp.or(e.metadata.creation_timestamp));
    events
}

/// The describe text of `lines` followed by the object's Events: `Events:  <none>` inside the
/// same tabwriter block when there are none, else kubectl's own events section after it.
pub(super) fn with_events(
    cluster: &Cluster,
    mut lines: Vec<String>,
    kind: &str,
    meta: &crate::api::ObjectMeta,
) -> String {
    let events = events_for(cluster, kind, meta);
    if events.is_empty() {
        lines.push("Events:\t<none>".into());
        return tabwrite(&lines);
    }
    let mut text = tabwrite(&lines);
    text.push_str(&events_section(cluster, &events));
    text
}

/// `DescribeEvents`: its own tabwriter section, indented two spaces.
pub(super) fn events_section(cluster: &Cluster, events: &[&Event]) -> String {
    let age = |t| match t {
        Some(t) => duration::human(cluster.now.since(t)),
        None => "<unknown>".to_string(),
    };
    let mut rows = vec![
        "  Type\tReason\tAge\tFrom\tMessage".to_string(),
        "  ----\t------\t----\t----\t-------".to_string(),
    ];
    for e in events {
        let first = age(e.first_timestamp.or(e.metadata.creation_timestamp));
        let count = e.count.unwrap_or(1);
        let interval = if count > 1 {
            format!("{} (x{count} over {first})", age(e.last_timestamp))
        } else {
            first
        };
        let from = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default();
        rows.push(format!(
            "  {}\t{}\t{interval}\t{from}\t{}",
            e.type_.as_deref().unwrap_or(""),
            e.reason.as_deref().unwrap_or(""),
            e.message.as_deref().unwrap_or("").trim()
        ));
    }
    format!("Events:\n{}", tabwrite(&rows))
}

/// Go's `text/tabwriter` (minwidth 0, padding 2, spaces): a column's width is taken over each
/// run of consecutive lines that have a tab-terminated cell in that column.
pub fn tabwrite(lines: &[String]) -> String {
    let cells: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
    let mut widths: Vec<Vec<usize>> = cells.iter().map(|c| vec![0; c.len()]).collect();
    layout(&cells, &mut widths, 0, 0, cells.len());
    let mut out = String::new();
    for (row, ws) in cells.iter().zip(&widths) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = ws[i].saturating_sub(cell.chars().count());
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn layout(cells: &[Vec<&str>], widths: &mut [Vec<usize>], col: usize, start: usize, end: usize) {
    let mut i = start;
    while i < end {
        if cells[i].len() <= col + 1 {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < end && cells[i].len() > col + 1 {
            i += 1;
        }
        let width = cells[run_start..i]
            .iter()
            .map(|c| c[col].chars().count())
            .max()
            .unwrap_or(0)
            + 2;
        for w in &mut widths[run_start..i] {
            w[col] = width;
        }
        layout(cells, widths, col + 1, run_start, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1123z_dates() {
        assert_eq!(rfc1123z(Time::ZERO), "Mon, 05 Jan 2026 09:00:00 +0000");
        let later = Time::ZERO.plus(crate::sim::Duration::from_secs(2 * 86400 + 181));
        assert_eq!(rfc1123z(later), "Wed, 07 Jan 2026 09:03:01 +0000");
    }

    #[test]
    fn tabwriter_columns_per_block() {
        let lines: Vec<String> = ["Name:\tweb", "Port:\thttp\t80/TCP", "TargetPort:\t8080/TCP"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            tabwrite(&lines),
            "Name:        web\nPort:        http  80/TCP\nTargetPort:  8080/TCP\n"
        );
    }
}
