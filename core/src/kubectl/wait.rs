//! `kubectl wait --for=condition=NAME[=VALUE]|delete TYPE/NAME… [-l SEL] [--all] [--timeout=D]`:
//! advances simulated time a second at a time until every object meets the condition, printing
//! `kind/name condition met` as each does, or kubectl's timeout error (default timeout 30 s).

use super::args::Args;
use super::Context;
use crate::api::Kind;
use crate::sim::Duration;
use crate::CommandOutput;

enum Want {
    Condition { name: String, value: String },
    Deleted,
}

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let want = match args.value("for") {
        None => return CommandOutput::stderr("error: --for must be set\n", 1),
        Some("delete") => Want::Deleted,
        Some(f) => match f.strip_prefix("condition=") {
            Some(c) => {
                let (name, value) = c.split_once('=').unwrap_or((c, "True"));
                Want::Condition {
                    name: name.to_string(),
                    value: value.to_string(),
                }
            }
            None => {
                return CommandOutput::stderr(
                    format!("error: unrecognized condition: \"{f}\"\n"),
                    1,
                )
            }
        },
    };
    let timeout_secs = match args.value("timeout").map(go_duration_secs) {
        None => 30,
        Some(Some(secs)) => secs,
        Some(None) => {
            let t = args.value("timeout").unwrap_or_default();
            return CommandOutput::stderr(
                format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\n"),
                1,
            );
        }
    };
    let words = args.positional[1..].to_vec();
    let targets = match super::label::targets(ctx, args, &words) {
        Ok(t) if t.is_empty() => {
            return CommandOutput::stderr("error: no matching resources found\n", 1)
        }
        Ok(t) => t,
        Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
    };
    let ns = ctx.namespace(args);
    let mut out = CommandOutput::default();
    let mut pending: Vec<(Kind, String)> = Vec::new();
    for (kind, name) in targets {
        let exists = ctx.cluster.store.get(kind, &ns, &name).is_some();
        if !exists && matches!(want, Want::Condition { .. }) {
            let resource = kind.info().plural_qualified();
            out.err(format!(
                "Error from server (NotFound): {resource} \"{name}\" not found\n"
            ));
            out.exit_code = 1;
            return out;
        }
        pending.push((kind, name));
    }
    for waited in 0..=timeout_secs {
        pending.retain(|(kind, name)| {
            let met = met(ctx, &want, *kind, &ns, name);
            if met {
                out.out(format!(
                    "{}/{name} condition met\n",
                    kind.info().singular_qualified()
                ));
            }
            !met
        });
        if pending.is_empty() {
            return out;
        }
        if waited < timeout_secs {
            ctx.cluster.advance(Duration::from_secs(1));
        }
    }
    for (kind, name) in &pending {
        let resource = kind.info().plural_qualified();
        out.err(format!(
            "error: timed out waiting for the condition on {resource}/{name}\n"
        ));
    }
    out.exit_code = 1;
    out
}

fn met(ctx: &Context<'_, '_>, want: &Want, kind: Kind, ns: &str, name: &str) -> bool {
    let Some(obj) = ctx.cluster.store.get(kind, ns, name) else {
        return matches!(want, Want::Deleted);
    };
    let Want::Condition { name: cond, value } = want else {
        return false;
    };
    let v = obj.to_value();
    let conditions = v.pointer("/status/conditions").and_then(|c| c.as_array());
    conditions.is_some_and(|list| {
        list.iter().any(|c| {
            c.get("type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.eq_ignore_ascii_case(cond))
                && c.get("status")
                    .and_then(|s| s.as_str())
                    .is_some_and(|s| s.eq_ignore_ascii_case(value))
        })
    })
}

/// Seconds in a Go duration such as `60s`, `2m`, `1h30m` or `90` (seconds), rounded up.
fn go_duration_secs(text: &str) -> Option<u64> {
    if let Ok(secs) = text.parse::<u64>() {
        return Some(secs);
    }
    let mut total_ms: u64 = 0;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit_ms = match (c, chars.peek()) {
            ('m', Some('s')) => {
                chars.next();
                1
            }
            ('s', _) => 1_000,
            ('m', _) => 60_000,
            ('h', _) => 3_600_000,
            _ => return None,
        };
        let n: u64 = number.parse().ok()?;
        total_ms = total_ms.saturating_add(n.saturating_mul(unit_ms));
        number.clear();
    }
    if !number.is_empty() {
        return None;
    }
    Some(total_ms.div_ceil(1000))
}
