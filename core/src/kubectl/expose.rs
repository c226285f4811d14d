//! `kubectl expose TYPE NAME --port P [--target-port T] [--type T] [--name N] [--protocol P]`:
//! a Service selecting what the Deployment, ReplicaSet, Service or Pod selects
//! (`pkg/cmd/expose/expose.go`), with the exposed object's labels.

use std::collections::BTreeMap;

use super::args::Args;
use super::dryrun;
use super::resource;
use super::Context;
use crate::api::*;
use crate::CommandOutput;

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let words = &args.positional[1..];
    let (kind, name) = match words {
        [t, n] => match resource::resolve_one(t) {
            Ok(k) => (k, n.clone()),
            Err(e) => return fail(&e),
        },
        [tn] if tn.contains('/') => {
            let (t, n) = tn.split_once('/').unwrap_or((tn, ""));
            match resource::resolve_one(t) {
                Ok(k) => (k, n.to_string()),
                Err(e) => return fail(&e),
            }
        }
        _ => return fail("You must provide the resource type and name to expose"),
    };
    let ns = ctx.namespace(args);
    let Some(obj) = ctx.cluster.store.get(kind, &ns, &name).cloned() else {
        return CommandOutput::stderr(
            format!(
                "Error from server (NotFound): {} \"{name}\" not found\n",
                kind.info().plural_qualified()
            ),
            1,
        );
    };
    let (selector, container_ports) = match exposed_parts(&obj) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let protocol = args.value("protocol").unwrap_or("TCP").to_string();
    let ports = match service_ports(args, &container_ports, &protocol) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let svc_name = args.value("name").unwrap_or(&name).to_string();
    let svc = Service {
        metadata: ObjectMeta {
            name: svc_name.clone(),
            namespace: Some(ns),
            labels: obj.meta().labels.clone(),
            ..ObjectMeta::default()
        },
        spec: ServiceSpec {
            type_: args.value("type").map(str::to_string),
            selector: Some(selector),
            ports,
            ..ServiceSpec::default()
        },
        ..Service::default()
    };
    match dryrun::create_or_print(ctx.cluster, args, Object::Service(svc), "exposed") {
        Ok(out) => out,
        Err(e) => CommandOutput::stderr(format!("{e}\n"), 1),
    }
}

fn fail(msg: &str) -> CommandOutput {
    CommandOutput::stderr(format!("error: {msg}\n"), 1)
}

type Parts = (BTreeMap<String, String>, Vec<(i32, String)>);

/// The selector the new Service gets and the container ports found by introspection.
fn exposed_parts(obj: &Object) -> Result<Parts, String> {
    let from_selector = |sel: &Option<LabelSelector>| -> Result<BTreeMap<String, String>, String> {
        match sel {
            Some(s) if s.match_expressions.is_empty() => Ok(s.match_labels.clone()),
            Some(_) => Err(
                "couldn't convert expressions - \"match expressions\" to map-based selector format"
                    .into(),
            ),
            None => Err("the exposed object has no selector".into()),
        }
    };
    let ports = |spec: &PodSpec| -> Vec<(i32, String)> {
        spec.containers
            .iter()
            .flat_map(|c| &c.ports)
            .map(|p| {
                (
                    p.container_port,
                    p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                )
            })
            .collect()
    };
    match obj {
        Object::Deployment(d) => Ok((
            from_selector(&d.spec.selector)?,
            ports(&d.spec.template.spec),
        )),
        Object::ReplicaSet(r) => Ok((
            from_selector(&r.spec.selector)?,
            ports(&r.spec.template.spec),
        )),
        Object::Pod(p) => Ok((p.metadata.labels.clone(), ports(&p.spec))),
        Object::Service(s) => {
            let ports = s
                .spec
                .ports
                .iter()
                .map(|p| (p.port, p.protocol.clone().unwrap_or_default()))
                .collect();
            Ok((s.spec.selector.clone().unwrap_or_default(), ports))
        }
        other => Err(format!("cannot expose a {}", other.kind().info().kind)),
    }
}

fn service_ports(
    args: &Args,
    introspected: &[(i32, String)],
    protocol: &str,
) -> Result<Vec<ServicePort>, String> {
    let target = args.value("target-port").map(|t| match t.parse::<i32>() {
        Ok(n) => IntOrString::Int(n),
        Err(_) => IntOrString::Str(t.to_string()),
    });
    let requested: Vec<(i32, String)> = match args.value("port") {
        Some(p) => {
            let mut v = Vec::new();
            for part in p.split(',') {
                let n = part
                    .parse::<i32>()
                    .map_err(|_| format!("invalid port \"{part}\""))?;
                v.push((n, protocol.to_string()));
            }
            v
        }
        None => introspected.to_vec(),
    };
    if requested.is_empty() {
        return Err("couldn't find port via --port flag or introspection".into());
    }
    let many = requested.len() > 1;
    Ok(requested
        .iter()
        .enumerate()
        .map(|(i, (port, proto))| ServicePort {
            name: many.then(|| format!("port-{}", i + 1)),
            protocol: Some(proto.clone()),
            port: *port,
            target_port: Some(target.clone().unwrap_or(IntOrString::Int(*port))),
            ..ServicePort::default()
        })
        .collect())
}
