//! `kubectl describe` for the kinds besides Service, Deployment and Pod (those live in
//! `describe.rs`): Namespace, ConfigMap, ReplicaSet, StatefulSet, Endpoints, EndpointSlice,
//! NetworkPolicy and Node, in the layouts of kubectl 1.33's `describe.go`. Fields are read from
//! the served JSON, so a describer needs no more of the typed API than `get -o json` shows.

use serde_json::Value;

use super::describe::{self, meta_lines, rfc1123z, tabwrite};
use super::duration;
use super::print::columns::selector_string;
use crate::api::{LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Object, Pod};
use crate::cluster::Cluster;

/// The describer for `obj`, if this file has one.
pub fn describe(cluster: &Cluster, obj: &Object) -> Option<String> {
    Some(match obj {
        Object::Namespace(_) => namespace(obj),
        Object::ConfigMap(_) => config_map(cluster, obj),
        Object::ReplicaSet(_) | Object::StatefulSet(_) => workload(cluster, obj),
        Object::Endpoints(_) => endpoints(cluster, obj),
        Object::EndpointSlice(_) => endpoint_slice(cluster, obj),
        Object::NetworkPolicy(np) => network_policy(np),
        Object::Node(_) => node(cluster, obj),
        _ => return None,
    })
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    get(v, path).and_then(Value::as_str).unwrap_or("")
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.get(*k))
}

fn int(v: &Value, path: &[&str]) -> i64 {
    get(v, path).and_then(Value::as_i64).unwrap_or(0)
}

fn arr<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    get(v, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Name, Namespace (for namespaced kinds), Labels, Annotations.
fn head(l: &mut Vec<String>, obj: &Object, namespace: bool) {
    let m = obj.meta();
    l.push(format!("Name:\t{}", m.name));
    if namespace {
        l.push(format!(
            "Namespace:\t{}",
            m.namespace.as_deref().unwrap_or("")
        ));
    }
    meta_lines(l, "", &m.labels, &m.annotations, true);
}

/// The text, then `Events:` as `DescribeEvents` writes it.
fn with_events(cluster: &Cluster, obj: &Object, l: Vec<String>) -> String {
    describe::with_events(cluster, l, obj.kind().info().kind, obj.meta())
}

fn namespace(obj: &Object) -> String {
    let v = obj.to_value();
    let mut l = Vec::new();
    head(&mut l, obj, false);
    l.push(format!("Status:\t{}", s(&v, &["status", "phase"])));
    l.push(String::new());
    l.push("No resource quota.".into());
    l.push(String::new());
    l.push("No LimitRange resource.".into());
    tabwrite(&l)
}

fn config_map(cluster: &Cluster, obj: &Object) -> String {
    let v = obj.to_value();
    let mut l = Vec::new();
    head(&mut l, obj, true);
    l.push(String::new());
    l.push("Data".into());
    l.push("====".into());
    if let Some(Value::Object(data)) = get(&v, &["data"]) {
        for (k, val) in data {
            l.push(format!("{k}:"));
            l.push("----".into());
            l.extend(val.as_str().unwrap_or("").split('\n').map(str::to_string));
            l.push(String::new());
        }
    }
    l.push(String::new());
    l.push("BinaryData".into());
    l.push("====".into());
    if let Some(Value::Object(data)) = get(&v, &["binaryData"]) {
        for (k, val) in data {
            let bytes = val.as_str().map_or(0, |b| b.len() * 3 / 4);
            l.push(format!("{k}: {bytes} bytes"));
        }
    }
    l.push(String::new());
    with_events(cluster, obj, l)
}

/// `N Running / N Waiting / N Succeeded / N Failed` over the pods `owner_uid` controls.
fn pods_status(cluster: &Cluster, namespace: Option<&str>, owner_uid: &str) -> String {
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in cluster.store.list_typed::<Pod>(namespace) {
        let owned = p
            .metadata
            .owner_references
            .iter()
            .any(|o| o.controller == Some(true) && o.uid == owner_uid);
        if !owned {
            continue;
        }
        match p.status.as_ref().and_then(|s| s.phase.as_deref()) {
            Some("Running") => running += 1,
            Some("Succeeded") => succeeded += 1,
            Some("Failed") => failed += 1,
            _ => waiting += 1,
        }
    }
    format!("{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed")
}

/// ReplicaSet and StatefulSet: identity, replicas, pod counts, pod template.
fn workload(cluster: &Cluster, obj: &Object) -> String {
    let v = obj.to_value();
    let m = obj.meta();
    let (selector, template) = match obj {
        Object::ReplicaSet(rs) => (rs.spec.selector.as_ref(), &rs.spec.template),
        Object::StatefulSet(ss) => (ss.spec.selector.as_ref(), &ss.spec.template),
        _ => return String::new(),
    };
    let mut l = Vec::new();
    l.push(format!("Name:\t{}", m.name));
    l.push(format!(
        "Namespace:\t{}",
        m.namespace.as_deref().unwrap_or("")
    ));
    let sts = matches!(obj, Object::StatefulSet(_));
    if sts {
        if let Some(t) = m.creation_timestamp {
            l.push(format!("CreationTimestamp:\t{}", rfc1123z(t)));
        }
    }
    l.push(format!("Selector:\t{}", selector_string(selector)));
    meta_lines(&mut l, "", &m.labels, &m.annotations, true);
    let desired = get(&v, &["spec", "replicas"])
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let current = int(&v, &["status", "replicas"]);
    if sts {
        l.push(format!("Replicas:\t{desired} desired | {current} total"));
        let strategy = s(&v, &["spec", "updateStrategy", "type"]);
        l.push(format!(
            "Update Strategy:\t{}",
            if strategy.is_empty() {
                "RollingUpdate"
            } else {
                strategy
            }
        ));
        l.push(format!(
            "  Partition:\t{}",
            int(
                &v,
                &["spec", "updateStrategy", "rollingUpdate", "partition"]
            )
        ));
    } else {
        if let Some(o) = m
            .owner_references
            .iter()
            .find(|o| o.controller == Some(true))
        {
            l.push(format!("Controlled By:\t{}/{}", o.kind, o.name));
        }
        l.push(format!("Replicas:\t{current} current / {desired} desired"));
    }
    let uid = m.uid.as_deref().unwrap_or("");
    l.push(format!(
        "Pods Status:\t{}",
        pods_status(cluster, m.namespace.as_deref(), uid)
    ));
    super::describe::pod_template_lines(&mut l, template);
    if sts {
        l.push("Volume Claims:\t<none>".into());
    }
    with_events(cluster, obj, l)
}

fn endpoints(cluster: &Cluster, obj: &Object) -> String {
    let v = obj.to_value();
    let mut l = Vec::new();
    head(&mut l, obj, true);
    l.push("Subsets:".into());
    for subset in arr(&v, &["subsets"]) {
        let ips = |key: &str| {
            let list: Vec<&str> = arr(subset, &[key]).iter().map(|a| s(a, &["ip"])).collect();
            if list.is_empty() {
                "<none>".to_string()
            } else {
                list.join(",")
            }
        };
        l.push(format!("  Addresses:\t{}", ips("addresses")));
        l.push(format!(
            "  NotReadyAddresses:\t{}",
            ips("notReadyAddresses")
        ));
        let ports = arr(subset, &["ports"]);
        if !ports.is_empty() {
            l.push("  Ports:".into());
            l.push("    Name\tPort\tProtocol".into());
            l.push("    ----\t----\t--------".into());
            for p in ports {
                let name = match s(p, &["name"]) {
                    "" => "<unset>",
                    n => n,
                };
                l.push(format!(
                    "    {name}\t{}\t{}",
                    int(p, &["port"]),
                    s(p, &["protocol"])
                ));
            }
        }
        l.push(String::new());
    }
    with_events(cluster, obj, l)
}

fn endpoint_slice(cluster: &Cluster, obj: &Object) -> String {
    let v = obj.to_value();
    let mut l = Vec::new();
    head(&mut l, obj, true);
    l.push(format!("AddressType:\t{}", s(&v, &["addressType"])));
    let ports = arr(&v, &["ports"]);
    if ports.is_empty() {
        l.push("Ports: <unset>".into());
    } else {
        l.push("Ports:".into());
        l.push("  Name\tPort\tProtocol".into());
        l.push("  ----\t----\t--------".into());
        for p in ports {
            let name = match s(p, &["name"]) {
                "" => "<unset>",
                n => n,
            };
            let port = get(p, &["port"])
                .and_then(Value::as_i64)
                .map_or("<unset>".to_string(), |n| n.to_string());
            l.push(format!("  {name}\t{port}\t{}", s(p, &["protocol"])));
        }
    }
    let endpoints = arr(&v, &["endpoints"]);
    if endpoints.is_empty() {
        l.push("Endpoints: <none>".into());
    } else {
        l.push("Endpoints:".into());
        for e in endpoints {
            let addrs: Vec<&str> = arr(e, &["addresses"])
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let unset = |x: Option<String>| x.unwrap_or_else(|| "<unset>".into());
            l.push(format!("  - Addresses:\t{}", addrs.join(", ")));
            l.push("    Conditions:".into());
            let ready = get(e, &["conditions", "ready"])
                .and_then(Value::as_bool)
                .map(|b| b.to_string());
            l.push(format!("      Ready:\t{}", unset(ready)));
            let hostname = get(e, &["hostname"])
                .and_then(Value::as_str)
                .map(String::from);
            l.push(format!("    Hostname:\t{}", unset(hostname)));
            if let Some(t) = get(e, &["targetRef"]) {
                l.push(format!(
                    "    TargetRef:\t{}/{}",
                    s(t, &["kind"]),
                    s(t, &["name"])
                ));
            }
            let node = get(e, &["nodeName"])
                .and_then(Value::as_str)
                .map(String::from);
            l.push(format!("    NodeName:\t{}", unset(node)));
            let zone = get(e, &["zone"]).and_then(Value::as_str).map(String::from);
            l.push(format!("    Zone:\t{}", unset(zone)));
        }
    }
    with_events(cluster, obj, l)
}

/// Go's `time.Time.String()` of a UTC time: `2026-01-07 09:00:00 +0000 UTC`.
fn go_time(t: crate::sim::Time) -> String {
    let rfc = t.to_rfc3339();
    let date = rfc.get(0..10).unwrap_or("");
    let clock = rfc.get(11..19).unwrap_or("00:00:00");
    format!("{date} {clock} +0000 UTC")
}

fn label_selector(sel: &LabelSelector) -> String {
    selector_string(Some(sel))
}

fn network_policy(np: &NetworkPolicy) -> String {
    let m = &np.metadata;
    let mut l = Vec::new();
    l.push(format!("Name:\t{}", m.name));
    l.push(format!(
        "Namespace:\t{}",
        m.namespace.as_deref().unwrap_or("")
    ));
    if let Some(t) = m.creation_timestamp {
        l.push(format!("Created on:\t{}", go_time(t)));
    }
    meta_lines(&mut l, "", &m.labels, &m.annotations, true);
    l.push("Spec:".into());
    let sel = &np.spec.pod_selector;
    // kubectl writes the value at the next indent level after the label, hence the gap.
    if sel.match_labels.is_empty() && sel.match_expressions.is_empty() {
        l.push("  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)".into());
    } else {
        l.push(format!("  PodSelector:     {}", label_selector(sel)));
    }
    let (ingress, egress) = np.effective_policy_types();
    let ingress_rules: Vec<Rule<'_>> = np
        .spec
        .ingress
        .iter()
        .flatten()
        .map(|r| (r.ports.as_slice(), r.from.as_slice()))
        .collect();
    direction_lines(
        &mut l,
        ingress,
        &ingress_rules,
        ["From", "source", "ingress"],
    );
    let egress_rules: Vec<Rule<'_>> = np
        .spec
        .egress
        .iter()
        .flatten()
        .map(|r| (r.ports.as_slice(), r.to.as_slice()))
        .collect();
    direction_lines(
        &mut l,
        egress,
        &egress_rules,
        ["To", "destination", "egress"],
    );
    let mut types = Vec::new();
    if ingress {
        types.push("Ingress");
    }
    if egress {
        types.push("Egress");
    }
    l.push(format!("  Policy Types: {}", types.join(", ")));
    // No events section: kubectl's NetworkPolicy describer prints none.
    tabwrite(&l)
}

/// One rule's ports and peers (`from` for ingress, `to` for egress).
type Rule<'a> = (&'a [NetworkPolicyPort], &'a [NetworkPolicyPeer]);

/// One direction of a policy: "Allowing <dir> traffic:" and its rules when the policy affects
/// it, else "Not affecting <dir> traffic". `words`: the peer label, its noun, the direction.
fn direction_lines(l: &mut Vec<String>, affected: bool, rules: &[Rule<'_>], words: [&str; 3]) {
    let [label, noun, dir] = words;
    if !affected {
        l.push(format!("  Not affecting {dir} traffic"));
        return;
    }
    l.push(format!("  Allowing {dir} traffic:"));
    rule_lines(l, rules, label, noun, dir);
}

/// `printNetworkPolicySpecIngressFrom` / `…EgressTo`.
fn rule_lines(
    l: &mut Vec<String>,
    rules: &[Rule<'_>],
    peer_word: &str,
    peer_kind: &str,
    direction: &str,
) {
    const IND: &str = "    ";
    if rules.is_empty() {
        l.push(format!(
            "{IND}<none> (Selected pods are isolated for {direction} connectivity)"
        ));
        return;
    }
    for (i, (ports, peers)) in rules.iter().enumerate() {
        if ports.is_empty() {
            l.push(format!(
                "{IND}To Port: <any> (traffic allowed to all ports)"
            ));
        }
        for p in *ports {
            let port = p
                .port
                .as_ref()
                .map_or("<nil>".to_string(), |x| x.to_string());
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.end_port {
                Some(end) => l.push(format!("{IND}To Port: {port}-{end}/{proto}")),
                None => l.push(format!("{IND}To Port: {port}/{proto}")),
            }
        }
        if peers.is_empty() {
            l.push(format!(
                "{IND}{peer_word}: <any> (traffic not restricted by {peer_kind})"
            ));
        }
        for peer in *peers {
            l.push(format!("{IND}{peer_word}:"));
            match (&peer.pod_selector, &peer.namespace_selector, &peer.ip_block) {
                (Some(p), Some(n), _) => {
                    l.push(format!("  {IND}NamespaceSelector: {}", label_selector(n)));
                    l.push(format!("  {IND}PodSelector: {}", label_selector(p)));
                }
                (Some(p), None, _) => l.push(format!("  {IND}PodSelector: {}", label_selector(p))),
                (None, Some(n), _) => {
                    l.push(format!("  {IND}NamespaceSelector: {}", label_selector(n)))
                }
                (None, None, Some(b)) => {
                    l.push(format!("  {IND}IPBlock:"));
                    l.push(format!("    {IND}CIDR: {}", b.cidr));
                    l.push(format!("    {IND}Except: {}", b.except.join(", ")));
                }
                (None, None, None) => {}
            }
        }
        if i + 1 != rules.len() {
            l.push(format!("{IND}----------"));
        }
    }
}

/// `describeNode`, with the parts the simulation models: conditions, addresses, capacity,
/// system info, pod CIDR and the node's pods.
fn node(cluster: &Cluster, obj: &Object) -> String {
    let v = obj.to_value();
    let m = obj.meta();
    let mut l = Vec::new();
    l.push(format!("Name:\t{}", m.name));
    let roles: Vec<&str> = m
        .labels
        .keys()
        .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
        .collect();
    l.push(format!(
        "Roles:\t{}",
        if roles.is_empty() {
            "<none>".to_string()
        } else {
            roles.join(",")
        }
    ));
    meta_lines(&mut l, "", &m.labels, &m.annotations, true);
    if let Some(t) = m.creation_timestamp {
        l.push(format!("CreationTimestamp:\t{}", rfc1123z(t)));
    }
    let taints: Vec<String> = arr(&v, &["spec", "taints"])
        .iter()
        .map(|t| {
            let value = s(t, &["value"]);
            let key = s(t, &["key"]);
            let kv = if value.is_empty() {
                key.to_string()
            } else {
                format!("{key}={value}")
            };
            format!("{kv}:{}", s(t, &["effect"]))
        })
        .collect();
    labels_or_none(&mut l, "Taints", &taints);
    let unschedulable = get(&v, &["spec", "unschedulable"]).and_then(Value::as_bool) == Some(true);
    l.push(format!("Unschedulable:\t{unschedulable}"));
    let heartbeat = arr(&v, &["status", "conditions"])
        .iter()
        .find(|c| s(c, &["type"]) == "Ready")
        .and_then(|c| crate::sim::Time::parse_rfc3339(s(c, &["lastHeartbeatTime"])));
    l.push("Lease:".into());
    l.push(format!("  HolderIdentity:\t{}", m.name));
    l.push("  AcquireTime:\t<unset>".into());
    l.push(format!(
        "  RenewTime:\t{}",
        heartbeat.map_or("<unset>".to_string(), rfc1123z)
    ));
    node_conditions(&mut l, &v);
    l.push("Addresses:".into());
    for a in arr(&v, &["status", "addresses"]) {
        l.push(format!("  {}:\t{}", s(a, &["type"]), s(a, &["address"])));
    }
    for (title, key) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
        if let Some(Value::Object(map)) = get(&v, &["status", key]) {
            l.push(format!("{title}:"));
            for (k, q) in map {
                l.push(format!("  {k}:\t{}", q.as_str().unwrap_or("")));
            }
        }
    }
    system_info(&mut l, &v);
    let cidr = s(&v, &["spec", "podCIDR"]);
    if !cidr.is_empty() {
        l.push(format!("PodCIDR:\t{cidr}"));
        l.push(format!("PodCIDRs:\t{cidr}"));
    }
    // One tabwriter for the whole text, as kubectl's: the pod table shares its first column
    // with the lines above it.
    node_pods(&mut l, cluster, &m.name);
    describe::with_events(cluster, l, "Node", m)
}

fn system_info(l: &mut Vec<String>, v: &Value) {
    l.push("System Info:".into());
    let info = get(v, &["status", "nodeInfo"])
        .cloned()
        .unwrap_or(Value::Null);
    for (title, key) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        l.push(format!("  {title}:\t{}", s(&info, &[key])));
    }
}

fn labels_or_none(l: &mut Vec<String>, title: &str, items: &[String]) {
    if items.is_empty() {
        l.push(format!("{title}:\t<none>"));
    }
    for (i, t) in items.iter().enumerate() {
        if i == 0 {
            l.push(format!("{title}:\t{t}"));
        } else {
            l.push(format!("\t{t}"));
        }
    }
}

fn node_conditions(l: &mut Vec<String>, v: &Value) {
    let conditions = arr(v, &["status", "conditions"]);
    if conditions.is_empty() {
        return;
    }
    l.push("Conditions:".into());
    l.push("  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage".into());
    l.push("  ----\t------\t-----------------\t------------------\t------\t-------".into());
    for c in conditions {
        let time = |key: &str| {
            let t = s(c, &[key]);
            crate::sim::Time::parse_rfc3339(t).map_or_else(|| t.to_string(), rfc1123z)
        };
        l.push(format!(
            "  {}\t{}\t{}\t{}\t{}\t{}",
            s(c, &["type"]),
            s(c, &["status"]),
            time("lastHeartbeatTime"),
            time("lastTransitionTime"),
            s(c, &["reason"]),
            s(c, &["message"])
        ));
    }
}

/// `Non-terminated Pods:` with the simulation's pods on the node (no resource requests are
/// modelled, so every request and limit is 0).
fn node_pods(l: &mut Vec<String>, cluster: &Cluster, node: &str) {
    let pods: Vec<&Pod> = cluster
        .store
        .list_typed::<Pod>(None)
        .filter(|p| p.spec.node_name.as_deref() == Some(node))
        .filter(|p| {
            !matches!(
                p.status.as_ref().and_then(|s| s.phase.as_deref()),
                Some("Succeeded" | "Failed")
            )
        })
        .collect();
    l.push(format!("Non-terminated Pods:\t({} in total)", pods.len()));
    l.push(
        "  Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge".into(),
    );
    l.push(
        "  ---------\t----\t------------\t----------\t---------------\t-------------\t---".into(),
    );
    for p in &pods {
        let age = p
            .metadata
            .creation_timestamp
            .map_or("<unknown>".to_string(), |t| {
                duration::human(cluster.now.since(t))
            });
        l.push(format!(
            "  {}\t{}\t0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\t{age}",
            p.metadata.namespace.as_deref().unwrap_or(""),
            p.metadata.name
        ));
    }
    l.push("Allocated resources:".into());
    l.push("  (Total limits may be over 100 percent, i.e., overcommitted.)".into());
    l.push("  Resource\tRequests\tLimits".into());
    l.push("  --------\t--------\t------".into());
    l.push("  cpu\t0 (0%)\t0 (0%)".into());
    l.push("  memory\t0 (0%)\t0 (0%)".into());
    l.push("  ephemeral-storage\t0 (0%)\t0 (0%)".into());
}
