//! Word expansion, in the POSIX order: tilde, parameters (`$x`, `${x}`, `${x:-d}`, `$?`…), command
//! substitution (`$(…)`, backquotes), arithmetic (`$((…))`), field splitting of unquoted
//! results, pathname globbing against the virtual filesystem, then quote removal.

use super::exec::Exec;
use super::lexer::close_paren;
use super::{Term, MAX_OUTPUT};
use crate::vfs::resolve;
use crate::CommandOutput;

/// A run of expanded text and how it was quoted.
struct Piece {
    text: String,
    quoted: bool,
    /// Unquoted parameter/command output: subject to field splitting.
    split: bool,
}

impl Exec<'_> {
    /// Expands words into fields (splitting and globbing), as for a command's arguments.
    pub fn expand_words(
        &mut self,
        term: &mut Term<'_>,
        words: &[String],
        err: &mut CommandOutput,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for w in words {
            let pieces = self.pieces(term, w, err);
            self.spend_bytes(pieces.iter().map(|p| p.text.len()).sum());
            for (field, pattern) in fields(pieces) {
                match pattern {
                    Some(p) => {
                        let matches = glob(term, &p);
                        if matches.is_empty() {
                            out.push(field);
                        } else {
                            out.extend(matches);
                        }
                    }
                    None => out.push(field),
                }
            }
        }
        out
    }

    /// Expands one word without splitting or globbing (assignments, redirection targets).
    pub fn expand_single(
        &mut self,
        term: &mut Term<'_>,
        word: &str,
        err: &mut CommandOutput,
    ) -> String {
        let text: String = self
            .pieces(term, word, err)
            .into_iter()
            .map(|p| p.text)
            .collect();
        self.spend_bytes(text.len());
        text
    }

    /// Expands a heredoc body: parameters, `$(…)` and `\$`, `` \` ``, `\\`; quotes stay literal.
    pub fn expand_heredoc(
        &mut self,
        term: &mut Term<'_>,
        body: &str,
        err: &mut CommandOutput,
    ) -> String {
        let chars: Vec<char> = body.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '\\' if matches!(chars.get(i + 1), Some('$' | '`' | '\\')) => {
                    out.push(chars[i + 1]);
                    i += 2;
                }
                '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
                '$' | '`' => {
                    let (text, next) = self.dollar(term, &chars, i, err);
                    out.push_str(&text);
                    i = next;
                }
                c => {
                    out.push(c);
                    i += 1;
                }
            }
            if out.len() > MAX_OUTPUT {
                self.abort("output limit reached");
                break;
            }
        }
        out
    }

    fn pieces(&mut self, term: &mut Term<'_>, word: &str, err: &mut CommandOutput) -> Vec<Piece> {
        let chars: Vec<char> = word.chars().collect();
        let mut pieces = Vec::new();
        let mut i = 0;
        let lit = |text: String, quoted: bool| Piece {
            text,
            quoted,
            split: false,
        };
        if chars.first() == Some(&'~') && matches!(chars.get(1), None | Some('/')) {
            pieces.push(lit(term.st.home(), true));
            i = 1;
        }
        while i < chars.len() {
            match chars[i] {
                '\\' => {
                    if let Some(c) = chars.get(i + 1) {
                        pieces.push(lit(c.to_string(), true));
                    }
                    i += 2;
                }
                '\'' => {
                    let end = find(&chars, i + 1, '\'');
                    pieces.push(lit(chars[i + 1..end].iter().collect(), true));
                    i = end + 1;
                }
                '"' => i = self.double_quoted(term, &chars, i + 1, &mut pieces, err),
                '$' | '`' => {
                    let (text, next) = self.dollar(term, &chars, i, err);
                    let plain = next == i + 1;
                    pieces.push(Piece {
                        text,
                        quoted: plain,
                        split: !plain,
                    });
                    i = next;
                }
                c => {
                    pieces.push(lit(c.to_string(), false));
                    i += 1;
                }
            }
        }
        pieces
    }

    fn double_quoted(
        &mut self,
        term: &mut Term<'_>,
        chars: &[char],
        mut i: usize,
        pieces: &mut Vec<Piece>,
        err: &mut CommandOutput,
    ) -> usize {
        let mut text = String::new();
        while i < chars.len() && chars[i] != '"' {
            match chars[i] {
                '\\' if matches!(chars.get(i + 1), Some('$' | '`' | '"' | '\\')) => {
                    text.push(chars[i + 1]);
                    i += 2;
                }
                '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
                // "$@": one field per positional parameter.
                '$' if chars.get(i + 1) == Some(&'@') => {
                    let args = term.st.positional.get(1..).unwrap_or(&[]).to_vec();
                    for (k, a) in args.into_iter().enumerate() {
                        if k > 0 {
                            pieces.push(Piece {
                                text: std::mem::take(&mut text),
                                quoted: true,
                                split: false,
                            });
                            pieces.push(Piece {
                                text: " ".into(),
                                quoted: false,
                                split: true,
                            });
                        }
                        text.push_str(&a);
                    }
                    i += 2;
                }
                '$' | '`' => {
                    let (t, next) = self.dollar(term, chars, i, err);
                    text.push_str(&t);
                    i = next;
                }
                c => {
                    text.push(c);
                    i += 1;
                }
            }
        }
        pieces.push(Piece {
            text,
            quoted: true,
            split: false,
        });
        i + 1
    }

    /// Expands the `$…` or backquote at `i`; returns the text and the index after it. A `$` that
    /// starts nothing stays a literal `$` (and the returned index is `i + 1`).
    fn dollar(
        &mut self,
        term: &mut Term<'_>,
        chars: &[char],
        i: usize,
        err: &mut CommandOutput,
    ) -> (String, usize) {
        if chars[i] == '`' {
            let end = find(chars, i + 1, '`');
            let src: String = chars[i + 1..end].iter().collect();
            return (self.substitute(term, &src, err), end + 1);
        }
        match chars.get(i + 1) {
            Some('(') if chars.get(i + 2) == Some(&'(') => {
                let next = close_paren(chars, i + 2).unwrap_or(chars.len());
                let inner: String = chars[i + 3..next.saturating_sub(2).max(i + 3)]
                    .iter()
                    .collect();
                let expanded = self.expand_heredoc(term, &inner, err);
                match arith(term, &expanded) {
                    Ok(n) => (n.to_string(), next),
                    Err(msg) => {
                        err.err(format!(
                            "{}: {}: {msg}\n",
                            term.st.flavor.name(),
                            expanded.trim()
                        ));
                        self.fail_expansion();
                        (String::new(), next)
                    }
                }
            }
            Some('(') => {
                let end = close_paren(chars, i + 2).unwrap_or(chars.len());
                let src: String = chars[i + 2..end.saturating_sub(1).max(i + 2)]
                    .iter()
                    .collect();
                (self.substitute(term, &src, err), end)
            }
            Some('{') => {
                let end = find(chars, i + 2, '}');
                let inner: String = chars[i + 2..end].iter().collect();
                (self.braced(term, &inner, err), end + 1)
            }
            Some(&c) if c.is_ascii_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                let name: String = chars[i + 1..j].iter().collect();
                (param(term, &name), j)
            }
            Some(&c) if c.is_ascii_digit() || "?$#@*!-".contains(c) => {
                (param(term, &c.to_string()), i + 2)
            }
            _ => ("$".to_string(), i + 1),
        }
    }

    fn braced(&mut self, term: &mut Term<'_>, inner: &str, err: &mut CommandOutput) -> String {
        if self.expand_depth > 32 {
            err.err(format!(
                "{}: ${{{inner}}}: bad substitution\n",
                term.st.flavor.name()
            ));
            self.fail_expansion();
            return String::new();
        }
        self.expand_depth += 1;
        let v = self.braced_inner(term, inner, err);
        self.expand_depth -= 1;
        v
    }

    fn braced_inner(
        &mut self,
        term: &mut Term<'_>,
        inner: &str,
        err: &mut CommandOutput,
    ) -> String {
        if let Some(name) = inner.strip_prefix('#') {
            return param(term, name).chars().count().to_string();
        }
        let split = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || "?$#@*!".contains(c)))
            .unwrap_or(inner.len());
        let (name, op) = inner.split_at(split);
        let value = param(term, name);
        let set = !value.is_empty();
        for (prefix, assign) in [(":-", false), ("-", false), (":=", true), ("=", true)] {
            if let Some(word) = op.strip_prefix(prefix) {
                let unset = match name.parse::<usize>() {
                    Ok(i) => i >= term.st.positional.len(),
                    Err(_) => !"?$#@*!-".contains(name) && !term.st.vars.contains_key(name),
                };
                if (prefix.starts_with(':') && !set) || unset {
                    let w = self.expand_single(term, word, err);
                    if assign {
                        term.st.vars.insert(name.to_string(), w.clone());
                    }
                    return w;
                }
                return value;
            }
        }
        for (prefix, why) in [
            (":?", "parameter null or not set"),
            ("?", "parameter not set"),
        ] {
            if let Some(word) = op.strip_prefix(prefix) {
                let missing = if prefix == "?" {
                    !term.st.vars.contains_key(name)
                } else {
                    !set
                };
                if missing {
                    let msg = if word.is_empty() {
                        why.to_string()
                    } else {
                        self.expand_single(term, word, err)
                    };
                    err.err(format!("{}: {name}: {msg}\n", term.st.flavor.name()));
                    self.fail_expansion();
                }
                return value;
            }
        }
        if let Some(word) = op.strip_prefix(":+") {
            return if set {
                self.expand_single(term, word, err)
            } else {
                String::new()
            };
        }
        if !op.is_empty() {
            err.err(format!(
                "{}: ${{{inner}}}: bad substitution\n",
                term.st.flavor.name()
            ));
            self.fail_expansion();
        }
        value
    }

    /// `$(…)`: runs `src` in a subshell and returns its stdout minus trailing newlines.
    fn substitute(&mut self, term: &mut Term<'_>, src: &str, err: &mut CommandOutput) -> String {
        let piped = std::mem::replace(&mut term.st.piped, true);
        let out = self.subshell(term, src, "");
        term.st.piped = piped;
        for (stream, text) in &out.chunks {
            if *stream == crate::Stream::Stderr {
                err.err(text.clone());
            }
        }
        self.subst_status = Some(out.exit_code);
        out.stdout_text().trim_end_matches('\n').to_string()
    }
}

fn find(chars: &[char], from: usize, c: char) -> usize {
    (from..chars.len())
        .find(|&j| chars[j] == c && (c != '`' || chars[j - 1] != '\\'))
        .unwrap_or(chars.len())
}

fn param(term: &Term<'_>, name: &str) -> String {
    match name {
        "?" => term.st.last_status.to_string(),
        "$" => "1".to_string(),
        "!" | "-" => String::new(),
        "#" => term.st.positional.len().saturating_sub(1).to_string(),
        "@" | "*" => term.st.positional.get(1..).unwrap_or(&[]).join(" "),
        n if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => n
            .parse::<usize>()
            .ok()
            .and_then(|i| term.st.positional.get(i).cloned())
            .unwrap_or_default(),
        n => term.st.get(n).unwrap_or_default().to_string(),
    }
}

/// Joins pieces into fields. The second value is a glob pattern (quoted metacharacters escaped)
/// when an unquoted `*`, `?` or `[` survived.
fn fields(pieces: Vec<Piece>) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut pat = String::new();
    let mut globby = false;
    let mut have = false;
    let flush = |cur: &mut String, pat: &mut String, globby: &mut bool, out: &mut Vec<_>| {
        out.push((std::mem::take(cur), globby.then(|| std::mem::take(pat))));
        pat.clear();
        *globby = false;
    };
    for p in pieces {
        if p.split {
            for c in p.text.chars() {
                if c == ' ' || c == '\t' || c == '\n' {
                    if have {
                        flush(&mut cur, &mut pat, &mut globby, &mut out);
                        have = false;
                    }
                } else {
                    cur.push(c);
                    push_pat(&mut pat, c, false, &mut globby);
                    have = true;
                }
            }
        } else {
            for c in p.text.chars() {
                push_pat(&mut pat, c, p.quoted, &mut globby);
            }
            cur.push_str(&p.text);
            have = true;
        }
    }
    if have {
        flush(&mut cur, &mut pat, &mut globby, &mut out);
    }
    out
}

fn push_pat(pat: &mut String, c: char, quoted: bool, globby: &mut bool) {
    let meta = matches!(c, '*' | '?' | '[');
    if meta && quoted {
        pat.push('\\');
    } else if meta {
        *globby = true;
    }
    pat.push(c);
}

/// Pathname expansion: wildcards in the last path component only.
fn glob(term: &Term<'_>, pattern: &str) -> Vec<String> {
    let (dir_part, name_pat) = match pattern.rfind('/') {
        Some(i) => (&pattern[..=i], &pattern[i + 1..]),
        None => ("", pattern),
    };
    if dir_part.contains(['*', '?', '[']) {
        return Vec::new();
    }
    let dir = resolve(
        term.cwd,
        &term.st.home(),
        if dir_part.is_empty() { "." } else { dir_part },
    );
    term.fs
        .list_dir(&dir)
        .into_iter()
        .filter(|(name, _)| !name.starts_with('.') || name_pat.starts_with('.'))
        .filter(|(name, _)| wildcard(name_pat, name))
        .map(|(name, _)| format!("{dir_part}{name}"))
        .collect()
}

/// Shell wildcard match (`*`, `?`, `[…]`, `\x`), iterative with one backtrack point.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            Some('?') => Some(pi + 1),
            Some('[') => class_match(&p, pi, t[ti]),
            Some('\\') if p.get(pi + 1) == Some(&t[ti]) => Some(pi + 2),
            Some(&c) if c == t[ti] => Some(pi + 1),
            _ => None,
        };
        match (step, star) {
            (Some(next), _) => {
                pi = next;
                ti += 1;
            }
            (None, Some((sp, st))) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            (None, None) => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Matches `c` against the bracket expression at `p[i] == '['`; returns the index after `]`.
fn class_match(p: &[char], i: usize, c: char) -> Option<usize> {
    let mut j = i + 1;
    let neg = matches!(p.get(j), Some('!' | '^'));
    if neg {
        j += 1;
    }
    let mut hit = false;
    let mut first = true;
    while j < p.len() && (p[j] != ']' || first) {
        first = false;
        if p.get(j + 1) == Some(&'-') && p.get(j + 2).is_some_and(|&e| e != ']') {
            hit |= p[j] <= c && c <= p[j + 2];
            j += 3;
        } else {
            hit |= p[j] == c;
            j += 1;
        }
    }
    (j < p.len() && hit != neg).then_some(j + 1)
}

/// `$((…))`: integer arithmetic with the usual precedence.
fn arith(term: &Term<'_>, src: &str) -> Result<i64, String> {
    let toks: Vec<String> = arith_tokens(src)?;
    let mut pos = 0;
    let v = arith_expr(term, &toks, &mut pos, 0, 0)?;
    match toks.get(pos) {
        None => Ok(v),
        Some(t) => Err(format!(
            "syntax error: invalid arithmetic operator (error token is \"{t}\")"
        )),
    }
}

fn arith_tokens(src: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let s = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[s..i].iter().collect());
        } else {
            let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let op = ["==", "!=", "<=", ">=", "&&", "||"]
                .into_iter()
                .find(|o| *o == two)
                .map(str::to_string)
                .unwrap_or_else(|| c.to_string());
            if !"+-*/%()<>!=&|".contains(c) {
                return Err(format!(
                    "syntax error: operand expected (error token is \"{c}\")"
                ));
            }
            i += op.chars().count();
            out.push(op);
        }
    }
    Ok(out)
}

const PRECEDENCE: [(&str, u8); 13] = [
    ("||", 1),
    ("&&", 2),
    ("==", 3),
    ("!=", 3),
    ("<", 4),
    (">", 4),
    ("<=", 4),
    (">=", 4),
    ("+", 5),
    ("-", 5),
    ("*", 6),
    ("/", 6),
    ("%", 6),
];

fn arith_expr(
    term: &Term<'_>,
    toks: &[String],
    pos: &mut usize,
    min: u8,
    depth: u32,
) -> Result<i64, String> {
    if depth > 64 {
        return Err("expression recursion level exceeded".into());
    }
    let mut lhs = arith_atom(term, toks, pos, depth + 1)?;
    while let Some(&(op, prec)) = toks
        .get(*pos)
        .and_then(|t| PRECEDENCE.iter().find(|(o, _)| o == t))
    {
        if prec <= min {
            break;
        }
        *pos += 1;
        let rhs = arith_expr(term, toks, pos, prec, depth + 1)?;
        lhs = match op {
            "+" => lhs.wrapping_add(rhs),
            "-" => lhs.wrapping_sub(rhs),
            "*" => lhs.wrapping_mul(rhs),
            "/" | "%" if rhs == 0 => return Err("division by 0 (error token is \"0\")".into()),
            "/" => lhs.wrapping_div(rhs),
            "%" => lhs.wrapping_rem(rhs),
            "<" => (lhs < rhs) as i64,
            ">" => (lhs > rhs) as i64,
            "<=" => (lhs <= rhs) as i64,
            ">=" => (lhs >= rhs) as i64,
            "==" => (lhs == rhs) as i64,
            "!=" => (lhs != rhs) as i64,
            "&&" => (lhs != 0 && rhs != 0) as i64,
            _ => (lhs != 0 || rhs != 0) as i64,
        };
    }
    Ok(lhs)
}

fn arith_atom(
    term: &Term<'_>,
    toks: &[String],
    pos: &mut usize,
    depth: u32,
) -> Result<i64, String> {
    if depth > 64 {
        return Err("expression recursion level exceeded".into());
    }
    let t = toks
        .get(*pos)
        .ok_or("syntax error: operand expected (error token is \"\")")?;
    *pos += 1;
    match t.as_str() {
        "(" => {
            let v = arith_expr(term, toks, pos, 0, depth + 1)?;
            if toks.get(*pos).map(String::as_str) != Some(")") {
                return Err("syntax error: `)' expected".into());
            }
            *pos += 1;
            Ok(v)
        }
        "-" => Ok(arith_atom(term, toks, pos, depth + 1)?.wrapping_neg()),
        "+" => arith_atom(term, toks, pos, depth + 1),
        "!" => Ok((arith_atom(term, toks, pos, depth + 1)? == 0) as i64),
        t if t.starts_with(|c: char| c.is_ascii_digit()) => t
            .parse()
            .map_err(|_| format!("value too great for base (error token is \"{t}\")")),
        t if t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') => {
            let v = term.st.get(t).unwrap_or("0").trim();
            Ok(v.parse().unwrap_or(0))
        }
        t => Err(format!(
            "syntax error: operand expected (error token is \"{t}\")"
        )),
    }
}
