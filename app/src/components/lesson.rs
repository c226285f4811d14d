//! The lesson panel: the list of built-in lessons at `#/lessons`, and one lesson at
//! `#/lessons/<id>` with its step's instructions, progress, "Check my work", hints, the
//! solution (shown, or run in the terminal) and a reset. Progress lives in `localStorage`
//! (`lesson_progress`); the cluster itself comes back from the autosave's journal.
//!
//! One lesson view, two hosts: the page (`LessonPanel`, beside the playground) and the blog
//! widget (`WidgetLesson`, inside a `<kubeplay-playground lesson="…">`). Each mount has its own
//! progress signal, so two widgets never share live state; they differ only in where progress
//! is kept ([`Keep`]), the seed a restart uses, and the page's navigation links.
//!
//! Starting a step writes its files and runs its setup through the bridge and the terminal,
//! like anything the learner does, so a reload replays them with the rest of the session.
//! Moving to a step also takes the request log's mark: that step's `request` checks count only
//! the requests made since (README "Writing lessons").

use kubeplay_core::lesson::{self, CheckResult, Lesson};
use leptos::prelude::*;

use super::lesson_markdown::Markdown;
use std::collections::BTreeMap;

use super::lesson_progress::{self, Keep, LessonProgress, Route, StepMark};
use super::terminal::Console;
use crate::bridge::{initial_seed, Bridge};

/// The current `#…` route, following `hashchange`.
pub fn use_route() -> RwSignal<Route> {
    let route = RwSignal::new(Route::parse(&current_hash()));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        route.set(Route::parse(&current_hash()))
    });
    on_cleanup(move || handle.remove());
    route
}

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// Where a panel's lessons come from.
enum Source {
    /// The built-in lessons, not parsed yet.
    Builtins,
    Parsed(Vec<Lesson>),
}

/// Shared by the panel's parts: the lessons, their progress, and what the host decides.
#[derive(Clone, Copy)]
struct Lessons {
    /// The page parses its built-in lessons on first use, not at start: the page's start need
    /// not pay for parsing every lesson. A widget hands over its one lesson.
    all: StoredValue<Source>,
    progress: RwSignal<BTreeMap<String, LessonProgress>>,
    keep: Keep,
    /// The seed "Restart lesson" starts the fresh cluster from; `None` for a random one.
    restart_seed: Option<u64>,
    /// In a widget: no links to the page's `#/lessons` routes (they would move the host page).
    embedded: bool,
}

impl Lessons {
    fn new(all: Source, keep: Keep, restart_seed: Option<u64>, embedded: bool) -> Lessons {
        let lessons = Lessons {
            all: StoredValue::new(Source::Builtins),
            progress: RwSignal::new(BTreeMap::new()),
            keep,
            restart_seed,
            embedded,
        };
        if let Source::Parsed(all) = all {
            lessons.read(all);
        }
        lessons
    }

    /// Keeps `all` and reads each lesson's saved progress.
    fn read(&self, all: Vec<Lesson>) {
        let progress = all
            .iter()
            .map(|l| (l.id.clone(), lesson_progress::load(self.keep, &l.id)))
            .collect();
        // Nothing has read the empty map yet, so no one needs telling.
        self.progress.update_untracked(|p| *p = progress);
        self.all.set_value(Source::Parsed(all));
    }

    /// Runs `f` on the lessons, parsing the built-in ones the first time.
    fn with_all<R>(&self, f: impl FnOnce(&[Lesson]) -> R) -> R {
        if self.all.with_value(|s| matches!(s, Source::Builtins)) {
            self.read(lesson::builtins());
        }
        self.all.with_value(|s| match s {
            Source::Parsed(all) => f(all),
            Source::Builtins => f(&[]),
        })
    }

    fn get(&self, id: &str) -> Option<Lesson> {
        self.with_all(|all| all.iter().find(|l| l.id == id).cloned())
    }

    fn of(&self, id: &str) -> LessonProgress {
        self.progress
            .with(|p| p.get(id).cloned())
            .unwrap_or_default()
    }

    fn update(&self, id: &str, f: impl FnOnce(&mut LessonProgress)) {
        let mut lp = self
            .progress
            .with_untracked(|p| p.get(id).cloned())
            .unwrap_or_default();
        f(&mut lp);
        lesson_progress::store(self.keep, id, &lp);
        self.progress.update(|p| {
            p.insert(id.to_string(), lp);
        });
    }
}

#[component]
pub fn LessonPanel(route: RwSignal<Route>) -> impl IntoView {
    lesson_progress::migrate();
    let lessons = Lessons::new(Source::Builtins, Keep::Page, None, false);
    let body = move || {
        match route.get() {
        Route::Closed => ().into_any(),
        Route::List => view! { <LessonList lessons=lessons/> }.into_any(),
        Route::Lesson(id) => match lessons.get(&id) {
            Some(l) => view! { <LessonView lesson=l lessons=lessons/> }.into_any(),
            None => view! {
                <p>"There is no lesson called “"{id}"”. "<a href="#/lessons">"See all lessons"</a></p>
            }
            .into_any(),
        },
    }
    };
    view! {
        <Show when=move || route.get().is_open()>
            <aside class="area-lesson panel lesson" aria-label="Lesson">{body}</aside>
        </Show>
    }
}

#[component]
fn LessonList(lessons: Lessons) -> impl IntoView {
    let items = lessons.with_all(<[Lesson]>::to_vec);
    view! {
        <div class="lesson-head">
            <h2 class="panel-title">"Lessons"</h2>
            <a href="#/" class="lesson-close">"Close"</a>
        </div>
        <ol class="lesson-list">
            {items
                .into_iter()
                .map(|l| {
                    let id = l.id.clone();
                    let total = l.steps.len();
                    let done = move || lessons.of(&id).done.len();
                    view! {
                        <li>
                            <a href=format!("#/lessons/{}", l.id)>{l.title}</a>
                            <span class="muted lesson-count">{move || format!(" {}/{total} steps", done())}</span>
                            <p class="muted">{l.summary}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Moves the learner to step `index`: writes its files and runs its setup once per cluster,
/// and takes the request log's mark unless this step already has one on this cluster (a
/// reload, which replays the same cluster).
fn begin(lesson: &Lesson, index: usize, lessons: Lessons, bridge: Bridge, console: Console) {
    let Some(step) = lesson.step(index) else {
        return;
    };
    let progress = lessons
        .progress
        .with_untracked(|p| p.get(&lesson.id).cloned());
    let progress = progress.unwrap_or_default();
    // Begun before, and its files are still there: no setup. ("Reset cluster" in the controls
    // starts a fresh workstation, so a begun step whose files vanished begins again.)
    let home = bridge.completion_snapshot().files;
    let set_up = progress.begun > index && step.files.keys().all(|f| home.contains(f));
    let seed = bridge.seed();
    let marked = progress
        .mark
        .is_some_and(|m| m.step == index && m.seed == seed);
    if set_up && marked {
        return;
    }
    if !set_up {
        for (name, text) in &step.files {
            bridge.write_file(name, text);
        }
        if !step.files.is_empty() {
            let names: Vec<&str> = step.files.keys().map(String::as_str).collect();
            console.notice(&format!(
                "Lesson files in your home directory: {}",
                names.join(", ")
            ));
        }
        for line in step.setup_lines() {
            console.submit(bridge, line);
        }
    }
    let since = bridge.request_mark();
    lessons.update(&lesson.id, |p| {
        p.begun = p.begun.max(index + 1);
        p.mark = Some(StepMark {
            step: index,
            seed,
            since,
        });
    });
}

#[component]
fn LessonView(lesson: Lesson, lessons: Lessons) -> impl IntoView {
    let bridge = Bridge::from_context();
    let console = Console::from_context();
    let lesson = StoredValue::new(lesson);
    let id = StoredValue::new(lesson.with_value(|l| l.id.clone()));
    let total = lesson.with_value(|l| l.steps.len());
    let index = Memo::new(move |_| id.with_value(|id| lessons.of(id).step).min(total - 1));
    let results = RwSignal::new(Vec::<CheckResult>::new());
    let hints = RwSignal::new(0usize);
    let solution = RwSignal::new(false);
    // Opening a lesson (or moving to a step) starts that step in the cluster.
    Effect::new(move |_| {
        let i = index.get();
        results.set(Vec::new());
        hints.set(0);
        solution.set(false);
        // Untracked: running setup reads the terminal's signals, which must not re-run this.
        untrack(|| lesson.with_value(|l| begin(l, i, lessons, bridge, console)));
    });
    let go =
        move |to: usize| id.with_value(|id| lessons.update(id, |p| p.step = to.min(total - 1)));
    let check = move |_| {
        let i = index.get_untracked();
        let since = id.with_value(|id| {
            lessons
                .progress
                .with_untracked(|p| p.get(id).cloned())
                .unwrap_or_default()
        });
        let since = since.since(i, bridge.seed(), bridge.request_mark());
        let r = lesson.with_value(|l| l.step(i).map(|s| bridge.check_lesson_step(s, since)));
        let r = r.unwrap_or_default();
        let passed = r.iter().all(|c| c.passed);
        results.set(r);
        id.with_value(|id| {
            lessons.update(id, |p| {
                if passed {
                    p.done.insert(i);
                } else {
                    p.done.remove(&i);
                }
            })
        });
    };
    let reset = move |_| {
        let sure = window()
                .confirm_with_message("Start this lesson again on a fresh cluster? Everything in the current cluster is lost.")
                .unwrap_or(false);
        if !sure {
            return;
        }
        bridge.reset(lessons.restart_seed.unwrap_or_else(initial_seed));
        console.notice("Lesson restarted on a fresh cluster.");
        console.submitted.update(|n| *n += 1);
        id.with_value(|id| lessons.update(id, |p| *p = LessonProgress::default()));
        results.set(Vec::new());
        lesson.with_value(|l| begin(l, 0, lessons, bridge, console));
    };
    let run_solution = move |_| {
        let lines: Vec<String> = lesson.with_value(|l| {
            l.step(index.get_untracked())
                .map(|s| s.solution_lines().iter().map(|x| x.to_string()).collect())
                .unwrap_or_default()
        });
        for line in &lines {
            console.submit(bridge, line);
        }
    };
    let step = move || lesson.with_value(|l| l.step(index.get()).cloned());
    let step_done = move |i: usize| id.with_value(|id| lessons.of(id).done.contains(&i));
    let title = lesson.with_value(|l| l.title.clone());
    let titles: Vec<String> =
        lesson.with_value(|l| l.steps.iter().map(|s| s.title.clone()).collect());
    view! {
        {(!lessons.embedded).then(|| view! {
            <div class="lesson-head">
                <a href="#/lessons" class="lesson-back">"← All lessons"</a>
                <a href="#/" class="lesson-close">"Close"</a>
            </div>
        })}
        <h2 class="panel-title lesson-title">{title}</h2>
        <StepList titles=titles index=index lessons=lessons id=id/>
        <p class="muted lesson-progress">{move || format!("Step {} of {total}", index.get() + 1)}</p>
        {move || step().map(|s| {
            let hint_list = s.hints.clone();
            let n_hints = hint_list.len();
            let solution_text = s.solution.clone();
            view! {
                <h3 class="lesson-step-title">{s.title.clone()}</h3>
                <div class="lesson-body"><Markdown text=s.instructions.clone()/></div>
                <ul class="lesson-hints">
                    {hint_list.into_iter().enumerate().map(|(i, h)| view! {
                        <Show when=move || { hints.get() > i }>
                            <li><strong>"Hint: "</strong><Markdown text=h.clone()/></li>
                        </Show>
                    }).collect_view()}
                </ul>
                <Show when=move || solution.get()>
                    <pre class="lesson-code lesson-solution" aria-label="Solution"><code>{solution_text.clone()}</code></pre>
                    <button class="secondary" on:click=run_solution>"Run the solution in the terminal"</button>
                </Show>
                <div class="lesson-actions">
                    <button class="primary" on:click=check>"Check my work"</button>
                    <Show when=move || { hints.get() < n_hints }>
                        <button class="secondary" on:click=move |_| hints.update(|h| *h += 1)>
                            {move || format!("Hint ({} of {n_hints})", hints.get() + 1)}
                        </button>
                    </Show>
                    <button class="secondary" on:click=move |_| solution.update(|v| *v = !*v)>
                        {move || if solution.get() { "Hide solution" } else { "Show solution" }}
                    </button>
                </div>
            }
        })}
        <CheckResults results=results/>
        <div class="lesson-nav">
            <button class="secondary" disabled=move || index.get() == 0
                on:click=move |_| go(index.get_untracked().saturating_sub(1))>
                "Previous step"
            </button>
            <button class="secondary" class:primary=move || step_done(index.get())
                disabled=move || { index.get() + 1 >= total }
                on:click=move |_| go(index.get_untracked() + 1)>
                "Next step"
            </button>
            <button class="danger" on:click=reset>"Restart lesson"</button>
        </div>
    }
}

/// A lesson inside a blog widget, on the widget's own fresh cluster. The learner resumes at the
/// step their progress says (kept per lesson per origin, unless `keep` is `Off`): the earlier
/// steps' solutions run first, quietly, so that step starts on the cluster it expects.
#[component]
pub fn WidgetLesson(lesson: Lesson, keep: Keep, seed: u64) -> impl IntoView {
    let bridge = Bridge::from_context();
    let console = Console::from_context();
    let lessons = Lessons::new(Source::Parsed(vec![lesson.clone()]), keep, Some(seed), true);
    let resume = lessons
        .of(&lesson.id)
        .step
        .min(lesson.steps.len().saturating_sub(1));
    if resume > 0 {
        bridge.update_session(|s| {
            lesson::prepare(s, &lesson, resume);
            // Not the learner's requests: the map should not fly them with the next command's.
            s.cluster.net.drain_traces();
        });
        console.notice(&format!(
            "Welcome back: resuming at step {} of {}. The earlier steps' solutions were run on this fresh cluster.",
            resume + 1,
            lesson.steps.len()
        ));
    }
    // This cluster is new: nothing of it is begun or marked yet.
    lessons.update(&lesson.id, |p| {
        p.step = resume;
        p.begun = resume;
        p.mark = None;
    });
    view! {
        <aside class="panel lesson kp-lesson-panel" aria-label="Lesson">
            <LessonView lesson=lesson lessons=lessons/>
        </aside>
    }
}

/// The steps, each a button to go to it, ticked once its checks passed.
#[component]
fn StepList(
    titles: Vec<String>,
    index: Memo<usize>,
    lessons: Lessons,
    id: StoredValue<String>,
) -> impl IntoView {
    let done = move |i: usize| id.with_value(|id| lessons.of(id).done.contains(&i));
    let go = move |i: usize| id.with_value(|id| lessons.update(id, |p| p.step = i));
    view! {
        <ol class="lesson-steps" aria-label="Steps">
            {titles
                .into_iter()
                .enumerate()
                .map(|(i, t)| {
                    view! {
                        <li class:current=move || index.get() == i class:done=move || done(i)>
                            <button class="ghost small" on:click=move |_| go(i)
                                aria-current=move || (index.get() == i).then_some("step")>
                                {move || if done(i) { "✓ " } else { "" }}{t}
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

#[component]
fn CheckResults(results: RwSignal<Vec<CheckResult>>) -> impl IntoView {
    let summary = move || {
        results.with(|r| {
            if r.is_empty() {
                String::new()
            } else if r.iter().all(|c| c.passed) {
                "All checks pass. Well done!".to_string()
            } else {
                let failed = r.iter().filter(|c| !c.passed).count();
                format!("{failed} of {} checks not passing yet.", r.len())
            }
        })
    };
    // Bring a new verdict into view: the results sit below the instructions, out of sight in
    // a short panel (the widget's). Only the panel scrolls, never the host page; the panel is
    // positioned in both hosts, so it is the results' offset parent.
    let box_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if results.with(Vec::is_empty) {
            return;
        }
        let Some(el) = box_ref.get_untracked() else {
            return;
        };
        let Some(panel) = el.closest("aside").ok().flatten() else {
            return;
        };
        let (top, bottom) = (el.offset_top(), el.offset_top() + el.offset_height());
        let seen = panel.scroll_top()..=panel.scroll_top() + panel.client_height();
        if !seen.contains(&top) || !seen.contains(&bottom) {
            panel.set_scroll_top(top - 8);
        }
    });
    view! {
        <div class="lesson-results" role="status" aria-live="polite" aria-label="Check results" node_ref=box_ref>
            <p class="lesson-summary">{summary}</p>
            <ul>
                {move || results.get().into_iter().map(|c| {
                    let class = if c.passed { "pass" } else { "fail" };
                    let mark = if c.passed { "✓ PASS " } else { "✗ FAIL " };
                    view! {
                        <li class=class>
                            <span class="lesson-mark">{mark}</span>{c.check}
                            {(!c.passed).then(|| view! { <div class="lesson-why">{c.message}</div> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}
