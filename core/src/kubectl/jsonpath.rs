//! kubectl's JSONPath dialect (`-o jsonpath=…`, `-o custom-columns`), following client-go's
//! `util/jsonpath`: literal text and `{…}` actions with fields, `$`/`@`, indexes and slices
//! (negative too), `[*]`, unions, `..`, filters (`==` `!=` `<` `>` `<=` `>=`, existence),
//! `{range}…{end}`, quoted literals and escaped dots. Results of one action are joined by single
//! spaces; maps and arrays print as compact JSON (keys sorted, as kubectl's unstructured objects
//! are); there is no trailing newline unless the template prints one.
//!
//! Errors carry client-go's message only (`hello is not found`); the printer adds kubectl's
//! `error executing jsonpath …` framing.

use serde_json::Value;

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Text(String),
    Action(Vec<Node>),
    Range {
        selector: Vec<Node>,
        body: Vec<Segment>,
    },
    /// `{end}` outside a range: an error when execution reaches it.
    StrayEnd,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Field(String),
    Array([Param; 3]),
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        op: String,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Param {
    value: i64,
    known: bool,
    derived: bool,
}

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
    let segments = nest(&mut iter, false);
    Ok(Template { segments })
}

/// Builds the range tree from the flat list of text and actions.
fn nest(
    iter: &mut impl Iterator<Item = Result<String, Vec<Node>>>,
    in_range: bool,
) -> Vec<Segment> {
    let mut out = Vec::new();
    while let Some(item) = iter.next() {
        match item {
            Ok(text) => out.push(Segment::Text(text)),
            Err(nodes) => match nodes.first() {
                Some(Node::Identifier(id)) if id == "range" => {
                    let selector = nodes[1..].to_vec();
                    let body = nest(iter, true);
                    out.push(Segment::Range { selector, body });
                }
                Some(Node::Identifier(id)) if id == "end" && nodes.len() == 1 => {
                    if in_range {
                        return out;
                    }
                    out.push(Segment::StrayEnd);
                }
                _ => out.push(Segment::Action(nodes)),
            },
        }
    }
    out
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
                    value: params[0].value + 1,
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

struct Exec {
    allow_missing: bool,
}

impl Template {
    /// Runs the template over `value`. `allow_missing_keys` is kubectl's
    /// `--allow-missing-template-keys` (default true).
    pub fn execute(&self, value: &Value, allow_missing_keys: bool) -> Result<String, String> {
        let ex = Exec {
            allow_missing: allow_missing_keys,
        };
        let mut out = String::new();
        ex.segments(&self.segments, value, &mut out)?;
        Ok(out)
    }
}

impl Exec {
    fn segments(&self, segs: &[Segment], cur: &Value, out: &mut String) -> Result<(), String> {
        for seg in segs {
            match seg {
                Segment::Text(t) => out.push_str(t),
                Segment::StrayEnd => return Err("not in range, nothing to end".into()),
                Segment::Action(nodes) => {
                    let results = self.list(vec![cur.clone()], nodes)?;
                    let texts: Vec<String> = results.iter().map(print).collect();
                    out.push_str(&texts.join(" "));
                }
                Segment::Range { selector, body } => {
                    let items = self.list(vec![cur.clone()], selector)?;
                    if items.is_empty() {
                        // client-go still walks the body once (output discarded) so errors surface.
                        self.segments(body, &Value::Null, &mut String::new())?;
                    }
                    for item in &items {
                        self.segments(body, item, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn list(&self, mut cur: Vec<Value>, nodes: &[Node]) -> Result<Vec<Value>, String> {
        for n in nodes {
            cur = self.node(cur, n)?;
        }
        Ok(cur)
    }

    fn node(&self, input: Vec<Value>, n: &Node) -> Result<Vec<Value>, String> {
        Ok(match n {
            Node::Text(t) => vec![Value::String(t.clone())],
            Node::Int(i) => input.iter().map(|_| Value::from(*i)).collect(),
            Node::Float(f) => input.iter().map(|_| Value::from(*f)).collect(),
            Node::Bool(b) => input.iter().map(|_| Value::Bool(*b)).collect(),
            Node::Identifier(id) => return Err(format!("unrecognized identifier {id}")),
            Node::Field(name) => self.field(input, name)?,
            Node::Wildcard => input.iter().flat_map(children).collect(),
            Node::Recursive => {
                let mut out = Vec::new();
                for v in &input {
                    recursive(v, &mut out, 0);
                }
                out
            }
            Node::Union(lists) => {
                let mut out = Vec::new();
                for l in lists {
                    out.extend(self.list(input.clone(), l)?);
                }
                out
            }
            Node::Array(params) => array(input, params)?,
            Node::Filter { left, right, op } => self.filter(input, left, right, op)?,
        })
    }

    fn field(&self, input: Vec<Value>, name: &str) -> Result<Vec<Value>, String> {
        if input.is_empty() {
            return Ok(input);
        }
        if name.is_empty() {
            return Ok(input);
        }
        let results: Vec<Value> = input
            .iter()
            .filter_map(|v| match v {
                Value::Object(m) => m.get(name).cloned(),
                _ => None,
            })
            .collect();
        if results.is_empty() && !self.allow_missing {
            return Err(format!("{name} is not found"));
        }
        Ok(results)
    }

    fn filter(
        &self,
        input: Vec<Value>,
        left: &[Node],
        right: &[Node],
        op: &str,
    ) -> Result<Vec<Value>, String> {
        let mut out = Vec::new();
        for v in input {
            let items = match v {
                Value::Array(a) => a,
                Value::Null => Vec::new(),
                other => {
                    return Err(format!(
                        "{} is not array or slice and cannot be filtered",
                        go_value(&other)
                    ))
                }
            };
            for item in items {
                let lefts = self.list(vec![item.clone()], left);
                if op == "exists" {
                    if lefts.is_ok_and(|l| !l.is_empty()) {
                        out.push(item);
                    }
                    continue;
                }
                let lefts = lefts?;
                let l = match lefts.as_slice() {
                    [] => continue,
                    [l] => l.clone(),
                    _ => return Err("can only compare one element at a time".into()),
                };
                let rights = self.list(vec![item.clone()], right)?;
                let r = match rights.as_slice() {
                    [] => continue,
                    [r] => r.clone(),
                    _ => return Err("can only compare one element at a time".into()),
                };
                if compare(&l, &r, op)? {
                    out.push(item);
                }
            }
        }
        Ok(out)
    }
}

fn children(v: &Value) -> Vec<Value> {
    match v {
        Value::Object(m) => m.values().cloned().collect(),
        Value::Array(a) => a.clone(),
        // Go indexes a string by byte.
        Value::String(s) => s.bytes().map(Value::from).collect(),
        _ => Vec::new(),
    }
}

fn recursive(v: &Value, out: &mut Vec<Value>, depth: u32) {
    let kids = children(v);
    if kids.is_empty() || depth > 64 {
        return;
    }
    out.push(v.clone());
    for k in &kids {
        recursive(k, out, depth + 1);
    }
}

fn array(input: Vec<Value>, params: &[Param; 3]) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for v in input {
        let items = match v {
            Value::Null => continue,
            Value::Array(a) => a,
            other => return Err(format!("{} is not array or slice", go_type(&other))),
        };
        let len = items.len() as i64;
        let mut p = *params;
        if !p[0].known {
            p[0].value = 0;
        }
        if p[0].value < 0 {
            p[0].value += len;
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value += len;
        }
        if p[1].value == p[0].value {
            return Ok(out);
        }
        if p[0].value >= len || p[0].value < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                p[0].value
            ));
        }
        if p[1].value > len || p[1].value < 0 {
            return Err(format!(
                "array index out of bounds: index {}, length {len}",
                p[1].value - 1
            ));
        }
        if p[0].value > p[1].value {
            return Err(format!(
                "starting index {} is greater than ending index {}",
                p[0].value, p[1].value
            ));
        }
        let step = if p[2].known {
            if p[2].value <= 0 {
                return Err("step must be > 0".into());
            }
            p[2].value as usize
        } else {
            1
        };
        let slice = items
            .get(p[0].value as usize..p[1].value as usize)
            .unwrap_or(&[]);
        out.extend(slice.iter().step_by(step).cloned());
    }
    Ok(out)
}

/// Go template comparison (`template.Less`, `template.Equal`…) over JSON values.
fn compare(l: &Value, r: &Value, op: &str) -> Result<bool, String> {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (l, r) {
        (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => a
                .as_f64()
                .zip(b.as_f64())
                .and_then(|(x, y)| x.partial_cmp(&y)),
        },
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => {
            if !matches!(op, "==" | "!=") {
                return Err("invalid type for comparison".into());
            }
            Some(a.cmp(b))
        }
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        _ => return Err("incompatible types for comparison".into()),
    };
    let Some(ord) = ord else {
        return Ok(false);
    };
    Ok(match op {
        "==" => ord == Ordering::Equal,
        "!=" => ord != Ordering::Equal,
        "<" => ord == Ordering::Less,
        ">" => ord == Ordering::Greater,
        "<=" => ord != Ordering::Greater,
        ">=" => ord != Ordering::Less,
        other => return Err(format!("unrecognized filter operator {other}")),
    })
}

/// How one result prints: maps and arrays as compact JSON, scalars as Go's `fmt.Print`.
fn print(v: &Value) -> String {
    match v {
        Value::Object(_) | Value::Array(_) => go_json(v),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "<nil>".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.to_string(),
            (_, Some(u)) => u.to_string(),
            _ => go_float(n.as_f64().unwrap_or(0.0)),
        },
    }
}

/// `encoding/json.Marshal`: compact, floats in Go's shortest form (`1`, not `1.0`), and `<`,
/// `>`, `&` escaped as Go does.
fn go_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(v, out);
            }
            out.push(']');
        }
        Value::String(s) => write_str(s, out),
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(0.0);
            let abs = f.abs();
            if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
                let e = format!("{f:e}");
                let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
                let sign = if exp.starts_with('-') { "-" } else { "+" };
                out.push_str(&format!("{mant}e{sign}{}", exp.trim_start_matches('-')));
            } else {
                out.push_str(&format!("{f}"));
            }
        }
        other => out.push_str(&other.to_string()),
    }
}

fn write_str(s: &str, out: &mut String) {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    out.push_str(
        &quoted
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029"),
    );
}

/// Go's `%v` for a float64 (`%g`, shortest digits): exponent form below 1e-4 or from 1e6.
fn go_float(f: f64) -> String {
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        format!("{f}")
    } else {
        format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

/// The Go type client-go names in "is not array or slice" for an unstructured value.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "map[string]interface {}",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::Array(_) => "[]interface {}",
        Value::Null => "<nil>",
    }
}

fn go_value(v: &Value) -> String {
    match v {
        Value::Object(_) => format!("map[{}]", "…"),
        other => print(other),
    }
}

#[cfg(test)]
#[path = "jsonpath_tests.rs"]
mod tests;
