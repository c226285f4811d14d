//! One HTTP exchange over the simulated network: resolve, connect (kube-proxy, policies), find
//! the server listening on the pod's port, let it answer, count and log the request. curl,
//! wget and `explain` all go through here, so they can never disagree about what happened.

use super::http::{Request, Response};
use super::images::{self, ServeCtx, Server};
use crate::api::Node;
use crate::cluster::Cluster;
use crate::network::flow::{self, ClientInfo, ConnectResult, Reached};
use crate::network::internet::Host;
use crate::network::resolver;
use crate::network::trace::{Hop, Proto};
use crate::network::{Ipv4, Trace};

/// A parsed `http[s]://host[:port][/path]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub https: bool,
    pub host: String,
    pub port: u16,
    /// Path and query, at least `/`.
    pub target: String,
    /// Whether the port was written explicitly (it then appears in the Host header).
    pub explicit_port: bool,
}

impl Url {
    pub fn parse(s: &str) -> Option<Url> {
        Url::parse_why(s).ok()
    }

    /// Like [`Url::parse`], with curl's reason when the URL is rejected.
    pub fn parse_why(s: &str) -> Result<Url, &'static str> {
        if s.is_empty() {
            return Err("URL using bad/illegal format or missing URL");
        }
        let (https, rest) = if let Some(r) = s.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = s.strip_prefix("http://") {
            (false, r)
        } else if s.contains("://") {
            return Err("Unsupported protocol");
        } else {
            (false, s)
        };
        let (authority, target) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], rest[i..].to_string()),
            None => (rest, "/".to_string()),
        };
        let target = if target.starts_with('?') {
            format!("/{target}")
        } else {
            target
        };
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port, explicit) = match authority.rsplit_once(':') {
            Some((h, p)) => {
                let port = p.parse::<u16>().map_err(|_| {
                    "URL rejected: Port number was not a decimal number between 0 and 65535"
                })?;
                (h, port, true)
            }
            None => (authority, if https { 443 } else { 80 }, false),
        };
        if host.is_empty() {
            return Err("URL rejected: No host part in the URL");
        }
        Ok(Url {
            https,
            host: host.to_string(),
            port,
            target,
            explicit_port: explicit,
        })
    }

    /// The Host header curl sends: the host as typed, plus the port when it was given.
    pub fn host_header(&self) -> String {
        if self.explicit_port {
            format!("{}:{}", self.host, self.port)
        } else {
            self.host.clone()
        }
    }
}

/// How an exchange ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The name did not resolve; `unreachable` when no DNS server answered at all.
    NoResolve { unreachable: bool },
    /// RST or ICMP unreachable.
    Refused { ip: Ipv4 },
    /// Nothing answered; the client waits for its timeout.
    Timeout { ip: Ipv4 },
    /// TLS handshake against a plain-HTTP server.
    TlsToPlain { ip: Ipv4 },
    /// TLS without `-k` to a server whose certificate the client does not trust.
    UntrustedCert { ip: Ipv4 },
    /// The server closed without an HTTP answer (it does not speak HTTP).
    EmptyReply { ip: Ipv4 },
    /// An HTTP response.
    Answer { ip: Ipv4, response: Response },
}

/// Runs one request to `url` from `client`.
pub fn fetch(
    cluster: &mut Cluster,
    client: &ClientInfo,
    url: &Url,
    req: &Request,
    insecure: bool,
    trace: &mut Trace,
) -> Outcome {
    let ip = match resolver::resolve_host(cluster, client, &url.host, trace) {
        Ok(ip) => ip,
        Err(unreachable) => return Outcome::NoResolve { unreachable },
    };
    match flow::connect(cluster, client, ip, url.port, Proto::Tcp, trace) {
        ConnectResult::Refused => Outcome::Refused { ip },
        ConnectResult::Dropped => Outcome::Timeout { ip },
        ConnectResult::Reached(r) => answer(cluster, client, ip, r, url, req, insecure, trace),
    }
}

/// Ephemeral source port for the client side of a connection.
fn ephemeral_port(cluster: &mut Cluster) -> u32 {
    32_768 + cluster.net.rng(&mut cluster.rng).below(28_232)
}

#[allow(clippy::too_many_arguments)]
fn answer(
    cluster: &mut Cluster,
    client: &ClientInfo,
    ip: Ipv4,
    reached: Reached,
    url: &Url,
    req: &Request,
    insecure: bool,
    trace: &mut Trace,
) -> Outcome {
    if let Reached::Internet { host, .. } = &reached {
        return internet(*host, ip, url, req, cluster, trace);
    }
    let server = server_at(cluster, &reached, Proto::Tcp);
    let pod = match &reached {
        Reached::Pod {
            namespace, name, ..
        } => Some((namespace.clone(), name.clone())),
        _ => None,
    };
    let Some(server) = server else {
        let (what, port) = match &reached {
            Reached::Pod {
                namespace,
                name,
                port,
                ..
            } => (format!("pod {namespace}/{name}"), *port),
            Reached::Node { node, port, .. } => (format!("node {node}"), *port),
            Reached::Internet { .. } => (String::new(), 0),
        };
        trace.push(
            Hop::Refused {
                reason: format!("nothing listens on port {port} in {what}: TCP RST"),
            },
            1,
        );
        return Outcome::Refused { ip };
    };
    if let Some(failed) = handshake(&server, &reached, url, insecure, ip, trace) {
        return failed;
    }
    let (seen, pod_ip) = match &reached {
        Reached::Pod { source, ip, .. } => (*source, ip.to_string()),
        Reached::Node { ip, .. } => (client.ip, ip.to_string()),
        Reached::Internet { .. } => (client.ip, String::new()),
    };
    let remote = format!("{seen}:{}", ephemeral_port(cluster));
    let pod_name = pod.as_ref().map(|(_, n)| n.clone()).unwrap_or_default();
    let ctx = ServeCtx {
        pod_name: &pod_name,
        pod_ip: &pod_ip,
        remote: &remote,
        now: cluster.now,
    };
    let response = if !url.https && server.tls() {
        plain_to_tls(cluster)
    } else {
        images::serve(&server, req, &ctx)
    };
    if let Some((ns, name)) = &pod {
        cluster.net.count_served(ns, name);
        if let Some(line) =
            images::access_log(&server, req, &response, &seen.to_string(), cluster.now)
        {
            cluster.net.log(ns, name, line);
        }
    }
    let from = pod
        .map(|(ns, n)| format!("{ns}/{n}"))
        .unwrap_or_else(|| ip.to_string());
    trace.push(
        Hop::Response {
            from,
            status: response.status,
            bytes: response.body.len(),
        },
        1,
    );
    Outcome::Answer { ip, response }
}

/// The server a reached pod or node runs on the port, if any.
pub fn server_at(cluster: &Cluster, reached: &Reached, proto: Proto) -> Option<Server> {
    match reached {
        Reached::Pod {
            namespace,
            name,
            port,
            ..
        } => cluster
            .store
            .get_typed::<crate::api::Pod>(namespace, name)
            .and_then(|p| images::listener(p, *port, proto)),
        Reached::Node { node, port, .. } => {
            let cp = cluster.store.get_typed::<Node>("", node).is_some_and(|n| {
                n.metadata
                    .labels
                    .contains_key("node-role.kubernetes.io/control-plane")
            });
            images::node_listener(cp, *port).or_else(|| proxy_health(cluster, node, *port))
        }
        Reached::Internet { .. } => None,
    }
}

/// kube-proxy's health-check server for the LoadBalancer Service owning `port`, if any. Scans
/// the Services: only reached for node ports nothing else claims.
fn proxy_health(cluster: &Cluster, node: &str, port: i32) -> Option<Server> {
    let svc = cluster
        .store
        .list_typed::<crate::api::Service>(None)
        .find(|s| s.spec.health_check_node_port == Some(port))?;
    let view = crate::network::view::View {
        store: &cluster.store,
        ix: &cluster.net.index,
    };
    let mut local: Vec<Ipv4> = svc
        .spec
        .ports
        .iter()
        .flat_map(|p| view.endpoints(svc, p))
        .filter(|b| b.ready && b.node.as_deref() == Some(node))
        .map(|b| b.ip)
        .collect();
    local.sort();
    local.dedup();
    Some(Server::ProxyHealth {
        namespace: svc.metadata.namespace.clone().unwrap_or_default(),
        name: svc.metadata.name.clone(),
        local_endpoints: local.len(),
    })
}

/// TLS and protocol mismatches between what the client speaks and what the server expects.
fn handshake(
    server: &Server,
    reached: &Reached,
    url: &Url,
    insecure: bool,
    ip: Ipv4,
    trace: &mut Trace,
) -> Option<Outcome> {
    if url.https && !server.tls() {
        trace.push(
            Hop::Refused {
                reason: "TLS handshake sent to a plain-HTTP server".into(),
            },
            1,
        );
        return Some(Outcome::TlsToPlain { ip });
    }
    if url.https && !insecure {
        trace.push(Hop::Refused { reason: "the server's certificate is signed by the cluster CA, which this client does not trust".into() }, 1);
        return Some(Outcome::UntrustedCert { ip });
    }
    if *server == Server::CoreDns
        && !matches!(
            reached,
            Reached::Pod {
                port: 8080 | 8181 | 9153,
                ..
            }
        )
    {
        trace.push(
            Hop::Refused {
                reason: "the server speaks DNS, not HTTP, and closed the connection".into(),
            },
            1,
        );
        return Some(Outcome::EmptyReply { ip });
    }
    None
}

/// What a TLS-only port (the apiserver) says to plain HTTP.
fn plain_to_tls(cluster: &Cluster) -> Response {
    let body = "Client sent an HTTP request to an HTTPS server.\n".to_string();
    Response {
        status: 400,
        headers: vec![
            ("Date".into(), super::http::http_date(cluster.now)),
            ("Content-Length".into(), body.len().to_string()),
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
        ],
        body,
    }
}

fn internet(
    host: Option<&'static Host>,
    ip: Ipv4,
    url: &Url,
    req: &Request,
    cluster: &Cluster,
    trace: &mut Trace,
) -> Outcome {
    let Some(host) = host else {
        return Outcome::Timeout { ip };
    };
    let date = super::http::http_date(cluster.now);
    let response = match host.page {
        Some(page) => Response {
            status: 200,
            headers: vec![
                ("Content-Type".into(), "text/html".into()),
                ("Date".into(), date),
                ("Content-Length".into(), page.len().to_string()),
            ],
            body: if req.method == "HEAD" {
                String::new()
            } else {
                page.to_string()
            },
        },
        None if !url.https => Response {
            status: 301,
            headers: vec![
                ("Date".into(), date),
                ("Content-Length".into(), "0".into()),
                (
                    "Location".into(),
                    format!("https://{}{}", host.name, url.target),
                ),
            ],
            body: String::new(),
        },
        None => {
            let body = format!(
                "<!doctype html><html><head><title>{}</title></head><body>{}</body></html>\n",
                host.name, host.name
            );
            Response {
                status: 200,
                headers: vec![
                    ("Content-Type".into(), "text/html; charset=utf-8".into()),
                    ("Date".into(), date),
                    ("Content-Length".into(), body.len().to_string()),
                ],
                body,
            }
        }
    };
    trace.push(
        Hop::Response {
            from: host.name.to_string(),
            status: response.status,
            bytes: response.body.len(),
        },
        1,
    );
    Outcome::Answer { ip, response }
}
