//! Text filters: `head`, `tail`, `wc`, `sort`, `uniq`, `cut`, `tr`, `seq` and a minimal
//! `sed s///`, reading operand files or stdin, with GNU coreutils' messages.

use super::{inputs, invalid_option, lines, opts, Term};
use crate::shell::regex::Regex;
use crate::shell::MAX_OUTPUT;
use crate::CommandOutput;

pub fn run(term: &mut Term<'_>, name: &str, args: &[String], stdin: &str) -> Option<CommandOutput> {
    Some(match name {
        "grep" | "egrep" => super::grep::grep(term, name, args, stdin),
        "head" | "tail" => head_tail(term, name, args, stdin),
        "wc" => wc(term, args, stdin),
        "sort" => sort(term, args, stdin),
        "uniq" => uniq(term, args, stdin),
        "cut" => cut(term, args, stdin),
        "tr" => tr(args, stdin),
        "seq" => seq(args),
        "sed" => sed(term, args, stdin),
        _ => return None,
    })
}

/// Joins lines, each with its newline.
fn join(lines: &[impl AsRef<str>]) -> String {
    let mut s = String::new();
    for l in lines {
        s.push_str(l.as_ref());
        s.push('\n');
    }
    s
}

pub(super) fn with_errors(text: String, errs: CommandOutput) -> CommandOutput {
    let mut out = CommandOutput::stdout(text);
    out.chunks.retain(|(_, t)| !t.is_empty());
    let code = errs.exit_code;
    out.extend(errs);
    out.exit_code = code;
    out
}

fn head_tail(term: &Term<'_>, name: &str, args: &[String], stdin: &str) -> CommandOutput {
    // `-5` is the historic spelling of `-n 5`.
    let args: Vec<String> = args
        .iter()
        .map(|a| match a.strip_prefix('-') {
            Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => format!("-n{n}"),
            _ => a.clone(),
        })
        .collect();
    let o = match opts(&args, "qv", "nc", &[("lines", 'n'), ("bytes", 'c')]) {
        Ok(o) => o,
        Err(bad) => return invalid_option(name, &bad),
    };
    let spec = o.values.get(&'n').cloned().unwrap_or_else(|| "10".into());
    let (from_start, digits) = match spec.strip_prefix('+') {
        Some(d) => (true, d),
        None => (false, spec.trim_start_matches('-')),
    };
    let Ok(n) = digits.parse::<usize>() else {
        return CommandOutput::stderr(format!("{name}: invalid number of lines: ‘{spec}’\n"), 1);
    };
    let mut errs = CommandOutput::default();
    let texts = inputs(
        term,
        &o.operands,
        stdin,
        |f, why| format!("{name}: cannot open '{f}' for reading: {why}\n"),
        &mut errs,
    );
    let many = texts.len() > 1;
    let mut text = String::new();
    for (i, (file, content)) in texts.iter().enumerate() {
        if many {
            text.push_str(&format!(
                "{}==> {file} <==\n",
                if i > 0 { "\n" } else { "" }
            ));
        }
        let ls = lines(content);
        let negative = spec.starts_with('-');
        let picked: &[&str] = match (name, from_start, negative) {
            ("head", _, true) => &ls[..ls.len().saturating_sub(n)],
            ("head", _, _) => &ls[..n.min(ls.len())],
            (_, true, _) => &ls[n.saturating_sub(1).min(ls.len())..],
            _ => &ls[ls.len().saturating_sub(n)..],
        };
        text.push_str(&join(picked));
    }
    with_errors(text, errs)
}

fn wc(term: &Term<'_>, args: &[String], stdin: &str) -> CommandOutput {
    let o = match opts(
        args,
        "lwcm",
        "",
        &[("lines", 'l'), ("words", 'w'), ("bytes", 'c')],
    ) {
        Ok(o) => o,
        Err(bad) => return invalid_option("wc", &bad),
    };
    let all = !(o.has('l') || o.has('w') || o.has('c') || o.has('m'));
    let mut errs = CommandOutput::default();
    let texts = inputs(
        term,
        &o.operands,
        stdin,
        |f, why| format!("wc: {f}: {why}\n"),
        &mut errs,
    );
    let mut rows: Vec<(Vec<usize>, String)> = Vec::new();
    let mut totals = [0usize; 3];
    for (file, t) in &texts {
        let counts = [
            t.matches('\n').count(),
            t.split_whitespace().count(),
            t.len(),
        ];
        for (tot, c) in totals.iter_mut().zip(counts) {
            *tot += c;
        }
        rows.push((
            select(&counts, &o, all),
            if o.operands.is_empty() {
                String::new()
            } else {
                file.clone()
            },
        ));
    }
    if texts.len() > 1 {
        rows.push((select(&totals, &o, all), "total".into()));
    }
    // GNU pads to the widest count when several numbers or files are shown; stdin alone uses 7.
    let single = rows.len() == 1 && rows[0].0.len() == 1;
    // GNU sizes columns by the digits of the files' total size (at least 7 for stdin), except
    // that a lone count for a lone input is printed bare.
    let width = if single {
        0
    } else if o.operands.is_empty() || o.operands.iter().any(|f| f == "-") {
        7
    } else {
        totals[2].to_string().len()
    };
    let mut text = String::new();
    for (counts, file) in rows {
        let cells: Vec<String> = counts.iter().map(|c| format!("{c:>width$}")).collect();
        let mut line = cells.join(" ");
        if !file.is_empty() {
            line.push(' ');
            line.push_str(&file);
        }
        text.push_str(&line);
        text.push('\n');
    }
    with_errors(text, errs)
}

fn select(counts: &[usize; 3], o: &super::Opts, all: bool) -> Vec<usize> {
    let mut v = Vec::new();
    if all || o.has('l') {
        v.push(counts[0]);
    }
    if all || o.has('w') {
        v.push(counts[1]);
    }
    if all || o.has('c') || o.has('m') {
        v.push(counts[2]);
    }
    v
}

fn sort(term: &Term<'_>, args: &[String], stdin: &str) -> CommandOutput {
    let o = match opts(
        args,
        "rnuf",
        "kt",
        &[("reverse", 'r'), ("numeric-sort", 'n'), ("unique", 'u')],
    ) {
        Ok(o) => o,
        Err(bad) => return invalid_option("sort", &bad),
    };
    let mut errs = CommandOutput::default();
    let texts = inputs(
        term,
        &o.operands,
        stdin,
        |f, why| format!("sort: cannot read: {f}: {why}\n"),
        &mut errs,
    );
    if errs.exit_code != 0 {
        errs.exit_code = 2;
        return errs;
    }
    let all: String = texts
        .into_iter()
        .map(|(_, t)| {
            if t.ends_with('\n') || t.is_empty() {
                t
            } else {
                t + "\n"
            }
        })
        .collect();
    let mut ls: Vec<&str> = lines(&all);
    let key = |l: &str| sort_key(&o, l);
    let num = leading_number;
    ls.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        let ord = if o.has('n') {
            num(&ka).cmp(&num(&kb)).then_with(|| a.cmp(b))
        } else if o.has('f') {
            ka.to_lowercase()
                .cmp(&kb.to_lowercase())
                .then_with(|| a.cmp(b))
        } else {
            ka.cmp(&kb)
        };
        if o.has('r') {
            ord.reverse()
        } else {
            ord
        }
    });
    if o.has('u') {
        ls.dedup_by(|a, b| if o.has('n') { num(a) == num(b) } else { a == b });
    }
    CommandOutput::stdout(join(&ls))
}

/// The `-k START[,END]` key of a line (fields split by `-t` or blanks), or the whole line.
fn sort_key(o: &super::Opts, line: &str) -> String {
    let Some(spec) = o.values.get(&'k') else {
        return line.to_string();
    };
    let mut bounds = spec
        .split(',')
        .map(|f| f.split('.').next().unwrap_or("").parse::<usize>().ok());
    let start = bounds.next().flatten().unwrap_or(1).max(1);
    let end = bounds.next().flatten().unwrap_or(usize::MAX);
    let sep = o.values.get(&'t').map(String::as_str);
    let fields: Vec<&str> = match sep {
        Some(t) => line.split(t).collect(),
        None => line.split_whitespace().collect(),
    };
    let picked: Vec<&str> = fields
        .iter()
        .skip(start - 1)
        .take(end.saturating_sub(start - 1))
        .copied()
        .collect();
    picked.join(sep.unwrap_or(" "))
}

/// `sort -n`'s view of a line: its leading (optionally negative) integer, else 0.
fn leading_number(s: &str) -> i64 {
    let t = s.trim_start();
    let end = t
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && *c == '-')))
        .map_or(t.len(), |(i, _)| i);
    t[..end].parse().unwrap_or(0)
}

fn uniq(term: &Term<'_>, args: &[String], stdin: &str) -> CommandOutput {
    let o = match opts(args, "cdu", "", &[("count", 'c')]) {
        Ok(o) => o,
        Err(bad) => return invalid_option("uniq", &bad),
    };
    let mut errs = CommandOutput::default();
    let texts = inputs(
        term,
        &o.operands[..o.operands.len().min(1)],
        stdin,
        |f, why| format!("uniq: {f}: {why}\n"),
        &mut errs,
    );
    if errs.exit_code != 0 {
        return errs;
    }
    let content = texts.into_iter().next().map(|(_, t)| t).unwrap_or_default();
    let mut groups: Vec<(usize, &str)> = Vec::new();
    for l in lines(&content) {
        match groups.last_mut() {
            Some((n, prev)) if *prev == l => *n += 1,
            _ => groups.push((1, l)),
        }
    }
    let mut text = String::new();
    for (n, l) in groups {
        if (o.has('d') && n < 2) || (o.has('u') && n > 1) {
            continue;
        }
        if o.has('c') {
            text.push_str(&format!("{n:>7} {l}\n"));
        } else {
            text.push_str(&format!("{l}\n"));
        }
    }
    CommandOutput::stdout(text)
}

fn cut(term: &Term<'_>, args: &[String], stdin: &str) -> CommandOutput {
    let o = match opts(args, "s", "dfc", &[("delimiter", 'd'), ("fields", 'f')]) {
        Ok(o) => o,
        Err(bad) => return invalid_option("cut", &bad),
    };
    let (list, by_char) = match (o.values.get(&'f'), o.values.get(&'c')) {
        (Some(f), _) => (f.clone(), false),
        (None, Some(c)) => (c.clone(), true),
        _ => {
            return CommandOutput::stderr(
                "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n",
                1,
            )
        }
    };
    let Some(ranges) = parse_ranges(&list) else {
        return CommandOutput::stderr(
            format!("cut: invalid field value ‘{list}’\nTry 'cut --help' for more information.\n"),
            1,
        );
    };
    let delim = o.values.get(&'d').cloned().unwrap_or_else(|| "\t".into());
    if delim.chars().count() != 1 {
        return CommandOutput::stderr(
            "cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n",
            1,
        );
    }
    let mut errs = CommandOutput::default();
    let texts = inputs(
        term,
        &o.operands,
        stdin,
        |f, why| format!("cut: {f}: {why}\n"),
        &mut errs,
    );
    let in_range = |i: usize| ranges.iter().any(|&(a, b)| a <= i && i <= b);
    let mut text = String::new();
    for (_, content) in &texts {
        for l in lines(content) {
            if by_char {
                let s: String = l
                    .chars()
                    .enumerate()
                    .filter(|(i, _)| in_range(i + 1))
                    .map(|(_, c)| c)
                    .collect();
                text.push_str(&s);
            } else if !l.contains(delim.as_str()) {
                if o.has('s') {
                    continue;
                }
                text.push_str(l);
            } else {
                let f: Vec<&str> = l
                    .split(delim.as_str())
                    .enumerate()
                    .filter(|(i, _)| in_range(i + 1))
                    .map(|(_, f)| f)
                    .collect();
                text.push_str(&f.join(&delim));
            }
            text.push('\n');
        }
    }
    with_errors(text, errs)
}

fn parse_ranges(list: &str) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    for part in list.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() { 1 } else { a.parse().ok()? },
                if b.is_empty() {
                    usize::MAX
                } else {
                    b.parse().ok()?
                },
            ),
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
}

fn tr(args: &[String], stdin: &str) -> CommandOutput {
    let delete = args.first().is_some_and(|a| a == "-d");
    let sets: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.len() == 1)
        .collect();
    let expand = |s: &str| -> Vec<char> {
        let s = match s {
            "[:lower:]" => "a-z",
            "[:upper:]" => "A-Z",
            "[:digit:]" => "0-9",
            "[:space:]" => " \t\n\r",
            other => other,
        };
        let (s, _) = super::shell::unescape(s, false);
        let c: Vec<char> = s.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < c.len() {
            if c.get(i + 1) == Some(&'-') && i + 2 < c.len() && c[i] <= c[i + 2] {
                out.extend(c[i]..=c[i + 2]);
                i += 3;
            } else {
                out.push(c[i]);
                i += 1;
            }
        }
        out
    };
    match (delete, sets.as_slice()) {
        (true, [set]) => {
            let s = expand(set);
            CommandOutput::stdout(stdin.chars().filter(|c| !s.contains(c)).collect::<String>())
        }
        (false, [a, b]) => {
            let (a, b) = (expand(a), expand(b));
            let mapped = stdin
                .chars()
                .map(|c| match a.iter().position(|&x| x == c) {
                    Some(i) => b.get(i).or(b.last()).copied().unwrap_or(c),
                    None => c,
                })
                .collect::<String>();
            CommandOutput::stdout(mapped)
        }
        (_, []) => CommandOutput::stderr("tr: missing operand\nTry 'tr --help' for more information.\n", 1),
        (false, [a]) => CommandOutput::stderr(
            format!("tr: missing operand after ‘{a}’\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n"),
            1,
        ),
        _ => CommandOutput::stderr("tr: extra operand\nTry 'tr --help' for more information.\n", 1),
    }
}

fn seq(args: &[String]) -> CommandOutput {
    let nums: Result<Vec<i64>, &String> = args
        .iter()
        .map(|a| a.parse::<i64>().map_err(|_| a))
        .collect();
    let nums = match nums {
        Ok(n) => n,
        Err(bad) => {
            return CommandOutput::stderr(
                format!("seq: invalid floating point argument: ‘{bad}’\nTry 'seq --help' for more information.\n"),
                1,
            )
        }
    };
    let (first, step, last) = match nums.as_slice() {
        [l] => (1, 1, *l),
        [f, l] => (*f, 1, *l),
        [f, s, l] => (*f, *s, *l),
        [] => {
            return CommandOutput::stderr(
                "seq: missing operand\nTry 'seq --help' for more information.\n",
                1,
            )
        }
        _ => {
            return CommandOutput::stderr(
                format!(
                    "seq: extra operand ‘{}’\nTry 'seq --help' for more information.\n",
                    args[3]
                ),
                1,
            )
        }
    };
    if step == 0 {
        return CommandOutput::stderr(
            "seq: invalid Zero increment value: ‘0’\nTry 'seq --help' for more information.\n",
            1,
        );
    }
    let mut text = String::new();
    let mut n = first;
    while (step > 0 && n <= last) || (step < 0 && n >= last) {
        text.push_str(&n.to_string());
        text.push('\n');
        if text.len() > MAX_OUTPUT {
            break;
        }
        n = match n.checked_add(step) {
            Some(v) => v,
            None => break,
        };
    }
    CommandOutput::stdout(text)
}

/// `sed 's/RE/REPL/[g]'` (and `-e`), enough for pipelines like `| sed 's/^/  /'`.
fn sed(term: &mut Term<'_>, args: &[String], stdin: &str) -> CommandOutput {
    let o = match opts(args, "nEi", "e", &[("in-place", 'i')]) {
        Ok(o) => o,
        Err(bad) => return invalid_option("sed", &bad),
    };
    let mut operands = o.operands.clone();
    let script = match o.values.get(&'e') {
        Some(s) => s.clone(),
        None if operands.is_empty() => {
            return CommandOutput::stderr(
                "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n",
                1,
            )
        }
        None => operands.remove(0),
    };
    let parts: Vec<&str> = match script.strip_prefix('s') {
        Some(rest) if !rest.is_empty() => {
            let d = rest.chars().next().unwrap_or('/');
            rest[d.len_utf8()..].split(d).collect()
        }
        _ => Vec::new(),
    };
    let [pat, repl, flags] = parts.as_slice() else {
        return CommandOutput::stderr(
            format!(
                "sed: -e expression #1, char {}: unknown command: `{}'\n",
                1,
                script.chars().next().unwrap_or(' ')
            ),
            1,
        );
    };
    let re = match Regex::new(pat, o.has('E'), flags.contains('I')) {
        Ok(r) => r,
        Err(e) => {
            return CommandOutput::stderr(
                format!("sed: -e expression #1, char {}: {e}\n", script.len()),
                1,
            )
        }
    };
    let mut errs = CommandOutput::default();
    let texts = inputs(
        term,
        &operands,
        stdin,
        |f, why| format!("sed: can't read {f}: {why}\n"),
        &mut errs,
    );
    let global = flags.contains('g');
    let anchored = pat.starts_with('^');
    let mut text = String::new();
    for (name, content) in &texts {
        let mut edited = String::new();
        for l in lines(content) {
            edited.push_str(&substitute(&re, l, repl, global, anchored));
            edited.push('\n');
        }
        if o.has('i') && name != "(standard input)" {
            let path = crate::vfs::resolve(term.cwd, &term.st.home(), name);
            term.fs.write(&path, edited);
        } else {
            text.push_str(&edited);
        }
    }
    with_errors(text, errs)
}

/// The line editor's `:s/RE/REPL/[g]` / `:%s/…`: every line of `text` through the substitution
/// (as `:%s` does); `None` when `command` is not one.
pub(super) fn ex_substitute(text: &str, command: &str) -> Option<String> {
    let script = command
        .strip_prefix(":%")
        .or_else(|| command.strip_prefix(':'))?;
    let rest = script.strip_prefix('s')?;
    let d = rest.chars().next()?;
    if d.is_alphanumeric() || d.is_whitespace() {
        return None;
    }
    let parts: Vec<&str> = rest[d.len_utf8()..].split(d).collect();
    let (pat, repl, flags) = match parts.as_slice() {
        [p, r] => (*p, *r, ""),
        [p, r, f] => (*p, *r, *f),
        _ => return None,
    };
    let re = Regex::new(pat, false, flags.contains('i') || flags.contains('I')).ok()?;
    let global = flags.contains('g');
    let anchored = pat.starts_with('^');
    Some(
        lines(text)
            .into_iter()
            .map(|l| format!("{}\n", substitute(&re, l, repl, global, anchored)))
            .collect(),
    )
}

/// One line through `s/RE/REPL/[g]`; `&` in REPL is the match.
fn substitute(re: &Regex, line: &str, repl: &str, global: bool, anchored: bool) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    while pos <= chars.len() {
        let rest: String = chars[pos..].iter().collect();
        let Some((s, e)) = re.find(&rest).filter(|_| pos == 0 || !anchored) else {
            break;
        };
        out.extend(&chars[pos..pos + s]);
        let matched: String = chars[pos + s..pos + e].iter().collect();
        out.push_str(&repl.replace('&', &matched));
        pos += e.max(s + 1);
        if e == s {
            if let Some(c) = chars.get(pos - 1) {
                out.push(*c);
            }
        }
        if !global {
            break;
        }
    }
    if pos <= chars.len() {
        out.extend(&chars[pos..]);
    }
    out
}
