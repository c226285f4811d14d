//! `kubectl rollout status|restart` (history and undo live in `history.rs`) and `kubectl set image`: the rollout verbs of
//! `pkg/cmd/rollout` and `pkg/cmd/set`. `rollout status` watches like kubectl does, which here
//! means letting simulated time pass a second at a time until the rollout is done.

use super::args::Args;
use super::resource;
use super::Context;
use crate::api::{Deployment, Kind, Object, PodTemplateSpec};
use crate::apiserver;
use crate::sim::Duration;
use crate::CommandOutput;

/// How long `rollout status` waits without `--timeout` (kubectl would wait forever).
const DEFAULT_WAIT_SECS: u64 = 600;

fn target(words: &[String]) -> Result<(Kind, String), String> {
    match words {
        [tn] if tn.contains('/') => {
            let (t, n) = tn.split_once('/').unwrap_or((tn, ""));
            Ok((resource::resolve_one(t)?, n.to_string()))
        }
        [t, n] => Ok((resource::resolve_one(t)?, n.clone())),
        _ => Err("required resource not specified".into()),
    }
}

pub fn rollout(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let sub = args.positional.get(1).map(String::as_str).unwrap_or("");
    let (kind, name) = match target(args.positional.get(2..).unwrap_or(&[])) {
        Ok(t) => t,
        Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
    };
    let ns = ctx.namespace(args);
    if ctx.cluster.store.get(kind, &ns, &name).is_none() {
        return CommandOutput::stderr(
            format!(
                "Error from server (NotFound): {} \"{name}\" not found\n",
                kind.info().plural_qualified()
            ),
            1,
        );
    }
    match sub {
        "status" if kind == Kind::Deployment => status(ctx, args, &ns, &name),
        "restart" => restart(ctx, kind, &ns, &name),
        "history" | "undo" => {
            let Some(d) = ctx
                .cluster
                .store
                .get_typed::<Deployment>(&ns, &name)
                .cloned()
            else {
                let what = if sub == "history" {
                    "history viewer"
                } else {
                    "rollbacker"
                };
                let info = kind.info();
                let group_kind = if info.group.is_empty() {
                    info.kind.to_string()
                } else {
                    format!("{}.{}", info.kind, info.group)
                };
                return CommandOutput::stderr(
                    format!("error: no {what} has been implemented for \"{group_kind}\"\n"),
                    1,
                );
            };
            if sub == "history" {
                super::history::history(ctx, args, &d)
            } else {
                super::history::undo(ctx, args, &d)
            }
        }
        "status" => CommandOutput::stderr(
            format!(
                "error: no status viewer has been implemented for {}",
                kind.info().kind
            ) + "\n",
            1,
        ),
        other => CommandOutput::stderr(
            format!("error: unknown command \"{other}\" for \"kubectl rollout\"\n"),
            1,
        ),
    }
}

/// `DeploymentStatusViewer.Status`: the message and whether the rollout is done.
fn deployment_status(d: &Deployment) -> Result<(String, bool), String> {
    let name = &d.metadata.name;
    let st = d.status.clone().unwrap_or_default();
    if d.metadata.generation.unwrap_or(0) > st.observed_generation.unwrap_or(0) {
        return Ok((
            "Waiting for deployment spec update to be observed...\n".into(),
            false,
        ));
    }
    let timed_out = st.conditions.iter().any(|c| {
        c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    });
    if timed_out {
        return Err(format!(
            "deployment {name:?} exceeded its progress deadline"
        ));
    }
    let replicas = d.spec.replicas.unwrap_or(1);
    let updated = st.updated_replicas.unwrap_or(0);
    let total = st.replicas.unwrap_or(0);
    let available = st.available_replicas.unwrap_or(0);
    Ok(if updated < replicas {
        (format!("Waiting for deployment {name:?} rollout to finish: {updated} out of {replicas} new replicas have been updated...\n"), false)
    } else if total > updated {
        (format!("Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...\n", total - updated), false)
    } else if available < updated {
        (format!("Waiting for deployment {name:?} rollout to finish: {available} of {updated} updated replicas are available...\n"), false)
    } else {
        (
            format!("deployment {name:?} successfully rolled out\n"),
            true,
        )
    })
}

fn status(ctx: &mut Context<'_, '_>, args: &Args, ns: &str, name: &str) -> CommandOutput {
    let limit = args
        .value("timeout")
        .and_then(|t| t.trim_end_matches('s').parse::<u64>().ok())
        .filter(|t| *t > 0)
        .unwrap_or(DEFAULT_WAIT_SECS);
    let mut out = CommandOutput::default();
    let mut last = String::new();
    for waited in 0..=limit {
        let Some(d) = ctx.cluster.store.get_typed::<Deployment>(ns, name).cloned() else {
            out.err(format!("error: deployments.apps {name:?} not found\n"));
            out.exit_code = 1;
            return out;
        };
        match deployment_status(&d) {
            Ok((msg, done)) => {
                if msg != last {
                    out.out(msg.clone());
                    last = msg;
                }
                if done {
                    return out;
                }
            }
            Err(e) => {
                out.err(format!("error: {e}\n"));
                out.exit_code = 1;
                return out;
            }
        }
        if waited < limit {
            ctx.cluster.advance(Duration::from_secs(1));
        }
    }
    out.err("error: timed out waiting for the condition\n");
    out.exit_code = 1;
    out
}

fn template_mut(obj: &mut Object) -> Option<&mut PodTemplateSpec> {
    match obj {
        Object::Deployment(d) => Some(&mut d.spec.template),
        Object::StatefulSet(s) => Some(&mut s.spec.template),
        Object::ReplicaSet(r) => Some(&mut r.spec.template),
        _ => None,
    }
}

/// Stamps `kubectl.kubernetes.io/restartedAt` on the pod template, as kubectl does.
fn restart(ctx: &mut Context<'_, '_>, kind: Kind, ns: &str, name: &str) -> CommandOutput {
    let Some(mut obj) = ctx.cluster.store.get(kind, ns, name).cloned() else {
        return CommandOutput::stderr("error: not found\n", 1);
    };
    let now = ctx.cluster.now.to_rfc3339();
    let Some(t) = template_mut(&mut obj).filter(|_| kind != Kind::ReplicaSet) else {
        return CommandOutput::stderr(
            format!(
                "error: {}/{name} restarting is not supported\n",
                kind.info().singular_qualified()
            ),
            1,
        );
    };
    t.metadata
        .annotations
        .insert("kubectl.kubernetes.io/restartedAt".into(), now);
    match apiserver::replace_object(ctx.cluster, obj) {
        Ok(_) => CommandOutput::stdout(format!(
            "{}/{name} restarted\n",
            kind.info().singular_qualified()
        )),
        Err(e) => CommandOutput::stderr(format!("{e}\n"), 1),
    }
}

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE… ` (`*=IMAGE` for every container).
pub fn set(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    if args.positional.get(1).map(String::as_str) != Some("image") {
        return CommandOutput::stderr("error: unknown command for \"kubectl set\"\n", 1);
    }
    let (pairs, words): (Vec<String>, Vec<String>) = args.positional[2..]
        .iter()
        .cloned()
        .partition(|w| w.contains('='));
    if pairs.is_empty() {
        return CommandOutput::stderr("error: at least one image update is required\n", 1);
    }
    let (kind, name) = match target(&words) {
        Ok(t) => t,
        Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
    };
    let ns = ctx.namespace(args);
    let Some(mut obj) = ctx.cluster.store.get(kind, &ns, &name).cloned() else {
        return CommandOutput::stderr(
            format!(
                "Error from server (NotFound): {} \"{name}\" not found\n",
                kind.info().plural_qualified()
            ),
            1,
        );
    };
    let containers = match &mut obj {
        Object::Pod(p) => &mut p.spec.containers,
        other => match template_mut(other) {
            Some(t) => &mut t.spec.containers,
            None => return CommandOutput::stderr("error: no containers to set\n", 1),
        },
    };
    for pair in &pairs {
        let (container, image) = pair.split_once('=').unwrap_or((pair.as_str(), ""));
        let mut found = false;
        for c in containers.iter_mut() {
            if container == "*" || c.name == container {
                c.image = Some(image.to_string());
                found = true;
            }
        }
        if !found {
            return CommandOutput::stderr(
                format!("error: unable to find container named \"{container}\"\n"),
                1,
            );
        }
    }
    match apiserver::replace_object(ctx.cluster, obj) {
        Ok(_) => CommandOutput::stdout(format!(
            "{}/{name} image updated\n",
            kind.info().singular_qualified()
        )),
        Err(e) => CommandOutput::stderr(format!("{e}\n"), 1),
    }
}
