//! The manifest editor: file tabs, a textarea laid exactly over a highlighted `<pre>` (so the
//! browser keeps native editing, selection and accessibility), line numbers, a live YAML check that
//! points at line:column, starter templates, and Apply, which writes the file into the
//! workstation's home and runs `kubectl apply -f` through the terminal.
//!
//! When a terminal command opens an editor (`vi FILE`, `nano FILE`, `kubectl edit`), the pane
//! shows that file instead of the tabs, with Save and Cancel handing it back to the command.

use leptos::prelude::*;

use crate::bridge::Bridge;
use crate::components::terminal::Console;
use crate::editor::highlight::{check, highlight_line};
use crate::editor::indent::{newline_with_indent, utf16_to_byte};
use crate::editor::templates::TEMPLATES;
use crate::journal::EditorFile;
use leptos::web_sys::HtmlTextAreaElement;

/// The open files, shared through context so the autosave can read them.
#[derive(Clone, Copy)]
pub struct Files {
    pub files: RwSignal<Vec<EditorFile>>,
    pub active: RwSignal<usize>,
}

impl Files {
    pub fn new(files: Vec<EditorFile>, active: usize) -> Files {
        let files = if files.is_empty() {
            default_files()
        } else {
            files
        };
        let active = active.min(files.len().saturating_sub(1));
        Files {
            files: RwSignal::new(files),
            active: RwSignal::new(active),
        }
    }

    pub fn from_context() -> Files {
        expect_context::<Files>()
    }

    fn current(&self) -> Option<EditorFile> {
        let i = self.active.get();
        self.files.with(|f| f.get(i).cloned())
    }

    /// The open file, read from an event handler (no subscription).
    fn current_untracked(&self) -> Option<EditorFile> {
        let i = self.active.get_untracked();
        self.files.with_untracked(|f| f.get(i).cloned())
    }

    fn set_contents(&self, text: String) {
        let i = self.active.get_untracked();
        self.files.update(|f| {
            if let Some(file) = f.get_mut(i) {
                file.contents = text;
            }
        });
    }

    /// Opens a new tab from a template, naming it uniquely.
    pub fn open_template(&self, index: usize) {
        let Some((_, name, text)) = TEMPLATES.get(index) else {
            return;
        };
        let taken: Vec<String> = self
            .files
            .with_untracked(|f| f.iter().map(|x| x.name.clone()).collect());
        let stem = name.trim_end_matches(".yaml");
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    format!("{stem}.yaml")
                } else {
                    format!("{stem}-{n}.yaml")
                }
            })
            .find(|c| !taken.contains(c))
            .unwrap_or_else(|| name.to_string());
        self.files.update(|f| {
            f.push(EditorFile {
                name,
                contents: text.to_string(),
            })
        });
        self.active.set(self.files.with_untracked(Vec::len) - 1);
    }

    /// Renames the open file; a bad or taken name is refused with the reason.
    pub fn rename_active(&self, name: &str) -> Result<(), String> {
        let name = name.trim();
        let i = self.active.get_untracked();
        let taken = self
            .files
            .with_untracked(|f| f.iter().enumerate().any(|(j, x)| j != i && x.name == name));
        valid_file_name(name, taken)?;
        self.files.update(|f| {
            if let Some(file) = f.get_mut(i) {
                file.name = name.to_string();
            }
        });
        Ok(())
    }

    fn close_active(&self) {
        let i = self.active.get_untracked();
        self.files.update(|f| {
            if f.len() > 1 && i < f.len() {
                f.remove(i);
            }
        });
        let len = self.files.with_untracked(Vec::len);
        self.active.set(i.min(len.saturating_sub(1)));
    }
}

/// A file name the terminal can take as one word: `kubectl apply -f <name>` must just work.
pub fn valid_file_name(name: &str, taken: bool) -> Result<(), String> {
    if name.is_empty() {
        return Err("A file needs a name.".into());
    }
    if name.contains(|c: char| {
        c.is_whitespace() || c == '/' || c == '\\' || c == '$' || c == '\'' || c == '"'
    }) {
        return Err(format!(
            "\"{name}\": use letters, digits, dots, dashes and underscores only."
        ));
    }
    if taken {
        return Err(format!("\"{name}\" is already open."));
    }
    Ok(())
}

pub fn default_files() -> Vec<EditorFile> {
    TEMPLATES
        .first()
        .map(|(_, name, text)| EditorFile {
            name: name.to_string(),
            contents: text.to_string(),
        })
        .into_iter()
        .collect()
}

/// Writes the open file into the workstation's home and applies it from the terminal.
fn apply(files: Files, bridge: Bridge, console: Console) {
    let Some(file) = files.current_untracked() else {
        return;
    };
    bridge.write_file(&file.name, &file.contents);
    console.submit(bridge, &format!("kubectl apply -f {}", file.name));
}

/// Enter keeps the YAML indentation; Ctrl+Enter applies.
fn on_key(ev: &leptos::ev::KeyboardEvent, files: Files, bridge: Bridge, console: Console) {
    if ev.key() != "Enter" || ev.shift_key() || ev.alt_key() {
        return;
    }
    ev.prevent_default();
    if ev.ctrl_key() || ev.meta_key() {
        apply(files, bridge, console);
        return;
    }
    let area = event_target::<HtmlTextAreaElement>(ev);
    let start = area.selection_start().ok().flatten().unwrap_or(0);
    let end = area.selection_end().ok().flatten().unwrap_or(start);
    let mut value = area.value();
    if end > start {
        // Typing over a selection: drop it first, as the browser would.
        let (a, b) = (utf16_to_byte(&value, start), utf16_to_byte(&value, end));
        value.replace_range(a..b, "");
    }
    let (text, caret) = newline_with_indent(&value, start);
    area.set_value(&text);
    let _ = area.set_selection_range(caret, caret);
    files.set_contents(text);
}

/// The coloured copy of `text` under the textarea, line for line.
fn highlighted(text: &str) -> Vec<AnyView> {
    let mut lines: Vec<AnyView> = text
        .split('\n')
        .map(|line| {
            let spans = highlight_line(line)
                .into_iter()
                .map(|(tok, s)| view! { <span class=tok.class()>{s}</span> })
                .collect_view();
            view! { {spans}"\n" }.into_any()
        })
        .collect();
    // A trailing newline in a textarea shows an empty last line; the overlay must too.
    lines.push(view! { " " }.into_any());
    lines
}

/// Line numbers, the one with a syntax error marked.
fn gutter(text: &str, bad: Option<usize>) -> impl IntoView {
    let n = text.split('\n').count();
    (1..=n)
        .map(|i| {
            let class = if Some(i) == bad { "ln bad" } else { "ln" };
            view! { <span class=class>{i}"\n"</span> }
        })
        .collect_view()
}

fn rename(files: Files) {
    let current = files
        .current_untracked()
        .map(|f| f.name)
        .unwrap_or_default();
    let Ok(Some(name)) = window().prompt_with_message_and_default("New file name", &current) else {
        return;
    };
    if let Err(why) = files.rename_active(&name) {
        let _ = window().alert_with_message(&why);
    }
}

/// Tabs of the open files, the template menu, rename and close.
#[component]
fn FileBar() -> impl IntoView {
    let files = Files::from_context();
    let tabs = move || {
        files
            .files
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let selected = move || files.active.get() == i;
                view! {
                    <button
                        role="tab"
                        class="tab"
                        class:active=selected
                        aria-selected=move || selected().to_string()
                        on:click=move |_| files.active.set(i)
                    >
                        {f.name}
                    </button>
                }
            })
            .collect_view()
    };
    let on_template = move |ev: leptos::ev::Event| {
        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
            files.open_template(i);
        }
        event_target::<leptos::web_sys::HtmlSelectElement>(&ev).set_value("");
    };
    view! {
        <div class="editor-bar">
            <h2 class="panel-title">"Manifests"</h2>
            <div class="tabs" role="tablist" aria-label="Open files">{tabs}</div>
            <select class="new-file" aria-label="New file from template" on:change=on_template>
                <option value="" selected>"+ New from template…"</option>
                {TEMPLATES
                    .iter()
                    .enumerate()
                    .map(|(i, (label, _, _))| view! { <option value=i.to_string()>{*label}</option> })
                    .collect_view()}
            </select>
            <button class="ghost small" title="Rename this file" on:click=move |_| rename(files)>
                "Rename"
            </button>
            <button class="ghost" title="Close this file" aria-label="Close file" on:click=move |_| files.close_active()>
                "×"
            </button>
        </div>
    }
}

/// The bar shown while a terminal command has the editor: which file, Save and Cancel.
#[component]
fn HandoffBar() -> impl IntoView {
    let console = Console::from_context();
    let bridge = Bridge::from_context();
    let label = move || {
        console.editing.with(|e| {
            e.as_ref()
                .map(|e| {
                    let tab = console
                        .tab(e.term)
                        .map(|t| untrack(|| t.title(bridge)))
                        .unwrap_or_default();
                    format!("Editing {} for the {tab} terminal", e.path)
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="editor-bar handoff" role="status">
            <h2 class="panel-title">{label}</h2>
        </div>
    }
}

#[component]
pub fn Editor() -> impl IntoView {
    let bridge = Bridge::from_context();
    let console = Console::from_context();
    let files = Files::from_context();
    let handoff = move || console.editing.with(Option::is_some);
    let text = move || match console.editing.with(|e| e.as_ref().map(|e| e.text.clone())) {
        Some(t) => t,
        None => files.current().map(|f| f.contents).unwrap_or_default(),
    };
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if console.editing.with_untracked(Option::is_some) {
            console.editing.update(|e| {
                if let Some(e) = e {
                    e.text = value;
                }
            });
        } else {
            files.set_contents(value);
        }
    };
    let save = move |_| {
        let text = console
            .editing
            .with_untracked(|e| e.as_ref().map(|e| e.text.clone()));
        console.finish_edit(bridge, text);
    };
    let error = Memo::new(move |_| check(&text()));
    let status = move || match error.get() {
        Some(e) => view! {
            <span class="status bad" role="status">
                {format!("Line {}, column {}: {}", e.line, e.column, e.message)}
            </span>
        }
        .into_any(),
        None => view! { <span class="status ok" role="status">"YAML OK"</span> }.into_any(),
    };
    let foot = move || {
        if handoff() {
            view! {
                <span class="hint">"Save hands the file back to the terminal"</span>
                <button class="secondary" on:click=move |_| console.finish_edit(bridge, None)>"Cancel"</button>
                <button class="primary" on:click=save>"Save"</button>
            }
            .into_any()
        } else {
            view! {
                <span class="hint">"Ctrl+Enter applies"</span>
                <button class="primary" on:click=move |_| apply(files, bridge, console)>"Apply"</button>
            }
            .into_any()
        }
    };
    view! {
        <section class="panel editor" class:handoff=handoff aria-label="Manifest editor panel">
            <Show when=handoff fallback=|| view! { <FileBar/> }>
                <HandoffBar/>
            </Show>
            <div class="code-scroll">
                <pre class="gutter" aria-hidden="true">{move || gutter(&text(), error.get().map(|e| e.line))}</pre>
                <div class="code">
                    <pre class="highlight" aria-hidden="true">{move || highlighted(&text())}</pre>
                    <textarea
                        aria-label="Manifest editor"
                        spellcheck="false"
                        autocapitalize="off"
                        autocomplete="off"
                        wrap="off"
                        prop:value=text
                        on:input=on_input
                        on:keydown=move |ev| {
                            if console.editing.with_untracked(Option::is_none) {
                                on_key(&ev, files, bridge, console)
                            }
                        }
                    ></textarea>
                </div>
            </div>
            <div class="editor-foot">
                {status}
                {foot}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::valid_file_name;

    #[test]
    fn file_names_are_one_shell_word() {
        assert_eq!(valid_file_name("web-svc.yaml", false), Ok(()));
        assert!(valid_file_name("", false).is_err());
        assert!(valid_file_name("my file.yaml", false).is_err());
        assert!(valid_file_name("../x.yaml", false).is_err());
        assert!(valid_file_name("web.yaml", true).is_err());
    }
}
