//! The traffic animation layer of the map: each request is a dot travelling along its hops.
//! Callers speak in `Place`s (workstation → load balancer → Service → pod); the layer positions
//! them on the current layout. Turning the core's request traces into places happens where the
//! traces are drained, so this stays a plain seam.

use leptos::prelude::*;

use crate::components::inspector::{Selected, Selection};
use crate::map::layout::{MapLayout, Place};

/// One request on its way across the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// Unique per request, so a repeated path animates again.
    pub id: u64,
    pub hops: Vec<Place>,
    /// False when the request was dropped or refused (a NetworkPolicy, no endpoints).
    pub delivered: bool,
    /// The bridge's trace id, so a click opens the request's explanation.
    pub trace: Option<u64>,
    /// When it leaves the map (`performance.now()` ms).
    pub until: f64,
}

/// Requests the map is animating, shared through context.
#[derive(Clone, Copy)]
pub struct Traffic {
    pub requests: RwSignal<Vec<Request>>,
    next_id: StoredValue<u64>,
}

impl Default for Traffic {
    fn default() -> Traffic {
        Traffic {
            requests: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        }
    }
}

/// How many requests animate at once; older ones are dropped. A loop of curls sends many at
/// once, and the page must stay smooth with 200 in flight (BENCHMARKS.md).
pub const MAX_REQUESTS: usize = 200;
/// Wall time a dot spends on each hop.
const HOP_MS: u32 = 600;

impl Traffic {
    /// Animates a request along `hops`; it leaves the map when it arrives.
    pub fn send(&self, hops: Vec<Place>, delivered: bool, trace: Option<u64>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let duration = HOP_MS * hops.len() as u32 + 400;
        let until = now_ms() + f64::from(duration);
        self.requests.update(|r| {
            r.push(Request {
                id,
                hops,
                delivered,
                trace,
                until,
            });
            let excess = r.len().saturating_sub(MAX_REQUESTS);
            r.drain(..excess);
        });
        let requests = self.requests;
        // A loop of curls sends hundreds at once; the first timer to fire removes every
        // request that has arrived, so the layer redraws once rather than once per request.
        gloo_timers::callback::Timeout::new(duration, move || {
            let t = now_ms();
            let due = requests
                .try_with_untracked(|r| r.iter().any(|x| x.until <= t))
                .unwrap_or(false);
            if due {
                requests.try_update(|r| r.retain(|x| x.until > t));
            }
        })
        .forget();
    }
}

/// The page's monotonic clock in ms (0 outside a browser window).
fn now_ms() -> f64 {
    leptos::web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// SVG path data through `points`.
pub fn path_data(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" }))
        .collect()
}

fn reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

#[component]
pub fn TrafficLayer(map: Memo<MapLayout>) -> impl IntoView {
    let traffic = expect_context::<Traffic>();
    let Selection(selected) = expect_context::<Selection>();
    let still = reduced_motion();
    let paths = move || {
        let requests = traffic.requests.get();
        map.with(|m| {
            requests
                .into_iter()
                .filter_map(|r| {
                    let points: Vec<(f64, f64)> =
                        r.hops.iter().filter_map(|h| m.position(h)).collect();
                    (points.len() >= 2).then_some((r.id, points, r.delivered, r.trace))
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <g class="traffic" aria-hidden="true">
            <For each=paths key=|(id, ..)| *id let:request>
                {
                    let (_, points, delivered, trace) = request;
                    let explain = move |_| {
                        if let Some(t) = trace {
                            selected.set(Some(Selected::Request(t)));
                        }
                    };
                    let d = path_data(&points);
                    let (ex, ey) = points.last().copied().unwrap_or_default();
                    let dur = format!("{}ms", HOP_MS as usize * points.len());
                    let dot = if still {
                        view! { <circle r="6" class="request-dot" cx=ex cy=ey></circle> }.into_any()
                    } else {
                        view! {
                            <circle r="6" class="request-dot">
                                <animateMotion dur=dur fill="freeze" path=d.clone()></animateMotion>
                            </circle>
                        }
                        .into_any()
                    };
                    view! {
                        <g class=if delivered { "request" } else { "request dropped" } on:click=explain>
                            <title>"Click to explain this request"</title>
                            <path class="request-path" d=d></path>
                            {dot}
                        </g>
                    }
                }
            </For>
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_data_joins_points() {
        assert_eq!(path_data(&[(1.0, 2.0), (3.5, 4.0)]), "M1.0 2.0 L3.5 4.0");
    }
}
