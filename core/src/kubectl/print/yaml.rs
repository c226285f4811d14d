//! `-o yaml` as kubectl writes it: JSON turned into YAML by go-yaml v2 (via sigs.k8s.io/yaml).
//! That means sorted keys, 2-space indentation with list items flush under their key, strings
//! quoted only when they would read back as something else (`"80"`, `"true"`, timestamps, `""`),
//! single quotes for strings plain style cannot carry, literal blocks for multi-line strings, and
//! plain scalars folded at spaces past column 80, as libyaml's emitter does.

use serde_json::{Map, Value};

const BEST_WIDTH: usize = 80;

/// The YAML document for `v`, ending in a newline.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0, false),
        Value::Array(a) if !a.is_empty() => write_list(&mut out, a, 0, false),
        other => {
            out.push_str(&scalar(other, 0, 0));
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Writes a block mapping at `indent`; `inline_first` when the caller already wrote `- `.
fn write_map(out: &mut String, m: &Map<String, Value>, indent: usize, inline_first: bool) {
    // Sorted explicitly: serde_json's map order would change if `preserve_order` were enabled.
    let mut entries: Vec<(&String, &Value)> = m.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent);
        }
        let key = key_repr(k);
        out.push_str(&key);
        out.push(':');
        match v {
            Value::Object(sub) if !sub.is_empty() => {
                out.push('\n');
                write_map(out, sub, indent + 2, false);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                write_list(out, items, indent, false);
            }
            other => {
                out.push(' ');
                let column = indent + key.chars().count() + 2;
                out.push_str(&scalar(other, indent + 2, column));
                out.push('\n');
            }
        }
    }
}

fn write_list(out: &mut String, items: &[Value], indent: usize, inline_first: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => write_map(out, m, indent + 2, true),
            Value::Array(a) if !a.is_empty() => write_list(out, a, indent + 2, true),
            other => {
                out.push_str(&scalar(other, indent + 2, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn key_repr(k: &str) -> String {
    match string_style(k) {
        Style::Plain => k.to_string(),
        Style::Single => single_quoted(k, 0, 0, false),
        Style::Double | Style::Literal => double_quoted(k),
    }
}

/// A scalar value; `indent` is where continuation lines start, `column` where it begins.
fn scalar(v: &Value, indent: usize, column: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        Value::String(s) => match string_style(s) {
            Style::Plain => folded(s, indent, column),
            Style::Single => single_quoted(s, indent, column, true),
            Style::Double => double_quoted(s),
            Style::Literal => literal(s, indent),
        },
    }
}

enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        return Style::Literal;
    }
    if resolves_to_non_string(s) {
        return Style::Double;
    }
    if s.chars().any(|c| c.is_control() && c != '\t') {
        return Style::Double;
    }
    if plain_allowed(s) {
        Style::Plain
    } else {
        Style::Single
    }
}

/// go-yaml v2 `resolve`: would this plain scalar read back as null, bool, number or timestamp?
fn resolves_to_non_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "-.inf", ".nan", ".NaN", ".NAN", "<<",
    ];
    if SPECIAL.contains(&s) {
        return true;
    }
    is_number(s) || is_timestamp(s)
}

fn is_number(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if t.is_empty() {
        return false;
    }
    let plain: String = t.chars().filter(|c| *c != '_').collect();
    if let Some(hex) = plain.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(bin) = plain.strip_prefix("0b") {
        return !bin.is_empty() && bin.chars().all(|c| c == '0' || c == '1');
    }
    if plain.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    // Floats: digits with one dot and an optional exponent (`1.5`, `.5`, `1e3`, `1.5e-3`).
    let (mantissa, exp) = match plain.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (plain.as_str(), None),
    };
    let digits_ok = {
        let mut parts = mantissa.splitn(2, '.');
        let a = parts.next().unwrap_or("");
        let b = parts.next();
        let all_digits = |x: &str| x.chars().all(|c| c.is_ascii_digit());
        match b {
            Some(b) => all_digits(a) && all_digits(b) && !(a.is_empty() && b.is_empty()),
            None => !a.is_empty() && all_digits(a),
        }
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    digits_ok && exp_ok && (mantissa.contains('.') || exp.is_some())
}

/// `2006-01-02`, `2006-01-02T15:04:05Z` and friends.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 10 {
        return false;
    }
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && (b.len() == 10 || matches!(b.get(10), Some(b'T' | b't' | b' ')))
}

/// libyaml's analysis of whether a scalar may be written plain in block context.
fn plain_allowed(s: &str) -> bool {
    let first = match s.chars().next() {
        Some(c) => c,
        None => return false,
    };
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if "#,[]{}&*!|>'\"%@`".contains(first) {
        return false;
    }
    let second = s.chars().nth(1);
    if "-?:".contains(first) && second.is_none_or(|c| c == ' ' || c == '\t') {
        return false;
    }
    if s.starts_with([' ', '\t']) || s.ends_with([' ', '\t']) {
        return false;
    }
    if s.ends_with(':') || s.contains(": ") || s.contains(" #") || s.contains(":\t") {
        return false;
    }
    // Flow indicators are fine in block context; `,` etc. only matter at the start.
    true
}

/// A plain scalar, folded at single spaces once past the best width.
fn folded(s: &str, indent: usize, column: usize) -> String {
    fold(s, indent, column)
}

fn fold(s: &str, indent: usize, start_column: usize) -> String {
    let mut out = String::new();
    let mut column = start_column;
    let chars: Vec<char> = s.chars().collect();
    let mut prev_space = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_space = chars.get(i + 1) == Some(&' ');
            if !prev_space && column > BEST_WIDTH && !next_space && i + 1 < chars.len() {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', indent));
                column = indent;
                prev_space = true;
                continue;
            }
            prev_space = true;
        } else {
            prev_space = false;
        }
        out.push(c);
        column += 1;
    }
    out
}

fn single_quoted(s: &str, indent: usize, column: usize, allow_breaks: bool) -> String {
    let escaped = s.replace('\'', "''");
    let body = if allow_breaks {
        fold(&escaped, indent, column + 1)
    } else {
        escaped
    };
    format!("'{body}'")
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A literal block (`|`, `|-`, `|+` by trailing newlines), lines at `indent`.
fn literal(s: &str, indent: usize) -> String {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let body = s.strip_suffix('\n').unwrap_or(s);
    let mut out = format!("|{chomp}");
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubectl_yaml_style() {
        let v = json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "annotations": {"a": "{\"x\":1}\n"},
                "creationTimestamp": "2024-01-01T00:00:00Z",
                "labels": {"app": "web", "num": "80", "e": ""},
            },
            "spec": {"ports": [{"port": 80, "protocol": "TCP"}], "selector": {}},
            "status": {"loadBalancer": {}},
        });
        let want = "apiVersion: v1
kind: Service
metadata:
  annotations:
    a: |
      {\"x\":1}
  creationTimestamp: \"2024-01-01T00:00:00Z\"
  labels:
    app: web
    e: \"\"
    num: \"80\"
spec:
  ports:
  - port: 80
    protocol: TCP
  selector: {}
status:
  loadBalancer: {}
";
        assert_eq!(to_yaml(&v), want);
    }

    #[test]
    fn quoting() {
        for (s, want) in [
            ("web", "web"),
            ("true", "\"true\""),
            ("1.5", "\"1.5\""),
            ("*", "'*'"),
            ("a: b", "'a: b'"),
            ("nginx:1.27", "nginx:1.27"),
            ("25%", "25%"),
            ("/dev/termination-log", "/dev/termination-log"),
        ] {
            assert_eq!(scalar(&json!(s), 0, 0), want, "{s}");
        }
    }
}
