//! `-f FILE|DIR|-`: reading manifests from the terminal's virtual files or stdin, with
//! kubectl's errors for missing paths and its per-file naming in messages.

use super::Context;
use crate::apiserver::{decode_file, Manifest};
use crate::error::ApiError;
use crate::session::HOME;
use crate::vfs;

/// Every manifest of every `-f`, in order, with decode errors in place.
pub fn read_manifests(
    ctx: &Context<'_, '_>,
    files: &[String],
    recursive: bool,
) -> Result<Vec<Result<Manifest, ApiError>>, ApiError> {
    let mut out = Vec::new();
    for f in files {
        if f == "-" {
            out.extend(decode_bounded("STDIN", ctx.io.stdin));
            continue;
        }
        if f.starts_with("http://") || f.starts_with("https://") {
            return Err(ApiError::Client {
                message: format!(
                    "unable to read URL \"{f}\": the simulated cluster has no internet access"
                ),
            });
        }
        let path = vfs::resolve(ctx.io.cwd, HOME, f);
        if let Some(text) = ctx.io.fs.read(&path) {
            out.extend(decode_bounded(f, text));
            continue;
        }
        if ctx.io.fs.is_dir(&path) {
            let prefix = format!("{}/", path.trim_end_matches('/'));
            for (p, text) in ctx.io.fs.files_under(&path) {
                let rel = &p[prefix.len().min(p.len())..];
                if !recursive && rel.contains('/') {
                    continue;
                }
                let ext_ok = [".yaml", ".yml", ".json"].iter().any(|e| rel.ends_with(e));
                if !ext_ok {
                    continue;
                }
                let shown = format!("{}/{rel}", f.trim_end_matches('/'));
                out.extend(decode_bounded(&shown, text));
            }
            continue;
        }
        return Err(ApiError::Client {
            message: format!("the path \"{f}\" does not exist"),
        });
    }
    Ok(out)
}

/// Decodes one file unless it is larger than [`crate::limits::MAX_MANIFEST_BYTES`]: parsing is
/// the slow part (libyaml scans a 10 MB block scalar for about a second in the page), so an
/// oversized file is refused by its length alone, before any of it is read as YAML.
fn decode_bounded(source: &str, text: &str) -> Vec<Result<Manifest, ApiError>> {
    match crate::limits::check_manifest(source, text.len()) {
        Ok(()) => decode_file(source, text),
        Err(e) => vec![Err(e)],
    }
}
