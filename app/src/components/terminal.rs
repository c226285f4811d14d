//! The workstation terminal: a bounded, selectable output log and a one-line input with bash's
//! habits (history, Tab completion, Ctrl-C, Ctrl-L, multi-line paste). `Console::submit` is the
//! one path every command takes, typed or sent by the editor's Apply button.

use kubeplay_core::Stream;
use leptos::html;
use leptos::prelude::*;

use crate::bridge::Bridge;
use crate::term::complete::complete;
use crate::term::history::History;
use crate::term::scrollback::{LineKind, Scrollback};

/// The terminal's state, shared through context so the editor can run commands in it.
#[derive(Clone, Copy)]
pub struct Console {
    pub scrollback: RwSignal<Scrollback>,
    pub history: StoredValue<History, LocalStorage>,
    /// Bumped after each command so the autosave runs.
    pub submitted: RwSignal<u64>,
}

impl Console {
    pub fn new(history: Vec<String>) -> Console {
        Console {
            scrollback: RwSignal::new(Scrollback::default()),
            history: StoredValue::new_local(History::from_entries(history)),
            submitted: RwSignal::new(0),
        }
    }

    pub fn from_context() -> Console {
        expect_context::<Console>()
    }

    pub fn notice(&self, text: &str) {
        self.scrollback.update(|s| s.push(LineKind::Notice, text));
    }

    /// Runs `line` as if typed: echoes it after the prompt, records it, shows the output.
    pub fn submit(&self, bridge: Bridge, line: &str) {
        let prompt = bridge.prompt();
        let continuing = prompt == "> ";
        self.scrollback
            .update(|s| s.push(LineKind::Input, &format!("{prompt}{line}")));
        if !continuing {
            self.history.update_value(|h| h.push(line));
        }
        if !continuing && matches!(line.trim(), "clear" | "reset") {
            self.scrollback.update(Scrollback::clear);
            return;
        }
        if !continuing && line.trim() == "history" {
            let text: String = self.history.with_value(|h| {
                h.entries()
                    .iter()
                    .enumerate()
                    .map(|(i, l)| format!("{:>5}  {l}\n", i + 1))
                    .collect()
            });
            self.scrollback.update(|s| s.push(LineKind::Output, &text));
            return;
        }
        if let Some(out) = bridge.run(line) {
            self.scrollback.update(|s| {
                for (stream, text) in &out.chunks {
                    let kind = match stream {
                        Stream::Stdout => LineKind::Output,
                        Stream::Stderr => LineKind::Error,
                    };
                    s.push(kind, text);
                }
            });
        }
        self.submitted.update(|n| *n += 1);
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

#[component]
pub fn Terminal() -> impl IntoView {
    let bridge = Bridge::from_context();
    let console = Console::from_context();
    let input = RwSignal::new(String::new());
    let log_ref = NodeRef::<html::Div>::new();
    let input_ref = NodeRef::<html::Input>::new();

    // Keep the newest output in view.
    Effect::new(move |_| {
        console.scrollback.track();
        if let Some(log) = log_ref.get() {
            log.set_scroll_top(log.scroll_height());
        }
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

    let lines = move || {
        console
            .scrollback
            .with(|s| s.lines().cloned().collect::<Vec<_>>())
    };
    view! {
        <section class="panel terminal" aria-label="Workstation terminal">
            <h2 class="panel-title">"Terminal"<span class="where">" — workstation"</span></h2>
            <div class="terminal-output" role="log" aria-label="Terminal output" aria-live="polite" node_ref=log_ref on:click=focus_input>
                <For
                    each=lines
                    key=|l| l.id
                    let:line
                >
                    <div class=line_class(line.kind)>{line.text}</div>
                </For>
            </div>
            <div class="terminal-input">
                <label class="prompt" for="terminal-input">{move || bridge.prompt()}</label>
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

/// bash's keys at the input line: Enter, ↑/↓ history, Tab completion, Ctrl-C, Ctrl-L.
fn on_key(
    ev: &leptos::ev::KeyboardEvent,
    bridge: Bridge,
    console: Console,
    input: RwSignal<String>,
) {
    let key = ev.key();
    let ctrl = ev.ctrl_key() || ev.meta_key();
    match key.as_str() {
        "Enter" => {
            ev.prevent_default();
            let line = input.get_untracked();
            input.set(String::new());
            console.submit(bridge, &line);
        }
        "ArrowUp" => {
            ev.prevent_default();
            let current = input.get_untracked();
            if let Some(l) = console
                .history
                .try_update_value(|h| h.up(&current))
                .flatten()
            {
                input.set(l);
            }
        }
        "ArrowDown" => {
            ev.prevent_default();
            if let Some(l) = console.history.try_update_value(|h| h.down()).flatten() {
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
                    let prompt = bridge.prompt();
                    console.scrollback.update(|s| {
                        s.push(LineKind::Input, &format!("{prompt}{line}"));
                        s.push(LineKind::Output, &c.candidates.join("  "));
                    });
                }
                None => {}
            }
        }
        "c" if ctrl && !has_selection() && !input_has_selection(ev) => {
            ev.prevent_default();
            let line = input.get_untracked();
            let prompt = bridge.prompt();
            console
                .scrollback
                .update(|s| s.push(LineKind::Input, &format!("{prompt}{line}^C")));
            console.history.update_value(History::reset_cursor);
            bridge.interrupt();
            input.set(String::new());
        }
        "l" if ctrl => {
            ev.prevent_default();
            console.scrollback.update(Scrollback::clear);
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
    for line in lines {
        console.submit(bridge, line);
    }
    input.set(tail);
}
