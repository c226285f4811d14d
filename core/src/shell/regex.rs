//! A compact backtracking regular-expression matcher for `grep`: literals, `.`, `*`, `+`, `?`,
//! `{m,n}`, bracket expressions (ranges, negation, `[:alpha:]`-style classes), `^`, `$`,
//! alternation and groups, in both POSIX basic (`grep`) and extended (`grep -E`) syntax. Matching
//! explores every path to find the leftmost-longest match like GNU grep, with a step budget so a
//! pathological pattern cannot hang the page.

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

/// Matching steps one search may take before it gives up (treated as no match).
const MAX_STEPS: u32 = 200_000;

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
        self.find_from(&text.chars().collect::<Vec<_>>(), 0)
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.find(text).is_some()
    }

    /// All non-overlapping matches (for `grep -o`), as strings.
    pub fn find_all(&self, text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut from = 0;
        while from <= chars.len() {
            match self.find_from(&chars, from) {
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

    fn find_from(&self, text: &[char], from: usize) -> Option<(usize, usize)> {
        let m = Matcher {
            text,
            icase: self.icase,
            steps: Cell::new(0),
        };
        for start in from..=text.len() {
            let mut best: Option<usize> = None;
            m.node(&self.root, start, &mut |e| {
                best = Some(best.map_or(e, |b: usize| b.max(e)));
                false
            });
            if let Some(end) = best {
                return Some((start, end));
            }
            if m.steps.get() > MAX_STEPS {
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
}

impl Matcher<'_> {
    fn eq(&self, a: char, b: char) -> bool {
        a == b || (self.icase && a.to_lowercase().eq(b.to_lowercase()))
    }

    /// Matches `n` at `i`, calling `k` with each end position until it returns true.
    fn node(&self, n: &Node, i: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > MAX_STEPS {
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
        // Greedy: try one more repetition first (only if it consumes input), then stop here.
        let more = self.node(n, i, &mut |j| {
            j > i && self.repeat(n, min, max, count + 1, j, k)
        });
        more || (count >= min && k(i))
    }
}

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
