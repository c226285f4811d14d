//! The Kubeplay playground page. `bridge` is the only module that touches the core `Session`;
//! components read plain-data views from it and send it command lines. Logic that needs no DOM
//! lives in `term`, `editor`, `map` and `journal`, where native unit tests reach it.

pub mod bridge;
pub mod components;
pub mod demo;
pub mod editor;
pub mod journal;
pub mod map;
pub mod storage;
pub mod term;

use gloo_timers::callback::Interval;
use kubeplay_core::view::ClusterView;
use leptos::prelude::*;

use bridge::Bridge;
use components::browser::Browser;
use components::cluster_map::ClusterMap;
use components::controls::{Clock, ClockControls};
use components::editor::{Editor, Files};
use components::inspector::{Inspector, Selection};
use components::lesson::{use_route, LessonPanel};
use components::terminal::{Console, Terminal};
use components::traffic::Traffic;
use journal::{Save, SavedTab, SAVE_VERSION};

/// How often simulated time moves, in wall milliseconds.
const TICK_MS: u32 = 250;
/// Ticks between autosaves of the clock alone (commands and edits save at once).
const SAVE_EVERY_TICKS: u32 = 20;

/// Everything the page shares through context, built from a save or fresh.
#[derive(Clone, Copy)]
pub struct PageState {
    pub bridge: Bridge,
    pub console: Console,
    pub files: Files,
}

impl PageState {
    /// Restores the last visit from `localStorage` (replaying its inputs) or starts fresh.
    pub fn load() -> PageState {
        match storage::load() {
            storage::Loaded::Save(save) => {
                let (session, screens) = journal::replay(&save);
                let state = PageState {
                    bridge: Bridge::restored(session, save.steps.clone()),
                    console: Console::new(save.history.clone()),
                    files: Files::new(save.files.clone(), save.active_file),
                };
                for t in &save.tabs {
                    state.console.add_tab(t.id, &t.title, t.history.clone());
                }
                for (id, text) in &screens {
                    if let Some(tab) = state.console.tab(*id) {
                        tab.scrollback
                            .update(|s| s.push(term::scrollback::LineKind::Output, text));
                    }
                }
                state.console.notice(&format!(
                    "Restored your last session ({} steps replayed on the same cluster).",
                    save.steps.len()
                ));
                state
            }
            storage::Loaded::Nothing => {
                let state = PageState::fresh(bridge::initial_seed());
                state.console.notice(
                    "Welcome to Kubeplay. Type kubectl get nodes below, or press Apply to create the Deployment in the editor.",
                );
                state
            }
            storage::Loaded::Unreadable => {
                storage::clear();
                let state = PageState::fresh(bridge::initial_seed());
                state.console.notice(
                    "Your saved session could not be read, so this is a clean cluster. Sorry about that.",
                );
                state
            }
        }
    }

    pub fn fresh(seed: u64) -> PageState {
        PageState {
            bridge: Bridge::new(seed),
            console: Console::new(Vec::new()),
            files: Files::new(Vec::new(), 0),
        }
    }

    pub fn provide(self) {
        provide_context(self.bridge);
        provide_context(self.console);
        provide_context(self.files);
    }

    pub fn save(&self) {
        storage::store(&Save {
            version: SAVE_VERSION,
            seed: self.bridge.seed(),
            steps: self.bridge.steps(),
            now: self.bridge.clock_untracked(),
            files: self.files.files.get_untracked(),
            active_file: self.files.active.get_untracked(),
            history: self.console.history.with_value(|h| h.entries().to_vec()),
            tabs: self
                .console
                .tabs
                .get_untracked()
                .iter()
                .filter(|t| t.id != kubeplay_core::session::WORKSTATION)
                .map(|t| SavedTab {
                    id: t.id,
                    title: t.title.get_untracked(),
                    history: t.history.with_value(|h| h.entries().to_vec()),
                })
                .collect(),
        });
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = PageState::load();
    state.provide();
    provide_context(Traffic::default());
    let hash = window().location().hash().unwrap_or_default();
    if cfg!(debug_assertions) && hash == "#demo" {
        state.bridge.update_session(demo::stage);
        demo::animate(expect_context::<Traffic>());
    }
    let clock = Clock::default();
    provide_context(clock);

    // Autosave after every command and edit.
    Effect::new(move |_| {
        state.console.submitted.track();
        state.files.files.track();
        state.save();
    });
    let mut ticks = 0u32;
    Interval::new(TICK_MS, move || {
        if clock.playing.get_untracked() {
            let ms = u64::from(TICK_MS) * u64::from(clock.speed.get_untracked()) / 100;
            state.bridge.advance(ms);
            state.console.poll_streams(state.bridge);
        }
        ticks += 1;
        if ticks % SAVE_EVERY_TICKS == 0 {
            state.save();
        }
    })
    .forget();

    view! { <Playground/> }
}

/// The panels, given a `Bridge`, `Console` and `Files` in context (tests stage their own).
#[component]
pub fn Playground() -> impl IntoView {
    let bridge = Bridge::from_context();
    provide_context(Selection(RwSignal::new(None)));
    if use_context::<Traffic>().is_none() {
        provide_context(Traffic::default());
    }
    if use_context::<Clock>().is_none() {
        provide_context(Clock::default());
    }
    let view: Memo<ClusterView> = Memo::new(move |_| bridge.view());
    // Hand each command's requests to the map's traffic layer.
    let traffic = expect_context::<Traffic>();
    Effect::new(move |_| {
        for f in bridge.flights.get() {
            traffic.send(f.hops, f.delivered, Some(f.trace));
        }
    });
    let route = use_route();
    view! {
        <header class="topbar">
            <h1>"Kubeplay"</h1>
            <span class="tagline">"A Kubernetes Services playground — everything runs in your browser"</span>
            <a class="lessons-link" href="#/lessons">"Lessons"</a>
            <ClockControls/>
        </header>
        <main class="playground" class:with-lesson=move || route.get().is_open()>
            <LessonPanel route=route/>
            <div class="col">
                <div class="area-editor"><Editor/></div>
                <div class="area-terminal"><Terminal/></div>
            </div>
            <div class="col">
                <div class="area-map"><ClusterMap view=view/></div>
                <div class="pair">
                    <div class="area-inspector"><Inspector view=view/></div>
                    <div class="area-browser"><Browser view=view/></div>
                </div>
            </div>
        </main>
    }
}
