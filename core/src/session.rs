//! `Session`: the one entry point every front end uses. It owns the cluster, the workstation
//! terminal and, while `kubectl exec -it` is open, a pod terminal; it takes input lines and
//! returns what the terminal shows.
//!
//! Contract with the front ends (the CLI advances 1 s, then feeds, for every input line): `feed`
//! returns `None` for a line that only continues an unfinished command (open quote, heredoc,
//! `for`/`if`, trailing `\`, `|`, `&&`) and the prompt becomes `> `; the line that completes it
//! runs the whole command. After every complete command the cluster reconciles.
//!
//! For front ends: [`Session::prompt`] is what to draw before the next line (`> ` while a
//! command continues, a pod shell's prompt inside `kubectl exec -it`, empty while `vi` collects
//! lines); [`Session::interrupt`] is Ctrl-C, [`Session::eof`] Ctrl-D (leaves a pod shell);
//! [`Session::editing`] names the file `vi` opened, so a page can show a real editor and hand
//! the text back with [`Session::finish_edit`] (`kubectl edit` uses the same editor; after a
//! save with errors `editing` names the file again, reopened with the reasons in its header);
//! `clear` prints [`crate::shell::CLEAR_SCREEN`].
//!
//! `kubectl get -w` keeps the terminal: its first output returns from `feed`;
//! [`Session::running`] is true while it watches; each [`Session::advance`] collects the rows
//! kubectl would print for changes in that time, [`Session::take_stream`] drains them, and
//! [`Session::interrupt`] (Ctrl-C) ends it. A line fed while it runs ends it first, as Ctrl-C
//! then typing would: the rows not yet taken come out ahead of that line's output (the CLI and
//! transcripts, which advance 1 s then feed, show a watch's rows at the top of the next
//! command's output). `--request-timeout` makes the watch run to its end inside `feed`.
//!
//! A page with terminal tabs opens more terminals on the same cluster ([`Session::open_terminal`],
//! [`Session::feed_in`], [`Session::in_terminal`]); the methods above always mean the workstation
//! terminal, [`WORKSTATION`]. Each terminal has its own watch; [`Session::advance`] feeds them all.
//! [`Session::browse`] is the page's browser pane.

use std::collections::BTreeMap;

use crate::api::Pod;
use crate::cluster::Cluster;
use crate::shell::host::{EnvCache, PodKey, SessionHost};
use crate::shell::pod::PodTerminal;
use crate::shell::{Flavor, ShellState, Term};
use crate::sim::Duration;
use crate::tools::Origin;
use crate::vfs::Vfs;
use crate::{kubectl, shell, CommandOutput};

#[derive(Clone)]
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
    pod_env: EnvCache,
    /// Lines of a command still being typed.
    pending: String,
    /// While `pending` ends inside a heredoc body: its delimiter and `<<-` flag, so body lines
    /// are appended without re-lexing everything typed so far.
    heredoc: Option<(String, bool)>,
    /// The command outgrew [`crate::limits::MAX_INPUT_BYTES`] inside a heredoc: its remaining
    /// lines are discarded until the delimiter, which reports the error.
    overflow: bool,
    /// The line editor `vi FILE` opened, collecting the file's new lines.
    editor: Option<Editor>,
    /// A `kubectl get -w` holding the terminal, and the rows it printed not yet taken.
    watch: Option<Box<kubectl::watch::Watch>>,
    stream: CommandOutput,
    /// Terminals opened besides the workstation's (the page's tabs), parked while another runs.
    terminals: BTreeMap<TerminalId, TermState>,
    next_terminal: TerminalId,
}

/// Names one terminal of a session; [`WORKSTATION`] is the one every session starts with.
pub type TerminalId = u32;
/// The workstation terminal: what `feed`, `exec`, `prompt` and friends act on.
pub const WORKSTATION: TerminalId = 0;

/// One extra terminal's own shell state: everything per-terminal in [`Session`]. The cluster,
/// the workstation's files and the kubeconfig namespace are shared, as on one real machine.
#[derive(Clone)]
struct TermState {
    shell: ShellState,
    cwd: String,
    pod: Option<PodTerminal>,
    pending: String,
    editor: Option<Editor>,
    watch: Option<Box<kubectl::watch::Watch>>,
    stream: CommandOutput,
    heredoc: Option<(String, bool)>,
    overflow: bool,
}

/// `vi`/`nano` in a line-oriented terminal: the lines typed after `vi FILE` become the file's
/// new contents at `:wq` (`:q!` discards them); `:s/RE/REPL/[g]` or `:%s/…` edits every line
/// of the file (or of the lines typed so far). Until the editor closes `feed` returns `None` and
/// the prompt is empty, like any command still reading its input. For `kubectl edit`, saving
/// with nothing typed keeps the file as it was. Front ends with a real editor widget use
/// [`Session::editing`] and [`Session::finish_edit`] instead.
#[derive(Clone, Debug)]
struct Editor {
    path: String,
    lines: Vec<String>,
    /// `:s` commands, applied in order when the file is saved.
    substitutions: Vec<String>,
    /// What the command line that opened the editor printed.
    output: CommandOutput,
    /// The `kubectl edit` this editor serves, if any.
    kubectl: Option<kubectl::edit::EditState>,
}

impl Editor {
    fn new(path: String, kubectl: Option<kubectl::edit::EditState>) -> Editor {
        Editor {
            path,
            lines: Vec::new(),
            substitutions: Vec::new(),
            output: CommandOutput::default(),
            kubectl,
        }
    }

    /// The text `:wq` saves, given the file's current contents.
    fn saved_text(&self, current: &str) -> String {
        let keep_file =
            self.lines.is_empty() && (self.kubectl.is_some() || !self.substitutions.is_empty());
        let mut text = if keep_file {
            current.to_string()
        } else {
            self.lines.iter().map(|l| format!("{l}\n")).collect()
        };
        for s in &self.substitutions {
            if let Some(t) = shell::builtins::ex_substitute(&text, s) {
                text = t;
            }
        }
        text
    }
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
        fs.write("/etc/hostname", "workstation\n".into());
        fs.write(
            "/etc/hosts",
            "127.0.0.1 localhost\n127.0.1.1 workstation\n\n# The following lines are desirable for IPv6 capable hosts\n::1     ip6-localhost ip6-loopback\n".into(),
        );
        fs.write(
            "/etc/resolv.conf",
            "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n".into(),
        );
        Session {
            cluster: Cluster::new(seed),
            seed,
            fs,
            cwd: HOME.to_string(),
            namespace: "default".to_string(),
            shell: workstation_shell(),
            pod: None,
            pod_fs: BTreeMap::new(),
            pod_env: EnvCache::new(),
            pending: String::new(),
            heredoc: None,
            overflow: false,
            editor: None,
            terminals: BTreeMap::new(),
            next_terminal: WORKSTATION + 1,
            watch: None,
            stream: CommandOutput::default(),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The prompt to show before the next line: `> ` while a command continues, the pod shell's
    /// prompt inside `kubectl exec -it`, else the workstation's.
    pub fn prompt(&self) -> String {
        prompt_for(
            self.editor.is_some() || self.watch.is_some(),
            &self.pending,
            self.pod.as_ref(),
            &self.cwd,
        )
    }

    /// True while the next input line continues the current command (an open heredoc, quote or
    /// loop, or an open editor) rather than starting a new one.
    pub fn in_command(&self) -> bool {
        !self.pending.is_empty() || self.editor.is_some()
    }

    /// Puts a file into the workstation's home directory (the CLI's `--dir`, lesson files).
    pub fn add_file(&mut self, name: &str, contents: &str) {
        self.fs
            .write(&format!("{HOME}/{name}"), contents.to_string());
    }

    /// Feeds one input line. Returns `None` while the line continues an unfinished command (an
    /// open heredoc, quote, loop or trailing `\`/`|`), else the output of the complete command.
    pub fn feed(&mut self, line: &str) -> Option<CommandOutput> {
        // Pasted or loaded text may carry CRLF line ends; a heredoc's `EOF\r` must still end it.
        let line = line.strip_suffix('\r').unwrap_or(line);
        if self.watch.is_some() {
            self.interrupt();
            let mut out = std::mem::take(&mut self.stream);
            if let Some(next) = self.feed(line) {
                out.chunks.extend(next.chunks);
                out.exit_code = next.exit_code;
            }
            return Some(out);
        }
        if self.editor.is_some() {
            return self.feed_editor(line);
        }
        if self.pending.len() + line.len() >= crate::limits::MAX_INPUT_BYTES {
            self.pending.clear();
            self.overflow = true;
            if self.heredoc.is_none() {
                self.overflow = false;
                return Some(crate::limits::input_too_long(self.shell_name()));
            }
        }
        if let Some((delim, strip_tabs)) = &self.heredoc {
            let body_line = if *strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if body_line != delim {
                // Past the limit the rest of the paste is swallowed up to the delimiter, so
                // its lines do not run as commands.
                if !self.overflow {
                    self.pending.push('\n');
                    self.pending.push_str(line);
                }
                return None;
            }
            self.heredoc = None;
            if std::mem::take(&mut self.overflow) {
                return Some(crate::limits::input_too_long(self.shell_name()));
            }
        }
        let input = if self.pending.is_empty() {
            line.to_string()
        } else {
            format!("{}\n{line}", self.pending)
        };
        if shell::is_incomplete(&input) {
            self.heredoc = shell::lexer::open_heredoc(&input);
            self.pending = input;
            return None;
        }
        self.pending.clear();
        let out = self.exec(&input);
        match &mut self.editor {
            // The editor keeps the command running: its output shows when the editor closes.
            Some(ed) => {
                ed.output = out;
                None
            }
            None => Some(out),
        }
    }

    /// One line typed into the line editor.
    fn feed_editor(&mut self, line: &str) -> Option<CommandOutput> {
        let path = self.editor.as_ref()?.path.clone();
        let out = match line.trim_end() {
            ":wq" | ":x" | "ZZ" | ":wq!" => {
                let current = self.terminal_fs().read(&path).map(str::to_string);
                let text = self
                    .editor
                    .as_ref()?
                    .saved_text(&current.unwrap_or_default());
                self.finish_edit(Some(&text))
            }
            ":q!" | ":q" => self.finish_edit(None),
            cmd if cmd.starts_with(":s") || cmd.starts_with(":%s") => {
                self.editor.as_mut()?.substitutions.push(cmd.to_string());
                return None;
            }
            _ => {
                self.editor.as_mut()?.lines.push(line.to_string());
                return None;
            }
        };
        // `kubectl edit` may reopen the file after a failed save; its message shows now.
        if self.editor.is_some() && out.chunks.is_empty() {
            return None;
        }
        Some(out)
    }

    /// The filesystem of the terminal in front (a pod's inside `kubectl exec -it`).
    fn terminal_fs(&mut self) -> &mut Vfs {
        match &mut self.pod {
            Some(p) => &mut p.fs,
            None => &mut self.fs,
        }
    }

    /// True while a foreground `kubectl get -w` holds the terminal.
    pub fn running(&self) -> bool {
        self.watch.is_some()
    }

    /// The rows a running (or just ended) watch printed since the last call.
    pub fn take_stream(&mut self) -> Option<CommandOutput> {
        if self.stream.chunks.is_empty() {
            return None;
        }
        Some(std::mem::take(&mut self.stream))
    }

    /// The absolute path `vi` is editing, if an editor is open (in the current terminal).
    pub fn editing(&self) -> Option<&str> {
        self.editor.as_ref().map(|e| e.path.as_str())
    }

    /// Closes the editor, saving `contents` into the current terminal's filesystem (`None`
    /// discards).
    pub fn finish_edit(&mut self, contents: Option<&str>) -> CommandOutput {
        let Some(ed) = self.editor.take() else {
            return CommandOutput::default();
        };
        if let Some(text) = contents {
            self.terminal_fs().write(&ed.path, text.to_string());
        }
        let Some(state) = ed.kubectl else {
            return ed.output;
        };
        let mut out = ed.output;
        let saved = self
            .terminal_fs()
            .read(&ed.path)
            .map(str::to_string)
            .unwrap_or_default();
        match kubectl::edit::finish(&mut self.cluster, state, &saved) {
            kubectl::edit::Step::Done(done) => {
                // kubectl removes its temporary file unless it kept a copy after a failure.
                if done.exit_code == 0 {
                    self.terminal_fs().remove(&ed.path);
                }
                self.cluster.reconcile();
                out.extend(done);
            }
            kubectl::edit::Step::Reopen {
                state,
                text,
                out: shown,
            } => {
                self.terminal_fs().write(&state.path, text);
                self.editor = Some(Editor::new(state.path.clone(), Some(state)));
                out.extend(shown);
            }
        }
        out
    }

    /// Ctrl-C: drops a half-typed command (and an open editor) without running it, and ends a
    /// running watch (its last rows stay for [`Session::take_stream`]).
    pub fn interrupt(&mut self) {
        self.pending.clear();
        self.heredoc = None;
        self.overflow = false;
        self.editor = None;
        if let Some(mut w) = self.watch.take() {
            self.stream.extend(w.poll(&self.cluster));
        }
    }

    /// Ctrl-D: abandons a half-typed command, or leaves the pod shell. `None` when nothing
    /// happens (an empty workstation line).
    pub fn eof(&mut self) -> Option<CommandOutput> {
        if std::mem::take(&mut self.overflow) {
            self.heredoc = None;
            return Some(crate::limits::input_too_long(self.shell_name()));
        }
        if !self.pending.is_empty() {
            let input = std::mem::take(&mut self.pending);
            self.heredoc = None;
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
        let mut out = match self.pod.take() {
            Some(p) => self.exec_in_pod(p, line),
            None => self.exec_on_workstation(line),
        };
        // Network tools report how long they took (a `curl -m 5` that timed out took 5 s);
        // that time passes in the cluster too.
        let waited_ms = self.cluster.net.take_elapsed_ms();
        if waited_ms > 0 {
            self.cluster.advance(Duration::from_millis(waited_ms));
        }
        self.cluster.reconcile();
        crate::limits::cap_output_lines(&mut out);
        out
    }

    /// The current terminal's shell, for messages in its style (`bash`, `sh`).
    fn shell_name(&self) -> &'static str {
        match &self.pod {
            Some(p) => p.st.flavor.name(),
            None => self.shell.flavor.name(),
        }
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
            pod_env: &mut self.pod_env,
            open: None,
            edit: None,
            followup: None,
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
        let (edit, watch) = match host.followup {
            Some(kubectl::Followup::Edit(e)) => (Some(e), None),
            Some(kubectl::Followup::Watch(w)) => (None, Some(w)),
            None => (None, None),
        };
        self.editor = host.edit.map(|path| Editor::new(path, edit));
        self.watch = watch;
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
            pod_env: &mut self.pod_env,
            open: None,
            edit: None,
            followup: None,
        };
        let mut term = Term {
            fs: &mut p.fs,
            cwd: &mut p.cwd,
            st: &mut p.st,
        };
        let mut out = shell::run(&mut term, &mut host, line);
        self.editor = host.edit.map(|path| Editor::new(path, None));
        match p.st.exit {
            Some(code) => {
                if matches!(p.st.flavor, Flavor::Bash { .. }) {
                    out.err("exit\n");
                }
                if code != 0 {
                    out.err(format!("command terminated with exit code {code}\n"));
                }
                out.exit_code = code;
                let rm = p.rm_on_exit.then(|| (p.namespace.clone(), p.pod.clone()));
                self.close_pod(p);
                if let Some((ns, pod)) = rm {
                    out.extend(self.delete_pod(&ns, &pod));
                    out.exit_code = code;
                }
            }
            None => self.pod = Some(p),
        }
        out
    }

    /// `kubectl run --rm`'s cleanup, through kubectl's own `delete`.
    fn delete_pod(&mut self, ns: &str, pod: &str) -> CommandOutput {
        let args = ["delete", "pod", pod, "-n", ns].map(String::from);
        let mut io = crate::kubectl::KubectlIo {
            fs: &mut self.fs,
            cwd: &self.cwd,
            stdin: "",
            namespace: &mut self.namespace,
            followup: None,
        };
        crate::kubectl::run(&mut self.cluster, &mut io, &args)
    }

    fn close_pod(&mut self, p: PodTerminal) {
        self.pod_fs.insert((p.namespace, p.pod, p.container), p.fs);
    }

    /// The page's browser pane opening `url` from the workstation: the same HTTP request as
    /// `curl -si` (headers and body, traced and counted like any request), without touching the
    /// terminal's history. Browsers time out; this one gives up after 10 s.
    pub fn browse(&mut self, url: &str) -> CommandOutput {
        let argv = [
            "curl",
            "-si",
            "-m",
            "10",
            "-A",
            "Mozilla/5.0 (Kubeplay browser pane)",
            "--url",
            url,
        ]
        .map(String::from);
        let out = crate::tools::run(&mut self.cluster, &Origin::Workstation, &argv, "")
            .unwrap_or_default();
        let waited_ms = self.cluster.net.take_elapsed_ms();
        if waited_ms > 0 {
            self.cluster.advance(Duration::from_millis(waited_ms));
        }
        self.cluster.reconcile();
        out
    }

    /// Moves simulated time forward; controllers and the kubelet act within it.
    /// While a watch runs (in any terminal), time passes in 100 ms steps and each step's changes
    /// are collected by every running watch.
    pub fn advance(&mut self, d: Duration) {
        let parked = self.terminals.values().any(|t| t.watch.is_some());
        if self.watch.is_none() && !parked {
            self.cluster.advance(d);
            return;
        }
        let mut left = d.as_millis();
        while left > 0 {
            let step = left.min(kubectl::watch::POLL_MS);
            self.cluster.advance(Duration::from_millis(step));
            if let Some(w) = &mut self.watch {
                self.stream.extend(w.poll(&self.cluster));
            }
            for t in self.terminals.values_mut() {
                if let Some(w) = &mut t.watch {
                    t.stream.extend(w.poll(&self.cluster));
                }
            }
            left -= step;
        }
    }
}

/// A fresh bash on the workstation: the first terminal's and every opened one's.
fn workstation_shell() -> ShellState {
    ShellState::new(
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
    )
}

/// Several terminals on one cluster (the page's tabs). Each opened terminal has its own shell
/// state, history, working directory, half-typed command, editor and `kubectl exec -it` shell;
/// [`Session::in_terminal`] runs any workstation method against one of them by swapping its
/// state in and back out, so every rule of `feed`/`eof`/`finish_edit` holds in every tab.
impl Session {
    /// Opens a workstation terminal in the home directory; ids are never reused.
    pub fn open_terminal(&mut self) -> TerminalId {
        let id = self.next_terminal;
        self.next_terminal += 1;
        self.terminals.insert(
            id,
            TermState {
                shell: workstation_shell(),
                cwd: HOME.to_string(),
                pod: None,
                pending: String::new(),
                editor: None,
                watch: None,
                stream: CommandOutput::default(),
                heredoc: None,
                overflow: false,
            },
        );
        id
    }

    /// Closes an opened terminal (its pod shell's files stay, as after `exit`). The workstation
    /// cannot be closed; returns false for it and for unknown ids.
    pub fn close_terminal(&mut self, id: TerminalId) -> bool {
        let Some(t) = self.terminals.remove(&id) else {
            return false;
        };
        if let Some(p) = t.pod {
            self.close_pod(p);
        }
        true
    }

    /// The opened terminals, in the order they were opened (the workstation not included).
    pub fn terminals(&self) -> Vec<TerminalId> {
        self.terminals.keys().copied().collect()
    }

    /// Runs `f` with terminal `id` as the session's current terminal. `None` for an unknown id.
    pub fn in_terminal<R>(
        &mut self,
        id: TerminalId,
        f: impl FnOnce(&mut Session) -> R,
    ) -> Option<R> {
        if id == WORKSTATION {
            return Some(f(self));
        }
        let mut t = self.terminals.remove(&id)?;
        self.swap_terminal(&mut t);
        let r = f(self);
        self.swap_terminal(&mut t);
        self.terminals.insert(id, t);
        Some(r)
    }

    fn swap_terminal(&mut self, t: &mut TermState) {
        std::mem::swap(&mut self.shell, &mut t.shell);
        std::mem::swap(&mut self.cwd, &mut t.cwd);
        std::mem::swap(&mut self.pod, &mut t.pod);
        std::mem::swap(&mut self.pending, &mut t.pending);
        std::mem::swap(&mut self.editor, &mut t.editor);
        std::mem::swap(&mut self.watch, &mut t.watch);
        std::mem::swap(&mut self.stream, &mut t.stream);
        std::mem::swap(&mut self.heredoc, &mut t.heredoc);
        std::mem::swap(&mut self.overflow, &mut t.overflow);
    }

    /// [`Session::feed`] in terminal `id`; `None` also for an unknown id.
    pub fn feed_in(&mut self, id: TerminalId, line: &str) -> Option<CommandOutput> {
        self.in_terminal(id, |s| s.feed(line)).flatten()
    }

    /// [`Session::prompt`] of terminal `id` (empty for an unknown id).
    pub fn prompt_in(&self, id: TerminalId) -> String {
        if id == WORKSTATION {
            return self.prompt();
        }
        let Some(t) = self.terminals.get(&id) else {
            return String::new();
        };
        prompt_for(
            t.editor.is_some() || t.watch.is_some(),
            &t.pending,
            t.pod.as_ref(),
            &t.cwd,
        )
    }

    /// The pod shell open in terminal `id`, if any (`kubectl exec -it` entered it); the page
    /// names a terminal tab after it.
    pub fn pod_in(&self, id: TerminalId) -> Option<&PodTerminal> {
        if id == WORKSTATION {
            return self.pod.as_ref();
        }
        self.terminals.get(&id)?.pod.as_ref()
    }

    /// [`Session::running`] of terminal `id`: a `kubectl get -w` holds it.
    pub fn running_in(&self, id: TerminalId) -> bool {
        if id == WORKSTATION {
            return self.running();
        }
        self.terminals.get(&id).is_some_and(|t| t.watch.is_some())
    }

    /// [`Session::take_stream`] of terminal `id`.
    pub fn take_stream_in(&mut self, id: TerminalId) -> Option<CommandOutput> {
        self.in_terminal(id, Session::take_stream).flatten()
    }

    /// The file `vi` opened in terminal `id` and its current contents there (empty for a new
    /// file), for a page that edits it in a real editor.
    pub fn editing_in(&mut self, id: TerminalId) -> Option<(String, String)> {
        self.in_terminal(id, |s| {
            let path = s.editing()?.to_string();
            let fs = s.pod.as_ref().map_or(&s.fs, |p| &p.fs);
            let text = fs.read(&path).unwrap_or_default().to_string();
            Some((path, text))
        })
        .flatten()
    }
}

/// What a terminal shows before its next line: nothing while `vi` collects lines, `> ` while a
/// command continues, the pod shell's prompt inside `kubectl exec -it`, else the workstation's.
fn prompt_for(editing: bool, pending: &str, pod: Option<&PodTerminal>, cwd: &str) -> String {
    if editing {
        return String::new();
    }
    if !pending.is_empty() {
        return "> ".to_string();
    }
    if let Some(p) = pod {
        return p.prompt();
    }
    let short = if cwd == HOME {
        "~".to_string()
    } else if let Some(rest) = cwd.strip_prefix(&format!("{HOME}/")) {
        format!("~/{rest}")
    } else {
        cwd.to_string()
    };
    format!("learner@workstation:{short}$ ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &mut Session, line: &str) -> String {
        s.feed(line).map(|o| o.text()).unwrap_or_default()
    }

    #[test]
    fn a_watch_holds_the_terminal_until_interrupted() {
        let mut s = Session::new(1);
        run(&mut s, "kubectl create deployment web --image=nginx");
        assert!(run(&mut s, "kubectl get pods -w").starts_with("NAME "));
        assert!(s.running());
        assert_eq!(s.prompt(), "");
        s.advance(Duration::from_secs(5));
        let rows = s.take_stream().map(|o| o.text()).unwrap_or_default();
        assert!(rows.contains("Running"), "{rows}");
        assert!(s.take_stream().is_none());
        s.interrupt();
        assert!(!s.running());
        assert!(s.prompt().ends_with("$ "));
    }

    #[test]
    fn kubectl_edit_through_the_editor_api() {
        let mut s = Session::new(1);
        run(&mut s, "kubectl create deployment web --image=nginx");
        assert_eq!(s.feed("kubectl edit deploy web"), None);
        let path = s.editing().map(str::to_string).unwrap_or_default();
        let text = s.fs.read(&path).unwrap_or_default().to_string();
        assert!(text.starts_with("# Please edit the object below."));
        let edited = text.replace("replicas: 1\n", "replicas: 0\n");
        let out = s.finish_edit(Some(&edited));
        assert_eq!(out.text(), "deployment.apps/web edited\n");
        assert_eq!(s.editing(), None);
        // A save the apiserver refuses reopens the file with the reasons in its header.
        assert_eq!(s.feed("kubectl edit deploy web"), None);
        let path = s.editing().map(str::to_string).unwrap_or_default();
        let text = s.fs.read(&path).unwrap_or_default().to_string();
        let out = s.finish_edit(Some(&text.replace("replicas: 0\n", "replicas: -1\n")));
        assert_eq!(out.text(), "error: deployments.apps \"web\" is invalid\n");
        assert_eq!(s.editing(), Some(path.as_str()));
        let reopened = s.fs.read(&path).unwrap_or_default();
        assert!(reopened.contains("# deployments.apps \"web\" was not valid:\n# * spec.replicas"));
        let out = s.finish_edit(None);
        assert!(out
            .text()
            .ends_with("error: Edit cancelled, no valid changes were saved.\n"));
    }
}
