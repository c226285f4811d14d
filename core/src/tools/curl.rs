//! `curl`, emulating curl 8.x: the options learners use (`-s -S -v -I -i -H -m
//! --connect-timeout -o -w -L -k -X -d -A -f`) and curl's own error lines and exit codes
//! (reference §7.4): 6 for names that do not resolve, 7 for refused connections, 28 for
//! timeouts, 22 for `-f` on HTTP errors.

use super::exchange::{self, Outcome, Url};
use super::http::{Request, Response};
use super::Toolbox;
use crate::cluster::Cluster;
use crate::network::flow::ClientInfo;
use crate::network::trace::{latency, Hop};
use crate::network::Trace;
use crate::CommandOutput;

#[derive(Default)]
struct Opts {
    silent: bool,
    show_error: bool,
    verbose: bool,
    head: bool,
    include: bool,
    headers: Vec<(String, String)>,
    max_time_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    output: Option<String>,
    follow: bool,
    insecure: bool,
    method: Option<String>,
    data: Option<String>,
    user_agent: Option<String>,
    write_out: Option<String>,
    fail: bool,
    url: Option<String>,
}

const TRY_HELP: &str = "curl: try 'curl --help' or 'curl --manual' for more information\n";

fn seconds_ms(v: &str) -> Option<u64> {
    let f: f64 = v.parse().ok()?;
    (f >= 0.0).then_some((f * 1000.0) as u64)
}

fn parse(args: &[String]) -> Result<Opts, CommandOutput> {
    let mut o = Opts::default();
    let mut i = 0;
    let bad =
        |opt: &str| CommandOutput::stderr(format!("curl: option {opt}: is unknown\n{TRY_HELP}"), 2);
    let not_number = |opt: &str| {
        CommandOutput::stderr(
            format!("curl: option {opt}: expected a proper numerical parameter\n{TRY_HELP}"),
            2,
        )
    };
    let missing = |opt: &str| {
        CommandOutput::stderr(
            format!("curl: option {opt}: requires parameter\n{TRY_HELP}"),
            2,
        )
    };
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if !a.starts_with('-') || a == "-" {
            o.url = Some(a.to_string());
            continue;
        }
        let (names, inline): (Vec<String>, Option<String>) =
            if let Some(long) = a.strip_prefix("--") {
                match long.split_once('=') {
                    Some((n, v)) => (vec![format!("--{n}")], Some(v.to_string())),
                    None => (vec![a.to_string()], None),
                }
            } else {
                // Bundled short options: `-sSL`, `-so /dev/null`, `-m5`.
                let chars: Vec<char> = a[1..].chars().collect();
                let mut names = Vec::new();
                let mut inline = None;
                for (k, c) in chars.iter().enumerate() {
                    names.push(format!("-{c}"));
                    if "HmoXdAwe".contains(*c) {
                        let rest: String = chars[k + 1..].iter().collect();
                        if !rest.is_empty() {
                            inline = Some(rest);
                        }
                        break;
                    }
                }
                (names, inline)
            };
        for name in names {
            let mut value = || -> Result<String, CommandOutput> {
                if let Some(v) = inline.clone() {
                    return Ok(v);
                }
                let v = args.get(i).cloned().ok_or_else(|| missing(&name))?;
                i += 1;
                Ok(v)
            };
            match name.as_str() {
                "-s" | "--silent" => o.silent = true,
                "-S" | "--show-error" => o.show_error = true,
                "-v" | "--verbose" => o.verbose = true,
                "-I" | "--head" => o.head = true,
                "-i" | "--include" => o.include = true,
                "-L" | "--location" => o.follow = true,
                "-k" | "--insecure" => o.insecure = true,
                "-f" | "--fail" => o.fail = true,
                "-4" | "--ipv4" | "-N" | "--no-buffer" | "--http1.1" | "-#" => {}
                "-H" | "--header" => {
                    let v = value()?;
                    if let Some((k, val)) = v.split_once(':') {
                        o.headers
                            .push((k.trim().to_string(), val.trim().to_string()));
                    }
                }
                "-m" | "--max-time" => {
                    o.max_time_ms = Some(seconds_ms(&value()?).ok_or_else(|| not_number(&name))?)
                }
                "--connect-timeout" => {
                    o.connect_timeout_ms =
                        Some(seconds_ms(&value()?).ok_or_else(|| not_number(&name))?)
                }
                "-o" | "--output" => o.output = Some(value()?),
                "-X" | "--request" => o.method = Some(value()?),
                "-d" | "--data" | "--data-raw" => o.data = Some(value()?),
                "-A" | "--user-agent" => o.user_agent = Some(value()?),
                "-w" | "--write-out" => o.write_out = Some(value()?),
                "-e" | "--referer" => {
                    let v = value()?;
                    o.headers.push(("Referer".into(), v));
                }
                "--url" => o.url = Some(value()?),
                _ => return Err(bad(&name)),
            }
        }
    }
    Ok(o)
}

/// Runs curl from `client`.
pub fn run(
    cluster: &mut Cluster,
    client: &ClientInfo,
    toolbox: Toolbox,
    args: &[String],
    trace: &mut Trace,
) -> CommandOutput {
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let Some(raw) = o.url.clone() else {
        return CommandOutput::stderr(format!("curl: no URL specified\n{TRY_HELP}"), 2);
    };
    let mut out = CommandOutput::default();
    if let Some(scheme) = raw
        .split_once("://")
        .map(|(s, _)| s)
        .filter(|s| !matches!(*s, "http" | "https"))
    {
        fail(
            &mut out,
            &o,
            1,
            &format!("Protocol \"{scheme}\" not supported"),
        );
        return out;
    }
    let mut url = match Url::parse_why(&raw) {
        Ok(url) => url,
        Err(why) => {
            fail(&mut out, &o, 3, why);
            return out;
        }
    };
    let ua = o
        .user_agent
        .clone()
        .unwrap_or_else(|| format!("curl/{}", toolbox.curl_version()));
    for _redirect in 0..5 {
        let req = request(&o, &url, &ua);
        let outcome = exchange::fetch(cluster, client, &url, &req, o.insecure, trace);
        match outcome {
            Outcome::Answer { ip, response } => {
                let location = response.header("Location").map(str::to_string);
                if o.follow && (300..400).contains(&response.status) {
                    if let Some(next) = location.and_then(|l| Url::parse(&l)) {
                        verbose_exchange(&mut out, &o, &url, &ip.to_string(), &req, &response);
                        url = next;
                        continue;
                    }
                }
                success(&mut out, &o, &url, &ip.to_string(), &req, &response);
                return out;
            }
            other => {
                failure(&mut out, &o, &url, other, trace);
                return out;
            }
        }
    }
    fail(&mut out, &o, 47, "Maximum (5) redirects followed");
    out
}

fn request(o: &Opts, url: &Url, ua: &str) -> Request {
    let method = o.method.clone().unwrap_or_else(|| {
        if o.head {
            "HEAD".into()
        } else if o.data.is_some() {
            "POST".into()
        } else {
            "GET".into()
        }
    });
    let mut headers = vec![("Accept".to_string(), "*/*".to_string())];
    if let Some(d) = &o.data {
        headers.push(("Content-Length".into(), d.len().to_string()));
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    let mut host = url.host_header();
    for (k, v) in &o.headers {
        if k.eq_ignore_ascii_case("host") {
            host = v.clone();
        } else if let Some(slot) = headers
            .iter_mut()
            .find(|(hk, _)| hk.eq_ignore_ascii_case(k))
        {
            slot.1 = v.clone();
        } else {
            headers.push((k.clone(), v.clone()));
        }
    }
    Request {
        method,
        target: url.target.clone(),
        host,
        user_agent: ua.to_string(),
        headers,
        body: o.data.clone().unwrap_or_default(),
    }
}

/// `curl: (N) message` on stderr unless `-s` without `-S`; the exit code either way.
fn fail(out: &mut CommandOutput, o: &Opts, code: i32, msg: &str) {
    if o.verbose {
        out.err(format!("* {msg}\n* closing connection #0\n"));
    }
    if !o.silent || o.show_error {
        out.err(format!("curl: ({code}) {msg}\n"));
    }
    out.exit_code = code;
}

fn verbose_connect(out: &mut CommandOutput, o: &Opts, url: &Url, ip: &str) {
    if !o.verbose {
        return;
    }
    if url.host != ip {
        out.err(format!(
            "* Host {}:{} was resolved.\n* IPv6: (none)\n* IPv4: {ip}\n",
            url.host, url.port
        ));
    }
    out.err(format!("*   Trying {ip}:{}...\n", url.port));
}

fn verbose_exchange(
    out: &mut CommandOutput,
    o: &Opts,
    url: &Url,
    ip: &str,
    req: &Request,
    resp: &Response,
) {
    if !o.verbose {
        return;
    }
    verbose_connect(out, o, url, ip);
    out.err(format!(
        "* Connected to {} ({ip}) port {}\n* using HTTP/1.x\n",
        url.host, url.port
    ));
    let mut s = format!(
        "> {} {} HTTP/1.1\n> Host: {}\n> User-Agent: {}\n",
        req.method, req.target, req.host, req.user_agent
    );
    for (k, v) in &req.headers {
        s.push_str(&format!("> {k}: {v}\n"));
    }
    s.push_str("> \n* Request completely sent off\n");
    s.push_str(&format!("< {}\n", resp.status_line()));
    for (k, v) in &resp.headers {
        s.push_str(&format!("< {k}: {v}\n"));
    }
    s.push_str("< \n");
    out.err(s);
}

fn success(out: &mut CommandOutput, o: &Opts, url: &Url, ip: &str, req: &Request, resp: &Response) {
    verbose_exchange(out, o, url, ip, req, resp);
    if o.fail && resp.status >= 400 {
        fail(
            out,
            o,
            22,
            &format!("The requested URL returned error: {}", resp.status),
        );
        return;
    }
    let mut text = String::new();
    if o.head || o.include {
        text.push_str(&format!("{}\n", resp.status_line()));
        for (k, v) in &resp.headers {
            text.push_str(&format!("{k}: {v}\n"));
        }
        text.push('\n');
    }
    if !o.head && req.method != "HEAD" {
        text.push_str(&resp.body);
    }
    match o.output.as_deref() {
        Some(_) => {
            if !o.silent && !o.verbose {
                let n = resp.body.len();
                out.err(format!(
                    "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n100 {n:>5}  100 {n:>5}    0     0   {n:>4}k      0 --:--:-- --:--:-- --:--:--  {n:>4}k\n"
                ));
            }
        }
        None => out.out(text),
    }
    if let Some(w) = &o.write_out {
        out.out(write_out(w, resp, ip, url));
    }
    if o.verbose {
        out.err(format!(
            "* Connection #0 to host {} left intact\n",
            url.host
        ));
    }
    out.exit_code = 0;
}

fn write_out(fmt: &str, resp: &Response, ip: &str, url: &Url) -> String {
    fmt.replace("%{http_code}", &format!("{:03}", resp.status))
        .replace("%{response_code}", &format!("{:03}", resp.status))
        .replace("%{remote_ip}", ip)
        .replace("%{remote_port}", &url.port.to_string())
        .replace("%{size_download}", &resp.body.len().to_string())
        .replace(
            "%{url_effective}",
            &format!(
                "{}://{}{}",
                if url.https { "https" } else { "http" },
                url.host_header(),
                url.target
            ),
        )
        .replace("\\n", "\n")
}

fn failure(out: &mut CommandOutput, o: &Opts, url: &Url, outcome: Outcome, trace: &mut Trace) {
    let host = &url.host;
    let port = url.port;
    match outcome {
        Outcome::NoResolve { unreachable } => {
            if unreachable {
                if let Some(limit) = o.max_time_ms.filter(|m| *m < latency::DNS_TIMEOUT_MS) {
                    trace.elapsed_ms = limit;
                    trace.push(Hop::Timeout { after_ms: limit }, 0);
                    fail(
                        out,
                        o,
                        28,
                        &format!("Resolving timed out after {limit} milliseconds"),
                    );
                    return;
                }
            }
            fail(out, o, 6, &format!("Could not resolve host: {host}"));
        }
        Outcome::Refused { ip } => {
            verbose_connect(out, o, url, &ip.to_string());
            let ms = trace.elapsed_ms.max(1);
            if o.verbose {
                out.err(format!("* connect to {ip} port {port} from 0.0.0.0 port 0 failed: Connection refused\n"));
            }
            fail(out, o, 7, &format!("Failed to connect to {host} port {port} after {ms} ms: Couldn't connect to server"));
        }
        Outcome::Timeout { ip } => {
            verbose_connect(out, o, url, &ip.to_string());
            let limit = [o.max_time_ms, o.connect_timeout_ms]
                .into_iter()
                .flatten()
                .min();
            match limit {
                Some(ms) => {
                    let waited = ms + 1;
                    trace.elapsed_ms = trace.elapsed_ms.max(waited);
                    trace.push(Hop::Timeout { after_ms: waited }, 0);
                    if o.connect_timeout_ms == Some(ms) {
                        fail(out, o, 28, &format!("Failed to connect to {host} port {port} after {waited} ms: Timeout was reached"));
                    } else {
                        fail(
                            out,
                            o,
                            28,
                            &format!("Connection timed out after {waited} milliseconds"),
                        );
                    }
                }
                None => {
                    let waited = trace.elapsed_ms + latency::SYN_TIMEOUT_MS;
                    trace.elapsed_ms = waited;
                    trace.push(Hop::Timeout { after_ms: waited }, 0);
                    fail(out, o, 28, &format!("Failed to connect to {host} port {port} after {waited} ms: Couldn't connect to server"));
                }
            }
        }
        Outcome::TlsToPlain { .. } => {
            fail(
                out,
                o,
                35,
                "OpenSSL/3.5.0: error:0A00010B:SSL routines::wrong version number",
            );
        }
        Outcome::UntrustedCert { .. } => {
            fail(
                out,
                o,
                60,
                "SSL certificate problem: unable to get local issuer certificate",
            );
            if !o.silent || o.show_error {
                out.err("More details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the webpage mentioned above.\n");
            }
        }
        Outcome::EmptyReply { .. } => fail(out, o, 52, "Empty reply from server"),
        Outcome::Answer { .. } => {}
    }
}
