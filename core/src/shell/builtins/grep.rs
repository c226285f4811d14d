//! `grep` (and `egrep`): basic and extended regular expressions from `regex.rs`, with GNU
//! grep's options (-i -v -c -o -n -l -q -h -H -w -x -F -e, -A/-B/-C context) and exit codes.

use super::{inputs, invalid_option, lines, opts, Term};
use crate::shell::regex::Regex;
use crate::shell::MAX_OUTPUT;
use crate::CommandOutput;

pub fn grep(term: &Term<'_>, name: &str, args: &[String], stdin: &str) -> CommandOutput {
    let long = [
        ("ignore-case", 'i'),
        ("invert-match", 'v'),
        ("count", 'c'),
        ("only-matching", 'o'),
    ];
    let o = match opts(args, "ivcEonlqhHwFx", "eABC", &long) {
        Ok(o) => o,
        Err(bad) => return invalid_option("grep", &bad),
    };
    let mut operands = o.operands.clone();
    let extended = o.has('E') || name == "egrep" || o.has('F');
    let Some((pattern, escape)) = grep_pattern(args, &o, extended, &mut operands) else {
        return CommandOutput::stderr(
            "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
            2,
        );
    };
    let re = match grep_regex(&o, extended, escape, &pattern) {
        Ok(r) => r,
        Err(e) => return CommandOutput::stderr(format!("grep: {e}\n"), 2),
    };
    let mut errs = CommandOutput::default();
    let texts = inputs(
        term,
        &operands,
        stdin,
        |n, why| format!("grep: {n}: {why}\n"),
        &mut errs,
    );
    let show_name = (operands.len() > 1 || o.has('H')) && !o.has('h');
    let mut text = String::new();
    let mut any = false;
    for (file, content) in &texts {
        let prefix = if show_name {
            format!("{file}:")
        } else {
            String::new()
        };
        let count = grep_lines(&re, &o, &prefix, content, &mut text);
        any |= count > 0;
        if o.has('c') {
            text.push_str(&format!("{prefix}{count}\n"));
        } else if o.has('l') && count > 0 {
            text.push_str(&format!("{file}\n"));
        }
    }
    if o.has('q') {
        text.clear();
    }
    // GNU grep: 2 on a read error unless -q already found a match; else 0 on a match, 1 none.
    let code = match (errs.exit_code != 0 && !(o.has('q') && any), any) {
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    };
    let mut out = super::text::with_errors(text, errs);
    out.exit_code = code;
    out
}

/// The pattern text and whether it still needs `-F` escaping: every `-e PATTERN` (the option
/// parser keeps only the last) joined as alternatives, else the first operand.
fn grep_pattern(
    args: &[String],
    o: &super::Opts,
    extended: bool,
    operands: &mut Vec<String>,
) -> Option<(String, bool)> {
    let mut patterns: Vec<&str> = Vec::new();
    for (k, a) in args.iter().enumerate() {
        match a.as_str() {
            "-e" => patterns.extend(args.get(k + 1).map(String::as_str)),
            _ if a.starts_with("-e") && a.len() > 2 => patterns.push(&a[2..]),
            _ => {}
        }
    }
    if patterns.len() > 1 {
        let parts: Vec<String> = patterns
            .iter()
            .map(|p| {
                if o.has('F') {
                    escape_fixed(p)
                } else {
                    p.to_string()
                }
            })
            .collect();
        return Some((parts.join(if extended { "|" } else { "\\|" }), false));
    }
    match o.values.get(&'e') {
        Some(p) => Some((p.clone(), o.has('F'))),
        None if operands.is_empty() => None,
        None => Some((operands.remove(0), o.has('F'))),
    }
}

/// The pattern as a regex: `escape` for a `-F` fixed string, `-x` whole lines, `-w` whole words.
fn grep_regex(
    o: &super::Opts,
    extended: bool,
    escape: bool,
    pattern: &str,
) -> Result<Regex, String> {
    let mut pat = if escape {
        escape_fixed(pattern)
    } else {
        pattern.to_string()
    };
    if o.has('x') {
        pat = if extended {
            format!("^({pat})$")
        } else {
            format!("^\\({pat}\\)$")
        };
    } else if o.has('w') {
        pat = if extended {
            format!("(^|\\W)({pat})(\\W|$)")
        } else {
            format!("\\(^\\|\\W\\)\\({pat}\\)\\(\\W\\|$\\)")
        };
    }
    Regex::new(&pat, extended, o.has('i'))
}

/// Appends the selected lines of one input to `text`; returns how many lines were selected.
fn grep_lines(
    re: &Regex,
    o: &super::Opts,
    prefix: &str,
    content: &str,
    text: &mut String,
) -> usize {
    let context = |c: char| {
        o.values
            .get(&c)
            .or(o.values.get(&'C'))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0)
    };
    let (after, before) = (context('A'), context('B'));
    let all = lines(content);
    let mut count = 0;
    // The last line printed, to join or separate (`--`) context groups as GNU grep does.
    let mut printed: Option<usize> = None;
    let mut after_left = 0;
    for (i, line) in all.iter().enumerate() {
        let selected = re.is_match(line) != o.has('v');
        if !selected {
            if after_left > 0 && !(o.has('c') || o.has('l') || o.has('q')) {
                after_left -= 1;
                push_line(o, prefix, i, '-', line, text);
                printed = Some(i);
            }
            continue;
        }
        count += 1;
        if o.has('c') || o.has('l') || o.has('q') {
            continue;
        }
        let first = i.saturating_sub(before);
        let from = printed.map_or(first, |p| first.max(p + 1));
        if (after > 0 || before > 0) && printed.is_some_and(|p| from > p + 1) {
            text.push_str("--\n");
        }
        for (j, l) in all.iter().enumerate().take(i).skip(from) {
            push_line(o, prefix, j, '-', l, text);
        }
        if o.has('o') && !o.has('v') {
            let num = if o.has('n') {
                format!("{}:", i + 1)
            } else {
                String::new()
            };
            for m in re.find_all(line) {
                text.push_str(&format!("{prefix}{num}{m}\n"));
            }
        } else {
            push_line(o, prefix, i, ':', line, text);
        }
        printed = Some(i);
        after_left = after;
        if text.len() > MAX_OUTPUT {
            break;
        }
    }
    count
}

/// One output line: `file:`/`file-` and `n:`/`n-` prefixes (`:` for matches, `-` for context).
fn push_line(o: &super::Opts, prefix: &str, i: usize, sep: char, line: &str, text: &mut String) {
    let prefix = match prefix.strip_suffix(':') {
        Some(file) => format!("{file}{sep}"),
        None => String::new(),
    };
    let num = if o.has('n') {
        format!("{}{sep}", i + 1)
    } else {
        String::new()
    };
    text.push_str(&format!("{prefix}{num}{line}\n"));
}

fn escape_fixed(p: &str) -> String {
    let mut s = String::new();
    for c in p.chars() {
        if "\\.[]*+?(){}|^$".contains(c) {
            s.push('\\');
        }
        s.push(c);
    }
    s
}
