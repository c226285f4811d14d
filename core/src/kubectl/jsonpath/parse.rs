//! The template parser, after client-go's `util/jsonpath/parser.go`: text outside `{…}` is
//! literal; inside, fields, brackets, filters, quotes, numbers and identifiers become nodes, and
//! `{range}…{end}` pairs become a tree.

use super::{Node, Param, Segment, Template};

/// Parses a template; errors read like client-go's parser errors.
pub fn parse(template: &str) -> Result<Template, String> {
    let chars: Vec<char> = template.chars().collect();
    let mut flat: Vec<Result<String, Vec<Node>>> = Vec::new();
    let mut i = 0;
    let mut text = String::new();
    while i < chars.len() {
        if chars[i] == '{' {
            if !text.is_empty() {
                flat.push(Ok(std::mem::take(&mut text)));
            }
            let (nodes, next) = parse_action(&chars, i + 1, 0)?;
            flat.push(Err(nodes));
            i = next;
        } else {
            text.push(chars[i]);
            i += 1;
        }
    }
    if !text.is_empty() {
        flat.push(Ok(text));
    }
    let mut iter = flat.into_iter();
    let segments = nest(&mut iter, 0)?;
    Ok(Template { segments })
}

/// Builds the range tree from the flat list of text and actions.
fn nest(
    iter: &mut impl Iterator<Item = Result<String, Vec<Node>>>,
    depth: u32,
) -> Result<Vec<Segment>, String> {
    if depth > 32 {
        return Err("range nested too deeply".into());
    }
    let mut out = Vec::new();
    while let Some(item) = iter.next() {
        match item {
            Ok(text) => out.push(Segment::Text(text)),
            Err(nodes) => match nodes.first() {
                Some(Node::Identifier(id)) if id == "range" => {
                    let selector = nodes[1..].to_vec();
                    let body = nest(iter, depth + 1)?;
                    out.push(Segment::Range { selector, body });
                }
                Some(Node::Identifier(id)) if id == "end" && nodes.len() == 1 => {
                    if depth > 0 {
                        return Ok(out);
                    }
                    out.push(Segment::StrayEnd);
                }
                _ => out.push(Segment::Action(nodes)),
            },
        }
    }
    Ok(out)
}

fn is_terminator(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

fn starts(chars: &[char], i: usize, s: &str) -> bool {
    s.chars()
        .enumerate()
        .all(|(k, c)| chars.get(i + k) == Some(&c))
}

/// Parses the inside of one `{…}` starting at `i`; returns the nodes and the index after `}`.
/// `depth` bounds recursion through unions and filters.
fn parse_action(chars: &[char], mut i: usize, depth: u32) -> Result<(Vec<Node>, usize), String> {
    if depth > 16 {
        return Err("template nested too deeply".into());
    }
    let mut nodes: Vec<Node> = Vec::new();
    loop {
        if starts(chars, i, "}") {
            return Ok((nodes, i + 1));
        }
        if starts(chars, i, "[?(") {
            i = parse_filter(chars, i + 3, &mut nodes, depth)?;
            continue;
        }
        if starts(chars, i, "..") {
            if nodes.last() == Some(&Node::Recursive) {
                return Err("invalid multiple recursive descent".into());
            }
            nodes.push(Node::Recursive);
            i += 2;
            if chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                i = parse_field(chars, i, &mut nodes);
            }
            continue;
        }
        let Some(&c) = chars.get(i) else {
            return Err("unclosed action".into());
        };
        match c {
            '\r' | '\n' => return Err("unclosed action".into()),
            ' ' | '@' | '$' => i += 1,
            '[' => i = parse_array(chars, i + 1, &mut nodes, depth)?,
            '"' | '\'' => {
                let (s, next) = parse_quote(chars, i)?;
                nodes.push(Node::Text(s));
                i = next;
            }
            '.' => i = parse_field(chars, i + 1, &mut nodes),
            '+' | '-' => i = parse_number(chars, i, &mut nodes)?,
            c if c.is_ascii_digit() => i = parse_number(chars, i, &mut nodes)?,
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while !is_terminator(chars.get(i).copied()) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                nodes.push(match word.as_str() {
                    "true" => Node::Bool(true),
                    "false" => Node::Bool(false),
                    _ => Node::Identifier(word),
                });
            }
            c => {
                return Err(format!(
                    "unrecognized character in action: U+{:04X} '{c}'",
                    c as u32
                ))
            }
        }
    }
}

fn parse_field(chars: &[char], mut i: usize, nodes: &mut Vec<Node>) -> usize {
    let mut raw = String::new();
    loop {
        match chars.get(i) {
            Some('\\') => {
                if let Some(&n) = chars.get(i + 1) {
                    raw.push(n);
                }
                i += 2;
            }
            c if is_terminator(c.copied()) => break,
            Some(&c) => {
                raw.push(c);
                i += 1;
            }
            None => break,
        }
    }
    nodes.push(if raw == "*" {
        Node::Wildcard
    } else {
        Node::Field(raw)
    });
    i.min(chars.len())
}

fn parse_number(chars: &[char], mut i: usize, nodes: &mut Vec<Node>) -> Result<usize, String> {
    let start = i;
    if matches!(chars.get(i), Some('+' | '-')) {
        i += 1;
    }
    while chars
        .get(i)
        .is_some_and(|c| *c == '.' || c.is_ascii_digit())
    {
        i += 1;
    }
    let text: String = chars[start..i].iter().collect();
    if let Ok(n) = text.parse::<i64>() {
        nodes.push(Node::Int(n));
    } else if let Ok(f) = text.parse::<f64>() {
        nodes.push(Node::Float(f));
    } else {
        return Err(format!("cannot parse number {text}"));
    }
    Ok(i)
}

/// A Go-style quoted string starting at `chars[i]` (the quote); returns it unquoted and the
/// index after the closing quote.
fn parse_quote(chars: &[char], i: usize) -> Result<(String, usize), String> {
    let q = chars[i];
    let mut j = i + 1;
    loop {
        match chars.get(j) {
            None | Some('\n') => return Err("unterminated quoted string".into()),
            Some(&c) if c == q && chars[j - 1] != '\\' => break,
            _ => j += 1,
        }
    }
    let raw: String = chars[i..=j].iter().collect();
    let inner = &chars[i + 1..j];
    let mut out = String::new();
    let mut k = 0;
    while k < inner.len() {
        let c = inner[k];
        k += 1;
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = inner.get(k).copied();
        k += 1;
        match e {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some(c @ ('\\' | '"' | '\'')) => out.push(c),
            Some(c @ ('x' | 'u' | 'U')) => {
                let len = match c {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = inner.get(k..k + len).unwrap_or(&[]).iter().collect();
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                match ch {
                    Some(ch) if hex.len() == len => out.push(ch),
                    _ => return Err(format!("unquote string {raw} error invalid syntax")),
                }
                k += len;
            }
            _ => return Err(format!("unquote string {raw} error invalid syntax")),
        }
    }
    Ok((out, j + 1))
}

fn parse_array(
    chars: &[char],
    i: usize,
    nodes: &mut Vec<Node>,
    depth: u32,
) -> Result<usize, String> {
    let mut j = i;
    loop {
        match chars.get(j) {
            None | Some('\n') => return Err("unterminated array".into()),
            Some(']') => break,
            _ => j += 1,
        }
    }
    let mut text: String = chars[i..j].iter().collect();
    let next = j + 1;
    if text == "*" {
        text = ":".into();
    }
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() > 1 {
        let mut union = Vec::new();
        for part in parts {
            let sub: Vec<char> = format!("[{}]}}", part.trim_matches(' ')).chars().collect();
            union.push(parse_action(&sub, 0, depth + 1)?.0);
        }
        nodes.push(Node::Union(union));
        return Ok(next);
    }
    if text.len() >= 2
        && text.starts_with('\'')
        && text.ends_with('\'')
        && !text[1..text.len() - 1].contains('\'')
    {
        let sub: Vec<char> = format!(".{}}}", &text[1..text.len() - 1]).chars().collect();
        nodes.extend(parse_action(&sub, 0, depth + 1)?.0);
        return Ok(next);
    }
    nodes.push(Node::Array(parse_slice(&text)?));
    Ok(next)
}

/// `i`, `s:e`, `s:e:step` with optional parts, as client-go's `sliceOperatorRex`.
fn parse_slice(text: &str) -> Result<[Param; 3], String> {
    let parts: Vec<&str> = text.split(':').collect();
    let valid = parts.len() <= 3
        && parts.iter().all(|p| {
            let d = p.strip_prefix('-').unwrap_or(p);
            d.chars().all(|c| c.is_ascii_digit())
        });
    if !valid {
        return Err(format!("invalid array index {text}"));
    }
    let mut params = [Param::default(); 3];
    for k in 0..3 {
        match parts.get(k) {
            Some(p) if !p.is_empty() => {
                params[k].known = true;
                params[k].value = p
                    .parse()
                    .map_err(|_| format!("array index {p} is not a number"))?;
            }
            Some(_) => {}
            None if k == 1 => {
                params[1] = Param {
                    value: params[0].value.saturating_add(1),
                    known: true,
                    derived: true,
                };
            }
            None => {}
        }
    }
    Ok(params)
}

fn parse_filter(
    chars: &[char],
    i: usize,
    nodes: &mut Vec<Node>,
    depth: u32,
) -> Result<usize, String> {
    let mut j = i;
    let (mut begin, mut end) = (false, false);
    let mut pair = '"';
    loop {
        let Some(&c) = chars.get(j) else {
            return Err("unterminated filter".into());
        };
        j += 1;
        match c {
            '\n' => return Err("unterminated filter".into()),
            '"' | '\'' if !begin => {
                begin = true;
                pair = c;
            }
            c if (c == '"' || c == '\'') && c == pair && j >= 2 && chars[j - 2] != '\\' => {
                end = true
            }
            ')' if begin == end => break,
            _ => {}
        }
    }
    if chars.get(j) != Some(&']') {
        return Err("unclosed array expect ]".into());
    }
    let text: String = chars[i..j - 1].iter().collect();
    let op_start = text.find(['!', '<', '>', '=', '~']);
    let split = op_start.filter(|&s| s > 0).map(|s| {
        let op_len = text[s..]
            .find(|c: char| !"!<>=~".contains(c))
            .unwrap_or(text.len() - s);
        (s, s + op_len)
    });
    match split {
        Some((s, e)) if e < text.len() => {
            let left = action_of(&text[..s], depth)?;
            let right = action_of(&text[e..], depth)?;
            nodes.push(Node::Filter {
                left,
                right,
                op: text[s..e].to_string(),
            });
        }
        _ => {
            let left = action_of(&text, depth)?;
            nodes.push(Node::Filter {
                left,
                right: Vec::new(),
                op: "exists".into(),
            });
        }
    }
    Ok(j + 1)
}

fn action_of(text: &str, depth: u32) -> Result<Vec<Node>, String> {
    let sub: Vec<char> = format!("{text}}}").chars().collect();
    Ok(parse_action(&sub, 0, depth + 1)?.0)
}
