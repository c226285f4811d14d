//! The check vocabulary of lessons: small, typed predicates on the cluster, the workstation's
//! files and the request log, each with a one-line description and a failure message written
//! for a learner ("Service svc-destination not found in namespace default").
//!
//! Checks read the session only; they never change it, so "Check my work" can run any time.
//! `request` checks are scoped to the current step: they count only the requests made since
//! the step began (a [`RequestLog::mark`](super::requests::RequestLog::mark) the front end
//! passes in) that went through the Service as it is now (see [`Window`]).
//! In lesson files a check is a YAML map tagged by `check:` (see README "Writing lessons").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::requests::{service_fingerprint, Outcome, Request};
use crate::api::{Deployment, Namespace, NetworkPolicy, Pod, Service, StatefulSet};
use crate::network::dns::{self, RData};
use crate::network::view::View;
use crate::network::NetIndex;
use crate::session::{Session, HOME};

pub type Labels = BTreeMap<String, String>;

fn default_ns() -> String {
    "default".to_string()
}

/// One predicate a step's work must satisfy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "kebab-case")]
pub enum Check {
    Service(ServiceCheck),
    Deployment(WorkloadCheck),
    #[serde(rename = "statefulset")]
    StatefulSet(WorkloadCheck),
    Endpoints(EndpointsCheck),
    Dns(DnsCheck),
    Request(RequestCheck),
    NetworkPolicy(ObjectCheck),
    Namespace(NamespaceCheck),
    File(FileCheck),
}

/// A Service exists, optionally with these properties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceCheck {
    pub name: String,
    #[serde(default = "default_ns")]
    pub namespace: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Some port of the Service is this port …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// … and sends to this numeric target port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<i32>,
    /// `clusterIP: None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headless: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_name: Option<String>,
    /// The load balancer has given it an external IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ip: Option<bool>,
    /// The selector contains these labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<Labels>,
}

/// A Deployment or StatefulSet has this many ready replicas.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkloadCheck {
    pub name: String,
    #[serde(default = "default_ns")]
    pub namespace: String,
    pub ready_replicas: i32,
}

/// A Service's ready endpoints: how many, and whose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointsCheck {
    pub service: String,
    #[serde(default = "default_ns")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<usize>,
    /// Every ready endpoint is a pod carrying these labels (and there is at least one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods_labelled: Option<Labels>,
}

/// What cluster DNS answers a pod in `namespace` for `name` (the pod's search path applies).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DnsCheck {
    pub name: String,
    #[serde(default = "default_ns")]
    pub namespace: String,
    /// The answer is a CNAME to this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cname: Option<String>,
    /// The answer is this pod's IP (pod in `namespace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    /// The answer is this Service's cluster IP (Service in `namespace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

/// Who sent a request: the workstation, or pods matching a namespace and labels.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct From {
    #[serde(default)]
    pub workstation: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Labels>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    #[default]
    Reached,
    /// Dropped by a NetworkPolicy.
    Blocked,
}

/// Requests in the request log. With `distinctPods`, all matching requests together reached
/// that many different pods; otherwise the latest matching request ended as `expect` says
/// (and reached a pod with `podsLabelled`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestCheck {
    #[serde(default)]
    pub from: From,
    /// The Service it went through: `name` (namespace `default`) or `namespace/name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default)]
    pub expect: Expect,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinct_pods: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods_labelled: Option<Labels>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectCheck {
    pub name: String,
    #[serde(default = "default_ns")]
    pub namespace: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamespaceCheck {
    pub name: String,
}

/// A file in the workstation's home directory (path relative to it), optionally containing a
/// piece of text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileCheck {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<String>,
}

/// The verdict on one check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// What was checked, in words.
    pub check: String,
    pub passed: bool,
    /// Why it failed (empty when it passed).
    pub message: String,
}

pub fn labels_text(l: &Labels) -> String {
    l.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn has_labels(have: &Labels, want: &Labels) -> bool {
    want.iter().all(|(k, v)| have.get(k) == Some(v))
}

impl Check {
    /// The check in one line, as the lesson panel and the CLI list it.
    pub fn describe(&self) -> String {
        match self {
            Check::Service(c) => describe_service(c),
            Check::Deployment(c) => format!(
                "Deployment {} has {} ready replica(s)",
                c.name, c.ready_replicas
            ),
            Check::StatefulSet(c) => format!(
                "StatefulSet {} has {} ready replica(s)",
                c.name, c.ready_replicas
            ),
            Check::Endpoints(c) => {
                let mut s = format!("Service {} has", c.service);
                match c.ready {
                    Some(n) => s.push_str(&format!(" {n} ready endpoint(s)")),
                    None => s.push_str(" ready endpoints"),
                }
                if let Some(l) = &c.pods_labelled {
                    s.push_str(&format!(", all pods labelled {}", labels_text(l)));
                }
                s
            }
            Check::Dns(c) => {
                let what = if let Some(n) = &c.cname {
                    format!("a CNAME to {n}")
                } else if let Some(p) = &c.pod {
                    format!("pod {p}'s IP")
                } else if let Some(s) = &c.service {
                    format!("the cluster IP of Service {s}")
                } else {
                    "an address".to_string()
                };
                format!(
                    "{} resolves to {what} (from namespace {})",
                    c.name, c.namespace
                )
            }
            Check::Request(c) => describe_request(c),
            Check::NetworkPolicy(c) => {
                format!(
                    "NetworkPolicy {} exists in namespace {}",
                    c.name, c.namespace
                )
            }
            Check::Namespace(c) => format!("Namespace {} exists", c.name),
            Check::File(c) => match &c.contains {
                Some(t) => format!("file {} contains \"{t}\"", c.path),
                None => format!("file {} exists", c.path),
            },
        }
    }

    /// Evaluates the check against the session as it is now; `request` checks count only the
    /// requests logged after `since` (a `RequestLog::mark` taken when the step began).
    pub fn run(&self, s: &Session, since: u64) -> CheckResult {
        let verdict = match self {
            Check::Service(c) => service(s, c),
            Check::Deployment(c) => deployment(s, c),
            Check::StatefulSet(c) => statefulset(s, c),
            Check::Endpoints(c) => endpoints(s, c),
            Check::Dns(c) => dns_check(s, c),
            Check::Request(c) => request(s, c, since),
            Check::NetworkPolicy(c) => {
                match s
                    .cluster
                    .store
                    .get_typed::<NetworkPolicy>(&c.namespace, &c.name)
                {
                    Some(_) => Ok(()),
                    None => Err(format!(
                        "NetworkPolicy {} not found in namespace {}.",
                        c.name, c.namespace
                    )),
                }
            }
            Check::Namespace(c) => match s.cluster.store.get_typed::<Namespace>("", &c.name) {
                Some(_) => Ok(()),
                None => Err(format!("Namespace {} not found.", c.name)),
            },
            Check::File(c) => file(s, c),
        };
        CheckResult {
            check: self.describe(),
            passed: verdict.is_ok(),
            message: verdict.err().unwrap_or_default(),
        }
    }
}

fn describe_service(c: &ServiceCheck) -> String {
    let mut s = format!("Service {} exists in namespace {}", c.name, c.namespace);
    if let Some(t) = &c.type_ {
        s.push_str(&format!(" with type {t}"));
    }
    if c.headless == Some(true) {
        s.push_str(", headless");
    }
    if let Some(p) = c.port {
        s.push_str(&format!(", port {p}"));
    }
    if let Some(p) = c.target_port {
        s.push_str(&format!(" to targetPort {p}"));
    }
    if let Some(n) = &c.external_name {
        s.push_str(&format!(", externalName {n}"));
    }
    if c.external_ip == Some(true) {
        s.push_str(", with an external IP");
    }
    if let Some(sel) = &c.selector {
        s.push_str(&format!(", selecting {}", labels_text(sel)));
    }
    s
}

fn describe_request(c: &RequestCheck) -> String {
    let from = from_text(&c.from);
    let to = match &c.to {
        Some(t) => format!(" to Service {t}"),
        None => String::new(),
    };
    if let Some(n) = c.distinct_pods {
        return format!("requests from {from}{to} reached at least {n} different pods");
    }
    let mut s = format!("the latest request from {from}{to}");
    match c.expect {
        Expect::Reached => s.push_str(" got an answer"),
        Expect::Blocked => s.push_str(" was dropped by a NetworkPolicy"),
    }
    if let Some(l) = &c.pods_labelled {
        s.push_str(&format!(" from a pod labelled {}", labels_text(l)));
    }
    s
}

fn from_text(f: &From) -> String {
    if f.workstation {
        return "the workstation".to_string();
    }
    let mut s = match &f.labels {
        Some(l) => format!("a pod labelled {}", labels_text(l)),
        None => "a pod".to_string(),
    };
    if let Some(ns) = &f.namespace {
        s.push_str(&format!(" in namespace {ns}"));
    }
    s
}

type Verdict = Result<(), String>;

fn get_service<'a>(s: &'a Session, ns: &str, name: &str) -> Result<&'a Service, String> {
    s.cluster
        .store
        .get_typed::<Service>(ns, name)
        .ok_or_else(|| format!("Service {name} not found in namespace {ns}."))
}

fn service(s: &Session, c: &ServiceCheck) -> Verdict {
    let svc = get_service(s, &c.namespace, &c.name)?;
    let spec = &svc.spec;
    let type_ = spec.type_.as_deref().unwrap_or("ClusterIP");
    if let Some(want) = &c.type_ {
        if type_ != want {
            return Err(format!(
                "Service {} has type {type_}; it should be {want}.",
                c.name
            ));
        }
    }
    if let Some(want) = c.headless {
        let headless = spec.cluster_ip.as_deref() == Some("None");
        if headless != want {
            return Err(if want {
                format!("Service {} is not headless: set clusterIP: None.", c.name)
            } else {
                format!(
                    "Service {} is headless; it should have a cluster IP.",
                    c.name
                )
            });
        }
    }
    if let Some(port) = c.port {
        let Some(p) = spec.ports.iter().find(|p| p.port == port) else {
            return Err(format!("Service {} has no port {port}.", c.name));
        };
        if let Some(want) = c.target_port {
            let target = match &p.target_port {
                Some(crate::api::IntOrString::Int(n)) => Some(*n),
                Some(crate::api::IntOrString::Str(_)) => None,
                None => Some(port),
            };
            if target != Some(want) {
                return Err(format!(
                    "Service {} port {port} sends to targetPort {}; it should be {want}.",
                    c.name,
                    p.target_port
                        .as_ref()
                        .map_or(port.to_string(), |t| t.to_string())
                ));
            }
        }
    }
    if let Some(want) = &c.external_name {
        let have = spec.external_name.as_deref().unwrap_or("");
        if have != want {
            return Err(format!(
                "Service {} has externalName \"{have}\"; it should be {want}.",
                c.name
            ));
        }
    }
    if c.external_ip == Some(true) {
        let has = svc
            .status
            .as_ref()
            .is_some_and(|st| st.load_balancer.ingress.iter().any(|i| i.ip.is_some()));
        if !has {
            return Err(format!(
                "Service {} has no external IP yet (EXTERNAL-IP shows <pending>).",
                c.name
            ));
        }
    }
    if let Some(want) = &c.selector {
        let have = spec.selector.clone().unwrap_or_default();
        if !has_labels(&have, want) {
            return Err(format!(
                "Service {} selects {}; it should select {}.",
                c.name,
                if have.is_empty() {
                    "nothing".to_string()
                } else {
                    labels_text(&have)
                },
                labels_text(want)
            ));
        }
    }
    Ok(())
}

fn deployment(s: &Session, c: &WorkloadCheck) -> Verdict {
    let d = s
        .cluster
        .store
        .get_typed::<Deployment>(&c.namespace, &c.name);
    let ready = d.map(|d| d.status.as_ref().and_then(|st| st.ready_replicas));
    workload_verdict("Deployment", c, ready)
}

fn statefulset(s: &Session, c: &WorkloadCheck) -> Verdict {
    let d = s
        .cluster
        .store
        .get_typed::<StatefulSet>(&c.namespace, &c.name);
    let ready = d.map(|d| d.status.as_ref().and_then(|st| st.ready_replicas));
    workload_verdict("StatefulSet", c, ready)
}

/// `ready` is `None` when the workload does not exist, else its `status.readyReplicas`.
fn workload_verdict(kind: &str, c: &WorkloadCheck, ready: Option<Option<i32>>) -> Verdict {
    match ready {
        None => Err(format!(
            "{kind} {} not found in namespace {}.",
            c.name, c.namespace
        )),
        Some(ready) => ready_verdict(kind, &c.name, ready.unwrap_or(0), c.ready_replicas),
    }
}

fn ready_verdict(kind: &str, name: &str, ready: i32, want: i32) -> Verdict {
    if ready == want {
        return Ok(());
    }
    Err(format!(
        "{kind} {name} has {ready} ready replica(s), not {want}.{}",
        if ready < want {
            " Its pods may still be starting: wait a few seconds and check again."
        } else {
            ""
        }
    ))
}

/// `(pod name, labels)` of the Service's ready endpoints, from its EndpointSlices.
fn ready_endpoint_pods(s: &Session, svc: &Service) -> Vec<(String, Labels)> {
    let mut ix = NetIndex::default();
    ix.refresh(&s.cluster.store);
    let view = View {
        store: &s.cluster.store,
        ix: &ix,
    };
    let mut out: Vec<(String, Labels)> = Vec::new();
    for port in &svc.spec.ports {
        for b in view.endpoints(svc, port) {
            if !b.ready {
                continue;
            }
            let Some((pns, pname)) = &b.pod else { continue };
            if out.iter().any(|(n, _)| n == pname) {
                continue;
            }
            let labels = s
                .cluster
                .store
                .get_typed::<Pod>(pns, pname)
                .map(|p| p.metadata.labels.clone())
                .unwrap_or_default();
            out.push((pname.clone(), labels));
        }
    }
    out
}

fn endpoints(s: &Session, c: &EndpointsCheck) -> Verdict {
    let svc = get_service(s, &c.namespace, &c.service)?;
    let pods = ready_endpoint_pods(s, svc);
    if let Some(n) = c.ready {
        if pods.len() != n {
            let sel = svc.spec.selector.clone().unwrap_or_default();
            return Err(format!(
                "Service {} has {} ready endpoint(s), not {n}. Its selector is {}: do the pods carry those labels, and are they Ready?",
                c.service,
                pods.len(),
                if sel.is_empty() { "empty".to_string() } else { labels_text(&sel) }
            ));
        }
    }
    if let Some(want) = &c.pods_labelled {
        if pods.is_empty() {
            return Err(format!("Service {} has no ready endpoints.", c.service));
        }
        if let Some((name, l)) = pods.iter().find(|(_, l)| !has_labels(l, want)) {
            return Err(format!(
                "Service {} still sends traffic to pod {name} ({}), which is not labelled {}.",
                c.service,
                labels_text(l),
                labels_text(want)
            ));
        }
    }
    Ok(())
}

fn dns_check(s: &Session, c: &DnsCheck) -> Verdict {
    let mut ix = NetIndex::default();
    ix.refresh(&s.cluster.store);
    let view = View {
        store: &s.cluster.store,
        ix: &ix,
    };
    let search = dns::search_list(&c.namespace);
    let hit = dns::candidates(&c.name, &search, dns::NDOTS)
        .into_iter()
        .map(|n| dns::query(&view, &n, dns::RType::A))
        // A CNAME to a name that does not exist comes back NXDOMAIN with the CNAME in the
        // answer; for this check the CNAME is the answer.
        .find(|r| r.is_hit() || !r.answers.is_empty());
    let Some(answer) = hit else {
        return Err(format!(
            "{} does not resolve from a pod in namespace {} (NXDOMAIN).",
            c.name, c.namespace
        ));
    };
    if let Some(want) = &c.cname {
        let cname = answer.answers.iter().find_map(|r| match &r.data {
            RData::Cname(t) => Some(t.trim_end_matches('.').to_string()),
            _ => None,
        });
        return match cname {
            Some(t) if t == want.trim_end_matches('.') => Ok(()),
            Some(t) => Err(format!("{} is a CNAME to {t}, not {want}.", c.name)),
            None => Err(format!("{} resolves, but not to a CNAME.", c.name)),
        };
    }
    let addrs: Vec<String> = answer.addresses().iter().map(|a| a.to_string()).collect();
    let want = if let Some(p) = &c.pod {
        let Some(pod) = s.cluster.store.get_typed::<Pod>(&c.namespace, p) else {
            return Err(format!("Pod {p} not found in namespace {}.", c.namespace));
        };
        pod.ip().map(str::to_string)
    } else if let Some(name) = &c.service {
        get_service(s, &c.namespace, name)?.spec.cluster_ip.clone()
    } else {
        return Ok(());
    };
    match want {
        Some(ip) if addrs.contains(&ip) => Ok(()),
        _ => Err(format!(
            "{} resolves to {}, not the expected address.",
            c.name,
            addrs.join(", ")
        )),
    }
}

fn matches_from(f: &From, r: &Request) -> bool {
    match &r.origin {
        None => f.workstation,
        Some(o) => {
            !f.workstation
                && f.namespace.as_ref().is_none_or(|ns| *ns == o.namespace)
                && f.labels.as_ref().is_none_or(|l| has_labels(&o.labels, l))
        }
    }
}

fn matches_to(to: &Option<String>, r: &Request) -> bool {
    let Some(t) = to else { return true };
    let (ns, name) = t.split_once('/').unwrap_or(("default", t));
    r.service
        .as_ref()
        .is_some_and(|(sns, sname)| sns == ns && sname == name)
}

/// The requests one `request` check counts, and why others were left out.
struct Window<'a> {
    /// Matching requests since the step began through the Service as it is now, oldest first.
    counted: Vec<&'a Request>,
    /// Matching requests since the step began that went through an older version of their
    /// Service (it was edited, or deleted and created again, after they were sent).
    stale: Vec<&'a Request>,
    /// Matching requests before the step began.
    earlier: usize,
}

impl<'a> Window<'a> {
    fn of(s: &'a Session, c: &RequestCheck, since: u64) -> Window<'a> {
        let log = &s.cluster.net.requests;
        let matches = |r: &&Request| matches_from(&c.from, r) && matches_to(&c.to, r);
        let mut w = Window {
            counted: Vec::new(),
            stale: Vec::new(),
            earlier: log
                .iter()
                .filter(|r| r.seq <= since)
                .filter(matches)
                .count(),
        };
        // Fingerprints of the Services as they are now, looked up once per Service (a check
        // names at most a few).
        let mut now: Vec<(&(String, String), Option<u32>)> = Vec::new();
        for r in log.since(since).filter(matches) {
            let fresh = match &r.service {
                None => true,
                Some(key) => {
                    let current = match now.iter().find(|(k, _)| *k == key) {
                        Some((_, f)) => *f,
                        None => {
                            let f = service_fingerprint(&s.cluster.store, &key.0, &key.1);
                            now.push((key, f));
                            f
                        }
                    };
                    current == r.service_spec
                }
            };
            if fresh {
                w.counted.push(r);
            } else {
                w.stale.push(r);
            }
        }
        w
    }

    /// Why nothing counts, when nothing does.
    fn empty_reason(&self, who: &str) -> String {
        if let Some(r) = self.stale.last() {
            let svc = r
                .service
                .as_ref()
                .map_or(String::new(), |(ns, n)| format!("{ns}/{n}"));
            format!(
                "Service {svc} has changed since the latest request {who} ({}); send another with curl to see what it does now.",
                r.command
            )
        } else if self.earlier > 0 {
            format!("No request {who} since this step began: send one with curl.")
        } else {
            format!("No request {who} yet: send one with curl.")
        }
    }
}

fn request(s: &Session, c: &RequestCheck, since: u64) -> Verdict {
    let who = format!(
        "from {}{}",
        from_text(&c.from),
        c.to.as_ref()
            .map_or(String::new(), |t| format!(" to Service {t}"))
    );
    let window = Window::of(s, c, since);
    let matching = &window.counted;
    let Some(last) = matching.last() else {
        return Err(window.empty_reason(&who));
    };
    if let Some(n) = c.distinct_pods {
        let mut pods: Vec<&str> = matching
            .iter()
            .filter(|r| r.outcome == Outcome::Reached)
            .filter_map(|r| r.pod.as_ref().map(|p| p.name.as_str()))
            .collect();
        pods.sort_unstable();
        pods.dedup();
        if pods.len() < n {
            return Err(format!(
                "Requests {who} reached {} different pod(s){}; send a few more to see at least {n}.",
                pods.len(),
                if pods.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", pods.join(", "))
                }
            ));
        }
        return Ok(());
    }
    match (c.expect, last.outcome) {
        (Expect::Reached, Outcome::Reached) | (Expect::Blocked, Outcome::DroppedByPolicy) => {}
        (Expect::Reached, o) => {
            return Err(format!(
                "The latest request {who} ({}) {}.",
                last.command,
                outcome_text(o)
            ))
        }
        (Expect::Blocked, o) => {
            return Err(format!(
                "The latest request {who} ({}) {}; a NetworkPolicy should drop it.",
                last.command,
                outcome_text(o)
            ))
        }
    }
    if let Some(want) = &c.pods_labelled {
        let ok = last
            .pod
            .as_ref()
            .is_some_and(|p| has_labels(&p.labels, want));
        if !ok {
            let got = last.pod.as_ref().map_or("no pod".to_string(), |p| {
                format!("pod {} ({})", p.name, labels_text(&p.labels))
            });
            return Err(format!(
                "The latest request {who} reached {got}, not a pod labelled {}.",
                labels_text(want)
            ));
        }
    }
    Ok(())
}

fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::Reached => "got an answer",
        Outcome::DroppedByPolicy => "was dropped by a NetworkPolicy",
        Outcome::TimedOut => "timed out",
        Outcome::Refused => "was refused",
    }
}

fn file(s: &Session, c: &FileCheck) -> Verdict {
    let path = format!("{HOME}/{}", c.path.trim_start_matches("./"));
    let Some(text) = s.fs.read(&path) else {
        return Err(format!("File {} not found in your home directory.", c.path));
    };
    match &c.contains {
        Some(t) if !text.contains(t.as_str()) => {
            Err(format!("File {} does not contain \"{t}\".", c.path))
        }
        _ => Ok(()),
    }
}
