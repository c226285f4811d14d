//! `kubectl logs POD|TYPE/NAME [-c CONTAINER] [--tail N]`: what a pod's container printed. The
//! images' servers log their start-up and every request they answer (`tools::pod_logs`), so
//! learners can see which pod served which request.

use super::args::Args;
use super::Context;
use crate::api::Pod;
use crate::CommandOutput;

const USAGE: &str = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n";

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let Some(target) = args.positional.get(1) else {
        return CommandOutput::stderr(USAGE, 1);
    };
    let ns = ctx.namespace(args);
    let (name, found) = match crate::shell::pod::find_pod_counted(ctx.cluster, &ns, target) {
        Ok(n) => n,
        Err(message) => return CommandOutput::stderr(message, 1),
    };
    let mut out = CommandOutput::default();
    if found > 1 {
        out.err(format!("Found {found} pods, using pod/{name}\n"));
    }
    let Some(pod) = ctx.cluster.store.get_typed::<Pod>(&ns, &name) else {
        return CommandOutput::stderr(
            format!("Error from server (NotFound): pods \"{name}\" not found\n"),
            1,
        );
    };
    let containers: Vec<&str> = pod
        .spec
        .containers
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let container = match args.value("container") {
        Some(c) if containers.contains(&c) => c.to_string(),
        Some(c) => {
            return CommandOutput::stderr(
                format!("error: container {c} is not valid for pod {name}\n"),
                1,
            )
        }
        None => containers
            .first()
            .map(|c| c.to_string())
            .unwrap_or_default(),
    };
    if args.value("container").is_none() && containers.len() > 1 {
        out.err(format!(
            "Defaulted container \"{container}\" out of: {}\n",
            containers.join(", ")
        ));
    }
    if let Some(waiting) = waiting_reason(pod, &container) {
        out.err(format!(
            "Error from server (BadRequest): container \"{container}\" in pod \"{name}\" is waiting to start: {waiting}\n"
        ));
        out.exit_code = 1;
        return out;
    }
    let mut lines = crate::tools::pod_logs(ctx.cluster, &ns, &name);
    if let Some(tail) = args.value("tail") {
        match tail.parse::<i64>() {
            Ok(n) if n >= 0 => {
                let keep = usize::try_from(n).unwrap_or(usize::MAX);
                lines = lines.split_off(lines.len().saturating_sub(keep));
            }
            Ok(_) => {}
            Err(_) => {
                return CommandOutput::stderr(
                    format!("error: invalid argument \"{tail}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{tail}\": invalid syntax\n"),
                    1,
                )
            }
        }
    }
    out.out(lines.iter().map(|l| format!("{l}\n")).collect::<String>());
    out
}

/// The reason a container has not started yet (`ContainerCreating`…), if it has not.
fn waiting_reason(pod: &Pod, container: &str) -> Option<String> {
    let status = pod.status.as_ref()?;
    let Some(cs) = status
        .container_statuses
        .iter()
        .find(|c| c.name == container)
    else {
        return Some("ContainerCreating".to_string());
    };
    if cs.state.running.is_some() || cs.state.terminated.is_some() || cs.last_state.is_some() {
        return None;
    }
    Some(
        cs.state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.clone())
            .unwrap_or_else(|| "ContainerCreating".to_string()),
    )
}
