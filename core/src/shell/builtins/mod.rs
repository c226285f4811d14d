//! The commands the shell runs itself: shell builtins (`cd`, `export`, `exit`…) here, file
//! commands in `files.rs`, text filters in `text.rs`. Messages and exit codes follow GNU bash
//! and coreutils (BusyBox wording where an Alpine/BusyBox image differs and it matters).

mod files;
mod grep;
mod shell;
mod system;
mod text;

use std::collections::BTreeMap;

use super::exec::Exec;
use super::Term;
use crate::CommandOutput;

/// Every builtin name, for `help`, `which` and `type`.
pub const NAMES: [&str; 57] = [
    ".", ":", "[", "basename", "bash", "cat", "cd", "clear", "cp", "cut", "dirname", "echo", "env",
    "exit", "export", "false", "grep", "head", "help", "history", "hostname", "ls", "mkdir", "mv",
    "printenv", "printf", "pwd", "rm", "rmdir", "sed", "seq", "sh", "sleep", "sort", "source",
    "tail", "tee", "test", "touch", "tr", "true", "type", "uniq", "unset", "wc", "which", "whoami",
    "zsh", "egrep", "vi", "vim", "nano", "date", "alias", "unalias", "xargs", "read",
];

/// Names bash itself implements (`type` says "is a shell builtin"); the rest live in /usr/bin.
pub const SHELL_BUILTINS: [&str; 21] = [
    ".", ":", "[", "cd", "echo", "exit", "export", "false", "help", "history", "printf", "pwd",
    "source", "test", "true", "type", "unset", "hash", "alias", "unalias", "read",
];

/// The line editor's `:s/RE/REPL/[g]` (or `:%s`) over `text`; `None` if `command` is not one.
pub fn ex_substitute(text: &str, command: &str) -> Option<String> {
    text::ex_substitute(text, command)
}

/// Runs `argv` if it names a builtin.
pub fn run(
    ex: &mut Exec<'_>,
    term: &mut Term<'_>,
    argv: &[String],
    stdin: &str,
) -> Option<CommandOutput> {
    let name = argv.first()?.as_str();
    let args = argv.get(1..).unwrap_or(&[]);
    if let Some(out) = shell::run(ex, term, name, args, stdin) {
        return Some(out);
    }
    if let Some(out) = system::run(ex, term, name, args, stdin) {
        return Some(out);
    }
    if let Some(out) = files::run(term, name, args, stdin) {
        return Some(out);
    }
    text::run(term, name, args, stdin)
}

/// Parsed short options: flags, options with values, operands.
pub struct Opts {
    pub flags: Vec<char>,
    pub values: BTreeMap<char, String>,
    pub operands: Vec<String>,
}

impl Opts {
    pub fn has(&self, c: char) -> bool {
        self.flags.contains(&c)
    }
}

/// Parses `-abc`, `-n 5`, `-n5`, `--`; `with_value` lists options that take a value. Long
/// options map through `long` (`--lines` → `n`). Returns the bad option on error.
pub fn opts(
    args: &[String],
    known: &str,
    with_value: &str,
    long: &[(&str, char)],
) -> Result<Opts, String> {
    let mut o = Opts {
        flags: Vec::new(),
        values: BTreeMap::new(),
        operands: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            o.operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(l) = a.strip_prefix("--") {
            let (key, val) = match l.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (l, None),
            };
            let c = long
                .iter()
                .find(|(n, _)| *n == key)
                .map(|(_, c)| *c)
                .ok_or_else(|| a.clone())?;
            if with_value.contains(c) {
                let v = match val {
                    Some(v) => v,
                    None => {
                        i += 1;
                        args.get(i - 1).cloned().ok_or_else(|| a.clone())?
                    }
                };
                o.values.insert(c, v);
            } else {
                o.flags.push(c);
            }
            continue;
        }
        if a.len() < 2 || !a.starts_with('-') {
            o.operands.push(a.clone());
            continue;
        }
        let chars: Vec<char> = a.chars().skip(1).collect();
        for (j, &c) in chars.iter().enumerate() {
            if with_value.contains(c) {
                let rest: String = chars[j + 1..].iter().collect();
                let v = if !rest.is_empty() {
                    rest
                } else {
                    i += 1;
                    args.get(i - 1).cloned().ok_or(format!("-{c}"))?
                };
                o.values.insert(c, v);
                break;
            }
            if !known.contains(c) {
                return Err(c.to_string());
            }
            o.flags.push(c);
        }
    }
    Ok(o)
}

/// GNU's "invalid option" message pair.
pub fn invalid_option(cmd: &str, opt: &str) -> CommandOutput {
    let first = if opt.starts_with("--") {
        format!("{cmd}: unrecognized option '{opt}'\n")
    } else if opt.starts_with('-') {
        format!(
            "{cmd}: option requires an argument -- '{}'\n",
            opt.trim_start_matches('-')
        )
    } else {
        format!("{cmd}: invalid option -- '{opt}'\n")
    };
    CommandOutput::stderr(
        format!("{first}Try '{cmd} --help' for more information.\n"),
        if matches!(cmd, "ls" | "grep") { 2 } else { 1 },
    )
}

/// The text of each operand file (or stdin for none or `-`), with GNU-style errors.
pub fn inputs(
    term: &Term<'_>,
    operands: &[String],
    stdin: &str,
    missing: impl Fn(&str, &str) -> String,
    out: &mut CommandOutput,
) -> Vec<(String, String)> {
    if operands.is_empty() {
        return vec![("(standard input)".into(), stdin.to_string())];
    }
    let mut texts = Vec::new();
    for name in operands {
        if name == "-" {
            texts.push(("(standard input)".into(), stdin.to_string()));
            continue;
        }
        let path = crate::vfs::resolve(term.cwd, &term.st.home(), name);
        match term.fs.read(&path) {
            Some(t) => texts.push((name.clone(), t.to_string())),
            None if term.fs.is_dir(&path) => {
                out.err(missing(name, "Is a directory"));
                out.exit_code = 1;
            }
            None => {
                out.err(missing(name, "No such file or directory"));
                out.exit_code = 1;
            }
        }
    }
    texts
}

/// Splits text into lines without their newlines (a final newline ends the last line).
pub fn lines(text: &str) -> Vec<&str> {
    let t = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        Vec::new()
    } else {
        t.split('\n').collect()
    }
}
