//! The kubelet of every node: admits pods bound to its node (sandbox, pod IP), pulls images,
//! starts containers, restarts exited ones with back-off, and stops pods being deleted.
//!
//! Progress takes simulated time: each step schedules the next as a timer ([`Work`]) that
//! [`super::fire_timers`] delivers. Due times are rounded up to [`TICK`] so that many pods
//! starting together progress in a few batches (one reconcile each) rather than one per pod.
//!
//! Timeline of a known server image (`nginx`): bound → ContainerCreating with a pod IP →
//! Pulling → 1-3 s later Pulled, Created, Started → Running and Ready. Image errors, exiting
//! commands and deletion follow the kubelet's real states and events (see `images.rs` for which
//! images exist and which processes exit).

use std::collections::{BTreeMap, BTreeSet};

use super::events::{object_ref, EventRecord};
use super::images::{self, ImageRef, Lifetime, PullError};
use super::pod_status::*;
use super::{names, Action, Ctx};
use crate::api::*;
use crate::sim::Time;
use crate::store::ObjectKey;

/// Granularity of kubelet timers, in milliseconds.
pub const TICK: u64 = 100;
/// CrashLoopBackOff and ImagePullBackOff: 10 s doubling up to 5 min.
const BACKOFF_START: u64 = 10_000;
const BACKOFF_MAX: u64 = 300_000;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KubeletState {
    /// Last pod-CIDR host offset handed out per node (host-local style round robin).
    ip_cursor: BTreeMap<String, u32>,
    /// Images present on each node: (node, full reference).
    images: BTreeSet<(String, String)>,
    /// Pods whose containers are being stopped (by uid).
    killing: BTreeSet<String>,
    /// Failed pulls per (pod uid, container index).
    pull_failures: BTreeMap<(String, usize), u32>,
}

/// A step due at a time for one pod (identified by key and uid, so a recreated pod with the same
/// name never receives its predecessor's timers).
#[derive(Clone, Debug, PartialEq)]
pub struct Work {
    pub pod: ObjectKey,
    pub uid: String,
    pub step: Step,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Pulled {
        container: usize,
        took_ms: u64,
    },
    PullBackOff {
        container: usize,
    },
    PullRetry {
        container: usize,
    },
    /// The run `container_id` of `container` ends with `code`.
    Exited {
        container: usize,
        code: i32,
        container_id: String,
    },
    CrashBackOff {
        container: usize,
    },
    Restart {
        container: usize,
    },
    /// The readiness probe's first success for the run `container_id`.
    Probed {
        container: usize,
        container_id: String,
    },
    Stopped,
}

/// Pods being changed in one batch, and the events/timers produced on the way.
struct Batch<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    st: &'c mut KubeletState,
    actions: Vec<Action>,
    new_ips: BTreeSet<String>,
}

/// Reacts to changed pods: admits newly bound ones, starts stopping deleted ones.
pub fn plan(ctx: &mut Ctx<'_>, st: &mut KubeletState, keys: &BTreeSet<ObjectKey>) -> Vec<Action> {
    let mut b = Batch {
        ctx,
        st,
        actions: Vec::new(),
        new_ips: BTreeSet::new(),
    };
    for key in keys {
        let Some(pod) = b.ctx.store.get_typed::<Pod>(&key.namespace, &key.name) else {
            continue;
        };
        if pod.spec.node_name.is_none() {
            continue;
        }
        let mut pod = working_copy(pod);
        let admitted = pod.status.as_ref().is_some_and(|s| s.host_ip.is_some());
        if pod.metadata.deletion_timestamp.is_some() {
            if admitted {
                b.stop(&pod);
            } else {
                b.actions.push(Action::Remove(key.clone()));
            }
        } else {
            let changed = if admitted {
                b.restart_changed(&mut pod)
            } else {
                b.admit(&mut pod)
            };
            if changed {
                b.actions.push(super::into_pod_status_action(pod));
            }
        }
    }
    b.actions
}

/// Delivers due timers.
pub fn on_timers(ctx: &mut Ctx<'_>, st: &mut KubeletState, due: Vec<Work>) -> Vec<Action> {
    let mut b = Batch {
        ctx,
        st,
        actions: Vec::new(),
        new_ips: BTreeSet::new(),
    };
    let mut pods: BTreeMap<ObjectKey, Pod> = BTreeMap::new();
    let mut removed: BTreeSet<ObjectKey> = BTreeSet::new();
    for work in due {
        if removed.contains(&work.pod) {
            continue;
        }
        if !pods.contains_key(&work.pod) {
            let current = b
                .ctx
                .store
                .get_typed::<Pod>(&work.pod.namespace, &work.pod.name);
            match current {
                Some(p) if p.metadata.uid.as_deref() == Some(&work.uid) => {
                    pods.insert(work.pod.clone(), working_copy(p));
                }
                _ => continue,
            }
        }
        let Some(pod) = pods.get_mut(&work.pod) else {
            continue;
        };
        if work.step == Step::Stopped {
            b.st.killing.remove(&work.uid);
            b.st.pull_failures.retain(|(uid, _), _| *uid != work.uid);
            pods.remove(&work.pod);
            removed.insert(work.pod.clone());
            b.actions.push(Action::Remove(work.pod));
            continue;
        }
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        b.step(&work, pod);
    }
    for pod in pods.into_values() {
        b.actions.push(super::into_pod_status_action(pod));
    }
    b.actions
}

/// The kubelet's copy of a pod: everything it reads, without the large opaque spec fields
/// (volumes, tolerations, affinity) or the metadata (labels, owners) it never looks at. Only
/// its status is written back.
fn working_copy(pod: &Pod) -> Pod {
    Pod {
        metadata: super::identity(&pod.metadata),
        spec: PodSpec {
            containers: pod.spec.containers.clone(),
            restart_policy: pod.spec.restart_policy.clone(),
            node_name: pod.spec.node_name.clone(),
            host_network: pod.spec.host_network,
            termination_grace_period_seconds: pod.spec.termination_grace_period_seconds,
            ..PodSpec::default()
        },
        status: pod.status.clone(),
        ..Pod::default()
    }
}

impl Batch<'_, '_> {
    fn now(&self) -> Time {
        self.ctx.now
    }

    fn timer(&mut self, pod: &Pod, after_ms: u64, step: Step) {
        let at = self.now().0 + after_ms.max(1);
        let at = Time(at.div_ceil(TICK) * TICK);
        self.actions.push(Action::Timer(
            at,
            super::Due::Kubelet(Work {
                pod: ObjectKey::new(
                    Kind::Pod,
                    pod.metadata.namespace.as_deref().unwrap_or(""),
                    &pod.metadata.name,
                ),
                uid: pod.metadata.uid.clone().unwrap_or_default(),
                step,
            }),
        ));
    }

    fn event(
        &mut self,
        pod: &Pod,
        container: Option<usize>,
        type_: &'static str,
        reason: &str,
        message: String,
    ) {
        let mut involved = object_ref(Kind::Pod, &pod.metadata);
        if let Some(c) = container.and_then(|i| pod.spec.containers.get(i)) {
            involved.field_path = Some(format!("spec.containers{{{}}}", c.name));
        }
        self.actions.push(Action::Event(EventRecord {
            involved,
            type_,
            reason: reason.to_string(),
            message,
            component: "kubelet",
            host: pod.spec.node_name.clone(),
        }));
    }

    fn draw_ms(&mut self, lo: u32, hi: u32) -> u64 {
        u64::from(lo + self.ctx.rng.below(hi - lo))
    }

    /// Sandbox creation: host and pod IPs, waiting containers, then the first image pull.
    fn admit(&mut self, pod: &mut Pod) -> bool {
        let node_name = pod.spec.node_name.clone().unwrap_or_default();
        let Some(node) = self.ctx.store.get_typed::<Node>("", &node_name) else {
            return false;
        };
        let node_ip = node
            .status
            .as_ref()
            .and_then(|s| s.addresses.iter().find(|a| a.type_ == "InternalIP"))
            .map(|a| a.address.clone())
            .unwrap_or_default();
        let pod_ip = if pod.spec.host_network == Some(true) {
            Some(node_ip.clone())
        } else {
            self.allocate_ip(&node_name, node.spec.pod_cidr.as_deref().unwrap_or(""))
        };
        let Some(pod_ip) = pod_ip else {
            let msg = "Failed to create pod sandbox: plugin type=\"calico\" failed (add): failed to request IPv4 addresses: no free addresses in the node's block".to_string();
            self.event(pod, None, "Warning", "FailedCreatePodSandBox", msg);
            return false;
        };
        let now = self.now();
        let status = pod.status.get_or_insert_with(PodStatus::default);
        status.phase = Some("Pending".into());
        status.host_ips = vec![PodIp {
            ip: node_ip.clone(),
        }];
        status.host_ip = Some(node_ip);
        status.pod_ip = Some(pod_ip.clone());
        status.pod_ips = vec![PodIp { ip: pod_ip }];
        status.start_time = Some(now);
        status.qos_class = Some(qos_class(&pod.spec).into());
        status.container_statuses = pod
            .spec
            .containers
            .iter()
            .map(|c| ContainerStatus {
                name: c.name.clone(),
                image: c.image.clone().unwrap_or_default(),
                started: Some(false),
                state: waiting("ContainerCreating", None),
                ..ContainerStatus::default()
            })
            .collect();
        refresh(pod, now);
        self.start_container(pod, 0);
        true
    }

    fn allocate_ip(&mut self, node: &str, cidr: &str) -> Option<String> {
        let (base, prefix) = parse_cidr(cidr)?;
        let size = 1u32.checked_shl(32 - prefix).unwrap_or(0);
        if size < 4 {
            return None;
        }
        // .0 is the network, .1 the node's gateway, the last address broadcast.
        let hosts = size - 3;
        let cursor = *self.st.ip_cursor.get(node).unwrap_or(&1);
        for step in 1..=hosts {
            let offset = 2 + (cursor - 1 + step - 1) % hosts;
            let ip = ipv4_to_string(base + offset);
            if !self.ctx.index.ip_in_use(&ip) && !self.new_ips.contains(&ip) {
                self.st.ip_cursor.insert(node.to_string(), offset);
                self.new_ips.insert(ip.clone());
                return Some(ip);
            }
        }
        None
    }

    /// Pulls (or finds) container `i`'s image; runs it when available.
    fn start_container(&mut self, pod: &mut Pod, i: usize) {
        let Some(c) = pod.spec.containers.get(i).cloned() else {
            refresh(pod, self.now());
            return;
        };
        let image = c.image.clone().unwrap_or_default();
        let r = match images::parse(&image) {
            Ok(r) => r,
            Err(PullError::InvalidName(msg)) | Err(PullError::Failed(msg)) => {
                self.event(pod, Some(i), "Warning", "InspectFailed", msg.clone());
                self.event(
                    pod,
                    Some(i),
                    "Warning",
                    "Failed",
                    "Error: InvalidImageName".into(),
                );
                set_state(pod, i, waiting("InvalidImageName", Some(msg)));
                return;
            }
        };
        let node = pod.spec.node_name.clone().unwrap_or_default();
        let present = self.st.images.contains(&(node, r.full.clone()));
        let always = match c.image_pull_policy.as_deref() {
            Some("Always") => true,
            Some("Never") => false,
            _ => r.default_pulls_always(),
        };
        if present && !always || c.image_pull_policy.as_deref() == Some("Never") {
            let msg = format!("Container image \"{image}\" already present on machine");
            self.event(pod, Some(i), "Normal", "Pulled", msg);
            self.run_container(pod, i, &r);
            return;
        }
        self.event(
            pod,
            Some(i),
            "Normal",
            "Pulling",
            format!("Pulling image \"{image}\""),
        );
        let took_ms = match (r.check_exists().is_ok(), present) {
            (true, false) => self.draw_ms(1000, 3000),
            (true, true) => self.draw_ms(300, 900),
            (false, _) => self.draw_ms(500, 1500),
        };
        self.timer(
            pod,
            took_ms,
            Step::Pulled {
                container: i,
                took_ms,
            },
        );
    }

    fn run_container(&mut self, pod: &mut Pod, i: usize, r: &ImageRef) {
        let Some(c) = pod.spec.containers.get(i).cloned() else {
            return;
        };
        let now = self.now();
        let id = format!("containerd://{}", names::random_hex(self.ctx.rng, 64));
        self.event(
            pod,
            Some(i),
            "Normal",
            "Created",
            format!("Created container: {}", c.name),
        );
        self.event(
            pod,
            Some(i),
            "Normal",
            "Started",
            format!("Started container {}", c.name),
        );
        if let Some(cs) = container_status(pod, i) {
            // A container that ran before is a restart: its last run becomes lastState.
            if cs.container_id.is_some() {
                if cs.state.terminated.is_some() {
                    cs.last_state = Some(std::mem::take(&mut cs.state));
                }
                cs.restart_count += 1;
            }
            cs.image = r.full.clone();
            cs.image_id = r.image_id();
            cs.container_id = Some(id.clone());
            cs.ready = c.readiness_probe.is_none();
            cs.started = Some(true);
            cs.state = ContainerState {
                running: Some(StateDetail {
                    started_at: Some(now),
                    ..StateDetail::default()
                }),
                ..ContainerState::default()
            };
        }
        if let Some(probe) = &c.readiness_probe {
            // Probes are taken to succeed: the first one runs after initialDelaySeconds.
            let delay = probe
                .get("initialDelaySeconds")
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0);
            let after = delay * 1000 + self.draw_ms(100, 1000);
            let step = Step::Probed {
                container: i,
                container_id: id.clone(),
            };
            self.timer(pod, after, step);
        }
        if let Lifetime::Exits { after_ms, code } = images::lifetime(r, &c) {
            let step = Step::Exited {
                container: i,
                code,
                container_id: id,
            };
            self.timer(pod, after_ms.max(TICK), step);
        }
        let next_waiting = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.get(i + 1))
            .is_some_and(|cs| cs.container_id.is_none());
        if next_waiting {
            self.start_container(pod, i + 1);
        }
        refresh(pod, now);
    }

    fn step(&mut self, work: &Work, pod: &mut Pod) {
        let now = self.now();
        match work.step {
            Step::Pulled { container, took_ms } => self.pulled(pod, container, took_ms),
            Step::PullBackOff { container } => self.pull_back_off(pod, &work.uid, container),
            Step::PullRetry { container } | Step::Restart { container } => {
                self.start_container(pod, container)
            }
            Step::Exited {
                container,
                code,
                ref container_id,
            } => {
                let same_run = pod
                    .status
                    .as_ref()
                    .and_then(|s| s.container_statuses.get(container))
                    .is_some_and(|cs| cs.container_id.as_ref() == Some(container_id));
                if same_run {
                    self.exited(pod, container, code);
                }
            }
            Step::CrashBackOff { container } => self.crash_back_off(pod, container),
            Step::Probed {
                container,
                ref container_id,
            } => {
                if let Some(cs) = container_status(pod, container) {
                    let same_run = cs.container_id.as_ref() == Some(container_id);
                    if same_run && cs.state.running.is_some() {
                        cs.ready = true;
                    }
                }
            }
            Step::Stopped => {}
        }
        refresh(pod, now);
    }

    /// ErrImagePull turns into ImagePullBackOff; the next pull waits out a doubling back-off.
    fn pull_back_off(&mut self, pod: &mut Pod, uid: &str, i: usize) {
        let image = image_of(pod, i);
        let err = waiting_message(pod, i).unwrap_or_default();
        let msg = format!("Back-off pulling image \"{image}\": ErrImagePull: {err}");
        set_state(pod, i, waiting("ImagePullBackOff", Some(msg)));
        let ev = format!("Back-off pulling image \"{image}\"");
        self.event(pod, Some(i), "Normal", "BackOff", ev);
        let ev = "Error: ImagePullBackOff".to_string();
        self.event(pod, Some(i), "Warning", "Failed", ev);
        let n = self
            .st
            .pull_failures
            .entry((uid.to_string(), i))
            .or_insert(0);
        *n += 1;
        let delay = backoff(*n);
        self.timer(pod, delay, Step::PullRetry { container: i });
    }

    /// An exited container waits in CrashLoopBackOff (10 s, 20 s, 40 s… up to 5 min).
    fn crash_back_off(&mut self, pod: &mut Pod, i: usize) {
        let delay = backoff(restart_count(pod, i).max(1) as u32);
        let name = pod
            .spec
            .containers
            .get(i)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let pod_id = format!(
            "{}_{}({})",
            pod.metadata.name,
            pod.metadata.namespace.as_deref().unwrap_or(""),
            pod.metadata.uid.as_deref().unwrap_or("")
        );
        let msg = format!(
            "back-off {} restarting failed container={name} pod={pod_id}",
            go_duration(delay)
        );
        if let Some(cs) = container_status(pod, i) {
            if cs.state.terminated.is_some() {
                cs.last_state = Some(std::mem::take(&mut cs.state));
            }
            cs.state = waiting("CrashLoopBackOff", Some(msg));
        }
        let ev = format!("Back-off restarting failed container {name} in pod {pod_id}");
        self.event(pod, Some(i), "Warning", "BackOff", ev);
        let step = Step::Restart { container: i };
        self.timer(pod, delay.saturating_sub(1000), step);
    }

    fn pulled(&mut self, pod: &mut Pod, i: usize, took_ms: u64) {
        let image = image_of(pod, i);
        let Ok(r) = images::parse(&image) else {
            return;
        };
        if let Err(PullError::Failed(msg)) | Err(PullError::InvalidName(msg)) = r.check_exists() {
            let ev = format!("Failed to pull image \"{image}\": {msg}");
            self.event(pod, Some(i), "Warning", "Failed", ev);
            self.event(
                pod,
                Some(i),
                "Warning",
                "Failed",
                "Error: ErrImagePull".into(),
            );
            set_state(pod, i, waiting("ErrImagePull", Some(msg)));
            let after = self.draw_ms(1000, 2000);
            self.timer(pod, after, Step::PullBackOff { container: i });
            return;
        }
        let node = pod.spec.node_name.clone().unwrap_or_default();
        self.st.images.insert((node, r.full.clone()));
        let took = go_duration(took_ms);
        let msg = format!(
            "Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: {} bytes.",
            r.size_bytes()
        );
        self.event(pod, Some(i), "Normal", "Pulled", msg);
        self.run_container(pod, i, &r);
    }

    fn exited(&mut self, pod: &mut Pod, i: usize, code: i32) {
        let now = self.now();
        let Some(cs) = container_status(pod, i) else {
            return;
        };
        let Some(running) = cs.state.running.take() else {
            return;
        };
        cs.ready = false;
        cs.started = Some(false);
        cs.state = ContainerState {
            terminated: Some(StateDetail {
                reason: Some(if code == 0 { "Completed" } else { "Error" }.into()),
                exit_code: Some(code),
                started_at: running.started_at,
                finished_at: Some(now),
                ..StateDetail::default()
            }),
            ..ContainerState::default()
        };
        let restarts = cs.restart_count;
        let restart = match pod.spec.restart_policy.as_deref() {
            Some("Never") => false,
            Some("OnFailure") => code != 0,
            _ => true,
        };
        if !restart {
            return;
        }
        // The first restart is immediate; later ones wait out a doubling back-off.
        if restarts == 0 {
            self.timer(pod, 1000, Step::Restart { container: i });
        } else {
            self.timer(pod, 1000, Step::CrashBackOff { container: i });
        }
    }

    /// A container whose image was changed in the pod spec (the one mutable container field)
    /// is killed and started again from the new image. Returns whether any was.
    fn restart_changed(&mut self, pod: &mut Pod) -> bool {
        let mut changed = false;
        for i in 0..pod.spec.containers.len() {
            let wanted = image_of(pod, i);
            let Ok(r) = images::parse(&wanted) else {
                continue;
            };
            let Some(cs) = container_status(pod, i) else {
                continue;
            };
            // While restarting, the status shows the spec's image as written.
            if cs.container_id.is_none() || cs.image == r.full || cs.image == wanted {
                continue;
            }
            cs.image = wanted;
            cs.ready = false;
            if let Some(run) = cs.state.running.take() {
                cs.state.terminated = Some(StateDetail {
                    reason: Some("Completed".into()),
                    exit_code: Some(0),
                    started_at: run.started_at,
                    finished_at: Some(self.now()),
                    ..StateDetail::default()
                });
            }
            let name = pod.spec.containers[i].name.clone();
            let msg = format!("Container {name} definition changed, will be restarted");
            self.event(pod, Some(i), "Normal", "Killing", msg);
            self.start_container(pod, i);
            changed = true;
        }
        if changed {
            refresh(pod, self.now());
        }
        changed
    }

    /// Starts stopping a deleted pod: Killing events, removal when its processes are gone.
    fn stop(&mut self, pod: &Pod) {
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        if !self.st.killing.insert(uid) {
            return;
        }
        let mut prompt = true;
        for (i, c) in pod.spec.containers.iter().enumerate() {
            let running = pod
                .status
                .as_ref()
                .and_then(|s| s.container_statuses.get(i))
                .is_some_and(|cs| cs.state.running.is_some());
            if !running {
                continue;
            }
            let r = images::parse(c.image.as_deref().unwrap_or(""));
            prompt &= r.is_ok_and(|r| images::stops_on_sigterm(&r, c));
            self.event(
                pod,
                Some(i),
                "Normal",
                "Killing",
                format!("Stopping container {}", c.name),
            );
        }
        let deadline = pod.metadata.deletion_timestamp.unwrap_or(self.now());
        let grace_ms = deadline.since(self.now()).as_millis();
        let after = if prompt {
            self.draw_ms(400, 1500).min(grace_ms)
        } else {
            grace_ms
        };
        self.timer(pod, after, Step::Stopped);
    }
}

fn backoff(n: u32) -> u64 {
    let shift = n.saturating_sub(1).min(10);
    (BACKOFF_START << shift).min(BACKOFF_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_duration_strings() {
        for (ms, want) in [
            (535, "535ms"),
            (1200, "1.2s"),
            (1234, "1.234s"),
            (10_000, "10s"),
            (300_000, "5m0s"),
            (80_000, "1m20s"),
        ] {
            assert_eq!(go_duration(ms), want);
        }
    }

    #[test]
    fn backoff_doubles_to_five_minutes() {
        let got: Vec<u64> = (1..=7).map(backoff).collect();
        assert_eq!(
            got,
            [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]
        );
    }
}
