//! Browser tests of the terminal tabs and what hangs off them, in headless Chromium: each tab's
//! own scrollback and history, the editor hand-off of `vi`, Ctrl-D in a pod shell, the explainer
//! opening on `explain`, and an autosave that brings every tab back on reload.

#![cfg(target_arch = "wasm32")]

use kubeplay_app::components::inspector::Selection;
use kubeplay_app::PageState;
use kubeplay_core::session::WORKSTATION;
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn screen(state: &PageState, term: u32) -> String {
    state
        .console
        .tab(term)
        .map(|t| {
            t.scrollback.with_untracked(|s| {
                s.lines()
                    .map(|l| l.text.clone())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        })
        .unwrap_or_default()
}

/// A running nginx pod named `web`, on a page from seed 5.
fn with_pod() -> PageState {
    let state = PageState::fresh(5);
    state
        .console
        .submit(state.bridge, "kubectl run web --image=nginx");
    state.bridge.advance(30_000);
    state
}

#[wasm_bindgen_test]
fn a_pod_shell_tab_keeps_its_own_screen_history_and_state() {
    Owner::new().with(|| {
        let state = with_pod();
        let c = state.console;
        let tab = c.open_tab(state.bridge, Some("kubectl exec -it web -- sh"));
        assert_eq!(c.active.get_untracked(), tab);
        let title = |id| c.tab(id).map(|t| t.title(state.bridge));
        assert_eq!(
            title(tab).as_deref(),
            Some("web"),
            "named after its pod shell"
        );
        assert_eq!(title(WORKSTATION).as_deref(), Some("workstation"));
        c.submit_in(state.bridge, tab, "cd /etc; echo in-pod-$PWD");
        assert!(screen(&state, tab).contains("in-pod-/etc"));
        assert!(!screen(&state, WORKSTATION).contains("in-pod"));
        let ws_history = c.history.with_value(|h| h.entries().to_vec());
        assert_eq!(ws_history, ["kubectl run web --image=nginx"]);
        // Ctrl-D leaves the pod shell in that tab only.
        assert!(!state.bridge.prompt_in(tab).starts_with("learner@"));
        c.eof(state.bridge, tab);
        assert_eq!(state.bridge.prompt_in(tab), "learner@workstation:~$ ");
        assert_eq!(
            title(tab),
            Some(format!("shell {tab}")),
            "back to its own name"
        );
        // `kubectl exec -it` typed in the workstation renames that tab too.
        c.submit(state.bridge, "kubectl exec -it web -- sh");
        assert_eq!(title(WORKSTATION).as_deref(), Some("web"));
        c.eof(state.bridge, WORKSTATION);
        assert_eq!(title(WORKSTATION).as_deref(), Some("workstation"));
        c.close_tab(state.bridge, tab);
        assert!(c.tab(tab).is_none());
        assert_eq!(c.active.get_untracked(), WORKSTATION);
    });
}

#[wasm_bindgen_test]
fn vi_hands_the_file_to_the_editor_and_save_writes_it() {
    Owner::new().with(|| {
        let state = PageState::fresh(5);
        let c = state.console;
        let tab = c.open_tab(state.bridge, None);
        c.submit_in(state.bridge, tab, "printf 'a\\n' > f.txt");
        c.submit_in(state.bridge, tab, "vi f.txt");
        let ed = c.editing.get_untracked().expect("the editor opened");
        assert_eq!(
            (ed.term, ed.path.as_str(), ed.text.as_str()),
            (tab, "/home/learner/f.txt", "a\n")
        );
        c.finish_edit(state.bridge, Some("b\n".into()));
        assert_eq!(c.editing.get_untracked(), None);
        c.submit(state.bridge, "cat f.txt");
        assert!(screen(&state, WORKSTATION).ends_with("cat f.txt\nb"));
    });
}

#[wasm_bindgen_test]
fn explain_keeps_the_request_for_the_inspector() {
    Owner::new().with(|| {
        provide_context(Selection(RwSignal::new(None)));
        let state = with_pod();
        state
            .console
            .submit(state.bridge, "kubectl get pod web -o wide");
        state.console.submit(
            state.bridge,
            "kubectl exec web -- explain curl -s localhost",
        );
        let id = state
            .bridge
            .explained
            .get_untracked()
            .expect("an explained request");
        let req = state
            .bridge
            .requests
            .with_untracked(|r| r.iter().find(|e| e.id == id).cloned())
            .expect("kept");
        assert_eq!(req.origin, "default/web");
        assert!(
            req.text.contains("delivered to pod default/web"),
            "{}",
            req.text
        );
    });
}

#[wasm_bindgen_test]
fn reload_restores_every_tab_with_its_own_screen() {
    Owner::new().with(|| {
        kubeplay_app::storage::clear();
        let first = PageState::fresh(9);
        let tab = first.console.open_tab(first.bridge, None);
        first.console.submit_in(first.bridge, tab, "cd /tmp");
        first
            .console
            .submit_in(first.bridge, tab, "echo only-in-tab");
        first
            .console
            .submit(first.bridge, "echo only-on-workstation");
        first.save();
        let again = PageState::load();
        assert!(screen(&again, tab).contains("only-in-tab"));
        assert!(!screen(&again, tab).contains("only-on-workstation"));
        assert!(screen(&again, WORKSTATION).contains("only-on-workstation"));
        assert_eq!(again.bridge.prompt_in(tab), "learner@workstation:/tmp$ ");
        let history = again
            .console
            .tab(tab)
            .map(|t| t.history.with_value(|h| h.entries().to_vec()))
            .unwrap_or_default();
        assert_eq!(history, ["cd /tmp", "echo only-in-tab"]);
        kubeplay_app::storage::clear();
    });
}
