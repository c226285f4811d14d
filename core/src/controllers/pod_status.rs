//! Pod status bookkeeping for the kubelet: phase and conditions derived from container
//! statuses, the QoS class, container-state helpers, and the small formatting and address
//! helpers the kubelet's messages and IPAM need.

use crate::api::*;
use crate::sim::Time;

pub fn waiting(reason: &str, message: Option<String>) -> ContainerState {
    ContainerState {
        waiting: Some(StateDetail {
            reason: Some(reason.into()),
            message,
            ..StateDetail::default()
        }),
        ..ContainerState::default()
    }
}

pub fn container_status(pod: &mut Pod, i: usize) -> Option<&mut ContainerStatus> {
    pod.status.as_mut()?.container_statuses.get_mut(i)
}

pub fn set_state(pod: &mut Pod, i: usize, state: ContainerState) {
    if let Some(cs) = container_status(pod, i) {
        cs.state = state;
        cs.ready = false;
    }
}

pub fn image_of(pod: &Pod, i: usize) -> String {
    pod.spec
        .containers
        .get(i)
        .and_then(|c| c.image.clone())
        .unwrap_or_default()
}

pub fn waiting_message(pod: &Pod, i: usize) -> Option<String> {
    let cs = pod.status.as_ref()?.container_statuses.get(i)?;
    cs.state.waiting.as_ref()?.message.clone()
}

pub fn restart_count(pod: &Pod, i: usize) -> i32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.get(i))
        .map_or(0, |cs| cs.restart_count)
}

/// Recomputes phase and conditions from the container statuses, in the kubelet's order:
/// PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled.
pub fn refresh(pod: &mut Pod, now: Time) {
    let policy = pod.spec.restart_policy.clone();
    let Some(status) = pod.status.as_mut() else {
        return;
    };
    let phase = phase(&status.container_statuses, policy.as_deref());
    status.phase = Some(phase.into());
    let cs = &status.container_statuses;
    let finished = phase == "Succeeded" || phase == "Failed";
    let unready: Vec<&str> = cs
        .iter()
        .filter(|c| !c.ready)
        .map(|c| c.name.as_str())
        .collect();
    let (ready, reason, message) = if finished {
        ("False", Some("PodCompleted"), None)
    } else if unready.is_empty() && !cs.is_empty() {
        ("True", None, None)
    } else {
        let msg = format!("containers with unready status: [{}]", unready.join(" "));
        ("False", Some("ContainersNotReady"), Some(msg))
    };
    let sandbox = if finished { "False" } else { "True" };
    let wanted = [
        ("PodReadyToStartContainers", sandbox, None, None),
        ("Initialized", "True", None, None),
        ("Ready", ready, reason, message.clone()),
        ("ContainersReady", ready, reason, message),
        ("PodScheduled", "True", None, None),
    ];
    let old = std::mem::take(&mut status.conditions);
    for (type_, st, reason, message) in wanted {
        let prev = old.iter().find(|c| c.type_ == type_);
        let since = match prev {
            Some(p) if p.status == st => p.last_transition_time,
            _ => Some(now),
        };
        status.conditions.push(Condition {
            type_: type_.into(),
            status: st.into(),
            last_transition_time: since,
            reason: reason.map(str::to_string),
            message,
            ..Condition::default()
        });
    }
}

/// Pending until every container has started once; Succeeded/Failed when all have exited and
/// the restart policy will not restart them; otherwise Running.
fn phase(cs: &[ContainerStatus], restart_policy: Option<&str>) -> &'static str {
    let exit_codes: Vec<Option<i32>> = cs
        .iter()
        .map(|c| c.state.terminated.as_ref().and_then(|t| t.exit_code))
        .collect();
    let all_exited = !cs.is_empty() && exit_codes.iter().all(Option::is_some);
    let all_zero = exit_codes.iter().all(|c| *c == Some(0));
    let stays_down = match restart_policy {
        Some("Never") => true,
        Some("OnFailure") => all_zero,
        _ => false,
    };
    let ever_started = cs
        .iter()
        .all(|c| c.container_id.is_some() || c.last_state.is_some());
    if all_exited && stays_down {
        if all_zero {
            "Succeeded"
        } else {
            "Failed"
        }
    } else if ever_started && !cs.is_empty() {
        "Running"
    } else {
        "Pending"
    }
}

pub fn qos_class(spec: &PodSpec) -> &'static str {
    let resources: Vec<&serde_json::Value> = spec
        .containers
        .iter()
        .filter_map(|c| c.resources.as_ref())
        .collect();
    let set = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(|m| m.as_object())
            .is_some_and(|m| !m.is_empty())
    };
    if !resources
        .iter()
        .any(|r| set(r, "requests") || set(r, "limits"))
    {
        return "BestEffort";
    }
    let guaranteed = resources.len() == spec.containers.len()
        && resources.iter().all(|r| {
            let limits = r.get("limits");
            let requests = r.get("requests");
            ["cpu", "memory"].iter().all(|k| {
                let l = limits.and_then(|l| l.get(*k));
                l.is_some()
                    && requests
                        .and_then(|q| q.get(*k))
                        .is_none_or(|q| Some(q) == l)
            })
        });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// Go's `time.Duration` string for whole milliseconds: `535ms`, `1.2s`, `10s`, `5m0s`.
pub fn go_duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = ms / 1000;
    let frac = ms % 1000;
    let (m, s) = (secs / 60, secs % 60);
    let s_part = if frac == 0 {
        format!("{s}s")
    } else {
        let f = format!("{frac:03}");
        format!("{s}.{}s", f.trim_end_matches('0'))
    };
    if m > 0 {
        format!("{m}m{s_part}")
    } else {
        s_part
    }
}

pub fn parse_cidr(cidr: &str) -> Option<(u32, u32)> {
    let (ip, prefix) = cidr.split_once('/')?;
    let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
    Some((parse_ipv4(ip)?, prefix))
}

pub fn parse_ipv4(ip: &str) -> Option<u32> {
    let octets: Vec<u8> = ip
        .split('.')
        .map(|o| o.parse().ok())
        .collect::<Option<_>>()?;
    let [a, b, c, d] = octets.as_slice() else {
        return None;
    };
    Some(u32::from_be_bytes([*a, *b, *c, *d]))
}

pub fn ipv4_to_string(ip: u32) -> String {
    let [a, b, c, d] = ip.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}
