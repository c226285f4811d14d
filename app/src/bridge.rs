//! The bridge between the page and the core: holds the one `Session`, runs command lines on it
//! and bumps a revision signal so views re-read what changed.

use kubeplay_core::Session;
use leptos::prelude::*;

/// Cheap to copy; every component gets it from context.
#[derive(Clone, Copy)]
pub struct Bridge {
    session: StoredValue<Session, LocalStorage>,
    revision: RwSignal<u64>,
}

/// A seed from the browser's entropy, so each fresh playground differs; share links will carry it.
pub fn initial_seed() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 1;
    }
    u64::from_le_bytes(bytes)
}

/// One node as the map draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub name: String,
    pub ip: String,
    pub ready: bool,
    pub control_plane: bool,
}

impl Bridge {
    pub fn new(seed: u64) -> Bridge {
        Bridge {
            session: StoredValue::new_local(Session::new(seed)),
            revision: RwSignal::new(0),
        }
    }

    pub fn from_context() -> Bridge {
        expect_context::<Bridge>()
    }

    /// Runs a line at the workstation terminal and returns what the terminal shows.
    pub fn run(&self, line: &str) -> String {
        let text = self
            .session
            .try_update_value(|s| s.feed(line).map(|o| o.text()).unwrap_or_default())
            .unwrap_or_default();
        self.revision.update(|r| *r += 1);
        text
    }

    pub fn prompt(&self) -> String {
        self.session.with_value(Session::prompt)
    }

    /// The nodes, re-read whenever the session changes.
    pub fn nodes(&self) -> Vec<NodeView> {
        self.revision.track();
        self.session.with_value(|s| {
            s.cluster
                .store
                .list_typed::<kubeplay_core::api::Node>(None)
                .map(|n| {
                    let status = n.status.clone().unwrap_or_default();
                    NodeView {
                        name: n.metadata.name.clone(),
                        ip: status
                            .addresses
                            .iter()
                            .find(|a| a.type_ == "InternalIP")
                            .map(|a| a.address.clone())
                            .unwrap_or_default(),
                        ready: status
                            .conditions
                            .iter()
                            .any(|c| c.type_ == "Ready" && c.status == "True"),
                        control_plane: n
                            .metadata
                            .labels
                            .contains_key("node-role.kubernetes.io/control-plane"),
                    }
                })
                .collect()
        })
    }
}
