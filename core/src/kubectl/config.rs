//! The kubeconfig and client verbs: `config current-context|view|set-context`, `version`,
//! `cluster-info`. The kubeconfig is kubeadm's `admin.conf`; only the namespace can change.

use super::args::Args;
use super::print::Format;
use super::Context;
use crate::cluster::{KUBERNETES_VERSION, NODES};
use crate::CommandOutput;

pub const CONTEXT: &str = "kubernetes-admin@kubernetes";
const KUSTOMIZE_VERSION: &str = "v5.6.0";

fn api_server() -> String {
    format!("https://{}:6443", NODES[0].1)
}

pub fn config(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    match args.positional.get(1).map(String::as_str) {
        Some("current-context") => CommandOutput::stdout(format!("{CONTEXT}\n")),
        Some("get-contexts") => {
            let ns = ctx.io.namespace.as_str();
            let ns = if ns == "default" { "" } else { ns };
            let rows = vec![
                vec![
                    "CURRENT".to_string(),
                    "NAME".into(),
                    "CLUSTER".into(),
                    "AUTHINFO".into(),
                    "NAMESPACE".into(),
                ],
                vec![
                    "*".to_string(),
                    CONTEXT.into(),
                    "kubernetes".into(),
                    "kubernetes-admin".into(),
                    ns.into(),
                ],
            ];
            CommandOutput::stdout(super::table::render(&rows))
        }
        Some("view") => CommandOutput::stdout(view(ctx.io.namespace)),
        Some("use-context") => match args.positional.get(2).map(String::as_str) {
            Some(CONTEXT) => CommandOutput::stdout(format!("Switched to context \"{CONTEXT}\".\n")),
            Some(other) => CommandOutput::stderr(
                format!("error: no context exists with the name: \"{other}\"\n"),
                1,
            ),
            None => CommandOutput::stderr(
                "error: Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples\n",
                1,
            ),
        },
        Some("set-context") => set_context(ctx, args),
        Some(other) => CommandOutput::stderr(
            format!("error: unknown command \"{other}\" for \"kubectl config\"\n"),
            1,
        ),
        None => CommandOutput::stderr(
            "error: you must specify a subcommand of \"kubectl config\"\n",
            1,
        ),
    }
}

fn set_context(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let named = args.positional.get(2).map(String::as_str);
    if !args.flag("current") && named != Some(CONTEXT) {
        if let Some(n) = named {
            return CommandOutput::stdout(format!("Context \"{n}\" created.\n"));
        }
        return CommandOutput::stderr(
            "error: you must specify a non-empty context name or --current\n",
            1,
        );
    }
    if let Some(ns) = args.value("namespace") {
        *ctx.io.namespace = ns.to_string();
    }
    CommandOutput::stdout(format!("Context \"{CONTEXT}\" modified.\n"))
}

fn view(namespace: &str) -> String {
    let ns_line = if namespace == "default" {
        String::new()
    } else {
        format!("    namespace: {namespace}\n")
    };
    format!(
        "apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: DATA+OMITTED
    server: {}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
{ns_line}    user: kubernetes-admin
  name: {CONTEXT}
current-context: {CONTEXT}
kind: Config
preferences: {{}}
users:
- name: kubernetes-admin
  user:
    client-certificate-data: DATA+OMITTED
    client-key-data: DATA+OMITTED
",
        api_server()
    )
}

pub fn version(args: &Args) -> CommandOutput {
    match Format::parse(args.value("output")) {
        Ok(Format::Table) => {}
        _ => {
            return CommandOutput::stderr("error: --output must be 'yaml' or 'json'\n", 1);
        }
    }
    let mut text =
        format!("Client Version: {KUBERNETES_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n");
    if !args.flag("client") {
        text.push_str(&format!("Server Version: {KUBERNETES_VERSION}\n"));
    }
    CommandOutput::stdout(text)
}

pub fn cluster_info() -> CommandOutput {
    let server = api_server();
    CommandOutput::stdout(format!(
        "Kubernetes control plane is running at {server}\nCoreDNS is running at {server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    ))
}
