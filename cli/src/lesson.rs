//! `kubeplay lesson list` and `kubeplay lesson check [--seed N] FILE|ID`: the lesson
//! subcommand, recognised only as the first argument so the playground contract
//! (`kubeplay [--seed N] [--dir DIR] [--echo] [SCRIPT]`) is unchanged.
//!
//! `check` replays the lesson on a fresh session: per step, its checks must fail before its
//! solution runs and pass after. It prints one PASS/FAIL line per step with the failure
//! messages and exits 1 if any step fails (2 for usage errors, unreadable or invalid files).

use std::process::ExitCode;

use kubeplay_core::lesson::{self, verify, Lesson};

pub const USAGE: &str =
    "usage: kubeplay lesson list\n       kubeplay lesson check [--seed N] [--verbose] FILE|ID";

pub fn main(args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("list") if args.len() == 1 => {
            for l in lesson::builtins() {
                println!("{:<14} {:<3} {}", l.id, l.steps.len(), l.title);
            }
            ExitCode::SUCCESS
        }
        Some("check") => check(&args[1..]),
        _ => usage(""),
    }
}

fn usage(msg: &str) -> ExitCode {
    if !msg.is_empty() {
        eprintln!("kubeplay lesson: {msg}");
    }
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn check(args: &[String]) -> ExitCode {
    let mut seed = 0u64;
    let mut verbose = false;
    let mut target = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => match it.next().and_then(|v| v.parse().ok()) {
                Some(n) => seed = n,
                None => return usage("--seed needs a number"),
            },
            "--verbose" | "-v" => verbose = true,
            s if s.starts_with('-') => return usage(&format!("unknown flag: {s}")),
            s if target.is_none() => target = Some(s.to_string()),
            _ => return usage("only one lesson may be given"),
        }
    }
    let Some(target) = target else {
        return usage("which lesson? give a file or a built-in id");
    };
    let lesson = match load(&target) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("kubeplay lesson: {target}: {e}");
            return ExitCode::from(2);
        }
    };
    let reports = verify::verify(&lesson, seed);
    print!("{}", verify::render(&lesson, &reports));
    if verbose {
        for (i, r) in reports.iter().enumerate() {
            println!("--- step {}, checks before the solution:", i + 1);
            for c in &r.before {
                let verdict = if c.passed { "ok  " } else { "FAIL" };
                println!("  {verdict}  {}", c.check);
                if !c.passed {
                    println!("        {}", c.message);
                }
            }
            println!("--- step {} output:\n{}", i + 1, r.output);
        }
    }
    if reports.iter().all(verify::StepReport::ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// A built-in id, or a path to a lesson file.
fn load(target: &str) -> Result<Lesson, String> {
    if let Some(l) = lesson::builtin(target) {
        return Ok(l);
    }
    let text = std::fs::read_to_string(target).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            "no such file, and not a built-in lesson (see `kubeplay lesson list`)".to_string()
        } else {
            e.to_string()
        }
    })?;
    lesson::parse(&text)
}
