//! `kubectl apply -f`, `kubectl create -f` and `kubectl replace -f`: every readable object is written, each result is
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
    Replace,
}

pub fn run(ctx: &mut Context<'_, '_>, args: &Args, mode: Mode) -> CommandOutput {
    let files = args.all_values("filename");
    if files.is_empty() {
        return CommandOutput::stderr("error: must specify one of -f and -k\n", 1);
    }
    let format = match Format::parse(args.value("output")) {
        Ok(f) => f,
        Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
    };
    let dry = match dryrun::parse(args) {
        Ok(d) => d,
        Err(e) => return CommandOutput::stderr(format!("{e}\n"), 1),
    };
    let manifests = match read_manifests(ctx, files, args.flag("recursive")) {
        Ok(m) => m,
        Err(e) => return CommandOutput::stderr(format!("{e}\n"), 1),
    };
    // Reading errors come first in kubectl's aggregate, ahead of the per-object write errors.
    let mut errors: Vec<ApiError> = Vec::new();
    let mut readable = Vec::new();
    for m in manifests {
        match m {
            Ok(m) => readable.push(m),
            Err(e) => errors.push(e),
        }
    }
    let mut out = CommandOutput::default();
    let batch = Batch {
        mode,
        format,
        dry,
        save_config: args.flag("save-config"),
        explicit_ns: args.value("namespace").map(str::to_string),
        default_ns: ctx.namespace(args),
    };
    batch.write_all(ctx, &readable, &mut out, &mut errors);
    out.err(crate::error::report(&errors));
    if !errors.is_empty() {
        out.exit_code = 1;
    }
    out
}

/// One `apply`/`create -f` invocation's settings.
struct Batch {
    mode: Mode,
    format: Format,
    dry: DryRun,
    save_config: bool,
    explicit_ns: Option<String>,
    default_ns: String,
}

impl Batch {
    /// Writes every manifest in order, printing each success as it happens.
    fn write_all(
        &self,
        ctx: &mut Context<'_, '_>,
        manifests: &[Manifest],
        out: &mut CommandOutput,
        errors: &mut Vec<ApiError>,
    ) {
        // A dry run writes into a scratch copy, so later objects of the file see earlier ones.
        let mut scratch = (self.dry != DryRun::None).then(|| ctx.cluster.clone());
        let suffix = match self.dry {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        };
        let mut warned_endpoints = false;
        for m in manifests {
            if m.kind == Kind::Endpoints && !warned_endpoints {
                warned_endpoints = true;
                out.err(ENDPOINTS_WARNING);
            }
            let ns = match target_namespace(m, self.explicit_ns.as_deref(), &self.default_ns) {
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
            let result = match self.mode {
                Mode::Apply => apiserver::apply(cluster, m, &ns).map(|a| {
                    if let Some(w) = a.warning {
                        out.err(format!("{w}\n"));
                    }
                    (m.name().to_string(), a.outcome.verb())
                }),
                Mode::Create => apiserver::create(cluster, m, &ns, self.save_config)
                    .map(|name| (name, "created")),
                Mode::Replace => apiserver::replace(cluster, m, &ns, self.save_config)
                    .map(|()| (m.name().to_string(), "replaced")),
            };
            match result {
                Ok((name, verb)) => {
                    let name = format!("{}/{name}", m.kind.info().singular_qualified());
                    if self.format == Format::Name {
                        out.out(format!("{name}\n"));
                    } else {
                        out.out(format!("{name} {verb}{suffix}\n"));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
    }
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
