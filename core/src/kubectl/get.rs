//! `kubectl get`: tables (with `-o wide`, `-A`, `--show-labels`, `-L`), `-o yaml|json|name`,
//! multi-kind requests with `kind/name` prefixes, and the NotFound / "No resources found"
//! reporting of `pkg/cmd/get/get.go`.

use super::args::Args;
use super::print::{self, columns, Format};
use super::resource::{self, Selection, Selector};
use super::{query, table, watch, Context};
use crate::api::{Kind, Object};
use crate::cluster::Cluster;
use crate::error::ApiError;
use crate::CommandOutput;

pub const ENDPOINTS_WARNING: &str =
    "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n";

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let mut out = CommandOutput::default();
    let words = &args.positional[1..];
    if words.is_empty() {
        out.err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n");
        out.exit_code = 1;
        return out;
    }
    let format = match Format::parse(args.value("output")) {
        Ok(f) => f,
        Err(e) => return fail(out, &e),
    };
    let (selection, multi) = match resource::select(words) {
        Ok(s) => s,
        Err(e) => return fail(out, &e),
    };
    let selector = match args.value("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return fail(out, &e),
    };
    let fields = match args
        .value("field-selector")
        .map(query::FieldSelector::parse)
        .transpose()
    {
        Ok(f) => f,
        Err(e) => {
            let kind = selection_kinds(&selection).first().copied();
            return server_error(out, args, kind.unwrap_or(Kind::Pod), &e);
        }
    };
    if let Format::CustomColumns(spec) = &format {
        if let Err(e) = query::parse_columns(spec) {
            return fail(out, &e);
        }
    }
    let all_ns = args.flag("all-namespaces");
    if all_ns && matches!(selection, Selection::Named(_)) {
        return fail(
            out,
            "a resource cannot be retrieved by name across all namespaces",
        );
    }
    let ns = ctx.namespace(args);
    if args.flag("watch") || args.flag("watch-only") {
        let watch = WatchRequest {
            selection: &selection,
            selector,
            fields,
            format,
            all_ns,
            ns,
        };
        return start_watch(ctx, args, watch, out);
    }
    let kinds_touched = selection_kinds(&selection);
    if let Some(f) = &fields {
        for kind in &kinds_touched {
            if let Err(e) = f.check(*kind) {
                return server_error(out, args, *kind, &e);
            }
        }
    }
    if kinds_touched.contains(&Kind::Endpoints) {
        out.err(ENDPOINTS_WARNING);
    }
    let single = matches!(&selection, Selection::Named(n) if n.len() == 1);
    let (mut found, errors) = collect(ctx, &selection, selector.as_ref(), all_ns, &ns);
    if let Some(f) = &fields {
        found.retain(|o| f.matches(o));
    }
    if let Some(expr) = args.value("sort-by") {
        let per_table = matches!(format, Format::Table | Format::Wide);
        if let Err(e) = sort(&mut found, expr, per_table) {
            return fail(out, &e);
        }
    }
    let refs: Vec<&Object> = found.iter().collect();
    let view = View {
        format: &format,
        multi: multi || args.flag("show-kind"),
        all_ns,
        single,
    };
    if let Err(msg) = print(
        &mut out,
        ctx,
        args,
        &refs,
        &view,
        &kinds_touched,
        &ns,
        errors.is_empty(),
    ) {
        return fail(out, &msg);
    }
    out.err(crate::error::report(&errors));
    if !errors.is_empty() {
        out.exit_code = 1;
    }
    out
}

/// What `get -w` watches.
struct WatchRequest<'a> {
    selection: &'a Selection,
    selector: Option<Selector>,
    fields: Option<query::FieldSelector>,
    format: Format,
    all_ns: bool,
    ns: String,
}

/// `get -w`: the first listing now; the rest streams while the watch holds the terminal, or,
/// with `--request-timeout`, for that long of simulated time before the command returns.
fn start_watch(
    ctx: &mut Context<'_, '_>,
    args: &Args,
    req: WatchRequest<'_>,
    mut out: CommandOutput,
) -> CommandOutput {
    let (kind, name) = match req.selection {
        Selection::Kinds(k) if k.len() == 1 => (k[0], None),
        Selection::Named(n) if n.len() == 1 => (n[0].0, Some(n[0].1.clone())),
        Selection::Named(n) if n.iter().all(|(k, _)| *k == n[0].0) => {
            return fail(out, "watch is only supported on individual resources and resource collections, but 2 resources were found")
        }
        _ => return fail(out, "you may only specify a single resource type"),
    };
    if let Some(f) = &req.fields {
        if let Err(e) = f.check(kind) {
            return server_error(out, args, kind, &e);
        }
    }
    let timeout = match args.value("request-timeout").map(watch::request_timeout_ms) {
        Some(Ok(ms)) => ms,
        Some(Err(e)) => return fail(out, &e),
        None => 0,
    };
    if let Some(n) = &name {
        if ctx.cluster.store.get(kind, &req.ns, n).is_none() {
            out.err(crate::error::report(&[ApiError::NotFound {
                resource: kind.info().plural_qualified(),
                name: n.clone(),
            }]));
            out.exit_code = 1;
            return out;
        }
    }
    if kind == Kind::Endpoints {
        out.err(ENDPOINTS_WARNING);
    }
    let namespace = (!req.all_ns).then_some(req.ns);
    let mut w = watch::Watch::new(
        ctx.cluster,
        kind,
        namespace,
        name,
        req.selector,
        req.fields,
        req.format,
        args,
    );
    out.extend(w.initial(ctx.cluster));
    if timeout == 0 {
        ctx.io.followup = Some(super::Followup::Watch(Box::new(w)));
        return out;
    }
    let mut waited = 0;
    while waited < timeout {
        let step = (timeout - waited).min(watch::POLL_MS);
        ctx.cluster.advance(crate::sim::Duration::from_millis(step));
        waited += step;
        out.extend(w.poll(ctx.cluster));
    }
    out
}

fn selection_kinds(selection: &Selection) -> Vec<Kind> {
    match selection {
        Selection::Kinds(k) => k.clone(),
        Selection::Named(n) => n.iter().map(|(k, _)| *k).collect(),
    }
}

/// `--sort-by`: tables sort each kind's rows (and only when there are two or more); the other
/// printers sort the whole list.
fn sort(found: &mut [Object], expr: &str, per_table: bool) -> Result<(), String> {
    if !per_table {
        return query::sort(found, expr);
    }
    let mut start = 0;
    while start < found.len() {
        let kind = found[start].kind();
        let len = found[start..]
            .iter()
            .take_while(|o| o.kind() == kind)
            .count();
        if len > 1 {
            query::sort(&mut found[start..start + len], expr)?;
        }
        start += len;
    }
    Ok(())
}

/// A list call the apiserver refused (a bad field selector), in kubectl's wrapping.
fn server_error(mut out: CommandOutput, args: &Args, kind: Kind, message: &str) -> CommandOutput {
    out.err(query::list_error(
        kind,
        args.value("selector").unwrap_or(""),
        args.value("field-selector").unwrap_or(""),
        message,
    ));
    out.exit_code = 1;
    out
}

/// The objects a selection names, and NotFound errors for named ones that do not exist.
fn collect(
    ctx: &Context<'_, '_>,
    selection: &Selection,
    selector: Option<&Selector>,
    all_ns: bool,
    ns: &str,
) -> (Vec<Object>, Vec<ApiError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    match selection {
        Selection::Kinds(kinds) => {
            for kind in kinds {
                let scope = (!all_ns && kind.info().namespaced).then_some(ns);
                for obj in ctx.cluster.store.list(*kind, scope) {
                    if selector.is_none_or(|s| s.matches(&obj.meta().labels)) {
                        found.push(obj.clone());
                    }
                }
            }
        }
        Selection::Named(items) => {
            for (kind, name) in items {
                match ctx.cluster.store.get(*kind, ns, name) {
                    Some(o) => found.push(o.clone()),
                    None => errors.push(ApiError::NotFound {
                        resource: kind.info().plural_qualified(),
                        name: name.clone(),
                    }),
                }
            }
        }
    }
    (found, errors)
}

fn fail(mut out: CommandOutput, msg: &str) -> CommandOutput {
    out.err(format!("error: {msg}\n"));
    out.exit_code = 1;
    out
}

fn no_resources(kinds: &[Kind], all_ns: bool, ns: &str) -> String {
    let namespaced = kinds.iter().any(|k| k.info().namespaced);
    if all_ns || !namespaced {
        "No resources found\n".into()
    } else {
        format!("No resources found in {ns} namespace.\n")
    }
}

/// How `get` prints what it found.
struct View<'a> {
    format: &'a Format,
    multi: bool,
    all_ns: bool,
    single: bool,
}

#[allow(clippy::too_many_arguments)]
fn print(
    out: &mut CommandOutput,
    ctx: &Context<'_, '_>,
    args: &Args,
    refs: &[&Object],
    view: &View<'_>,
    kinds: &[Kind],
    ns: &str,
    no_errors: bool,
) -> Result<(), String> {
    match view.format {
        Format::Table | Format::Wide => {
            if refs.is_empty() && no_errors {
                out.err(no_resources(kinds, view.all_ns, ns));
            } else {
                let wide = *view.format == Format::Wide;
                out.out(tables(
                    ctx.cluster,
                    args,
                    refs,
                    wide,
                    view.multi,
                    view.all_ns,
                ));
            }
        }
        Format::Name => {
            for o in refs {
                out.out(format!("{}\n", print::qualified_name(o)));
            }
        }
        Format::Yaml | Format::Json => {
            if !(view.single && refs.is_empty()) {
                let v = print::as_value(refs, view.single);
                out.out(if *view.format == Format::Yaml {
                    print::yaml::to_yaml(&v)
                } else {
                    print::to_json(&v)
                });
            }
        }
        Format::CustomColumns(spec) => {
            let columns = query::parse_columns(spec)?;
            out.out(query::custom_columns(
                &columns,
                refs,
                args.flag("no-headers"),
            )?);
        }
        Format::JsonPath(template) => {
            let v = print::as_value(refs, view.single);
            match super::jsonpath::kubectl_output(template, &v, true) {
                Ok(text) => out.out(text),
                // The message already ends in its newline (kubectl's debugging dump included).
                Err(message) => {
                    out.err(format!("error: {message}"));
                    out.exit_code = 1;
                }
            }
        }
    }
    Ok(())
}

/// One table per kind, separated by blank lines.
fn tables(
    cluster: &Cluster,
    args: &Args,
    objects: &[&Object],
    wide: bool,
    with_kind: bool,
    all_ns: bool,
) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < objects.len() {
        let kind = objects[i].kind();
        let group: Vec<&Object> = objects[i..]
            .iter()
            .take_while(|o| o.kind() == kind)
            .copied()
            .collect();
        i += group.len();
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&table_for(
            cluster, args, kind, &group, wide, with_kind, all_ns,
        ));
    }
    out
}

fn table_for(
    cluster: &Cluster,
    args: &Args,
    kind: Kind,
    objects: &[&Object],
    wide: bool,
    with_kind: bool,
    all_ns: bool,
) -> String {
    let rows = table_rows(cluster, args, kind, objects, wide, with_kind, all_ns);
    if args.flag("no-headers") {
        // The header never reaches the tabwriter, so it does not size the columns either.
        return table::render(rows.get(1..).unwrap_or(&[]));
    }
    table::render(&rows)
}

/// The header and one row per object, as kubectl's table printer lays out `get` for `kind`
/// (`-o wide`, `-A`'s NAMESPACE, `-L` and `--show-labels` columns, `kind/name` names).
pub(super) fn table_rows(
    cluster: &Cluster,
    args: &Args,
    kind: Kind,
    objects: &[&Object],
    wide: bool,
    with_kind: bool,
    all_ns: bool,
) -> Vec<Vec<String>> {
    let label_cols: Vec<String> = args
        .all_values("label-columns")
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::to_string)
        .collect();
    let show_labels = args.flag("show-labels");
    let mut header: Vec<String> = columns::header(kind, wide)
        .into_iter()
        .map(String::from)
        .collect();
    if all_ns && kind.info().namespaced {
        header.insert(0, "NAMESPACE".into());
    }
    for l in &label_cols {
        header.push(l.rsplit('/').next().unwrap_or(l).to_ascii_uppercase());
    }
    if show_labels {
        header.push("LABELS".into());
    }
    let mut rows = vec![header];
    for obj in objects {
        let mut row = columns::cells(cluster, obj, wide);
        if with_kind {
            if let Some(i) = columns::name_column(kind) {
                if let Some(cell) = row.get_mut(i) {
                    *cell = print::qualified_name(obj);
                }
            }
        }
        if all_ns && kind.info().namespaced {
            row.insert(0, obj.meta().namespace.clone().unwrap_or_default());
        }
        let labels = &obj.meta().labels;
        for l in &label_cols {
            row.push(labels.get(l).cloned().unwrap_or_default());
        }
        if show_labels {
            let all: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            row.push(if all.is_empty() {
                "<none>".into()
            } else {
                all.join(",")
            });
        }
        rows.push(row);
    }
    rows
}
