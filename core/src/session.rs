//! `Session`: the one entry point every front end uses. It owns the cluster, the workstation
//! terminal and, while `kubectl exec -it` is open, a pod terminal; it takes input lines and
//! returns what the terminal shows.
//!
//! Contract with the front ends (the CLI advances 1 s, then feeds, for every input line): `feed`
//! returns `None` for a line that only continues an unfinished command (open quote, heredoc,
//! `for`/`if`, trailing `\`, `|`, `&&`) and the prompt becomes `> `; the line that completes it
//! runs the whole command. After every complete command the cluster reconciles.

use std::collections::BTreeMap;

use crate::api::Pod;
use crate::cluster::Cluster;
use crate::shell::pod::{self, PodTerminal};
use crate::shell::{kexec, Flavor, Host, ShellState, Term};
use crate::sim::Duration;
use crate::tools::{self, Origin};
use crate::vfs::Vfs;
use crate::{kubectl, shell, CommandOutput};

/// A pod container's filesystem, kept across exec sessions like a real container's.
type PodKey = (String, String, String);

pub struct Session {
    pub cluster: Cluster,
    seed: u64,
    /// The workstation's files. Never touches a real disk.
    pub fs: Vfs,
    pub cwd: String,
    /// The kubeconfig context's namespace.
    pub namespace: String,
    /// The workstation shell's variables and history.
    pub shell: ShellState,
    /// The open `kubectl exec -it` terminal, if any.
    pub pod: Option<PodTerminal>,
    pod_fs: BTreeMap<PodKey, Vfs>,
    /// Lines of a command still being typed.
    pending: String,
}

/// The learner's home directory on the workstation.
pub const HOME: &str = "/home/learner";

impl Session {
    /// A fresh, ready cluster. The same seed and the same inputs give byte-identical output on
    /// every target.
    pub fn new(seed: u64) -> Session {
        let mut fs = Vfs::default();
        fs.mkdir_all(HOME);
        fs.mkdir_all("/tmp");
        let shell = ShellState::new(
            Flavor::Bash {
                version: "5.2".into(),
                debian: true,
            },
            &[
                ("HOME", HOME),
                ("USER", "learner"),
                ("LOGNAME", "learner"),
                ("SHELL", "/bin/bash"),
                ("PATH", "/usr/local/bin:/usr/bin:/bin"),
                ("PWD", HOME),
                ("HOSTNAME", "workstation"),
                ("TERM", "xterm-256color"),
                ("LANG", "C.UTF-8"),
            ],
        );
        Session {
            cluster: Cluster::new(seed),
            seed,
            fs,
            cwd: HOME.to_string(),
            namespace: "default".to_string(),
            shell,
            pod: None,
            pod_fs: BTreeMap::new(),
            pending: String::new(),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The prompt to show before the next line: `> ` while a command continues, the pod shell's
    /// prompt inside `kubectl exec -it`, else the workstation's.
    pub fn prompt(&self) -> String {
        if !self.pending.is_empty() {
            return "> ".to_string();
        }
        if let Some(p) = &self.pod {
            return p.prompt();
        }
        let short = if self.cwd == HOME {
            "~".to_string()
        } else if let Some(rest) = self.cwd.strip_prefix(&format!("{HOME}/")) {
            format!("~/{rest}")
        } else {
            self.cwd.clone()
        };
        format!("learner@workstation:{short}$ ")
    }

    /// Puts a file into the workstation's home directory (the CLI's `--dir`, lesson files).
    pub fn add_file(&mut self, name: &str, contents: &str) {
        self.fs
            .write(&format!("{HOME}/{name}"), contents.to_string());
    }

    /// Feeds one input line. Returns `None` while the line continues an unfinished command (an
    /// open heredoc, quote, loop or trailing `\`/`|`), else the output of the complete command.
    pub fn feed(&mut self, line: &str) -> Option<CommandOutput> {
        let input = if self.pending.is_empty() {
            line.to_string()
        } else {
            format!("{}\n{line}", self.pending)
        };
        if shell::is_incomplete(&input) {
            self.pending = input;
            return None;
        }
        self.pending.clear();
        Some(self.exec(&input))
    }

    /// Ctrl-D: abandons a half-typed command, or leaves the pod shell. `None` when nothing
    /// happens (an empty workstation line).
    pub fn eof(&mut self) -> Option<CommandOutput> {
        if !self.pending.is_empty() {
            let input = std::mem::take(&mut self.pending);
            return Some(self.exec(&input));
        }
        let p = self.pod.take()?;
        let out = match p.st.flavor {
            Flavor::Bash { .. } => CommandOutput::stderr("exit\n", 0),
            Flavor::Ash => CommandOutput::default(),
        };
        self.close_pod(p);
        Some(out)
    }

    /// Runs one complete command line in the current terminal (workstation or pod).
    pub fn exec(&mut self, line: &str) -> CommandOutput {
        let out = match self.pod.take() {
            Some(p) => self.exec_in_pod(p, line),
            None => self.exec_on_workstation(line),
        };
        self.cluster.reconcile();
        out
    }

    fn exec_on_workstation(&mut self, line: &str) -> CommandOutput {
        if !line.trim().is_empty() {
            self.shell.history.push(line.to_string());
        }
        let mut host = SessionHost {
            cluster: &mut self.cluster,
            namespace: &mut self.namespace,
            origin: Origin::Workstation,
            pod_fs: &mut self.pod_fs,
            open: None,
        };
        let mut term = Term {
            fs: &mut self.fs,
            cwd: &mut self.cwd,
            st: &mut self.shell,
        };
        let out = shell::run(&mut term, &mut host, line);
        // The workstation terminal cannot be closed; `exit` only ends the current line.
        self.shell.exit = None;
        self.pod = host.open;
        out
    }

    fn exec_in_pod(&mut self, mut p: PodTerminal, line: &str) -> CommandOutput {
        let alive = self
            .cluster
            .store
            .get_typed::<Pod>(&p.namespace, &p.pod)
            .is_some_and(|pod| pod.metadata.deletion_timestamp.is_none());
        if !alive {
            self.close_pod(p);
            return CommandOutput::stderr("command terminated with exit code 137\n", 137);
        }
        if !line.trim().is_empty() {
            p.st.history.push(line.to_string());
        }
        let mut host = SessionHost {
            cluster: &mut self.cluster,
            namespace: &mut self.namespace,
            origin: Origin::Pod {
                namespace: p.namespace.clone(),
                name: p.pod.clone(),
                container: p.container.clone(),
            },
            pod_fs: &mut self.pod_fs,
            open: None,
        };
        let mut term = Term {
            fs: &mut p.fs,
            cwd: &mut p.cwd,
            st: &mut p.st,
        };
        let mut out = shell::run(&mut term, &mut host, line);
        match p.st.exit {
            Some(code) => {
                if matches!(p.st.flavor, Flavor::Bash { .. }) {
                    out.err("exit\n");
                }
                if code != 0 {
                    out.err(format!("command terminated with exit code {code}\n"));
                }
                out.exit_code = code;
                self.close_pod(p);
            }
            None => self.pod = Some(p),
        }
        out
    }

    fn close_pod(&mut self, p: PodTerminal) {
        self.pod_fs.insert((p.namespace, p.pod, p.container), p.fs);
    }

    /// Moves simulated time forward; controllers and the kubelet act within it.
    pub fn advance(&mut self, d: Duration) {
        self.cluster.advance(d);
    }
}

/// What the shell reaches outside itself: kubectl, the network tools, the clock, pod terminals.
struct SessionHost<'a> {
    cluster: &'a mut Cluster,
    namespace: &'a mut String,
    origin: Origin,
    pod_fs: &'a mut BTreeMap<PodKey, Vfs>,
    /// A pod terminal `kubectl exec -it … -- sh` asked to open once the line finishes.
    open: Option<PodTerminal>,
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
        tools::run(self.cluster, &self.origin, argv, stdin)
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
        let mut io = kubectl::KubectlIo {
            fs: term.fs,
            cwd: term.cwd,
            stdin,
            namespace: self.namespace,
        };
        let out = kubectl::run(self.cluster, &mut io, args);
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
        let Some(pod_obj) = self.cluster.store.get_typed::<Pod>(&ns, &name).cloned() else {
            return CommandOutput::stderr(
                format!("Error from server (NotFound): pods \"{name}\" not found\n"),
                1,
            );
        };
        let first = pod_obj.spec.containers.first().map(|c| c.name.clone());
        let container = match (&e.container, first) {
            (Some(c), _) => c.clone(),
            (None, Some(c)) => c,
            (None, None) => String::new(),
        };
        let Some(spec) = pod_obj.spec.containers.iter().find(|c| c.name == container) else {
            return CommandOutput::stderr(
                format!("error: container {container} not found in pod {name}\n"),
                1,
            );
        };
        let running = pod_obj.status.as_ref().is_some_and(|s| {
            s.phase.as_deref() == Some("Running")
                && s.container_statuses
                    .iter()
                    .any(|c| c.name == container && c.state.running.is_some())
        });
        if !running {
            return CommandOutput::stderr(
                format!(
                    "error: unable to upgrade connection: container not found (\"{container}\")\n"
                ),
                1,
            );
        }
        let family = pod::image_family(spec.image.as_deref().unwrap_or(""));
        let program = e.command.first().cloned().unwrap_or_default();
        if !pod::has_program(&family, &program) {
            return oci_not_found(&name, &program, self.cluster.now.0);
        }
        let (flavor, prompt) = pod::shell_for(&family, &program, &name);
        let env = pod::environment(self.cluster, &pod_obj, &container, e.tty);
        let env_refs: Vec<(&str, &str)> =
            env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let key = (ns.clone(), name.clone(), container.clone());
        let fs = self
            .pod_fs
            .remove(&key)
            .unwrap_or_else(|| pod::root_fs(self.cluster, &pod_obj));
        let mut terminal = PodTerminal {
            namespace: ns,
            pod: name,
            container,
            fs,
            cwd: "/".into(),
            st: ShellState::new(flavor, &env_refs),
            prompt,
        };
        if family == pod::ImageFamily::Netshoot {
            terminal.cwd = "/root".into();
        }
        terminal.st.busybox = matches!(
            family,
            pod::ImageFamily::Netshoot | pod::ImageFamily::Busybox
        );
        let interactive = pod::is_shell(&program) && e.command.len() == 1 && e.stdin;
        if interactive && self.open.is_none() {
            self.open = Some(terminal);
            return CommandOutput::default();
        }
        let out = self.run_in_pod(&mut terminal, &e.command, if e.stdin { stdin } else { "" });
        self.pod_fs.insert(
            (
                terminal.namespace.clone(),
                terminal.pod.clone(),
                terminal.container.clone(),
            ),
            terminal.fs,
        );
        out
    }

    /// `kubectl exec POD -- cmd args…`: runs argv directly (no shell parsing) in the pod.
    fn run_in_pod(&mut self, t: &mut PodTerminal, argv: &[String], stdin: &str) -> CommandOutput {
        let mut host = SessionHost {
            cluster: &mut *self.cluster,
            namespace: &mut *self.namespace,
            origin: Origin::Pod {
                namespace: t.namespace.clone(),
                name: t.pod.clone(),
                container: t.container.clone(),
            },
            pod_fs: &mut *self.pod_fs,
            open: None,
        };
        let mut term = Term {
            fs: &mut t.fs,
            cwd: &mut t.cwd,
            st: &mut t.st,
        };
        let mut ex = shell::exec::Exec::new(&mut host);
        let mut out = ex.dispatch(&mut term, argv, stdin);
        if out.exit_code == 127 && out.text() == term.st.flavor.not_found(&argv[0]) {
            out = oci_not_found(&t.pod, &argv[0], self.cluster.now.0);
            return out;
        }
        if out.exit_code != 0 {
            out.err(format!(
                "command terminated with exit code {}\n",
                out.exit_code
            ));
        }
        out
    }
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
