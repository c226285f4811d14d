//! Share links as data: what a link carries (the seed, every journaled input with its simulated
//! instant, the editor's files), how it is written into a URL fragment and every check a link
//! must pass before it is replayed. A link is untrusted input from anyone: it is size-capped
//! before and after decompression, validated field by field, and only ever reaches the page as
//! text through the core (never as markup). The compression itself is the browser's
//! (`share_stream`); everything here is plain Rust, tested natively.

use serde::{Deserialize, Serialize};

use crate::components::editor::valid_file_name;
use crate::journal::{EditorFile, Save, SavedTab, Step, SAVE_VERSION};

/// Bumped whenever the payload changes shape; links from another version are refused politely.
pub const SHARE_VERSION: u32 = 1;
/// The fragment's prefix: `#share=<base64url of deflate-raw JSON>`.
pub const PREFIX: &str = "#share=";
/// Longest fragment accepted or produced, in characters (browsers take far more; chat apps and
/// mail clients start mangling long links well before).
pub const MAX_LINK_CHARS: usize = 128 * 1024;
/// Most bytes a link may inflate to; decompression stops as soon as it passes this.
pub const MAX_JSON_BYTES: usize = 1 << 20;
/// Most journaled inputs a link may replay.
pub const MAX_STEPS: usize = 5_000;
/// Most editor files a link may open.
pub const MAX_FILES: usize = 64;
/// Latest simulated instant a link may name: 30 days, far past any lesson, so a forged link
/// cannot ask the simulator to fast-forward for ever.
pub const MAX_SIM_MS: u64 = 30 * 24 * 3_600_000;

/// What a share link carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shared {
    pub v: u32,
    pub seed: u64,
    pub steps: Vec<Step>,
    /// Simulated time when shared.
    pub now: u64,
    pub files: Vec<EditorFile>,
    pub active: usize,
}

/// Why a link could not be opened; `message` is what the learner reads.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    TooLong(usize),
    NotBase64,
    NotDeflate,
    TooBig,
    NotJson(String),
    OtherVersion(u32),
    Invalid(String),
    Unsupported,
}

impl LinkError {
    pub fn message(&self) -> String {
        let why = match self {
            LinkError::TooLong(n) => format!(
                "it is {} KiB long and links are capped at {} KiB",
                n / 1024,
                MAX_LINK_CHARS / 1024
            ),
            LinkError::NotBase64 => "its data is not valid (the link may have been cut short or edited)".into(),
            LinkError::NotDeflate => "its data is not a compressed playground (the link may have been cut short or edited)".into(),
            LinkError::TooBig => format!(
                "it unpacks to more than {} KiB",
                MAX_JSON_BYTES / 1024
            ),
            LinkError::NotJson(e) => format!("its contents are unreadable ({e})"),
            LinkError::OtherVersion(v) => {
                format!("it was made by another version of Kubeplay (format {v})")
            }
            LinkError::Invalid(e) => format!("it is not a valid playground: {e}"),
            LinkError::Unsupported => {
                "this browser cannot decompress it (it needs DecompressionStream)".into()
            }
        };
        format!("This share link could not be opened: {why}. Here is a clean playground instead.")
    }
}

impl Shared {
    /// The link's payload for the current page.
    pub fn new(
        seed: u64,
        steps: Vec<Step>,
        now: u64,
        files: Vec<EditorFile>,
        active: usize,
    ) -> Shared {
        Shared {
            v: SHARE_VERSION,
            seed,
            steps,
            now,
            files,
            active,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses and validates inflated link data.
    pub fn from_json(bytes: &[u8]) -> Result<Shared, LinkError> {
        if bytes.len() > MAX_JSON_BYTES {
            return Err(LinkError::TooBig);
        }
        // `from_str`, not `from_slice`: the page already carries serde_json's string reader for
        // the autosave, and a second reader would add its whole parser to the wasm again. Typed
        // data is walked from the `Value` (see `kubeplay_core::walk`'s size rule).
        let text = std::str::from_utf8(bytes)
            .map_err(|_| LinkError::NotJson("it is not UTF-8 text".into()))?;
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| LinkError::NotJson(short(&e.to_string())))?;
        if !value.is_object() {
            return Err(LinkError::NotJson("it is not a JSON object".into()));
        }
        // The version first, so a link from another format gets the right message.
        match value.get("v") {
            None | Some(serde_json::Value::Null) => {
                return Err(LinkError::Invalid("it has no format version".into()))
            }
            Some(v) => match v.as_u64().and_then(|v| u32::try_from(v).ok()) {
                Some(SHARE_VERSION) => {}
                Some(v) => return Err(LinkError::OtherVersion(v)),
                None => {
                    return Err(LinkError::NotJson(short(&format!(
                        "v: invalid version {v}"
                    ))))
                }
            },
        }
        let shared = kubeplay_core::walk::from_value::<Shared>(&value).map_err(|(path, msg)| {
            LinkError::NotJson(short(&kubeplay_core::walk::with_path(&path, &msg)))
        })?;
        shared.check().map_err(LinkError::Invalid)?;
        Ok(shared)
    }

    /// Every rule a replayable link obeys.
    pub fn check(&self) -> Result<(), String> {
        if self.steps.len() > MAX_STEPS {
            return Err(format!("{} inputs (at most {MAX_STEPS})", self.steps.len()));
        }
        let mut last = 0;
        for step in &self.steps {
            let at = step_at(step);
            if at < last || at > MAX_SIM_MS {
                return Err(format!(
                    "an input at {at} ms is out of order or out of range"
                ));
            }
            last = at;
            if let Step::Write { name, .. } = step {
                valid_file_name(name, false)?;
            }
        }
        if self.now > MAX_SIM_MS || self.now < last {
            return Err(format!("its clock ({} ms) is out of range", self.now));
        }
        if self.files.len() > MAX_FILES {
            return Err(format!("{} files (at most {MAX_FILES})", self.files.len()));
        }
        for (i, f) in self.files.iter().enumerate() {
            let taken = self.files[..i].iter().any(|g| g.name == f.name);
            valid_file_name(&f.name, taken)?;
        }
        if !self.files.is_empty() && self.active >= self.files.len() {
            return Err("its open file does not exist".into());
        }
        Ok(())
    }

    /// The autosave this link stands for: replaying it rebuilds the sharer's cluster.
    pub fn into_save(self) -> Save {
        let history = self
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Line { line, term, .. }
                    if *term == kubeplay_core::session::WORKSTATION && !line.trim().is_empty() =>
                {
                    Some(line.clone())
                }
                _ => None,
            })
            .collect();
        let tabs = open_tabs(&self.steps);
        Save {
            version: SAVE_VERSION,
            seed: self.seed,
            steps: self.steps,
            now: self.now,
            files: self.files,
            active_file: self.active,
            history,
            tabs,
        }
    }
}

fn step_at(step: &Step) -> u64 {
    step.at()
}

/// The extra terminal tabs open at the end of `steps`: ids follow the order of `Open` steps,
/// as `Session::open_terminal` hands them out. A link carries no titles, so tabs are numbered.
fn open_tabs(steps: &[Step]) -> Vec<SavedTab> {
    let mut tabs: Vec<SavedTab> = Vec::new();
    let mut next = kubeplay_core::session::WORKSTATION + 1;
    for step in steps {
        match step {
            Step::Open { .. } => {
                tabs.push(SavedTab {
                    id: next,
                    title: format!("shell {}", tabs.len() + 1),
                    history: Vec::new(),
                });
                next += 1;
            }
            Step::Close { term, .. } => tabs.retain(|t| t.id != *term),
            _ => {}
        }
    }
    tabs
}

/// serde's messages can quote a whole hostile input; the learner needs only the gist.
fn short(text: &str) -> String {
    text.chars().take(160).collect()
}

/// The fragment's data part, if `hash` is a share link.
pub fn link_data(hash: &str) -> Option<&str> {
    hash.strip_prefix(PREFIX)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 4648 §5): safe in a fragment without escaping.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            let idx = ((n >> (18 - 6 * i)) & 63) as usize;
            out.push(char::from(ALPHABET[idx]));
        }
    }
    out
}

/// Decodes base64url (padding tolerated); `None` on any other character or a bad length.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The fragment's data, checked for length and alphabet before anything inflates it.
pub fn unwrap_link(data: &str) -> Result<Vec<u8>, LinkError> {
    if data.len() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong(data.len()));
    }
    base64url_decode(data).ok_or(LinkError::NotBase64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Shared {
        Shared::new(
            7,
            vec![
                Step::Write {
                    at: 0,
                    name: "web.yaml".into(),
                    contents: "kind: Namespace\n".into(),
                },
                Step::Line {
                    at: 1000,
                    line: "kubectl get nodes".into(),
                    term: 0,
                },
            ],
            5000,
            vec![EditorFile {
                name: "web.yaml".into(),
                contents: "kind: Namespace\n".into(),
            }],
            0,
        )
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..70u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            let text = base64url_encode(&bytes);
            assert!(text.bytes().all(|c| ALPHABET.contains(&c)), "{text}");
            assert_eq!(base64url_decode(&text), Some(bytes));
        }
        assert_eq!(base64url_encode(b"Man"), "TWFu");
        assert_eq!(base64url_encode(b"\xfb\xff"), "-_8");
    }

    #[test]
    fn bad_base64_is_refused() {
        for bad in ["a", "abcde", "ab<c", "%3Cimg", "ab cd", "ab\"c"] {
            assert_eq!(base64url_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_link_round_trips_and_becomes_a_save() {
        let s = sample();
        let back = Shared::from_json(s.to_json().as_bytes());
        assert_eq!(back.as_ref(), Ok(&s));
        let save = s.into_save();
        assert_eq!(save.history, vec!["kubectl get nodes".to_string()]);
        assert_eq!(save.seed, 7);
    }

    #[test]
    fn hostile_links_are_refused_with_a_reason() {
        let over = |f: &dyn Fn(&mut Shared)| {
            let mut s = sample();
            f(&mut s);
            Shared::from_json(s.to_json().as_bytes())
        };
        let cases: Vec<(&str, Result<Shared, LinkError>)> = vec![
            ("not json", Shared::from_json(b"<img src=x onerror=alert(1)>")),
            ("no version", Shared::from_json(b"{\"seed\":1}")),
            ("other version", Shared::from_json(b"{\"v\":9}")),
            ("unknown field", Shared::from_json(b"{\"v\":1,\"seed\":1,\"steps\":[],\"now\":0,\"files\":[],\"active\":0,\"x\":1}")),
            ("time travel", over(&|s| s.now = u64::MAX)),
            ("out of order", over(&|s| s.steps.reverse())),
            ("bad file name", over(&|s| s.files[0].name = "<svg onload=alert(1)>".into())),
            ("bad write name", over(&|s| s.steps[0] = Step::Write { at: 0, name: "a b".into(), contents: String::new() })),
            ("duplicate files", over(&|s| { let f = s.files[0].clone(); s.files.push(f) })),
            ("active past end", over(&|s| s.active = 3)),
            ("too many steps", over(&|s| s.steps = vec![Step::Interrupt { at: 0, term: 0 }; MAX_STEPS + 1])),
        ];
        for (what, got) in cases {
            let err = got.expect_err(what);
            assert!(
                err.message()
                    .starts_with("This share link could not be opened"),
                "{what}"
            );
        }
        assert_eq!(
            Shared::from_json(&vec![b' '; MAX_JSON_BYTES + 1]),
            Err(LinkError::TooBig)
        );
        assert_eq!(
            unwrap_link(&"A".repeat(MAX_LINK_CHARS + 4)),
            Err(LinkError::TooLong(MAX_LINK_CHARS + 4))
        );
        assert_eq!(unwrap_link("<script>"), Err(LinkError::NotBase64));
    }

    #[test]
    fn link_data_reads_only_share_fragments() {
        assert_eq!(link_data("#share=abc"), Some("abc"));
        assert_eq!(link_data("#/lessons"), None);
        assert_eq!(link_data(""), None);
    }
}
