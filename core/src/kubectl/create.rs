//! `kubectl create`: `-f` (shared with apply), `namespace`, `configmap --from-literal`,
//! `deployment` (the generator of
//! `pkg/cmd/create/create_deployment.go`).

use std::collections::BTreeMap;

use super::apply::{self, Mode};
use super::args::Args;
use super::dryrun;
use super::Context;
use crate::api::*;
use crate::CommandOutput;

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    if !args.all_values("filename").is_empty() {
        return apply::run(ctx, args, Mode::Create);
    }
    let sub = args.positional.get(1).map(String::as_str);
    let name = args.positional.get(2).cloned();
    match (sub, name) {
        (Some("namespace" | "ns"), Some(name)) => create_namespace(ctx, args, &name),
        (Some("deployment" | "deploy"), Some(name)) => create_deployment(ctx, args, &name),
        (Some("service" | "svc"), _) => super::create_service::run(ctx, args),
        (Some("configmap" | "cm"), Some(name)) => create_configmap(ctx, args, &name),
        (Some("namespace" | "ns" | "deployment" | "deploy" | "configmap" | "cm"), None) => {
            CommandOutput::stderr("error: exactly one NAME is required, got 0\n", 1)
        }
        (Some(other), _) => CommandOutput::stderr(
            format!("error: unknown command \"{other}\" for \"kubectl create\"\n"),
            1,
        ),
        (None, _) => CommandOutput::stderr("error: must specify one of -f and -k\n", 1),
    }
}

fn create_namespace(ctx: &mut Context<'_, '_>, args: &Args, name: &str) -> CommandOutput {
    let ns = Namespace {
        metadata: ObjectMeta {
            name: name.to_string(),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    match dryrun::create_or_print(ctx.cluster, args, Object::Namespace(ns), "created") {
        Ok(out) => out,
        Err(e) => CommandOutput::stderr(format!("{e}\n"), 1),
    }
}

/// `kubectl create configmap NAME --from-literal=KEY=VALUE…`.
fn create_configmap(ctx: &mut Context<'_, '_>, args: &Args, name: &str) -> CommandOutput {
    let mut data = BTreeMap::new();
    for literal in args.all_values("from-literal") {
        let Some((k, v)) = literal.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return CommandOutput::stderr(
                format!("error: invalid literal source {literal}, expected key=value\n"),
                1,
            );
        };
        if data.insert(k.to_string(), v.to_string()).is_some() {
            return CommandOutput::stderr(
                format!("error: cannot add key {k}, another key by that name already exists in Data for ConfigMap \"{name}\"\n"),
                1,
            );
        }
    }
    let cm = ConfigMap {
        metadata: ObjectMeta {
            name: name.to_string(),
            namespace: Some(ctx.namespace(args)),
            ..ObjectMeta::default()
        },
        data,
        ..ConfigMap::default()
    };
    match dryrun::create_or_print(ctx.cluster, args, Object::ConfigMap(cm), "created") {
        Ok(out) => out,
        Err(e) => CommandOutput::stderr(format!("{e}\n"), 1),
    }
}

/// Container name from an image: last path segment without tag or digest.
pub fn container_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let last = last.split('@').next().unwrap_or(last);
    last.split(':').next().unwrap_or(last).to_string()
}

fn create_deployment(ctx: &mut Context<'_, '_>, args: &Args, name: &str) -> CommandOutput {
    let images = args.all_values("image");
    if images.is_empty() {
        return CommandOutput::stderr("error: required flag(s) \"image\" not set\n", 1);
    }
    let replicas = match args.value("replicas").map(str::parse::<i32>).transpose() {
        Ok(r) => r.unwrap_or(1),
        Err(_) => {
            let v = args.value("replicas").unwrap_or("");
            return CommandOutput::stderr(
                format!("error: invalid argument \"{v}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\n"),
                1,
            );
        }
    };
    let port = match args.value("port").map(str::parse::<i32>).transpose() {
        Ok(p) => p,
        Err(_) => return CommandOutput::stderr("error: --port must be a number\n", 1),
    };
    let ns = ctx.namespace(args);
    let labels: BTreeMap<String, String> = [("app".to_string(), name.to_string())].into();
    let containers: Vec<Container> = images
        .iter()
        .map(|image| Container {
            name: container_name(image),
            image: Some(image.clone()),
            // `kubectl create deployment NAME --image=I -- CMD ARGS…` sets the command, as
            // create_deployment.go's buildPodSpec does for every container.
            command: args.after_dash.clone(),
            ports: port
                .map(|p| {
                    vec![ContainerPort {
                        container_port: p,
                        ..ContainerPort::default()
                    }]
                })
                .unwrap_or_default(),
            ..Container::default()
        })
        .collect();
    let deploy = Deployment {
        metadata: ObjectMeta {
            name: name.to_string(),
            namespace: Some(ns),
            labels: labels.clone(),
            ..ObjectMeta::default()
        },
        spec: DeploymentSpec {
            replicas: Some(replicas),
            selector: Some(LabelSelector {
                match_labels: labels.clone(),
                ..LabelSelector::default()
            }),
            template: PodTemplateSpec {
                metadata: ObjectMeta {
                    labels,
                    ..ObjectMeta::default()
                },
                spec: PodSpec {
                    containers,
                    ..PodSpec::default()
                },
            },
            ..DeploymentSpec::default()
        },
        ..Deployment::default()
    };
    match dryrun::create_or_print(ctx.cluster, args, Object::Deployment(deploy), "created") {
        Ok(out) => out,
        // The generator wraps every server error the same way.
        Err(e) => CommandOutput::stderr(
            format!(
                "error: failed to create deployment: {}\n",
                e.server_message()
            ),
            1,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names() {
        assert_eq!(container_name("traefik/whoami:v1.10"), "whoami");
        assert_eq!(container_name("nginx"), "nginx");
        assert_eq!(container_name("localhost:5000/app@sha256:ab"), "app");
    }
}
