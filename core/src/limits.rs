//! The playground's resource limits, in one place: what a learner (or a pasted script) may ask
//! of one page before the simulator refuses, and the messages it refuses with.
//!
//! The page runs in one browser tab on one thread: an input that allocates without bound or
//! loops for minutes freezes or kills it. Each limit is sized far above what a lesson needs and
//! far below what would hurt, and each refusal says what happened in kubectl's or bash's own
//! style. Where real Kubernetes has the same limit (the apiserver's 3 MiB request body), we use
//! its number and its words; where it has a mechanism for it (a ResourceQuota), we answer the
//! way that mechanism would. README "Limits" lists them for learners.
//!
//! Limits enforced elsewhere, for completeness: the shell's command budget, output bytes and
//! nesting depth (`shell::MAX_STEPS`, `shell::MAX_OUTPUT`, `shell::MAX_DEPTH`), and serde_yaml's
//! own guards against alias bombs and deep nesting (its "repetition limit exceeded" and
//! "recursion limit exceeded").

use crate::api::Kind;
use crate::error::ApiError;
use crate::store::Store;
use crate::CommandOutput;

/// kube-apiserver's largest request body (`MaxRequestBodyBytes`, 3 MiB): a manifest whose
/// object is larger is refused before it is decoded, as the real server refuses it.
pub const MAX_REQUEST_BYTES: usize = 3 * 1024 * 1024;

/// The largest manifest `kubectl -f` reads (one file, or stdin). Parsing is the costly step, so
/// a bigger file is refused by its length before it is parsed. A third above the apiserver's
/// request limit, so every single object the real apiserver would accept still gets through;
/// only files of many objects that add up to more are refused here.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// The longest command a terminal accepts, continuation lines (a pasted heredoc) included.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// Pods in the whole cluster. Controllers stop creating pods here and report `FailedCreate`,
/// as they would against a ResourceQuota. Above the benchmark's 3,000 (1,000 Deployments × 3).
pub const MAX_PODS: usize = 5_000;

/// Objects in the whole cluster (every kind but Events, system objects included) for user
/// creates.
pub const MAX_OBJECTS: usize = 20_000;

/// Lines one command may print to the terminal; the rest is replaced by a note.
pub const MAX_OUTPUT_LINES: usize = 10_000;

/// Work one JSONPath template may do on one object (nodes visited plus bytes printed).
pub const MAX_JSONPATH_STEPS: usize = 1_000_000;

/// Flow-collection nesting (`[[[…` / `{{{…`) a manifest may use. Deeper documents are refused
/// before parsing: libyaml's scanner does work quadratic in the nesting depth, and serde_yaml
/// would refuse them anyway (its recursion limit is 128).
pub const MAX_YAML_DEPTH: usize = 128;

/// The simulated ResourceQuota the pod and object limits answer as.
pub const QUOTA: &str = "kubeplay-limits";

/// `Request entity too large` for a request body of `bytes`, with kubectl's file context.
pub fn check_request(bytes: usize, context: &str) -> Result<(), ApiError> {
    if bytes <= MAX_REQUEST_BYTES {
        return Ok(());
    }
    Err(ApiError::Status {
        reason: "RequestEntityTooLarge".into(),
        message: format!("{context}: Request entity too large: limit is {MAX_REQUEST_BYTES}"),
    })
}

/// Refuses a manifest file of `bytes` larger than [`MAX_MANIFEST_BYTES`], before parsing.
pub fn check_manifest(source: &str, bytes: usize) -> Result<(), ApiError> {
    if bytes <= MAX_MANIFEST_BYTES {
        return Ok(());
    }
    Err(ApiError::Client {
        message: format!(
            "error reading \"{source}\": manifest too large: a file may be at most {MAX_MANIFEST_BYTES} bytes; it is {bytes}"
        ),
    })
}

/// Refuses a YAML or JSON document nested deeper than [`MAX_YAML_DEPTH`], in go-yaml's words
/// (`yaml: line N: exceeded max depth of …`). A linear scan that skips quoted text and comments.
pub fn check_yaml_depth(doc: &str) -> Result<(), String> {
    let (mut depth, mut line) = (0usize, 1usize);
    let mut chars = doc.chars().peekable();
    let mut prev = '\n';
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '[' | '{' => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Err(format!(
                        "yaml: line {line}: exceeded max depth of {MAX_YAML_DEPTH}"
                    ));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            '#' if prev.is_whitespace() => while chars.next_if(|&n| n != '\n').is_some() {},
            // Quotes open a scalar only where a token starts, as in libyaml; `don't` is text.
            '"' | '\'' if matches!(prev, ' ' | '\t' | '\n' | ':' | '[' | '{' | ',' | '-') => {
                while let Some(n) = chars.next() {
                    match n {
                        '\\' if c == '"' => {
                            chars.next();
                        }
                        '\n' => line += 1,
                        n if n == c => break,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        prev = c;
    }
    Ok(())
}

/// Pods in the store (terminating ones count, as they do for a quota until they are gone).
pub fn pods(store: &Store) -> usize {
    store.count(Kind::Pod)
}

/// The quota admission message for creating one more `resource` (`pods`) named `name` (a
/// generateName prefix for controllers' pods) when `used` have been counted.
pub fn quota_message(resource: &str, name: &str, used: usize, limit: usize) -> String {
    format!(
        "{resource} \"{name}\" is forbidden: exceeded quota: {QUOTA}, requested: {resource}=1, used: {resource}={used}, limited: {resource}={limit}"
    )
}

/// The apiserver's admission check for a user's create: the pod cap for pods, the object cap
/// for everything.
pub fn admit_create(store: &Store, kind: Kind, name: &str) -> Result<(), ApiError> {
    if kind == Kind::Pod {
        let used = pods(store);
        if used >= MAX_PODS {
            return Err(ApiError::Forbidden {
                message: quota_message("pods", name, used, MAX_PODS),
            });
        }
    }
    // Events are the cluster's own and expire; they never block a learner's create.
    let used = store.len() - store.count(Kind::Event);
    if used >= MAX_OBJECTS {
        return Err(ApiError::Forbidden {
            message: format!(
                "{} \"{name}\" is forbidden: exceeded quota: {QUOTA}, requested: count/objects=1, used: count/objects={used}, limited: count/objects={MAX_OBJECTS}",
                kind.info().plural_qualified()
            ),
        });
    }
    Ok(())
}

/// What the terminal says when a command being typed or pasted grows past [`MAX_INPUT_BYTES`].
pub fn input_too_long(shell: &str) -> CommandOutput {
    CommandOutput::stderr(
        format!("{shell}: input too long: a command may be at most {MAX_INPUT_BYTES} bytes; it was discarded\n"),
        1,
    )
}

/// Keeps the first [`MAX_OUTPUT_LINES`] lines of `out` and notes how many were cut.
pub fn cap_output_lines(out: &mut CommandOutput) {
    let mut left = MAX_OUTPUT_LINES;
    let mut cut = 0usize;
    let mut chunks = Vec::with_capacity(out.chunks.len());
    for (stream, text) in std::mem::take(&mut out.chunks) {
        if left == 0 {
            cut += text.matches('\n').count();
            continue;
        }
        let lines = text.matches('\n').count();
        if lines <= left {
            left -= lines;
            chunks.push((stream, text));
            continue;
        }
        let end = text
            .match_indices('\n')
            .nth(left - 1)
            .map_or(text.len(), |(i, _)| i + 1);
        cut += lines - left;
        left = 0;
        chunks.push((stream, text[..end].to_string()));
    }
    out.chunks = chunks;
    if cut > 0 {
        out.err(format!(
            "kubeplay: output truncated: {cut} more lines not shown (the terminal shows at most {MAX_OUTPUT_LINES} lines per command)\n"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stream;

    #[test]
    fn output_is_cut_at_the_line_limit_with_a_note() {
        let mut out = CommandOutput::stdout("x\n".repeat(MAX_OUTPUT_LINES + 5));
        cap_output_lines(&mut out);
        assert_eq!(out.chunks[0].1.matches('\n').count(), MAX_OUTPUT_LINES);
        assert_eq!(out.chunks[1].0, Stream::Stderr);
        assert!(out.chunks[1].1.contains("5 more lines not shown"));
        let mut small = CommandOutput::stdout("a\nb\n");
        cap_output_lines(&mut small);
        assert_eq!(small, CommandOutput::stdout("a\nb\n"));
    }

    #[test]
    fn deep_flow_nesting_is_refused_but_quoted_brackets_are_text() {
        let deep = format!(
            "a: {}{}",
            "[".repeat(MAX_YAML_DEPTH + 1),
            "]".repeat(MAX_YAML_DEPTH + 1)
        );
        assert_eq!(
            check_yaml_depth(&format!("x: 1\n{deep}")),
            Err("yaml: line 2: exceeded max depth of 128".into())
        );
        let quoted = format!(
            "a: \"{}\"\nb: '{}' # {}\n",
            "[".repeat(500),
            "{".repeat(500),
            "[".repeat(500)
        );
        assert_eq!(check_yaml_depth(&quoted), Ok(()));
        assert_eq!(check_yaml_depth(&"[]".repeat(10_000)), Ok(()));
        let apostrophe = format!("a: don't\nb: {}", "[".repeat(MAX_YAML_DEPTH + 1));
        assert!(check_yaml_depth(&apostrophe).is_err());
    }

    #[test]
    fn requests_over_three_mebibytes_are_refused() {
        assert!(check_request(MAX_REQUEST_BYTES, "x").is_ok());
        let err = check_request(MAX_REQUEST_BYTES + 1, "error when creating \"big.yaml\"");
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("Error from server (RequestEntityTooLarge): error when creating \"big.yaml\": Request entity too large: limit is 3145728".into())
        );
    }
}
