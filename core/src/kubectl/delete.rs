//! `kubectl delete`: by file, by `TYPE NAME…`/`TYPE/NAME`, by `-l`, `--field-selector` or `--all`. Like kubectl
//! (with `--wait`, the default) it returns once the objects are gone, which for pods and
//! namespaces means simulated time passes while they terminate.

use super::args::Args;
use super::files::read_manifests;
use super::resource::{self, Selection, Selector};
use super::Context;
use crate::api::Kind;
use crate::apiserver;
use crate::error::ApiError;
use crate::sim::Duration;
use crate::CommandOutput;

/// Longest simulated wait for graceful deletion before kubectl returns anyway.
const MAX_WAIT_SECS: u32 = 120;

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let mut out = CommandOutput::default();
    let ns = ctx.namespace(args);
    let ignore = args.flag("ignore-not-found");
    let (grace, force) = match grace_period(args) {
        Ok(g) => g,
        Err(msg) => return fail(out, &msg),
    };
    if force {
        out.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let mut errors: Vec<ApiError> = Vec::new();
    let mut deleted: Vec<(Kind, String, String)> = Vec::new();
    let files = args.all_values("filename");
    if !files.is_empty() {
        let manifests = match read_manifests(ctx, files, args.flag("recursive")) {
            Ok(m) => m,
            Err(e) => return fail(out, &e.to_string()),
        };
        for m in manifests {
            let m = match m {
                Ok(m) => m,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let ons = m.namespace().unwrap_or(&ns).to_string();
            match apiserver::delete(ctx.cluster, m.kind, &ons, m.name(), grace) {
                Ok(()) => {
                    out.out(deleted_line(m.kind, m.name(), force));
                    deleted.push((m.kind, ons, m.name().to_string()));
                }
                Err(ApiError::NotFound { .. }) if ignore => {}
                Err(e) => {
                    errors.push(e.with_context(&format!("error when deleting \"{}\"", m.source)))
                }
            }
        }
    } else {
        let words = &args.positional[1..];
        if words.is_empty() {
            return fail(out, "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        }
        let (selection, _) = match resource::select(words) {
            Ok(s) => s,
            Err(e) => return fail(out, &format!("error: {e}")),
        };
        let targets = match targets(ctx, args, &selection, &ns) {
            Ok(t) => t,
            Err(msg) => return fail(out, &msg),
        };
        if targets.is_empty() && matches!(selection, Selection::Kinds(_)) {
            out.out("No resources found\n");
        }
        for (kind, name) in targets {
            match apiserver::delete(ctx.cluster, kind, &ns, &name, grace) {
                Ok(()) => {
                    out.out(deleted_line(kind, &name, force));
                    deleted.push((kind, ns.clone(), name));
                }
                Err(ApiError::NotFound { .. }) if ignore => {}
                Err(e) => errors.push(e),
            }
        }
    }
    wait_until_gone(ctx, &deleted);
    out.err(crate::error::report(&errors));
    if !errors.is_empty() {
        out.exit_code = 1;
    }
    out
}

fn fail(mut out: CommandOutput, msg: &str) -> CommandOutput {
    out.err(format!("{msg}\n"));
    out.exit_code = 1;
    out
}

/// `service "x" deleted` (kubectl 1.33 has no "from <ns> namespace" suffix).
fn deleted_line(kind: Kind, name: &str, force: bool) -> String {
    let verb = if force { "force deleted" } else { "deleted" };
    format!("{} \"{name}\" {verb}\n", kind.info().singular_qualified())
}

/// `--grace-period`, `--now` and `--force` as delete.go combines them: 0 without `--force`
/// becomes 1, `--force` alone means 0. Returns (override, forced).
fn grace_period(args: &Args) -> Result<(Option<i64>, bool), String> {
    let mut grace = match args.value("grace-period") {
        Some(v) => Some(v.parse::<i64>().map_err(|_| {
            format!("error: invalid argument \"{v}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax")
        })?),
        None => None,
    };
    if args.flag("now") {
        grace = Some(1);
    }
    let force = args.flag("force");
    if force && grace.is_none_or(|g| g < 0) {
        grace = Some(0);
    }
    if grace == Some(0) && !force {
        grace = Some(1);
    }
    Ok((grace, force && grace == Some(0)))
}

fn targets(
    ctx: &Context<'_, '_>,
    args: &Args,
    selection: &Selection,
    ns: &str,
) -> Result<Vec<(Kind, String)>, String> {
    match selection {
        Selection::Named(items) => Ok(items.clone()),
        Selection::Kinds(kinds) => {
            let selector = args
                .value("selector")
                .map(Selector::parse)
                .transpose()
                .map_err(|e| format!("error: {e}"))?;
            let fields = match args.value("field-selector") {
                None => None,
                Some(raw) => Some(super::query::FieldSelector::parse(raw).map_err(|e| {
                    let kind = kinds.first().copied().unwrap_or(Kind::Pod);
                    super::query::list_error(kind, args.value("selector").unwrap_or(""), raw, &e)
                        .trim_end()
                        .to_string()
                })?),
            };
            if selector.is_none() && fields.is_none() && !args.flag("all") {
                return Err("error: resource(s) were provided, but no name was specified".into());
            }
            if let Some(f) = &fields {
                for kind in kinds {
                    f.check(*kind).map_err(|e| {
                        super::query::list_error(
                            *kind,
                            args.value("selector").unwrap_or(""),
                            &f.raw,
                            &e,
                        )
                        .trim_end()
                        .to_string()
                    })?;
                }
            }
            let mut out = Vec::new();
            for kind in kinds {
                let scope = kind.info().namespaced.then_some(ns);
                for obj in ctx.cluster.store.list(*kind, scope) {
                    let labels_ok = selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&obj.meta().labels));
                    if labels_ok && fields.as_ref().is_none_or(|f| f.matches(obj)) {
                        out.push((*kind, obj.meta().name.clone()));
                    }
                }
            }
            Ok(out)
        }
    }
}

/// kubectl's `--wait=true`: let simulated time pass until every deleted object is gone.
fn wait_until_gone(ctx: &mut Context<'_, '_>, deleted: &[(Kind, String, String)]) {
    for _ in 0..MAX_WAIT_SECS {
        let pending = deleted
            .iter()
            .any(|(k, ns, n)| ctx.cluster.store.get(*k, ns, n).is_some());
        if !pending {
            return;
        }
        ctx.cluster.advance(Duration::from_secs(1));
    }
}
