//! Parsing `kubectl exec` arguments the way kubectl does, so the session can open pod terminals
//! itself (kubectl's own module never sees exec).

/// A parsed `kubectl exec`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecArgs {
    pub stdin: bool,
    pub tty: bool,
    pub namespace: Option<String>,
    pub container: Option<String>,
    pub target: String,
    pub command: Vec<String>,
}

/// Parses the words after `kubectl` (global flags may precede `exec`). `Ok(None)` when this is
/// not an exec; `Err` carries kubectl's message.
pub fn parse(args: &[String]) -> Result<Option<ExecArgs>, String> {
    let mut e = ExecArgs {
        stdin: false,
        tty: false,
        namespace: None,
        container: None,
        target: String::new(),
        command: Vec::new(),
    };
    let mut seen_exec = false;
    let mut positional: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        if a == "--" {
            e.command = args[i..].to_vec();
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            match flag(&mut e, a, args.get(i), seen_exec) {
                Ok(used) => i += used,
                Err(msg) if seen_exec => return Err(msg),
                // Not ours to judge: kubectl reports flags before its verb itself.
                Err(_) => return Ok(None),
            }
        } else if !seen_exec && a == "exec" {
            seen_exec = true;
        } else if !seen_exec {
            return Ok(None);
        } else {
            positional.push(a.clone());
        }
    }
    if !seen_exec {
        return Ok(None);
    }
    match positional.as_slice() {
        [] => return Err("error: pod, type/name or --filename must be specified".into()),
        [target] => e.target = target.clone(),
        [_, ..] => {
            return Err("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples".into())
        }
    }
    if e.command.is_empty() {
        return Err("error: you must specify at least one command for the container".into());
    }
    Ok(Some(e))
}

/// Applies one flag; returns how many following words it consumed as its value.
fn flag(e: &mut ExecArgs, a: &str, next: Option<&String>, in_exec: bool) -> Result<usize, String> {
    let value = || {
        next.cloned()
            .ok_or_else(|| format!("error: flag needs an argument: {a}"))
    };
    let (name, inline) = match a.split_once('=') {
        Some((n, v)) => (n, Some(v.to_string())),
        None => (a, None),
    };
    // Short flags with their value attached: `-nprod`, `-cmain`.
    if !a.starts_with("--")
        && a.len() > 2
        && (a.starts_with("-n") || a.starts_with("-c"))
        && !matches!(a, "-it" | "-ti")
    {
        let v = a[2..].to_string();
        if a.starts_with("-n") {
            e.namespace = Some(v);
        } else {
            e.container = Some(v);
        }
        return Ok(0);
    }
    let mut used = 0;
    let mut take = |inline: Option<String>| -> Result<String, String> {
        match inline {
            Some(v) => Ok(v),
            None => {
                used = 1;
                value()
            }
        }
    };
    match name {
        "-n" | "--namespace" => e.namespace = Some(take(inline)?),
        "-c" | "--container" => e.container = Some(take(inline)?),
        "--context" | "--cluster" | "--user" | "--kubeconfig" | "-s" | "--server" => {
            take(inline)?;
        }
        "--pod-running-timeout" | "-f" | "--filename" if in_exec => {
            take(inline)?;
        }
        "-i" | "--stdin" => e.stdin = inline.as_deref() != Some("false"),
        "-t" | "--tty" => e.tty = inline.as_deref() != Some("false"),
        "-it" | "-ti" => {
            e.stdin = true;
            e.tty = true;
        }
        "-q" | "--quiet" => {}
        _ if a.starts_with("--") => {
            return Err(format!(
                "error: unknown flag: {name}\nSee 'kubectl exec --help' for usage."
            ))
        }
        _ => {
            return Err(format!(
                "error: unknown shorthand flag: '{}' in {a}\nSee 'kubectl exec --help' for usage.",
                a.chars().nth(1).unwrap_or('-')
            ))
        }
    }
    Ok(used)
}

/// A `kubectl run` that attaches (`-i`/`-t`): the session runs it as create, wait, attach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunArgs {
    pub name: String,
    pub namespace: Option<String>,
    pub stdin: bool,
    pub tty: bool,
    pub rm: bool,
    pub command: Vec<String>,
    /// The same invocation without the attach flags, for kubectl's own `run` to create the pod.
    pub create_args: Vec<String>,
}

/// Recognises `kubectl run NAME … -it …`; `None` for anything else (plain `run` included).
pub fn parse_run(args: &[String]) -> Option<RunArgs> {
    let mut verb = 0;
    while let Some(a) = args.get(verb) {
        match a.as_str() {
            "-n" | "--namespace" | "--context" | "--kubeconfig" | "-s" | "--server" => verb += 2,
            a if a.starts_with('-') => verb += 1,
            _ => break,
        }
    }
    if args.get(verb)? != "run" {
        return None;
    }
    let mut r = RunArgs {
        name: String::new(),
        namespace: None,
        stdin: false,
        tty: false,
        rm: false,
        command: Vec::new(),
        create_args: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        match a {
            "-i" | "--stdin" | "--stdin=true" => r.stdin = true,
            "-t" | "--tty" | "--tty=true" => r.tty = true,
            "-it" | "-ti" => {
                r.stdin = true;
                r.tty = true;
            }
            "--rm" | "--rm=true" => r.rm = true,
            "--" => {
                r.command = args[i..].to_vec();
                r.create_args.extend(args[i - 1..].iter().cloned());
                break;
            }
            _ => {
                if matches!(a, "-n" | "--namespace") {
                    r.namespace = args.get(i).cloned();
                } else if let Some(ns) = a.strip_prefix("--namespace=") {
                    r.namespace = Some(ns.to_string());
                } else if i - 1 > verb && !a.starts_with('-') && r.name.is_empty() {
                    let prev = args[i - 2].as_str();
                    let takes_value = matches!(
                        prev,
                        "-n" | "--namespace"
                            | "--image"
                            | "--restart"
                            | "-l"
                            | "--labels"
                            | "--env"
                            | "--port"
                    );
                    if !takes_value {
                        r.name = a.to_string();
                    }
                }
                r.create_args.push(a.to_string());
            }
        }
    }
    (r.stdin || r.tty).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (target, stdin, namespace, command) or kubectl's error.
    type Expected =
        Result<Option<(&'static str, bool, Option<&'static str>, &'static str)>, &'static str>;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_attached_run() {
        let r = parse_run(&words(
            "run tmp --image=busybox -it --rm --restart=Never -- nslookup web",
        ));
        let r = r.expect("attached run");
        assert_eq!(
            (r.name.as_str(), r.rm, r.command.join(" ")),
            ("tmp", true, "nslookup web".into())
        );
        assert_eq!(
            r.create_args.join(" "),
            "run tmp --image=busybox --restart=Never -- nslookup web"
        );
        assert_eq!(parse_run(&words("run web --image=nginx")), None);
        assert_eq!(parse_run(&words("get pods -it")), None);
        let r = parse_run(&words("-n prod run -i --image busybox box")).expect("attached");
        assert_eq!(
            (r.name.as_str(), r.namespace.as_deref()),
            ("box", Some("prod"))
        );
    }

    #[test]
    fn parses_exec_forms() {
        let table: &[(&str, Expected)] = &[
            ("get pods", Ok(None)),
            ("exec -it web -- bash", Ok(Some(("web", true, None, "bash")))),
            ("-n prod exec -it deploy/web -- sh", Ok(Some(("deploy/web", true, Some("prod"), "sh")))),
            ("exec web -n kube-system -c c1 -- ls /", Ok(Some(("web", false, Some("kube-system"), "ls /")))),
            ("exec web ls", Err("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples")),
            ("exec web", Err("error: you must specify at least one command for the container")),
            ("exec -it", Err("error: pod, type/name or --filename must be specified")),
            ("exec -nprod web -cmain -- ls", Ok(Some(("web", false, Some("prod"), "ls")))),
            ("exec --stdin=true --namespace=dev web -- sh", Ok(Some(("web", true, Some("dev"), "sh")))),
            ("exec -x web -- sh", Err("error: unknown shorthand flag: 'x' in -x\nSee 'kubectl exec --help' for usage.")),
            ("exec --bogus web -- sh", Err("error: unknown flag: --bogus\nSee 'kubectl exec --help' for usage.")),
            ("--bogus get pods", Ok(None)),
        ];
        for (input, want) in table {
            let got = parse(&words(input))
                .map(|o| o.map(|e| (e.target, e.stdin, e.namespace, e.command.join(" "))));
            let want = (*want).map(|o| {
                o.map(|(t, i, n, c)| (t.to_string(), i, n.map(String::from), c.to_string()))
            });
            assert_eq!(got, want.map_err(String::from), "{input}");
        }
    }
}
