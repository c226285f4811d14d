//! Builtins that act on the shell itself or its terminal: `cd`, `pwd`, `export`, `unset`,
//! `echo`, `printf`, `test`, `exit`, `history`, `sh -c`, `source`, `sleep`, `clear`,
//! `env`/`printenv`, `whoami`.

use super::{Exec, Term};
use crate::shell::{Flavor, CLEAR_SCREEN};
use crate::sim::Duration;
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
        "true" | ":" => CommandOutput::default(),
        "false" => CommandOutput::stderr("", 1),
        "cd" => cd(term, args),
        "pwd" => CommandOutput::stdout(format!("{}\n", term.cwd)),
        "echo" => echo(args),
        "printf" => printf(args),
        "export" => export(term, args),
        "unset" => {
            for a in args {
                term.st.vars.remove(a);
                term.st.exported.remove(a);
            }
            CommandOutput::default()
        }
        "exit" => exit(term, args),
        "history" => CommandOutput::stdout(
            term.st
                .history
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{:>5}  {l}\n", i + 1))
                .collect::<String>(),
        ),
        "sh" | "bash" | "zsh" => sub_shell(ex, term, name, args, stdin),
        "source" | "." => source(ex, term, name, args, stdin),
        "sleep" => sleep(ex, args),
        "clear" => CommandOutput::stdout(CLEAR_SCREEN),
        "env" | "printenv" => env(term, name, args),
        "whoami" => CommandOutput::stdout(format!("{}\n", term.st.get("USER").unwrap_or("root"))),
        "test" => test(term, "test", args),
        "[" => match args.split_last() {
            Some((last, rest)) if last == "]" => test(term, "[", rest),
            _ => CommandOutput::stderr(format!("{sh}: [: missing `]'\n"), 2),
        },
        _ => return None,
    })
}

fn exit(term: &mut Term<'_>, args: &[String]) -> CommandOutput {
    let code = match args.first() {
        None => term.st.last_status,
        Some(a) => match a.parse::<i64>() {
            Ok(n) => (n & 0xff) as i32,
            Err(_) => {
                term.st.exit = Some(2);
                return CommandOutput::stderr(
                    format!(
                        "{}: exit: {a}: numeric argument required\n",
                        term.st.flavor.name()
                    ),
                    2,
                );
            }
        },
    };
    term.st.exit = Some(code);
    CommandOutput {
        exit_code: code,
        ..CommandOutput::default()
    }
}

fn source(
    ex: &mut Exec<'_>,
    term: &mut Term<'_>,
    name: &str,
    args: &[String],
    stdin: &str,
) -> CommandOutput {
    let sh = term.st.flavor.name();
    let Some(f) = args.first() else {
        return CommandOutput::stderr(
            format!("{sh}: {name}: filename argument required\n{name}: usage: {name} filename [arguments]\n"),
            2,
        );
    };
    let path = resolve(term.cwd, &term.st.home(), f);
    match term.fs.read(&path).map(str::to_string) {
        Some(src) => ex.run_nested(term, &src, stdin),
        None => CommandOutput::stderr(format!("{sh}: {f}: No such file or directory\n"), 1),
    }
}

fn cd(term: &mut Term<'_>, args: &[String]) -> CommandOutput {
    let sh = term.st.flavor.name();
    if args.len() > 1 {
        return CommandOutput::stderr(format!("{sh}: cd: too many arguments\n"), 1);
    }
    let target = match args.first().map(String::as_str) {
        None => term.st.home(),
        Some("-") => term
            .st
            .get("OLDPWD")
            .unwrap_or(term.cwd.as_str())
            .to_string(),
        Some(t) => t.to_string(),
    };
    let path = resolve(term.cwd, &term.st.home(), &target);
    if term.fs.is_file(&path) {
        return CommandOutput::stderr(format!("{sh}: cd: {target}: Not a directory\n"), 1);
    }
    if !term.fs.is_dir(&path) {
        let msg = match term.st.flavor {
            Flavor::Ash => format!("sh: cd: can't cd to {target}: No such file or directory\n"),
            Flavor::Bash { .. } => format!("{sh}: cd: {target}: No such file or directory\n"),
        };
        return CommandOutput::stderr(msg, 1);
    }
    let old = std::mem::replace(term.cwd, path.clone());
    term.st.export("OLDPWD", &old);
    term.st.export("PWD", &path);
    if args.first().map(String::as_str) == Some("-") {
        return CommandOutput::stdout(format!("{path}\n"));
    }
    CommandOutput::default()
}

fn echo(args: &[String]) -> CommandOutput {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let is_flag =
            a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| "neE".contains(c));
        if !is_flag {
            break;
        }
        for c in a[1..].chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        i += 1;
    }
    let mut text = args.get(i..).unwrap_or(&[]).join(" ");
    if escapes {
        let (t, stop) = unescape(&text, true);
        text = t;
        if stop {
            return CommandOutput::stdout(text);
        }
    }
    if newline {
        text.push('\n');
    }
    CommandOutput::stdout(text)
}

/// Interprets backslash escapes (`echo -e`, `printf`); returns the text and whether `\c` stopped it.
pub fn unescape(s: &str, echo_style: bool) -> (String, bool) {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('e') => out.push('\x1b'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('\\') => out.push('\\'),
            Some('c') => return (out, true),
            Some('0') if echo_style => {
                let mut n = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(n).unwrap_or('?'));
            }
            Some(c) => {
                out.push('\\');
                out.push(c);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

fn printf(args: &[String]) -> CommandOutput {
    let Some(format) = args.first() else {
        return CommandOutput::stderr("printf: usage: printf [-v var] format [arguments]\n", 2);
    };
    let mut rest = args[1..].iter();
    let mut out = String::new();
    let mut err = CommandOutput::default();
    loop {
        let mut consumed = false;
        let chars: Vec<char> = format.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] != '%' {
                let start = i;
                while i < chars.len() && chars[i] != '%' {
                    i += 1;
                }
                let (t, _) = unescape(&chars[start..i].iter().collect::<String>(), false);
                out.push_str(&t);
                continue;
            }
            let start = i;
            i += 1;
            while i < chars.len() && "-+ 0#.123456789".contains(chars[i]) {
                i += 1;
            }
            let Some(&conv) = chars.get(i) else {
                out.push('%');
                break;
            };
            i += 1;
            let spec: String = chars[start + 1..i - 1].iter().collect();
            if conv == '%' {
                out.push('%');
                continue;
            }
            let arg = rest.next();
            consumed |= arg.is_some();
            let arg = arg.map(String::as_str).unwrap_or("");
            let text = match conv {
                'd' | 'i' => match arg.trim().parse::<i64>() {
                    Ok(n) => n.to_string(),
                    Err(_) if arg.is_empty() => "0".into(),
                    Err(_) => {
                        err.err(format!("bash: printf: {arg}: invalid number\n"));
                        err.exit_code = 1;
                        "0".into()
                    }
                },
                'b' => unescape(arg, true).0,
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                _ => arg.to_string(),
            };
            out.push_str(&pad(&spec, text));
        }
        if !consumed || rest.len() == 0 {
            break;
        }
    }
    err.chunks.insert(0, (crate::Stream::Stdout, out));
    err.chunks.retain(|(_, t)| !t.is_empty());
    err
}

/// Applies a printf width/precision spec (`-10`, `5`, `.3`) to a converted value.
fn pad(spec: &str, mut text: String) -> String {
    let left = spec.contains('-');
    let zero = spec.starts_with('0');
    let spec = spec.trim_start_matches(['-', '+', ' ', '0', '#']);
    let (width, prec) = match spec.split_once('.') {
        Some((w, p)) => (w.parse().unwrap_or(0), p.parse::<usize>().ok()),
        None => (spec.parse().unwrap_or(0usize), None),
    };
    if let Some(p) = prec {
        text = text.chars().take(p).collect();
    }
    // A width past the output cap could only be cut off later; don't build it.
    let width: usize = width.min(crate::shell::MAX_OUTPUT);
    let len = text.chars().count();
    if len >= width {
        return text;
    }
    let fill = width - len;
    if left {
        format!("{text}{}", " ".repeat(fill))
    } else if zero {
        format!("{}{text}", "0".repeat(fill))
    } else {
        format!("{}{text}", " ".repeat(fill))
    }
}

fn export(term: &mut Term<'_>, args: &[String]) -> CommandOutput {
    let mut out = CommandOutput::default();
    let list = args.is_empty() || args.iter().all(|a| a == "-p");
    if list {
        let mut text = String::new();
        let mut env = term.st.environ();
        env.sort();
        for (k, v) in env {
            text.push_str(&format!("declare -x {k}=\"{v}\"\n"));
        }
        return CommandOutput::stdout(text);
    }
    for a in args.iter().filter(|a| *a != "-p") {
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a.as_str(), None),
        };
        let valid = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            out.err(format!(
                "{}: export: `{a}': not a valid identifier\n",
                term.st.flavor.name()
            ));
            out.exit_code = 1;
            continue;
        }
        let value = value
            .map(str::to_string)
            .or_else(|| term.st.get(name).map(str::to_string))
            .unwrap_or_default();
        term.st.export(name, &value);
    }
    out
}

fn env(term: &Term<'_>, name: &str, args: &[String]) -> CommandOutput {
    if name == "printenv" && !args.is_empty() {
        let env = term.st.environ();
        let mut out = CommandOutput::default();
        for a in args {
            match env.iter().find(|(k, _)| k == a) {
                Some((_, v)) => out.out(format!("{v}\n")),
                None => out.exit_code = 1,
            }
        }
        return out;
    }
    if let Some(a) = args.first() {
        return CommandOutput::stderr(format!("env: '{a}': No such file or directory\n"), 127);
    }
    let mut text = String::new();
    for (k, v) in term.st.environ() {
        text.push_str(&format!("{k}={v}\n"));
    }
    CommandOutput::stdout(text)
}

fn sleep(ex: &mut Exec<'_>, args: &[String]) -> CommandOutput {
    if args.is_empty() {
        return CommandOutput::stderr(
            "sleep: missing operand\nTry 'sleep --help' for more information.\n",
            1,
        );
    }
    let mut total_ms: u64 = 0;
    for a in args {
        let (num, unit) = match a.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
            Some(i) => a.split_at(i),
            None => (a.as_str(), ""),
        };
        let mult: u64 = match unit {
            "" | "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => 0,
        };
        let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
        let whole: Option<u64> = if whole.is_empty() {
            Some(0)
        } else {
            whole.parse().ok()
        };
        let frac_ms: u64 = format!("{frac:0<3}")
            .get(..3)
            .and_then(|f| f.parse().ok())
            .unwrap_or(0);
        match whole {
            Some(w) if mult > 0 && !num.is_empty() && num != "." => {
                total_ms = total_ms
                    .saturating_add(w.saturating_mul(mult))
                    .saturating_add(frac_ms * mult / 1000);
            }
            _ => {
                return CommandOutput::stderr(
                    format!(
                        "sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information.\n"
                    ),
                    1,
                )
            }
        }
    }
    // A learner's `sleep 1000000` (the netshoot idiom) should not fast-forward a week.
    ex.host
        .sleep(Duration::from_millis(total_ms.min(3_600_000)));
    CommandOutput::default()
}

/// `sh -c 'cmd'`, `bash script.sh`, `echo cmd | sh`, and a bare `sh`/`bash` (nothing to do).
fn sub_shell(
    ex: &mut Exec<'_>,
    term: &mut Term<'_>,
    name: &str,
    args: &[String],
    stdin: &str,
) -> CommandOutput {
    if name == "zsh" && term.st.flavor == Flavor::Ash {
        return CommandOutput::stderr(term.st.flavor.not_found(name), 127);
    }
    let mut i = 0;
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "-c" => {
                let Some(src) = args.get(i + 1) else {
                    return CommandOutput::stderr(
                        format!("{name}: -c: option requires an argument\n"),
                        2,
                    );
                };
                let saved = std::mem::take(&mut term.st.positional);
                term.st.positional = args[i + 2..].to_vec();
                if term.st.positional.is_empty() {
                    term.st.positional.push(name.to_string());
                }
                let out = ex.subshell(term, src, stdin);
                term.st.positional = saved;
                return out;
            }
            "-e" | "-x" | "-l" | "-i" | "-u" => i += 1,
            path => {
                let p = resolve(term.cwd, &term.st.home(), path);
                return match term.fs.read(&p).map(str::to_string) {
                    Some(src) => ex.subshell(term, &src, stdin),
                    None => CommandOutput::stderr(
                        format!("{name}: {path}: No such file or directory\n"),
                        127,
                    ),
                };
            }
        }
    }
    if stdin.is_empty() {
        CommandOutput::default()
    } else {
        ex.subshell(term, stdin, "")
    }
}

fn test(term: &Term<'_>, name: &str, args: &[String]) -> CommandOutput {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let ok = match a.as_slice() {
        [] => false,
        ["!", rest @ ..] => {
            return CommandOutput {
                exit_code: (test(
                    term,
                    name,
                    &rest.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                )
                .exit_code
                    == 0) as i32,
                ..CommandOutput::default()
            }
        }
        [s] => !s.is_empty(),
        [op @ ("-f" | "-d" | "-e" | "-s"), p] => {
            let path = resolve(term.cwd, &term.st.home(), p);
            match *op {
                "-f" => term.fs.is_file(&path),
                "-d" => term.fs.is_dir(&path),
                "-s" => term.fs.read(&path).is_some_and(|t| !t.is_empty()),
                _ => term.fs.exists(&path),
            }
        }
        ["-n", s] => !s.is_empty(),
        ["-z", s] => s.is_empty(),
        [l, "=" | "==", r] => l == r,
        [l, "!=", r] => l != r,
        [l, op @ ("-eq" | "-ne" | "-lt" | "-gt" | "-le" | "-ge"), r] => {
            let (Ok(x), Ok(y)) = (l.trim().parse::<i64>(), r.trim().parse::<i64>()) else {
                let bad = if l.trim().parse::<i64>().is_err() {
                    l
                } else {
                    r
                };
                return CommandOutput::stderr(
                    format!(
                        "{}: {name}: {bad}: integer expression expected\n",
                        term.st.flavor.name()
                    ),
                    2,
                );
            };
            match *op {
                "-eq" => x == y,
                "-ne" => x != y,
                "-lt" => x < y,
                "-gt" => x > y,
                "-le" => x <= y,
                _ => x >= y,
            }
        }
        _ => false,
    };
    CommandOutput {
        exit_code: (!ok) as i32,
        ..CommandOutput::default()
    }
}
