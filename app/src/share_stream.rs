//! Compression for share links through the browser's own `CompressionStream` /
//! `DecompressionStream` ('deflate-raw'), so the page ships no compression code. Inflating reads
//! the stream chunk by chunk and cancels it as soon as the output passes the cap, so a small
//! hostile link (a "zip bomb") never costs more than the cap in memory.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ReadableStream, ReadableStreamDefaultReader, ReadableStreamReadResult, ReadableWritablePair,
    Response, WritableStream,
};

use crate::share::{LinkError, MAX_JSON_BYTES};

// web-sys has these only behind `--cfg=web_sys_unstable_apis`; the few lines we need are
// declared here instead of turning that on for the whole build.
#[wasm_bindgen]
extern "C" {
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> WritableStream;

    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> WritableStream;
}

const FORMAT: &str = "deflate-raw";

/// A stream over `bytes`, by way of a `Response` body (the simplest source web-sys offers).
fn source(bytes: &[u8]) -> Result<ReadableStream, JsValue> {
    let mut copy = bytes.to_vec();
    let response = Response::new_with_opt_u8_array(Some(&mut copy))?;
    response
        .body()
        .ok_or_else(|| JsValue::from_str("no response body"))
}

/// Reads `stream` to the end, giving up (and cancelling it) past `cap` bytes.
async fn read_capped(stream: ReadableStream, cap: usize) -> Result<Option<Vec<u8>>, JsValue> {
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut out = Vec::new();
    loop {
        let result: ReadableStreamReadResult =
            JsFuture::from(reader.read()).await?.unchecked_into();
        if result.get_done().unwrap_or(false) {
            return Ok(Some(out));
        }
        let chunk: Uint8Array = result.get_value().dyn_into()?;
        if out.len() + chunk.length() as usize > cap {
            let _ = JsFuture::from(reader.cancel()).await;
            return Ok(None);
        }
        let start = out.len();
        out.resize(start + chunk.length() as usize, 0);
        if let Some(tail) = out.get_mut(start..) {
            chunk.copy_to(tail);
        }
    }
}

/// deflate-raw of `bytes`.
pub async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, JsValue> {
    let cs = CompressionStream::new(FORMAT)?;
    let pair = ReadableWritablePair::new(&cs.readable(), &cs.writable());
    let out = source(bytes)?.pipe_through(&pair);
    // Compressed output is smaller than the input plus deflate's small per-block overhead.
    read_capped(out, bytes.len() + 1024)
        .await?
        .ok_or_else(|| JsValue::from_str("compressed data grew unexpectedly"))
}

/// Inflates deflate-raw `bytes`, at most `MAX_JSON_BYTES` of output.
pub async fn inflate(bytes: &[u8]) -> Result<Vec<u8>, LinkError> {
    if !supported() {
        return Err(LinkError::Unsupported);
    }
    let ds = DecompressionStream::new(FORMAT).map_err(|_| LinkError::Unsupported)?;
    let pair = ReadableWritablePair::new(&ds.readable(), &ds.writable());
    let out = source(bytes)
        .map_err(|_| LinkError::NotDeflate)?
        .pipe_through(&pair);
    match read_capped(out, MAX_JSON_BYTES).await {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(LinkError::TooBig),
        Err(_) => Err(LinkError::NotDeflate),
    }
}

/// Whether this browser has the streams (every current one does; old Safari does not).
pub fn supported() -> bool {
    let global = js_sys::global();
    ["CompressionStream", "DecompressionStream"]
        .iter()
        .all(|name| js_sys::Reflect::has(&global, &JsValue::from_str(name)).unwrap_or(false))
}

/// Copies `text` to the clipboard; false where the browser refuses (no permission, no focus,
/// insecure context).
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !has_clipboard {
        return false;
    }
    let promise: Promise = navigator.clipboard().write_text(text);
    JsFuture::from(promise).await.is_ok()
}
