//! `kubectl run NAME --image=IMG [--restart=…] [--port=P] [--env=K=V] [--labels=…] [--command]
//! [-- ARGS…]`: one Pod as kubectl's run generator builds it. Attaching (`-it`, `--rm`) is the
//! shell's business; it calls this verb without those flags to create the pod.

use std::collections::BTreeMap;

use super::args::Args;
use super::dryrun;
use super::Context;
use crate::api::*;
use crate::CommandOutput;

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let Some(name) = args.positional.get(1).cloned() else {
        return CommandOutput::stderr("error: NAME is required for run\n", 1);
    };
    let Some(image) = args.value("image").map(str::to_string) else {
        return CommandOutput::stderr("error: required flag(s) \"image\" not set\n", 1);
    };
    let restart = args.value("restart").unwrap_or("Always").to_string();
    if !["Always", "OnFailure", "Never"].contains(&restart.as_str()) {
        return CommandOutput::stderr(format!("error: invalid restart policy: {restart}\n"), 1);
    }
    let labels = match labels(args, &name) {
        Ok(l) => l,
        Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
    };
    let mut container = Container {
        name: name.clone(),
        image: Some(image),
        image_pull_policy: args.value("image-pull-policy").map(str::to_string),
        ..Container::default()
    };
    // Extra positional words and everything after `--` are the container's args (or command).
    let mut rest: Vec<String> = args.positional[2..].to_vec();
    rest.extend(args.after_dash.iter().cloned());
    if args.flag("command") {
        container.command = rest;
    } else {
        container.args = rest;
    }
    if let Some(p) = args.value("port") {
        match p.parse::<i32>() {
            Ok(n) => container.ports.push(ContainerPort {
                container_port: n,
                ..ContainerPort::default()
            }),
            Err(_) => return CommandOutput::stderr(format!("error: invalid port \"{p}\"\n"), 1),
        }
    }
    for e in args.all_values("env") {
        let (k, v) = e.split_once('=').unwrap_or((e.as_str(), ""));
        container.env.push(EnvVar {
            name: k.to_string(),
            value: Some(v.to_string()),
            value_from: None,
        });
    }
    let pod = Pod {
        metadata: ObjectMeta {
            name: name.clone(),
            namespace: Some(ctx.namespace(args)),
            labels,
            ..ObjectMeta::default()
        },
        spec: PodSpec {
            containers: vec![container],
            restart_policy: Some(restart),
            dns_policy: Some("ClusterFirst".into()),
            ..PodSpec::default()
        },
        ..Pod::default()
    };
    match dryrun::create_or_print(ctx.cluster, args, Object::Pod(pod), "created") {
        Ok(out) => out,
        Err(e) => CommandOutput::stderr(format!("{e}\n"), 1),
    }
}

/// `run=NAME`, or `--labels k=v,k2=v2`.
fn labels(args: &Args, name: &str) -> Result<BTreeMap<String, String>, String> {
    let Some(spec) = args.value("labels") else {
        return Ok([("run".to_string(), name.to_string())].into());
    };
    let mut out = BTreeMap::new();
    for pair in spec.split(',').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((k, v)) => {
                out.insert(k.to_string(), v.to_string());
            }
            None => return Err(format!("invalid label spec: {pair}")),
        }
    }
    Ok(out)
}
