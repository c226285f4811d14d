//! The `kubeplay` CLI contract that other suites and lesson checks rely on:
//! `kubeplay [--seed N] [--dir DIR] [--echo] [SCRIPT]`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn kubeplay(args: &[&str], stdin: &str, dir: Option<&PathBuf>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubeplay"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().expect("kubeplay runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("kubeplay finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeplay-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn script_file_and_stdin_give_the_same_output() {
    let script = "kubectl get nodes\nsleep 130\nkubectl get nodes\n";
    let dir = temp_dir("script");
    let path = dir.join("script.sh");
    std::fs::write(&path, script).expect("write script");
    let from_file = kubeplay(
        &["--seed", "9", path.to_str().expect("utf-8 path")],
        "",
        None,
    );
    let from_stdin = kubeplay(&["--seed", "9"], script, None);
    assert!(from_file.status.success());
    assert_eq!(text(&from_file.stdout), text(&from_stdin.stdout));
    assert!(text(&from_file.stdout).contains("worker-1"));
    assert_eq!(text(&from_file.stderr), "");
}

#[test]
fn same_seed_same_script_is_byte_identical() {
    let script = "kubectl get nodes -o wide\nsleep 86400\nkubectl get nodes\n";
    let a = kubeplay(&["--seed", "123"], script, None);
    let b = kubeplay(&["--seed=123"], script, None);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn echo_prints_prompts_and_commands() {
    let out = kubeplay(&["--echo"], "sleep 1\n", None);
    assert_eq!(text(&out.stdout), "learner@workstation:~$ sleep 1\n");
    let quiet = kubeplay(&[], "sleep 1\n", None);
    assert_eq!(text(&quiet.stdout), "");
}

#[test]
fn failing_commands_still_exit_zero_and_show_their_errors_in_order() {
    let out = kubeplay(&[], "nosuchcommand\nkubectl get nodes\n", None);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let err_at = stdout
        .find("bash: nosuchcommand: command not found")
        .expect("error shown");
    let table_at = stdout.find("NAME").expect("table shown");
    assert!(err_at < table_at, "{stdout}");
}

#[test]
fn unreadable_script_exits_one() {
    let out = kubeplay(&["/nonexistent/script.sh"], "", None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("kubeplay: cannot read /nonexistent/script.sh"));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn bad_flags_print_usage() {
    let out = kubeplay(&["--bogus"], "", None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("usage: kubeplay [--seed N] [--dir DIR] [--echo] [SCRIPT]"));
    let out = kubeplay(&["--seed", "abc"], "", None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn home_starts_with_dir_files_and_writes_stay_virtual() {
    let dir = temp_dir("home");
    std::fs::write(dir.join("svc.yaml"), "kind: Service\n").expect("write fixture");
    let script = "cat svc.yaml\necho changed > svc.yaml\necho new > other.txt\ncat svc.yaml\n";
    let out = kubeplay(&["--dir", dir.to_str().expect("utf-8 path")], script, None);
    assert_eq!(text(&out.stdout), "kind: Service\nchanged\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("svc.yaml")).expect("fixture still there"),
        "kind: Service\n"
    );
    assert!(!dir.join("other.txt").exists());
    // Without --dir, the current directory is copied.
    let out = kubeplay(&[], "cat svc.yaml\n", Some(&dir));
    assert_eq!(text(&out.stdout), "kind: Service\n");
}

#[test]
fn heredoc_lines_are_one_command() {
    let script = "cat <<EOF > a.txt\none\ntwo\nEOF\nwc -l a.txt\n";
    let out = kubeplay(&["--echo"], script, None);
    assert_eq!(
        text(&out.stdout),
        "learner@workstation:~$ cat <<EOF > a.txt\n> one\n> two\n> EOF\nlearner@workstation:~$ wc -l a.txt\n2 a.txt\n"
    );
}

#[test]
fn each_command_advances_one_second_whatever_its_lines() {
    let one = kubeplay(&[], "date\n", None);
    let heredoc_then_date = kubeplay(&[], "cat <<EOF > a\n1\n2\n3\nEOF\ndate\n", None);
    let two = kubeplay(&[], "true\ndate\n", None);
    assert_eq!(text(&heredoc_then_date.stdout), text(&two.stdout));
    assert_ne!(text(&one.stdout), text(&two.stdout));
    let slept = kubeplay(&[], "sleep 58\ndate\n", None);
    assert!(
        text(&slept.stdout).contains(":04:00 UTC"),
        "{}",
        text(&slept.stdout)
    );
}
