//! File commands over the terminal's virtual filesystem: `cat`, `ls`, `cp`, `mv`, `rm`, `rmdir`,
//! `mkdir`, `touch`, `tee`, `basename`, `dirname`, with GNU coreutils' messages (BusyBox's for
//! `cat` in BusyBox images).

use super::{inputs, invalid_option, opts, Opts, Term};
use crate::vfs::{base_name, parent, resolve};
use crate::CommandOutput;

pub fn run(term: &mut Term<'_>, name: &str, args: &[String], stdin: &str) -> Option<CommandOutput> {
    Some(match name {
        "cat" => cat(term, args, stdin),
        "ls" => ls(term, args),
        "cp" | "mv" => copy(term, name, args),
        "rm" => rm(term, args),
        "rmdir" => rmdir(term, args),
        "mkdir" => mkdir(term, args),
        "touch" => touch(term, args),
        "tee" => tee(term, args, stdin),
        "basename" => match args.first() {
            None => CommandOutput::stderr(
                "basename: missing operand\nTry 'basename --help' for more information.\n",
                1,
            ),
            Some(p) => {
                let trimmed = p.trim_end_matches('/');
                let mut b = base_name(trimmed).to_string();
                if let Some(suffix) = args.get(1) {
                    if b.len() > suffix.len() {
                        b = b.strip_suffix(suffix.as_str()).unwrap_or(&b).to_string();
                    }
                }
                CommandOutput::stdout(format!(
                    "{}\n",
                    if p.is_empty() {
                        ""
                    } else if b.is_empty() {
                        "/"
                    } else {
                        &b
                    }
                ))
            }
        },
        "dirname" => match args.first() {
            None => CommandOutput::stderr(
                "dirname: missing operand\nTry 'dirname --help' for more information.\n",
                1,
            ),
            Some(p) => {
                let t = p.trim_end_matches('/');
                let d = match t.rfind('/') {
                    None => ".",
                    Some(0) => "/",
                    Some(i) => &t[..i],
                };
                CommandOutput::stdout(format!("{d}\n"))
            }
        },
        _ => return None,
    })
}

fn path(term: &Term<'_>, p: &str) -> String {
    resolve(term.cwd, &term.st.home(), p)
}

fn cat(term: &Term<'_>, args: &[String], stdin: &str) -> CommandOutput {
    let o = match opts(args, "nAEvte", "", &[]) {
        Ok(o) => o,
        Err(bad) => return invalid_option("cat", &bad),
    };
    let busybox = term.st.busybox;
    let mut out = CommandOutput::default();
    let texts = inputs(
        term,
        &o.operands,
        stdin,
        |n, why| {
            if busybox {
                format!("cat: can't open '{n}': {why}\n")
            } else {
                format!("cat: {n}: {why}\n")
            }
        },
        &mut out,
    );
    let code = out.exit_code;
    let mut text = String::new();
    for (_, t) in texts {
        text.push_str(&t);
    }
    if o.has('n') {
        let mut numbered = String::new();
        for (i, line) in super::lines(&text).iter().enumerate() {
            numbered.push_str(&format!("{:>6}\t{line}\n", i + 1));
        }
        if !text.ends_with('\n') && !text.is_empty() {
            numbered.pop();
        }
        text = numbered;
    }
    let mut result = CommandOutput::stdout(text);
    for (s, t) in out.chunks {
        result.chunks.push((s, t));
    }
    result.chunks.retain(|(_, t)| !t.is_empty());
    result.exit_code = code;
    result
}

fn ls(term: &Term<'_>, args: &[String]) -> CommandOutput {
    let o = match opts(args, "laA1hrtRdF", "", &[("all", 'a')]) {
        Ok(o) => o,
        Err(bad) => return invalid_option("ls", &bad),
    };
    let mut errs = CommandOutput::default();
    let targets = if o.operands.is_empty() {
        vec![".".to_string()]
    } else {
        o.operands.clone()
    };
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for t in &targets {
        let p = path(term, t);
        if let Some(text) = term.fs.read(&p) {
            files.push((t.clone(), false, text.len()));
        } else if term.fs.is_dir(&p) && o.has('d') {
            files.push((t.clone(), true, 0));
        } else if term.fs.is_dir(&p) {
            dirs.push((t.clone(), p));
        } else {
            errs.err(if term.st.busybox {
                format!("ls: {t}: No such file or directory\n")
            } else {
                format!("ls: cannot access '{t}': No such file or directory\n")
            });
            errs.exit_code = 2;
        }
    }
    let mut text = String::new();
    if !files.is_empty() {
        text.push_str(&listing(term, &o, files, false));
    }
    for (i, (t, p)) in dirs.iter().enumerate() {
        if targets.len() > 1 {
            if i > 0 || !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("{t}:\n"));
        }
        text.push_str(&listing(term, &o, dir_entries(term, &o, p), true));
    }
    // ls reports bad operands while it reads them, before listing anything.
    errs.out(text);
    errs
}

/// A directory's entries as `(name, is_dir, size)`, honouring `-a`, `-A`, `-r`.
fn dir_entries(term: &Term<'_>, o: &Opts, dir: &str) -> Vec<(String, bool, usize)> {
    let mut entries = Vec::new();
    if o.has('a') {
        entries.push((".".into(), true, 0));
        entries.push(("..".into(), true, 0));
    }
    for (n, d) in term.fs.list_dir(dir) {
        if n.starts_with('.') && !o.has('a') && !o.has('A') {
            continue;
        }
        let file = format!("{}/{n}", dir.trim_end_matches('/'));
        entries.push((n, d, term.fs.read(&file).map_or(0, str::len)));
    }
    if o.has('r') {
        entries.reverse();
    }
    entries
}

/// `ls -l` lines, one name per line into a pipe (or `-1`), else GNU-style columns for 80
/// characters.
fn listing(term: &Term<'_>, o: &Opts, entries: Vec<(String, bool, usize)>, dir: bool) -> String {
    let mut text = String::new();
    if o.has('l') {
        if dir {
            let total: usize = entries
                .iter()
                .map(|(_, d, s)| if *d { 4 } else { s.div_ceil(4096) * 4 })
                .sum();
            text.push_str(&format!("total {total}\n"));
        }
        text.push_str(&long_lines(term, entries));
        return text;
    }
    let names: Vec<String> = entries.into_iter().map(|(n, _, _)| n).collect();
    if names.is_empty() {
        return text;
    }
    if o.has('1') || term.st.piped {
        return names.iter().map(|n| format!("{n}\n")).collect();
    }
    columns(&names, 80)
}

/// `ls -l` rows: mode, links, owner, group, size, a fixed date, name.
fn long_lines(term: &Term<'_>, entries: Vec<(String, bool, usize)>) -> String {
    let sizes = entries.iter().map(|(_, d, s)| if *d { 4096 } else { *s });
    let width = sizes.max().unwrap_or(0).to_string().len();
    let owner = if term.st.get("USER") == Some("learner") {
        "learner learner"
    } else {
        "root root"
    };
    let mut text = String::new();
    for (n, d, s) in entries {
        let (mode, size) = if d {
            ("drwxr-xr-x 2", 4096)
        } else {
            ("-rw-r--r-- 1", s)
        };
        text.push_str(&format!("{mode} {owner} {size:>width$} Jan  1 00:00 {n}\n"));
    }
    text
}

/// Lays names out column by column in the fewest rows that fit `width`, as GNU ls does.
fn columns(names: &[String], width: usize) -> String {
    let n = names.len();
    for cols in (1..=n).rev() {
        let rows = n.div_ceil(cols);
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                names
                    .iter()
                    .skip(c * rows)
                    .take(rows)
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let total: usize = widths.iter().sum::<usize>() + 2 * cols.saturating_sub(1);
        if total > width && cols > 1 {
            continue;
        }
        let mut text = String::new();
        for r in 0..rows {
            let mut line = String::new();
            for (c, w) in widths.iter().enumerate() {
                if let Some(name) = names.get(c * rows + r) {
                    line.push_str(&format!("{name:<w$}  "));
                }
            }
            text.push_str(line.trim_end());
            text.push('\n');
        }
        return text;
    }
    String::new()
}

fn copy(term: &mut Term<'_>, cmd: &str, args: &[String]) -> CommandOutput {
    let o = match opts(args, "rRfvip", "", &[("recursive", 'r'), ("force", 'f')]) {
        Ok(o) => o,
        Err(bad) => return invalid_option(cmd, &bad),
    };
    let ops = &o.operands;
    let try_help = format!("Try '{cmd} --help' for more information.\n");
    if ops.is_empty() {
        return CommandOutput::stderr(format!("{cmd}: missing file operand\n{try_help}"), 1);
    }
    if ops.len() == 1 {
        return CommandOutput::stderr(
            format!(
                "{cmd}: missing destination file operand after '{}'\n{try_help}",
                ops[0]
            ),
            1,
        );
    }
    let (dest, sources) = ops.split_last().unwrap_or((&ops[0], &[]));
    let dest_path = path(term, dest);
    let dest_is_dir = term.fs.is_dir(&dest_path);
    if sources.len() > 1 && !dest_is_dir {
        return CommandOutput::stderr(format!("{cmd}: target '{dest}' is not a directory\n"), 1);
    }
    let recursive = o.has('r') || o.has('R') || cmd == "mv";
    let mut out = CommandOutput::default();
    for src in sources {
        let sp = path(term, src);
        let target = if dest_is_dir {
            format!("{}/{}", dest_path.trim_end_matches('/'), base_name(&sp))
        } else {
            dest_path.clone()
        };
        if term.fs.is_file(&sp) {
            if !term.fs.is_dir(parent(&target)) {
                out.err(format!(
                    "{cmd}: cannot create regular file '{dest}': No such file or directory\n"
                ));
                out.exit_code = 1;
                continue;
            }
            let text = term.fs.read(&sp).unwrap_or_default().to_string();
            term.fs.write(&target, text);
            if cmd == "mv" && target != sp {
                term.fs.remove(&sp);
            }
        } else if term.fs.is_dir(&sp) {
            if !recursive {
                out.err(format!(
                    "cp: -r not specified; omitting directory '{src}'\n"
                ));
                out.exit_code = 1;
                continue;
            }
            if target == sp || target.starts_with(&format!("{sp}/")) {
                out.err(format!(
                    "{cmd}: cannot {} a directory, '{src}', into itself, '{dest}'\n",
                    if cmd == "mv" { "move" } else { "copy" }
                ));
                out.exit_code = 1;
                continue;
            }
            copy_tree(term, &sp, &target);
            if cmd == "mv" {
                term.fs.remove_tree(&sp);
            }
        } else {
            out.err(format!(
                "{cmd}: cannot stat '{src}': No such file or directory\n"
            ));
            out.exit_code = 1;
        }
    }
    out
}

/// Copies a directory tree (iteratively: depth is the learner's to choose).
fn copy_tree(term: &mut Term<'_>, from: &str, to: &str) {
    term.fs.mkdir_all(to);
    // Paths below `from` keep their "/…" suffix; `from` may be "/" itself.
    let base = from.trim_end_matches('/').len();
    let dirs: Vec<String> = term.fs.dirs_under(from).map(str::to_string).collect();
    for d in dirs {
        term.fs.mkdir_all(&format!("{to}{}", &d[base..]));
    }
    let files: Vec<(String, String)> = term
        .fs
        .files_under(from)
        .map(|(p, c)| (format!("{to}{}", &p[base..]), c.to_string()))
        .collect();
    for (p, c) in files {
        term.fs.write(&p, c);
    }
}

fn rm(term: &mut Term<'_>, args: &[String]) -> CommandOutput {
    let o = match opts(args, "rRfvid", "", &[("recursive", 'r'), ("force", 'f')]) {
        Ok(o) => o,
        Err(bad) => return invalid_option("rm", &bad),
    };
    if o.operands.is_empty() && !o.has('f') {
        return CommandOutput::stderr(
            "rm: missing operand\nTry 'rm --help' for more information.\n",
            1,
        );
    }
    let mut out = CommandOutput::default();
    for t in &o.operands {
        let p = path(term, t);
        if term.fs.is_file(&p) {
            term.fs.remove(&p);
        } else if term.fs.is_dir(&p) {
            if o.has('r') || o.has('R') {
                if p == "/" {
                    out.err("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
                    out.exit_code = 1;
                    continue;
                }
                term.fs.remove_tree(&p);
            } else {
                out.err(format!("rm: cannot remove '{t}': Is a directory\n"));
                out.exit_code = 1;
            }
        } else if !o.has('f') {
            out.err(if term.st.busybox {
                format!("rm: can't remove '{t}': No such file or directory\n")
            } else {
                format!("rm: cannot remove '{t}': No such file or directory\n")
            });
            out.exit_code = 1;
        }
    }
    out
}

fn rmdir(term: &mut Term<'_>, args: &[String]) -> CommandOutput {
    let mut out = CommandOutput::default();
    for t in args {
        let p = path(term, t);
        if !term.fs.is_dir(&p) {
            let why = if term.fs.is_file(&p) {
                "Not a directory"
            } else {
                "No such file or directory"
            };
            out.err(format!("rmdir: failed to remove '{t}': {why}\n"));
            out.exit_code = 1;
        } else if !term.fs.list_dir(&p).is_empty() {
            out.err(format!(
                "rmdir: failed to remove '{t}': Directory not empty\n"
            ));
            out.exit_code = 1;
        } else {
            term.fs.remove_tree(&p);
        }
    }
    out
}

fn mkdir(term: &mut Term<'_>, args: &[String]) -> CommandOutput {
    let o = match opts(args, "pv", "m", &[("parents", 'p')]) {
        Ok(o) => o,
        Err(bad) => return invalid_option("mkdir", &bad),
    };
    if o.operands.is_empty() {
        return CommandOutput::stderr(
            "mkdir: missing operand\nTry 'mkdir --help' for more information.\n",
            1,
        );
    }
    let mut out = CommandOutput::default();
    for t in &o.operands {
        let p = path(term, t);
        if term.fs.exists(&p) {
            if !(o.has('p') && term.fs.is_dir(&p)) {
                out.err(format!(
                    "mkdir: cannot create directory ‘{t}’: File exists\n"
                ));
                out.exit_code = 1;
            }
        } else if o.has('p') || term.fs.is_dir(parent(&p)) {
            term.fs.mkdir_all(&p);
        } else {
            out.err(format!(
                "mkdir: cannot create directory ‘{t}’: No such file or directory\n"
            ));
            out.exit_code = 1;
        }
    }
    out
}

fn touch(term: &mut Term<'_>, args: &[String]) -> CommandOutput {
    if args.is_empty() {
        return CommandOutput::stderr(
            "touch: missing file operand\nTry 'touch --help' for more information.\n",
            1,
        );
    }
    let mut out = CommandOutput::default();
    for t in args.iter().filter(|a| !a.starts_with('-')) {
        let p = path(term, t);
        if term.fs.exists(&p) {
            continue;
        }
        if !term.fs.is_dir(parent(&p)) {
            out.err(format!(
                "touch: cannot touch '{t}': No such file or directory\n"
            ));
            out.exit_code = 1;
            continue;
        }
        term.fs.write(&p, String::new());
    }
    out
}

fn tee(term: &mut Term<'_>, args: &[String], stdin: &str) -> CommandOutput {
    let append = args.iter().any(|a| a == "-a" || a == "--append");
    let mut out = CommandOutput::stdout(stdin);
    for t in args.iter().filter(|a| !a.starts_with('-')) {
        let p = path(term, t);
        if term.fs.is_dir(&p) || !term.fs.is_dir(parent(&p)) {
            let why = if term.fs.is_dir(&p) {
                "Is a directory"
            } else {
                "No such file or directory"
            };
            out.err(format!("tee: {t}: {why}\n"));
            out.exit_code = 1;
            continue;
        }
        let mut text = if append {
            term.fs.read(&p).unwrap_or_default().to_string()
        } else {
            String::new()
        };
        text.push_str(stdin);
        term.fs.write(&p, text);
    }
    out
}
