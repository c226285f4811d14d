//! The browser pane: the workstation opening `http://<node-ip>:<nodePort>` or a load balancer's
//! IP, the way a learner checks a NodePort or LoadBalancer Service from outside the cluster. The
//! request is the core's own HTTP client (traced and animated like curl); the response is shown
//! as text only — the status line and headers, then the body as readable text or its source —
//! so nothing the simulation returns is ever parsed as HTML or runs script.

use kubeplay_core::view::ClusterView;
use leptos::prelude::*;

use crate::bridge::Bridge;

/// A response split for display: the status line and headers, and the body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub head: String,
    pub body: String,
    /// curl's complaint when no response came (refused, timed out, no route).
    pub error: Option<String>,
}

/// Splits `curl -si` output into head and body; stderr only means the site could not be reached.
pub fn page_of(stdout: &str, stderr: &str) -> Page {
    if stdout.is_empty() {
        return Page {
            error: Some(stderr.trim().to_string()),
            ..Page::default()
        };
    }
    let text = stdout.replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    Page {
        head: head.to_string(),
        body: body.to_string(),
        error: None,
    }
}

/// What a browser would show of `html`, as plain text: tags dropped (with `<script>`/`<style>`
/// contents), block elements on their own lines, the common entities decoded.
pub fn readable_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        // A `<` that opens no tag is text.
        let Some(j) = rest[i..].find('>') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let raw = &rest[i + 1..i + j];
        let closing = raw.starts_with('/');
        let tag = raw.trim_start_matches('/').to_ascii_lowercase();
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        rest = &rest[i + j + 1..];
        if (name == "script" || name == "style") && !closing {
            let close = format!("</{name}");
            let end = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
            rest = &rest[end..];
            continue;
        }
        let block = [
            "p", "br", "div", "h1", "h2", "h3", "h4", "li", "tr", "title", "hr", "pre", "ul",
        ];
        if block.contains(&name.as_str()) {
            out.push('\n');
        }
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let mut lines: Vec<String> = Vec::new();
    for l in decoded.lines() {
        let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
        if !l.is_empty() || lines.last().is_some_and(|p| !p.is_empty()) {
            lines.push(l);
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

/// Addresses a learner can open from outside: each NodePort on the first worker's IP, and each
/// load balancer IP.
pub fn suggestions(view: &ClusterView) -> Vec<(String, String)> {
    let node_ip = view
        .nodes
        .iter()
        .find(|n| !n.control_plane)
        .or(view.nodes.first())
        .map(|n| n.ip.clone());
    let mut out = Vec::new();
    for s in &view.services {
        for p in &s.ports {
            if let (Some(np), Some(ip)) = (p.node_port, &node_ip) {
                out.push((
                    format!("{} (NodePort)", s.name),
                    format!("http://{ip}:{np}/"),
                ));
            }
            if let Some(lb) = &s.load_balancer_ip {
                let port = if p.port == 80 {
                    String::new()
                } else {
                    format!(":{}", p.port)
                };
                out.push((
                    format!("{} (LoadBalancer)", s.name),
                    format!("http://{lb}{port}/"),
                ));
            }
        }
    }
    out.dedup();
    out
}

#[component]
pub fn Browser(view: Memo<ClusterView>) -> impl IntoView {
    let bridge = Bridge::from_context();
    let address = RwSignal::new(String::new());
    let page = RwSignal::new(None::<Page>);
    let source = RwSignal::new(false);
    let go = move || {
        let url = address.get_untracked().trim().to_string();
        if url.is_empty() {
            return;
        }
        let url = if url.contains("://") {
            url
        } else {
            format!("http://{url}")
        };
        address.set(url.clone());
        let out = bridge.browse(&url);
        page.set(Some(page_of(&out.stdout_text(), &out.text())));
    };
    let links = move || {
        view.with(suggestions)
            .into_iter()
            .map(|(label, url)| {
                let u = url.clone();
                view! {
                    <button class="secondary small" title=url.clone() on:click=move |_| {
                        address.set(u.clone());
                        go();
                    }>{label}</button>
                }
            })
            .collect_view()
    };
    let shown = move || {
        let Some(p) = page.get() else {
            return view! { <p class="muted">"Open a NodePort (http://<node IP>:<nodePort>) or a load balancer IP as if from your own machine. Responses show as text, never as a live page."</p> }.into_any();
        };
        if let Some(e) = p.error {
            return view! {
                <div class="browser-error" role="alert">
                    <strong>"This site can't be reached"</strong>
                    <pre>{e}</pre>
                </div>
            }
            .into_any();
        }
        let body = if source.get() {
            p.body.clone()
        } else {
            readable_text(&p.body)
        };
        view! {
            <pre class="browser-head" aria-label="Response headers">{p.head}</pre>
            <pre class="browser-body" aria-label="Response body">{body}</pre>
        }
        .into_any()
    };
    view! {
        <section class="panel browser" aria-label="Browser">
            <h2 class="panel-title">"Browser"<span class="where">" — on your workstation"</span></h2>
            <form class="address" on:submit=move |ev| {
                ev.prevent_default();
                go();
            }>
                <input
                    type="text"
                    aria-label="Address"
                    placeholder="http://192.168.49.3:30080/"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || address.get()
                    on:input=move |ev| address.set(event_target_value(&ev))
                />
                <button class="primary" type="submit">"Go"</button>
                <label class="source">
                    <input type="checkbox" prop:checked=move || source.get() on:change=move |ev| source.set(event_target_checked(&ev))/>
                    " Source"
                </label>
            </form>
            <div class="browser-links">{links}</div>
            <div class="browser-page">{shown}</div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_head_and_body() {
        let p = page_of("HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n<h1>Hi</h1>\n", "");
        assert_eq!(p.head, "HTTP/1.1 200 OK\nServer: nginx");
        assert_eq!(p.body, "<h1>Hi</h1>\n");
        let e = page_of("", "curl: (7) Failed to connect\n");
        assert_eq!(e.error.as_deref(), Some("curl: (7) Failed to connect"));
    }

    #[test]
    fn html_becomes_plain_text_without_script() {
        let html = "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title><style>body{}</style>\n<script>alert(1)</script></head><body>\n<h1>Welcome &amp; hello</h1>\n<p>If you see this page, it <em>works</em>.</p></body></html>";
        assert_eq!(
            readable_text(html),
            "Welcome to nginx!\n\nWelcome & hello\n\nIf you see this page, it works."
        );
        assert_eq!(readable_text("a < b"), "a < b");
        assert_eq!(readable_text("x <unclosed"), "x <unclosed");
    }
}
