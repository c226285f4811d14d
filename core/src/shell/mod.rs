//! A small POSIX-like shell shared by the workstation terminal and the pod terminals: quoting,
//! variables, `$(…)`, pipes, lists, loops, `if`, heredocs, redirections into the virtual
//! filesystem, and the coreutils a learner reaches for (`builtins/`). Programs the shell does not
//! implement itself (kubectl, curl, nslookup…) go to a [`Host`], which the session provides.
//!
//! Hostile input cannot hang or exhaust the page: every input line has a budget of commands
//! ([`MAX_STEPS`]), output and strings are capped ([`MAX_OUTPUT`]), and nesting of `$(…)` and
//! `sh -c` is bounded ([`MAX_DEPTH`]).
//!
//! `clear` writes the ANSI sequence [`CLEAR_SCREEN`] to stdout; front ends that render a
//! terminal act on it (the CLI simply prints it, as a real terminal would).

pub mod builtins;
pub mod exec;
pub mod expand;
pub mod host;
pub mod kexec;
pub mod lexer;
pub mod parser;
pub mod pod;
pub mod regex;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use crate::sim::Duration;
use crate::vfs::Vfs;
use crate::CommandOutput;

/// Simple commands one input line may run (loops included) before the shell gives up.
pub const MAX_STEPS: u32 = 10_000;
/// Bytes of output (and of any one string or file) a command line may produce.
pub const MAX_OUTPUT: usize = 1 << 20;
/// Nesting depth of `$(…)`, `sh -c` and subshells.
pub const MAX_DEPTH: u32 = 16;
/// What `clear` prints: cursor home + erase display.
pub const CLEAR_SCREEN: &str = "\x1b[H\x1b[2J";

/// Which shell an image runs: it decides the prompt and the error wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// GNU bash (the workstation, netshoot, debian-based images) with its version for `bash-5.2# `.
    Bash { version: String, debian: bool },
    /// BusyBox ash (busybox, alpine): `sh: foo: not found`.
    Ash,
}

impl Flavor {
    /// The name error messages start with.
    pub fn name(&self) -> &'static str {
        match self {
            Flavor::Bash { .. } => "bash",
            Flavor::Ash => "sh",
        }
    }

    pub fn not_found(&self, cmd: &str) -> String {
        match self {
            Flavor::Bash { .. } => format!("bash: {cmd}: command not found\n"),
            Flavor::Ash => format!("sh: {cmd}: not found\n"),
        }
    }
}

/// Everything a shell remembers between command lines except its files and directory.
#[derive(Clone, Debug)]
pub struct ShellState {
    pub vars: BTreeMap<String, String>,
    pub exported: BTreeSet<String>,
    /// `alias NAME=TEXT` definitions.
    pub aliases: BTreeMap<String, String>,
    /// Shell functions by name (`f() { …; }`).
    pub functions: BTreeMap<String, parser::Command>,
    /// Exported names in the order they entered the environment (`env` prints that order).
    export_order: Vec<String>,
    pub last_status: i32,
    pub history: Vec<String>,
    pub flavor: Flavor,
    /// Set by `exit`: the shell ends with this status.
    pub exit: Option<i32>,
    /// `$0`, `$1`…
    pub positional: Vec<String>,
    /// Stdout goes to a pipe, a file or `$(…)` rather than the terminal (`ls` prints one name
    /// per line then). Set by the executor around each command.
    pub piped: bool,
    /// The image's coreutils are BusyBox's (Alpine, netshoot): their error wording differs.
    pub busybox: bool,
}

impl ShellState {
    pub fn new(flavor: Flavor, env: &[(&str, &str)]) -> ShellState {
        let mut st = ShellState {
            vars: BTreeMap::new(),
            exported: BTreeSet::new(),
            export_order: Vec::new(),
            aliases: BTreeMap::new(),
            functions: BTreeMap::new(),
            last_status: 0,
            history: Vec::new(),
            positional: vec![flavor.name().to_string()],
            piped: false,
            busybox: flavor == Flavor::Ash,
            flavor,
            exit: None,
        };
        for (k, v) in env {
            st.export(k, v);
        }
        st
    }

    pub fn export(&mut self, name: &str, value: &str) {
        self.vars.insert(name.to_string(), value.to_string());
        if self.exported.insert(name.to_string()) && !self.export_order.iter().any(|n| n == name) {
            self.export_order.push(name.to_string());
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The exported variables, as `env` prints them.
    pub fn environ(&self) -> Vec<(String, String)> {
        self.export_order
            .iter()
            .filter(|k| self.exported.contains(*k))
            .filter_map(|k| self.vars.get(k).map(|v| (k.clone(), v.clone())))
            .collect()
    }

    pub fn home(&self) -> String {
        self.get("HOME").unwrap_or("/").to_string()
    }
}

/// What runs the commands the shell itself does not know.
pub trait Host {
    /// Runs `argv` as an external program; `None` if there is no such program here.
    fn external(
        &mut self,
        term: &mut Term<'_>,
        argv: &[String],
        stdin: &str,
    ) -> Option<CommandOutput>;
    /// `sleep`: lets simulated time pass.
    fn sleep(&mut self, d: Duration);
    /// Where `which` finds a host program (`/usr/local/bin/kubectl`), if it exists here.
    fn program_path(&self, _term: &Term<'_>, _name: &str) -> Option<String> {
        None
    }
    /// The simulated wall clock, for `date`.
    fn now(&self) -> Option<crate::sim::Time> {
        None
    }
    /// `vi FILE`: asks the terminal to open its editor on `path` once the line finishes.
    /// `false` when this terminal has no editor.
    fn edit(&mut self, _path: &str) -> bool {
        false
    }
}

/// The terminal a command line runs in: its files, working directory and shell state.
pub struct Term<'a> {
    pub fs: &'a mut Vfs,
    pub cwd: &'a mut String,
    pub st: &'a mut ShellState,
}

/// Runs one complete input (already known to parse) in `term`. Returns the output; parse errors
/// come back as bash-style messages with status 2.
pub fn run(term: &mut Term<'_>, host: &mut dyn Host, input: &str) -> CommandOutput {
    let mut ex = exec::Exec::new(host);
    let mut out = ex.run_source(term, input, "");
    if let Some(why) = ex.take_abort() {
        let name = term.st.flavor.name();
        out.err(format!("{name}: {why}; the rest of the line was not run\n"));
        out.exit_code = 1;
    }
    term.st.last_status = out.exit_code;
    out
}

/// Whether `input` needs more lines before it can run.
pub fn is_incomplete(input: &str) -> bool {
    matches!(parser::parse(input), Err(lexer::LexError::Incomplete))
}
