//! Share links' compression in a real browser (headless Chromium): the page's own
//! CompressionStream round trip, the cap that stops a small link inflating into a huge one, and
//! corrupt data refused with a reason instead of a panic.

#![cfg(target_arch = "wasm32")]

use kubeplay_app::journal::{EditorFile, Step};
use kubeplay_app::share::{self, LinkError, Shared, MAX_JSON_BYTES};
use kubeplay_app::share_stream::{deflate, inflate};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn sample() -> Shared {
    let contents = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n".repeat(50);
    Shared::new(
        9,
        vec![
            Step::Write {
                at: 0,
                name: "ns.yaml".into(),
                contents: contents.clone(),
            },
            Step::Line {
                at: 1000,
                line: "kubectl apply -f ns.yaml".into(),
                term: 0,
            },
        ],
        3000,
        vec![EditorFile {
            name: "ns.yaml".into(),
            contents,
        }],
        0,
    )
}

#[wasm_bindgen_test]
async fn a_link_survives_the_round_trip_and_is_smaller() {
    let s = sample();
    let json = s.to_json();
    let packed = deflate(json.as_bytes()).await.expect("deflate");
    assert!(
        packed.len() * 5 < json.len(),
        "{} vs {}",
        packed.len(),
        json.len()
    );
    let data = share::base64url_encode(&packed);
    let back = inflate(&share::unwrap_link(&data).expect("unwrap"))
        .await
        .expect("inflate");
    assert_eq!(Shared::from_json(&back), Ok(s));
}

#[wasm_bindgen_test]
async fn a_zip_bomb_stops_at_the_cap() {
    let huge = vec![b' '; MAX_JSON_BYTES * 8];
    let packed = deflate(&huge).await.expect("deflate");
    assert!(packed.len() < 64 * 1024);
    assert_eq!(inflate(&packed).await, Err(LinkError::TooBig));
}

#[wasm_bindgen_test]
async fn corrupt_data_is_refused() {
    assert_eq!(
        inflate(b"<img src=x onerror=alert(1)>").await,
        Err(LinkError::NotDeflate)
    );
    let packed = deflate(b"{\"v\":1}").await.expect("deflate");
    let cut = packed.get(..packed.len() / 2).unwrap_or_default();
    assert!(inflate(cut).await.is_err());
}
