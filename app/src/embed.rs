//! The blog widget's Rust half: a compact playground (terminal and map, the editor on request,
//! the page's lesson panel with `lesson="<id>"`) mounted into an element that
//! `kubeplay-embed.js` made inside a shadow root. Each mount owns its
//! own `Session`, reactive owner and clock, so several widgets on one page never share state;
//! all of them run in the one wasm instance the page loaded. The configuration comes from the
//! host page's attributes and inline content as JSON, and is untrusted text like everything
//! else: it is capped, checked, and reaches the page only as text through the core.

use std::any::Any;

use leptos::prelude::*;
use serde::Deserialize;

use crate::bridge::Bridge;
use crate::components::cluster_map::ClusterMap;
use crate::components::controls::{Clock, ClockControls};
use crate::components::editor::{valid_file_name, Editor, Files};
use crate::components::lesson::WidgetLesson;
use crate::components::lesson_progress::Keep;
use crate::components::terminal::{Console, Terminal};
use crate::components::traffic::Traffic;
use crate::journal::EditorFile;
use crate::{provide_panels, run_clock, PageState};

/// Widgets start from a fixed seed, so an article's text matches what its readers see.
pub const DEFAULT_SEED: u64 = 1;
/// Caps on what a host page can preload into one widget.
pub const MAX_FILES: usize = 16;
pub const MAX_FILE_BYTES: usize = 256 * 1024;
pub const MAX_COMMANDS: usize = 100;
pub const MAX_COMMAND_BYTES: usize = 4 * 1024;
/// Each preloaded command runs one simulated second after the last, as in the CLI.
const COMMAND_GAP_MS: u64 = 1000;

/// What `kubeplay-embed.js` reads from the element, as it sends it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawConfig {
    seed: Option<String>,
    files: Vec<EditorFile>,
    commands: Vec<String>,
    lesson: Option<String>,
    progress: Option<String>,
    editor: bool,
}

/// A checked widget configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedConfig {
    pub seed: u64,
    pub files: Vec<EditorFile>,
    pub commands: Vec<String>,
    pub lesson: Option<String>,
    /// `progress="off"`: the lesson's progress is neither read nor kept.
    pub keep_progress: bool,
    pub editor: bool,
}

impl EmbedConfig {
    /// Parses the element's configuration; anything wrong is dropped and explained in the
    /// returned notices (shown in the widget's terminal) instead of failing the widget.
    pub fn parse(json: &str) -> (EmbedConfig, Vec<String>) {
        let mut notices = Vec::new();
        let raw: RawConfig = kubeplay_core::walk::from_json(json).unwrap_or_else(|e| {
            notices.push(format!(
                "The playground's settings could not be read ({e})."
            ));
            RawConfig::default()
        });
        let seed = match raw.seed.as_deref().map(str::trim) {
            None | Some("") => DEFAULT_SEED,
            Some(s) => s.parse::<u64>().unwrap_or_else(|_| {
                notices.push(format!(
                    "seed=\"{}\" is not a whole number from 0 to 18446744073709551615; using {DEFAULT_SEED}.",
                    clip(s)
                ));
                DEFAULT_SEED
            }),
        };
        let mut files: Vec<EditorFile> = Vec::new();
        for f in raw.files.into_iter().take(MAX_FILES) {
            let taken = files.iter().any(|g| g.name == f.name);
            if let Err(why) = valid_file_name(&f.name, taken) {
                notices.push(format!("A preloaded file was skipped: {why}"));
            } else if f.contents.len() > MAX_FILE_BYTES {
                notices.push(format!(
                    "{} was skipped: it is over {} KiB.",
                    f.name,
                    MAX_FILE_BYTES / 1024
                ));
            } else {
                files.push(f);
            }
        }
        let mut commands = Vec::new();
        for c in raw.commands.into_iter().take(MAX_COMMANDS) {
            if c.len() > MAX_COMMAND_BYTES {
                notices.push(format!(
                    "A preloaded command over {} KiB was skipped.",
                    MAX_COMMAND_BYTES / 1024
                ));
            } else if !c.trim().is_empty() {
                commands.push(c);
            }
        }
        let config = EmbedConfig {
            seed,
            files,
            commands,
            lesson: raw.lesson.filter(|l| !l.trim().is_empty()),
            keep_progress: !raw
                .progress
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("off")),
            editor: raw.editor,
        };
        (config, notices)
    }
}

/// Attribute values can be anything; notices quote only the start.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Mounts a widget into `target`; dropping the returned value unmounts it and stops its clock.
pub fn mount(target: web_sys::HtmlElement, config_json: &str) -> Box<dyn Any> {
    let (config, notices) = EmbedConfig::parse(config_json);
    let handle = leptos::mount::mount_to(target, move || widget(config, notices));
    Box::new(handle)
}

/// Builds the widget's state: its own cluster, the preloaded files written into its home, the
/// preloaded commands run as if typed.
fn widget(config: EmbedConfig, notices: Vec<String>) -> impl IntoView {
    let state = PageState {
        bridge: Bridge::new(config.seed),
        console: Console::new(Vec::new()),
        files: Files::new(config.files.clone(), 0),
    };
    state.provide();
    provide_context(Traffic::default());
    let clock = Clock::default();
    provide_context(clock);
    for f in &config.files {
        state.bridge.write_file(&f.name, &f.contents);
    }
    for n in &notices {
        state.console.notice(n);
    }
    let lesson = config
        .lesson
        .as_deref()
        .and_then(|id| find_lesson(&state, id));
    for c in &config.commands {
        state.bridge.advance(COMMAND_GAP_MS);
        state.console.submit(state.bridge, c);
    }
    let ticker = run_clock(state.bridge, clock, state.console, None);
    // Owned by the mount: unmounting drops it, which stops the clock.
    let _ticker = StoredValue::new_local(Some(ticker));
    let keep = if config.keep_progress {
        Keep::Widget
    } else {
        Keep::Off
    };
    let lesson =
        lesson.map(|l| view! { <WidgetLesson lesson=l keep=keep seed=config.seed/> }.into_any());
    view! { <Compact editor=config.editor lesson=lesson/> }
}

/// `lesson="<id>"`: the built-in lesson, or a notice naming the ones there are.
fn find_lesson(state: &PageState, id: &str) -> Option<kubeplay_core::lesson::Lesson> {
    let found = kubeplay_core::lesson::builtin(id);
    if found.is_none() {
        let known: Vec<String> = kubeplay_core::lesson::builtins()
            .into_iter()
            .map(|l| l.id)
            .collect();
        state.console.notice(&format!(
            "Lesson \"{}\" is not a built-in lesson (there are: {}).",
            clip(id),
            known.join(", ")
        ));
    }
    found
}

/// Terminal and map side by side (stacked when narrow), the editor above the terminal if asked;
/// with a lesson, its panel on the left and the terminal over the map on the right.
#[component]
pub fn Compact(editor: bool, lesson: Option<AnyView>) -> impl IntoView {
    let view = provide_panels();
    let with_lesson = lesson.is_some();
    view! {
        <div class="kp-embed" class:with-editor=editor class:with-lesson=with_lesson>
            <div class="kp-bar">
                <span class="kp-title">"Kubeplay"</span>
                <ClockControls/>
            </div>
            <div class="kp-panels">
                {lesson.map(|l| view! { <div class="kp-lesson">{l}</div> })}
                <div class="kp-left">
                    {editor.then(|| view! { <div class="kp-editor"><Editor/></div> })}
                    <div class="kp-term"><Terminal/></div>
                </div>
                <div class="kp-map"><ClusterMap view=view/></div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_config_is_read() {
        let (c, notices) = EmbedConfig::parse(
            r#"{"seed":"42","files":[{"name":"web.yaml","contents":"kind: Namespace\n"}],
                "commands":["kubectl get nodes","  "],"lesson":"bluegreen","editor":true}"#,
        );
        assert_eq!(notices, Vec::<String>::new());
        assert_eq!(c.seed, 42);
        assert_eq!(c.files.len(), 1);
        assert_eq!(c.commands, vec!["kubectl get nodes".to_string()]);
        assert_eq!(c.lesson.as_deref(), Some("bluegreen"));
        assert!(c.keep_progress);
        assert!(c.editor);
        for (value, keep) in [("off", false), (" OFF ", false), ("on", true), ("", true)] {
            let (c, _) = EmbedConfig::parse(&format!(r#"{{"progress":"{value}"}}"#));
            assert_eq!(c.keep_progress, keep, "{value:?}");
        }
    }

    #[test]
    fn bad_settings_fall_back_with_a_notice() {
        let cases = [
            ("not json", "<img src=x onerror=alert(1)>", 1),
            ("bad seed", r#"{"seed":"<svg onload=alert(1)>"}"#, 1),
            ("negative seed", r#"{"seed":"-1"}"#, 1),
            (
                "bad file name",
                r#"{"files":[{"name":"a b.yaml","contents":""}]}"#,
                1,
            ),
            (
                "duplicate file",
                r#"{"files":[{"name":"a.yaml","contents":""},{"name":"a.yaml","contents":""}]}"#,
                1,
            ),
            ("empty", "{}", 0),
        ];
        for (what, json, n) in cases {
            let (c, notices) = EmbedConfig::parse(json);
            assert_eq!(notices.len(), n, "{what}: {notices:?}");
            if what != "bad file name" && what != "duplicate file" {
                assert_eq!(c.seed, DEFAULT_SEED, "{what}");
            }
        }
        let big = format!(
            r#"{{"commands":["{}"],"files":[{{"name":"big.yaml","contents":"{}"}}]}}"#,
            "x".repeat(MAX_COMMAND_BYTES + 1),
            "y".repeat(MAX_FILE_BYTES + 1)
        );
        let (c, notices) = EmbedConfig::parse(&big);
        assert!(c.commands.is_empty() && c.files.is_empty());
        assert_eq!(notices.len(), 2);
    }

    #[test]
    fn notices_quote_only_the_start_of_long_values() {
        assert_eq!(clip("short"), "short");
        assert_eq!(clip(&"a".repeat(50)).chars().count(), 41);
    }
}
