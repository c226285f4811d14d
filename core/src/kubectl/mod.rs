//! `kubectl`: argument parsing, verbs and kubectl-exact output.

pub mod duration;
pub mod jsonpath;
pub mod table;

use crate::api::{Kind, Node, TypedObject};
use crate::cluster::Cluster;
use crate::vfs::Vfs;
use crate::CommandOutput;

/// The terminal-side state kubectl reads and writes besides the cluster.
pub struct KubectlIo<'a> {
    /// The terminal's files, for `-f FILE` and `-f DIR`.
    pub fs: &'a mut Vfs,
    /// Absolute working directory, for relative paths.
    pub cwd: &'a str,
    /// What the pipeline feeds kubectl (`-f -`).
    pub stdin: &'a str,
    /// The current context's namespace (`kubectl config set-context --current --namespace`).
    pub namespace: &'a mut String,
}

/// Runs one `kubectl` invocation (`args` excludes the program name) against the cluster.
pub fn run(cluster: &mut Cluster, _io: &mut KubectlIo<'_>, args: &[String]) -> CommandOutput {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["get", what] | ["get", what, "-o", "wide"]
            if Kind::from_resource(what) == Some(Kind::Node) =>
        {
            let wide = words.len() == 4;
            CommandOutput::stdout(get_nodes(cluster, wide))
        }
        [] => CommandOutput::stderr("error: You must specify the type of resource to get.\n", 1),
        _ => CommandOutput::stderr(
            format!("error: unknown command \"{}\" for \"kubectl\"\n", words[0]),
            1,
        ),
    }
}

fn get_nodes(cluster: &Cluster, wide: bool) -> String {
    let mut header = vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
    if wide {
        header.extend([
            "INTERNAL-IP",
            "EXTERNAL-IP",
            "OS-IMAGE",
            "KERNEL-VERSION",
            "CONTAINER-RUNTIME",
        ]);
    }
    let mut rows = vec![header.into_iter().map(String::from).collect::<Vec<_>>()];
    for node in cluster.store.list_typed::<Node>(None) {
        let meta = node.metadata();
        let status = node.status.clone().unwrap_or_default();
        let ready = status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True");
        let mut roles: Vec<&str> = meta
            .labels
            .keys()
            .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
            .collect();
        roles.sort_unstable();
        let info = status.node_info.clone().unwrap_or_default();
        let age = meta
            .creation_timestamp
            .map(|t| duration::human(cluster.now.since(t)))
            .unwrap_or_else(|| "<unknown>".into());
        let mut row = vec![
            meta.name.clone(),
            if ready {
                "Ready".into()
            } else {
                "NotReady".into()
            },
            if roles.is_empty() {
                "<none>".into()
            } else {
                roles.join(",")
            },
            age,
            info.kubelet_version.clone(),
        ];
        if wide {
            let internal = status
                .addresses
                .iter()
                .find(|a| a.type_ == "InternalIP")
                .map(|a| a.address.clone())
                .unwrap_or_else(|| "<none>".into());
            row.extend([
                internal,
                "<none>".into(),
                info.os_image.clone(),
                info.kernel_version.clone(),
                info.container_runtime_version.clone(),
            ]);
        }
        rows.push(row);
    }
    table::render(&rows)
}
