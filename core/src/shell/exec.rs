//! Runs the AST: lists, and-or chains, pipelines (each stage's stdout is the next stage's stdin),
//! loops, `if`, subshells, redirections into the virtual filesystem, and simple commands
//! (builtins first, then the host's programs, else "command not found"). Every simple command
//! spends one step of the line's budget so loops always end.

use super::lexer::LexError;
use std::collections::BTreeMap;

use super::parser::{parse, AndOr, Command, CommandKind, List, Pipeline, RedirKind};

use super::{builtins, Host, Term, MAX_DEPTH, MAX_OUTPUT, MAX_STEPS};
use crate::vfs::resolve;
use crate::{CommandOutput, Stream};

/// Total bytes the shell lets redirections store in a terminal's filesystem.
pub const MAX_FS_BYTES: usize = 8 << 20;

pub struct Exec<'h> {
    pub host: &'h mut dyn Host,
    steps: u32,
    depth: u32,
    /// Why the whole line stopped (budget, output limit); printed once.
    aborted: Option<String>,
    /// Exit status of the last command substitution, for assignment-only commands.
    pub subst_status: Option<i32>,
    /// Set when an expansion failed (bad substitution): the command does not run.
    expansion_failed: bool,
    /// Nesting of `${…}` inside `${…}` being expanded.
    pub expand_depth: u32,
    /// Bytes expanded so far this line (a loop doubling a variable must end, too).
    expanded_bytes: usize,
    /// How far `read` has consumed each input buffer, keyed by the buffer's address and length:
    /// the commands of a `while read` loop all see the same `&str`.
    read_offsets: BTreeMap<(usize, usize), usize>,
    /// Shell functions running inside each other, and a `return` on its way out of one.
    func_depth: u32,
    returning: Option<i32>,
}

/// Functions calling functions at most (bash's `FUNCNEST` set to this).
const MAX_FUNC_DEPTH: u32 = 100;

/// Bytes word expansion may produce in one command line.
pub const MAX_EXPANDED_BYTES: usize = 64 << 20;

/// Where a file descriptor points while a command runs.
#[derive(Clone, Debug, PartialEq)]
enum Dest {
    Stream(Stream),
    File(String),
    Null,
}

impl<'h> Exec<'h> {
    pub fn new(host: &'h mut dyn Host) -> Exec<'h> {
        Exec {
            host,
            steps: 0,
            depth: 0,
            aborted: None,
            subst_status: None,
            expansion_failed: false,
            expand_depth: 0,
            expanded_bytes: 0,
            read_offsets: BTreeMap::new(),
            func_depth: 0,
            returning: None,
        }
    }

    pub fn abort(&mut self, why: &str) {
        if self.aborted.is_none() {
            self.aborted = Some(why.to_string());
        }
    }

    /// Counts expanded text against the line's budget; past it the line stops.
    pub fn spend_bytes(&mut self, n: usize) {
        self.expanded_bytes = self.expanded_bytes.saturating_add(n);
        if self.expanded_bytes > MAX_EXPANDED_BYTES {
            self.abort("expansion limit reached (64 MiB per line)");
            self.expansion_failed = true;
        }
    }

    /// The next unread line of `stdin` for `read`, without its newline.
    pub fn next_line(&mut self, stdin: &str) -> Option<String> {
        let key = (stdin.as_ptr() as usize, stdin.len());
        let at = self.read_offsets.get(&key).copied().unwrap_or(0);
        let rest = stdin.get(at..).filter(|r| !r.is_empty())?;
        let (line, used) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.read_offsets.insert(key, at + used);
        Some(line.to_string())
    }

    /// Forgets read positions in a buffer about to be replaced (a new pipe or redirect).
    fn fresh_input(&mut self, input: &str) {
        self.read_offsets
            .remove(&(input.as_ptr() as usize, input.len()));
    }

    pub fn fail_expansion(&mut self) {
        self.expansion_failed = true;
    }

    fn stopped(&self, term: &Term<'_>) -> bool {
        self.aborted.is_some() || term.st.exit.is_some() || self.returning.is_some()
    }

    /// Parses and runs `src` (a whole command line or script) with `stdin`.
    pub fn run_source(&mut self, term: &mut Term<'_>, src: &str, stdin: &str) -> CommandOutput {
        let name = term.st.flavor.name();
        let list = match parse(src) {
            Ok(list) => list,
            Err(LexError::Syntax(msg)) => {
                return CommandOutput::stderr(format!("{name}: {msg}\n"), 2)
            }
            Err(LexError::Incomplete) => {
                return CommandOutput::stderr(
                    format!("{name}: syntax error: unexpected end of file\n"),
                    2,
                )
            }
        };
        self.run_list(term, &list, stdin)
    }

    /// Why the line stopped early, once, for the top level to report.
    pub fn take_abort(&mut self) -> Option<String> {
        self.aborted.take()
    }

    /// Runs `src` in the current shell (`source`), counting towards the nesting limit.
    pub fn run_nested(&mut self, term: &mut Term<'_>, src: &str, stdin: &str) -> CommandOutput {
        if self.depth >= MAX_DEPTH {
            self.abort("maximum nesting depth exceeded");
            return CommandOutput::stderr("", 1);
        }
        self.depth += 1;
        let out = self.run_source(term, src, stdin);
        self.depth -= 1;
        out
    }

    /// Runs `src` as a subshell: variable, directory and `exit` changes do not leak out.
    pub fn subshell(&mut self, term: &mut Term<'_>, src: &str, stdin: &str) -> CommandOutput {
        if self.depth >= MAX_DEPTH {
            self.abort("maximum nesting depth exceeded");
            return CommandOutput::stderr("", 1);
        }
        let saved_st = term.st.clone();
        let saved_cwd = term.cwd.clone();
        self.depth += 1;
        let mut out = self.run_source(term, src, stdin);
        self.depth -= 1;
        if let Some(code) = term.st.exit {
            out.exit_code = code;
        }
        let history = std::mem::take(&mut term.st.history);
        *term.st = saved_st;
        term.st.history = history;
        *term.cwd = saved_cwd;
        out
    }

    pub fn run_list(&mut self, term: &mut Term<'_>, list: &List, stdin: &str) -> CommandOutput {
        let mut out = CommandOutput {
            exit_code: term.st.last_status,
            ..CommandOutput::default()
        };
        for and_or in list {
            if self.stopped(term) {
                break;
            }
            let r = self.run_and_or(term, and_or, stdin);
            out.extend(r);
            if out.chunks.iter().map(|(_, t)| t.len()).sum::<usize>() > MAX_OUTPUT {
                truncate(&mut out);
                self.abort("output limit reached (1 MiB)");
            }
        }
        if let Some(code) = term.st.exit {
            out.exit_code = code;
        }
        out
    }

    fn run_and_or(&mut self, term: &mut Term<'_>, ao: &AndOr, stdin: &str) -> CommandOutput {
        let mut out = self.run_pipeline(term, &ao.first, stdin);
        for (and, p) in &ao.rest {
            if self.stopped(term) {
                break;
            }
            if *and == (out.exit_code == 0) {
                let r = self.run_pipeline(term, p, stdin);
                out.extend(r);
            }
        }
        out
    }

    fn run_pipeline(&mut self, term: &mut Term<'_>, p: &Pipeline, stdin: &str) -> CommandOutput {
        let mut out = CommandOutput::default();
        // The first stage reads the caller's very buffer (so `read` in a loop keeps its place);
        // later stages read the previous stage's output.
        let mut piped_in: Option<String> = None;
        let last = p.commands.len().saturating_sub(1);
        for (i, cmd) in p.commands.iter().enumerate() {
            if self.stopped(term) && i > 0 {
                break;
            }
            let piped = term.st.piped;
            term.st.piped |= i != last;
            let r = self.run_command(term, cmd, piped_in.as_deref().unwrap_or(stdin));
            term.st.piped = piped;
            if i == last {
                out.extend(r);
            } else {
                let next = r.stdout_text();
                self.fresh_input(&next);
                piped_in = Some(next);
                for (s, t) in r.chunks {
                    if s == Stream::Stderr {
                        out.err(t);
                    }
                }
            }
        }
        if p.negate {
            out.exit_code = (out.exit_code == 0) as i32;
        }
        term.st.last_status = out.exit_code;
        out
    }

    fn run_command(&mut self, term: &mut Term<'_>, cmd: &Command, stdin: &str) -> CommandOutput {
        let mut fds = [Dest::Stream(Stream::Stdout), Dest::Stream(Stream::Stderr)];
        let mut input = None;
        let mut err = CommandOutput::default();
        for r in &cmd.redirs {
            if let Err(msg) = self.redirect(term, r, &mut fds, &mut input, &mut err) {
                err.err(format!("{}: {msg}\n", term.st.flavor.name()));
                err.exit_code = 1;
                return err;
            }
        }
        if let Some(i) = &input {
            self.fresh_input(i);
        }
        let stdin = input.as_deref().unwrap_or(stdin);
        let piped = term.st.piped;
        term.st.piped |= fds[0] != Dest::Stream(Stream::Stdout);
        let out = self.run_kind(term, cmd, stdin);
        term.st.piped = piped;
        err.extend(out);
        self.route(term, err, &fds)
    }

    fn run_kind(&mut self, term: &mut Term<'_>, cmd: &Command, stdin: &str) -> CommandOutput {
        match &cmd.kind {
            CommandKind::Simple { assigns, words } => self.run_simple(term, assigns, words, stdin),
            CommandKind::For { var, words, body } => {
                let mut e = CommandOutput::default();
                let items = self.expand_words(term, words, &mut e);
                for item in items {
                    if self.stopped(term) {
                        break;
                    }
                    term.st.vars.insert(var.clone(), item);
                    let r = self.run_list(term, body, stdin);
                    e.extend(r);
                }
                e
            }
            CommandKind::While { until, cond, body } => {
                let mut e = CommandOutput::default();
                while !self.stopped(term) {
                    let c = self.run_list(term, cond, stdin);
                    let code = c.exit_code;
                    e.extend(c);
                    e.exit_code = 0;
                    if (code == 0) == *until || self.stopped(term) {
                        break;
                    }
                    self.spend_step();
                    let r = self.run_list(term, body, stdin);
                    e.extend(r);
                }
                e
            }
            CommandKind::If {
                branches,
                otherwise,
            } => self.run_if(term, branches, otherwise.as_ref(), stdin),
            CommandKind::Group(list) => self.run_list(term, list, stdin),
            CommandKind::Case { word, arms } => self.run_case(term, word, arms, stdin),
            CommandKind::Function { name, body } => {
                term.st.functions.insert(name.clone(), (**body).clone());
                CommandOutput::default()
            }
            CommandKind::Subshell(list) => {
                let saved = term.st.clone();
                let cwd = term.cwd.clone();
                let r = self.run_list(term, list, stdin);
                *term.st = saved;
                *term.cwd = cwd;
                r
            }
        }
    }

    /// The first arm with a pattern matching the word runs; no match is status 0.
    fn run_case(
        &mut self,
        term: &mut Term<'_>,
        word: &str,
        arms: &[(Vec<String>, List)],
        stdin: &str,
    ) -> CommandOutput {
        let mut out = CommandOutput::default();
        let value = self.expand_single(term, word, &mut out);
        for (patterns, body) in arms {
            for p in patterns {
                let pattern = self.expand_single(term, p, &mut out);
                if super::expand::wildcard(&pattern, &value) {
                    out.extend(self.run_list(term, body, stdin));
                    return out;
                }
            }
        }
        out.exit_code = 0;
        out
    }

    /// Runs a shell function with `args` as `$1`…; `return N` ends it with status N.
    fn call_function(
        &mut self,
        term: &mut Term<'_>,
        body: &Command,
        argv: &[String],
        stdin: &str,
    ) -> CommandOutput {
        let name = argv.first().cloned().unwrap_or_default();
        if self.func_depth >= MAX_FUNC_DEPTH {
            // bash abandons the whole command line here; the abort notice says so.
            self.abort(&format!(
                "{name}: maximum function nesting level exceeded ({MAX_FUNC_DEPTH})"
            ));
            return CommandOutput::stderr("", 1);
        }
        let zero = term.st.positional.first().cloned().unwrap_or_default();
        let mut positional = vec![zero];
        positional.extend(argv.iter().skip(1).cloned());
        let saved = std::mem::replace(&mut term.st.positional, positional);
        self.func_depth += 1;
        let mut out = self.run_command(term, body, stdin);
        self.func_depth -= 1;
        term.st.positional = saved;
        if let Some(code) = self.returning.take() {
            out.exit_code = code;
        }
        out
    }

    /// `return [N]`: leaves the innermost function (status N, else the last command's).
    fn return_builtin(&mut self, term: &Term<'_>, args: &[String]) -> CommandOutput {
        let sh = term.st.flavor.name();
        if self.func_depth == 0 {
            return CommandOutput::stderr(
                format!("{sh}: return: can only `return' from a function or sourced script\n"),
                1,
            );
        }
        let code = match args.first() {
            None => term.st.last_status,
            Some(a) => match a.parse::<i64>() {
                Ok(n) => n.rem_euclid(256) as i32,
                Err(_) => {
                    self.returning = Some(2);
                    return CommandOutput::stderr(
                        format!("{sh}: return: {a}: numeric argument required\n"),
                        2,
                    );
                }
            },
        };
        self.returning = Some(code);
        CommandOutput {
            chunks: Vec::new(),
            exit_code: code,
        }
    }

    fn run_if(
        &mut self,
        term: &mut Term<'_>,
        branches: &[(List, List)],
        otherwise: Option<&List>,
        stdin: &str,
    ) -> CommandOutput {
        let mut out = CommandOutput::default();
        for (cond, body) in branches {
            let c = self.run_list(term, cond, stdin);
            let ok = c.exit_code == 0;
            out.extend(c);
            if ok {
                out.extend(self.run_list(term, body, stdin));
                return out;
            }
        }
        out.exit_code = 0;
        if let Some(list) = otherwise {
            out.extend(self.run_list(term, list, stdin));
        }
        out
    }

    fn spend_step(&mut self) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.abort("command limit reached (10000 commands per line)");
            return false;
        }
        true
    }

    fn run_simple(
        &mut self,
        term: &mut Term<'_>,
        assigns: &[(String, String)],
        words: &[String],
        stdin: &str,
    ) -> CommandOutput {
        if !self.spend_step() {
            return CommandOutput::stderr("", 1);
        }
        let mut out = CommandOutput::default();
        self.subst_status = None;
        self.expansion_failed = false;
        let mut values = Vec::new();
        for (name, raw) in assigns {
            let mut v = self.expand_single(term, raw, &mut out);
            v.truncate(MAX_OUTPUT);
            values.push((name.clone(), v));
        }
        let aliased = alias(term, words);
        let argv = self.expand_words(term, aliased.as_deref().unwrap_or(words), &mut out);
        if self.expansion_failed {
            out.exit_code = 1;
            return out;
        }
        if argv.is_empty() {
            for (name, v) in values {
                term.st.vars.insert(name, v);
            }
            out.exit_code = self.subst_status.unwrap_or(0);
            return out;
        }
        let saved: Vec<_> = values
            .iter()
            .map(|(n, _)| {
                (
                    n.clone(),
                    term.st.vars.get(n).cloned(),
                    term.st.exported.contains(n),
                )
            })
            .collect();
        for (name, v) in values {
            term.st.export(&name, &v);
        }
        let r = self.dispatch(term, &argv, stdin);
        for (name, old, was_exported) in saved {
            match old {
                Some(v) => term.st.vars.insert(name.clone(), v),
                None => term.st.vars.remove(&name),
            };
            if !was_exported {
                term.st.exported.remove(&name);
            }
        }
        out.extend(r);
        out
    }

    /// Finds and runs a command by name.
    pub fn dispatch(&mut self, term: &mut Term<'_>, argv: &[String], stdin: &str) -> CommandOutput {
        let Some(name) = argv.first() else {
            return CommandOutput::default();
        };
        if let Some(body) = term.st.functions.get(name).cloned() {
            return self.call_function(term, &body, argv, stdin);
        }
        if name == "return" {
            return self.return_builtin(term, argv.get(1..).unwrap_or(&[]));
        }
        if let Some(out) = builtins::run(self, term, argv, stdin) {
            return out;
        }
        if let Some(out) = self.host.external(term, argv, stdin) {
            return out;
        }
        let flavor = term.st.flavor.name();
        if name.contains('/') {
            let path = resolve(term.cwd, &term.st.home(), name);
            return match term.fs.read(&path).map(str::to_string) {
                Some(script) => self.subshell(term, &script, stdin),
                None if term.fs.is_dir(&path) => {
                    CommandOutput::stderr(format!("{flavor}: {name}: Is a directory\n"), 126)
                }
                None => CommandOutput::stderr(
                    format!("{flavor}: {name}: No such file or directory\n"),
                    127,
                ),
            };
        }
        CommandOutput::stderr(term.st.flavor.not_found(name), 127)
    }

    fn redirect(
        &mut self,
        term: &mut Term<'_>,
        r: &super::parser::Redir,
        fds: &mut [Dest; 2],
        input: &mut Option<String>,
        err: &mut CommandOutput,
    ) -> Result<(), String> {
        let slot = match r.fd {
            1 => Some(0),
            2 => Some(1),
            _ => None,
        };
        match &r.kind {
            RedirKind::HereDoc { body, expand } => {
                *input = Some(if *expand {
                    self.expand_heredoc(term, body, err)
                } else {
                    body.clone()
                });
            }
            RedirKind::In { target } => {
                let word = self.expand_single(term, target, err);
                let path = resolve(term.cwd, &term.st.home(), &word);
                match term.fs.read(&path) {
                    Some(text) => *input = Some(text.to_string()),
                    None if path == "/dev/null" => *input = Some(String::new()),
                    None if term.fs.is_dir(&path) => return Err(format!("{word}: Is a directory")),
                    None => return Err(format!("{word}: No such file or directory")),
                }
            }
            RedirKind::Out { target, append } => {
                let dest = self.open(term, target, *append, err)?;
                if let Some(s) = slot {
                    fds[s] = dest;
                }
            }
            RedirKind::Both { target } => {
                let dest = self.open(term, target, false, err)?;
                fds[0] = dest.clone();
                fds[1] = dest;
            }
            RedirKind::Dup { target } => {
                let word = self.expand_single(term, target, err);
                let dest = match word.as_str() {
                    "1" => fds[0].clone(),
                    "2" => fds[1].clone(),
                    "-" => Dest::Null,
                    _ => return Err(format!("{word}: ambiguous redirect")),
                };
                if let Some(s) = slot {
                    fds[s] = dest;
                }
            }
        }
        Ok(())
    }

    fn open(
        &mut self,
        term: &mut Term<'_>,
        target: &str,
        append: bool,
        err: &mut CommandOutput,
    ) -> Result<Dest, String> {
        let word = self.expand_single(term, target, err);
        if word.is_empty() {
            return Err(format!("{target}: ambiguous redirect"));
        }
        let path = resolve(term.cwd, &term.st.home(), &word);
        match path.as_str() {
            "/dev/null" => return Ok(Dest::Null),
            "/dev/stdout" => return Ok(Dest::Stream(Stream::Stdout)),
            "/dev/stderr" => return Ok(Dest::Stream(Stream::Stderr)),
            _ => {}
        }
        if term.fs.is_dir(&path) {
            return Err(format!("{word}: Is a directory"));
        }
        let parent = match path.rfind('/') {
            Some(0) | None => "/",
            Some(i) => &path[..i],
        };
        if !term.fs.is_dir(parent) {
            return Err(format!("{word}: No such file or directory"));
        }
        if !append || term.fs.read(&path).is_none() {
            term.fs.write(&path, String::new());
        }
        Ok(Dest::File(path))
    }

    /// Sends each output chunk where its descriptor points.
    fn route(&mut self, term: &mut Term<'_>, out: CommandOutput, fds: &[Dest; 2]) -> CommandOutput {
        if fds[0] == Dest::Stream(Stream::Stdout) && fds[1] == Dest::Stream(Stream::Stderr) {
            return out;
        }
        let mut routed = CommandOutput {
            exit_code: out.exit_code,
            ..CommandOutput::default()
        };
        for (stream, text) in out.chunks {
            let dest = if stream == Stream::Stdout {
                &fds[0]
            } else {
                &fds[1]
            };
            match dest {
                Dest::Stream(Stream::Stdout) => routed.out(text),
                Dest::Stream(Stream::Stderr) => routed.err(text),
                Dest::Null => {}
                Dest::File(path) => {
                    if term.fs.total_bytes() + text.len() > MAX_FS_BYTES {
                        routed.err(format!(
                            "{}: write error: No space left on device\n",
                            term.st.flavor.name()
                        ));
                        routed.exit_code = 1;
                        self.abort("file system full");
                        break;
                    }
                    term.fs.append(path, &text);
                }
            }
        }
        routed
    }
}

fn truncate(out: &mut CommandOutput) {
    let mut left = MAX_OUTPUT;
    for (_, text) in out.chunks.iter_mut() {
        if text.len() > left {
            let mut cut = left;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        left -= text.len();
    }
    out.chunks.retain(|(_, t)| !t.is_empty());
    out.err("\n");
}

/// bash's alias substitution on the first word (`alias k=kubectl`): the alias text is split
/// into words; an alias ending in a blank also substitutes the next word, which is rare enough
/// to leave out.
fn alias(term: &Term<'_>, words: &[String]) -> Option<Vec<String>> {
    let first = words.first()?;
    let text = term.st.aliases.get(first)?;
    let mut out: Vec<String> = match super::lexer::lex(text) {
        Ok(toks) => toks
            .into_iter()
            .filter_map(|t| match t {
                super::lexer::Token::Word(w) => Some(w),
                _ => None,
            })
            .collect(),
        Err(_) => return None,
    };
    out.extend(words[1..].iter().cloned());
    Some(out)
}
