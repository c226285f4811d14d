//! A small line-based YAML highlighter for the editor's overlay: it only has to colour what a
//! manifest contains (keys, scalars, comments, list dashes, document separators), and it must
//! never change the text, because the textarea on top and the `<pre>` below must line up exactly.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Plain,
    Key,
    Str,
    Number,
    Bool,
    Comment,
    Punct,
}

impl Token {
    pub fn class(self) -> &'static str {
        match self {
            Token::Plain => "",
            Token::Key => "y-key",
            Token::Str => "y-str",
            Token::Number => "y-num",
            Token::Bool => "y-bool",
            Token::Comment => "y-comment",
            Token::Punct => "y-punct",
        }
    }
}

/// Splits one line into coloured spans whose texts concatenate back to `line`.
pub fn highlight_line(line: &str) -> Vec<(Token, String)> {
    let mut out = Vec::new();
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    push(&mut out, Token::Plain, &line[..indent]);
    if trimmed.starts_with('#') {
        push(&mut out, Token::Comment, trimmed);
        return out;
    }
    if trimmed == "---" || trimmed == "..." {
        push(&mut out, Token::Punct, trimmed);
        return out;
    }
    let mut rest = trimmed;
    while let Some(after) = rest
        .strip_prefix("- ")
        .or(if rest == "-" { Some("") } else { None })
    {
        push(&mut out, Token::Punct, &rest[..rest.len() - after.len()]);
        rest = after;
    }
    let (body, comment) = split_comment(rest);
    match key_split(body) {
        Some(colon) => {
            push(&mut out, Token::Key, &body[..colon]);
            push(&mut out, Token::Punct, ":");
            scalar(&mut out, &body[colon + 1..]);
        }
        None => scalar(&mut out, body),
    }
    push(&mut out, Token::Comment, comment);
    out
}

fn push(out: &mut Vec<(Token, String)>, token: Token, text: &str) {
    if !text.is_empty() {
        out.push((token, text.to_string()));
    }
}

/// The byte index of a mapping key's colon: one followed by a space or the end of the line, not
/// inside quotes (`image: nginx:1.27` splits at the first colon only).
fn key_split(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if i == 0 => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ':') => {
                let next = s[i + 1..].chars().next();
                if next.is_none_or(|n| n == ' ') {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits off a ` #` comment that is not inside quotes.
fn split_comment(s: &str) -> (&str, &str) {
    let mut quote = None;
    let mut prev_space = true;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev_space => return (&s[..i], &s[i..]),
            _ => {}
        }
        prev_space = c == ' ';
    }
    (s, "")
}

fn scalar(out: &mut Vec<(Token, String)>, s: &str) {
    let value = s.trim();
    if value.is_empty() {
        push(out, Token::Plain, s);
        return;
    }
    let lead = &s[..s.len() - s.trim_start().len()];
    let trail = &s[lead.len() + value.len()..];
    let token = if value.starts_with('"') || value.starts_with('\'') {
        Token::Str
    } else if value.parse::<f64>().is_ok() {
        Token::Number
    } else if matches!(
        value,
        "true" | "false" | "null" | "~" | "|" | ">" | "|-" | ">-"
    ) {
        Token::Bool
    } else if value.starts_with(['{', '[']) {
        Token::Punct
    } else {
        Token::Str
    };
    push(out, Token::Plain, lead);
    push(out, token, value);
    push(out, Token::Plain, trail);
}

/// A YAML syntax error's position (1-based) and message, the way the editor reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Parses every document of `text`; the first syntax error, if any.
pub fn check(text: &str) -> Option<SyntaxError> {
    use serde::Deserialize;
    for doc in serde_yaml::Deserializer::from_str(text) {
        if let Err(e) = serde_yaml::Value::deserialize(doc) {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            return Some(SyntaxError {
                line,
                column,
                message,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(line: &str) -> Vec<(&'static str, String)> {
        highlight_line(line)
            .into_iter()
            .map(|(t, s)| (t.class(), s))
            .collect()
    }

    #[test]
    fn spans_reassemble_the_line() {
        for line in [
            "apiVersion: apps/v1",
            "  - name: web # the container",
            "        image: nginx:1.27",
            "    - containerPort: 80",
            "  selector: {app: web}",
            "# comment",
            "---",
            "      message: \"a: b # c\"",
            "",
            "- - x",
        ] {
            let joined: String = highlight_line(line).into_iter().map(|(_, s)| s).collect();
            assert_eq!(joined, line);
        }
    }

    #[test]
    fn colours_keys_and_values() {
        assert_eq!(
            classes("  replicas: 3"),
            vec![
                ("", "  ".into()),
                ("y-key", "replicas".into()),
                ("y-punct", ":".into()),
                ("", " ".into()),
                ("y-num", "3".into())
            ]
        );
        assert_eq!(classes("image: nginx:1.27")[0], ("y-key", "image".into()));
        assert_eq!(classes("- port: 80")[0], ("y-punct", "- ".into()));
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        assert_eq!(check("a: 1\nb: [1, 2\n"), check("a: 1\nb: [1, 2\n"));
        let e = check("kind: Pod\nmetadata:\n  name: x\n bad: 1\n");
        assert!(e.is_some_and(|e| e.line == 4), "error on line 4");
        assert_eq!(check("kind: Pod\n---\nkind: Service\n"), None);
    }
}
