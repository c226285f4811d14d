//! The cluster map: the workstation and load balancers outside the cluster, nodes as regions
//! holding their pods, Services below with lines to the pods their selector matches. Everything a
//! learner can point at is focusable and named for screen readers (see `map::labels`).

use kubeplay_core::view::ClusterView;
use leptos::prelude::*;

use crate::components::inspector::{Selected, Selection};
use crate::components::traffic::TrafficLayer;
use crate::map::labels;
use crate::map::layout::{
    layout, Alloc, LbBox, MapLayout, NodeBox, NsFilter, PodDot, Rect, ServiceBox, NARROW, WIDE,
};

/// Click or Enter/Space selects; shared by every focusable thing on the map.
fn selectable(
    sel: Selected,
) -> (
    impl Fn(leptos::ev::MouseEvent) + Clone,
    impl Fn(leptos::ev::KeyboardEvent) + Clone,
) {
    let Selection(selected) = expect_context::<Selection>();
    let s1 = sel.clone();
    let click = move |_| selected.set(Some(s1.clone()));
    let key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" || ev.key() == " " {
            ev.prevent_default();
            selected.set(Some(sel.clone()));
        }
    };
    (click, key)
}

fn is_selected(sel: Selected) -> impl Fn() -> bool + Copy + 'static {
    let Selection(selected) = expect_context::<Selection>();
    let sel = StoredValue::new(sel);
    move || selected.with(|s| s.as_ref() == Some(&sel.get_value()))
}

#[component]
pub fn ClusterMap(view: Memo<ClusterView>) -> impl IntoView {
    let alloc = StoredValue::new(Alloc::default());
    let namespace = RwSignal::new(String::new());
    let hot = RwSignal::new(None::<(String, String)>);
    let narrow = RwSignal::new(is_narrow());
    let resize = window_event_listener(leptos::ev::resize, move |_| narrow.set(is_narrow()));
    on_cleanup(move || resize.remove());
    let map = Memo::new(move |_| {
        let filter = NsFilter::from_value(&namespace.get());
        let width = if narrow.get() { NARROW } else { WIDE };
        let mut a = alloc.get_value();
        let l = view.with(|v| layout(v, &filter, width, &mut a));
        alloc.set_value(a);
        l
    });
    provide_context(map);
    let namespaces = move || view.with(|v| v.namespaces.clone());
    let Selection(selected) = expect_context::<Selection>();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            selected.set(None);
        }
    };

    view! {
        <section class="panel cluster-map" role="region" aria-label="Cluster map" on:keydown=on_keydown>
            <div class="map-bar">
                <h2 class="panel-title">"Cluster map"</h2>
                <label class="ns-filter">
                    "Namespace "
                    <select on:change=move |ev| namespace.set(event_target_value(&ev))>
                        <option value="" selected>"All but kube-*"</option>
                        <option value="*">"All namespaces"</option>
                        {move || {
                            namespaces()
                                .into_iter()
                                .map(|n| view! { <option value=n.clone()>{n.clone()}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
            </div>
            <svg
                class="map"
                viewBox=move || map.with(|m| format!("0 0 {} {}", m.width, m.height))
                role="group"
                aria-label="Nodes, pods and Services"
            >
                {move || map.with(outside)}
                {move || map.with(|m| cluster_frame(m.cluster, m.unscheduled))}
                <For each=move || map.with(|m| m.nodes.clone()) key=|n| format!("{n:?}") let:n>
                    <NodeRegion node=n/>
                </For>
                {move || map.with(|m| links(m, hot))}
                // Keyed by everything drawn, so a tick re-creates only the pods that changed
                // (300 pods stay smooth: BENCHMARKS.md, page).
                <For each=move || map.with(|m| m.pods.clone()) key=pod_key let:p>
                    <PodMark dot=p/>
                </For>
                <For each=move || map.with(|m| m.services.clone()) key=|s| format!("{s:?}") let:s>
                    <ServiceMark svc=s hot=hot/>
                </For>
                <TrafficLayer map=map/>
            </svg>
            <p class="legend">
                <span><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="5" class="legend-ready"></circle></svg>" ready"</span>
                <span><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="5" class="legend-notready"></circle></svg>" not ready"</span>
                <span><svg width="14" height="14" aria-hidden="true"><rect x="3" y="3" width="8" height="8" class="policy-mark" transform="rotate(45 7 7)"></rect></svg>" NetworkPolicy"</span>
                <span>"Colour = app label"</span>
            </p>
        </section>
    }
}

/// What a pod's mark shows; the mark is redrawn only when this changes.
fn pod_key(d: &PodDot) -> String {
    let p = &d.pod;
    format!(
        "{}/{} {:.1},{:.1} c{} {} {} {} {:?} {:?}",
        p.namespace,
        p.name,
        d.x,
        d.y,
        d.color,
        p.status,
        p.ready,
        p.requests_served,
        p.ip,
        p.policies
    )
}

/// Phones get the stacked drawing, so its text stays readable instead of shrinking.
fn is_narrow() -> bool {
    window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 640.0)
}

fn outside(m: &MapLayout) -> impl IntoView {
    let w = m.workstation;
    let lbs = m.lbs.iter().map(|lb: &LbBox| {
        view! {
            <g class="lb" role="img" aria-label=format!("Load balancer {} for Service {}", lb.ip, lb.service)>
                <rect x=lb.rect.x y=lb.rect.y width=lb.rect.w height=lb.rect.h rx="6"></rect>
                <text x=lb.rect.x + 8.0 y=lb.rect.y + 17.0 class="small">{format!("Load balancer → {}", labels::short(&lb.service, 10))}</text>
                <text x=lb.rect.x + 8.0 y=lb.rect.y + 34.0 class="mono">{lb.ip.clone()}</text>
            </g>
        }
    });
    view! {
        <g class="workstation" role="img" aria-label="Workstation, outside the cluster">
            <rect x=w.x y=w.y width=w.w height=w.h rx="8"></rect>
            <text x=w.x + 10.0 y=w.y + 24.0 class="title">"Workstation"</text>
            <text x=w.x + 10.0 y=w.y + 44.0 class="small">"you, outside the cluster"</text>
        </g>
        {lbs.collect_view()}
    }
}

fn cluster_frame(c: Rect, unscheduled: Option<Rect>) -> impl IntoView {
    let pending = unscheduled.map(|u| {
        view! {
            <g class="unscheduled">
                <rect x=u.x y=u.y width=u.w height=u.h rx="10"></rect>
                <text x=u.x + 10.0 y=u.y + 22.0 class="title">"Not scheduled"</text>
            </g>
        }
    });
    view! {
        <g class="cluster-frame" aria-hidden="true">
            <rect x=c.x y=c.y width=c.w height=c.h rx="12"></rect>
            <text x=c.x + 12.0 y=c.y + 20.0 class="small">"Cluster"</text>
        </g>
        {pending}
    }
}

fn links(m: &MapLayout, hot: RwSignal<Option<(String, String)>>) -> impl IntoView {
    m.services
        .iter()
        .flat_map(|s| {
            let key = (s.service.namespace.clone(), s.service.name.clone());
            let (sx, _) = s.rect.center();
            let sy = s.rect.y;
            s.links.iter().map(move |&(px, py)| {
                let key = key.clone();
                let is_hot = move || hot.with(|h| h.as_ref() == Some(&key));
                view! { <line class="link" class:hot=is_hot x1=sx y1=sy x2=px y2=py + 18.0></line> }
            })
        })
        .collect_view()
}

#[component]
fn NodeRegion(node: NodeBox) -> impl IntoView {
    let sel = Selected::Node(node.node.name.clone());
    let (click, key) = selectable(sel.clone());
    let r = node.rect;
    let n = node.node;
    view! {
        <g
            class="node"
            class:control-plane=n.control_plane
            class:not-ready=!n.ready
            class:selected=is_selected(sel)
            tabindex="0"
            role="button"
            aria-label=labels::node_name(&n)
            on:click=click
            on:keydown=key
        >
            <rect x=r.x y=r.y width=r.w height=r.h rx="10"></rect>
            <text x=r.x + 10.0 y=r.y + 20.0 class="title">{n.name.clone()}</text>
            <text x=r.x + 10.0 y=r.y + 38.0 class="mono small">{n.ip.clone()}</text>
            <text x=r.x + r.w - 10.0 y=r.y + 20.0 class="small end">{if n.ready { "Ready" } else { "NotReady" }}</text>
        </g>
    }
}

/// A status glyph, so state never rests on colour alone.
fn status_glyph(status: &str, ready: bool) -> &'static str {
    match status {
        "Running" if ready => "✓",
        "Running" => "…",
        "Pending" | "ContainerCreating" | "PodInitializing" => "…",
        "Terminating" => "−",
        "Completed" | "Succeeded" => "✓",
        _ => "!",
    }
}

#[component]
fn PodMark(dot: PodDot) -> impl IntoView {
    let p = dot.pod;
    let sel = Selected::Pod {
        namespace: p.namespace.clone(),
        name: p.name.clone(),
    };
    let (click, key) = selectable(sel.clone());
    let policy = (!p.policies.is_empty()).then(|| {
        view! {
            <rect class="policy-mark" x="-21" y="-21" width="9" height="9" transform="rotate(45 -16.5 -16.5)">
                <title>{format!("NetworkPolicy: {}", p.policies.join(", "))}</title>
            </rect>
        }
    });
    let requests = (p.requests_served > 0).then(|| {
        view! { <text y="44" class="small reqs">{format!("{} req", p.requests_served)}</text> }
    });
    view! {
        <g
            class=format!("pod c{}", dot.color)
            class:not-ready=!p.ready
            class:terminating=p.status == "Terminating"
            class:selected=is_selected(sel)
            transform=format!("translate({:.1} {:.1})", dot.x, dot.y)
            tabindex="0"
            role="button"
            aria-label=labels::pod_name(&p)
            on:click=click
            on:keydown=key
        >
            <circle r="19" class="pod-ring"></circle>
            <circle r="14" class="pod-body"></circle>
            <text y="5" class="glyph">{status_glyph(&p.status, p.ready)}</text>
            {policy}
            <text y="33" class="small pod-label">{labels::short(&p.name, 11)}</text>
            {requests}
        </g>
    }
}

#[component]
fn ServiceMark(svc: ServiceBox, hot: RwSignal<Option<(String, String)>>) -> impl IntoView {
    let s = svc.service;
    let r = svc.rect;
    let sel = Selected::Service {
        namespace: s.namespace.clone(),
        name: s.name.clone(),
    };
    let (click, key) = selectable(sel.clone());
    let me = (s.namespace.clone(), s.name.clone());
    let me2 = me.clone();
    let me3 = me.clone();
    let me4 = me.clone();
    let is_hot = move || hot.with(|h| h.as_ref() == Some(&me));
    let node_ports = s
        .ports
        .iter()
        .filter_map(|p| p.node_port)
        .map(|n| n.to_string())
        .collect::<Vec<_>>();
    let second = if node_ports.is_empty() {
        s.type_.clone()
    } else {
        format!("{} :{}", s.type_, node_ports.join(","))
    };
    view! {
        <g
            class="service"
            class:hot=is_hot
            class:selected=is_selected(sel)
            tabindex="0"
            role="button"
            aria-label=labels::service_name(&s)
            on:click=click
            on:keydown=key
            on:mouseenter=move |_| hot.set(Some(me2.clone()))
            on:mouseleave=move |_| hot.set(None)
            on:focus=move |_| hot.set(Some(me3.clone()))
            on:blur=move |_| hot.update(|h| if h.as_ref() == Some(&me4) { *h = None })
        >
            <rect x=r.x y=r.y width=r.w height=r.h rx="6"></rect>
            <text x=r.x + 8.0 y=r.y + 17.0 class="title">{labels::short(&s.name, 18)}</text>
            <text x=r.x + 8.0 y=r.y + 33.0 class="mono small">{labels::service_address(&s)}</text>
            <text x=r.x + 8.0 y=r.y + 49.0 class="small">{second}</text>
        </g>
    }
}
