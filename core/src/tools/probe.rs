//! `ping` (iputils and BusyBox dialects) and `nc -zv` (OpenBSD netcat). A cluster IP never
//! answers ping: kube-proxy only rewrites the Service's ports, so ICMP to a VIP goes nowhere.

use super::exchange::server_at;
use super::Toolbox;
use crate::api::Pod;
use crate::cluster::Cluster;
use crate::network::flow::{self, ClientInfo, ConnectResult, Reached};
use crate::network::resolver;
use crate::network::trace::{latency, Hop, Proto};
use crate::network::Trace;
use crate::CommandOutput;

pub fn ping(
    cluster: &mut Cluster,
    client: &ClientInfo,
    toolbox: Toolbox,
    args: &[String],
    trace: &mut Trace,
) -> CommandOutput {
    let mut count: u32 = 4;
    let mut host = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-c" => count = it.next().and_then(|c| c.parse().ok()).unwrap_or(4),
            "-W" | "-w" | "-i" | "-s" => {
                it.next();
            }
            a if a.starts_with("-c") => count = a[2..].parse().unwrap_or(4),
            a if a.starts_with('-') => {}
            a => host = Some(a.to_string()),
        }
    }
    let count = count.clamp(1, 20);
    let busybox = !matches!(
        toolbox,
        Toolbox::Workstation | Toolbox::Netshoot | Toolbox::Dnsutils
    );
    let Some(host) = host else {
        return CommandOutput::stderr("ping: usage error: Destination address required\n", 2);
    };
    let ip = match resolver::resolve_host(cluster, client, &host, trace) {
        Ok(ip) => ip,
        Err(_) if busybox => {
            return CommandOutput::stderr(format!("ping: bad address '{host}'\n"), 1)
        }
        Err(_) => {
            return CommandOutput::stderr(format!("ping: {host}: Name or service not known\n"), 2)
        }
    };
    let reached = flow::connect(cluster, client, ip, 0, Proto::Icmp, trace);
    let (ttl, rtt) = match &reached {
        ConnectResult::Reached(Reached::Internet { .. }) => (56, "12.3"),
        ConnectResult::Reached(Reached::Pod {
            namespace, name, ..
        }) => {
            let same = cluster
                .store
                .get_typed::<Pod>(namespace, name)
                .and_then(|p| p.spec.node_name.clone())
                == client.node
                && client.node.is_some();
            if same {
                (64, "0.080")
            } else {
                (63, "0.400")
            }
        }
        ConnectResult::Reached(Reached::Node { .. }) => (64, "0.300"),
        _ => (0, ""),
    };
    let answered = matches!(reached, ConnectResult::Reached(_));
    if answered {
        trace.push(
            Hop::Response {
                from: ip.to_string(),
                status: 0,
                bytes: 64,
            },
            latency::HOP_MS,
        );
    } else {
        trace.push(
            Hop::Timeout {
                after_ms: u64::from(count) * 1000,
            },
            0,
        );
    }
    let shown = if host == ip.to_string() {
        ip.to_string()
    } else {
        host.clone()
    };
    let report = PingReport {
        busybox,
        shown: &shown,
        ip: &ip.to_string(),
        count,
        replies: answered.then_some((ttl, rtt)),
    };
    let mut out = CommandOutput::stdout(report.render());
    out.exit_code = if answered { 0 } else { 1 };
    out
}

/// What ping prints, in iputils' or BusyBox's words.
struct PingReport<'a> {
    busybox: bool,
    shown: &'a str,
    ip: &'a str,
    count: u32,
    /// TTL and round-trip time of the replies, if any came back.
    replies: Option<(u8, &'a str)>,
}

impl PingReport<'_> {
    fn render(&self) -> String {
        let PingReport {
            busybox,
            shown,
            ip,
            count,
            replies,
        } = *self;
        let mut s = if busybox {
            format!("PING {shown} ({ip}): 56 data bytes\n")
        } else {
            format!("PING {shown} ({ip}) 56(84) bytes of data.\n")
        };
        for seq in 0..count {
            let Some((ttl, rtt)) = replies else { break };
            s.push_str(&if busybox {
                format!("64 bytes from {ip}: seq={seq} ttl={ttl} time={rtt} ms\n")
            } else {
                format!(
                    "64 bytes from {ip}: icmp_seq={} ttl={ttl} time={rtt} ms\n",
                    seq + 1
                )
            });
        }
        let (received, loss) = if replies.is_some() {
            (count, 0)
        } else {
            (0, 100)
        };
        s.push_str(&format!("\n--- {shown} ping statistics ---\n"));
        if busybox {
            s.push_str(&format!(
                "{count} packets transmitted, {received} packets received, {loss}% packet loss\n"
            ));
        } else {
            let time = (count - 1) * 1001;
            s.push_str(&format!("{count} packets transmitted, {received} received, {loss}% packet loss, time {time}ms\n"));
        }
        if let Some((_, rtt)) = replies {
            s.push_str(&if busybox {
                format!("round-trip min/avg/max = {rtt}/{rtt}/{rtt} ms\n")
            } else {
                format!("rtt min/avg/max/mdev = {rtt}/{rtt}/{rtt}/0.000 ms\n")
            });
        }
        s
    }
}

fn service_name(port: u16) -> &'static str {
    match port {
        22 => "ssh",
        53 => "domain",
        80 => "http",
        443 => "https",
        6443 => "sun-sr-https",
        8080 => "http-alt",
        _ => "*",
    }
}

pub fn nc(
    cluster: &mut Cluster,
    client: &ClientInfo,
    args: &[String],
    trace: &mut Trace,
) -> CommandOutput {
    let mut rest = Vec::new();
    let mut wait = None;
    let mut udp = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-w" => wait = it.next().and_then(|w| w.parse::<u64>().ok()),
            a if a.starts_with('-') => udp |= a.contains('u'),
            a => rest.push(a.to_string()),
        }
    }
    let (Some(host), Some(port)) = (
        rest.first(),
        rest.get(1).and_then(|p| p.parse::<u16>().ok()),
    ) else {
        return CommandOutput::stderr("usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n", 1);
    };
    let ip = match resolver::resolve_host(cluster, client, host, trace) {
        Ok(ip) => ip,
        Err(_) => {
            return CommandOutput::stderr(
                format!("nc: getaddrinfo for host \"{host}\" port {port}: Name does not resolve\n"),
                1,
            )
        }
    };
    let proto = if udp { Proto::Udp } else { Proto::Tcp };
    let pname = if udp { "udp" } else { "tcp" };
    let r = flow::connect(cluster, client, ip, port, proto, trace);
    let open = match &r {
        ConnectResult::Reached(Reached::Internet { host, .. }) => {
            host.is_some() && matches!(port, 80 | 443)
        }
        ConnectResult::Reached(reached) => server_at(cluster, reached, proto).is_some(),
        _ => false,
    };
    let shown = if *host == ip.to_string() {
        ip.to_string()
    } else {
        host.clone()
    };
    match r {
        ConnectResult::Reached(_) if open => CommandOutput::stderr(
            format!(
                "Connection to {shown} ({ip}) {port} port [{pname}/{}] succeeded!\n",
                service_name(port)
            ),
            0,
        ),
        ConnectResult::Dropped => {
            let after = wait.map(|w| w * 1000).unwrap_or(latency::SYN_TIMEOUT_MS);
            trace.push(Hop::Timeout { after_ms: after }, 0);
            let why = if wait.is_some() {
                "timed out: Operation now in progress"
            } else {
                "failed: Operation timed out"
            };
            CommandOutput::stderr(
                format!("nc: connect to {shown} ({ip}) port {port} ({pname}) {why}\n"),
                1,
            )
        }
        _ => {
            if matches!(r, ConnectResult::Reached(_)) {
                trace.push(
                    Hop::Refused {
                        reason: format!("nothing listens on port {port}: TCP RST"),
                    },
                    1,
                );
            }
            CommandOutput::stderr(format!("nc: connect to {shown} ({ip}) port {port} ({pname}) failed: Connection refused\n"), 1)
        }
    }
}
