//! `kubeplay lesson list|check`: the subcommand lessons are verified with in CI. A lesson
//! passes only if every step's checks fail before its solution and pass after it.

use std::path::PathBuf;
use std::process::{Command, Output};

fn kubeplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(args)
        .output()
        .expect("kubeplay runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn lesson_file(name: &str, body: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeplay-lesson-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write lesson");
    path
}

const ONE_STEP: &str = "id: tiny
title: Tiny
steps:
- title: Make a namespace
  instructions: Create namespace `demo`.
  solution: |
    SOLUTION
  checks:
  - check: namespace
    name: demo
";

#[test]
fn list_names_every_builtin_lesson() {
    let out = kubeplay(&["lesson", "list"]);
    assert!(out.status.success());
    let ids: Vec<String> = text(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert_eq!(
        ids,
        [
            "clusterip",
            "statefulset",
            "nodeport",
            "loadbalancer",
            "externalname",
            "bluegreen",
            "networkpolicy",
            "namespaces"
        ]
    );
}

#[test]
fn a_builtin_lesson_passes_step_by_step() {
    let out = kubeplay(&["lesson", "check", "clusterip"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("PASS step 1: Run the pods\n"), "{stdout}");
    assert!(stdout.contains("PASS step 3: Call it from the origin pod\n"));
    assert!(stdout.ends_with("PASS clusterip (3 steps)\n"));
}

#[test]
fn a_lesson_file_passes_when_its_solution_works() {
    let path = lesson_file(
        "ok.yaml",
        &ONE_STEP.replace("SOLUTION", "kubectl create namespace demo"),
    );
    let out = kubeplay(&["lesson", "check", path.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stdout),
        "lesson tiny: Tiny\nPASS step 1: Make a namespace\n  ok    Namespace demo exists\nPASS tiny (1 step)\n"
    );
}

#[test]
fn a_wrong_solution_fails_with_the_checks_message() {
    let path = lesson_file(
        "wrong.yaml",
        &ONE_STEP.replace("SOLUTION", "kubectl create namespace dmeo"),
    );
    let out = kubeplay(&["lesson", "check", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("FAIL step 1: Make a namespace\n  FAIL  Namespace demo exists\n        Namespace demo not found.\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("FAIL tiny (1 of 1 step failed)\n"));
}

#[test]
fn checks_that_pass_before_the_solution_fail_the_lesson() {
    let body = ONE_STEP
        .replace("SOLUTION", "kubectl get ns")
        .replace("name: demo", "name: kube-system");
    let path = lesson_file("vacuous.yaml", &body);
    let out = kubeplay(&["lesson", "check", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("already passed before the solution ran"));
}

#[test]
fn bad_input_is_a_usage_error() {
    let path = lesson_file("bad.yaml", "id: Bad Id\ntitle: x\nsteps: []\n");
    for args in [
        vec!["lesson"],
        vec!["lesson", "check"],
        vec!["lesson", "check", "no-such-lesson"],
        vec!["lesson", "check", path.to_str().expect("utf-8")],
        vec!["lesson", "check", "--seed", "x", "clusterip"],
    ] {
        let out = kubeplay(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!text(&out.stderr).is_empty(), "{args:?}");
    }
}
