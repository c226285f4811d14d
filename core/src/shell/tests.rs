//! Shell tests that a transcript cannot express: continuation contracts, limits, hostile input,
//! stack depth. The shell's transcripts live in `tests/transcripts/shell/` and run with all the
//! others (`core/tests/transcripts.rs`).

use crate::Session;

#[test]
fn continuation_lines_produce_no_output() {
    // (lines fed, how many return None before the last)
    let table: &[&[&str]] = &[
        &["cat <<EOF", "a", "EOF"],
        &["echo 'open", "quote'"],
        &["for i in 1 2; do", "echo $i", "done"],
        &["echo a \\", "b"],
        &["echo a |", "cat"],
        &["true &&", "echo ok"],
        &["if true; then", "echo y", "fi"],
        &["echo $(echo", "x)"],
        &["cat <<EOF\r", "crlf\r", "EOF\r"],
        &["vi f.txt", "line", ":wq"],
    ];
    for lines in table {
        let mut s = Session::new(0);
        let (last, init) = lines.split_last().expect("non-empty row");
        for l in init {
            assert!(s.feed(l).is_none(), "{l:?} in {lines:?} should continue");
            // `> ` while bash reads more of a command; nothing while the editor collects lines.
            let want = if lines[0].starts_with("vi ") {
                ""
            } else {
                "> "
            };
            assert_eq!(s.prompt(), want);
        }
        assert!(s.feed(last).is_some(), "{lines:?} should complete");
        assert_eq!(s.prompt(), "learner@workstation:~$ ");
    }
}

#[test]
fn clear_and_limits() {
    let mut s = Session::new(0);
    assert_eq!(s.exec("clear").text(), crate::shell::CLEAR_SCREEN);
    let out = s.exec("while true; do :; done");
    assert_eq!(
        out.text(),
        "bash: command limit reached (10000 commands per line); the rest of the line was not run\n"
    );
    let out = s.exec("f() { f; }; x=$(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo deep))))))))))))))))))");
    assert!(out.text().contains("nesting"), "{}", out.text());
    let out = s.exec("seq 1 10000000 | wc -l");
    assert!(out.exit_code == 0);
    let out = s.exec("x=aaaaaaaaaaaaaaaaaaaaaaaa; for i in $(seq 40); do x=$x$x; done; echo ${#x}");
    assert!(out.text().len() < 64, "{}", out.text());
}

mod pods {
    use crate::api::*;
    use crate::Session;

    fn pod(name: &str, image: &str, running: bool) -> Object {
        let container = Container {
            name: "main".into(),
            image: Some(image.into()),
            env: vec![EnvVar {
                name: "GREETING".into(),
                value: Some("hello".into()),
                value_from: None,
            }],
            ..Container::default()
        };
        let status = ContainerStatus {
            name: "main".into(),
            image: image.into(),
            ready: running,
            state: ContainerState {
                running: running.then(StateDetail::default),
                ..ContainerState::default()
            },
            ..ContainerStatus::default()
        };
        Object::Pod(Pod {
            metadata: ObjectMeta {
                name: name.into(),
                namespace: Some("default".into()),
                labels: [("app".to_string(), name.to_string())]
                    .into_iter()
                    .collect(),
                ..ObjectMeta::default()
            },
            // A scheduler nobody runs: neither scheduler nor kubelet touches these staged pods,
            // so their hand-written status holds once controllers exist.
            spec: PodSpec {
                containers: vec![container],
                scheduler_name: Some("staged-by-test".into()),
                ..PodSpec::default()
            },
            status: Some(PodStatus {
                phase: Some(if running { "Running" } else { "Pending" }.into()),
                pod_ip: Some("192.168.1.5".into()),
                container_statuses: vec![status],
                ..PodStatus::default()
            }),
            ..Pod::default()
        })
    }

    fn session() -> Session {
        let mut s = Session::new(0);
        for (name, image, running) in [
            ("origin", "r.deso.tech/library/netshoot", true),
            ("box", "busybox:1.36", true),
            ("web", "nginx:1.27", true),
            ("who", "traefik/whoami:v1.10", true),
            ("pending", "nginx", false),
        ] {
            s.cluster.store.put(pod(name, image, running));
        }
        if let Object::Pod(mut duo) = pod("duo", "nginx", true) {
            let mut sidecar = duo.spec.containers[0].clone();
            sidecar.name = "sidecar".into();
            duo.spec.containers.push(sidecar);
            s.cluster.store.put(Object::Pod(duo));
        }
        if let Object::Pod(mut done) = pod("done", "busybox", false) {
            if let Some(st) = done.status.as_mut() {
                st.phase = Some("Succeeded".into());
            }
            s.cluster.store.put(Object::Pod(done));
        }
        s.cluster.store.put(Object::Deployment(Deployment {
            metadata: ObjectMeta {
                name: "webdeploy".into(),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            spec: DeploymentSpec {
                selector: Some(LabelSelector {
                    match_labels: [("app".to_string(), "web".to_string())]
                        .into_iter()
                        .collect(),
                    ..LabelSelector::default()
                }),
                ..DeploymentSpec::default()
            },
            ..Deployment::default()
        }));
        s
    }

    /// (input line, terminal output, prompt afterwards). Lines run in order in one session.
    const SCRIPT: &[(&str, &str, &str)] = &[
        ("kubectl exec -it origin -- /bin/bash", "", "bash-5.0# "),
        ("cat /etc/resolv.conf", "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n", "bash-5.0# "),
        ("hostname; echo $HOSTNAME $HOME $GREETING", "origin\norigin /root hello\n", "bash-5.0# "),
        ("pwd; cat /etc/hostname", "/root\norigin\n", "bash-5.0# "),
        ("echo kept > /tmp/note", "", "bash-5.0# "),
        ("kubectl get pods", "bash: kubectl: command not found\n", "bash-5.0# "),
        ("tail -n 1 /etc/hosts", "192.168.1.5\torigin\n", "bash-5.0# "),
        ("exit", "exit\n", "learner@workstation:~$ "),
        ("kubectl exec origin -- cat /tmp/note", "kept\n", "learner@workstation:~$ "),
        ("kubectl exec origin -- cat /nope", "cat: can't open '/nope': No such file or directory\ncommand terminated with exit code 1\n", "learner@workstation:~$ "),
        ("echo $?", "1\n", "learner@workstation:~$ "),
        ("kubectl exec origin -- sh -c 'exit 7'; echo $?", "command terminated with exit code 7\n7\n", "learner@workstation:~$ "),
        ("kubectl exec origin -- bash", "", "learner@workstation:~$ "),
        ("kubectl exec -it box -- sh", "", "/ # "),
        ("cd /tmp", "", "/tmp # "),
        ("foo", "sh: foo: not found\n", "/tmp # "),
        ("cd /nowhere", "sh: cd: can't cd to /nowhere: No such file or directory\n", "/tmp # "),
        ("cat nothing", "cat: can't open 'nothing': No such file or directory\n", "/tmp # "),
        ("exit 3", "command terminated with exit code 3\n", "learner@workstation:~$ "),
        ("kubectl exec -it box -- bash", "error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"<id>\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"bash\": executable file not found in $PATH: unknown\n", "learner@workstation:~$ "),
        ("kubectl exec -it web -- bash", "", "root@web:/# "),
        ("cd; pwd", "/root\n", "root@web:~# "),
        ("exit", "exit\n", "learner@workstation:~$ "),
        ("kubectl exec -ti deploy/webdeploy -- bash", "", "root@web:/# "),
        ("exit", "exit\n", "learner@workstation:~$ "),
        ("kubectl exec -ti deploy/web -- sh", "Error from server (NotFound): deployments.apps \"web\" not found\n", "learner@workstation:~$ "),
        ("kubectl exec -it svc/web -- sh", "Error from server (NotFound): services \"web\" not found\n", "learner@workstation:~$ "),
        ("kubectl exec -it nope -- sh", "Error from server (NotFound): pods \"nope\" not found\n", "learner@workstation:~$ "),
        ("kubectl exec -it pending -- sh", "error: unable to upgrade connection: container not found (\"main\")\n", "learner@workstation:~$ "),
        ("kubectl exec -it web -c other -- sh", "error: container other not found in pod web\n", "learner@workstation:~$ "),
        ("kubectl exec web ls", "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n", "learner@workstation:~$ "),
        ("kubectl exec -it -n kube-system web -- sh", "Error from server (NotFound): pods \"web\" not found\n", "learner@workstation:~$ "),
        ("kubectl exec duo -- hostname", "Defaulted container \"main\" out of: main, sidecar\nduo\n", "learner@workstation:~$ "),
        ("kubectl exec duo -c sidecar -- hostname", "duo\n", "learner@workstation:~$ "),
        ("kubectl exec -it duo -- bash", "Defaulted container \"main\" out of: main, sidecar\n", "root@duo:/# "),
        ("exit", "exit\n", "learner@workstation:~$ "),
        ("kubectl exec done -- ls", "error: cannot exec into a container in a completed pod; current phase is Succeeded\n", "learner@workstation:~$ "),
        ("kubectl exec web -- nosuch", "error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"<id>\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"nosuch\": executable file not found in $PATH: unknown\n", "learner@workstation:~$ "),
    ];

    /// containerd's exec ids are random in real life (here: a hash including the time).
    fn mask_exec_id(text: &str) -> String {
        let marker = "failed to start exec \"";
        match text.find(marker) {
            Some(i) => {
                let start = i + marker.len();
                let end = text[start..].find('"').map_or(text.len(), |j| start + j);
                format!("{}<id>{}", &text[..start], &text[end..])
            }
            None => text.to_string(),
        }
    }

    #[test]
    fn pod_terminals() {
        let mut s = session();
        for (line, want, prompt) in SCRIPT {
            let got = mask_exec_id(&s.feed(line).map(|o| o.text()).unwrap_or_default());
            assert_eq!(
                (got.as_str(), s.prompt().as_str()),
                (*want, *prompt),
                "{line}"
            );
        }
    }

    #[test]
    fn deleted_pod_ends_the_session() {
        let mut s = session();
        let _ = s.feed("kubectl exec -it origin -- bash");
        s.cluster.store.remove(&crate::store::ObjectKey::new(
            Kind::Pod,
            "default",
            "origin",
        ));
        let out = s.feed("ls").map(|o| o.text()).unwrap_or_default();
        assert_eq!(out, "command terminated with exit code 137\n");
        assert_eq!(s.prompt(), "learner@workstation:~$ ");
    }
}

/// Random lines over the shell's metacharacters must never panic (a panic kills the page).
#[test]
fn hostile_input_never_panics() {
    let alphabet: Vec<char> = "ab $(){}[]'\"\\`|&;<>*?~#=!-0129\n\t:%+.,/^@\u{e9}"
        .chars()
        .collect();
    let words = [
        "echo", "cat", "for", "in", "do", "done", "if", "then", "fi", "<<EOF", "EOF", "$((", "))",
        "${", "}", "grep", "-E", "sort", "head", "-n", "cut", "-d", "sed", "s/a/b/", "printf",
        "%s", "tr", "seq", "wc", "ls", "cd", "..", "mkdir", "-p", "rm", "-rf", "/", "test", "[",
        "]", "sh", "-c", "exit", "while", "kubectl", "exec", "-it", "x", "--", "read", "xargs",
        "-I", "alias", "k=echo", "k", "vi", ":wq", "date", "+%s", "true", "source", "export",
        "unset", "ls", "-l", "cp", "-r", "mv", "touch", "tee", "uniq", "-c",
    ];
    let mut rng = crate::sim::Pcg32::new(7, 1);
    // Booting a cluster is the expensive part; every case starts from a copy of one boot.
    let fresh = Session::new(0);
    for _ in 0..3000 {
        let mut s = fresh.clone();
        for _ in 0..3 {
            let mut line = String::new();
            for _ in 0..rng.below(12) {
                if rng.below(2) == 0 {
                    line.push_str(words[rng.index(words.len())]);
                } else {
                    for _ in 0..=rng.below(4) {
                        line.push(alphabet[rng.index(alphabet.len())]);
                    }
                }
                line.push(' ');
            }
            let _ = s.feed(&line);
        }
        let _ = s.eof();
    }
}

#[test]
fn date_formats_simulated_time() {
    let mut s = Session::new(1);
    // 2026-01-05T09:00:00Z plus 1 day, 2 h, 3 min, 4 s.
    s.cluster.now = crate::sim::Time(((24 + 2) * 3600 + 3 * 60 + 4) * 1000);
    let table = [
        ("date", "Tue Jan  6 11:03:04 UTC 2026\n"),
        ("date -u", "Tue Jan  6 11:03:04 UTC 2026\n"),
        ("date +%F_%T", "2026-01-06_11:03:04\n"),
        (
            "date '+%a %b %d %Y %H%M%S %s %Z %%'",
            "Tue Jan 06 2026 110304 1767697384 UTC %\n",
        ),
    ];
    for (line, want) in table {
        assert_eq!(s.exec(line).text(), want, "{line}");
    }
}

/// Deeply nested input is refused or bounded, never a stack overflow: run on a 1 MiB stack,
/// the size wasm gives the page.
#[test]
fn deep_nesting_fits_a_wasm_sized_stack() {
    let run = || {
        let inputs = [
            "(".repeat(20_000),
            "echo $(".repeat(5_000),
            "echo \"$(".repeat(5_000),
            format!("echo {}", "${a:-".repeat(5_000)),
            format!("echo $(({}1", "(".repeat(5_000)),
            format!("echo $(({}))", "-".repeat(5_000)),
            "{ ".repeat(10_000),
            "if true; then ".repeat(5_000),
            format!("echo {}", "${a:-${b:-x}}".repeat(500)),
            format!("echo $(({}1{}))", "(".repeat(60), ")".repeat(60)),
            format!("echo {}", "$(echo ".repeat(200) + &")".repeat(200)),
        ];
        let mut s = Session::new(1);
        for input in &inputs {
            let _ = s.feed(input);
            s.interrupt();
        }
        let _ = s.exec("echo 'source x' > x; source x");
        let _ = s.exec("mkdir -p $(printf 'd/%.0s' $(seq 3000)); cp -r d e; rm -r d e");
        s.exec("echo ok").text()
    };
    let result = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(run)
        .expect("spawn")
        .join();
    assert_eq!(result.ok().as_deref(), Some("ok\n"));
}

#[test]
fn expansion_and_width_limits() {
    let mut s = Session::new(1);
    let out = s.exec("x=$(seq 100000); for i in $(seq 10000); do y=$x$x; done; echo never");
    assert_eq!(
        out.text(),
        "bash: expansion limit reached (64 MiB per line); the rest of the line was not run\n"
    );
    let out = s.exec("printf '%999999999999s' x | wc -c");
    assert_eq!(out.text(), "1048576\n");
}
