//! `wget`: BusyBox's applet in pods (`-q`, `-O`, `-T`, `-S`, `--spider`) and GNU wget's
//! output on the workstation, both over the same HTTP exchange as curl.

use super::exchange::{self, Outcome, Url};
use super::http::Request;
use super::Toolbox;
use crate::cluster::Cluster;
use crate::network::flow::ClientInfo;
use crate::network::Trace;
use crate::CommandOutput;

struct Opts {
    quiet: bool,
    output: Option<String>,
    timeout_s: Option<u64>,
    server_response: bool,
    spider: bool,
    url: Option<String>,
}

fn parse(args: &[String]) -> Opts {
    let mut o = Opts {
        quiet: false,
        output: None,
        timeout_s: None,
        server_response: false,
        spider: false,
        url: None,
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if let Some(v) = a.strip_prefix("--output-document=") {
            o.output = Some(v.to_string());
        } else if let Some(v) = a.strip_prefix("--timeout=") {
            o.timeout_s = v.parse().ok();
        } else if a == "--spider" {
            o.spider = true;
        } else if a == "--quiet" {
            o.quiet = true;
        } else if a.starts_with('-') && a.len() > 1 && !a.starts_with("--") {
            let chars: Vec<char> = a[1..].chars().collect();
            for (k, c) in chars.iter().enumerate() {
                match c {
                    'q' => o.quiet = true,
                    'S' => o.server_response = true,
                    'O' | 'T' => {
                        let rest: String = chars[k + 1..].iter().collect();
                        let v = if rest.is_empty() {
                            i += 1;
                            args.get(i - 1).cloned().unwrap_or_default()
                        } else {
                            rest
                        };
                        if *c == 'O' {
                            o.output = Some(v);
                        } else {
                            o.timeout_s = v.parse().ok();
                        }
                        break;
                    }
                    _ => {}
                }
            }
        } else {
            o.url = Some(a.to_string());
        }
    }
    o
}

pub fn run(
    cluster: &mut Cluster,
    client: &ClientInfo,
    toolbox: Toolbox,
    args: &[String],
    trace: &mut Trace,
) -> CommandOutput {
    let o = parse(args);
    let Some(url) = o.url.as_deref().and_then(Url::parse) else {
        return CommandOutput::stderr("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n", 1);
    };
    let gnu = toolbox == Toolbox::Workstation;
    let ua = if gnu { "Wget/1.21.4" } else { "Wget" };
    let req = Request {
        method: if o.spider {
            "HEAD".into()
        } else {
            "GET".into()
        },
        target: url.target.clone(),
        host: url.host_header(),
        user_agent: ua.into(),
        headers: vec![("Connection".into(), "close".into())],
        body: String::new(),
    };
    let outcome = exchange::fetch(cluster, client, &url, &req, false, trace);
    if gnu {
        gnu_output(&o, &url, outcome, cluster)
    } else {
        busybox_output(&o, &url, outcome)
    }
}

fn file_name(o: &Opts, url: &Url) -> String {
    o.output.clone().unwrap_or_else(|| {
        let last = url
            .target
            .split('?')
            .next()
            .unwrap_or("/")
            .rsplit('/')
            .next()
            .unwrap_or("");
        if last.is_empty() {
            "index.html".into()
        } else {
            last.to_string()
        }
    })
}

fn busybox_output(o: &Opts, url: &Url, outcome: Outcome) -> CommandOutput {
    let mut out = CommandOutput::default();
    let connecting =
        |ip: &str| format!("Connecting to {} ({ip}:{})\n", url.host_header(), url.port);
    let err = |out: &mut CommandOutput, text: String| {
        if !o.quiet {
            out.err(text);
        }
    };
    match outcome {
        Outcome::NoResolve { .. } => {
            out.err(format!("wget: bad address '{}'\n", url.host));
            out.exit_code = 1;
        }
        Outcome::Refused { ip } => {
            err(&mut out, connecting(&ip.to_string()));
            out.err(format!(
                "wget: can't connect to remote host ({ip}): Connection refused\n"
            ));
            out.exit_code = 1;
        }
        Outcome::Timeout { ip } => {
            err(&mut out, connecting(&ip.to_string()));
            out.err("wget: download timed out\n");
            out.exit_code = 1;
        }
        Outcome::TlsToPlain { ip } | Outcome::UntrustedCert { ip } | Outcome::EmptyReply { ip } => {
            err(&mut out, connecting(&ip.to_string()));
            out.err("wget: error getting response: Connection reset by peer\n");
            out.exit_code = 1;
        }
        Outcome::Answer { ip, response } => {
            err(&mut out, connecting(&ip.to_string()));
            if o.server_response {
                let mut h = format!("  {}\n", response.status_line());
                for (k, v) in &response.headers {
                    h.push_str(&format!("  {k}: {v}\n"));
                }
                out.err(h);
            }
            if response.status >= 400 {
                out.err(format!(
                    "wget: server returned error: {}\n",
                    response.status_line()
                ));
                out.exit_code = 1;
                return out;
            }
            if o.spider {
                err(&mut out, "remote file exists\n".into());
                return out;
            }
            let n = response.body.len();
            let to_stdout = o.output.as_deref() == Some("-");
            let name = if to_stdout {
                "-".to_string()
            } else {
                file_name(o, url)
            };
            if to_stdout {
                err(&mut out, "writing to stdout\n".into());
                out.out(response.body);
            } else {
                err(&mut out, format!("saving to '{name}'\n"));
            }
            err(
                &mut out,
                format!("{name:<20} 100% |********************************| {n:>5}  0:00:00 ETA\n"),
            );
            err(
                &mut out,
                if to_stdout {
                    "written to stdout\n".into()
                } else {
                    format!("'{name}' saved\n")
                },
            );
        }
    }
    out
}

fn gnu_output(o: &Opts, url: &Url, outcome: Outcome, cluster: &Cluster) -> CommandOutput {
    let mut out = CommandOutput::default();
    let stamp = cluster
        .now
        .to_rfc3339()
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string();
    let full = format!(
        "{}://{}{}",
        if url.https { "https" } else { "http" },
        url.host_header(),
        url.target
    );
    let mut log = if o.quiet {
        None
    } else {
        Some(format!("--{stamp}--  {full}\n"))
    };
    let mut say = |s: String| {
        if let Some(l) = log.as_mut() {
            l.push_str(&s);
        }
    };
    let resolving = |ip: &str| {
        if url.host == ip {
            format!("Connecting to {ip}:{}... ", url.port)
        } else {
            format!(
                "Resolving {} ({})... {ip}\nConnecting to {} ({})|{ip}|:{}... ",
                url.host, url.host, url.host, url.host, url.port
            )
        }
    };
    let code = match outcome {
        Outcome::NoResolve { .. } => {
            say(format!("Resolving {} ({})... failed: Name or service not known.\nwget: unable to resolve host address ‘{}’\n", url.host, url.host, url.host));
            4
        }
        Outcome::Refused { ip } => {
            say(format!(
                "{}failed: Connection refused.\n",
                resolving(&ip.to_string())
            ));
            4
        }
        Outcome::Timeout { ip } => {
            say(format!(
                "{}failed: Connection timed out.\nRetrying.\n\n",
                resolving(&ip.to_string())
            ));
            4
        }
        Outcome::TlsToPlain { ip } | Outcome::UntrustedCert { ip } | Outcome::EmptyReply { ip } => {
            say(format!(
                "{}connected.\nUnable to establish SSL connection.\n",
                resolving(&ip.to_string())
            ));
            4
        }
        Outcome::Answer { ip, response } => {
            say(format!(
                "{}connected.\nHTTP request sent, awaiting response... {} {}\n",
                resolving(&ip.to_string()),
                response.status,
                super::http::reason(response.status)
            ));
            if response.status >= 400 {
                say(format!(
                    "{stamp} ERROR {}: {}.\n\n",
                    response.status,
                    super::http::reason(response.status)
                ));
                8
            } else {
                let n = response.body.len();
                let ctype = response
                    .header("Content-Type")
                    .unwrap_or("text/plain")
                    .to_string();
                let name = file_name(o, url);
                let shown = if name == "-" {
                    "STDOUT".to_string()
                } else {
                    format!("‘{name}’")
                };
                say(format!("Length: {n} [{ctype}]\nSaving to: {shown}\n\n{:<19} 100%[===================>] {n:>7}  --.-KB/s    in 0s\n\n{stamp} (1.00 MB/s) - {} saved [{n}/{n}]\n\n", if name == "-" { "-" } else { &name }, if name == "-" { "written to stdout".to_string() } else { shown.clone() }));
                if name == "-" {
                    out.out(response.body);
                }
                0
            }
        }
    };
    if let Some(l) = log {
        out.err(l);
    }
    out.exit_code = code;
    out
}
