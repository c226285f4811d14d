//! What runs in each image: which ports it listens on and what it answers.
//!
//! Servers known to the simulation (reference §7):
//! - `traefik/whoami` (and `containous/whoami`, `r.deso.tech/whoami/whoami`): port 80, or
//!   `WHOAMI_PORT_NUMBER` / `--port`. Prints hostname, IPs, RemoteAddr (not in the older images
//!   the seed lab uses) and the request. With `NAME_APPLICATION` naming a kubeanimals character,
//!   the lab's image answers with that character's picture instead.
//! - `nginx` (`nginx:1.2x`): port 80, the welcome page on `/`, 404 elsewhere, access log lines.
//! - `httpd`: port 80, Apache's "It works!" page.
//! - `hashicorp/http-echo`: port 5678 (or `-listen=:N`), answers its `-text`.
//! - agnhost `netexec` (8080, `/hostname`, `/echo?msg=`, `/clientip`) and `serve-hostname` (9376).
//! - CoreDNS: DNS on 53, `/health` on 8080, `/ready` on 8181, metrics on 9153.
//! - Nodes: the apiserver on the control plane's 6443 (TLS); kube-proxy's health check on each
//!   `externalTrafficPolicy: Local` LoadBalancer's `healthCheckNodePort` (200 with local
//!   endpoints, else 503).
//!
//! Anything else (netshoot, busybox, curl, an unknown `myapp:1.0`) listens on nothing, so a
//! Service pointing at it gets `Connection refused`: declaring a containerPort does not start a
//! server.

use super::art;
use super::http::{http_date, log_date, Request, Response};
use crate::api::*;
use crate::network::trace::Proto;
use crate::sim::Time;

/// One program answering on a port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Server {
    Whoami {
        legacy: bool,
        name: Option<String>,
        animal: Option<String>,
    },
    Nginx {
        version: String,
    },
    /// Apache httpd's stock "It works!" page.
    Httpd,
    HttpEcho {
        text: String,
    },
    Netexec,
    ServeHostname,
    CoreDns,
    Apiserver,
    /// kube-proxy's health check on a LoadBalancer Service's `healthCheckNodePort`.
    ProxyHealth {
        namespace: String,
        name: String,
        local_endpoints: usize,
    },
}

impl Server {
    pub fn tls(&self) -> bool {
        matches!(self, Server::Apiserver)
    }

    /// True for servers that speak HTTP on the port (CoreDNS's 53 does not).
    pub fn speaks_http(&self) -> bool {
        true
    }
}

/// What the server knows about the request besides the request itself.
pub struct ServeCtx<'a> {
    pub pod_name: &'a str,
    pub pod_ip: &'a str,
    /// `ip:port` of the client as the server sees it (after any SNAT).
    pub remote: &'a str,
    pub now: Time,
}

/// The image reference without registry and tag: `r.deso.tech/whoami/whoami:v1` → `whoami/whoami`.
fn repository(image: &str) -> (String, String) {
    let image = image.split('@').next().unwrap_or(image);
    let (repo, tag) = match image.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (image, "latest"),
    };
    (repo.to_ascii_lowercase(), tag.to_string())
}

fn env<'a>(c: &'a Container, name: &str) -> Option<&'a str> {
    c.env
        .iter()
        .find(|e| e.name == name)
        .and_then(|e| e.value.as_deref())
}

/// `--port 8080`, `--port=8080`, `-port=8080` in the container's command or args.
fn flag<'a>(c: &'a Container, names: &[&str]) -> Option<&'a str> {
    let words: Vec<&str> = c
        .command
        .iter()
        .chain(&c.args)
        .map(String::as_str)
        .collect();
    for (i, w) in words.iter().enumerate() {
        for n in names {
            if let Some(v) = w.strip_prefix(&format!("{n}=")) {
                return Some(v);
            }
            if w == n {
                return words.get(i + 1).copied();
            }
        }
    }
    None
}

fn port_flag(c: &Container, names: &[&str], default: i32) -> i32 {
    flag(c, names)
        .map(|v| v.trim_start_matches(':').rsplit(':').next().unwrap_or(v))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The server a container runs and the port it listens on (TCP).
pub fn container_server(c: &Container) -> Option<(Server, i32)> {
    let (repo, tag) = repository(c.image.as_deref().unwrap_or(""));
    let last = repo.rsplit('/').next().unwrap_or("");
    if last == "whoami" {
        let legacy = repo.contains("deso.tech")
            || repo.starts_with("containous/")
            || repo.starts_with("emilevauge/");
        let port = env(c, "WHOAMI_PORT_NUMBER")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| port_flag(c, &["--port", "-port"], 80));
        let name = env(c, "WHOAMI_NAME")
            .map(str::to_string)
            .or_else(|| flag(c, &["--name", "-name"]).map(str::to_string));
        let animal = env(c, "NAME_APPLICATION").map(str::to_string);
        return Some((
            Server::Whoami {
                legacy,
                name,
                animal,
            },
            port,
        ));
    }
    if last == "nginx" || last == "nginx-unprivileged" {
        let port = if last == "nginx-unprivileged" {
            8080
        } else {
            80
        };
        return Some((
            Server::Nginx {
                version: nginx_version(&tag),
            },
            port,
        ));
    }
    if last == "httpd" {
        return Some((Server::Httpd, 80));
    }
    if last == "http-echo" {
        let text = flag(c, &["-text", "--text"])
            .unwrap_or("")
            .trim_matches('"')
            .to_string();
        return Some((
            Server::HttpEcho { text },
            port_flag(c, &["-listen", "--listen"], 5678),
        ));
    }
    if last == "agnhost" {
        let first = c.args.first().or(c.command.get(1)).map(String::as_str);
        return match first {
            Some("netexec") => Some((Server::Netexec, port_flag(c, &["--http-port"], 8080))),
            Some("serve-hostname") => {
                Some((Server::ServeHostname, port_flag(c, &["--port"], 9376)))
            }
            _ => None,
        };
    }
    if last == "coredns" {
        return Some((Server::CoreDns, 8080));
    }
    None
}

/// `1.27` → `1.27.5`: the last patch release of the minor a tag names; other tags (`latest`,
/// `alpine`, `stable`) are taken as 1.27.5, whose welcome page the reference documents.
fn nginx_version(tag: &str) -> String {
    let minor: String = tag.split('-').next().unwrap_or("").to_string();
    match minor.as_str() {
        "1.25" => "1.25.5".into(),
        "1.26" => "1.26.3".into(),
        "1.27" => "1.27.5".into(),
        "1.28" => "1.28.0".into(),
        v if v.starts_with("1.2") && v.matches('.').count() == 2 => v.to_string(),
        _ => "1.27.5".into(),
    }
}

/// Which server in `pod` answers on `port`, if any.
pub fn listener(pod: &Pod, port: i32, proto: Proto) -> Option<Server> {
    for c in &pod.spec.containers {
        let Some((server, p)) = container_server(c) else {
            continue;
        };
        if proto == Proto::Tcp && p == port {
            return Some(server);
        }
        if server == Server::CoreDns
            && (port == 53 || (proto == Proto::Tcp && matches!(port, 8181 | 9153)))
        {
            return Some(server);
        }
    }
    None
}

/// The node's own listeners: the apiserver on the control plane.
pub fn node_listener(control_plane: bool, port: i32) -> Option<Server> {
    (control_plane && port == 6443).then_some(Server::Apiserver)
}

/// The server's answer to `req`.
pub fn serve(server: &Server, req: &Request, ctx: &ServeCtx<'_>) -> Response {
    match server {
        Server::Whoami { legacy, name, animal } => whoami(*legacy, name.as_deref(), animal.as_deref(), req, ctx),
        Server::Nginx { version } => nginx(version, req, ctx),
        Server::Httpd => httpd(req, ctx),
        Server::HttpEcho { text } => {
            let mut r = go_text(format!("{text}\n"), ctx.now);
            r.headers.insert(0, ("X-App-Name".into(), "http-echo".into()));
            r.headers.insert(1, ("X-App-Version".into(), "1.0.0".into()));
            r
        }
        Server::Netexec => match req.path() {
            "/hostname" => go_text(ctx.pod_name.to_string(), ctx.now),
            "/echo" => go_text(req.query_param("msg").unwrap_or_default(), ctx.now),
            "/clientip" => go_text(ctx.remote.to_string(), ctx.now),
            _ => go_text(format!("NOW: {}", ctx.now.to_rfc3339()), ctx.now),
        },
        Server::ServeHostname => go_text(ctx.pod_name.to_string(), ctx.now),
        Server::CoreDns => match req.path() {
            "/health" | "/ready" => go_text("OK".into(), ctx.now),
            "/metrics" => go_text("# HELP coredns_build_info A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.\n".into(), ctx.now),
            _ => go_status(404, "404 page not found\n", ctx.now),
        },
        Server::Apiserver => apiserver(req, ctx),
        Server::ProxyHealth {
            namespace,
            name,
            local_endpoints,
        } => {
            let body = format!(
                "{{\"service\":{{\"namespace\":\"{namespace}\",\"name\":\"{name}\"}},\"localEndpoints\":{local_endpoints},\"serviceProxyHealthy\":true}}"
            );
            Response {
                status: if *local_endpoints > 0 { 200 } else { 503 },
                headers: vec![
                    ("Content-Type".into(), "application/json".into()),
                    ("X-Content-Type-Options".into(), "nosniff".into()),
                    ("Date".into(), http_date(ctx.now)),
                    ("Content-Length".into(), body.len().to_string()),
                ],
                body,
            }
        }
    }
}

/// A Go `net/http` text answer: Date, Content-Length, sniffed Content-Type.
fn go_text(body: String, now: Time) -> Response {
    Response {
        status: 200,
        headers: vec![
            ("Date".into(), http_date(now)),
            ("Content-Length".into(), body.len().to_string()),
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
        ],
        body,
    }
}

fn go_status(status: u16, body: &str, now: Time) -> Response {
    let mut r = go_text(body.to_string(), now);
    r.status = status;
    r
}

fn whoami(
    legacy: bool,
    name: Option<&str>,
    animal: Option<&str>,
    req: &Request,
    ctx: &ServeCtx<'_>,
) -> Response {
    if let Some(pic) = animal.and_then(art::picture).filter(|_| legacy) {
        return go_text(pic.trim_start_matches('\n').to_string(), ctx.now);
    }
    if !legacy {
        match req.path() {
            "/api" => return whoami_api(name, req, ctx),
            "/bench" => return go_text("1".into(), ctx.now),
            "/health" => return go_text(String::new(), ctx.now),
            _ => {}
        }
    }
    let mut body = String::new();
    if let Some(n) = name.filter(|_| !legacy) {
        body.push_str(&format!("Name: {n}\n"));
    }
    body.push_str(&format!("Hostname: {}\nIP: 127.0.0.1\n", ctx.pod_name));
    if !legacy {
        body.push_str("IP: ::1\n");
    }
    body.push_str(&format!("IP: {}\n", ctx.pod_ip));
    if !legacy {
        body.push_str(&format!("RemoteAddr: {}\n", ctx.remote));
    }
    body.push_str(&format!(
        "{} {} HTTP/1.1\nHost: {}\n",
        req.method, req.target, req.host
    ));
    if !req.user_agent.is_empty() {
        body.push_str(&format!("User-Agent: {}\n", req.user_agent));
    }
    // Go's Request.Write: Host, User-Agent, Content-Length, then the other headers by name.
    let mut others: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("content-length"))
        .cloned()
        .collect();
    if let Some((_, len)) = req
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        body.push_str(&format!("Content-Length: {len}\n"));
    }
    others.sort();
    for (k, v) in others {
        body.push_str(&format!("{k}: {v}\n"));
    }
    body.push('\n');
    body.push_str(&req.body);
    go_text(body, ctx.now)
}

/// whoami's `/api`: Go's `json.Encoder` output of its `Data` struct, fields in declaration order.
fn whoami_api(name: Option<&str>, req: &Request, ctx: &ServeCtx<'_>) -> Response {
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let mut headers: Vec<(String, String)> = req.headers.clone();
    headers.push(("User-Agent".into(), req.user_agent.clone()));
    headers.sort();
    let headers: Vec<String> = headers
        .iter()
        .map(|(k, v)| format!("{}:[{}]", q(k), q(v)))
        .collect();
    let ips = ["127.0.0.1", "::1", ctx.pod_ip].map(q).join(",");
    let mut body = format!(
        "{{\"hostname\":{},\"ip\":[{ips}],\"headers\":{{{}}},\"url\":{},\"host\":{},\"method\":{}",
        q(ctx.pod_name),
        headers.join(","),
        q(&req.target),
        q(&req.host),
        q(&req.method)
    );
    if let Some(n) = name {
        body.push_str(&format!(",\"name\":{}", q(n)));
    }
    body.push_str(&format!(",\"remoteAddr\":{}}}\n", q(ctx.remote)));
    Response {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Date".into(), http_date(ctx.now)),
            ("Content-Length".into(), body.len().to_string()),
        ],
        body,
    }
}

/// nginx ≤ 1.29.5's `index.html` (615 bytes).
pub const NGINX_WELCOME: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

fn nginx(version: &str, req: &Request, ctx: &ServeCtx<'_>) -> Response {
    let found = matches!(req.path(), "/" | "/index.html");
    let allowed = matches!(req.method.as_str(), "GET" | "HEAD");
    if found && allowed {
        return Response {
            status: 200,
            headers: vec![
                ("Server".into(), format!("nginx/{version}")),
                ("Date".into(), http_date(ctx.now)),
                ("Content-Type".into(), "text/html".into()),
                ("Content-Length".into(), NGINX_WELCOME.len().to_string()),
                (
                    "Last-Modified".into(),
                    "Wed, 16 Apr 2025 12:01:11 GMT".into(),
                ),
                ("Connection".into(), "keep-alive".into()),
                (
                    "ETag".into(),
                    format!("\"67ff9c07-{:x}\"", NGINX_WELCOME.len()),
                ),
                ("Accept-Ranges".into(), "bytes".into()),
            ],
            body: NGINX_WELCOME.to_string(),
        };
    }
    let (status, title) = if found {
        (405, "405 Not Allowed")
    } else {
        (404, "404 Not Found")
    };
    let body = format!(
        "<html>\n<head><title>{title}</title></head>\n<body>\n<center><h1>{title}</h1></center>\n<hr><center>nginx/{version}</center>\n</body>\n</html>\n"
    );
    // nginx writes these pages with CRLF line ends; the length counts the CRs we do not show.
    let wire_len = body.len() + body.matches('\n').count();
    Response {
        status,
        headers: vec![
            ("Server".into(), format!("nginx/{version}")),
            ("Date".into(), http_date(ctx.now)),
            ("Content-Type".into(), "text/html".into()),
            ("Content-Length".into(), wire_len.to_string()),
            ("Connection".into(), "keep-alive".into()),
        ],
        body,
    }
}

fn httpd(req: &Request, ctx: &ServeCtx<'_>) -> Response {
    let found = matches!(req.path(), "/" | "/index.html");
    let body = if found {
        "<html><body><h1>It works!</h1></body></html>\n".to_string()
    } else {
        "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n".to_string()
    };
    let mut headers = vec![
        ("Date".into(), http_date(ctx.now)),
        ("Server".into(), "Apache/2.4.65 (Unix)".into()),
    ];
    if found {
        headers.push((
            "Last-Modified".into(),
            "Mon, 11 Jun 2007 18:53:14 GMT".into(),
        ));
        headers.push(("ETag".into(), "\"2d-432a5e4a73a80\"".into()));
        headers.push(("Accept-Ranges".into(), "bytes".into()));
    }
    headers.push(("Content-Length".into(), body.len().to_string()));
    headers.push((
        "Content-Type".into(),
        if found {
            "text/html"
        } else {
            "text/html; charset=iso-8859-1"
        }
        .into(),
    ));
    Response {
        status: if found { 200 } else { 404 },
        headers,
        body,
    }
}

fn apiserver(req: &Request, ctx: &ServeCtx<'_>) -> Response {
    let path = req.path();
    let body = format!(
        "{{\n  \"kind\": \"Status\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {{}},\n  \"status\": \"Failure\",\n  \"message\": \"forbidden: User \\\"system:anonymous\\\" cannot get path \\\"{path}\\\"\",\n  \"reason\": \"Forbidden\",\n  \"details\": {{}},\n  \"code\": 403\n}}"
    );
    Response {
        status: 403,
        headers: vec![
            (
                "Audit-Id".into(),
                "6b1e5a5e-0d1c-4a43-9a0e-3f4f0b7c2d11".into(),
            ),
            ("Cache-Control".into(), "no-cache, private".into()),
            ("Content-Type".into(), "application/json".into()),
            ("X-Content-Type-Options".into(), "nosniff".into()),
            ("Date".into(), http_date(ctx.now)),
            ("Content-Length".into(), body.len().to_string()),
        ],
        body,
    }
}

/// The line the server logs for this exchange, if it logs requests (nginx's access log).
pub fn access_log(
    server: &Server,
    req: &Request,
    resp: &Response,
    client_ip: &str,
    now: Time,
) -> Option<String> {
    match server {
        Server::Nginx { .. } | Server::Httpd => Some(format!(
            "{client_ip} - - [{}] \"{} {} HTTP/1.1\" {} {} \"-\" \"{}\" \"-\"",
            log_date(now),
            req.method,
            req.target,
            resp.status,
            if req.method == "HEAD" {
                0
            } else {
                resp.header("Content-Length")
                    .and_then(|l| l.parse::<usize>().ok())
                    .unwrap_or(0)
            },
            req.user_agent
        )),
        _ => None,
    }
}

/// The first log lines a server prints when it starts, for `kubectl logs` before any request.
pub fn startup_log(server: &Server, port: i32) -> Vec<String> {
    match server {
        Server::Whoami { .. } => vec![format!("Starting up on port {port}")],
        Server::HttpEcho { .. } => vec![format!("[INFO] server is listening on :{port}")],
        _ => Vec::new(),
    }
}
