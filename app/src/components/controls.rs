//! Simulated-time controls: play/pause, speed, the simulated clock, and Reset cluster.

use leptos::prelude::*;

use crate::bridge::{initial_seed, Bridge};
use crate::components::inspector::Selection;
use crate::components::terminal::Console;

/// Speeds offered, in hundredths (25 = 0.25×).
pub const SPEEDS: &[u32] = &[25, 50, 100, 200, 500, 1000];

/// Whether time flows and how fast; read by the page's ticker.
#[derive(Clone, Copy)]
pub struct Clock {
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<u32>,
}

impl Default for Clock {
    fn default() -> Clock {
        Clock {
            playing: RwSignal::new(true),
            speed: RwSignal::new(100),
        }
    }
}

fn speed_label(hundredths: u32) -> String {
    let whole = hundredths / 100;
    match hundredths % 100 {
        0 => format!("{whole}×"),
        frac if frac % 10 == 0 => format!("{whole}.{}×", frac / 10),
        frac => format!("{whole}.{frac:02}×"),
    }
}

/// `1h02m05s`-style simulated time since the cluster was created.
pub fn clock_text(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}h{m:02}m{sec:02}s")
    } else {
        format!("{m}m{sec:02}s")
    }
}

#[component]
pub fn ClockControls() -> impl IntoView {
    let bridge = Bridge::from_context();
    let console = Console::from_context();
    let clock = expect_context::<Clock>();
    let Selection(selected) = expect_context::<Selection>();
    let reset = move |_| {
        let sure = window()
            .confirm_with_message(
                "Reset the cluster? Everything you created in it goes; your files stay.",
            )
            .unwrap_or(false);
        if !sure {
            return;
        }
        bridge.reset(initial_seed());
        selected.set(None);
        console.notice(
            "Cluster reset: a fresh cluster with no objects of yours. Your files are kept.",
        );
        console.submitted.update(|n| *n += 1);
    };
    view! {
        <div class="controls" role="group" aria-label="Simulated time">
            <button
                class="secondary"
                aria-pressed=move || (!clock.playing.get()).to_string()
                on:click=move |_| clock.playing.update(|p| *p = !*p)
            >
                {move || if clock.playing.get() { "Pause" } else { "Play" }}
            </button>
            <label>
                "Speed "
                <select on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                        clock.speed.set(v)
                    }
                }>
                    {SPEEDS
                        .iter()
                        .map(|&s| view! { <option value=s.to_string() selected=s == 100>{speed_label(s)}</option> })
                        .collect_view()}
                </select>
            </label>
            <span class="sim-time" aria-label="Simulated time since the cluster started">
                {move || format!("t = {}", clock_text(bridge.clock()))}
            </span>
            <button class="danger" on:click=reset>"Reset cluster"</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_speeds_and_time() {
        let labels: Vec<String> = SPEEDS.iter().map(|&s| speed_label(s)).collect();
        assert_eq!(labels, ["0.25×", "0.5×", "1×", "2×", "5×", "10×"]);
        assert_eq!(clock_text(65_000), "1m05s");
        assert_eq!(clock_text(3_725_000), "1h02m05s");
    }
}
