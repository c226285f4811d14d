//! The workstation terminal: an output log and a one-line input.

use leptos::prelude::*;

use crate::bridge::Bridge;

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    prompt: String,
    command: String,
    output: String,
}

#[component]
pub fn Terminal() -> impl IntoView {
    let bridge = Bridge::from_context();
    let entries = RwSignal::new(Vec::<Entry>::new());
    let input = RwSignal::new(String::new());
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Enter" {
            return;
        }
        ev.prevent_default();
        let line = input.get_untracked();
        let prompt = bridge.prompt();
        let output = bridge.run(&line);
        entries.update(|e| {
            e.push(Entry {
                prompt,
                command: line,
                output,
            })
        });
        input.set(String::new());
    };
    view! {
        <section class="terminal" aria-label="Workstation terminal">
            <div class="terminal-output" role="log" aria-label="Terminal output" aria-live="polite">
                <For each=move || entries.get().into_iter().enumerate() key=|(i, _)| *i let:item>
                    <div class="entry">
                        <span class="prompt">{item.1.prompt.clone()}</span>
                        <span class="command">{item.1.command.clone()}</span>
                        <pre class="output">{item.1.output.clone()}</pre>
                    </div>
                </For>
            </div>
            <div class="terminal-input">
                <label class="prompt" for="terminal-input">{bridge.prompt()}</label>
                <input
                    id="terminal-input"
                    type="text"
                    aria-label="Terminal"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                    on:keydown=on_keydown
                />
            </div>
        </section>
    }
}
