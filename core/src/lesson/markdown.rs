//! The Markdown subset of lesson instructions, parsed into plain data that a front end turns
//! into its own nodes (the page builds text nodes, never HTML, so nothing in a lesson can run
//! script).
//!
//! Supported: paragraphs, `#`/`##`/`###` headings, `- ` bullet lists, fenced code blocks
//! (```` ``` ````), and inline `` `code` `` and `**bold**`. Anything else is plain text.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Block {
    Heading(u8, Vec<Inline>),
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    Code(String),
}

/// Parses `text` into blocks; never fails (unknown syntax stays text).
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Vec<Vec<Inline>> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    for line in text.lines() {
        if let Some(lines) = &mut code {
            if line.trim_start().starts_with("```") {
                blocks.push(Block::Code(lines.join("\n")));
                code = None;
            } else {
                lines.push(line);
            }
            continue;
        }
        let t = line.trim();
        let is_item = t.starts_with("- ") || t.starts_with("* ");
        if t.is_empty() || t.starts_with("```") || t.starts_with('#') || is_item {
            flush_para(&mut blocks, &mut para);
            if !is_item {
                flush_list(&mut blocks, &mut list);
            }
        }
        if t.starts_with("```") {
            code = Some(Vec::new());
        } else if let Some((level, rest)) = heading(t) {
            blocks.push(Block::Heading(level, inlines(rest)));
        } else if is_item {
            list.push(inlines(&t[2..]));
        } else if !t.is_empty() {
            if !list.is_empty() && line.starts_with(' ') {
                // A wrapped list item continues the item above.
                if let Some(item) = list.last_mut() {
                    item.push(Inline::Text(" ".into()));
                    item.extend(inlines(t));
                }
            } else {
                flush_list(&mut blocks, &mut list);
                para.push(t);
            }
        }
    }
    if let Some(lines) = code {
        blocks.push(Block::Code(lines.join("\n")));
    }
    flush_para(&mut blocks, &mut para);
    flush_list(&mut blocks, &mut list);
    blocks
}

fn heading(t: &str) -> Option<(u8, &str)> {
    let hashes = t.chars().take_while(|c| *c == '#').count();
    let rest = t.get(hashes..)?.strip_prefix(' ')?;
    (1..=3)
        .contains(&hashes)
        .then_some((hashes as u8, rest.trim()))
}

fn flush_para(blocks: &mut Vec<Block>, para: &mut Vec<&str>) {
    if !para.is_empty() {
        blocks.push(Block::Paragraph(inlines(&para.join(" "))));
        para.clear();
    }
}

fn flush_list(blocks: &mut Vec<Block>, list: &mut Vec<Vec<Inline>>) {
    if !list.is_empty() {
        blocks.push(Block::List(std::mem::take(list)));
    }
}

/// Splits a line into text, `code` and **strong** runs; an unclosed marker stays text.
pub fn inlines(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        let (marker, make): (&str, fn(String) -> Inline) = if rest.starts_with('`') {
            ("`", Inline::Code)
        } else if rest.starts_with("**") {
            ("**", Inline::Strong)
        } else {
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                text.push(c);
            }
            rest = chars.as_str();
            continue;
        };
        let body = &rest[marker.len()..];
        match body.find(marker) {
            Some(end) if end > 0 => {
                if !text.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut text)));
                }
                out.push(make(body[..end].to_string()));
                rest = &body[end + marker.len()..];
            }
            _ => {
                text.push_str(marker);
                rest = body;
            }
        }
    }
    if !text.is_empty() {
        out.push(Inline::Text(text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn blocks_of_a_small_document() {
        let doc = "## Goal\nCreate a **Service** named `web`\nthat selects pods.\n\n- one\n- two `x`\n\n```\nkubectl get svc\n```\n<script>alert(1)</script>";
        assert_eq!(
            parse(doc),
            vec![
                Block::Heading(2, vec![t("Goal")]),
                Block::Paragraph(vec![
                    t("Create a "),
                    Inline::Strong("Service".into()),
                    t(" named "),
                    Inline::Code("web".into()),
                    t(" that selects pods."),
                ]),
                Block::List(vec![
                    vec![t("one")],
                    vec![t("two "), Inline::Code("x".into())]
                ]),
                Block::Code("kubectl get svc".into()),
                Block::Paragraph(vec![t("<script>alert(1)</script>")]),
            ]
        );
    }

    #[test]
    fn unclosed_markers_stay_text() {
        assert_eq!(inlines("a `b and **c"), vec![t("a `b and **c")]);
        assert_eq!(inlines("``"), vec![t("``")]);
        assert_eq!(
            parse("```\nopen fence"),
            vec![Block::Code("open fence".into())]
        );
        assert_eq!(
            parse("#nospace"),
            vec![Block::Paragraph(vec![t("#nospace")])]
        );
    }
}
