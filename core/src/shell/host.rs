//! The session's side of the shell: the [`Host`] that runs kubectl and the network tools, and
//! the pod-terminal plumbing behind `kubectl exec` and `kubectl run -it` (which kubectl's own
//! module never sees: the session intercepts them).

use std::collections::BTreeMap;

use super::pod::{self, PodTerminal};
use super::{exec, kexec, Host, ShellState, Term};
use crate::api::{Kind, Object, Pod};
use crate::cluster::Cluster;
use crate::sim::Duration;
use crate::tools::{self, Origin};
use crate::vfs::Vfs;
use crate::{kubectl, CommandOutput};

/// A pod container's filesystem, kept across exec sessions like a real container's:
/// (namespace, pod, container).
pub type PodKey = (String, String, String);

/// One container instance: (namespace, pod, container, pod uid, container start ms, tty).
pub type EnvKey = (String, String, String, String, u64, bool);

/// Environments snapshotted per container instance, as the kubelet fixes them at container
/// start: Services created later are absent, deleted ones stay. Bounded; cleared when full.
pub type EnvCache = BTreeMap<EnvKey, Vec<(String, String)>>;
const ENV_CACHE_MAX: usize = 512;

/// What the shell reaches outside itself: kubectl, the network tools, the clock, pod terminals.
pub struct SessionHost<'a> {
    pub cluster: &'a mut Cluster,
    pub namespace: &'a mut String,
    pub origin: Origin,
    pub pod_fs: &'a mut BTreeMap<PodKey, Vfs>,
    pub pod_env: &'a mut EnvCache,
    /// A pod terminal `kubectl exec -it … -- sh` asked to open once the line finishes.
    pub open: Option<PodTerminal>,
    /// A file `vi` asked to edit once the line finishes.
    pub edit: Option<String>,
    /// What a kubectl command leaves running (`kubectl edit`'s editor, `kubectl get -w`).
    pub followup: Option<kubectl::Followup>,
}

impl Host for SessionHost<'_> {
    fn external(
        &mut self,
        term: &mut Term<'_>,
        argv: &[String],
        stdin: &str,
    ) -> Option<CommandOutput> {
        let (program, args) = argv.split_first()?;
        if program == "kubectl" && self.origin == Origin::Workstation {
            return Some(self.kubectl(term, args, stdin));
        }
        let mut out = tools::run(self.cluster, &self.origin, argv, stdin)?;
        // The tools word "not found" as a BusyBox sh; the terminal's own shell says it its way.
        if out.exit_code == 127 && out.text() == format!("sh: {program}: not found\n") {
            out = CommandOutput::stderr(term.st.flavor.not_found(program), 127);
        }
        Some(out)
    }

    fn now(&self) -> Option<crate::sim::Time> {
        Some(self.cluster.now)
    }

    fn edit(&mut self, path: &str) -> bool {
        self.edit = Some(path.to_string());
        true
    }

    fn sleep(&mut self, d: Duration) {
        self.cluster.advance(d);
    }

    fn program_path(&self, _term: &Term<'_>, name: &str) -> Option<String> {
        match (name, &self.origin) {
            ("kubectl", Origin::Workstation) => Some("/usr/local/bin/kubectl".into()),
            ("curl" | "nslookup" | "dig" | "host" | "ping" | "nc" | "wget", _) => {
                Some(format!("/usr/bin/{name}"))
            }
            _ => None,
        }
    }
}

impl SessionHost<'_> {
    fn kubectl(&mut self, term: &mut Term<'_>, args: &[String], stdin: &str) -> CommandOutput {
        match kexec::parse(args) {
            Err(msg) => return CommandOutput::stderr(format!("{msg}\n"), 1),
            Ok(Some(e)) => return self.kubectl_exec(e, stdin),
            Ok(None) => {}
        }
        if let Some(r) = kexec::parse_run(args) {
            return self.kubectl_run_attached(term, r, stdin);
        }
        self.kubectl_plain(term, args, stdin)
    }

    fn kubectl_plain(
        &mut self,
        term: &mut Term<'_>,
        args: &[String],
        stdin: &str,
    ) -> CommandOutput {
        let mut io = kubectl::KubectlIo {
            fs: term.fs,
            cwd: term.cwd,
            stdin,
            namespace: self.namespace,
            followup: None,
        };
        let out = kubectl::run(self.cluster, &mut io, args);
        if let Some(f) = io.followup {
            if let kubectl::Followup::Edit(e) = &f {
                self.edit = Some(e.path.clone());
            }
            self.followup = Some(f);
        }
        self.cluster.reconcile();
        out
    }

    fn kubectl_exec(&mut self, e: kexec::ExecArgs, stdin: &str) -> CommandOutput {
        let ns = e
            .namespace
            .clone()
            .unwrap_or_else(|| self.namespace.clone());
        let name = match pod::find_pod(self.cluster, &ns, &e.target) {
            Ok(n) => n,
            Err(msg) => return CommandOutput::stderr(msg, 1),
        };
        let program = e.command.first().cloned().unwrap_or_default();
        let (mut terminal, notice) =
            match self.open_terminal(&ns, &name, e.container.as_deref(), &program, e.tty, true) {
                Ok(t) => t,
                Err(out) => return out,
            };
        // With input piped in (`kubectl exec -i pod -- sh < script`) the shell runs it and exits.
        let interactive =
            pod::is_shell(&program) && e.command.len() == 1 && e.stdin && stdin.is_empty();
        let mut shown = CommandOutput::stderr(notice, 0);
        if interactive && self.open.is_none() {
            self.open = Some(terminal);
            return shown;
        }
        let result = self.run_in_pod(&mut terminal, &e.command, if e.stdin { stdin } else { "" });
        self.keep_fs(terminal);
        match result {
            Ok(out) => {
                let code = out.exit_code;
                shown.extend(out);
                if code != 0 {
                    shown.err(format!("command terminated with exit code {code}\n"));
                }
            }
            Err(out) => shown.extend(out),
        }
        shown
    }

    /// `kubectl run NAME --image=IMG -it [--rm] -- CMD`: create the pod (kubectl's own `run`),
    /// wait for it to run, then attach a terminal or run the command.
    fn kubectl_run_attached(
        &mut self,
        term: &mut Term<'_>,
        r: kexec::RunArgs,
        stdin: &str,
    ) -> CommandOutput {
        let ns = match self.create_attached(term, &r, stdin) {
            Ok(ns) => ns,
            Err(out) => return out,
        };
        let image = self
            .cluster
            .store
            .get_typed::<Pod>(&ns, &r.name)
            .and_then(|p| p.spec.containers.first()?.image.clone())
            .unwrap_or_default();
        let command = if r.command.is_empty() {
            vec![pod::default_shell(&pod::image_family(&image)).to_string()]
        } else {
            r.command.clone()
        };
        let mut terminal = match self.open_terminal(&ns, &r.name, None, &command[0], r.tty, false) {
            Ok((t, _)) => t,
            Err(out) => return out,
        };
        terminal.rm_on_exit = r.rm;
        let interactive = pod::is_shell(&command[0]) && command.len() == 1 && r.stdin;
        if interactive && stdin.is_empty() && self.open.is_none() {
            self.open = Some(terminal);
            return CommandOutput::stderr(
                "If you don't see a command prompt, try pressing enter.\n",
                0,
            );
        }
        let result = self.run_in_pod(&mut terminal, &command, if r.stdin { stdin } else { "" });
        self.keep_fs(terminal);
        let mut out = match result {
            Ok(out) | Err(out) => out,
        };
        if r.rm {
            let code = out.exit_code;
            let del = ["delete", "pod", r.name.as_str(), "-n", ns.as_str()].map(String::from);
            out.extend(self.kubectl_plain(term, &del, ""));
            out.exit_code = code;
        }
        out
    }

    /// Creates the pod through kubectl's own `run` with the attach flags kubectl's generator
    /// sets, and waits (in simulated time) until it runs or, for a one-shot command, finished.
    /// Returns the pod's namespace.
    fn create_attached(
        &mut self,
        term: &mut Term<'_>,
        r: &kexec::RunArgs,
        stdin: &str,
    ) -> Result<String, CommandOutput> {
        let created = {
            let mut io = kubectl::KubectlIo {
                fs: term.fs,
                cwd: term.cwd,
                stdin,
                namespace: self.namespace,
                followup: None,
            };
            kubectl::run(self.cluster, &mut io, &r.create_args)
        };
        if created.exit_code != 0 {
            return Err(created);
        }
        let ns = r
            .namespace
            .clone()
            .unwrap_or_else(|| self.namespace.clone());
        // -i/-t set these before anything starts the container: they keep `sh` running.
        if let Some(Object::Pod(p)) = self.cluster.store.get_mut(Kind::Pod, &ns, &r.name) {
            for c in &mut p.spec.containers {
                c.stdin = r.stdin.then_some(true);
                c.tty = r.tty.then_some(true);
            }
        }
        self.cluster.reconcile();
        // A one-shot command may have finished before kubectl attaches; kubectl still shows
        // what it printed, so the caller runs it either way.
        let mut waited = 0;
        while !pod_running(self.cluster, &ns, &r.name) && !pod_finished(self.cluster, &ns, &r.name)
        {
            if waited >= 60 {
                return Err(CommandOutput::stderr(
                    "error: timed out waiting for the condition\n",
                    1,
                ));
            }
            self.cluster.advance(Duration::from_secs(1));
            waited += 1;
        }
        Ok(ns)
    }

    fn keep_fs(&mut self, t: PodTerminal) {
        self.pod_fs.insert((t.namespace, t.pod, t.container), t.fs);
    }

    /// A terminal in `container` (default: the first) of a running pod, or kubectl's error.
    /// The container's environment, computed once per container instance.
    fn container_environment(
        &mut self,
        pod: &Pod,
        container: &str,
        tty: bool,
    ) -> Vec<(String, String)> {
        let started_ms = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.iter().find(|c| c.name == container))
            .and_then(|c| c.state.running.as_ref())
            .and_then(|r| r.started_at)
            .map_or(0, |t| t.0);
        let key = (
            pod.metadata.namespace.clone().unwrap_or_default(),
            pod.metadata.name.clone(),
            container.to_string(),
            pod.metadata.uid.clone().unwrap_or_default(),
            started_ms,
            tty,
        );
        if let Some(env) = self.pod_env.get(&key) {
            return env.clone();
        }
        if self.pod_env.len() >= ENV_CACHE_MAX {
            self.pod_env.clear();
        }
        let env = pod::environment(self.cluster, pod, container, tty);
        self.pod_env.insert(key, env.clone());
        env
    }

    fn open_terminal(
        &mut self,
        ns: &str,
        name: &str,
        container: Option<&str>,
        program: &str,
        tty: bool,
        exec: bool,
    ) -> Result<(PodTerminal, String), CommandOutput> {
        let Some(pod_obj) = self.cluster.store.get_typed::<Pod>(ns, name).cloned() else {
            return Err(CommandOutput::stderr(
                format!("Error from server (NotFound): pods \"{name}\" not found\n"),
                1,
            ));
        };
        let (container, notice) = match container {
            Some(c) => (c.to_string(), String::new()),
            None => default_container(&pod_obj),
        };
        let phase = pod_obj.status.as_ref().and_then(|s| s.phase.as_deref());
        if let (true, Some(phase @ ("Succeeded" | "Failed"))) = (exec, phase) {
            return Err(CommandOutput::stderr(
                format!("error: cannot exec into a container in a completed pod; current phase is {phase}\n"),
                1,
            ));
        }
        let Some(spec) = pod_obj.spec.containers.iter().find(|c| c.name == container) else {
            return Err(CommandOutput::stderr(
                format!("error: container {container} not found in pod {name}\n"),
                1,
            ));
        };
        if exec && !pod_running(self.cluster, ns, name) {
            return Err(CommandOutput::stderr(
                format!(
                    "error: unable to upgrade connection: container not found (\"{container}\")\n"
                ),
                1,
            ));
        }
        let family = pod::image_family(spec.image.as_deref().unwrap_or(""));
        if !pod::has_program(&family, program) {
            return Err(oci_not_found(name, program, self.cluster.now.0));
        }
        let (flavor, prompt) = pod::shell_for(&family, program, name);
        let env = self.container_environment(&pod_obj, &container, tty);
        let env_refs: Vec<(&str, &str)> =
            env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let key = (ns.to_string(), name.to_string(), container.clone());
        let fs = self
            .pod_fs
            .remove(&key)
            .unwrap_or_else(|| pod::root_fs(self.cluster, &pod_obj));
        let mut st = ShellState::new(flavor, &env_refs);
        st.busybox = matches!(
            family,
            pod::ImageFamily::Netshoot | pod::ImageFamily::Busybox
        );
        let cwd = if family == pod::ImageFamily::Netshoot {
            "/root"
        } else {
            "/"
        };
        let terminal = PodTerminal {
            namespace: ns.to_string(),
            pod: name.to_string(),
            container,
            fs,
            cwd: cwd.into(),
            st,
            prompt,
            rm_on_exit: false,
        };
        Ok((terminal, notice))
    }

    /// `kubectl exec POD -- cmd args…`: runs argv directly (no shell parsing) in the pod.
    /// `Err` when the program is not in the image (nothing ran).
    fn run_in_pod(
        &mut self,
        t: &mut PodTerminal,
        argv: &[String],
        stdin: &str,
    ) -> Result<CommandOutput, CommandOutput> {
        let mut host = SessionHost {
            cluster: &mut *self.cluster,
            namespace: &mut *self.namespace,
            origin: Origin::Pod {
                namespace: t.namespace.clone(),
                name: t.pod.clone(),
                container: t.container.clone(),
            },
            pod_fs: &mut *self.pod_fs,
            pod_env: &mut *self.pod_env,
            open: None,
            edit: None,
            followup: None,
        };
        let mut term = Term {
            fs: &mut t.fs,
            cwd: &mut t.cwd,
            st: &mut t.st,
        };
        let mut ex = exec::Exec::new(&mut host);
        let out = ex.dispatch(&mut term, argv, stdin);
        let program = argv.first().map(String::as_str).unwrap_or_default();
        if out.exit_code == 127 && out.text() == term.st.flavor.not_found(program) {
            return Err(oci_not_found(&t.pod, program, self.cluster.now.0));
        }
        Ok(out)
    }
}

/// The container kubectl picks without `-c`: the `kubectl.kubernetes.io/default-container`
/// annotation, else the first; with several containers it says which on stderr.
fn default_container(pod: &Pod) -> (String, String) {
    let names: Vec<&str> = pod
        .spec
        .containers
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let annotated = pod
        .metadata
        .annotations
        .get("kubectl.kubernetes.io/default-container")
        .filter(|a| names.contains(&a.as_str()));
    if let Some(a) = annotated {
        return (a.clone(), String::new());
    }
    let first = names.first().copied().unwrap_or_default().to_string();
    let notice = if names.len() > 1 {
        format!(
            "Defaulted container \"{first}\" out of: {}\n",
            names.join(", ")
        )
    } else {
        String::new()
    };
    (first, notice)
}

fn pod_finished(cluster: &Cluster, ns: &str, name: &str) -> bool {
    cluster.store.get_typed::<Pod>(ns, name).is_some_and(|p| {
        let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
        matches!(phase, Some("Succeeded" | "Failed"))
    })
}

fn pod_running(cluster: &Cluster, ns: &str, name: &str) -> bool {
    cluster.store.get_typed::<Pod>(ns, name).is_some_and(|p| {
        p.metadata.deletion_timestamp.is_none()
            && p.status.as_ref().is_some_and(|s| {
                s.phase.as_deref() == Some("Running")
                    && s.container_statuses
                        .iter()
                        .any(|c| c.state.running.is_some())
            })
    })
}

/// containerd's answer when the program is not in the image. The exec id is a stable hash of
/// the pod, program and time (it must not draw from the cluster PRNG).
fn oci_not_found(pod: &str, program: &str, now: u64) -> CommandOutput {
    let mut id = String::new();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ now;
    for round in 0u64..4 {
        for b in pod
            .bytes()
            .chain(program.bytes())
            .chain(round.to_le_bytes())
        {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        id.push_str(&format!("{h:016x}"));
    }
    CommandOutput::stderr(
        format!(
            "error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{id}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown\n"
        ),
        1,
    )
}
