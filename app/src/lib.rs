//! The Kubeplay playground page. `bridge` is the only module that touches the core `Session`;
//! components read plain-data views from it and send it command lines.

pub mod bridge;
pub mod components;

use leptos::prelude::*;

use components::{cluster_map::ClusterMap, terminal::Terminal};

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let bridge = bridge::Bridge::new(bridge::initial_seed());
    provide_context(bridge);
    view! {
        <header class="topbar">
            <h1>"Kubeplay"</h1>
            <span class="tagline">"A Kubernetes Services playground"</span>
        </header>
        <main class="playground">
            <Terminal/>
            <ClusterMap/>
        </main>
    }
}
