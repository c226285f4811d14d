//! The cluster map: nodes drawn as regions (pods and Services join them as the core grows).

use leptos::prelude::*;

use crate::bridge::Bridge;

const NODE_W: f64 = 220.0;
const NODE_H: f64 = 140.0;
const GAP: f64 = 20.0;

#[component]
pub fn ClusterMap() -> impl IntoView {
    let bridge = Bridge::from_context();
    let nodes = Memo::new(move |_| bridge.nodes());
    let width = move || (nodes.get().len().max(1) as f64) * (NODE_W + GAP) + GAP;
    view! {
        <section class="cluster-map" role="region" aria-label="Cluster map">
            <svg viewBox=move || format!("0 0 {} {}", width(), NODE_H + 2.0 * GAP) role="presentation">
                {move || {
                    nodes
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, n)| {
                            let x = GAP + i as f64 * (NODE_W + GAP);
                            let label = format!(
                                "Node {} {} {}",
                                n.name,
                                if n.ready { "Ready" } else { "NotReady" },
                                n.ip
                            );
                            let class = if n.control_plane { "node control-plane" } else { "node" };
                            view! {
                                <g class=class tabindex="0" role="img" aria-label=label>
                                    <rect x=x y=GAP width=NODE_W height=NODE_H rx="10"></rect>
                                    <text x=x + 12.0 y=GAP + 26.0 class="node-name">{n.name.clone()}</text>
                                    <text x=x + 12.0 y=GAP + 46.0 class="node-ip">{n.ip.clone()}</text>
                                </g>
                            }
                        })
                        .collect_view()
                }}
            </svg>
        </section>
    }
}
