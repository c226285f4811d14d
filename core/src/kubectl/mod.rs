//! `kubectl`: argument parsing, verbs and kubectl-exact output, emulating kubectl v1.33 (the
//! same minor as the simulated cluster, so `delete` prints no "from <ns> namespace" suffix and
//! validation values render as Go `%#v`).
//!
//! One file per verb group; `run` only parses and dispatches. Adding a verb means a file and a
//! match arm here, plus its flags in `args.rs`.

pub mod apply;
pub mod args;
pub mod config;
pub mod create;
pub mod delete;
pub mod dryrun;
pub mod duration;
pub mod expose;
pub mod files;
pub mod get;
pub mod print;
pub mod resource;
pub mod run;
pub mod table;

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

/// What every verb works with: the cluster and the terminal.
pub struct Context<'a, 'b> {
    pub cluster: &'a mut Cluster,
    pub io: &'a mut KubectlIo<'b>,
}

impl Context<'_, '_> {
    /// `-n`/`--namespace`, else the kubeconfig context's namespace.
    pub fn namespace(&self, args: &args::Args) -> String {
        args.value("namespace")
            .map(str::to_string)
            .unwrap_or_else(|| self.io.namespace.clone())
    }
}

/// Runs one `kubectl` invocation (`args` excludes the program name) against the cluster.
pub fn run(cluster: &mut Cluster, io: &mut KubectlIo<'_>, words: &[String]) -> CommandOutput {
    let parsed = match args::parse(words) {
        Ok(a) => a,
        Err(e) => {
            let verb = words
                .iter()
                .find(|w| !w.starts_with('-'))
                .map(String::as_str)
                .unwrap_or("");
            let see = if verb.is_empty() {
                "See 'kubectl --help' for usage.".to_string()
            } else {
                format!("See 'kubectl {verb} --help' for usage.")
            };
            return CommandOutput::stderr(format!("error: {e}\n{see}\n"), 1);
        }
    };
    let mut ctx = Context { cluster, io };
    let verb = parsed.positional.first().map(String::as_str).unwrap_or("");
    match verb {
        "get" => get::run(&mut ctx, &parsed),
        "apply" => apply::run(&mut ctx, &parsed, apply::Mode::Apply),
        "create" => create::run(&mut ctx, &parsed),
        "delete" => delete::run(&mut ctx, &parsed),
        "expose" => expose::run(&mut ctx, &parsed),
        "run" => run::run(&mut ctx, &parsed),
        "config" => config::config(&mut ctx, &parsed),
        "version" => config::version(&parsed),
        "cluster-info" => config::cluster_info(),
        "" => CommandOutput::stdout(USAGE),
        other => CommandOutput::stderr(
            format!("error: unknown command \"{other}\" for \"kubectl\"\n"),
            1,
        ),
    }
}

/// The first lines of `kubectl` with no arguments.
const USAGE: &str = "kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n";
