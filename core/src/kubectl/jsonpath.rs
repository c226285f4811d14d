//! kubectl's JSONPath dialect (`-o jsonpath=…`, `-o custom-columns`), following client-go's
//! `util/jsonpath`: literal text and `{…}` actions with fields, `$`/`@`, indexes and slices
//! (negative too), `[*]`, unions, `..`, filters (`==` `!=` `<` `>` `<=` `>=`, existence),
//! `{range}…{end}`, quoted literals and escaped dots. Results of one action are joined by single
//! spaces; maps and arrays print as compact JSON (keys sorted, as kubectl's unstructured objects
//! are); there is no trailing newline unless the template prints one.
//!
//! Errors carry client-go's message only (`hello is not found`); the printer adds kubectl's
//! `error executing jsonpath …` framing.

mod parse;

use serde_json::Value;

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub(crate) segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Segment {
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
pub(crate) enum Node {
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
pub(crate) struct Param {
    pub(crate) value: i64,
    pub(crate) known: bool,
    pub(crate) derived: bool,
}

pub use parse::parse;

/// What `kubectl get -o jsonpath=TEMPLATE` prints for `value` (the object, or the `List` of
/// objects), or kubectl's error text for it: print `error: ` then the message, which already
/// ends in its newline(s) — `error parsing jsonpath {.a, unclosed action⏎` or `error executing
/// jsonpath "{.a[9]}": Error executing template: …` with kubectl's dump of template and object.
pub fn kubectl_output(
    template: &str,
    value: &Value,
    allow_missing_keys: bool,
) -> Result<String, String> {
    let parsed =
        parse(template).map_err(|e| format!("error parsing jsonpath {template}, {e}\n"))?;
    parsed.execute(value, allow_missing_keys).map_err(|e| {
        format!(
            "error executing jsonpath {}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n\n",
            go_quote(template),
            go_sharp_v(value)
        )
    })
}

/// kubectl's `RelaxedJSONPathExpression` for custom columns: `name1.name2`, `.name1.name2`,
/// `{name1.name2}` and `{.name1.name2}` all mean `{.name1.name2}`.
pub fn relaxed(expr: &str) -> Result<String, String> {
    if expr.is_empty() {
        return Ok(String::new());
    }
    let inner = match expr.strip_prefix('{').and_then(|e| e.strip_suffix('}')) {
        Some(i) => i,
        None => expr,
    };
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    if inner.is_empty() || inner.contains(['{', '}']) {
        return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
    }
    Ok(format!("{{.{inner}}}"))
}

/// One `-o custom-columns` cell: every result of the relaxed expression printed as Go's `%v`
/// (`map[app:web]`, `[a b]`), joined with commas; `<none>` when there is none.
pub fn custom_column(expr: &str, value: &Value) -> Result<String, String> {
    let template = parse(&relaxed(expr)?)?;
    let ex = Exec::new(true);
    let mut cells = Vec::new();
    for seg in &template.segments {
        if let Segment::Action(nodes) = seg {
            cells.extend(ex.list(vec![value.clone()], nodes)?.iter().map(go_v));
        }
    }
    Ok(if cells.is_empty() {
        "<none>".into()
    } else {
        cells.join(",")
    })
}

/// Every result of a relaxed expression (`.metadata.name`, `{.status.podIP}`) over `value`,
/// missing keys allowed: what `--sort-by` compares (kubectl uses the first).
pub fn relaxed_results(expr: &str, value: &Value) -> Result<Vec<Value>, String> {
    let template = parse(&relaxed(expr)?)?;
    let ex = Exec::new(true);
    let mut out = Vec::new();
    for seg in &template.segments {
        if let Segment::Action(nodes) = seg {
            out.extend(ex.list(vec![value.clone()], nodes)?);
        }
    }
    Ok(out)
}

/// Go's `%v` of an unstructured value.
fn go_v(v: &Value) -> String {
    match v {
        Value::Array(a) => format!("[{}]", a.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let items: Vec<String> = m.iter().map(|(k, v)| format!("{k}:{}", go_v(v))).collect();
            format!("map[{}]", items.join(" "))
        }
        other => print(other),
    }
}

/// Go's `%q` of a string.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%#v` of an unstructured object (`map[string]interface {}{"a":1, …}`), keys sorted.
fn go_sharp_v(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => go_float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => go_quote(s),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(go_sharp_v).collect();
            format!("[]interface {{}}{{{}}}", items.join(", "))
        }
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}:{}", go_quote(k), go_sharp_v(v)))
                .collect();
            format!("map[string]interface {{}}{{{}}}", items.join(", "))
        }
    }
}

struct Exec {
    allow_missing: bool,
    /// Values the template may still produce ([`crate::limits::MAX_JSONPATH_STEPS`]): chained
    /// `..` and nested ranges multiply, and must end with an error rather than a frozen page.
    budget: std::cell::Cell<usize>,
}

impl Template {
    /// Runs the template over `value`. `allow_missing_keys` is kubectl's
    /// `--allow-missing-template-keys` (default true).
    pub fn execute(&self, value: &Value, allow_missing_keys: bool) -> Result<String, String> {
        let ex = Exec::new(allow_missing_keys);
        let mut out = String::new();
        ex.segments(&self.segments, value, &mut out)?;
        Ok(out)
    }
}

impl Exec {
    /// An evaluation with the full budget.
    fn new(allow_missing: bool) -> Exec {
        Exec {
            allow_missing,
            budget: std::cell::Cell::new(crate::limits::MAX_JSONPATH_STEPS),
        }
    }

    fn segments(&self, segs: &[Segment], cur: &Value, out: &mut String) -> Result<(), String> {
        for seg in segs {
            match seg {
                Segment::Text(t) => {
                    self.spend(t.len())?;
                    out.push_str(t);
                }
                Segment::StrayEnd => return Err("not in range, nothing to end".into()),
                Segment::Action(nodes) => {
                    let results = self.list(vec![cur.clone()], nodes)?;
                    for (i, r) in results.iter().enumerate() {
                        let text = print(r);
                        self.spend(text.len() + 1)?;
                        if i > 0 {
                            out.push(' ');
                        }
                        out.push_str(&text);
                    }
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
            self.spend(cur.len())?;
        }
        Ok(cur)
    }

    /// Fails early when a node's partial result already exceeds what is left of the budget.
    fn within(&self, n: usize) -> Result<(), String> {
        if n > self.budget.get() {
            return self.spend(n);
        }
        Ok(())
    }

    /// Counts `n` produced values against the template's budget.
    fn spend(&self, n: usize) -> Result<(), String> {
        let left = self.budget.get();
        if n > left {
            self.budget.set(0);
            return Err(format!(
                "evaluation limit reached ({} values)",
                crate::limits::MAX_JSONPATH_STEPS
            ));
        }
        self.budget.set(left - n);
        Ok(())
    }

    fn node(&self, input: Vec<Value>, n: &Node) -> Result<Vec<Value>, String> {
        Ok(match n {
            Node::Text(t) => vec![Value::String(t.clone())],
            Node::Int(i) => input.iter().map(|_| Value::from(*i)).collect(),
            Node::Float(f) => input.iter().map(|_| Value::from(*f)).collect(),
            Node::Bool(b) => input.iter().map(|_| Value::Bool(*b)).collect(),
            Node::Identifier(id) => return Err(format!("unrecognized identifier {id}")),
            Node::Field(name) => self.field(input, name)?,
            Node::Wildcard => {
                let mut out = Vec::new();
                for v in &input {
                    out.extend(children(v));
                    self.within(out.len())?;
                }
                out
            }
            Node::Recursive => {
                let mut out = Vec::new();
                for v in &input {
                    recursive(v, &mut out, 0);
                    self.within(out.len())?;
                }
                out
            }
            Node::Union(lists) => {
                let mut out = Vec::new();
                for l in lists {
                    out.extend(self.list(input.clone(), l)?);
                    self.within(out.len())?;
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
            p[0].value = p[0].value.saturating_add(len);
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value = p[1].value.saturating_add(len);
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
                p[1].value.saturating_sub(1)
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
mod tests;
