//! `nslookup` (BIND's and BusyBox's dialects), `dig` and `host` (reference §7.5). All three ask
//! through [`flow::resolve`], so NetworkPolicy on DNS and the search path apply to them as they
//! do to curl.

use super::Toolbox;
use crate::cluster::Cluster;
use crate::network::dns::{RData, RType, Rcode, Record, Response};
use crate::network::flow::ClientInfo;
use crate::network::resolver::{self, Resolution};
use crate::network::view::View;
use crate::network::{Ipv4, Trace};
use crate::CommandOutput;

fn server_of(cluster: &mut Cluster, client: &ClientInfo) -> &'static str {
    cluster.net.index.refresh(&cluster.store);
    let view = View {
        store: &cluster.store,
        ix: &cluster.net.index,
    };
    resolver::dns_server(&view, client)
}

fn candidates(cluster: &mut Cluster, client: &ClientInfo, name: &str) -> Vec<String> {
    cluster.net.index.refresh(&cluster.store);
    resolver::resolver_candidates(
        &View {
            store: &cluster.store,
            ix: &cluster.net.index,
        },
        client,
        name,
    )
}

/// The reverse-lookup name for an IP literal, or the name itself.
fn query_name(name: &str) -> (String, bool) {
    match Ipv4::parse(name) {
        Some(ip) => (ip.reverse_name(), true),
        None => (name.to_string(), false),
    }
}

/// BIND's `name = value` line for a non-address record.
fn bind_line(r: &Record) -> String {
    let owner = r.name.trim_end_matches('.');
    match &r.data {
        RData::A(ip) => format!("Name:\t{owner}\nAddress: {ip}"),
        RData::Cname(t) => format!("{owner}\tcanonical name = {t}"),
        RData::Ptr(t) => format!("{owner}\tname = {t}"),
        RData::Srv { priority, weight, port, target } => format!("{owner}\tservice = {priority} {weight} {port} {target}"),
        RData::Txt(t) => format!("{owner}\ttext = \"{t}\""),
        RData::Soa { mname, rname, serial } => format!(
            "{owner}\n\torigin = {mname}\n\tmail addr = {rname}\n\tserial = {serial}\n\trefresh = 7200\n\tretry = 1800\n\texpire = 86400\n\tminimum = 30"
        ),
    }
}

fn parse_type(args: &[String]) -> (Option<RType>, Vec<String>) {
    let mut qtype = None;
    let mut rest = Vec::new();
    for a in args {
        let t = a
            .strip_prefix("-type=")
            .or_else(|| a.strip_prefix("-query="))
            .or_else(|| a.strip_prefix("-q="))
            .or_else(|| a.strip_prefix("-t="));
        match t {
            Some(t) => qtype = RType::parse(t),
            None if a.starts_with('-') => {}
            None => rest.push(a.clone()),
        }
    }
    (qtype, rest)
}

pub fn nslookup(
    cluster: &mut Cluster,
    client: &ClientInfo,
    toolbox: Toolbox,
    args: &[String],
    trace: &mut Trace,
) -> CommandOutput {
    let (qtype, rest) = parse_type(args);
    let Some(name) = rest.first().cloned() else {
        return CommandOutput::stderr(
            "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n",
            1,
        );
    };
    let server = server_of(cluster, client);
    if toolbox == Toolbox::BusyboxLegacy {
        return legacy_nslookup(cluster, client, &name, trace);
    }
    if toolbox.bind_nslookup() {
        bind_nslookup(cluster, client, &name, qtype, server, trace)
    } else {
        busybox_nslookup(cluster, client, &name, qtype, server, trace)
    }
}

fn bind_nslookup(
    cluster: &mut Cluster,
    client: &ClientInfo,
    name: &str,
    qtype: Option<RType>,
    server: &str,
    trace: &mut Trace,
) -> CommandOutput {
    let (qname, reverse) = query_name(name);
    let qtype = qtype.unwrap_or(if reverse { RType::Ptr } else { RType::A });
    let names = if reverse {
        vec![qname]
    } else {
        candidates(cluster, client, name)
    };
    let r = resolver::resolve(cluster, client, &names, qtype, false, trace);
    if r.unreachable {
        return CommandOutput {
            chunks: vec![(
                crate::Stream::Stdout,
                ";; connection timed out; no servers could be reached\n\n".into(),
            )],
            exit_code: 1,
        };
    }
    let mut s = format!("Server:\t\t{server}\nAddress:\t{server}#53\n\n");
    // Like the C resolver, BIND's nslookup walks the search list past NXDOMAIN only.
    let Some((found, resp)) = r
        .attempts
        .iter()
        .find(|(_, resp)| resp.rcode != Rcode::NxDomain)
    else {
        s.push_str(&format!(
            "** server can't find {}: NXDOMAIN\n\n",
            name.trim_end_matches('.')
        ));
        return CommandOutput {
            chunks: vec![(crate::Stream::Stdout, s)],
            exit_code: 1,
        };
    };
    if resp.answers.is_empty() {
        s.push_str(&format!("*** Can't find {found}: No answer\n\n"));
        return CommandOutput {
            chunks: vec![(crate::Stream::Stdout, s)],
            exit_code: 1,
        };
    }
    if !resp.authoritative {
        s.push_str("Non-authoritative answer:\n");
    }
    for rec in &resp.answers {
        s.push_str(&bind_line(rec));
        s.push('\n');
    }
    s.push('\n');
    CommandOutput::stdout(s)
}

fn busybox_nslookup(
    cluster: &mut Cluster,
    client: &ClientInfo,
    name: &str,
    qtype: Option<RType>,
    server: &str,
    trace: &mut Trace,
) -> CommandOutput {
    let (qname, reverse) = query_name(name);
    let names: Vec<String> = if reverse {
        vec![qname]
    } else if !name.contains('.') && client.pod.is_some() {
        let ns = client
            .pod
            .as_ref()
            .map(|(ns, _)| ns.clone())
            .unwrap_or_default();
        crate::network::dns::search_list(&ns)
            .iter()
            .map(|s| format!("{name}.{s}"))
            .collect()
    } else {
        vec![name.trim_end_matches('.').to_string()]
    };
    let types: Vec<RType> = match qtype {
        Some(t) => vec![t],
        None if reverse => vec![RType::Ptr],
        None => vec![RType::A, RType::Aaaa],
    };
    let mut replies: Vec<(String, Response)> = Vec::new();
    for t in types {
        let r: Resolution = resolver::resolve(cluster, client, &names, t, false, trace);
        if r.unreachable {
            return CommandOutput {
                chunks: vec![(
                    crate::Stream::Stdout,
                    ";; connection timed out; no servers could be reached\n\n".into(),
                )],
                exit_code: 1,
            };
        }
        replies.extend(r.attempts);
    }
    let mut s = format!("Server:\t\t{server}\nAddress:\t{server}:53\n\n");
    let mut failed = false;
    let mut hit = false;
    for (qn, resp) in &replies {
        if resp.rcode != Rcode::NoError {
            s.push_str(&format!(
                "** server can't find {qn}: {}\n",
                resp.rcode.as_str()
            ));
            failed = true;
            continue;
        }
        if resp.answers.is_empty() {
            s.push_str(&format!("*** Can't find {qn}: No answer\n\n"));
            continue;
        }
        hit = true;
        if !resp.authoritative {
            s.push_str("Non-authoritative answer:\n");
        }
        for rec in &resp.answers {
            s.push_str(&bind_line(rec));
            s.push('\n');
        }
        s.push('\n');
    }
    let mut out = CommandOutput::stdout(s);
    out.exit_code = i32::from(failed || !hit);
    out
}

/// BusyBox ≤ 1.28: resolves through the C library (search path, ndots) and names every address
/// by its PTR record, the server included.
fn legacy_nslookup(
    cluster: &mut Cluster,
    client: &ClientInfo,
    name: &str,
    trace: &mut Trace,
) -> CommandOutput {
    let ptr_of = |cluster: &mut Cluster, ip: Ipv4, trace: &mut Trace| -> String {
        let r = resolver::resolve(
            cluster,
            client,
            &[ip.reverse_name()],
            RType::Ptr,
            true,
            trace,
        );
        match r.hit().and_then(|(_, resp)| resp.answers.first()) {
            Some(Record {
                data: RData::Ptr(t),
                ..
            }) => format!("{ip} {}", t.trim_end_matches('.')),
            _ => ip.to_string(),
        }
    };
    let server = server_of(cluster, client);
    let server_ip = Ipv4::parse(server).unwrap_or(Ipv4(0));
    let addresses: Vec<Ipv4> = match Ipv4::parse(name) {
        Some(ip) => vec![ip],
        None => {
            let names = candidates(cluster, client, name);
            let r = resolver::resolve(cluster, client, &names, RType::A, true, trace);
            r.hit()
                .map(|(_, resp)| resp.addresses())
                .unwrap_or_default()
        }
    };
    let mut s = format!(
        "Server:    {server}\nAddress 1: {}\n\n",
        ptr_of(cluster, server_ip, trace)
    );
    if addresses.is_empty() {
        let mut out = CommandOutput::stdout(s);
        out.err(format!("nslookup: can't resolve '{name}'\n"));
        out.exit_code = 1;
        return out;
    }
    s.push_str(&format!("Name:      {name}\n"));
    for (i, ip) in addresses.into_iter().enumerate() {
        s.push_str(&format!(
            "Address {}: {}\n",
            i + 1,
            ptr_of(cluster, ip, trace)
        ));
    }
    CommandOutput::stdout(s)
}

pub fn dig(
    cluster: &mut Cluster,
    client: &ClientInfo,
    args: &[String],
    trace: &mut Trace,
) -> CommandOutput {
    let mut short = false;
    let mut search = false;
    let mut name: Option<String> = None;
    let mut qtype: Option<RType> = None;
    let mut reverse = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "+short" => short = true,
            "+search" => search = true,
            "-x" => {
                reverse = true;
                name = it.next().cloned();
            }
            "-t" => qtype = it.next().and_then(|t| RType::parse(t)),
            a if a.starts_with('+') || a.starts_with('@') || a.starts_with('-') => {}
            a => match RType::parse(a) {
                Some(t) => qtype = Some(t),
                None => name = Some(a.to_string()),
            },
        }
    }
    let name = name.unwrap_or_else(|| ".".into());
    let (qname, qtype) = if reverse {
        let rev = Ipv4::parse(&name)
            .map(|ip| ip.reverse_name())
            .unwrap_or(name.clone());
        (rev, RType::Ptr)
    } else {
        (name.clone(), qtype.unwrap_or(RType::A))
    };
    let names = if search && !reverse {
        candidates(cluster, client, &qname)
    } else {
        vec![qname.trim_end_matches('.').to_string()]
    };
    let r = resolver::resolve(cluster, client, &names, qtype, true, trace);
    if r.unreachable {
        return CommandOutput {
            chunks: vec![(
                crate::Stream::Stdout,
                ";; connection timed out; no servers could be reached\n".into(),
            )],
            exit_code: 9,
        };
    }
    let Some((asked, resp)) = r.hit().or(r.attempts.last()).cloned() else {
        return CommandOutput::default();
    };
    if short {
        let lines: String = resp
            .answers
            .iter()
            .map(|rec| format!("{}\n", rec.rdata_text()))
            .collect();
        return CommandOutput::stdout(lines);
    }
    let report = DigReport {
        version: if client.pod.is_some() {
            "9.20.4"
        } else {
            "9.18.30-0ubuntu0.24.04.2"
        },
        server: server_of(cluster, client),
        id: cluster.net.rng(&mut cluster.rng).below(65_536),
        when: super::http::when_date(cluster.now),
        args: args.join(" "),
        asked: &asked,
        qtype,
        resp: &resp,
    };
    CommandOutput::stdout(report.render())
}

/// dig's full output for one answer.
struct DigReport<'a> {
    version: &'static str,
    server: &'static str,
    id: u32,
    when: String,
    args: String,
    asked: &'a str,
    qtype: RType,
    resp: &'a Response,
}

impl DigReport<'_> {
    fn render(&self) -> String {
        let DigReport {
            version,
            server,
            id,
            when,
            args,
            asked,
            qtype,
            resp,
        } = self;
        let flags = if resp.authoritative {
            "qr aa rd"
        } else {
            "qr rd ra"
        };
        let mut s = format!(
            "\n; <<>> DiG {version} <<>> {args}\n;; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: {}, id: {id}\n;; flags: {flags}; QUERY: 1, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}\n",
            resp.rcode.as_str(),
            resp.answers.len(),
            resp.authority.len(),
            resp.additional.len() + 1
        );
        if resp.authoritative {
            s.push_str(";; WARNING: recursion requested but not available\n");
        }
        s.push_str(&format!("\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n;; QUESTION SECTION:\n;{asked}.\t\t\tIN\t{}\n", qtype.as_str()));
        let sections = [
            ("ANSWER", &resp.answers),
            ("AUTHORITY", &resp.authority),
            ("ADDITIONAL", &resp.additional),
        ];
        for (title, recs) in sections {
            if !recs.is_empty() {
                s.push_str(&format!("\n;; {title} SECTION:\n"));
                for rec in recs.iter() {
                    s.push_str(&rec.zone_line());
                    s.push('\n');
                }
            }
        }
        // Roughly the wire size: header, question, OPT record and each record's fixed part.
        let records = resp
            .answers
            .iter()
            .chain(&resp.authority)
            .chain(&resp.additional);
        let size =
            12 + asked.len() + 6 + 11 + records.map(|r| 12 + r.rdata_text().len()).sum::<usize>();
        s.push_str(&format!(
            "\n;; Query time: 0 msec\n;; SERVER: {server}#53({server}) (UDP)\n;; WHEN: {when}\n;; MSG SIZE  rcvd: {size}\n\n"
        ));
        s
    }
}

pub fn host(
    cluster: &mut Cluster,
    client: &ClientInfo,
    args: &[String],
    trace: &mut Trace,
) -> CommandOutput {
    let mut qtype: Option<RType> = None;
    let mut name: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-t" => qtype = it.next().and_then(|t| RType::parse(t)),
            a if a.starts_with('-') => {}
            a if name.is_none() => name = Some(a.to_string()),
            _ => {}
        }
    }
    let Some(name) = name else {
        return CommandOutput::stderr("Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n            [-R number] [-m flag] [-p port] hostname [server]\n", 1);
    };
    let (qname, reverse) = query_name(&name);
    let qtype = qtype.unwrap_or(if reverse { RType::Ptr } else { RType::A });
    let names = if reverse {
        vec![qname.clone()]
    } else {
        candidates(cluster, client, &name)
    };
    let r = resolver::resolve(cluster, client, &names, qtype, true, trace);
    if r.unreachable {
        return CommandOutput {
            chunks: vec![(
                crate::Stream::Stdout,
                ";; connection timed out; no servers could be reached\n".into(),
            )],
            exit_code: 1,
        };
    }
    let Some((_, resp)) = r
        .attempts
        .iter()
        .find(|(_, resp)| resp.rcode != Rcode::NxDomain)
    else {
        let shown = if reverse {
            qname
        } else {
            name.trim_end_matches('.').to_string()
        };
        return CommandOutput {
            chunks: vec![(
                crate::Stream::Stdout,
                format!("Host {shown} not found: 3(NXDOMAIN)\n"),
            )],
            exit_code: 1,
        };
    };
    let mut s = String::new();
    for rec in &resp.answers {
        let owner = rec.name.trim_end_matches('.');
        s.push_str(&match &rec.data {
            RData::A(ip) => format!("{owner} has address {ip}\n"),
            RData::Cname(t) => format!("{owner} is an alias for {t}\n"),
            RData::Ptr(t) => format!("{owner} domain name pointer {t}\n"),
            RData::Srv {
                priority,
                weight,
                port,
                target,
            } => format!("{owner} has SRV record {priority} {weight} {port} {target}\n"),
            RData::Txt(t) => format!("{owner} descriptive text \"{t}\"\n"),
            RData::Soa {
                mname,
                rname,
                serial,
            } => format!("{owner} has SOA record {mname} {rname} {serial} 7200 1800 86400 30\n"),
        });
    }
    if s.is_empty() && qtype != RType::A {
        s = format!(
            "{} has no {} record\n",
            name.trim_end_matches('.'),
            qtype.as_str()
        );
    }
    CommandOutput::stdout(s)
}
