//! Browser tests of the page's components in headless Chromium: the map drawn from a staged
//! cluster, the accessible names the end-to-end tests rely on, and the terminal's keyboard habits.
//! Each test mounts a fresh `Playground` (no ticker, no autosave) into its own element.

#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use kubeplay_app::{demo, PageState, Playground};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{
    ClipboardEvent, ClipboardEventInit, DataTransfer, Element, Event, EventInit, HtmlElement,
    HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the playground on a cluster from seed 7, staged with the demo scene if `staged`.
fn mount(staged: bool) -> Element {
    let doc = document();
    let root = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let parent: HtmlElement = root.clone().unchecked_into();
    let handle = leptos::mount::mount_to(parent, move || {
        let state = PageState::fresh(7);
        if staged {
            state.bridge.update_session(demo::stage);
        }
        state.provide();
        view! { <Playground/> }
    });
    handle.forget();
    root
}

async fn settle() {
    TimeoutFuture::new(20).await;
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn labels_starting(root: &Element, prefix: &str) -> Vec<String> {
    let list = root
        .query_selector_all(&format!("[aria-label^=\"{prefix}\"]"))
        .expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .filter_map(|e| e.get_attribute("aria-label"))
        .collect()
}

fn terminal_input(root: &Element) -> HtmlInputElement {
    find(root, "input[aria-label=\"Terminal\"]").unchecked_into()
}

fn log_text(root: &Element) -> String {
    find(root, "[role=\"log\"][aria-label=\"Terminal output\"]")
        .text_content()
        .unwrap_or_default()
}

fn key(target: &Element, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    target.dispatch_event(&ev).expect("dispatch");
}

fn fire(target: &Element, name: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let ev = Event::new_with_event_init_dict(name, &init).expect("event");
    target.dispatch_event(&ev).expect("dispatch");
}

/// Types `text` into the terminal input (replacing what is there).
fn type_line(root: &Element, text: &str) {
    let input = terminal_input(root);
    input.set_value(text);
    fire(&input, "input");
}

#[wasm_bindgen_test]
async fn accessible_names_of_the_panels() {
    let root = mount(false);
    settle().await;
    find(&root, "input[aria-label=\"Terminal\"]");
    find(&root, "[role=\"log\"][aria-label=\"Terminal output\"]");
    find(&root, "textarea[aria-label=\"Manifest editor\"]");
    find(&root, "[role=\"region\"][aria-label=\"Cluster map\"]");
    let buttons = root.query_selector_all("button").expect("buttons");
    let apply = (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .filter(|b| b.text_content().as_deref() == Some("Apply"))
        .count();
    assert_eq!(apply, 1, "one button named Apply");
    assert_eq!(
        labels_starting(&root, "Node "),
        [
            "Node control-plane Ready, control plane, IP 10.10.98.10",
            "Node worker-1 Ready, IP 10.10.98.11",
            "Node worker-2 Ready, IP 10.10.98.12",
        ]
    );
}

#[wasm_bindgen_test]
async fn map_draws_staged_pods_services_and_policies() {
    let root = mount(true);
    settle().await;
    let pods = labels_starting(&root, "Pod ");
    assert_eq!(pods.len(), 8, "{pods:?}");
    assert!(pods.contains(
        &"Pod web-blue-5d8f-abcde Running, ready, IP 192.168.1.4, 0 requests served, selected by 1 NetworkPolicy"
            .to_string()
    ));
    assert!(pods.contains(
        &"Pod web-green-7c9d-pqrst ContainerCreating, not ready, IP none, 0 requests served"
            .to_string()
    ));
    let services = labels_starting(&root, "Service ");
    assert_eq!(
        services,
        [
            "Service db ClusterIP, headless, ports 80/TCP, selects 1 pod",
            // Every cluster has the API server's Service in default; it has no selector.
            "Service kubernetes ClusterIP, cluster IP 10.96.0.1, ports 443/TCP, selects 0 pods",
            "Service search ExternalName, external name www.example.com, selects 0 pods",
            "Service web ClusterIP, cluster IP 10.96.12.34, ports 80/TCP, selects 2 pods",
            "Service web-lb LoadBalancer, cluster IP 10.108.3.9, ports 80:31234/TCP, load balancer 10.10.99.100, selects 2 pods",
            "Service web-nodeport NodePort, cluster IP 10.101.7.2, ports 80:30080/TCP, selects 2 pods",
        ]
    );
    // Every node, pod and Service is reachable by keyboard.
    let focusable = root
        .query_selector_all("svg [role=\"button\"][tabindex=\"0\"]")
        .expect("query")
        .length();
    assert_eq!(focusable, 3 + 8 + 6);
    assert_eq!(
        root.query_selector_all(".link").expect("links").length(),
        2 + 2 + 2 + 1
    );
    assert!(labels_starting(&root, "Load balancer 10.10.99.100").len() == 1);
}

#[wasm_bindgen_test]
async fn namespace_filter_and_inspector() {
    let root = mount(true);
    settle().await;
    let select: HtmlSelectElement = find(&root, ".ns-filter select").unchecked_into();
    select.set_value("team-a");
    fire(&select, "change");
    settle().await;
    assert_eq!(
        labels_starting(&root, "Pod "),
        ["Pod api-1 Running, ready, IP 192.168.1.9, 0 requests served"]
    );
    select.set_value("*");
    fire(&select, "change");
    settle().await;
    let svc = find(&root, "[aria-label^=\"Service web ClusterIP\"]");
    // Focusing a Service highlights the lines to the pods it selects.
    svc.unchecked_ref::<HtmlElement>().focus().expect("focus");
    settle().await;
    assert_eq!(
        root.query_selector_all(".link.hot").expect("hot").length(),
        2
    );
    key(&svc, "Enter", false);
    settle().await;
    let inspector = find(&root, "[aria-label=\"Inspector\"]")
        .text_content()
        .unwrap_or_default();
    assert!(inspector.contains("Service web"), "{inspector}");
    assert!(
        inspector.contains("192.168.1.4, 192.168.2.5"),
        "ready endpoints: {inspector}"
    );
    // Escape on the map clears the selection.
    key(&svc, "Escape", false);
    settle().await;
    let inspector = find(&root, "[aria-label=\"Inspector\"]")
        .text_content()
        .unwrap_or_default();
    assert!(inspector.contains("Select a node"), "{inspector}");
}

#[wasm_bindgen_test]
async fn terminal_runs_commands_with_history_and_clear() {
    let root = mount(false);
    settle().await;
    let input = terminal_input(&root);
    type_line(&root, "kubectl get nodes");
    key(&input, "Enter", false);
    settle().await;
    let log = log_text(&root);
    assert!(
        log.contains("learner@workstation:~$ kubectl get nodes"),
        "{log}"
    );
    assert!(log.contains("worker-2"), "{log}");
    assert_eq!(input.value(), "");
    key(&input, "ArrowUp", false);
    settle().await;
    assert_eq!(input.value(), "kubectl get nodes");
    key(&input, "ArrowDown", false);
    settle().await;
    assert_eq!(input.value(), "");
    type_line(&root, "half typed");
    key(&input, "c", true);
    settle().await;
    assert!(log_text(&root).contains("half typed^C"));
    assert_eq!(input.value(), "");
    key(&input, "l", true);
    settle().await;
    assert_eq!(log_text(&root), "");
}

#[wasm_bindgen_test]
async fn tab_completes_kinds_and_names() {
    let root = mount(true);
    settle().await;
    let input = terminal_input(&root);
    type_line(&root, "kubectl get po");
    key(&input, "Tab", false);
    settle().await;
    assert_eq!(input.value(), "kubectl get pods ");
    type_line(&root, "kubectl describe svc web-n");
    key(&input, "Tab", false);
    settle().await;
    assert_eq!(input.value(), "kubectl describe svc web-nodeport ");
}

#[wasm_bindgen_test]
async fn multi_line_paste_runs_each_line() {
    let root = mount(false);
    settle().await;
    let input = terminal_input(&root);
    let data = DataTransfer::new().expect("DataTransfer");
    data.set_data("text", "kubectl get nodes\nkubectl get ns\nkubectl")
        .expect("set");
    let init = ClipboardEventInit::new();
    init.set_clipboard_data(Some(&data));
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = ClipboardEvent::new_with_event_init_dict("paste", &init).expect("paste");
    input.dispatch_event(&ev).expect("dispatch");
    settle().await;
    let log = log_text(&root);
    assert!(log.contains("$ kubectl get nodes"), "{log}");
    assert!(log.contains("$ kubectl get ns"), "{log}");
    assert_eq!(input.value(), "kubectl");
}

#[wasm_bindgen_test]
async fn apply_writes_the_file_and_runs_kubectl_in_the_terminal() {
    let root = mount(false);
    settle().await;
    let editor: HtmlTextAreaElement =
        find(&root, "textarea[aria-label=\"Manifest editor\"]").unchecked_into();
    editor.set_value("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n");
    fire(&editor, "input");
    settle().await;
    let buttons = root.query_selector_all("button.primary").expect("buttons");
    let apply: HtmlElement = buttons.item(0).expect("Apply").unchecked_into();
    apply.click();
    settle().await;
    let log = log_text(&root);
    assert!(
        log.contains("learner@workstation:~$ kubectl apply -f deployment.yaml"),
        "{log}"
    );
    // The file is now on the workstation, so completion offers it.
    let input = terminal_input(&root);
    type_line(&root, "kubectl apply -f dep");
    key(&input, "Tab", false);
    settle().await;
    assert_eq!(input.value(), "kubectl apply -f deployment.yaml ");
}

#[wasm_bindgen_test]
async fn editor_reports_yaml_errors_at_line_and_column() {
    let root = mount(false);
    settle().await;
    let editor: HtmlTextAreaElement =
        find(&root, "textarea[aria-label=\"Manifest editor\"]").unchecked_into();
    editor.set_value("kind: Pod\nmetadata:\n  name: x\n bad: [1\n");
    fire(&editor, "input");
    settle().await;
    let status = find(&root, ".editor .status")
        .text_content()
        .unwrap_or_default();
    assert!(status.starts_with("Line "), "{status}");
}

fn scrollback_text(state: &PageState) -> String {
    state.console.scrollback.with(|s| {
        s.lines()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[wasm_bindgen_test]
fn autosave_replays_the_session_on_reload() {
    let owner = Owner::new();
    owner.with(|| {
        kubeplay_app::storage::clear();
        let first = PageState::fresh(11);
        first.console.submit(first.bridge, "kubectl get nodes");
        first.bridge.advance(5_000);
        first.save();
        let again = PageState::load();
        let text = scrollback_text(&again);
        assert!(text.contains("$ kubectl get nodes"), "{text}");
        assert!(text.contains("worker-1"), "{text}");
        assert!(text.contains("Restored your last session"), "{text}");
        assert_eq!(again.bridge.seed(), 11);
        assert_eq!(
            again.bridge.clock_untracked(),
            first.bridge.clock_untracked()
        );
        let history = again.console.history.with_value(|h| h.entries().to_vec());
        assert_eq!(history, ["kubectl get nodes"]);
        kubeplay_app::storage::clear();
    });
}

#[wasm_bindgen_test]
fn a_corrupt_save_gives_a_clean_cluster_and_says_so() {
    let owner = Owner::new();
    owner.with(|| {
        let storage = window()
            .local_storage()
            .ok()
            .flatten()
            .expect("localStorage");
        storage
            .set_item(kubeplay_app::journal::STORAGE_KEY, "{not a save")
            .expect("set");
        let state = PageState::load();
        assert!(scrollback_text(&state).contains("could not be read"));
        assert!(state.bridge.steps().is_empty());
        let left = storage
            .get_item(kubeplay_app::journal::STORAGE_KEY)
            .ok()
            .flatten();
        assert_eq!(left, None, "the unreadable save is cleared");
    });
}
