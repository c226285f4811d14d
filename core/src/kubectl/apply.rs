//! `kubectl apply -f` and `kubectl create -f`: every readable object is written, each result is
//! printed as it happens, and every error is reported after them (kubectl aggregates errors and
//! exits 1 once the rest has been applied).

use super::args::Args;
use super::dryrun::{self, DryRun};
use super::files::read_manifests;
use super::get::ENDPOINTS_WARNING;
use super::print::Format;
use super::Context;
use crate::api::Kind;
use crate::apiserver::{self, Manifest};
use crate::error::ApiError;
use crate::CommandOutput;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Apply,
    Create,
}

pub fn run(ctx: &mut Context<'_, '_>, args: &Args, mode: Mode) -> CommandOutput {
    let mut out = CommandOutput::default();
    let files = args.all_values("filename");
    if files.is_empty() {
        out.err("error: must specify one of -f and -k\n");
        out.exit_code = 1;
        return out;
    }
    let format = match Format::parse(args.value("output")) {
        Ok(f) => f,
        Err(e) => {
            out.err(format!("error: {e}\n"));
            out.exit_code = 1;
            return out;
        }
    };
    let manifests = match read_manifests(ctx, files, args.flag("recursive")) {
        Ok(m) => m,
        Err(e) => {
            out.err(format!("{e}\n"));
            out.exit_code = 1;
            return out;
        }
    };
    let dry = match dryrun::parse(args) {
        Ok(d) => d,
        Err(e) => {
            out.err(format!("{e}\n"));
            out.exit_code = 1;
            return out;
        }
    };
    // A dry run writes into a scratch copy, so later objects of the file see earlier ones.
    let mut scratch = (dry != DryRun::None).then(|| ctx.cluster.clone());
    let suffix = match dry {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    };
    let explicit_ns = args.value("namespace").map(str::to_string);
    let default_ns = ctx.namespace(args);
    // Reading errors come first in kubectl's aggregate, ahead of the per-object write errors.
    let mut errors: Vec<ApiError> = Vec::new();
    let mut readable = Vec::new();
    for m in manifests {
        match m {
            Ok(m) => readable.push(m),
            Err(e) => errors.push(e),
        }
    }
    let mut warned_endpoints = false;
    for m in readable {
        if m.kind == Kind::Endpoints && !warned_endpoints {
            warned_endpoints = true;
            out.err(ENDPOINTS_WARNING);
        }
        let ns = match target_namespace(&m, explicit_ns.as_deref(), &default_ns) {
            Ok(ns) => ns,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let cluster = match scratch.as_mut() {
            Some(c) => c,
            None => &mut *ctx.cluster,
        };
        let result = match mode {
            Mode::Apply => apiserver::apply(cluster, &m, &ns).map(|a| {
                if let Some(w) = a.warning {
                    out.err(format!("{w}\n"));
                }
                (m.name().to_string(), a.outcome.verb())
            }),
            Mode::Create => apiserver::create(cluster, &m, &ns, args.flag("save-config"))
                .map(|name| (name, "created")),
        };
        match result {
            Ok((name, verb)) => {
                let name = format!("{}/{name}", m.kind.info().singular_qualified());
                if format == Format::Name {
                    out.out(format!("{name}\n"));
                } else {
                    out.out(format!("{name} {verb}{suffix}\n"));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    out.err(crate::error::report(&errors));
    if !errors.is_empty() {
        out.exit_code = 1;
    }
    out
}

/// The manifest's namespace, else `-n`, else the context's; a manifest naming another namespace
/// than an explicit `-n` is refused, as kubectl does.
pub fn target_namespace(
    m: &Manifest,
    explicit: Option<&str>,
    default_ns: &str,
) -> Result<String, ApiError> {
    match (m.namespace(), explicit) {
        (Some(own), Some(flag)) if own != flag && m.kind.info().namespaced => Err(ApiError::Client {
            message: format!(
                "the namespace from the provided object \"{own}\" does not match the namespace \"{flag}\". You must pass '--namespace={own}' to perform this operation."
            ),
        }),
        (Some(own), _) => Ok(own.to_string()),
        (None, _) => Ok(default_ns.to_string()),
    }
}
