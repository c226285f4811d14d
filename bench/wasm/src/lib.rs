//! The benchmark scenarios over `kubeplay_core::Session`, written once and run twice: natively
//! (`src/bin/native.rs`, timed with `Instant`) and as wasm in Node (`bench/run.mjs`, timed with
//! `performance.now()` and `process.cpuUsage()`), so both numbers measure the same work.
//!
//! Each scenario drives the session the way a learner does: manifests go through
//! `kubectl apply -f FILE`, requests through `kubectl exec client -- curl -s http://web/` (or,
//! for the cheaper comparison, the core's tools API directly). Waiting is simulated: time moves
//! in 1 s steps of `Session::advance` until the condition holds or the scenario's cap of
//! simulated seconds runs out. Every scenario returns a small JSON object the drivers print.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_core::api::{EndpointSlice, Node, Pod};
use kubeplay_core::sim::Duration;
use kubeplay_core::tools::{self, Origin};
use kubeplay_core::Session;
use wasm_bindgen::prelude::*;

mod manifests;

/// Simulated seconds any single wait may take before the scenario reports failure.
const WAIT_CAP_S: u64 = 600;

#[wasm_bindgen]
pub struct Bench {
    session: Session,
}

#[wasm_bindgen]
impl Bench {
    /// Scenario 1's work: a fresh cluster (the core boots it synchronously).
    #[wasm_bindgen(constructor)]
    pub fn new(seed: u32) -> Bench {
        Bench {
            session: Session::new(u64::from(seed)),
        }
    }

    /// Scenario 1's check: 3 Ready nodes and every kube-system pod Ready.
    pub fn init_report(&mut self) -> String {
        let waited = self.wait_until(|b| b.nodes_ready() >= 3 && b.system_pods_ready());
        let pods = self
            .session
            .cluster
            .store
            .list_typed::<Pod>(Some("kube-system"))
            .count();
        format!(
            r#"{{"ok":{},"nodes_ready":{},"system_pods":{pods},"sim_ms":{}}}"#,
            waited.is_some(),
            self.nodes_ready(),
            waited.unwrap_or(0)
        )
    }

    /// Scenario 2: a 3-replica Deployment, its ClusterIP Service and a client pod, until the
    /// Service has 3 ready endpoints and the client is Ready.
    pub fn deploy(&mut self) -> String {
        let out = self.apply("web.yaml", &manifests::web(3, true));
        let waited = self.wait_until(|b| b.ready_endpoints("web") == 3 && b.pod_ready("client"));
        format!(
            r#"{{"ok":{},"apply_exit":{out},"endpoints":{},"sim_ms":{}}}"#,
            waited.is_some(),
            self.ready_endpoints("web"),
            waited.unwrap_or(0)
        )
    }

    /// Scenario 3 through the terminal: `n` × `kubectl exec client -- curl -s http://web/`,
    /// each a full command line (shell parse, kubectl, exec, curl, DNS, kube-proxy, whoami).
    pub fn requests_exec(&mut self, n: u32) -> String {
        let line = "kubectl exec client -- curl -s http://web/";
        let mut ok = 0u32;
        let mut backends = BTreeSet::new();
        for _ in 0..n {
            let out = self.session.exec(line);
            if out.exit_code == 0 {
                ok += 1;
            }
            if let Some(h) = hostname(&out.text()) {
                backends.insert(h);
            }
        }
        requests_json(ok, n, backends.len())
    }

    /// Scenario 3 through the core's tools API: `curl -s http://web/` run in the client pod
    /// directly (no shell, no kubectl exec), what a front end calling the network layer pays.
    pub fn requests_tools(&mut self, n: u32, url: &str) -> String {
        let origin = Origin::Pod {
            namespace: "default".into(),
            name: "client".into(),
            container: "client".into(),
        };
        let argv = ["curl", "-s", url].map(String::from);
        let mut ok = 0u32;
        let mut backends = BTreeSet::new();
        for _ in 0..n {
            let Some(out) = tools::run(&mut self.session.cluster, &origin, &argv, "") else {
                break;
            };
            if out.exit_code == 0 {
                ok += 1;
            }
            if let Some(h) = hostname(&out.text()) {
                backends.insert(h);
            }
        }
        requests_json(ok, n, backends.len())
    }

    /// Scenario 4a: scales `web` to `replicas` (re-applying its manifest, as `kubectl scale`
    /// would change `.spec.replicas`) until that many endpoints are ready.
    pub fn scale(&mut self, replicas: u32) -> String {
        let out = self.apply("web-scale.yaml", &manifests::web(replicas, false));
        let want = replicas as usize;
        let waited = self.wait_until(|b| b.ready_endpoints("web") == want);
        format!(
            r#"{{"ok":{},"apply_exit":{out},"endpoints":{},"sim_ms":{}}}"#,
            waited.is_some(),
            self.ready_endpoints("web"),
            waited.unwrap_or(0)
        )
    }

    /// Scenario 4b: `n` Deployments × 3 replicas, each with its Service, in one apply; done when
    /// every Service has 3 ready endpoints and one curl from the client reaches each of them.
    pub fn many_services(&mut self, n: u32) -> String {
        let out = self.apply("many.yaml", &manifests::many("app", n, 3));
        let waited = self.wait_until(|b| {
            let ready = b.ready_endpoints_per_service();
            (0..n).all(|i| ready.get(format!("app-{i}").as_str()) == Some(&3))
        });
        let mut routed = 0;
        for i in 0..n {
            let r = self.requests_tools(1, &format!("http://app-{i}/"));
            if r.contains(r#""ok":1,"#) {
                routed += 1;
            }
        }
        format!(
            r#"{{"ok":{},"apply_exit":{out},"routed":{routed},"sim_ms":{}}}"#,
            waited.is_some() && routed == n,
            waited.unwrap_or(0)
        )
    }

    /// Adds Services `extra-N` (selecting the `web` pods) until the namespace holds `total`
    /// Services, for the per-request-cost-vs-Service-count measurement.
    pub fn grow_services(&mut self, total: u32) -> String {
        let have = self
            .session
            .cluster
            .store
            .list_typed::<kubeplay_core::api::Service>(Some("default"))
            .count() as u32;
        let out = self.apply("extra.yaml", &manifests::extra_services(have, total));
        self.session.advance(Duration::from_secs(1));
        format!(r#"{{"apply_exit":{out},"services":{total}}}"#)
    }

    /// Adds worker nodes `worker-3..=worker-(2+n)`: 300 replicas exceed two workers' 110-pod
    /// capacity each (the control plane is tainted).
    pub fn add_workers(&mut self, n: u8) {
        for i in 0..n {
            self.session.cluster.add_worker(3 + i);
        }
    }

    pub fn sim_now_ms(&self) -> f64 {
        self.session.cluster.now.0 as f64
    }
}

impl Bench {
    /// Writes `yaml` to the workstation and runs `kubectl apply -f` on it; the exit code.
    fn apply(&mut self, name: &str, yaml: &str) -> i32 {
        self.session.add_file(name, yaml);
        self.session
            .exec(&format!("kubectl apply -f {name}"))
            .exit_code
    }

    /// Advances simulated time in 1 s steps until `done`; the simulated milliseconds waited,
    /// or `None` past [`WAIT_CAP_S`].
    fn wait_until(&mut self, done: impl Fn(&Bench) -> bool) -> Option<u64> {
        let start = self.session.cluster.now;
        for _ in 0..=WAIT_CAP_S {
            if done(self) {
                return Some(self.session.cluster.now.since(start).as_millis());
            }
            self.session.advance(Duration::from_secs(1));
        }
        None
    }

    fn nodes_ready(&self) -> usize {
        self.session
            .cluster
            .store
            .list_typed::<Node>(None)
            .filter(|n| {
                n.status.as_ref().is_some_and(|s| {
                    s.conditions
                        .iter()
                        .any(|c| c.type_ == "Ready" && c.status == "True")
                })
            })
            .count()
    }

    fn system_pods_ready(&self) -> bool {
        let mut pods = self
            .session
            .cluster
            .store
            .list_typed::<Pod>(Some("kube-system"))
            .peekable();
        pods.peek().is_some() && pods.all(Pod::is_ready)
    }

    fn pod_ready(&self, name: &str) -> bool {
        self.session
            .cluster
            .store
            .get_typed::<Pod>("default", name)
            .is_some_and(Pod::is_ready)
    }

    /// [`Bench::ready_endpoints`] of every Service in `default`, in one pass over the slices
    /// (checking 1,000 Services one by one re-read every slice 1,000 times).
    fn ready_endpoints_per_service(&self) -> BTreeMap<&str, usize> {
        let mut ready = BTreeMap::new();
        let slices = self
            .session
            .cluster
            .store
            .list_typed::<EndpointSlice>(Some("default"));
        for s in slices {
            if let Some(service) = s.metadata.labels.get("kubernetes.io/service-name") {
                let n = s
                    .endpoints
                    .iter()
                    .filter(|e| e.conditions.ready == Some(true))
                    .count();
                *ready.entry(service.as_str()).or_insert(0) += n;
            }
        }
        ready
    }

    /// Ready endpoints over the Service's EndpointSlices in `default`.
    fn ready_endpoints(&self, service: &str) -> usize {
        self.session
            .cluster
            .store
            .list_typed::<EndpointSlice>(Some("default"))
            .filter(|s| {
                s.metadata
                    .labels
                    .get("kubernetes.io/service-name")
                    .is_some_and(|n| n == service)
            })
            .flat_map(|s| s.endpoints.iter())
            .filter(|e| e.conditions.ready == Some(true))
            .count()
    }
}

/// The pod name a whoami answer starts with (`Hostname: web-…`).
fn hostname(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("Hostname: "))
        .map(str::to_string)
}

fn requests_json(ok: u32, n: u32, backends: usize) -> String {
    format!(r#"{{"ok":{ok},"requests":{n},"backends":{backends}}}"#)
}
