// The fuzz targets' bodies, shared verbatim (through `include!`) by the fuzz crate
// (`fuzz/src/lib.rs`) and by the native replay of the committed corpora
// (`core/tests/fuzz_corpus.rs`), so a corpus file is a regression test on every `cargo test`.
// Plain `//` comments only: `include!` does not accept inner doc comments.

use kubeplay_core::cluster::Cluster;
use kubeplay_core::kubectl::{self, args, jsonpath, KubectlIo};
use kubeplay_core::sim::Duration;
use kubeplay_core::vfs::Vfs;
use kubeplay_core::Session;
use serde_json::Value;

// A booted session, built once per thread: booting costs far more than one input, and a copy
// of it gives every input the same starting cluster (a cheap one: the store's objects are
// shared until written).
thread_local! {
    static BASE: Session = {
        let mut s = Session::new(1);
        s.advance(Duration::from_secs(30));
        s
    };
}

fn base_session() -> Session {
    BASE.with(Session::clone)
}

fn base_cluster() -> Cluster {
    BASE.with(|s| s.cluster.clone())
}

/// Manifest apply: the bytes are a file the learner applies, then creates, then deletes.
pub fn manifest(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut s = base_session();
    s.add_file("m.yaml", &text);
    for cmd in [
        "kubectl apply -f m.yaml",
        "kubectl create -f m.yaml",
        "kubectl delete -f m.yaml",
    ] {
        s.advance(Duration::from_secs(1));
        let _ = s.feed(cmd);
    }
}

/// The shell: every line of the input is fed to a session, as typed or pasted into the
/// terminal; an unfinished command is ended with Ctrl-D.
pub fn shell(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut s = base_session();
    for line in text.split('\n').take(64) {
        s.advance(Duration::from_secs(1));
        let _ = s.feed(line);
    }
    let _ = s.eof();
}

/// kubectl's flag parser and dispatcher: NUL-separated words are one `kubectl` argv.
pub fn kubectl_args(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let words: Vec<String> = text.split('\0').take(64).map(str::to_string).collect();
    // A rejected argv returns before `kubectl::run` reads the cluster, so it runs against one
    // scratch cluster; only an accepted one pays for a fresh copy of the booted cluster (a
    // clone is most of an input's cost, and most mutated inputs are rejected).
    if args::parse(&words).is_err() {
        SCRATCH.with(|c| run_argv(&mut c.borrow_mut(), &words));
        return;
    }
    run_argv(&mut base_cluster(), &words);
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Cluster> = std::cell::RefCell::new(base_cluster());
}

fn run_argv(cluster: &mut Cluster, words: &[String]) {
    let mut fs = Vfs::default();
    let mut namespace = "default".to_string();
    let mut io = KubectlIo {
        fs: &mut fs,
        cwd: "/",
        stdin: "",
        namespace: &mut namespace,
        followup: None,
    };
    let _ = kubectl::run(cluster, &mut io, words);
}

/// JSONPath: the first line is the template, the rest a JSON object (a pod when it is not JSON).
pub fn jsonpath(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (template, object) = text.split_once('\n').unwrap_or((&text, ""));
    let value: Value = serde_json::from_str(object).unwrap_or_else(|_| {
        serde_json::json!({
            "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]},
            "status": {"podIP": "10.244.1.2", "conditions": [{"type": "Ready", "status": "True"}]}
        })
    });
    let _ = jsonpath::kubectl_output(template, &value, true);
    let _ = jsonpath::kubectl_output(template, &value, false);
    let _ = jsonpath::custom_column(template, &value);
}
