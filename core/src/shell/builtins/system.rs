//! Builtins about the system rather than the shell's own state: `help`, `which`, `type`,
//! `alias`/`unalias`, `hostname`, `date` (simulated time), `vi`/`vim`/`nano` (the line
//! editor), `xargs` and `read`.

use super::{Exec, Term, NAMES, SHELL_BUILTINS};
use crate::vfs::resolve;
use crate::CommandOutput;

pub fn run(
    ex: &mut Exec<'_>,
    term: &mut Term<'_>,
    name: &str,
    args: &[String],
    stdin: &str,
) -> Option<CommandOutput> {
    let sh = term.st.flavor.name();
    Some(match name {
        "help" => help(),
        "which" => which(ex, term, args),
        "type" => type_(ex, term, args),
        "alias" => alias(term, args),
        "unalias" => {
            let mut out = CommandOutput::default();
            for a in args {
                if a == "-a" {
                    term.st.aliases.clear();
                } else if term.st.aliases.remove(a).is_none() {
                    out.err(format!("{sh}: unalias: {a}: not found\n"));
                    out.exit_code = 1;
                }
            }
            out
        }
        "vi" | "vim" | "nano" => edit(ex, term, name, args),
        "hostname" => hostname(term, args),
        "date" => date(ex, args),
        "xargs" => xargs(ex, term, args, stdin),
        "read" => read(ex, term, args, stdin),
        _ => return None,
    })
}

fn help() -> CommandOutput {
    let mut text = String::from(
        "Kubeplay shell: a small bash-like shell over a simulated cluster.\n\
         Quoting, $VAR, $(...), pipes, ; && ||, for/while/if, heredocs and redirections work.\n\n\
         Programs:\n  kubectl   (get, describe, apply, create, expose, exec, ...)\n  \
         curl wget nslookup dig host ping nc   (network tools, where the image has them)\n  \
         explain   (why did that request go where it went?)\n  \
         vi FILE   (line editor: the lines you type become FILE; :wq saves, :q! quits)\n\n\
         Builtins:\n",
    );
    let mut line = String::from(" ");
    let mut names: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|n| !matches!(*n, "." | ":" | "[" | "egrep"))
        .collect();
    names.sort_unstable();
    for name in names {
        if line.len() + name.len() > 76 {
            text.push_str(&line);
            text.push('\n');
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(name);
    }
    text.push_str(&line);
    text.push('\n');
    CommandOutput::stdout(text)
}

/// Where a program lives on disk: `None` for pure shell builtins (`cd`, `export`…).
fn locate(ex: &mut Exec<'_>, term: &Term<'_>, name: &str) -> Option<String> {
    const NO_BINARY: [&str; 14] = [
        "cd", "export", "exit", "history", "help", "source", ".", "type", "unset", "hash", ":",
        "alias", "unalias", "read",
    ];
    if NO_BINARY.contains(&name) {
        return None;
    }
    if NAMES.contains(&name) || SHELL_BUILTINS.contains(&name) {
        // Ubuntu and Debian merged /bin into /usr/bin; BusyBox links its applets in /bin.
        let dir = if term.st.busybox { "/bin" } else { "/usr/bin" };
        return Some(format!("{dir}/{name}"));
    }
    ex.host.program_path(term, name)
}

fn which(ex: &mut Exec<'_>, term: &Term<'_>, args: &[String]) -> CommandOutput {
    let mut out = CommandOutput::default();
    for a in args {
        match locate(ex, term, a) {
            Some(p) => out.out(format!("{p}\n")),
            None => out.exit_code = 1,
        }
    }
    if args.is_empty() {
        out.exit_code = 1;
    }
    out
}

fn type_(ex: &mut Exec<'_>, term: &Term<'_>, args: &[String]) -> CommandOutput {
    let sh = term.st.flavor.name();
    let mut out = CommandOutput::default();
    for a in args {
        if let Some(v) = term.st.aliases.get(a) {
            out.out(format!("{a} is aliased to `{v}'\n"));
        } else if SHELL_BUILTINS.contains(&a.as_str()) {
            out.out(format!("{a} is a shell builtin\n"));
        } else if let Some(p) = locate(ex, term, a) {
            out.out(format!("{a} is {p}\n"));
        } else {
            out.err(format!("{sh}: type: {a}: not found\n"));
            out.exit_code = 1;
        }
    }
    out
}

/// `vi FILE`: the terminal's line editor takes over (see `Session::editing`).
fn edit(ex: &mut Exec<'_>, term: &Term<'_>, name: &str, args: &[String]) -> CommandOutput {
    let Some(file) = args
        .iter()
        .find(|a| !a.starts_with('-') && !a.starts_with('+'))
    else {
        return CommandOutput::stderr(format!("{name}: kubeplay's editor needs a file name\n"), 1);
    };
    let path = resolve(term.cwd, &term.st.home(), file);
    if term.fs.is_dir(&path) {
        return CommandOutput::stderr(format!("{name}: {file} is a directory\n"), 1);
    }
    if !ex.host.edit(&path) {
        return CommandOutput::stderr(term.st.flavor.not_found(name), 127);
    }
    CommandOutput::default()
}

/// `hostname`, and `hostname -i` (the address /etc/hosts gives the name).
fn hostname(term: &Term<'_>, args: &[String]) -> CommandOutput {
    let name = term.st.get("HOSTNAME").unwrap_or("workstation").to_string();
    if !args.iter().any(|a| a == "-i") {
        return CommandOutput::stdout(format!("{name}\n"));
    }
    let hosts = term.fs.read("/etc/hosts").unwrap_or_default();
    let ip = hosts.lines().find_map(|l| {
        let mut f = l.split_whitespace();
        let ip = f.next()?;
        f.any(|n| n == name).then(|| ip.to_string())
    });
    match ip {
        Some(ip) => CommandOutput::stdout(format!("{ip}\n")),
        None => CommandOutput::stderr("hostname: Name or service not known\n", 1),
    }
}

/// `date` over simulated time, in the C locale: `Mon Jan  5 09:00:00 UTC 2026`, or `+FORMAT`.
fn date(ex: &mut Exec<'_>, args: &[String]) -> CommandOutput {
    let Some(now) = ex.host.now() else {
        return CommandOutput::stderr("date: cannot read the clock\n", 1);
    };
    let secs = crate::sim::EPOCH_UNIX_SECS + now.0 / 1000;
    let rfc = now.to_rfc3339();
    let part = |a: usize, b: usize| rfc.get(a..b).unwrap_or("00").to_string();
    let (year, month, day) = (part(0, 4), part(5, 7), part(8, 10));
    let (hh, mm, ss) = (part(11, 13), part(14, 16), part(17, 19));
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = DAYS[((secs / 86_400 + 4) % 7) as usize];
    let mon = month
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
        .unwrap_or(&"Jan");
    let day_pad = format!("{:>2}", day.trim_start_matches('0'));
    let format = args.iter().find_map(|a| a.strip_prefix('+'));
    let Some(format) = format else {
        return CommandOutput::stdout(format!(
            "{weekday} {mon} {day_pad} {hh}:{mm}:{ss} UTC {year}\n"
        ));
    };
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&year),
            Some('m') => out.push_str(&month),
            Some('d') => out.push_str(&day),
            Some('H') => out.push_str(&hh),
            Some('M') => out.push_str(&mm),
            Some('S') => out.push_str(&ss),
            Some('s') => out.push_str(&secs.to_string()),
            Some('T') => out.push_str(&format!("{hh}:{mm}:{ss}")),
            Some('F') => out.push_str(&format!("{year}-{month}-{day}")),
            Some('a') => out.push_str(weekday),
            Some('b') => out.push_str(mon),
            Some('Z') => out.push_str("UTC"),
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('%');
                out.push(o);
            }
            None => out.push('%'),
        }
    }
    CommandOutput::stdout(format!("{out}\n"))
}

/// `alias`, `alias NAME`, `alias NAME=TEXT…`, printing as bash does (`alias k='kubectl'`).
fn alias(term: &mut Term<'_>, args: &[String]) -> CommandOutput {
    let show = |k: &str, v: &str| format!("alias {k}='{}'\n", v.replace('\'', "'\\''"));
    if args.is_empty() || args.iter().all(|a| a == "-p") {
        return CommandOutput::stdout(
            term.st
                .aliases
                .iter()
                .map(|(k, v)| show(k, v))
                .collect::<String>(),
        );
    }
    let mut out = CommandOutput::default();
    for a in args.iter().filter(|a| *a != "-p") {
        match a.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                term.st.aliases.insert(k.to_string(), v.to_string());
            }
            _ => match term.st.aliases.get(a.as_str()) {
                Some(v) => out.out(show(a, v)),
                None => {
                    out.err(format!(
                        "{}: alias: {a}: not found\n",
                        term.st.flavor.name()
                    ));
                    out.exit_code = 1;
                }
            },
        }
    }
    out
}

/// `xargs [-n N] [-I R] [CMD ARGS…]`: runs CMD with the words of stdin appended (default
/// `echo`), `N` at a time, or once per line with `R` replaced.
fn xargs(ex: &mut Exec<'_>, term: &mut Term<'_>, args: &[String], stdin: &str) -> CommandOutput {
    let mut per: Option<usize> = None;
    let mut replace: Option<String> = None;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "-n" => {
                per = args
                    .get(i + 1)
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0);
                i += 2;
            }
            "-I" => {
                replace = args.get(i + 1).cloned();
                i += 2;
            }
            "-r" | "--no-run-if-empty" => i += 1,
            _ => break,
        }
    }
    let mut cmd: Vec<String> = args.get(i..).unwrap_or(&[]).to_vec();
    if cmd.is_empty() {
        cmd.push("echo".into());
    }
    let runs: Vec<Vec<String>> = match &replace {
        Some(r) => stdin
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                cmd.iter()
                    .map(|w| w.replace(r.as_str(), l.trim()))
                    .collect()
            })
            .collect(),
        None => {
            let words: Vec<String> = stdin.split_whitespace().map(String::from).collect();
            let chunk = per.unwrap_or(words.len().max(1));
            if words.is_empty() {
                Vec::new()
            } else {
                words
                    .chunks(chunk)
                    .map(|c| cmd.iter().cloned().chain(c.iter().cloned()).collect())
                    .collect()
            }
        }
    };
    let mut out = CommandOutput::default();
    let mut failed = false;
    for argv in runs {
        let r = ex.dispatch(term, &argv, "");
        failed |= r.exit_code != 0;
        out.extend(r);
    }
    // GNU xargs exits 123 when any invocation failed.
    out.exit_code = if failed { 123 } else { 0 };
    out
}

/// `read [-r] NAME…`: takes the next line of stdin (successive `read`s in a `while` loop over
/// the same input see successive lines) and splits it into the variables, the last one getting
/// the rest. Status 1 at end of input.
fn read(ex: &mut Exec<'_>, term: &mut Term<'_>, args: &[String], stdin: &str) -> CommandOutput {
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some(line) = ex.next_line(stdin) else {
        for n in &names {
            term.st.vars.insert((*n).clone(), String::new());
        }
        return CommandOutput::stderr("", 1);
    };
    let names: Vec<String> = if names.is_empty() {
        vec!["REPLY".to_string()]
    } else {
        names.into_iter().cloned().collect()
    };
    let mut rest = line.trim_start();
    for (k, n) in names.iter().enumerate() {
        let value = if k + 1 == names.len() {
            rest.trim_end().to_string()
        } else {
            let end = rest.find([' ', '\t']).unwrap_or(rest.len());
            let (word, tail) = rest.split_at(end);
            rest = tail.trim_start();
            word.to_string()
        };
        term.st.vars.insert(n.clone(), value);
    }
    CommandOutput::default()
}
