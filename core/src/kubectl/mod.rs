//! `kubectl`: argument parsing, verbs and kubectl-exact output, emulating kubectl v1.33 (the
//! same minor as the simulated cluster, so `delete` prints no "from <ns> namespace" suffix and
//! validation values render as Go `%#v`).
//!
//! One file per verb group; `run` only parses and dispatches. Adding a verb means a file and a
//! match arm here, plus its flags in `args.rs`. Verbs: get, describe (svc, deploy, pod), apply,
//! create (-f, namespace, deployment, service *), replace, delete, expose, run, label, annotate,
//! scale, set image, rollout status|restart, config, version, cluster-info, api-resources,
//! api-versions. `exec` and `run -it` are the shell's (it calls `run` to create the pod).

pub mod apply;
pub mod args;
pub mod config;
pub mod create;
pub mod create_service;
pub mod delete;
pub mod describe;
pub mod discovery;
pub mod dryrun;
pub mod duration;
pub mod edit;
pub mod expose;
pub mod files;
pub mod get;
pub mod history;
pub mod jsonpath;
pub mod label;
pub mod logs;
pub mod patch;
pub mod print;
pub mod query;
pub mod resource;
pub mod rollout;
pub mod run;
pub mod table;
pub mod wait;
pub mod watch;

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
    /// What the command leaves running once it has printed: an editor or a watch.
    pub followup: Option<Followup>,
}

/// A command that keeps the terminal after its first output (`kubectl edit`, `kubectl get -w`);
/// the session carries it on.
#[derive(Clone, Debug)]
pub enum Followup {
    Edit(edit::EditState),
    Watch(Box<watch::Watch>),
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
        "replace" => apply::run(&mut ctx, &parsed, apply::Mode::Replace),
        "delete" => delete::run(&mut ctx, &parsed),
        "expose" => expose::run(&mut ctx, &parsed),
        "run" => run::run(&mut ctx, &parsed),
        "describe" => describe::run(&mut ctx, &parsed),
        "patch" => patch::run(&mut ctx, &parsed),
        "edit" => edit::run(&mut ctx, &parsed),
        "label" => label::label(&mut ctx, &parsed),
        "annotate" => label::annotate(&mut ctx, &parsed),
        "rollout" => rollout::rollout(&mut ctx, &parsed),
        "logs" => logs::run(&mut ctx, &parsed),
        "wait" => wait::run(&mut ctx, &parsed),
        "set" => rollout::set(&mut ctx, &parsed),
        "scale" => label::scale(&mut ctx, &parsed),
        "config" => config::config(&mut ctx, &parsed),
        "version" => config::version(&parsed),
        "cluster-info" => config::cluster_info(),
        "api-resources" => discovery::api_resources(&parsed),
        "api-versions" => discovery::api_versions(),
        "" => CommandOutput::stdout(USAGE),
        other => CommandOutput::stderr(
            format!("error: unknown command \"{other}\" for \"kubectl\"\n"),
            1,
        ),
    }
}

/// The first lines of `kubectl` with no arguments.
const USAGE: &str = "kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Event, Object, ObjectMeta, ObjectReference};
    use crate::sim::{Duration, Time};

    fn kubectl(cluster: &mut Cluster, stdin: &str, line: &str) -> String {
        let mut fs = Vfs::default();
        let mut ns = "default".to_string();
        let mut io = KubectlIo {
            fs: &mut fs,
            cwd: "/home/learner",
            stdin,
            namespace: &mut ns,
            followup: None,
        };
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        run(cluster, &mut io, &words).text()
    }

    #[test]
    fn apply_from_stdin() {
        let mut c = Cluster::new(1);
        let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: b\n";
        assert_eq!(
            kubectl(&mut c, manifest, "apply -f -"),
            "configmap/cfg created\n"
        );
        assert_eq!(
            kubectl(&mut c, "kind: [", "apply -f -"),
            "error: error parsing STDIN: error converting YAML to JSON: yaml: line 1: did not find expected node content\n"
        );
    }

    #[test]
    fn events_table() {
        let mut c = Cluster::new(1);
        let event = Event {
            metadata: ObjectMeta {
                name: "web.1".into(),
                namespace: Some("default".into()),
                creation_timestamp: Some(Time::ZERO),
                ..ObjectMeta::default()
            },
            involved_object: ObjectReference {
                kind: Some("Pod".into()),
                name: Some("web-abc".into()),
                ..ObjectReference::default()
            },
            reason: Some("BackOff".into()),
            message: Some("Back-off restarting failed container".into()),
            type_: Some("Warning".into()),
            count: Some(3),
            first_timestamp: Some(Time::ZERO),
            last_timestamp: Some(Time::ZERO.plus(Duration::from_secs(60))),
            ..Event::default()
        };
        c.store.put(Object::Event(event));
        c.now = Time::ZERO.plus(Duration::from_secs(120));
        assert_eq!(
            kubectl(&mut c, "", "get events"),
            "LAST SEEN          TYPE      REASON    OBJECT        MESSAGE\n60s (x3 over 2m)   Warning   BackOff   pod/web-abc   Back-off restarting failed container\n"
        );
    }
}
