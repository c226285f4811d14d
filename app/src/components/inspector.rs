//! The inspector: details of the object selected on the map, with the kubectl command that
//! shows the same thing one click away (and, for a pod, a shell in a new terminal tab); and the
//! explainer: the latest requests, each opening its path in plain words (DNS, kube-proxy's
//! choice and its probability, DNAT/SNAT, the NetworkPolicy verdict) as the core tells it.
//! A Service's selector is editable here (blue/green: `version: 1.0` → `2.0`); the change runs
//! in the terminal as the `kubectl patch` it stands for, so it is journaled, shared and
//! replayed like anything typed.

use std::collections::BTreeMap;

use kubeplay_core::view::{labels_text, ClusterView};
use leptos::prelude::*;

use crate::bridge::{Bridge, Explained};
use crate::components::terminal::Console;
use crate::map::labels::ports_text;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selected {
    Node(String),
    Pod {
        namespace: String,
        name: String,
    },
    Service {
        namespace: String,
        name: String,
    },
    /// A traced request, by the bridge's id.
    Request(u64),
}

/// The current selection, shared through context.
#[derive(Clone, Copy)]
pub struct Selection(pub RwSignal<Option<Selected>>);

impl Selected {
    /// The `kubectl describe` line for this object.
    pub fn describe_command(&self) -> String {
        match self {
            Selected::Node(n) => format!("kubectl describe node {n}"),
            Selected::Pod { namespace, name } => {
                format!("kubectl describe pod {name} -n {namespace}")
            }
            Selected::Service { namespace, name } => {
                format!("kubectl describe service {name} -n {namespace}")
            }
            Selected::Request(_) => String::new(),
        }
    }

    /// For a pod: the command that opens a shell in it, for a new terminal tab.
    pub fn shell_command(&self) -> Option<String> {
        match self {
            Selected::Pod { namespace, name } => {
                Some(format!("kubectl exec -it {name} -n {namespace} -- sh"))
            }
            _ => None,
        }
    }
}

/// (term, definition) rows for the selection, or `None` if it no longer exists.
pub fn details(view: &ClusterView, sel: &Selected) -> Option<(String, Vec<(String, String)>)> {
    let row = |k: &str, v: String| (k.to_string(), v);
    match sel {
        Selected::Node(name) => {
            let n = view.nodes.iter().find(|n| &n.name == name)?;
            let pods = view
                .pods
                .iter()
                .filter(|p| p.node.as_deref() == Some(name))
                .count();
            Some((
                format!("Node {name}"),
                vec![
                    row(
                        "Status",
                        if n.ready {
                            "Ready".into()
                        } else {
                            "NotReady".into()
                        },
                    ),
                    row(
                        "Role",
                        if n.control_plane {
                            "control-plane".into()
                        } else {
                            "worker".into()
                        },
                    ),
                    row("InternalIP", n.ip.clone()),
                    row("PodCIDR", n.pod_cidr.clone()),
                    row("Pods", pods.to_string()),
                ],
            ))
        }
        Selected::Pod { namespace, name } => {
            let p = view.pod(namespace, name)?;
            let services: Vec<String> = view
                .services
                .iter()
                .filter(|s| &s.namespace == namespace && s.pods.contains(name))
                .map(|s| s.name.clone())
                .collect();
            Some((
                format!("Pod {name}"),
                vec![
                    row("Namespace", namespace.clone()),
                    row("Status", p.status.clone()),
                    row("Ready", p.ready_containers.clone()),
                    row("Restarts", p.restarts.to_string()),
                    row("IP", p.ip.clone().unwrap_or_else(|| "<none>".into())),
                    row("Node", p.node.clone().unwrap_or_else(|| "<none>".into())),
                    row("Labels", or_none(labels_text(&p.labels))),
                    row(
                        "Controlled by",
                        p.owner.clone().unwrap_or_else(|| "<none>".into()),
                    ),
                    row("Services", or_none(services.join(", "))),
                    row("NetworkPolicies", or_none(p.policies.join(", "))),
                    row("Requests served", p.requests_served.to_string()),
                ],
            ))
        }
        Selected::Service { namespace, name } => {
            let s = view.service(namespace, name)?;
            let endpoints: Vec<String> = s
                .pods
                .iter()
                .filter_map(|pn| view.pod(namespace, pn))
                .filter(|p| p.ready)
                .filter_map(|p| p.ip.clone())
                .collect();
            let mut rows = vec![
                row("Namespace", namespace.clone()),
                row("Type", s.type_.clone()),
                row(
                    "ClusterIP",
                    s.cluster_ip.clone().unwrap_or_else(|| "<none>".into()),
                ),
                row("Port(s)", or_none(ports_text(s))),
                row(
                    "TargetPort(s)",
                    or_none(
                        s.ports
                            .iter()
                            .map(|p| p.target_port.clone())
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                ),
                row(
                    "Selector",
                    s.selector
                        .as_ref()
                        .map(labels_text)
                        .map_or("<none>".into(), or_none),
                ),
                row("Ready endpoints", or_none(endpoints.join(", "))),
                row("Matching pods", or_none(s.pods.join(", "))),
            ];
            if let Some(lb) = &s.load_balancer_ip {
                rows.push(row("LoadBalancer Ingress", lb.clone()));
            }
            if let Some(ext) = &s.external_name {
                rows.push(row("External name", ext.clone()));
            }
            Some((format!("Service {name}"), rows))
        }
        Selected::Request(_) => None,
    }
}

/// The command the inspector's selector editor runs: a strategic-merge patch of the Service's
/// whole selector, quoted for the shell. Keys the learner cleared are removed (`null`).
pub fn selector_patch_command(
    namespace: &str,
    name: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> String {
    let mut selector = serde_json::Map::new();
    for key in old.keys().chain(new.keys()) {
        let value = match new.get(key).map(|v| v.trim()) {
            Some(v) if !v.is_empty() => serde_json::Value::String(v.to_string()),
            _ => serde_json::Value::Null,
        };
        selector.insert(key.clone(), value);
    }
    let patch = serde_json::json!({ "spec": { "selector": selector } }).to_string();
    format!(
        "kubectl patch service {name} -n {namespace} -p '{}'",
        patch.replace('\'', "'\\''")
    )
}

/// The selected Service's selector as inputs; Apply runs the patch in the terminal.
#[component]
fn SelectorEditor(view: Memo<ClusterView>) -> impl IntoView {
    let bridge = Bridge::from_context();
    let console = Console::from_context();
    let Selection(selected) = expect_context::<Selection>();
    // Rebuilt only when the selection or that selector changes, so typing is never interrupted
    // by the cluster moving on.
    let target = Memo::new(move |_| {
        let Some(Selected::Service { namespace, name }) = selected.get() else {
            return None;
        };
        view.with(|v| {
            let sel = v.service(&namespace, &name)?.selector.clone()?;
            (!sel.is_empty()).then(|| (namespace.clone(), name.clone(), sel))
        })
    });
    move || {
        target.get().map(|(namespace, name, old)| {
            let draft = RwSignal::new(old.clone());
            let inputs = old
                .iter()
                .map(|(k, v)| {
                    let key = k.clone();
                    view! {
                        <label class="selector-row">
                            <span>{format!("{k}:")}</span>
                            <input
                                type="text"
                                value=v.clone()
                                aria-label=format!("Selector {k}")
                                spellcheck="false"
                                on:input=move |ev| {
                                    let value = event_target_value(&ev);
                                    draft.update(|d| {
                                        d.insert(key.clone(), value);
                                    });
                                }
                            />
                        </label>
                    }
                })
                .collect_view();
            view! {
                <form
                    class="selector-editor"
                    aria-label="Edit selector"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        let cmd = selector_patch_command(
                            &namespace,
                            &name,
                            &old,
                            &draft.get_untracked(),
                        );
                        console.submit(bridge, &cmd);
                    }
                >
                    <h4>"Selector"</h4>
                    {inputs}
                    <button type="submit" class="secondary">"Apply selector"</button>
                </form>
            }
        })
    }
}

fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

/// One traced request in plain words.
fn explanation(e: &Explained) -> impl IntoView {
    let verdict = if e.delivered {
        "delivered"
    } else {
        "not delivered"
    };
    view! {
        <h3>{format!("Request: {}", e.command)}</h3>
        <p class="muted">{format!("From {}, {verdict}.", e.origin)}</p>
        <pre class="explain" aria-label="Request path">{e.text.clone()}</pre>
    }
}

/// The latest requests, newest first; each row opens its explanation.
#[component]
fn RequestList() -> impl IntoView {
    let bridge = Bridge::from_context();
    let Selection(selected) = expect_context::<Selection>();
    let rows = move || {
        let mut r = bridge.requests.get();
        r.reverse();
        r.truncate(8);
        r
    };
    view! {
        <Show when=move || bridge.requests.with(|r| !r.is_empty())>
            <h3 class="requests-title">"Recent requests"</h3>
            <ul class="requests" aria-label="Recent requests">
                <For each=rows key=|e| e.id let:e>
                    {
                        let id = e.id;
                        let mark = if e.delivered { "✓" } else { "✗" };
                        let is_sel = move || selected.with(|s| s == &Some(Selected::Request(id)));
                        view! {
                            <li>
                                <button
                                    class="request-row"
                                    class:dropped=!e.delivered
                                    class:selected=is_sel
                                    aria-label=format!("Explain request {} from {}", e.command, e.origin)
                                    on:click=move |_| selected.set(Some(Selected::Request(id)))
                                >
                                    <span class="mark" aria-hidden="true">{mark}</span>
                                    <code>{e.command.clone()}</code>
                                    <span class="from">{format!(" from {}", e.origin)}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
    }
}

#[component]
pub fn Inspector(view: Memo<ClusterView>) -> impl IntoView {
    let bridge = Bridge::from_context();
    let console = Console::from_context();
    let Selection(selected) = expect_context::<Selection>();
    // `explain …` in the terminal opens its request here.
    Effect::new(move |_| {
        if let Some(id) = bridge.explained.get() {
            selected.set(Some(Selected::Request(id)));
        }
    });
    let body = move || {
        let Some(sel) = selected.get() else {
            return view! {
                <p class="muted">"Select a node, pod or Service on the map (click, or Tab to it and press Enter) to see its details here. Click a request (a moving dot, or a row below) to see its path."</p>
            }
            .into_any();
        };
        if let Selected::Request(id) = sel {
            return bridge
                .requests
                .with(|r| match r.iter().find(|e| e.id == id) {
                    Some(e) => explanation(e).into_any(),
                    None => {
                        view! { <p class="muted">"That request is no longer kept."</p> }.into_any()
                    }
                });
        }
        let Some((title, rows)) = view.with(|v| details(v, &sel)) else {
            return view! { <p class="muted">"That object no longer exists."</p> }.into_any();
        };
        let command = sel.describe_command();
        let run = command.clone();
        let shell = sel.shell_command().map(|cmd| {
            view! {
                <button class="secondary" on:click=move |_| {
                    console.open_tab(bridge, Some(&cmd));
                }>
                    "Shell in a new tab"
                </button>
            }
        });
        view! {
            <h3>{title}</h3>
            <dl class="details">
                {rows
                    .into_iter()
                    .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
                    .collect_view()}
            </dl>
            <div class="actions">
                <button class="secondary" on:click=move |_| console.submit(bridge, &run)>
                    "Run "<code>{command}</code>
                </button>
                {shell}
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel inspector" aria-label="Inspector">
            <h2 class="panel-title">"Inspector"</h2>
            {body}
            <SelectorEditor view=view/>
            <RequestList/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_selector_editor_runs_a_patch() {
        let old = labels(&[("app", "kubeanimals"), ("version", "1.0")]);
        let cases = [
            (
                labels(&[("app", "kubeanimals"), ("version", "2.0")]),
                r#"kubectl patch service kubeanimals -n bluegreen -p '{"spec":{"selector":{"app":"kubeanimals","version":"2.0"}}}'"#,
            ),
            (
                labels(&[("app", "kubeanimals"), ("version", " ")]),
                r#"kubectl patch service kubeanimals -n bluegreen -p '{"spec":{"selector":{"app":"kubeanimals","version":null}}}'"#,
            ),
            (
                labels(&[("app", "it's"), ("version", "1.0")]),
                r#"kubectl patch service kubeanimals -n bluegreen -p '{"spec":{"selector":{"app":"it'\''s","version":"1.0"}}}'"#,
            ),
        ];
        for (new, want) in cases {
            assert_eq!(
                selector_patch_command("bluegreen", "kubeanimals", &old, &new),
                want
            );
        }
    }
}
