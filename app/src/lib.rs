//! The Kubeplay playground page. `bridge` is the only module that touches the core `Session`;
//! components read plain-data views from it and send it command lines. Logic that needs no DOM
//! lives in `term`, `editor`, `map` and `journal`, where native unit tests reach it.

pub mod bridge;
pub mod components;
pub mod demo;
pub mod editor;
pub mod embed;
pub mod journal;
pub mod map;
pub mod share;
pub mod share_stream;
pub mod share_ui;
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
use share::Shared;
use share_ui::ShareButton;

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
                let n = save.steps.len();
                PageState::restore(
                    &save,
                    &format!(
                        "Restored your last session ({n} steps replayed on the same cluster)."
                    ),
                )
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

    /// The page as `opening` says: the autosave, a share link replayed, or a clean cluster and
    /// the reason a link was refused.
    pub fn open(opening: Opening) -> PageState {
        match opening {
            Opening::Autosave => PageState::load(),
            Opening::Shared(shared) => {
                let n = shared.steps.len();
                PageState::restore(
                    &shared.into_save(),
                    &format!("Opened a shared playground ({n} steps replayed on the same cluster). It replaces your previous session in this browser."),
                )
            }
            Opening::BadLink(why) => {
                let state = PageState::fresh(bridge::initial_seed());
                state.console.notice(&why);
                state
            }
        }
    }

    /// Replays `save` on a fresh session and shows what it printed, then `notice`.
    fn restore(save: &Save, notice: &str) -> PageState {
        let (session, screens) = journal::replay(save);
        let state = PageState {
            bridge: Bridge::restored(session, save.steps.clone()),
            console: Console::new(save.history.clone()),
            files: Files::new(save.files.clone(), save.active_file),
        };
        for t in &save.tabs {
            state.console.add_tab(t.id, t.history.clone());
        }
        for (id, text) in &screens {
            if let Some(tab) = state.console.tab(*id) {
                tab.scrollback
                    .update(|s| s.push(term::scrollback::LineKind::Output, text));
            }
        }
        state.console.notice(notice);
        state
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
        provide_context(self);
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
                    title: untrack(|| t.title(self.bridge)),
                    history: t.history.with_value(|h| h.entries().to_vec()),
                })
                .collect(),
        });
    }
}

/// Where the page's first state comes from.
pub enum Opening {
    Autosave,
    Shared(Box<Shared>),
    /// A share link that could not be opened, with the message saying why.
    BadLink(String),
}

/// Mounts the full page. A share link in the fragment is inflated first (the browser's
/// decompression is asynchronous), then forgotten from the address bar. One mount call for
/// both cases: each `mount_to_body` instantiates the page's whole render path in the wasm.
pub fn start_page() {
    let hash = window().location().hash().unwrap_or_default();
    wasm_bindgen_futures::spawn_local(async move {
        let opening = match share_ui::open(&hash).await {
            Some(Ok(shared)) => Opening::Shared(Box::new(shared)),
            Some(Err(e)) => Opening::BadLink(e.message()),
            None => Opening::Autosave,
        };
        if !matches!(opening, Opening::Autosave) {
            share_ui::forget_link();
        }
        leptos::mount::mount_to_body(move || page(opening));
    });
}

/// The whole page, from the autosave.
#[component]
pub fn App() -> impl IntoView {
    page(Opening::Autosave)
}

/// The whole page, from `opening`.
pub fn page(opening: Opening) -> impl IntoView {
    let state = PageState::open(opening);
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
    run_clock(state.bridge, clock, state.console, Some(state)).forget();

    view! { <Playground/> }
}

/// Moves simulated time with wall time while `clock` plays, streaming what running commands
/// (`kubectl get -w`) print into `console`'s tabs and autosaving `save` now and then.
pub fn run_clock(
    bridge: Bridge,
    clock: Clock,
    console: Console,
    save: Option<PageState>,
) -> Interval {
    let mut ticks = 0u32;
    Interval::new(TICK_MS, move || {
        if clock.playing.get_untracked() {
            let ms = u64::from(TICK_MS) * u64::from(clock.speed.get_untracked()) / 100;
            bridge.advance(ms);
            console.poll_streams(bridge);
        }
        ticks += 1;
        if ticks % SAVE_EVERY_TICKS == 0 {
            if let Some(state) = save {
                state.save();
            }
        }
    })
}

/// What every panel shares, given a `Bridge` in context: the map's selection, the traffic layer,
/// the clock, and the cluster view re-read on every change. The page and the embed use it.
pub fn provide_panels() -> Memo<ClusterView> {
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
    view
}

/// The panels, given a `Bridge`, `Console` and `Files` in context (tests stage their own).
#[component]
pub fn Playground() -> impl IntoView {
    let view = provide_panels();
    let route = use_route();
    view! {
        <header class="topbar">
            <h1>"Kubeplay"</h1>
            <span class="tagline">"A Kubernetes Services playground — everything runs in your browser"</span>
            <a class="lessons-link" href="#/lessons">"Lessons"</a>
            <ClockControls/>
            <ShareButton/>
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
