//! A compact backtracking regular-expression matcher for `grep`: literals, `.`, `*`, `+`, `?`,
//! `{m,n}`, bracket expressions (ranges, negation, `[:alpha:]`-style classes), `^`, `$`,
//! alternation and groups, in both POSIX basic (`grep`) and extended (`grep -E`) syntax. `find`
//! explores paths for the leftmost-longest match like GNU grep; a step budget keeps a
//! pathological pattern from hanging the page (it then reports no match), and a group may repeat
//! at most [`MAX_DEPTH`] times along one path so the small wasm stack never overflows
//! (single-character repeats like `.*` are loops and have no such limit).

use std::cell::Cell;

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class {
        negate: bool,
        items: Vec<(char, char)>,
    },
    Start,
    End,
    Group(Box<Node>),
    Alt(Vec<Node>),
    Concat(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

#[derive(Clone, Debug)]
pub struct Regex {
    root: Node,
    icase: bool,
}

/// Base matching steps one search may take before it gives up (treated as no match).
const MAX_STEPS: u32 = 1_000_000;

impl Regex {
    /// Compiles `pattern`; `extended` selects ERE syntax. Errors read like grep's.
    pub fn new(pattern: &str, extended: bool, icase: bool) -> Result<Regex, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser {
            chars,
            pos: 0,
            extended,
            depth: 0,
        };
        let root = p.alt()?;
        if p.pos < p.chars.len() {
            return Err("Unmatched ) or \\)".into());
        }
        Ok(Regex { root, icase })
    }

    /// The leftmost-longest match in `text` as char offsets `(start, end)`.
    pub fn find(&self, text: &str) -> Option<(usize, usize)> {
        self.search(&text.chars().collect::<Vec<_>>(), 0, true)
    }

    /// Whether any match exists (the first one found will do: no search for the longest).
    pub fn is_match(&self, text: &str) -> bool {
        self.search(&text.chars().collect::<Vec<_>>(), 0, false)
            .is_some()
    }

    /// All non-overlapping matches (for `grep -o`), as strings.
    pub fn find_all(&self, text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut from = 0;
        while from <= chars.len() {
            match self.search(&chars, from, true) {
                Some((s, e)) => {
                    if e > s {
                        out.push(chars[s..e].iter().collect());
                    }
                    from = if e > s { e } else { s + 1 };
                }
                None => break,
            }
        }
        out
    }

    /// The leftmost match from `from`; with `longest`, its longest extent (POSIX), else the
    /// first extent backtracking finds.
    fn search(&self, text: &[char], from: usize, longest: bool) -> Option<(usize, usize)> {
        let m = Matcher {
            text,
            icase: self.icase,
            steps: Cell::new(0),
            depth: Cell::new(0),
            budget: MAX_STEPS.saturating_add(64u32.saturating_mul(text.len() as u32)),
        };
        for start in from..=text.len() {
            let mut best: Option<usize> = None;
            m.node(&self.root, start, &mut |e| {
                best = Some(best.map_or(e, |b: usize| b.max(e)));
                // Nothing beats a match that runs to the end of the text.
                !longest || e == text.len()
            });
            if let Some(end) = best {
                return Some((start, end));
            }
            if m.steps.get() > m.budget {
                return None;
            }
        }
        None
    }
}

struct Matcher<'t> {
    text: &'t [char],
    icase: bool,
    /// A `Cell` so the continuation closures can share the matcher immutably.
    steps: Cell<u32>,
    depth: Cell<u32>,
    /// Steps this search may take: a base plus some per character, so linear work always fits.
    budget: u32,
}

impl Matcher<'_> {
    fn eq(&self, a: char, b: char) -> bool {
        a == b || (self.icase && a.to_lowercase().eq(b.to_lowercase()))
    }

    /// Matches `n` at `i`, calling `k` with each end position until it returns true.
    fn node(&self, n: &Node, i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > self.budget {
            return false;
        }
        let cur = self.text.get(i).copied();
        match n {
            Node::Char(c) => cur.is_some_and(|t| self.eq(*c, t)) && k(i + 1),
            Node::Any => cur.is_some_and(|t| t != '\n') && k(i + 1),
            Node::Class { negate, items } => {
                let Some(t) = cur else { return false };
                let lower = t.to_ascii_lowercase();
                let upper = t.to_ascii_uppercase();
                let hit = items.iter().any(|&(a, b)| {
                    (a <= t && t <= b)
                        || (self.icase
                            && ((a <= lower && lower <= b) || (a <= upper && upper <= b)))
                });
                hit != *negate && k(i + 1)
            }
            Node::Start => i == 0 && k(i),
            Node::End => i == self.text.len() && k(i),
            Node::Group(inner) => self.node(inner, i, k),
            Node::Alt(alts) => alts.iter().any(|a| self.node(a, i, k)),
            Node::Concat(seq) => self.seq(seq, i, k),
            Node::Repeat { node, min, max } => self.repeat(node, *min, *max, 0, i, k),
        }
    }

    fn seq(&self, seq: &[Node], i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match seq.split_first() {
            None => k(i),
            Some((first, rest)) => self.node(first, i, &mut |j| self.seq(rest, j, k)),
        }
    }

    fn repeat(
        &self,
        n: &Node,
        min: u32,
        max: Option<u32>,
        count: u32,
        i: usize,
        k: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        if max.is_some_and(|m| count >= m) {
            return k(i);
        }
        if let Some(single) = self.single_char(n) {
            return self.repeat_single(single, min, max, i, k);
        }
        // Each nested repetition is a stack frame: past the cap this path fails rather than
        // overflowing the (small, in wasm) stack.
        if self.depth.get() > MAX_DEPTH {
            return false;
        }
        self.depth.set(self.depth.get() + 1);
        // Greedy: try one more repetition first (only if it consumes input), then stop here.
        let more = self.node(n, i, &mut |j| {
            j > i && self.repeat(n, min, max, count + 1, j, k)
        });
        self.depth.set(self.depth.get() - 1);
        more || (count >= min && k(i))
    }

    /// The node itself when it matches exactly one character (`a`, `.`, `[…]`), so a repeat of
    /// it can run as a loop instead of recursion.
    fn single_char<'n>(&self, n: &'n Node) -> Option<&'n Node> {
        match n {
            Node::Char(_) | Node::Any | Node::Class { .. } => Some(n),
            Node::Group(inner) => self.single_char(inner),
            Node::Concat(seq) if seq.len() == 1 => self.single_char(&seq[0]),
            _ => None,
        }
    }

    fn one(&self, n: &Node, i: usize) -> bool {
        let mut hit = false;
        self.node(n, i, &mut |_| {
            hit = true;
            true
        });
        hit
    }

    /// `x*`, `x+`, `x{m,n}` over a one-character `x`: the longest run first, then shorter ones.
    fn repeat_single(
        &self,
        n: &Node,
        min: u32,
        max: Option<u32>,
        i: usize,
        k: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        let mut end = i;
        let limit = max.map_or(usize::MAX, |m| m as usize);
        while end - i < limit && self.one(n, end) {
            end += 1;
        }
        (i + min as usize..=end).rev().any(k)
    }
}

/// Repetitions of a group one match path may nest.
pub const MAX_DEPTH: u32 = 200;

struct Parser {
    chars: Vec<char>,
    pos: usize,
    extended: bool,
    depth: u32,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Is the operator `op` next (`|` in ERE, `\|` in BRE)? Consumes it if so.
    fn op(&mut self, op: char) -> bool {
        if self.extended {
            if self.peek() == Some(op) {
                self.pos += 1;
                return true;
            }
        } else if self.peek() == Some('\\') && self.chars.get(self.pos + 1) == Some(&op) {
            self.pos += 2;
            return true;
        }
        false
    }

    fn at_op(&self, op: char) -> bool {
        if self.extended {
            self.peek() == Some(op)
        } else {
            self.peek() == Some('\\') && self.chars.get(self.pos + 1) == Some(&op)
        }
    }

    fn alt(&mut self) -> Result<Node, String> {
        let mut alts = vec![self.concat()?];
        while self.op('|') {
            alts.push(self.concat()?);
        }
        Ok(if alts.len() == 1 {
            alts.remove(0)
        } else {
            Node::Alt(alts)
        })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut seq = Vec::new();
        while self.pos < self.chars.len() && !self.at_op('|') && !self.at_op(')') {
            let atom = self.atom(seq.is_empty())?;
            let atom = self.postfix(atom)?;
            seq.push(atom);
        }
        Ok(Node::Concat(seq))
    }

    fn atom(&mut self, at_start: bool) -> Result<Node, String> {
        if self.op('(') {
            self.depth += 1;
            if self.depth > 32 {
                return Err("Regular expression too big".into());
            }
            let inner = self.alt()?;
            if !self.op(')') {
                return Err("Unmatched ( or \\(".into());
            }
            self.depth -= 1;
            return Ok(Node::Group(Box::new(inner)));
        }
        let c = self.peek().ok_or("Trailing backslash")?;
        self.pos += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' if at_start || self.extended => Node::Start,
            '$' if self.pos == self.chars.len()
                || self.extended
                || self.at_op(')')
                || self.at_op('|') =>
            {
                Node::End
            }
            '[' => self.bracket()?,
            '*' if at_start => Node::Char('*'),
            '\\' => {
                let e = self.peek().ok_or("Trailing backslash")?;
                self.pos += 1;
                match e {
                    'd' => Node::Class {
                        negate: false,
                        items: vec![('0', '9')],
                    },
                    'w' => Node::Class {
                        negate: false,
                        items: word_items(),
                    },
                    'W' => Node::Class {
                        negate: true,
                        items: word_items(),
                    },
                    's' => Node::Class {
                        negate: false,
                        items: space_items(),
                    },
                    'S' => Node::Class {
                        negate: true,
                        items: space_items(),
                    },
                    'n' => Node::Char('\n'),
                    't' => Node::Char('\t'),
                    e => Node::Char(e),
                }
            }
            c => Node::Char(c),
        })
    }

    fn postfix(&mut self, mut atom: Node) -> Result<Node, String> {
        loop {
            let (min, max) = if self.peek() == Some('*') {
                self.pos += 1;
                (0, None)
            } else if self.op('+') {
                (1, None)
            } else if self.op('?') {
                (0, Some(1))
            } else if self.op('{') {
                self.interval()?
            } else {
                return Ok(atom);
            };
            atom = Node::Repeat {
                node: Box::new(atom),
                min,
                max,
            };
        }
    }

    fn interval(&mut self) -> Result<(u32, Option<u32>), String> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c != '}' && c != '\\') {
            self.pos += 1;
        }
        let body: String = self.chars[start..self.pos].iter().collect();
        if !self.op('}') {
            return Err("Unmatched \\{".into());
        }
        let num = |s: &str| {
            s.trim()
                .parse::<u32>()
                .map_err(|_| "Invalid content of \\{\\}".to_string())
        };
        let (min, max) = match body.split_once(',') {
            None => {
                let n = num(&body)?;
                (n, Some(n))
            }
            Some((a, "")) => (if a.is_empty() { 0 } else { num(a)? }, None),
            Some((a, b)) => (if a.is_empty() { 0 } else { num(a)? }, Some(num(b)?)),
        };
        if max.is_some_and(|m| m < min) || min > 255 {
            return Err("Invalid content of \\{\\}".into());
        }
        Ok((min, max))
    }

    fn bracket(&mut self) -> Result<Node, String> {
        let negate = self.peek() == Some('^');
        if negate {
            self.pos += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or("Unmatched [, [^, [:, [., or [=")?;
            self.pos += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            if c == '[' && self.peek() == Some(':') {
                let rest: String = self.chars[self.pos..].iter().collect();
                let end = rest.find(":]").ok_or("Unmatched [, [^, [:, [., or [=")?;
                let name = &rest[1..end];
                self.pos += end + 2;
                items.extend(named_class(name).ok_or("Invalid character class name")?);
                continue;
            }
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&e| e != ']') {
                let hi = self.chars[self.pos + 1];
                self.pos += 2;
                if hi < c {
                    return Err("Invalid range end".into());
                }
                items.push((c, hi));
            } else {
                items.push((c, c));
            }
        }
        Ok(Node::Class { negate, items })
    }
}

fn word_items() -> Vec<(char, char)> {
    vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]
}

fn space_items() -> Vec<(char, char)> {
    vec![(' ', ' '), ('\t', '\r')]
}

fn named_class(name: &str) -> Option<Vec<(char, char)>> {
    Some(match name {
        "alpha" => vec![('a', 'z'), ('A', 'Z')],
        "digit" => vec![('0', '9')],
        "alnum" => vec![('a', 'z'), ('A', 'Z'), ('0', '9')],
        "upper" => vec![('A', 'Z')],
        "lower" => vec![('a', 'z')],
        "space" => space_items(),
        "blank" => vec![(' ', ' '), ('\t', '\t')],
        "punct" => vec![('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "xdigit" => vec![('0', '9'), ('a', 'f'), ('A', 'F')],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::Regex;

    #[test]
    fn matches_table() {
        // (pattern, extended, icase, text, leftmost-longest match)
        let table: &[(&str, bool, bool, &str, Option<&str>)] = &[
            ("an", false, false, "banana", Some("an")),
            ("a.*a", false, false, "banana", Some("anana")),
            ("^b", false, false, "banana", Some("b")),
            ("^a", false, false, "banana", None),
            ("na$", false, false, "banana", Some("na")),
            ("a\\+", false, false, "baaad", Some("aaa")),
            ("a+", false, false, "a+", Some("a+")),
            ("a+", true, false, "baaad", Some("aaa")),
            ("colou?r", true, false, "color", Some("color")),
            ("(ab)+", true, false, "xababab", Some("ababab")),
            ("\\(ab\\)*c", false, false, "ababc", Some("ababc")),
            ("cat|dog", true, false, "hotdog", Some("dog")),
            ("cat\\|dog", false, false, "hotdog", Some("dog")),
            ("[0-9]{2,3}", true, false, "a12345", Some("123")),
            ("[^a-z]", false, false, "abc9", Some("9")),
            ("[[:digit:]]+", true, false, "port 8080", Some("8080")),
            ("HELLO", false, true, "say hello", Some("hello")),
            ("x*", false, false, "abc", Some("")),
            ("(a|ab)(c|bcd)", true, false, "abcd", Some("abcd")),
        ];
        for (pat, ere, icase, text, want) in table {
            let re = Regex::new(pat, *ere, *icase).expect(pat);
            let got = re
                .find(text)
                .map(|(s, e)| text.chars().skip(s).take(e - s).collect::<String>());
            assert_eq!(got.as_deref(), *want, "{pat} on {text}");
        }
    }

    #[test]
    fn errors_read_like_grep() {
        for (pat, ere, err) in [
            ("a\\", false, "Trailing backslash"),
            ("(a", true, "Unmatched ( or \\("),
            ("[a", false, "Unmatched [, [^, [:, [., or [="),
            ("a{3,1}", true, "Invalid content of \\{\\}"),
        ] {
            assert_eq!(
                Regex::new(pat, ere, false).err().as_deref(),
                Some(err),
                "{pat}"
            );
        }
    }

    #[test]
    fn long_lines_do_not_exhaust_the_stack() {
        let line = "ab".repeat(100_000);
        assert!(Regex::new("a.*b$", false, false)
            .expect("re")
            .is_match(&line));
        // Groups repeat at most MAX_DEPTH times per path: no crash, possibly no match.
        let _ = Regex::new("(ab)*$", true, false).expect("re").find(&line);
        assert!(Regex::new("(ab){3}$", true, false)
            .expect("re")
            .is_match(&line));
        assert!(!Regex::new("(a*)*c", true, false)
            .expect("re")
            .is_match(&"a".repeat(5000)));
    }
}
