//! Programs that run inside pods and on the workstation and talk to the network: curl, wget,
//! nslookup, dig, host, ping, nc, `explain`, and the images' servers that answer them.
//!
//! Which tools exist depends on where the command runs (reference §7.3): netshoot has them all
//! (BIND `nslookup`/`dig`/`host`, iputils `ping`, OpenBSD `nc`); busybox, alpine and
//! `curlimages/curl` have BusyBox's `wget`/`nslookup`/`ping`/`nc` (plus curl for the latter);
//! Debian-based nginx has curl only; scratch images (whoami, http-echo) have nothing. A known
//! network tool missing from the image answers `sh: <tool>: not found` (exit 127). The
//! workstation (Ubuntu) has curl, wget, BIND tools, ping and nc, and resolves only public names.
//!
//! Every run records one [`Trace`] in the cluster's `NetState` for the page to animate.
//!
//! For the shell and kubectl: [`run`] for any command line ([`None`] means "not a network
//! tool"); [`EXPLAIN_HELP`] and [`PROXY_RULES_HELP`] for `help`; [`pod_logs`] for
//! `kubectl logs`; `network::env::container_env` for `env`/`printenv`;
//! `network::dns::resolv_conf` for `/etc/resolv.conf`; `NetState::take_elapsed_ms` for the time
//! a command spent waiting (timeouts), and `NetState::drain_traces` for the animation.

pub mod art;
mod curl;
mod dnstools;
pub mod exchange;
pub mod http;
pub mod images;
mod probe;
mod wget;

use crate::api::Pod;
use crate::cluster::Cluster;
use crate::network::flow::ClientInfo;
use crate::network::Trace;
use crate::CommandOutput;

/// One line for the shell's `help`: what `explain` does.
pub const EXPLAIN_HELP: &str =
    "explain CMD...  run curl/wget/nslookup/dig/host/ping/nc and show every hop: DNS, kube-proxy, NetworkPolicy, the pod that answered";

/// The network tools this module implements (whether or not a given image has them).
pub const TOOLS: &[&str] = &[
    "curl",
    "wget",
    "nslookup",
    "dig",
    "host",
    "ping",
    "nc",
    "explain",
    PROXY_RULES,
];

/// Workstation command printing one node's kube-proxy rules, `iptables-save`-style.
pub const PROXY_RULES: &str = "kubeplay-proxy-rules";

/// One line for the shell's `help`: what [`PROXY_RULES`] does.
pub const PROXY_RULES_HELP: &str =
    "kubeplay-proxy-rules NODE  show the iptables rules kube-proxy wrote on NODE (nat and filter tables)";

/// Where a command runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The learner's workstation: outside the cluster, reaches node IPs, NodePorts and LB IPs.
    Workstation,
    /// Inside a pod's container.
    Pod {
        namespace: String,
        name: String,
        container: String,
    },
}

/// The family of userland an image ships, which decides tool presence and output dialects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toolbox {
    Workstation,
    Netshoot,
    /// BIND tools without the rest (`dnsutils` images).
    Dnsutils,
    /// BusyBox applets only (busybox, alpine).
    Busybox,
    /// BusyBox 1.28 and older, whose nslookup goes through the C library resolver.
    BusyboxLegacy,
    /// curlimages/curl: curl plus BusyBox applets.
    CurlImage,
    /// Debian-based server images (nginx): curl only.
    Debian,
    /// Scratch images: no tools at all.
    Scratch,
}

impl Toolbox {
    pub fn of_image(image: &str) -> Toolbox {
        let lower = image.to_ascii_lowercase();
        let repo = lower.split([':', '@']).next().unwrap_or("");
        let last = repo.rsplit('/').next().unwrap_or("");
        let tag = lower.rsplit_once(':').map(|(_, t)| t).unwrap_or("");
        match last {
            "netshoot" => Toolbox::Netshoot,
            "dnsutils" | "jessie-dnsutils" => Toolbox::Dnsutils,
            // busybox:1.28 and older: the legacy nslookup the Kubernetes DNS docs show.
            "busybox" if tag.starts_with("1.2") || tag.starts_with("1.1") => Toolbox::BusyboxLegacy,
            "busybox" | "alpine" | "agnhost" => Toolbox::Busybox,
            "curl" => Toolbox::CurlImage,
            "nginx" if tag.contains("alpine") => Toolbox::CurlImage,
            "python" | "node" | "golang" | "ruby" | "openjdk" if tag.contains("slim") => {
                Toolbox::Scratch
            }
            "nginx" | "nginx-unprivileged" | "python" | "node" | "golang" | "ruby" | "openjdk" => {
                Toolbox::Debian
            }
            _ => Toolbox::Scratch,
        }
    }

    /// Whether `tool` exists here.
    pub fn has(self, tool: &str) -> bool {
        match self {
            Toolbox::Workstation => true,
            _ if tool == PROXY_RULES => false,
            Toolbox::Netshoot => true,
            Toolbox::Dnsutils => matches!(tool, "nslookup" | "dig" | "host" | "ping" | "explain"),
            Toolbox::Busybox | Toolbox::BusyboxLegacy => {
                matches!(tool, "wget" | "nslookup" | "ping" | "nc" | "explain")
            }
            Toolbox::CurlImage => matches!(
                tool,
                "curl" | "wget" | "nslookup" | "ping" | "nc" | "explain"
            ),
            Toolbox::Debian => matches!(tool, "curl" | "explain"),
            Toolbox::Scratch => tool == "explain",
        }
    }

    /// BIND's nslookup (true) or BusyBox's.
    pub fn bind_nslookup(self) -> bool {
        matches!(
            self,
            Toolbox::Workstation | Toolbox::Netshoot | Toolbox::Dnsutils
        )
    }

    /// The curl version this image ships (the User-Agent).
    pub fn curl_version(self) -> &'static str {
        match self {
            Toolbox::Workstation => "8.5.0",
            Toolbox::Debian => "7.88.1",
            _ => "8.14.1",
        }
    }
}

/// The client and toolbox for `origin`, or the error the shell should show.
fn client_for(cluster: &Cluster, origin: &Origin) -> Result<(ClientInfo, Toolbox), CommandOutput> {
    match origin {
        Origin::Workstation => Ok((ClientInfo::workstation(), Toolbox::Workstation)),
        Origin::Pod {
            namespace,
            name,
            container,
        } => {
            let Some(pod) = cluster.store.get_typed::<Pod>(namespace, name) else {
                return Err(CommandOutput::stderr(
                    format!("Error from server (NotFound): pods \"{name}\" not found\n"),
                    1,
                ));
            };
            let image = pod
                .spec
                .containers
                .iter()
                .find(|c| c.name == *container)
                .or(pod.spec.containers.first())
                .and_then(|c| c.image.as_deref())
                .unwrap_or("");
            match ClientInfo::pod(pod) {
                Some(c) => Ok((c, Toolbox::of_image(image))),
                None => Err(CommandOutput::stderr(
                    "error: unable to upgrade connection: container not found\n",
                    1,
                )),
            }
        }
    }
}

/// Runs `argv` if it names a network tool available at `origin`; `None` if it is not one.
pub fn run(
    cluster: &mut Cluster,
    origin: &Origin,
    argv: &[String],
    stdin: &str,
) -> Option<CommandOutput> {
    let _ = stdin;
    let tool = argv.first()?.rsplit('/').next()?.to_string();
    if !TOOLS.contains(&tool.as_str()) {
        return None;
    }
    let (client, toolbox) = match client_for(cluster, origin) {
        Ok(x) => x,
        Err(e) => return Some(e),
    };
    if !toolbox.has(&tool) {
        return Some(CommandOutput::stderr(
            format!("sh: {tool}: not found\n"),
            127,
        ));
    }
    if tool == PROXY_RULES {
        return Some(proxy_rules(cluster, &argv[1..]));
    }
    let mut trace = Trace::new(&client.label, &argv.join(" "));
    let out = if tool == "explain" {
        explain(cluster, &client, toolbox, &argv[1..], &mut trace)
    } else {
        dispatch(cluster, &client, toolbox, &tool, argv, &mut trace)
    };
    if !trace.hops.is_empty() {
        if let Some(r) = crate::lesson::requests::Request::of(&cluster.store, &trace) {
            cluster.net.requests.push(r);
        }
        cluster.net.record(trace);
    }
    Some(out)
}

fn dispatch(
    cluster: &mut Cluster,
    client: &ClientInfo,
    toolbox: Toolbox,
    tool: &str,
    argv: &[String],
    trace: &mut Trace,
) -> CommandOutput {
    let args = &argv[1..];
    match tool {
        "curl" => curl::run(cluster, client, toolbox, args, trace),
        "wget" => wget::run(cluster, client, toolbox, args, trace),
        "nslookup" => dnstools::nslookup(cluster, client, toolbox, args, trace),
        "dig" => dnstools::dig(cluster, client, args, trace),
        "host" => dnstools::host(cluster, client, args, trace),
        "ping" => probe::ping(cluster, client, toolbox, args, trace),
        "nc" => probe::nc(cluster, client, args, trace),
        _ => CommandOutput::stderr(format!("sh: {tool}: not found\n"), 127),
    }
}

/// `explain CMD…`: runs the command, then tells the story of its packets.
fn explain(
    cluster: &mut Cluster,
    client: &ClientInfo,
    toolbox: Toolbox,
    args: &[String],
    trace: &mut Trace,
) -> CommandOutput {
    let Some(inner) = args
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
    else {
        return CommandOutput::stderr(format!("usage: {EXPLAIN_HELP}\n"), 2);
    };
    if inner == "explain" || !TOOLS.contains(&inner.as_str()) {
        return CommandOutput::stderr(
            format!("explain: can only explain curl, wget, nslookup, dig, host, ping and nc, not '{inner}'\n"),
            2,
        );
    }
    if !toolbox.has(&inner) {
        return CommandOutput::stderr(format!("sh: {inner}: not found\n"), 127);
    }
    trace.command = args.join(" ");
    let mut out = dispatch(cluster, client, toolbox, &inner, args, trace);
    let code = out.exit_code;
    out.out(format!(
        "\n--- explain: what happened on the network ---\n{}",
        trace.explain()
    ));
    out.exit_code = code;
    out
}

fn proxy_rules(cluster: &mut Cluster, args: &[String]) -> CommandOutput {
    let Some(node) = args.first() else {
        return CommandOutput::stderr(format!("usage: {PROXY_RULES_HELP}\n"), 2);
    };
    if cluster
        .store
        .get_typed::<crate::api::Node>("", node)
        .is_none()
    {
        return CommandOutput::stderr(format!("{PROXY_RULES}: no node named \"{node}\"\n"), 1);
    }
    cluster.net.index.refresh(&cluster.store);
    let view = crate::network::view::View {
        store: &cluster.store,
        ix: &cluster.net.index,
    };
    CommandOutput::stdout(crate::network::rules::iptables_save(&view, node))
}

/// What `kubectl logs` shows for a pod's network servers: their startup lines, then one line per
/// request for servers that log requests.
pub fn pod_logs(cluster: &Cluster, namespace: &str, pod: &str) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(p) = cluster.store.get_typed::<Pod>(namespace, pod) {
        for c in &p.spec.containers {
            if let Some((server, port)) = images::container_server(c) {
                lines.extend(images::startup_log(&server, port));
            }
        }
    }
    lines.extend(cluster.net.logs(namespace, pod).iter().cloned());
    lines
}
