//! The lesson panel in headless Chromium: a lesson opened by URL starts its first step, its
//! checks fail before the work and pass after "Run the solution in the terminal", and lesson
//! text is rendered as text (markup in it never becomes elements).

#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use kubeplay_app::components::lesson_markdown::Markdown;
use kubeplay_app::components::lesson_progress::Keep;
use kubeplay_app::{PageState, Playground};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount(f: impl FnOnce() -> AnyView + 'static) -> Element {
    let doc = document();
    let root = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let parent: HtmlElement = root.clone().unchecked_into();
    leptos::mount::mount_to(parent, f).forget();
    root
}

async fn settle() {
    TimeoutFuture::new(20).await;
}

fn button(root: &Element, text: &str) -> HtmlElement {
    let list = root.query_selector_all("aside button").expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .find(|b| b.text_content().unwrap_or_default().trim() == text)
        .unwrap_or_else(|| panic!("no button {text}"))
}

fn results(root: &Element) -> String {
    root.query_selector("[aria-label=\"Check results\"]")
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_lesson_step_fails_then_passes_after_its_solution() {
    if let Ok(Some(s)) = window().local_storage() {
        if let Some(key) = Keep::Page.key("externalname") {
            let _ = s.remove_item(&key);
        }
    }
    let _ = window().location().set_hash("/lessons/externalname");
    let root = mount(|| {
        PageState::fresh(5).provide();
        view! { <Playground/> }.into_any()
    });
    settle().await;
    let panel = root
        .query_selector("aside.lesson")
        .ok()
        .flatten()
        .expect("panel");
    let text = panel.text_content().unwrap_or_default();
    assert!(text.contains("Step 1 of 2"), "{text}");
    assert!(text.contains("Map a Service to a DNS name"));

    button(&root, "Check my work").click();
    settle().await;
    let r = results(&root);
    assert!(
        r.contains("Service my-service not found in namespace default."),
        "{r}"
    );

    button(&root, "Show solution").click();
    settle().await;
    button(&root, "Run the solution in the terminal").click();
    settle().await;
    button(&root, "Check my work").click();
    settle().await;
    let r = results(&root);
    assert!(r.contains("All checks pass"), "{r}");
    assert!(!r.contains("FAIL"), "{r}");
    let _ = window().location().set_hash("");
}

#[wasm_bindgen_test]
async fn markup_in_lesson_text_stays_text() {
    let root = mount(|| {
        view! { <Markdown text="Hello <img src=x onerror=alert(1)> `<b>code</b>`\n\n<script>alert(2)</script>".to_string()/> }
            .into_any()
    });
    settle().await;
    assert_eq!(
        root.query_selector_all("img, script, b")
            .map(|l| l.length())
            .unwrap_or(9),
        0
    );
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("<img src=x onerror=alert(1)>"), "{text}");
    assert!(text.contains("<script>alert(2)</script>"), "{text}");
    assert!(root.query_selector("code").ok().flatten().is_some());
}
