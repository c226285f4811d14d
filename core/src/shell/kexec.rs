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
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if a == "--" {
            if !seen_exec {
                return Ok(None);
            }
            e.command = args[i..].to_vec();
            break;
        }
        let value = |i: &mut usize| -> Result<String, String> {
            let v = args
                .get(*i)
                .cloned()
                .ok_or_else(|| format!("error: flag needs an argument: {a}"))?;
            *i += 1;
            Ok(v)
        };
        match a {
            "-n" | "--namespace" => e.namespace = Some(value(&mut i)?),
            "-c" | "--container" if seen_exec => e.container = Some(value(&mut i)?),
            "-i" | "--stdin" => e.stdin = true,
            "-t" | "--tty" => e.tty = true,
            "-it" | "-ti" => {
                e.stdin = true;
                e.tty = true;
            }
            "-q" | "--quiet" => {}
            _ if a.starts_with("--namespace=") => {
                e.namespace = Some(a["--namespace=".len()..].into())
            }
            _ if a.starts_with("-n") && a.len() > 2 && !a.starts_with("--") => {
                e.namespace = Some(a[2..].into())
            }
            _ if a.starts_with("--container=") => {
                e.container = Some(a["--container=".len()..].into())
            }
            _ if a.starts_with("-c") && a.len() > 2 && seen_exec => {
                e.container = Some(a[2..].into())
            }
            _ if a.starts_with("--stdin=") || a.starts_with("--tty=") => {
                let on = a.ends_with("=true");
                if a.starts_with("--stdin") {
                    e.stdin = on
                } else {
                    e.tty = on
                }
            }
            _ if a.starts_with('-') && seen_exec => {
                return Err(format!(
                "error: unknown shorthand flag: '{}' in {a}\nSee 'kubectl exec --help' for usage.",
                a.chars().nth(1).unwrap_or('-')
            ))
            }
            "exec" if !seen_exec => seen_exec = true,
            _ if !seen_exec => return Ok(None),
            _ => positional.push(a.to_string()),
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
    fn parses_exec_forms() {
        let table: &[(&str, Expected)] = &[
            ("get pods", Ok(None)),
            ("exec -it web -- bash", Ok(Some(("web", true, None, "bash")))),
            ("-n prod exec -it deploy/web -- sh", Ok(Some(("deploy/web", true, Some("prod"), "sh")))),
            ("exec web -n kube-system -c c1 -- ls /", Ok(Some(("web", false, Some("kube-system"), "ls /")))),
            ("exec web ls", Err("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples")),
            ("exec web", Err("error: you must specify at least one command for the container")),
            ("exec -it", Err("error: pod, type/name or --filename must be specified")),
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
