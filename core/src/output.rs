//! What a command prints: stdout and stderr chunks in the order they were written, plus the exit
//! code. The terminal shows both streams interleaved, exactly as a real terminal would.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandOutput {
    pub chunks: Vec<(Stream, String)>,
    pub exit_code: i32,
}

impl CommandOutput {
    pub fn stdout(text: impl Into<String>) -> CommandOutput {
        CommandOutput {
            chunks: vec![(Stream::Stdout, text.into())],
            exit_code: 0,
        }
    }

    pub fn stderr(text: impl Into<String>, exit_code: i32) -> CommandOutput {
        CommandOutput {
            chunks: vec![(Stream::Stderr, text.into())],
            exit_code,
        }
    }

    pub fn out(&mut self, text: impl Into<String>) {
        self.push(Stream::Stdout, text.into());
    }

    pub fn err(&mut self, text: impl Into<String>) {
        self.push(Stream::Stderr, text.into());
    }

    fn push(&mut self, stream: Stream, text: String) {
        if text.is_empty() {
            return;
        }
        match self.chunks.last_mut() {
            Some((s, t)) if *s == stream => t.push_str(&text),
            _ => self.chunks.push((stream, text)),
        }
    }

    /// Appends another command's output (a pipeline stage or a `;`-list member).
    pub fn extend(&mut self, other: CommandOutput) {
        for (s, t) in other.chunks {
            self.push(s, t);
        }
        self.exit_code = other.exit_code;
    }

    /// Both streams interleaved, as the terminal shows them.
    pub fn text(&self) -> String {
        self.chunks.iter().map(|(_, t)| t.as_str()).collect()
    }

    pub fn stdout_text(&self) -> String {
        self.chunks
            .iter()
            .filter(|(s, _)| *s == Stream::Stdout)
            .map(|(_, t)| t.as_str())
            .collect()
    }
}
