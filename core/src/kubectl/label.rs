//! `kubectl label`, `kubectl annotate` and `kubectl scale`: small read-modify-write verbs over the update path, so
//! the apiserver validates them (label syntax, non-negative replicas) like any other write.

use super::args::Args;
use super::resource::{self, Selection, Selector};
use super::Context;
use crate::api::{Kind, Object};
use crate::apiserver;
use crate::error::{report, ApiError};
use crate::CommandOutput;

/// The objects named by resource words, `-l` or `--all`, in the current namespace.
pub(super) fn targets(
    ctx: &Context<'_, '_>,
    args: &Args,
    words: &[String],
) -> Result<Vec<(Kind, String)>, String> {
    let (selection, _) = resource::select(words)?;
    let ns = ctx.namespace(args);
    match selection {
        Selection::Named(items) => Ok(items),
        Selection::Kinds(kinds) => {
            let selector = args.value("selector").map(Selector::parse).transpose()?;
            if selector.is_none() && !args.flag("all") {
                return Err("resource(s) were provided, but no name was specified".into());
            }
            let mut out = Vec::new();
            for kind in kinds {
                let scope = kind.info().namespaced.then_some(ns.as_str());
                for obj in ctx.cluster.store.list(kind, scope) {
                    if selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&obj.meta().labels))
                    {
                        out.push((kind, obj.meta().name.clone()));
                    }
                }
            }
            Ok(out)
        }
    }
}

fn fetch(ctx: &Context<'_, '_>, args: &Args, kind: Kind, name: &str) -> Result<Object, ApiError> {
    let ns = ctx.namespace(args);
    ctx.cluster
        .store
        .get(kind, &ns, name)
        .cloned()
        .ok_or_else(|| ApiError::NotFound {
            resource: kind.info().plural_qualified(),
            name: name.to_string(),
        })
}

/// Which metadata map a verb edits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum MetaMap {
    Labels,
    Annotations,
}

/// `kubectl label TYPE NAME k=v k2-… [--overwrite]`.
pub fn label(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    edit_map(ctx, args, MetaMap::Labels)
}

/// `kubectl annotate TYPE NAME k=v k2-… [--overwrite]`.
pub fn annotate(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    edit_map(ctx, args, MetaMap::Annotations)
}

fn edit_map(ctx: &mut Context<'_, '_>, args: &Args, which: MetaMap) -> CommandOutput {
    let (ops, words): (Vec<String>, Vec<String>) = args.positional[1..]
        .iter()
        .cloned()
        .partition(|w| w.contains('=') || (w.ends_with('-') && !w.contains('/')));
    if ops.is_empty() {
        let what = match which {
            MetaMap::Labels => "label",
            MetaMap::Annotations => "annotation",
        };
        return CommandOutput::stderr(
            format!("error: at least one {what} update is required\n"),
            1,
        );
    }
    let targets = match targets(ctx, args, &words) {
        Ok(t) => t,
        Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
    };
    let overwrite = args.flag("overwrite");
    let mut out = CommandOutput::default();
    let mut errors = Vec::new();
    for (kind, name) in targets {
        let mut obj = match fetch(ctx, args, kind, &name) {
            Ok(o) => o,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let pick = |o: &mut Object| match which {
            MetaMap::Labels => o.meta().labels.clone(),
            MetaMap::Annotations => o.meta().annotations.clone(),
        };
        let before = pick(&mut obj);
        let labels = match which {
            MetaMap::Labels => &mut obj.meta_mut().labels,
            MetaMap::Annotations => &mut obj.meta_mut().annotations,
        };
        if let Err(msg) = apply_ops(labels, &ops, overwrite, which) {
            out.err(msg);
            out.exit_code = 1;
            return out;
        }
        let after = pick(&mut obj);
        let msg = match which {
            MetaMap::Annotations => "annotated",
            MetaMap::Labels if after == before => "not labeled",
            MetaMap::Labels if !overwrite && after.len() < before.len() => "unlabeled",
            MetaMap::Labels => "labeled",
        };
        let qualified = format!("{}/{name}", kind.info().singular_qualified());
        if after == before {
            out.out(format!("{qualified} {msg}\n"));
            continue;
        }
        match apiserver::replace_object(ctx.cluster, obj) {
            Ok(_) => out.out(format!("{qualified} {msg}\n")),
            Err(e) => errors.push(e),
        }
    }
    out.err(report(&errors));
    if !errors.is_empty() {
        out.exit_code = 1;
    }
    out
}

/// Applies `k=v` and `k-` operations; refuses to change a value without `--overwrite`.
fn apply_ops(
    map: &mut std::collections::BTreeMap<String, String>,
    ops: &[String],
    overwrite: bool,
    which: MetaMap,
) -> Result<(), String> {
    for op in ops {
        if let Some((k, v)) = op.split_once('=') {
            if let Some(old) = map.get(k).filter(|old| *old != v) {
                if !overwrite {
                    return Err(match which {
                        MetaMap::Labels => format!(
                            "error: '{k}' already has a value ({old}), and --overwrite is false\n"
                        ),
                        MetaMap::Annotations => format!(
                            "error: --overwrite is false but found the following declared annotation(s): '{k}' already has a value ({old})\n"
                        ),
                    });
                }
            }
            map.insert(k.to_string(), v.to_string());
        } else if let Some(k) = op.strip_suffix('-') {
            map.remove(k);
        }
    }
    Ok(())
}

/// `kubectl scale TYPE NAME --replicas=N`.
pub fn scale(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let Some(raw) = args.value("replicas") else {
        return CommandOutput::stderr("error: required flag(s) \"replicas\" not set\n", 1);
    };
    let Ok(replicas) = raw.parse::<i32>() else {
        return CommandOutput::stderr(
            format!("error: invalid argument \"{raw}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{raw}\": invalid syntax\n"),
            1,
        );
    };
    let targets = match targets(ctx, args, &args.positional[1..]) {
        Ok(t) => t,
        Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
    };
    let mut out = CommandOutput::default();
    let mut errors = Vec::new();
    for (kind, name) in targets {
        let mut obj = match fetch(ctx, args, kind, &name) {
            Ok(o) => o,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match &mut obj {
            Object::Deployment(d) => d.spec.replicas = Some(replicas),
            Object::ReplicaSet(r) => r.spec.replicas = Some(replicas),
            Object::StatefulSet(s) => s.spec.replicas = Some(replicas),
            other => {
                errors.push(ApiError::Client {
                    message: format!(
                        "cannot scale a {}: no scale subresource",
                        other.kind().info().kind
                    ),
                });
                continue;
            }
        }
        match apiserver::replace_object(ctx.cluster, obj) {
            Ok(_) => out.out(format!(
                "{}/{name} scaled\n",
                kind.info().singular_qualified()
            )),
            Err(e) => errors.push(e),
        }
    }
    out.err(report(&errors));
    if !errors.is_empty() {
        out.exit_code = 1;
    }
    out
}
