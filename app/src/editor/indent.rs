//! Enter in the editor keeps the current line's indentation (one level deeper after `key:` or a
//! bare `-`), because YAML structure is indentation and retyping it is where learners slip.
//! Offsets are UTF-16 code units, as the browser's `selectionStart` counts them.

/// The text after pressing Enter with the caret at `caret` (UTF-16), and the new caret.
pub fn newline_with_indent(text: &str, caret: u32) -> (String, u32) {
    let at = utf16_to_byte(text, caret);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..at];
    let mut indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let trimmed = line.trim_end();
    if trimmed.ends_with(':') {
        indent.push_str("  ");
    } else if let Some(item) = trimmed.trim_start().strip_prefix("- ") {
        // Continue a list item's mapping under its first key.
        if item.contains(": ") || item.ends_with(':') {
            indent.push_str("  ");
        }
    }
    let insert = format!("\n{indent}");
    let mut out = String::with_capacity(text.len() + insert.len());
    out.push_str(&text[..at]);
    out.push_str(&insert);
    out.push_str(&text[at..]);
    (out, caret + insert.encode_utf16().count() as u32)
}

/// Byte index of a UTF-16 offset, clamped to the text and to a char boundary.
pub fn utf16_to_byte(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text with `|` as the caret, expected text with `|` as the new caret)
    const CASES: &[(&str, &str)] = &[
        ("spec:|", "spec:\n  |"),
        ("  replicas: 3|", "  replicas: 3\n  |"),
        ("  ports:|\nx", "  ports:\n    |\nx"),
        ("  - name: web|", "  - name: web\n    |"),
        ("  - web|", "  - web\n  |"),
        ("é: ü|", "é: ü\n|"),
        ("|", "\n|"),
    ];

    #[test]
    fn keeps_and_deepens_indentation() {
        for (before, after) in CASES {
            let caret = before.find('|').expect("caret");
            let text = before.replace('|', "");
            let caret16 = text[..caret].encode_utf16().count() as u32;
            let (out, new_caret) = newline_with_indent(&text, caret16);
            let byte = utf16_to_byte(&out, new_caret);
            let shown = format!("{}|{}", &out[..byte], &out[byte..]);
            assert_eq!(&shown, after, "from {before:?}");
        }
    }
}
