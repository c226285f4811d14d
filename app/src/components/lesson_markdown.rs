//! Lesson instructions on the page: the core's Markdown blocks turned into elements whose
//! content is only ever text nodes (never `inner_html`), so a lesson cannot inject markup or
//! script whatever it contains.

use kubeplay_core::lesson::markdown::{self, Block, Inline};
use leptos::prelude::*;

fn inline_view(i: Inline) -> AnyView {
    match i {
        Inline::Text(t) => t.into_any(),
        Inline::Code(t) => view! { <code>{t}</code> }.into_any(),
        Inline::Strong(t) => view! { <strong>{t}</strong> }.into_any(),
    }
}

fn inlines_view(v: Vec<Inline>) -> impl IntoView {
    v.into_iter().map(inline_view).collect_view()
}

fn block_view(b: Block) -> AnyView {
    match b {
        Block::Heading(1, v) => view! { <h3>{inlines_view(v)}</h3> }.into_any(),
        Block::Heading(2, v) => view! { <h4>{inlines_view(v)}</h4> }.into_any(),
        Block::Heading(_, v) => view! { <h5>{inlines_view(v)}</h5> }.into_any(),
        Block::Paragraph(v) => view! { <p>{inlines_view(v)}</p> }.into_any(),
        Block::List(items) => view! {
            <ul>{items.into_iter().map(|i| view! { <li>{inlines_view(i)}</li> }).collect_view()}</ul>
        }
        .into_any(),
        Block::Code(t) => view! { <pre class="lesson-code"><code>{t}</code></pre> }.into_any(),
    }
}

/// `text` (Markdown subset) as elements.
#[component]
pub fn Markdown(text: String) -> impl IntoView {
    markdown::parse(&text)
        .into_iter()
        .map(block_view)
        .collect_view()
}
