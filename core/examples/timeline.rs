//! Prints a pod's container state once per simulated second (development aid):
//! `cargo run -p kubeplay-core --example timeline -- IMAGE [COMMAND...]`.

use kubeplay_core::api::*;
use kubeplay_core::cluster::Cluster;
use kubeplay_core::controllers::fixtures;
use kubeplay_core::sim::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let image = args.first().cloned().unwrap_or_else(|| "busybox".into());
    let cmd: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    let mut c = Cluster::new(1);
    fixtures::create(&mut c, fixtures::pod("default", "p", &image, &cmd));
    let start = c.now;
    for _ in 0..100 {
        c.advance(Duration::from_secs(1));
        let Some(p) = c.store.get_typed::<Pod>("default", "p") else {
            break;
        };
        let st = p.status.clone().unwrap_or_default();
        let cs = st.container_statuses.first().cloned().unwrap_or_default();
        let s = &cs.state;
        let state = s
            .waiting
            .as_ref()
            .or(s.terminated.as_ref())
            .and_then(|d| d.reason.clone())
            .unwrap_or_else(|| "Running".into());
        println!(
            "{:>3}s {:?} {} restarts={} ready={}",
            c.now.since(start).as_secs(),
            st.phase,
            state,
            cs.restart_count,
            p.is_ready()
        );
    }
    let mut evs: Vec<&Event> = c.store.list_typed::<Event>(Some("default")).collect();
    evs.sort_by_key(|e| e.metadata.name.clone());
    for e in evs {
        println!(
            "{} {} x{} {}",
            e.last_timestamp
                .map(|t| t.since(start).as_secs())
                .unwrap_or(0),
            e.reason.clone().unwrap_or_default(),
            e.count.unwrap_or(0),
            e.message.clone().unwrap_or_default()
        );
    }
}
