//! The shell grammar: tokens from `lexer.rs` into an AST of lists, and-or chains, pipelines and
//! commands (simple, `for`, `while`/`until`, `if`, `case`, `{ …; }`, `( … )`, function
//! definitions `name() compound` and `function name compound`). Running out of tokens
//! inside an unfinished construct is `Incomplete`, which is how the terminal knows to show `> `.

use super::lexer::{lex, LexError, Token};

pub type List = Vec<AndOr>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndOr {
    pub first: Pipeline,
    /// `(true for &&, false for ||, pipeline)`.
    pub rest: Vec<(bool, Pipeline)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub negate: bool,
    pub commands: Vec<Command>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub kind: CommandKind,
    pub redirs: Vec<Redir>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandKind {
    Simple {
        assigns: Vec<(String, String)>,
        words: Vec<String>,
    },
    For {
        var: String,
        words: Vec<String>,
        body: List,
    },
    While {
        until: bool,
        cond: List,
        body: List,
    },
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    Group(List),
    Subshell(List),
    /// `case WORD in PATTERN|PATTERN) list ;; … esac`.
    Case {
        word: String,
        arms: Vec<(Vec<String>, List)>,
    },
    /// `name() { …; }`: defines `name`; running the definition stores it.
    Function {
        name: String,
        body: Box<Command>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redir {
    pub fd: u32,
    pub kind: RedirKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirKind {
    /// `>` or `>>` (append) to a file word.
    Out { target: String, append: bool },
    /// `&>` file: both streams.
    Both { target: String },
    /// `<` file word.
    In { target: String },
    /// `N>&M`: make `fd` a copy of the word's fd.
    Dup { target: String },
    /// A heredoc body, expanded or not.
    HereDoc { body: String, expand: bool },
}

/// Parses complete shell input.
pub fn parse(input: &str) -> Result<List, LexError> {
    let toks = lex(input)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let list = p.list(&[])?;
    match p.peek() {
        None => Ok(list),
        Some(t) => Err(unexpected(t)),
    }
}

fn unexpected(t: &Token) -> LexError {
    let text = match t {
        Token::Word(w) => w.clone(),
        Token::Op("\n") => "newline".into(),
        Token::Op(o) => (*o).to_string(),
        Token::Redir { op, .. } => (*op).to_string(),
        Token::HereDoc { .. } => "<<".into(),
    };
    LexError::Syntax(format!("syntax error near unexpected token `{text}'"))
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// Nesting of compound commands, bounded so hostile input cannot overflow the stack.
    depth: u32,
}

/// Compound commands nested inside each other at most.
const MAX_NESTING: u32 = 64;

const RESERVED: [&str; 16] = [
    "do", "done", "then", "fi", "else", "elif", "esac", "}", "if", "for", "while", "until", "{",
    "!", "case", "function",
];

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Token::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Token::Op("\n")) {
            self.pos += 1;
        }
    }

    fn expect_word(&mut self, word: &str) -> Result<(), LexError> {
        self.skip_newlines();
        match self.peek() {
            None => Err(LexError::Incomplete),
            Some(Token::Word(w)) if w == word => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(unexpected(t)),
        }
    }

    /// A list up to one of the `stops` reserved words (or `)` / end of input).
    fn list(&mut self, stops: &[&str]) -> Result<List, LexError> {
        let mut list = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                None | Some(Token::Op(")" | ";;")) => return Ok(list),
                Some(Token::Word(w)) if stops.contains(&w.as_str()) => return Ok(list),
                Some(Token::Op(op)) if *op != "(" => return Err(unexpected(&Token::Op(op))),
                _ => {}
            }
            list.push(self.and_or()?);
            if let Some(Token::Op(
                ";"
                | "&"
                | "
",
            )) = self.peek()
            {
                self.pos += 1;
            }
        }
    }

    fn and_or(&mut self) -> Result<AndOr, LexError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let and = match self.peek() {
                Some(Token::Op("&&")) => true,
                Some(Token::Op("||")) => false,
                _ => return Ok(AndOr { first, rest }),
            };
            self.pos += 1;
            self.skip_newlines();
            if self.peek().is_none() {
                return Err(LexError::Incomplete);
            }
            rest.push((and, self.pipeline()?));
        }
    }

    fn pipeline(&mut self) -> Result<Pipeline, LexError> {
        let negate = self.peek_word() == Some("!");
        if negate {
            self.pos += 1;
        }
        let mut commands = vec![self.command()?];
        while self.peek() == Some(&Token::Op("|")) {
            self.pos += 1;
            self.skip_newlines();
            if self.peek().is_none() {
                return Err(LexError::Incomplete);
            }
            commands.push(self.command()?);
        }
        Ok(Pipeline { negate, commands })
    }

    fn command(&mut self) -> Result<Command, LexError> {
        if self.depth >= MAX_NESTING {
            return Err(LexError::Syntax("syntax error: nesting too deep".into()));
        }
        self.depth += 1;
        let cmd = self.command_inner();
        self.depth -= 1;
        cmd
    }

    fn command_inner(&mut self) -> Result<Command, LexError> {
        let kind = match self.peek() {
            None => return Err(LexError::Incomplete),
            Some(Token::Op("(")) => {
                self.pos += 1;
                let body = self.list(&[])?;
                match self.peek() {
                    None => return Err(LexError::Incomplete),
                    Some(Token::Op(")")) => self.pos += 1,
                    Some(t) => return Err(unexpected(t)),
                }
                CommandKind::Subshell(body)
            }
            Some(Token::Word(w)) => match w.as_str() {
                "for" => self.for_loop()?,
                "while" | "until" => {
                    let until = w == "until";
                    self.pos += 1;
                    let cond = self.list(&["do"])?;
                    self.expect_word("do")?;
                    let body = self.list(&["done"])?;
                    self.expect_word("done")?;
                    CommandKind::While { until, cond, body }
                }
                "if" => self.if_clause()?,
                "case" => self.case_clause()?,
                "function" => {
                    self.pos += 1;
                    let name = match self.peek() {
                        None => return Err(LexError::Incomplete),
                        Some(Token::Word(n)) => n.clone(),
                        Some(t) => return Err(unexpected(t)),
                    };
                    self.pos += 1;
                    if self.peek() == Some(&Token::Op("(")) {
                        self.pos += 1;
                        self.expect_op(")")?;
                    }
                    self.function_body(name)?
                }
                _ if self.toks.get(self.pos + 1) == Some(&Token::Op("("))
                    && self.toks.get(self.pos + 2) == Some(&Token::Op(")")) =>
                {
                    let name = w.clone();
                    self.pos += 3;
                    self.function_body(name)?
                }
                "{" => {
                    self.pos += 1;
                    let body = self.list(&["}"])?;
                    self.expect_word("}")?;
                    CommandKind::Group(body)
                }
                w if RESERVED.contains(&w) => return Err(unexpected(&Token::Word(w.into()))),
                _ => return self.simple(),
            },
            Some(Token::Redir { .. } | Token::HereDoc { .. }) => return self.simple(),
            Some(t) => return Err(unexpected(t)),
        };
        let mut redirs = Vec::new();
        while let Some(r) = self.redir()? {
            redirs.push(r);
        }
        Ok(Command { kind, redirs })
    }

    fn for_loop(&mut self) -> Result<CommandKind, LexError> {
        self.pos += 1;
        let var = match self.peek() {
            None => return Err(LexError::Incomplete),
            Some(Token::Word(w)) => w.clone(),
            Some(t) => return Err(unexpected(t)),
        };
        self.pos += 1;
        let mut words = Vec::new();
        if self.peek_word() == Some("in") {
            self.pos += 1;
            while let Some(Token::Word(w)) = self.peek() {
                words.push(w.clone());
                self.pos += 1;
            }
        }
        match self.peek() {
            Some(Token::Op(";" | "\n")) => self.pos += 1,
            None => return Err(LexError::Incomplete),
            _ => {}
        }
        self.expect_word("do")?;
        let body = self.list(&["done"])?;
        self.expect_word("done")?;
        Ok(CommandKind::For { var, words, body })
    }

    fn expect_op(&mut self, op: &str) -> Result<(), LexError> {
        match self.peek() {
            None => Err(LexError::Incomplete),
            Some(Token::Op(o)) if *o == op => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(unexpected(t)),
        }
    }

    /// The compound command after `name()`.
    fn function_body(&mut self, name: String) -> Result<CommandKind, LexError> {
        self.skip_newlines();
        match self.peek() {
            None => Err(LexError::Incomplete),
            Some(Token::Word(w))
                if matches!(w.as_str(), "{" | "if" | "for" | "while" | "until" | "case") =>
            {
                let body = Box::new(self.command()?);
                Ok(CommandKind::Function { name, body })
            }
            Some(Token::Op("(")) => {
                let body = Box::new(self.command()?);
                Ok(CommandKind::Function { name, body })
            }
            Some(t) => Err(unexpected(t)),
        }
    }

    fn case_clause(&mut self) -> Result<CommandKind, LexError> {
        self.pos += 1;
        let word = match self.peek() {
            None => return Err(LexError::Incomplete),
            Some(Token::Word(w)) => w.clone(),
            Some(t) => return Err(unexpected(t)),
        };
        self.pos += 1;
        self.expect_word("in")?;
        let mut arms = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                None => return Err(LexError::Incomplete),
                Some(Token::Word(w)) if w == "esac" => {
                    self.pos += 1;
                    break;
                }
                Some(Token::Op("(")) => self.pos += 1,
                _ => {}
            }
            let mut patterns = Vec::new();
            loop {
                match self.peek() {
                    None => return Err(LexError::Incomplete),
                    Some(Token::Word(p)) => patterns.push(p.clone()),
                    Some(t) => return Err(unexpected(t)),
                }
                self.pos += 1;
                match self.peek() {
                    Some(Token::Op("|")) => self.pos += 1,
                    _ => break,
                }
            }
            self.expect_op(")")?;
            let body = self.list(&["esac"])?;
            arms.push((patterns, body));
            self.skip_newlines();
            match self.peek() {
                None => return Err(LexError::Incomplete),
                Some(Token::Op(";;")) => self.pos += 1,
                Some(Token::Word(w)) if w == "esac" => {
                    self.pos += 1;
                    break;
                }
                Some(t) => return Err(unexpected(t)),
            }
        }
        Ok(CommandKind::Case { word, arms })
    }

    fn if_clause(&mut self) -> Result<CommandKind, LexError> {
        self.pos += 1;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.list(&["then"])?;
            self.expect_word("then")?;
            let body = self.list(&["elif", "else", "fi"])?;
            branches.push((cond, body));
            self.skip_newlines();
            match self.peek_word() {
                Some("elif") => self.pos += 1,
                Some("else") => {
                    self.pos += 1;
                    otherwise = Some(self.list(&["fi"])?);
                    self.expect_word("fi")?;
                    break;
                }
                Some("fi") => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.peek().map_or(LexError::Incomplete, unexpected)),
            }
        }
        Ok(CommandKind::If {
            branches,
            otherwise,
        })
    }

    fn simple(&mut self) -> Result<Command, LexError> {
        let mut assigns = Vec::new();
        let mut words = Vec::new();
        let mut redirs = Vec::new();
        loop {
            if let Some(r) = self.redir()? {
                redirs.push(r);
                continue;
            }
            match self.peek() {
                Some(Token::Word(w)) => {
                    let w = w.clone();
                    self.pos += 1;
                    match assignment(&w) {
                        Some((name, value)) if words.is_empty() => assigns.push((name, value)),
                        _ => words.push(w),
                    }
                }
                _ => break,
            }
        }
        Ok(Command {
            kind: CommandKind::Simple { assigns, words },
            redirs,
        })
    }

    fn redir(&mut self) -> Result<Option<Redir>, LexError> {
        let (fd, op) = match self.peek() {
            Some(Token::HereDoc { body, expand }) => {
                let r = Redir {
                    fd: 0,
                    kind: RedirKind::HereDoc {
                        body: body.clone(),
                        expand: *expand,
                    },
                };
                self.pos += 1;
                return Ok(Some(r));
            }
            Some(Token::Redir { fd, op }) => (*fd, *op),
            _ => return Ok(None),
        };
        self.pos += 1;
        let target = match self.peek() {
            Some(Token::Word(w)) => w.clone(),
            None => {
                return Err(LexError::Syntax(
                    "syntax error near unexpected token `newline'".into(),
                ))
            }
            Some(t) => return Err(unexpected(t)),
        };
        self.pos += 1;
        let kind = match op {
            ">" => RedirKind::Out {
                target,
                append: false,
            },
            ">>" => RedirKind::Out {
                target,
                append: true,
            },
            "&>" => RedirKind::Both { target },
            ">&" | "<&" => RedirKind::Dup { target },
            _ => RedirKind::In { target },
        };
        let default_fd = if op.starts_with('<') { 0 } else { 1 };
        Ok(Some(Redir {
            fd: fd.unwrap_or(default_fd),
            kind,
        }))
    }
}

/// `NAME=value` with a valid shell name.
fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| (name.to_string(), value.to_string()))
}
