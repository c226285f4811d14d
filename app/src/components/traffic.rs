//! The traffic animation layer of the map: each request is a dot travelling along its hops.
//! It knows only positions; turning the core's request traces into `Place`s (workstation → LB →
//! node → Service → pod) happens where traces are read, so this layer stays a plain seam.

use leptos::prelude::*;

use crate::map::layout::{MapLayout, Place};

/// One request in flight on the map.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficPath {
    /// Unique per request, so a repeated path animates again.
    pub id: u64,
    pub points: Vec<(f64, f64)>,
    /// False when the request was dropped or refused (a NetworkPolicy, no endpoints).
    pub delivered: bool,
}

/// Requests the map is animating, shared through context.
#[derive(Clone, Copy)]
pub struct Traffic {
    pub paths: RwSignal<Vec<TrafficPath>>,
    next_id: StoredValue<u64>,
}

impl Default for Traffic {
    fn default() -> Traffic {
        Traffic {
            paths: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        }
    }
}

/// How many requests animate at once; older ones are dropped.
const MAX_PATHS: usize = 12;

impl Traffic {
    /// Queues a request along `hops`; hops not on the map are skipped.
    pub fn send(&self, layout: &MapLayout, hops: &[Place], delivered: bool) {
        let points: Vec<(f64, f64)> = hops.iter().filter_map(|h| layout.position(h)).collect();
        if points.len() < 2 {
            return;
        }
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.paths.update(|p| {
            p.push(TrafficPath {
                id,
                points,
                delivered,
            });
            let excess = p.len().saturating_sub(MAX_PATHS);
            p.drain(..excess);
        });
    }
}

/// SVG path data through `points`.
pub fn path_data(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" }))
        .collect()
}

#[component]
pub fn TrafficLayer(paths: Signal<Vec<TrafficPath>>) -> impl IntoView {
    view! {
        <g class="traffic" aria-hidden="true">
            <For each=move || paths.get() key=|p| p.id let:p>
                <g class=if p.delivered { "request" } else { "request dropped" }>
                    <path class="request-path" d=path_data(&p.points)></path>
                    <circle r="6" class="request-dot">
                        <animateMotion
                            dur=format!("{}ms", 500 * p.points.len())
                            fill="freeze"
                            path=path_data(&p.points)
                        ></animateMotion>
                    </circle>
                </g>
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
