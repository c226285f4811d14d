//! The scheduler: binds each pending pod to the feasible node running the fewest pods (ties by
//! node name, so placement is deterministic). Feasible means Ready, schedulable, every
//! NoSchedule/NoExecute taint tolerated, the nodeSelector matched, and under the node's `pods`
//! capacity. Reports `Scheduled` / `FailedScheduling` with the real messages.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::events::{object_ref, EventRecord};
use super::{Action, Ctx};
use crate::api::*;
use crate::store::ObjectKey;

pub fn plan(ctx: &mut Ctx<'_>, keys: &BTreeSet<ObjectKey>) -> Vec<Action> {
    let mut actions = Vec::new();
    if keys.is_empty() {
        return actions;
    }
    // Per node, what does not depend on the pod: read once, not once per pod.
    let nodes: Vec<NodeFacts> = ctx
        .store
        .list_typed::<Node>(None)
        .map(NodeFacts::of)
        .collect();
    let mut load: BTreeMap<String, usize> = nodes
        .iter()
        .map(|n| {
            let name = &n.node.metadata.name;
            (name.clone(), ctx.index.pod_count_on(name))
        })
        .collect();
    for key in keys {
        let Some(pod) = ctx.store.get_typed::<Pod>(&key.namespace, &key.name) else {
            continue;
        };
        let scheduler = pod
            .spec
            .scheduler_name
            .as_deref()
            .unwrap_or("default-scheduler");
        if pod.spec.node_name.is_some()
            || pod.metadata.deletion_timestamp.is_some()
            || scheduler != "default-scheduler"
        {
            continue;
        }
        let mut rejections: BTreeMap<String, usize> = BTreeMap::new();
        let mut best: Option<(usize, &str)> = None;
        for facts in &nodes {
            let name = facts.node.metadata.name.as_str();
            let count = load.get(name).copied().unwrap_or(0);
            match facts.unfit_reason(pod, count) {
                Some(reason) => *rejections.entry(reason).or_default() += 1,
                None => {
                    let cand = (count, name);
                    if best.is_none_or(|b| cand < b) {
                        best = Some(cand);
                    }
                }
            }
        }
        // A copy for the status only: the spec (with its large opaque fields) stays put.
        let mut pod = Pod {
            metadata: pod.metadata.clone(),
            status: pod.status.clone(),
            ..Pod::default()
        };
        match best {
            Some((_, node)) => {
                *load.entry(node.to_string()).or_default() += 1;
                bind(ctx, &mut pod, node, &mut actions);
            }
            None => unschedulable(ctx, &mut pod, nodes.len(), &rejections, &mut actions),
        }
    }
    actions
}

fn bind(ctx: &Ctx<'_>, pod: &mut Pod, node: &str, actions: &mut Vec<Action>) {
    pod.spec.node_name = Some(node.to_string());
    set_scheduled(pod, ctx, "True", None, None);
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let msg = format!("Successfully assigned {ns}/{} to {node}", pod.metadata.name);
    actions.push(event(pod, "Normal", "Scheduled", msg));
    actions.push(super::pod_status_action(pod, Some(node.to_string())));
}

fn unschedulable(
    ctx: &Ctx<'_>,
    pod: &mut Pod,
    n_nodes: usize,
    rejections: &BTreeMap<String, usize>,
    actions: &mut Vec<Action>,
) {
    // kube-scheduler sorts the "<count> <reason>" strings themselves.
    let mut reasons: Vec<String> = rejections.iter().map(|(r, n)| format!("{n} {r}")).collect();
    reasons.sort();
    let msg = format!(
        "0/{n_nodes} nodes are available: {}. preemption: 0/{n_nodes} nodes are available: {n_nodes} Preemption is not helpful for scheduling.",
        reasons.join(", ")
    );
    let before = pod.status.clone();
    set_scheduled(pod, ctx, "False", Some("Unschedulable"), Some(msg.clone()));
    // A retry with the same outcome is not news (the real scheduler backs off between tries).
    if pod.status != before {
        actions.push(event(pod, "Warning", "FailedScheduling", msg));
        actions.push(super::pod_status_action(pod, None));
    }
}

fn set_scheduled(
    pod: &mut Pod,
    ctx: &Ctx<'_>,
    status: &str,
    reason: Option<&str>,
    msg: Option<String>,
) {
    let st = pod.status.get_or_insert_with(PodStatus::default);
    st.phase = Some("Pending".into());
    let prev = st.conditions.iter().find(|c| c.type_ == "PodScheduled");
    let since = match prev {
        Some(p) if p.status == status => p.last_transition_time,
        _ => Some(ctx.now),
    };
    st.conditions.retain(|c| c.type_ != "PodScheduled");
    st.conditions.push(Condition {
        type_: "PodScheduled".into(),
        status: status.into(),
        last_transition_time: since,
        reason: reason.map(str::to_string),
        message: msg,
        ..Condition::default()
    });
}

fn event(pod: &Pod, type_: &'static str, reason: &str, message: String) -> Action {
    Action::Event(EventRecord {
        involved: object_ref(Kind::Pod, &pod.metadata),
        type_,
        reason: reason.into(),
        message,
        component: "default-scheduler",
        host: None,
    })
}

/// A node with its Ready condition and pod capacity looked up.
struct NodeFacts<'s> {
    node: &'s Node,
    ready: bool,
    capacity: usize,
}

impl<'s> NodeFacts<'s> {
    fn of(node: &'s Node) -> NodeFacts<'s> {
        let status = node.status.as_ref();
        NodeFacts {
            node,
            ready: status.is_some_and(|s| {
                s.conditions
                    .iter()
                    .any(|c| c.type_ == "Ready" && c.status == "True")
            }),
            capacity: status
                .and_then(|s| s.allocatable.get("pods"))
                .and_then(|p| p.parse::<usize>().ok())
                .unwrap_or(110),
        }
    }

    /// Why the node cannot take `pod`, in the scheduler's words; `None` if it fits.
    fn unfit_reason(&self, pod: &Pod, pods_on_node: usize) -> Option<String> {
        if !self.ready {
            return Some("node(s) were not ready".into());
        }
        unfit_when_ready(pod, self.node, pods_on_node, self.capacity)
    }
}

/// Why `node` cannot take `pod`, in the scheduler's words; `None` if it fits.
pub fn unfit_reason(pod: &Pod, node: &Node, pods_on_node: usize) -> Option<String> {
    NodeFacts::of(node).unfit_reason(pod, pods_on_node)
}

/// The checks after readiness, in the scheduler's order.
fn unfit_when_ready(
    pod: &Pod,
    node: &Node,
    pods_on_node: usize,
    capacity: usize,
) -> Option<String> {
    if node.spec.unschedulable == Some(true) {
        return Some("node(s) were unschedulable".into());
    }
    for taint in node
        .spec
        .taints
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let effect = str_field(taint, "effect");
        if (effect == "NoSchedule" || effect == "NoExecute") && !tolerated(pod, taint) {
            return Some(format!(
                "node(s) had untolerated taint {{{}: {}}}",
                str_field(taint, "key"),
                str_field(taint, "value")
            ));
        }
    }
    if !map_selector_matches(&pod.spec.node_selector, &node.metadata.labels) {
        return Some("node(s) didn't match Pod's node affinity/selector".into());
    }
    if pods_on_node >= capacity {
        return Some("Too many pods".into());
    }
    None
}

fn tolerated(pod: &Pod, taint: &Value) -> bool {
    let tolerations = pod.spec.tolerations.as_ref().and_then(Value::as_array);
    tolerations.into_iter().flatten().any(|t| {
        let key = str_field(t, "key");
        let op = match str_field(t, "operator") {
            "" => "Equal",
            op => op,
        };
        let effect = str_field(t, "effect");
        let key_ok = (key.is_empty() && op == "Exists") || key == str_field(taint, "key");
        let value_ok = op == "Exists" || str_field(t, "value") == str_field(taint, "value");
        let effect_ok = effect.is_empty() || effect == str_field(taint, "effect");
        key_ok && value_ok && effect_ok
    })
}

fn str_field<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}
