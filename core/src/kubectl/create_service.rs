//! `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME --tcp=P[:T]…`
//! (`pkg/cmd/create/create_service.go`): label and selector `app=NAME`, one port per `--tcp`
//! named after it (`80:8080` → `80-8080`).

use std::collections::BTreeMap;

use super::args::Args;
use super::dryrun;
use super::Context;
use crate::api::*;
use crate::CommandOutput;

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let ty = match args.positional.get(2).map(String::as_str) {
        Some("clusterip") => "ClusterIP",
        Some("nodeport") => "NodePort",
        Some("loadbalancer") => "LoadBalancer",
        Some("externalname") => "ExternalName",
        Some(other) => {
            return CommandOutput::stderr(
                format!("error: unknown command \"{other}\" for \"kubectl create service\"\n"),
                1,
            )
        }
        None => {
            return CommandOutput::stderr(
                "error: you must specify a service type: clusterip, externalname, loadbalancer or nodeport\n",
                1,
            )
        }
    };
    let Some(name) = args.positional.get(3).cloned() else {
        return CommandOutput::stderr("error: exactly one NAME is required, got 0\n", 1);
    };
    let cluster_ip = args.value("clusterip").map(str::to_string);
    let tcp = args.all_values("tcp");
    let headless = cluster_ip.as_deref() == Some("None");
    if tcp.is_empty() && ty != "ExternalName" && !headless {
        return CommandOutput::stderr(
            "error: at least one tcp port specifier must be provided\n",
            1,
        );
    }
    if ty == "ExternalName" && args.value("external-name").is_none() {
        return CommandOutput::stderr("error: required flag(s) \"external-name\" not set\n", 1);
    }
    let ports = match ports(args, tcp) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let labels: BTreeMap<String, String> = [("app".to_string(), name.clone())].into();
    let svc = Service {
        metadata: ObjectMeta {
            name: name.clone(),
            namespace: Some(ctx.namespace(args)),
            labels: labels.clone(),
            ..ObjectMeta::default()
        },
        spec: ServiceSpec {
            type_: Some(ty.to_string()),
            selector: (ty != "ExternalName").then_some(labels),
            ports,
            cluster_ip,
            external_name: args.value("external-name").map(str::to_string),
            ..ServiceSpec::default()
        },
        ..Service::default()
    };
    match dryrun::create_or_print(ctx.cluster, args, Object::Service(svc), "created") {
        Ok(out) => out,
        // The generator wraps every server error the same way.
        Err(e) => CommandOutput::stderr(
            format!(
                "error: failed to create {ty} service: {}\n",
                e.server_message()
            ),
            1,
        ),
    }
}

/// One ServicePort per `--tcp`, with `--node-port` on each.
fn ports(args: &Args, tcp: &[String]) -> Result<Vec<ServicePort>, CommandOutput> {
    let node_port = match args.value("node-port").map(str::parse::<i32>).transpose() {
        Ok(n) => n.filter(|n| *n != 0),
        Err(_) => {
            return Err(CommandOutput::stderr(
                "error: --node-port must be a number\n",
                1,
            ))
        }
    };
    let mut ports = Vec::new();
    for spec in tcp {
        let Some((port, target)) = parse_port(spec) else {
            return Err(CommandOutput::stderr(
                format!("error: invalid port spec \"{spec}\"\n"),
                1,
            ));
        };
        ports.push(ServicePort {
            name: Some(spec.replace(':', "-")),
            protocol: Some("TCP".into()),
            port,
            target_port: Some(target),
            node_port,
            ..ServicePort::default()
        });
    }
    Ok(ports)
}

/// `80` or `80:8080` or `80:http`.
fn parse_port(spec: &str) -> Option<(i32, IntOrString)> {
    let (port, target) = match spec.split_once(':') {
        Some((p, t)) => (p, Some(t)),
        None => (spec, None),
    };
    let port: i32 = port.parse().ok()?;
    let target = match target {
        None => IntOrString::Int(port),
        Some(t) => match t.parse::<i32>() {
            Ok(n) => IntOrString::Int(n),
            Err(_) => IntOrString::Str(t.to_string()),
        },
    };
    Some((port, target))
}
