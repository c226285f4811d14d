//! The terminals: the workstation's plus any opened as tabs (a pod shell in its own tab), each
//! a bounded, selectable output log with its own history and its own half-typed line, behind one
//! input element with bash's habits (history, Tab completion, Ctrl-C, Ctrl-D, Ctrl-L, multi-line
//! paste). A tab is named after what runs in it: the pod while a pod shell is open, else its own
//! name, as a terminal emulator's tab follows the running program. `Console::submit_in`
//! is the one path every command takes, typed or sent by a button; after it, a `vi`/`nano` the
//! command opened is handed to the editor pane.

use kubeplay_core::session::{TerminalId, WORKSTATION};
use kubeplay_core::{CommandOutput, Stream};
use leptos::html;
use leptos::prelude::*;

use crate::bridge::Bridge;
use crate::term::complete::complete;
use crate::term::history::History;
use crate::term::scrollback::{LineKind, Scrollback};

/// One terminal tab: the session's terminal `id`, its output, history and unsent line.
#[derive(Clone, Copy)]
pub struct Tab {
    pub id: TerminalId,
    pub scrollback: RwSignal<Scrollback>,
    pub history: StoredValue<History, LocalStorage>,
    /// What was typed but not sent when the learner switched to another tab.
    draft: StoredValue<String, LocalStorage>,
}

impl Tab {
    fn new(id: TerminalId, history: Vec<String>) -> Tab {
        Tab {
            id,
            scrollback: RwSignal::new(Scrollback::default()),
            history: StoredValue::new_local(History::from_entries(history)),
            draft: StoredValue::new_local(String::new()),
        }
    }

    /// The tab's label (tracked): the pod while a pod shell is open in it, else `workstation`
    /// or `shell N` (N is the session's terminal id, so names never repeat).
    pub fn title(&self, bridge: Bridge) -> String {
        bridge.pod_in(self.id).unwrap_or_else(|| match self.id {
            WORKSTATION => "workstation".to_string(),
            n => format!("shell {n}"),
        })
    }
}

/// A file `vi`/`nano` (or `kubectl edit`) opened in terminal `term`, shown in the editor pane.
#[derive(Clone, Debug, PartialEq)]
pub struct EditHandoff {
    pub term: TerminalId,
    pub path: String,
    pub text: String,
}

/// The terminals' state, shared through context so the editor and inspector can run commands.
#[derive(Clone, Copy)]
pub struct Console {
    /// The workstation terminal's output and history (also `tabs[0]`).
    pub scrollback: RwSignal<Scrollback>,
    pub history: StoredValue<History, LocalStorage>,
    /// Every terminal tab, the workstation first.
    pub tabs: RwSignal<Vec<Tab>>,
    pub active: RwSignal<TerminalId>,
    /// The editor hand-off in progress, if a command opened one.
    pub editing: RwSignal<Option<EditHandoff>>,
    /// Bumped after each command so the autosave runs.
    pub submitted: RwSignal<u64>,
}

impl Console {
    pub fn new(history: Vec<String>) -> Console {
        let ws = Tab::new(WORKSTATION, history);
        Console {
            scrollback: ws.scrollback,
            history: ws.history,
            tabs: RwSignal::new(vec![ws]),
            active: RwSignal::new(WORKSTATION),
            editing: RwSignal::new(None),
            submitted: RwSignal::new(0),
        }
    }

    pub fn from_context() -> Console {
        expect_context::<Console>()
    }

    /// The tab of terminal `id` (untracked).
    pub fn tab(&self, id: TerminalId) -> Option<Tab> {
        self.tabs
            .with_untracked(|t| t.iter().find(|t| t.id == id).copied())
    }

    /// Adds a tab for a terminal the session already has (a restored save).
    pub fn add_tab(&self, id: TerminalId, history: Vec<String>) -> Tab {
        let tab = Tab::new(id, history);
        self.tabs.update(|t| t.push(tab));
        tab
    }

    /// Opens a new terminal tab and shows it; runs `command` in it first if given.
    pub fn open_tab(&self, bridge: Bridge, command: Option<&str>) -> TerminalId {
        let id = bridge.open_terminal();
        self.add_tab(id, Vec::new());
        self.active.set(id);
        if let Some(c) = command {
            self.submit_in(bridge, id, c);
        }
        self.submitted.update(|n| *n += 1);
        id
    }

    /// Closes an opened tab (never the workstation) and shows the workstation.
    pub fn close_tab(&self, bridge: Bridge, id: TerminalId) {
        if id == WORKSTATION {
            return;
        }
        bridge.close_terminal(id);
        self.tabs.update(|t| t.retain(|t| t.id != id));
        if self
            .editing
            .with_untracked(|e| e.as_ref().is_some_and(|e| e.term == id))
        {
            self.editing.set(None);
        }
        self.active.set(WORKSTATION);
        self.submitted.update(|n| *n += 1);
    }

    pub fn notice(&self, text: &str) {
        self.scrollback.update(|s| s.push(LineKind::Notice, text));
    }

    /// Runs `line` in the workstation terminal (and shows it), as the editor's Apply does.
    pub fn submit(&self, bridge: Bridge, line: &str) {
        self.active.set(WORKSTATION);
        self.submit_in(bridge, WORKSTATION, line);
    }

    /// Runs `line` in terminal `term` as if typed: echoes it after the prompt, records it,
    /// shows the output, and hands an editor the command opened to the editor pane.
    pub fn submit_in(&self, bridge: Bridge, term: TerminalId, line: &str) {
        let Some(tab) = self.tab(term) else {
            return;
        };
        let prompt = bridge.prompt_in(term);
        let continuing = prompt == "> ";
        tab.scrollback
            .update(|s| s.push(LineKind::Input, &format!("{prompt}{line}")));
        if !continuing {
            tab.history.update_value(|h| h.push(line));
        }
        let in_pod = !prompt.starts_with("learner@workstation:");
        if !continuing && !in_pod && matches!(line.trim(), "clear" | "reset") {
            tab.scrollback.update(Scrollback::clear);
            return;
        }
        if !continuing && !in_pod && line.trim() == "history" {
            let text: String = tab.history.with_value(|h| {
                h.entries()
                    .iter()
                    .enumerate()
                    .map(|(i, l)| format!("{:>5}  {l}\n", i + 1))
                    .collect()
            });
            tab.scrollback.update(|s| s.push(LineKind::Output, &text));
            return;
        }
        if let Some(out) = bridge.run_in(term, line) {
            self.print(term, &out);
        }
        self.check_editor(bridge, term);
        self.submitted.update(|n| *n += 1);
    }

    /// Shows a command's output in terminal `term`.
    pub fn print(&self, term: TerminalId, out: &CommandOutput) {
        let Some(tab) = self.tab(term) else {
            return;
        };
        tab.scrollback.update(|s| {
            for (stream, text) in &out.chunks {
                let kind = match stream {
                    Stream::Stdout => LineKind::Output,
                    Stream::Stderr => LineKind::Error,
                };
                s.push(kind, text);
            }
        });
    }

    /// Opens the editor pane when the command left `vi`/`nano` open in terminal `term`.
    fn check_editor(&self, bridge: Bridge, term: TerminalId) {
        if let Some((path, text)) = bridge.editing(term) {
            self.editing.set(Some(EditHandoff { term, path, text }));
        }
    }

    /// The editor pane's Save (`Some(text)`) or Cancel (`None`): hands the file back to the
    /// command that opened it and prints what it says.
    pub fn finish_edit(&self, bridge: Bridge, contents: Option<String>) {
        let Some(ed) = self.editing.get_untracked() else {
            return;
        };
        self.editing.set(None);
        if let Some(out) = bridge.finish_edit(ed.term, contents) {
            self.print(ed.term, &out);
        }
        // `kubectl edit` reopens the file, with the reasons in its header, after a bad save.
        self.check_editor(bridge, ed.term);
        self.active.set(ed.term);
        self.submitted.update(|n| *n += 1);
    }

    /// Ctrl-D at an empty line: leaves a pod shell, ends a heredoc.
    pub fn eof(&self, bridge: Bridge, term: TerminalId) {
        let prompt = bridge.prompt_in(term);
        if let Some(tab) = self.tab(term) {
            tab.scrollback.update(|s| s.push(LineKind::Input, &prompt));
        }
        if let Some(out) = bridge.eof(term) {
            self.print(term, &out);
        }
        self.check_editor(bridge, term);
        self.submitted.update(|n| *n += 1);
    }

    /// Ctrl-C: abandons the typed line and any half-typed command, or stops a watch.
    pub fn interrupt(&self, bridge: Bridge, term: TerminalId, typed: &str) {
        let prompt = bridge.prompt_in(term);
        if let Some(tab) = self.tab(term) {
            tab.scrollback
                .update(|s| s.push(LineKind::Input, &format!("{prompt}{typed}^C")));
            tab.history.update_value(History::reset_cursor);
        }
        bridge.interrupt(term);
        self.poll_streams(bridge);
    }

    /// Appends what running watches (`kubectl get -w`) printed to their terminals; the page
    /// calls this after every tick of simulated time.
    pub fn poll_streams(&self, bridge: Bridge) {
        for tab in self.tabs.get_untracked() {
            if let Some(out) = bridge.take_stream(tab.id) {
                self.print(tab.id, &out);
            }
        }
    }

    /// The tab being shown (untracked).
    fn current(&self) -> Option<Tab> {
        self.tab(self.active.get_untracked())
    }
}

fn line_class(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Input => "line input",
        LineKind::Output => "line",
        LineKind::Error => "line stderr",
        LineKind::Notice => "line notice",
    }
}

/// The tab bar: one tab per terminal, a close button on opened ones, and "+" for a new one.
#[component]
fn TabBar() -> impl IntoView {
    let bridge = Bridge::from_context();
    let console = Console::from_context();
    let tabs = move || console.tabs.get();
    view! {
        <div class="term-tabs" role="tablist" aria-label="Terminals">
            <For each=tabs key=|t| t.id let:tab>
                {
                    let id = tab.id;
                    let selected = move || console.active.get() == id;
                    let close = (id != WORKSTATION).then(|| {
                        view! {
                            <button
                                class="tab-close"
                                aria-label=move || format!("Close terminal {}", tab.title(bridge))
                                on:click=move |_| console.close_tab(bridge, id)
                            >"×"</button>
                        }
                    });
                    view! {
                        <span class="term-tab" class:active=selected>
                            <button
                                role="tab"
                                class="tab"
                                aria-selected=move || selected().to_string()
                                on:click=move |_| console.active.set(id)
                            >
                                {move || tab.title(bridge)}
                            </button>
                            {close}
                        </span>
                    }
                }
            </For>
            <button
                class="ghost new-term"
                aria-label="New terminal"
                title="Open another terminal on the same cluster"
                on:click=move |_| {
                    console.open_tab(bridge, None);
                }
            >"+"</button>
        </div>
    }
}

#[component]
pub fn Terminal() -> impl IntoView {
    let bridge = Bridge::from_context();
    let console = Console::from_context();
    let input = RwSignal::new(String::new());
    let log_ref = NodeRef::<html::Div>::new();
    let input_ref = NodeRef::<html::Input>::new();
    let active = console.active;
    let scrollback = move || console.tab(active.get()).map(|t| t.scrollback);

    // Keep the newest output in view.
    Effect::new(move |_| {
        if let Some(sb) = scrollback() {
            sb.track();
        }
        if let Some(log) = log_ref.get() {
            log.set_scroll_top(log.scroll_height());
        }
    });
    let busy = move || bridge.running(active.get());
    // Each tab keeps its own half-typed line: switching parks it and brings back the other's.
    Effect::new(move |shown: Option<TerminalId>| {
        let now = active.get();
        if let Some(before) = shown.filter(|b| *b != now) {
            if let Some(t) = console.tab(before) {
                t.draft.set_value(input.get_untracked());
            }
            let draft = console.tab(now).map(|t| t.draft.get_value());
            input.set(draft.unwrap_or_default());
        }
        now
    });

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| on_key(&ev, bridge, console, input);
    let on_paste = move |ev: leptos::ev::ClipboardEvent| paste(&ev, bridge, console, input);

    let focus_input = move |_| {
        if !has_selection() {
            if let Some(i) = input_ref.get() {
                let _ = i.focus();
            }
        }
    };

    // Keyed by (tab, line id): line ids restart in every tab.
    let lines = move || {
        let tab = active.get();
        scrollback()
            .map(|sb| sb.with(|s| s.lines().map(|l| (tab, l.clone())).collect::<Vec<_>>()))
            .unwrap_or_default()
    };
    let title = move || {
        console
            .tab(active.get())
            .map(|t| t.title(bridge))
            .unwrap_or_default()
    };
    view! {
        <section class="panel terminal" aria-label="Workstation terminal">
            <div class="term-bar">
                <h2 class="panel-title">"Terminal"<span class="where">{move || format!(" — {}", title())}</span></h2>
                <TabBar/>
            </div>
            <div class="terminal-output" role="log" aria-label="Terminal output" aria-live="polite" node_ref=log_ref on:click=focus_input>
                <For
                    each=lines
                    key=|(tab, l)| (*tab, l.id)
                    let:line
                >
                    <div class=line_class(line.1.kind)>{line.1.text}</div>
                </For>
            </div>
            <div class="terminal-input" class:busy=busy>
                <Show when=busy>
                    <span class="busy-note" role="status">"watching… Ctrl-C stops"</span>
                </Show>
                <label class="prompt" for="terminal-input">{move || bridge.prompt_in(active.get())}</label>
                <input
                    id="terminal-input"
                    type="text"
                    aria-label="Terminal"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    node_ref=input_ref
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                    on:keydown=on_keydown
                    on:paste=on_paste
                />
            </div>
            <p class="term-hint">"Ctrl-C interrupts · Ctrl-D leaves a pod shell · Ctrl-L clears · ↑/↓ history · Tab completes"</p>
        </section>
    }
}

/// True while the learner has text selected, so Ctrl-C copies instead of interrupting.
fn has_selection() -> bool {
    window()
        .get_selection()
        .ok()
        .flatten()
        .is_some_and(|s| !s.is_collapsed())
}

/// True when part of the input line itself is selected (the page selection does not see it).
fn input_has_selection(ev: &leptos::ev::KeyboardEvent) -> bool {
    let input = event_target::<leptos::web_sys::HtmlInputElement>(ev);
    let start = input.selection_start().ok().flatten();
    let end = input.selection_end().ok().flatten();
    start.is_some() && start != end
}

/// bash's keys at the input line: Enter, ↑/↓ history, Tab completion, Ctrl-C, Ctrl-D, Ctrl-L.
fn on_key(
    ev: &leptos::ev::KeyboardEvent,
    bridge: Bridge,
    console: Console,
    input: RwSignal<String>,
) {
    let Some(tab) = console.current() else {
        return;
    };
    let key = ev.key();
    let ctrl = ev.ctrl_key() || ev.meta_key();
    match key.as_str() {
        "Enter" => {
            ev.prevent_default();
            let line = input.get_untracked();
            input.set(String::new());
            console.submit_in(bridge, tab.id, &line);
        }
        "ArrowUp" => {
            ev.prevent_default();
            let current = input.get_untracked();
            if let Some(l) = tab.history.try_update_value(|h| h.up(&current)).flatten() {
                input.set(l);
            }
        }
        "ArrowDown" => {
            ev.prevent_default();
            if let Some(l) = tab.history.try_update_value(|h| h.down()).flatten() {
                input.set(l);
            }
        }
        // An empty line lets Tab move focus on, so the terminal never traps the keyboard.
        "Tab" if !ev.shift_key() && !input.get_untracked().is_empty() => {
            ev.prevent_default();
            let line = input.get_untracked();
            let c = complete(&line, &bridge.completion_snapshot());
            match c.apply(&line) {
                Some(next) => input.set(next),
                None if c.candidates.len() > 1 => {
                    let prompt = bridge.prompt_in(tab.id);
                    tab.scrollback.update(|s| {
                        s.push(LineKind::Input, &format!("{prompt}{line}"));
                        s.push(LineKind::Output, &c.candidates.join("  "));
                    });
                }
                None => {}
            }
        }
        "c" if ctrl && !has_selection() && !input_has_selection(ev) => {
            ev.prevent_default();
            console.interrupt(bridge, tab.id, &input.get_untracked());
            input.set(String::new());
        }
        // bash: Ctrl-D on an empty line is end of input; on a typed line it deletes forward.
        "d" if ctrl && input.get_untracked().is_empty() => {
            ev.prevent_default();
            console.eof(bridge, tab.id);
        }
        "l" if ctrl => {
            ev.prevent_default();
            tab.scrollback.update(Scrollback::clear);
        }
        _ => {}
    }
}

/// A paste with newlines runs each complete line, as a terminal does; the tail stays typed.
fn paste(
    ev: &leptos::ev::ClipboardEvent,
    bridge: Bridge,
    console: Console,
    input: RwSignal<String>,
) {
    let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
        return;
    };
    if !text.contains('\n') {
        return;
    }
    ev.prevent_default();
    let combined = format!("{}{}", input.get_untracked(), text.replace("\r\n", "\n"));
    let mut lines: Vec<&str> = combined.split('\n').collect();
    let tail = lines.pop().unwrap_or("").to_string();
    let term = console.active.get_untracked();
    for line in lines {
        console.submit_in(bridge, term, line);
    }
    input.set(tail);
}
