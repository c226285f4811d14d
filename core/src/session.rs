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
//! the text back with [`Session::finish_edit`]; `clear` prints [`crate::shell::CLEAR_SCREEN`].

use std::collections::BTreeMap;

use crate::api::Pod;
use crate::cluster::Cluster;
use crate::shell::host::{EnvCache, PodKey, SessionHost};
use crate::shell::pod::PodTerminal;
use crate::shell::{Flavor, ShellState, Term};
use crate::sim::Duration;
use crate::tools::Origin;
use crate::vfs::Vfs;
use crate::{shell, CommandOutput};

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
}

/// `vi`/`nano` in a line-oriented terminal: the lines typed after `vi FILE` become the file's
/// new contents at `:wq` (`:q!` discards them); until then `feed` returns `None` and the prompt
/// is empty, like any command still reading its input. Front ends with a real editor widget use
/// [`Session::editing`] and [`Session::finish_edit`] instead.
#[derive(Clone, Debug)]
struct Editor {
    path: String,
    lines: Vec<String>,
    /// What the command line that opened the editor printed.
    output: CommandOutput,
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
            pod_env: EnvCache::new(),
            pending: String::new(),
            heredoc: None,
            overflow: false,
            editor: None,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The prompt to show before the next line: `> ` while a command continues, the pod shell's
    /// prompt inside `kubectl exec -it`, else the workstation's.
    pub fn prompt(&self) -> String {
        if self.editor.is_some() {
            return String::new();
        }
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
        if let Some(ed) = &mut self.editor {
            return match line.trim_end() {
                ":wq" | ":x" | "ZZ" | ":wq!" => {
                    let text: String = ed.lines.iter().map(|l| format!("{l}\n")).collect();
                    Some(self.finish_edit(Some(&text)))
                }
                ":q!" | ":q" => Some(self.finish_edit(None)),
                _ => {
                    ed.lines.push(line.to_string());
                    None
                }
            };
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
            let fs = match &mut self.pod {
                Some(p) => &mut p.fs,
                None => &mut self.fs,
            };
            fs.write(&ed.path, text.to_string());
        }
        ed.output
    }

    /// Ctrl-C: drops a half-typed command (and an open editor) without running it.
    pub fn interrupt(&mut self) {
        self.pending.clear();
        self.heredoc = None;
        self.overflow = false;
        self.editor = None;
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
        self.editor = host.edit.map(|path| Editor {
            path,
            lines: Vec::new(),
            output: CommandOutput::default(),
        });
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
        };
        let mut term = Term {
            fs: &mut p.fs,
            cwd: &mut p.cwd,
            st: &mut p.st,
        };
        let mut out = shell::run(&mut term, &mut host, line);
        self.editor = host.edit.map(|path| Editor {
            path,
            lines: Vec::new(),
            output: CommandOutput::default(),
        });
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
        };
        crate::kubectl::run(&mut self.cluster, &mut io, &args)
    }

    fn close_pod(&mut self, p: PodTerminal) {
        self.pod_fs.insert((p.namespace, p.pod, p.container), p.fs);
    }

    /// Moves simulated time forward; controllers and the kubelet act within it.
    pub fn advance(&mut self, d: Duration) {
        self.cluster.advance(d);
    }
}
