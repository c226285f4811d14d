//! `kubeplay [--seed N] [--dir DIR] [--echo] [SCRIPT]`: runs lines as if typed into the
//! playground's workstation terminal and prints what the terminal would show. A first argument
//! of `lesson` selects the lesson subcommand instead ([`lesson`]).
//!
//! This is the only crate that touches the real disk and the process's streams. Both of the
//! commands' streams go to stdout in the order the terminal shows them; the process's own
//! stderr is for its usage errors only.

use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod lesson;

use kubeplay_core::sim::Duration;
use kubeplay_core::Session;

const USAGE: &str = "usage: kubeplay [--seed N] [--dir DIR] [--echo] [SCRIPT]";

struct Args {
    seed: u64,
    dir: PathBuf,
    echo: bool,
    script: Option<PathBuf>,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        seed: 0,
        dir: PathBuf::from("."),
        echo: false,
        script: None,
    };
    while let Some(arg) = argv.next() {
        match arg.as_str() {
            "--seed" => {
                let v = argv.next().ok_or("--seed needs a value")?;
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {v}"))?;
            }
            "--dir" => args.dir = PathBuf::from(argv.next().ok_or("--dir needs a value")?),
            "--echo" => args.echo = true,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with("--seed=") => {
                let v = &s["--seed=".len()..];
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {v}"))?;
            }
            s if s.starts_with("--dir=") => args.dir = PathBuf::from(&s["--dir=".len()..]),
            s if s.starts_with('-') && s != "-" => return Err(format!("unknown flag: {s}")),
            s => {
                if args.script.is_some() {
                    return Err("only one SCRIPT may be given".into());
                }
                if s != "-" {
                    args.script = Some(PathBuf::from(s));
                }
            }
        }
    }
    Ok(args)
}

/// Copies the regular files directly inside `dir` into the session's home directory.
fn load_home(session: &mut Session, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<_> = entries.flatten().filter(|e| e.path().is_file()).collect();
    files.sort_by_key(|e| e.file_name());
    for entry in files {
        if let (Some(name), Ok(text)) = (
            entry.file_name().to_str(),
            std::fs::read_to_string(entry.path()),
        ) {
            session.add_file(name, &text);
        }
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("lesson") {
        return lesson::main(&argv[1..]);
    }
    let args = match parse_args(argv.into_iter()) {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("kubeplay: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(if msg.is_empty() { 0 } else { 2 });
        }
    };
    let input = match &args.script {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("kubeplay: cannot read {}: {e}", path.display());
                return ExitCode::from(1);
            }
        },
        None => {
            let mut text = String::new();
            if let Err(e) = io::stdin().lock().read_to_string(&mut text) {
                eprintln!("kubeplay: cannot read stdin: {e}");
                return ExitCode::from(1);
            }
            text
        }
    };
    let mut session = Session::new(args.seed);
    load_home(&mut session, &args.dir);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for line in io::Cursor::new(input).lines().map_while(Result::ok) {
        if args.echo {
            let _ = writeln!(out, "{}{line}", session.prompt());
        }
        // Simulated time passes as the learner types: one second per command (continuation
        // lines of a heredoc or an editor belong to the command they continue).
        if !session.in_command() {
            session.advance(Duration::from_secs(1));
        }
        if let Some(output) = session.feed(&line) {
            let _ = out.write_all(output.text().as_bytes());
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}
