//! Tab completion for the workstation terminal: commands, kubectl verbs, flags and resource types,
//! object names from the store and the learner's files. Pure functions over a snapshot, so the
//! rules are tested natively.

use kubeplay_core::api::Kind;

/// Commands the workstation offers first-word completion for.
pub const COMMANDS: &[&str] = &[
    "cat", "clear", "curl", "dig", "echo", "history", "host", "kubectl", "ls", "nc", "nslookup",
    "ping", "sleep", "wget",
];

pub const KUBECTL_VERBS: &[&str] = &[
    "annotate",
    "api-resources",
    "apply",
    "cluster-info",
    "config",
    "create",
    "delete",
    "describe",
    "edit",
    "exec",
    "explain",
    "expose",
    "get",
    "label",
    "logs",
    "patch",
    "port-forward",
    "rollout",
    "run",
    "scale",
    "set",
    "version",
];

pub const KUBECTL_FLAGS: &[&str] = &[
    "--all-namespaces",
    "--dry-run=client",
    "--filename",
    "--image",
    "--labels",
    "--namespace",
    "--output",
    "--port",
    "--replicas",
    "--selector",
    "--show-labels",
    "--target-port",
    "--type",
    "--watch",
    "-A",
    "-f",
    "-it",
    "-l",
    "-n",
    "-o",
    "-w",
];

/// Verbs whose next word is a resource type.
const TAKES_KIND: &[&str] = &[
    "annotate", "delete", "describe", "edit", "explain", "expose", "get", "label", "patch",
    "rollout", "scale",
];

/// Verbs whose next word is a pod.
const TAKES_POD: &[&str] = &["exec", "logs", "port-forward"];

/// What completion may offer, read from the session when Tab is pressed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// File names relative to the home directory.
    pub files: Vec<String>,
    /// (kind, namespace, name) of every stored object.
    pub objects: Vec<(Kind, String, String)>,
    pub namespace: String,
}

/// Candidates for the word that ends at the end of `line`, which starts at byte `start`.
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    pub start: usize,
    pub candidates: Vec<String>,
}

impl Completion {
    /// The line after pressing Tab: the single candidate (plus a space), or the longest common
    /// prefix of several. `None` when Tab adds nothing, which is when a shell lists them.
    pub fn apply(&self, line: &str) -> Option<String> {
        let typed = line.get(self.start..).unwrap_or("");
        let head = line.get(..self.start).unwrap_or("");
        match self.candidates.as_slice() {
            [] => None,
            [only] => {
                let sep = if only.ends_with('/') || only.ends_with('=') {
                    ""
                } else {
                    " "
                };
                Some(format!("{head}{only}{sep}"))
            }
            many => {
                let prefix = common_prefix(many);
                (prefix.len() > typed.len()).then(|| format!("{head}{prefix}"))
            }
        }
    }
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut len = first.len();
    for w in words {
        len = len.min(
            first
                .char_indices()
                .zip(w.chars())
                .take_while(|((_, a), b)| a == b)
                .map(|((i, a), _)| i + a.len_utf8())
                .last()
                .unwrap_or(0),
        );
    }
    first.get(..len).unwrap_or("").to_string()
}

pub fn complete(line: &str, snap: &Snapshot) -> Completion {
    let start = line.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let current = line.get(start..).unwrap_or("");
    let words: Vec<&str> = line.get(..start).unwrap_or("").split_whitespace().collect();
    let pool: Vec<String> = match words.first() {
        None => COMMANDS.iter().map(|s| s.to_string()).collect(),
        Some(&"kubectl") => kubectl_pool(&words, current, snap),
        Some(_) => snap.files.clone(),
    };
    let mut candidates: Vec<String> = pool
        .into_iter()
        .filter(|c| c.starts_with(current))
        .collect();
    candidates.sort();
    candidates.dedup();
    Completion { start, candidates }
}

fn kubectl_pool(words: &[&str], current: &str, snap: &Snapshot) -> Vec<String> {
    let prev = words.last().copied().unwrap_or("");
    let namespace = flag_value(words, &["-n", "--namespace"]).unwrap_or(&snap.namespace);
    if matches!(prev, "-f" | "--filename") {
        return snap.files.clone();
    }
    if matches!(prev, "-n" | "--namespace") {
        return names_of(snap, Kind::Namespace, "");
    }
    if matches!(prev, "-o" | "--output") {
        return ["json", "jsonpath=", "name", "wide", "yaml"]
            .map(String::from)
            .to_vec();
    }
    if current.starts_with('-') {
        return KUBECTL_FLAGS.iter().map(|s| s.to_string()).collect();
    }
    // Positional words after `kubectl`, skipping flags and their values.
    let positional: Vec<&str> = positional_words(&words[1..]);
    match positional.as_slice() {
        [] => KUBECTL_VERBS.iter().map(|s| s.to_string()).collect(),
        [verb] if TAKES_POD.contains(verb) => names_of(snap, Kind::Pod, namespace),
        [verb] if TAKES_KIND.contains(verb) => {
            if let Some((kind_word, _)) = current.split_once('/') {
                return match Kind::from_resource(kind_word) {
                    Some(kind) => names_of(snap, kind, namespace)
                        .into_iter()
                        .map(|n| format!("{kind_word}/{n}"))
                        .collect(),
                    None => Vec::new(),
                };
            }
            Kind::ALL
                .iter()
                .map(|k| k.info().plural.to_string())
                .collect()
        }
        [verb, kind_word, ..] if TAKES_KIND.contains(verb) => {
            match Kind::from_resource(kind_word) {
                Some(kind) => names_of(snap, kind, namespace),
                None => Vec::new(),
            }
        }
        _ => snap.files.clone(),
    }
}

fn positional_words<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut skip_next = false;
    for w in words {
        if skip_next {
            skip_next = false;
        } else if w.starts_with('-') {
            skip_next = !w.contains('=')
                && matches!(
                    *w,
                    "-n" | "--namespace"
                        | "-f"
                        | "--filename"
                        | "-o"
                        | "--output"
                        | "-l"
                        | "--selector"
                        | "-c"
                        | "--container"
                );
        } else {
            out.push(*w);
        }
    }
    out
}

fn flag_value<'a>(words: &[&'a str], names: &[&str]) -> Option<&'a str> {
    words
        .windows(2)
        .find(|w| names.contains(&w[0]))
        .map(|w| w[1])
}

fn names_of(snap: &Snapshot, kind: Kind, namespace: &str) -> Vec<String> {
    let namespaced = kind.info().namespaced;
    snap.objects
        .iter()
        .filter(|(k, ns, _)| *k == kind && (!namespaced || ns == namespace))
        .map(|(_, _, n)| n.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap() -> Snapshot {
        Snapshot {
            files: vec!["web.yaml".into(), "web-svc.yaml".into()],
            objects: vec![
                (Kind::Namespace, String::new(), "default".into()),
                (Kind::Namespace, String::new(), "kube-system".into()),
                (Kind::Pod, "default".into(), "web-7d9f-abcde".into()),
                (Kind::Pod, "kube-system".into(), "coredns-1".into()),
                (Kind::Service, "default".into(), "web".into()),
            ],
            namespace: "default".into(),
        }
    }

    /// (line, expected line after Tab or None, expected candidates)
    const CASES: &[(&str, Option<&str>, &[&str])] = &[
        ("kub", Some("kubectl "), &["kubectl"]),
        ("kubectl ap", None, &["api-resources", "apply"]),
        ("kubectl appl", Some("kubectl apply "), &["apply"]),
        (
            "kubectl apply -f w",
            Some("kubectl apply -f web"),
            &["web-svc.yaml", "web.yaml"],
        ),
        ("kubectl get po", Some("kubectl get pods "), &["pods"]),
        (
            "kubectl get pods w",
            Some("kubectl get pods web-7d9f-abcde "),
            &["web-7d9f-abcde"],
        ),
        (
            "kubectl get pods -n kube-system c",
            Some("kubectl get pods -n kube-system coredns-1 "),
            &["coredns-1"],
        ),
        (
            "kubectl describe svc/",
            Some("kubectl describe svc/web "),
            &["svc/web"],
        ),
        (
            "kubectl exec w",
            Some("kubectl exec web-7d9f-abcde "),
            &["web-7d9f-abcde"],
        ),
        (
            "kubectl get pods -n kube-s",
            Some("kubectl get pods -n kube-system "),
            &["kube-system"],
        ),
        (
            "kubectl get --all-n",
            Some("kubectl get --all-namespaces "),
            &["--all-namespaces"],
        ),
        ("cat web-", Some("cat web-svc.yaml "), &["web-svc.yaml"]),
        ("zzz", None, &[]),
    ];

    #[test]
    fn completes_by_position() {
        let s = snap();
        for (line, after, candidates) in CASES {
            let c = complete(line, &s);
            assert_eq!(c.candidates, *candidates, "candidates for {line:?}");
            assert_eq!(
                c.apply(line).as_deref(),
                *after,
                "line after Tab for {line:?}"
            );
        }
    }
}
