//! DNS as pods see it: the resolver's search path and ndots rule, and CoreDNS's answers for the
//! `cluster.local` zone (reference §2), with everything else forwarded to the simulated
//! internet. Pure functions of the store; the transport (policy, kube-proxy to the kube-dns
//! Service) is in [`super::flow`].

use std::fmt;

use super::internet;
use super::ip::Ipv4;
use super::view::{Backend, View};
use crate::api::*;
use crate::cluster::net::{CLUSTER_DOMAIN, DNS_SERVICE_IP};

/// Record TTL in a kubeadm cluster (`ttl 30` in the Corefile).
pub const TTL: u32 = 30;
/// `options ndots:5` in every ClusterFirst pod.
pub const NDOTS: usize = 5;
/// SOA serial on negative answers; CoreDNS derives it from time, we keep it fixed.
const SOA_SERIAL: u32 = 1_767_603_600;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RType {
    A,
    Aaaa,
    Srv,
    Ptr,
    Txt,
    Cname,
    Ns,
    Soa,
    Mx,
    Any,
}

impl RType {
    pub fn parse(s: &str) -> Option<RType> {
        Some(match s.to_ascii_uppercase().as_str() {
            "A" => RType::A,
            "AAAA" => RType::Aaaa,
            "SRV" => RType::Srv,
            "PTR" => RType::Ptr,
            "TXT" => RType::Txt,
            "CNAME" => RType::Cname,
            "NS" => RType::Ns,
            "SOA" => RType::Soa,
            "MX" => RType::Mx,
            "ANY" => RType::Any,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RType::A => "A",
            RType::Aaaa => "AAAA",
            RType::Srv => "SRV",
            RType::Ptr => "PTR",
            RType::Txt => "TXT",
            RType::Cname => "CNAME",
            RType::Ns => "NS",
            RType::Soa => "SOA",
            RType::Mx => "MX",
            RType::Any => "ANY",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RData {
    A(Ipv4),
    Cname(String),
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
    Ptr(String),
    Txt(String),
    Soa {
        mname: String,
        rname: String,
        serial: u32,
    },
}

/// One resource record; `name` is absolute with its trailing dot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    pub ttl: u32,
    pub data: RData,
}

impl Record {
    pub fn rtype(&self) -> RType {
        match self.data {
            RData::A(_) => RType::A,
            RData::Cname(_) => RType::Cname,
            RData::Srv { .. } => RType::Srv,
            RData::Ptr(_) => RType::Ptr,
            RData::Txt(_) => RType::Txt,
            RData::Soa { .. } => RType::Soa,
        }
    }

    /// The record's data as `dig` prints it.
    pub fn rdata_text(&self) -> String {
        match &self.data {
            RData::A(ip) => ip.to_string(),
            RData::Cname(t) | RData::Ptr(t) => t.clone(),
            RData::Srv {
                priority,
                weight,
                port,
                target,
            } => format!("{priority} {weight} {port} {target}"),
            RData::Txt(t) => format!("\"{t}\""),
            RData::Soa {
                mname,
                rname,
                serial,
            } => {
                format!("{mname} {rname} {serial} 7200 1800 86400 {TTL}")
            }
        }
    }

    /// `name.  30  IN  A  10.96.0.1`, dig's answer-section line.
    pub fn zone_line(&self) -> String {
        format!(
            "{}\t\t{}\tIN\t{}\t{}",
            self.name,
            self.ttl,
            self.rtype().as_str(),
            self.rdata_text()
        )
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.rtype().as_str(), self.rdata_text())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rcode {
    NoError,
    NxDomain,
    ServFail,
}

impl Rcode {
    pub fn as_str(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::NxDomain => "NXDOMAIN",
            Rcode::ServFail => "SERVFAIL",
        }
    }
}

/// A DNS response. NODATA is `NoError` with no answers and the SOA in `authority`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub rcode: Rcode,
    pub answers: Vec<Record>,
    pub authority: Vec<Record>,
    pub additional: Vec<Record>,
    /// The AA bit: set by CoreDNS for its own zone, clear for forwarded answers.
    pub authoritative: bool,
}

impl Response {
    fn answer(answers: Vec<Record>) -> Response {
        Response {
            rcode: Rcode::NoError,
            answers,
            authority: Vec::new(),
            additional: Vec::new(),
            authoritative: true,
        }
    }

    fn negative(rcode: Rcode) -> Response {
        Response {
            rcode,
            answers: Vec::new(),
            authority: vec![soa()],
            additional: Vec::new(),
            authoritative: true,
        }
    }

    pub fn nodata() -> Response {
        Response::negative(Rcode::NoError)
    }

    pub fn nxdomain() -> Response {
        Response::negative(Rcode::NxDomain)
    }

    /// Answers of type `t` (after any CNAME chain).
    pub fn addresses(&self) -> Vec<Ipv4> {
        self.answers
            .iter()
            .filter_map(|r| match r.data {
                RData::A(ip) => Some(ip),
                _ => None,
            })
            .collect()
    }

    /// A resolver treats the name as found: NOERROR with at least one answer.
    pub fn is_hit(&self) -> bool {
        self.rcode == Rcode::NoError && !self.answers.is_empty()
    }
}

fn soa() -> Record {
    Record {
        name: format!("{CLUSTER_DOMAIN}."),
        ttl: TTL,
        data: RData::Soa {
            mname: format!("ns.dns.{CLUSTER_DOMAIN}."),
            rname: format!("hostmaster.{CLUSTER_DOMAIN}."),
            serial: SOA_SERIAL,
        },
    }
}

/// A pod's `/etc/resolv.conf` search list (dnsPolicy ClusterFirst).
pub fn search_list(namespace: &str) -> Vec<String> {
    vec![
        format!("{namespace}.svc.{CLUSTER_DOMAIN}"),
        format!("svc.{CLUSTER_DOMAIN}"),
        CLUSTER_DOMAIN.to_string(),
    ]
}

/// The pod's whole `/etc/resolv.conf`.
pub fn resolv_conf(namespace: &str) -> String {
    format!(
        "search {}\nnameserver {DNS_SERVICE_IP}\noptions ndots:{NDOTS}\n",
        search_list(namespace).join(" ")
    )
}

/// The names a glibc-style resolver tries, in order: a trailing dot means absolute only;
/// fewer than `ndots` dots tries the search list first, otherwise the name as-is first.
pub fn candidates(name: &str, search: &[String], ndots: usize) -> Vec<String> {
    if let Some(abs) = name.strip_suffix('.') {
        return vec![abs.to_string()];
    }
    let searched = search.iter().map(|s| format!("{name}.{s}"));
    if name.matches('.').count() >= ndots {
        std::iter::once(name.to_string()).chain(searched).collect()
    } else {
        searched.chain(std::iter::once(name.to_string())).collect()
    }
}

/// CoreDNS's answer for `qname` (absolute, trailing dot optional) and `qtype`, with kubeadm's
/// Corefile: `kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure }`, then forward.
pub fn query(view: &View<'_>, qname: &str, qtype: RType) -> Response {
    query_at(view, qname, qtype, 0)
}

/// CNAME chains inside the zone stop here (CoreDNS answers SERVFAIL for loops).
const MAX_CHASE: u8 = 8;

fn query_at(view: &View<'_>, qname: &str, qtype: RType, depth: u8) -> Response {
    if depth > MAX_CHASE {
        return Response::negative(Rcode::ServFail);
    }
    let name = qname.trim_end_matches('.').to_ascii_lowercase();
    if name == format!("dns-version.{CLUSTER_DOMAIN}") {
        return match qtype {
            RType::Txt => Response::answer(vec![Record {
                name: format!("{name}."),
                ttl: 28_800,
                data: RData::Txt("1.1.0".into()),
            }]),
            _ => Response::nodata(),
        };
    }
    if name.ends_with(".in-addr.arpa") {
        return reverse(view, &name, qtype);
    }
    let Some(rest) = strip_zone(&name) else {
        return upstream(view, &name, qtype);
    };
    let labels: Vec<&str> = if rest.is_empty() {
        Vec::new()
    } else {
        rest.split('.').collect()
    };
    match labels.as_slice() {
        [] => match qtype {
            RType::Soa => Response::answer(vec![soa()]),
            _ => Response::nodata(),
        },
        ["svc"] | ["pod"] => Response::nodata(),
        [ns, "svc"] | [ns, "pod"] => {
            if view.namespace_labels(ns).is_some() {
                Response::nodata()
            } else {
                Response::nxdomain()
            }
        }
        [ip, ns, "pod"] => pod_record(view, &name, ip, ns, qtype),
        [svc, ns, "svc"] => service_records(view, &name, svc, ns, qtype, depth),
        [port, proto, svc, ns, "svc"] if port.starts_with('_') && proto.starts_with('_') => {
            srv_records(view, svc, ns, Some((&port[1..], &proto[1..])), qtype)
        }
        [ep, svc, ns, "svc"] => endpoint_records(view, &name, ep, svc, ns, qtype),
        _ => Response::nxdomain(),
    }
}

fn strip_zone(name: &str) -> Option<&str> {
    if name == CLUSTER_DOMAIN {
        return Some("");
    }
    name.strip_suffix(CLUSTER_DOMAIN)?.strip_suffix('.')
}

fn fqdn(svc: &str, ns: &str) -> String {
    format!("{svc}.{ns}.svc.{CLUSTER_DOMAIN}.")
}

fn a(name: &str, ip: Ipv4) -> Record {
    Record {
        name: format!("{}.", name.trim_end_matches('.')),
        ttl: TTL,
        data: RData::A(ip),
    }
}

/// Ready endpoints of a Service, all ports merged (headless A records, SRV targets).
fn ready_backends(view: &View<'_>, svc: &Service) -> Vec<Backend> {
    let publish = svc.spec.publish_not_ready_addresses == Some(true);
    let ports: Vec<ServicePort> = if svc.spec.ports.is_empty() {
        vec![ServicePort {
            port: 0,
            ..ServicePort::default()
        }]
    } else {
        svc.spec.ports.clone()
    };
    let mut out: Vec<Backend> = ports
        .iter()
        .flat_map(|p| view.endpoints(svc, p))
        .filter(|b| b.ready || publish)
        .collect();
    out.sort_by_key(|b| b.ip);
    out.dedup_by_key(|b| b.ip);
    out
}

fn endpoint_label(b: &Backend) -> String {
    b.hostname.clone().unwrap_or_else(|| b.ip.dashed())
}

fn service_records(
    view: &View<'_>,
    name: &str,
    svc_name: &str,
    ns: &str,
    qtype: RType,
    depth: u8,
) -> Response {
    let Some(svc) = view.service(ns, svc_name) else {
        return Response::nxdomain();
    };
    if svc.type_() == "ExternalName" {
        return external_name(view, name, svc, qtype, depth);
    }
    if qtype == RType::Srv {
        return srv_records(view, svc_name, ns, None, qtype);
    }
    if svc.is_headless() {
        let ready = ready_backends(view, svc);
        if ready.is_empty() {
            return Response::nxdomain();
        }
        return match qtype {
            RType::A | RType::Any => {
                Response::answer(ready.iter().map(|b| a(name, b.ip)).collect())
            }
            _ => Response::nodata(),
        };
    }
    match (qtype, svc.spec.cluster_ip.as_deref().and_then(Ipv4::parse)) {
        (RType::A | RType::Any, Some(ip)) => Response::answer(vec![a(name, ip)]),
        _ => Response::nodata(),
    }
}

fn external_name(view: &View<'_>, name: &str, svc: &Service, qtype: RType, depth: u8) -> Response {
    let target = svc.spec.external_name.clone().unwrap_or_default();
    let target = target.trim_end_matches('.').to_ascii_lowercase();
    let cname = Record {
        name: format!("{name}."),
        ttl: TTL,
        data: RData::Cname(format!("{target}.")),
    };
    if !matches!(qtype, RType::A | RType::Any) {
        return Response::answer(vec![cname]);
    }
    // CoreDNS chases the target: inside the zone itself, outside through the forwarder.
    let chased = if strip_zone(&target).is_some() {
        query_at(view, &target, qtype, depth + 1)
    } else {
        upstream(view, &target, qtype)
    };
    let mut answers = vec![cname];
    answers.extend(chased.answers);
    Response {
        rcode: chased.rcode,
        answers,
        authority: chased.authority,
        additional: Vec::new(),
        authoritative: true,
    }
}

fn srv_records(
    view: &View<'_>,
    svc_name: &str,
    ns: &str,
    port_proto: Option<(&str, &str)>,
    qtype: RType,
) -> Response {
    let Some(svc) = view.service(ns, svc_name) else {
        return Response::nxdomain();
    };
    if svc.type_() == "ExternalName" {
        return Response::nxdomain();
    }
    let ports: Vec<&ServicePort> = svc
        .spec
        .ports
        .iter()
        .filter(|p| match port_proto {
            None => true,
            Some((name, proto)) => {
                p.name.as_deref() == Some(name)
                    && p.protocol
                        .as_deref()
                        .unwrap_or("TCP")
                        .eq_ignore_ascii_case(proto)
            }
        })
        .collect();
    if ports.is_empty() {
        return Response::nxdomain();
    }
    if qtype != RType::Srv {
        return Response::nodata();
    }
    let mut targets: Vec<(u16, String, Ipv4)> = Vec::new();
    if svc.is_headless() {
        let ready = ready_backends(view, svc);
        for p in &ports {
            for b in &ready {
                targets.push((
                    p.port as u16,
                    format!("{}.{}", endpoint_label(b), fqdn(svc_name, ns)),
                    b.ip,
                ));
            }
        }
    } else if let Some(ip) = svc.spec.cluster_ip.as_deref().and_then(Ipv4::parse) {
        for p in &ports {
            targets.push((p.port as u16, fqdn(svc_name, ns), ip));
        }
    }
    if targets.is_empty() {
        return Response::nxdomain();
    }
    let weight = (100 / targets.len()) as u16;
    let qname = match port_proto {
        Some((p, pr)) => format!("_{p}._{pr}.{}", fqdn(svc_name, ns)),
        None => fqdn(svc_name, ns),
    };
    let mut r = Response::answer(
        targets
            .iter()
            .map(|(port, target, _)| Record {
                name: qname.clone(),
                ttl: TTL,
                data: RData::Srv {
                    priority: 0,
                    weight,
                    port: *port,
                    target: target.clone(),
                },
            })
            .collect(),
    );
    for (_, target, ip) in &targets {
        let rec = a(target, *ip);
        if !r.additional.contains(&rec) {
            r.additional.push(rec);
        }
    }
    r
}

fn endpoint_records(
    view: &View<'_>,
    name: &str,
    ep: &str,
    svc_name: &str,
    ns: &str,
    qtype: RType,
) -> Response {
    let Some(svc) = view.service(ns, svc_name) else {
        return Response::nxdomain();
    };
    let mut ips: Vec<Ipv4> = ready_backends(view, svc)
        .iter()
        .filter(|b| endpoint_label(b) == ep || b.ip.dashed() == ep)
        .map(|b| b.ip)
        .collect();
    if ips.is_empty() {
        // A pod with hostname + subdomain naming this Service, even if the endpoint lacks it.
        let key = (ns.to_string(), svc_name.to_string(), ep.to_string());
        if let Some(pod) = view
            .ix
            .pod_by_hostname
            .get(&key)
            .and_then(|p| view.pod(ns, p))
        {
            if pod.is_ready() || svc.spec.publish_not_ready_addresses == Some(true) {
                ips.extend(View::pod_ip(pod));
            }
        }
    }
    if ips.is_empty() {
        return Response::nxdomain();
    }
    match qtype {
        RType::A | RType::Any => Response::answer(ips.into_iter().map(|ip| a(name, ip)).collect()),
        _ => Response::nodata(),
    }
}

fn pod_record(view: &View<'_>, name: &str, label: &str, ns: &str, qtype: RType) -> Response {
    // `pods insecure`: the name encodes the IP and nothing checks that such a pod exists.
    let _ = view;
    let Some(ip) = Ipv4::parse(&label.replace('-', ".")) else {
        return Response::nxdomain();
    };
    let _ = ns;
    match qtype {
        RType::A | RType::Any => Response::answer(vec![a(name, ip)]),
        _ => Response::nodata(),
    }
}

fn reverse(view: &View<'_>, name: &str, qtype: RType) -> Response {
    let Some(ip) = Ipv4::from_reverse_name(name) else {
        return Response::nxdomain();
    };
    let ptr = |target: String| {
        if qtype == RType::Ptr || qtype == RType::Any {
            Response::answer(vec![Record {
                name: format!("{name}."),
                ttl: TTL,
                data: RData::Ptr(target),
            }])
        } else {
            Response::nodata()
        }
    };
    if let Some(svc) = view.service_by_cluster_ip(ip) {
        let ns = svc.metadata.namespace.as_deref().unwrap_or("default");
        return ptr(fqdn(&svc.metadata.name, ns));
    }
    // Endpoint addresses: `<hostname or dashed IP>.<svc>.<ns>.svc.cluster.local.`
    for (key, slices) in &view.ix.slices_by_service {
        for slice in slices
            .iter()
            .filter_map(|s| view.store.get_typed::<EndpointSlice>(&key.0, s))
        {
            for ep in &slice.endpoints {
                if ep.addresses.iter().any(|a| Ipv4::parse(a) == Some(ip)) {
                    let label = ep.hostname.clone().unwrap_or_else(|| ip.dashed());
                    return ptr(format!("{label}.{}", fqdn(&key.1, &key.0)));
                }
            }
        }
    }
    // `fallthrough in-addr.arpa`: the forwarder knows nothing about private addresses.
    let mut r = Response::nxdomain();
    r.authoritative = false;
    r
}

/// The forwarder: public names answer from the simulated internet, the rest is NXDOMAIN.
pub fn upstream(_view: &View<'_>, name: &str, qtype: RType) -> Response {
    let mut r = match internet::host_by_name(name) {
        Some(h) => match qtype {
            RType::A | RType::Any => Response::answer(vec![a(name, h.ip())]),
            _ => Response::nodata(),
        },
        None => Response::nxdomain(),
    };
    r.authoritative = false;
    if !r.authority.is_empty() {
        r.authority.clear();
    }
    r
}
