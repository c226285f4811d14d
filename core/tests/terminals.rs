//! Several terminals on one session (the page's tabs): each keeps its own shell state, history,
//! half-typed command, editor and `kubectl exec -it` shell, while the cluster and the
//! workstation's files are shared. Each case is a script of (terminal, line, expected text).

use kubeplay_core::session::{TerminalId, WORKSTATION};
use kubeplay_core::sim::Duration;
use kubeplay_core::Session;

/// Feeds `(terminal, line)` pairs, advancing 1 s before each like the CLI, and returns what each
/// complete command printed (`None` while a command continues).
fn run(s: &mut Session, script: &[(TerminalId, &str)]) -> Vec<Option<String>> {
    script
        .iter()
        .map(|(id, line)| {
            s.advance(Duration::from_millis(1000));
            s.feed_in(*id, line).map(|o| o.text())
        })
        .collect()
}

#[test]
fn terminals_keep_their_own_shell_state() {
    let mut s = Session::new(7);
    let tab = s.open_terminal();
    assert_eq!(tab, WORKSTATION + 1);
    let out = run(
        &mut s,
        &[
            (WORKSTATION, "X=one; mkdir -p d; cd d"),
            (tab, "X=two"),
            (WORKSTATION, "echo $X; pwd"),
            (tab, "echo $X; pwd"),
            (tab, "echo shared > note.txt"),
            (WORKSTATION, "cat ~/note.txt"),
            (tab, "cat <<EOF"),
            (WORKSTATION, "echo not part of the heredoc"),
            (tab, "EOF"),
        ],
    );
    let got: Vec<&str> = out
        .iter()
        .map(|o| o.as_deref().unwrap_or("<none>"))
        .collect();
    assert_eq!(
        got,
        [
            "",
            "",
            "one\n/home/learner/d\n",
            "two\n/home/learner\n",
            "",
            "shared\n",
            "<none>",
            "not part of the heredoc\n",
            "",
        ]
    );
    assert_eq!(s.prompt_in(WORKSTATION), "learner@workstation:~/d$ ");
    assert_eq!(s.prompt_in(tab), "learner@workstation:~$ ");
}

#[test]
fn a_pod_shell_in_a_tab_leaves_the_workstation_alone() {
    let mut s = Session::new(7);
    run(&mut s, &[(WORKSTATION, "kubectl run web --image=nginx")]);
    s.advance(Duration::from_millis(30_000));
    let tab = s.open_terminal();
    let out = run(
        &mut s,
        &[
            (tab, "kubectl exec -it web -- sh"),
            (tab, "cd /tmp; echo in-pod > f"),
        ],
    );
    assert_eq!(out[1].as_deref(), Some(""));
    assert!(s.prompt_in(tab).starts_with("# ") || s.prompt_in(tab).contains('#'));
    assert_eq!(s.prompt_in(WORKSTATION), "learner@workstation:~$ ");
    // Ctrl-D leaves the pod shell in that tab only.
    assert!(s.in_terminal(tab, Session::eof).flatten().is_some());
    assert_eq!(s.prompt_in(tab), "learner@workstation:~$ ");
    // The pod's files outlive the shell, as in a real container.
    let back = run(&mut s, &[(tab, "kubectl exec web -- cat /tmp/f")]);
    assert_eq!(back[0].as_deref(), Some("in-pod\n"));
}

#[test]
fn an_editor_in_a_tab_hands_its_file_to_the_page() {
    let mut s = Session::new(7);
    let tab = s.open_terminal();
    run(&mut s, &[(tab, "echo old > a.txt")]);
    assert_eq!(run(&mut s, &[(tab, "vi a.txt")]), [None]);
    assert_eq!(
        s.editing_in(tab),
        Some(("/home/learner/a.txt".to_string(), "old\n".to_string()))
    );
    assert_eq!(s.editing_in(WORKSTATION), None);
    s.in_terminal(tab, |s| s.finish_edit(Some("new\n")));
    assert_eq!(s.editing_in(tab), None);
    assert_eq!(s.fs.read("/home/learner/a.txt"), Some("new\n"));
}

#[test]
fn closed_and_unknown_terminals_do_nothing() {
    let mut s = Session::new(7);
    let tab = s.open_terminal();
    assert!(s.close_terminal(tab));
    assert!(!s.close_terminal(tab));
    assert!(!s.close_terminal(WORKSTATION));
    assert_eq!(s.feed_in(tab, "echo hi"), None);
    assert_eq!(s.prompt_in(tab), "");
    assert_eq!(s.open_terminal(), tab + 1, "ids are never reused");
    assert_eq!(s.terminals(), [tab + 1]);
}

#[test]
fn the_browser_pane_fetches_a_node_port_like_curl() {
    let mut s = Session::new(7);
    run(
        &mut s,
        &[
            (WORKSTATION, "kubectl create deployment web --image=nginx"),
            (
                WORKSTATION,
                "kubectl expose deployment web --type=NodePort --port=80",
            ),
        ],
    );
    s.advance(Duration::from_millis(30_000));
    let port = s
        .feed("kubectl get svc web -o jsonpath={.spec.ports[0].nodePort}")
        .map(|o| o.text())
        .unwrap_or_default();
    let ip = s
        .feed("kubectl get node worker-1 -o jsonpath={.status.addresses[0].address}")
        .map(|o| o.text())
        .unwrap_or_default();
    s.cluster.net.drain_traces();
    let page = s.browse(&format!("http://{ip}:{port}/")).text();
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(page.contains("Welcome to nginx!"), "{page}");
    assert_eq!(
        s.cluster.net.drain_traces().len(),
        1,
        "the request is traced"
    );
    assert!(!s.shell.history.iter().any(|l| l.contains("curl")));
}

#[test]
fn a_watch_in_a_tab_streams_there_while_the_workstation_works() {
    let mut s = Session::new(7);
    let tab = s.open_terminal();
    let first = run(&mut s, &[(tab, "kubectl get pods -w")]);
    assert_eq!(first[0].as_deref(), Some(""));
    assert!(s.running_in(tab));
    assert!(!s.running_in(WORKSTATION));
    assert_eq!(s.prompt_in(tab), "");
    run(&mut s, &[(WORKSTATION, "kubectl run web --image=nginx")]);
    s.advance(Duration::from_millis(5000));
    let rows = s.take_stream_in(tab).map(|o| o.text()).unwrap_or_default();
    assert!(rows.starts_with("NAME "), "{rows}");
    assert!(rows.contains("ContainerCreating"), "{rows}");
    assert!(rows.contains("Running"), "{rows}");
    assert_eq!(s.take_stream_in(WORKSTATION), None);
    s.in_terminal(tab, Session::interrupt);
    assert!(!s.running_in(tab));
    assert_eq!(s.prompt_in(tab), "learner@workstation:~$ ");
}
