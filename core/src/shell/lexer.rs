//! Splits shell input into words, operators and heredoc bodies. Words keep their quotes and
//! `$…` text verbatim: quote removal and expansion happen later (`expand.rs`), exactly as a POSIX
//! shell does, so `"$x"` and `$x` can still be told apart. The lexer also decides whether the
//! input is *complete*: an open quote, a pending heredoc or a trailing `\` means the terminal
//! must ask for another line (`> `).

/// A lexical token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// A word, quotes and expansions still inside.
    Word(String),
    /// `;`, `&&`, `||`, `|`, `&`, `(`, `)`, `;;`, newline as `"\n"`.
    Op(&'static str),
    /// A redirection operator with its optional file-descriptor number (`2>`, `>>`, `<`, `>&`, `&>`).
    Redir { fd: Option<u32>, op: &'static str },
    /// `<<DELIM` / `<<-DELIM`, with the body read from the following lines.
    HereDoc { body: String, expand: bool },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexError {
    /// More input is needed (open quote, heredoc, trailing backslash).
    Incomplete,
    /// A bash-style syntax error message (without the `bash: ` prefix).
    Syntax(String),
}

struct PendingHeredoc {
    token: usize,
    delim: String,
    strip_tabs: bool,
}

/// Tokenises a whole (possibly multi-line) input.
pub fn lex(input: &str) -> Result<Vec<Token>, LexError> {
    lex_noting_heredoc(input, &mut None)
}

/// If `input` is incomplete because it ends inside a heredoc body, that heredoc's delimiter
/// and whether it is `<<-` (leading tabs stripped). Until a line equal to the delimiter
/// arrives, further lines are raw body and cannot change the answer: the terminal appends them
/// without lexing the whole input again (a pasted manifest stays linear, not quadratic).
pub fn open_heredoc(input: &str) -> Option<(String, bool)> {
    let mut open = None;
    match lex_noting_heredoc(input, &mut open) {
        Err(LexError::Incomplete) => open,
        _ => None,
    }
}

fn lex_noting_heredoc(
    input: &str,
    open: &mut Option<(String, bool)>,
) -> Result<Vec<Token>, LexError> {
    let chars: Vec<char> = input.chars().collect();
    let mut toks: Vec<Token> = Vec::new();
    let mut pending: Vec<PendingHeredoc> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
            '\\' if i + 1 == chars.len() => return Err(LexError::Incomplete),
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\n' => {
                toks.push(Token::Op("\n"));
                i += 1;
                for h in pending.drain(..) {
                    let (body, next) = read_heredoc(&chars, i, &h.delim, h.strip_tabs)
                        .inspect_err(|_| *open = Some((h.delim.clone(), h.strip_tabs)))?;
                    i = next;
                    if let Some(Token::HereDoc { body: b, .. }) = toks.get_mut(h.token) {
                        *b = body;
                    }
                }
            }
            ';' | '&' | '|' | '(' | ')' => {
                let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
                let op = match two.as_str() {
                    "&&" => "&&",
                    "||" => "||",
                    ";;" => ";;",
                    "&>" => {
                        toks.push(Token::Redir { fd: None, op: "&>" });
                        i += 2;
                        continue;
                    }
                    _ => match c {
                        ';' => ";",
                        '&' => "&",
                        '|' => "|",
                        '(' => "(",
                        _ => ")",
                    },
                };
                i += op.len();
                toks.push(Token::Op(op));
            }
            '<' | '>' => i = lex_redir(&chars, i, None, &mut toks, &mut pending)?,
            _ => {
                let start = i;
                i = scan_word(&chars, i)?;
                let word: String = chars[start..i].iter().collect();
                let is_fd = word.chars().all(|c| c.is_ascii_digit()) && word.len() < 3;
                if is_fd && matches!(chars.get(i), Some('<' | '>')) {
                    let fd = word.parse().ok();
                    i = lex_redir(&chars, i, fd, &mut toks, &mut pending)?;
                } else {
                    toks.push(Token::Word(word));
                }
            }
        }
    }
    if let Some(h) = pending.first() {
        // The next line is the first line of this heredoc's body.
        *open = Some((h.delim.clone(), h.strip_tabs));
        return Err(LexError::Incomplete);
    }
    Ok(toks)
}

fn lex_redir(
    chars: &[char],
    mut i: usize,
    fd: Option<u32>,
    toks: &mut Vec<Token>,
    pending: &mut Vec<PendingHeredoc>,
) -> Result<usize, LexError> {
    let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
    let op = ["<<-", "<<", ">>", ">&", "<&", ">|", "<", ">"]
        .into_iter()
        .find(|op| rest.starts_with(op))
        .unwrap_or(">");
    i += op.len();
    if op != "<<" && op != "<<-" {
        let op = if op == ">|" { ">" } else { op };
        toks.push(Token::Redir { fd, op });
        return Ok(i);
    }
    while matches!(chars.get(i), Some(' ' | '\t')) {
        i += 1;
    }
    let start = i;
    i = scan_word(chars, i)?;
    if start == i {
        let near = if i >= chars.len() || chars[i] == '\n' {
            "newline".to_string()
        } else {
            chars[i].to_string()
        };
        return Err(LexError::Syntax(format!(
            "syntax error near unexpected token `{near}'"
        )));
    }
    let raw: String = chars[start..i].iter().collect();
    let expand = !raw.contains(['\'', '"', '\\']);
    let delim: String = raw
        .chars()
        .filter(|c| !matches!(c, '\'' | '"' | '\\'))
        .collect();
    pending.push(PendingHeredoc {
        token: toks.len(),
        delim,
        strip_tabs: op == "<<-",
    });
    toks.push(Token::HereDoc {
        body: String::new(),
        expand,
    });
    Ok(i)
}

/// Reads heredoc lines starting at `i` up to the delimiter line; returns the body and the index
/// after the delimiter line.
fn read_heredoc(
    chars: &[char],
    mut i: usize,
    delim: &str,
    strip_tabs: bool,
) -> Result<(String, usize), LexError> {
    let mut body = String::new();
    loop {
        if i >= chars.len() {
            return Err(LexError::Incomplete);
        }
        let start = i;
        while i < chars.len() && chars[i] != '\n' {
            i += 1;
        }
        let mut line: String = chars[start..i].iter().collect();
        let at_end = i >= chars.len();
        i += 1;
        if strip_tabs {
            line = line.trim_start_matches('\t').to_string();
        }
        if line == delim {
            return Ok((body, i.min(chars.len())));
        }
        if at_end {
            return Err(LexError::Incomplete);
        }
        body.push_str(&line);
        body.push('\n');
    }
}

/// Scans one word starting at `i`, honouring quotes, `$(…)`, `${…}` and backquotes; returns the
/// index just past it.
pub fn scan_word(chars: &[char], mut i: usize) -> Result<usize, LexError> {
    while i < chars.len() {
        match chars[i] {
            ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')' => break,
            '\\' => {
                if i + 1 >= chars.len() {
                    return Err(LexError::Incomplete);
                }
                i += 2;
            }
            '\'' => i = close_single(chars, i + 1)?,
            '"' => i = close_double(chars, i + 1, 0)?,
            '`' => i = close_backquote(chars, i + 1)?,
            '$' => i = scan_dollar(chars, i, 0)?,
            _ => i += 1,
        }
    }
    Ok(i)
}

fn close_single(chars: &[char], mut i: usize) -> Result<usize, LexError> {
    while i < chars.len() {
        if chars[i] == '\'' {
            return Ok(i + 1);
        }
        i += 1;
    }
    Err(LexError::Incomplete)
}

fn close_double(chars: &[char], mut i: usize, d: u32) -> Result<usize, LexError> {
    too_deep(d)?;
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok(i + 1),
            '\\' => i += 2,
            '`' => i = close_backquote(chars, i + 1)?,
            '$' => i = scan_dollar(chars, i, d + 1)?,
            _ => i += 1,
        }
    }
    Err(LexError::Incomplete)
}

fn close_backquote(chars: &[char], mut i: usize) -> Result<usize, LexError> {
    while i < chars.len() {
        match chars[i] {
            '`' => return Ok(i + 1),
            '\\' => i += 2,
            _ => i += 1,
        }
    }
    Err(LexError::Incomplete)
}

/// Scans `$…` at `i` (pointing at `$`): `$(…)` and `$((…))` with nesting, `${…}`, or a plain `$`.
fn scan_dollar(chars: &[char], i: usize, d: u32) -> Result<usize, LexError> {
    too_deep(d)?;
    match chars.get(i + 1) {
        Some('(') => close_paren_at(chars, i + 2, d + 1),
        Some('{') => {
            let mut j = i + 2;
            while j < chars.len() {
                match chars[j] {
                    '}' => return Ok(j + 1),
                    '\'' => j = close_single(chars, j + 1)?,
                    '"' => j = close_double(chars, j + 1, d + 1)?,
                    '\\' => j += 2,
                    _ => j += 1,
                }
            }
            Err(LexError::Incomplete)
        }
        _ => Ok(i + 1),
    }
}

/// Finds the `)` closing a `$(` whose body starts at `i`, skipping quoted text and nested parens.
pub fn close_paren(chars: &[char], i: usize) -> Result<usize, LexError> {
    close_paren_at(chars, i, 0)
}

fn close_paren_at(chars: &[char], mut i: usize, d: u32) -> Result<usize, LexError> {
    too_deep(d)?;
    let mut depth = 1;
    while i < chars.len() {
        match chars[i] {
            '(' => {
                depth += 1;
                i += 1;
            }
            ')' => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return Ok(i);
                }
            }
            '\'' => i = close_single(chars, i + 1)?,
            '"' => i = close_double(chars, i + 1, d + 1)?,
            '`' => i = close_backquote(chars, i + 1)?,
            '\\' => i += 2,
            _ => i += 1,
        }
    }
    Err(LexError::Incomplete)
}

/// Nesting of quotes and `$(…)`/`${…}` the lexer follows; deeper input is refused rather than
/// risking the (small, in wasm) stack.
const MAX_NESTING: u32 = 64;

fn too_deep(d: u32) -> Result<(), LexError> {
    if d > MAX_NESTING {
        return Err(LexError::Syntax("syntax error: nesting too deep".into()));
    }
    Ok(())
}
