//! The page's side of share links: the Share button (pack the page into a link, copy it where the
//! browser allows, always show it selectable) and opening a link when the page starts (inflate,
//! validate, then hand the page a save to replay, or a clean playground and the reason).

use leptos::prelude::*;

use crate::share::{self, LinkError, Shared, MAX_LINK_CHARS, PREFIX};
use crate::share_stream;
use crate::PageState;

/// Reads the share link in `hash`, if any. `None` when the page was opened without one.
pub async fn open(hash: &str) -> Option<Result<Shared, LinkError>> {
    let data = share::link_data(hash)?;
    Some(decode(data).await)
}

async fn decode(data: &str) -> Result<Shared, LinkError> {
    let packed = share::unwrap_link(data)?;
    let json = share_stream::inflate(&packed).await?;
    Shared::from_json(&json)
}

/// The page's address without its fragment, so the link opens this very deployment.
fn base_url() -> String {
    let href = window().location().href().unwrap_or_default();
    match href.split_once('#') {
        Some((base, _)) => base.to_string(),
        None => href,
    }
}

/// Forgets the link in the address bar once opened, so a reload restores the autosave (which
/// by then holds the shared session) instead of replaying the link over later work.
pub fn forget_link() {
    let url = base_url();
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// What the share box shows.
#[derive(Clone, Debug, PartialEq)]
enum Shown {
    Hidden,
    Working,
    Link { url: String, copied: bool },
    Failed(String),
}

async fn make_link(state: PageState) -> Shown {
    let shared = Shared::new(
        state.bridge.seed(),
        state.bridge.steps(),
        state.bridge.clock_untracked(),
        state.files.files.get_untracked(),
        state.files.active.get_untracked(),
    );
    if !share_stream::supported() {
        return Shown::Failed("This browser cannot compress share links.".into());
    }
    let packed = match share_stream::deflate(shared.to_json().as_bytes()).await {
        Ok(p) => p,
        Err(_) => return Shown::Failed("The link could not be made in this browser.".into()),
    };
    let data = share::base64url_encode(&packed);
    if data.len() > MAX_LINK_CHARS {
        return Shown::Failed(format!(
            "This session is too big to share as a link ({} KiB; the limit is {} KiB). Reset the cluster or close large files, then try again.",
            data.len() / 1024,
            MAX_LINK_CHARS / 1024
        ));
    }
    let url = format!("{}{PREFIX}{data}", base_url());
    let copied = share_stream::copy_to_clipboard(&url).await;
    Shown::Link { url, copied }
}

/// The Share button and the box that shows the link.
#[component]
pub fn ShareButton() -> impl IntoView {
    let state = expect_context::<PageState>();
    let shown = RwSignal::new(Shown::Hidden);
    let on_share = move |_| {
        shown.set(Shown::Working);
        leptos::task::spawn_local(async move { shown.set(make_link(state).await) });
    };
    let select_all = move |ev: leptos::ev::FocusEvent| {
        event_target::<web_sys::HtmlInputElement>(&ev).select();
    };
    let body = move || match shown.get() {
        Shown::Hidden => None,
        Shown::Working => Some(view! { <p role="status">"Making the link…"</p> }.into_any()),
        Shown::Failed(why) => {
            Some(view! { <p role="alert" class="share-error">{why}</p> }.into_any())
        }
        Shown::Link { url, copied } => {
            let note = if copied {
                "Link copied. It rebuilds this cluster, your files and every command, replayed in your friend's browser."
            } else {
                "Copy this link. It rebuilds this cluster, your files and every command, replayed in your friend's browser."
            };
            Some(
                view! {
                    <p role="status">{note}</p>
                    <input class="share-url" type="text" readonly aria-label="Share link" prop:value=url on:focus=select_all/>
                }
                .into_any(),
            )
        }
    };
    view! {
        <button class="secondary" aria-haspopup="dialog" on:click=on_share>"Share"</button>
        <Show when=move || shown.with(|s| *s != Shown::Hidden)>
            <div class="share-box" role="dialog" aria-label="Share this playground">
                {body}
                <button class="ghost small" on:click=move |_| shown.set(Shown::Hidden)>"Close"</button>
            </div>
        </Show>
    }
}
