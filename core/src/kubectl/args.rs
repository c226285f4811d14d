//! kubectl's command line, parsed the way pflag does: `-n ns`, `-nns`, `-n=ns`, `--namespace ns`,
//! `--namespace=ns`, `-oyaml`, boolean flags with optional `=true|false`, `--` ending flags.
//! Flags may appear anywhere, before or after the verb. Flags a verb does not know are an error
//! only once the verb is known, so the table below lists every flag of every verb.

use std::collections::BTreeMap;

/// Flags that take a value, long name first, with their one-letter forms.
const VALUE_FLAGS: &[(&str, Option<char>)] = &[
    ("namespace", Some('n')),
    ("filename", Some('f')),
    ("output", Some('o')),
    ("selector", Some('l')),
    ("label-columns", Some('L')),
    ("container", Some('c')),
    ("image", None),
    ("replicas", None),
    ("port", None),
    ("target-port", None),
    ("type", None),
    ("name", None),
    ("protocol", None),
    ("context", None),
    ("cluster", None),
    ("user", None),
    ("kubeconfig", None),
    ("field-selector", None),
    ("sort-by", None),
    ("grace-period", None),
    ("timeout", None),
    ("dry-run", None),
    ("cascade", None),
    ("labels", None),
    ("env", None),
    ("restart", None),
    ("tcp", None),
    ("external-name", None),
    ("node-port", None),
    ("cluster-ip", None),
    ("field-manager", None),
    ("template", None),
    ("since", None),
    ("tail", None),
    ("current-replicas", None),
    ("to-revision", None),
    ("for", None),
    ("request-timeout", None),
    ("validate", None),
    ("image-pull-policy", None),
    ("namespaced", None),
    ("clusterip", None),
    ("api-group", None),
    ("overrides", None),
    ("patch", None),
    ("revision", None),
];

/// Boolean flags, long name first, with their one-letter forms.
const BOOL_FLAGS: &[(&str, Option<char>)] = &[
    ("all-namespaces", Some('A')),
    ("all", None),
    ("show-labels", None),
    ("current", None),
    ("minify", None),
    ("save-config", None),
    ("watch", Some('w')),
    ("stdin", Some('i')),
    ("tty", Some('t')),
    ("overwrite", None),
    ("force", None),
    ("wait", None),
    ("now", None),
    ("recursive", Some('R')),
    ("ignore-not-found", None),
    ("no-headers", None),
    ("raw", None),
    ("flatten", None),
    ("show-kind", None),
    ("follow", Some('F')),
    ("previous", Some('p')),
    ("rm", None),
    ("quiet", Some('q')),
    ("short", None),
    ("client", None),
    ("allow-missing-template-keys", None),
    ("command", None),
    ("expose", None),
    ("attach", None),
    ("output-watch-events", None),
    ("watch-only", None),
];

/// One parsed command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// Words that are not flags, in order; the first is the verb.
    pub positional: Vec<String>,
    /// Words after `--`.
    pub after_dash: Vec<String>,
    /// Every value given to each value flag, by long name, in order.
    pub values: BTreeMap<String, Vec<String>>,
    /// Boolean flags by long name.
    pub bools: BTreeMap<String, bool>,
}

impl Args {
    /// The last value of a value flag.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.values.get(long)?.last().map(String::as_str)
    }

    pub fn all_values(&self, long: &str) -> &[String] {
        self.values.get(long).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn flag(&self, long: &str) -> bool {
        self.bools.get(long).copied().unwrap_or(false)
    }

    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long) || self.bools.contains_key(long)
    }
}

fn value_flag_long(short: char) -> Option<&'static str> {
    VALUE_FLAGS
        .iter()
        .find(|(_, s)| *s == Some(short))
        .map(|(l, _)| *l)
}

fn bool_flag_long(short: char) -> Option<&'static str> {
    BOOL_FLAGS
        .iter()
        .find(|(_, s)| *s == Some(short))
        .map(|(l, _)| *l)
}

fn parse_bool(long: &str, v: &str) -> Result<bool, String> {
    match v {
        "true" | "1" | "t" | "T" | "TRUE" | "True" => Ok(true),
        "false" | "0" | "f" | "F" | "FALSE" | "False" => Ok(false),
        _ => Err(format!(
            "invalid argument \"{v}\" for \"--{long}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
        )),
    }
}

/// Parses `words` (without the program name). `Err` is kubectl's message (without `error: `).
pub fn parse(words: &[String]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            a.after_dash = words[i..].to_vec();
            break;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            if VALUE_FLAGS.iter().any(|(l, _)| *l == name) {
                let v = match inline {
                    Some(v) => v,
                    // pflag's NoOptDefVal: a bare `--dry-run` means the client strategy.
                    None if name == "dry-run" => "client".to_string(),
                    None => {
                        let v = words
                            .get(i)
                            .cloned()
                            .ok_or_else(|| format!("flag needs an argument: --{name}"))?;
                        i += 1;
                        v
                    }
                };
                a.values.entry(name.to_string()).or_default().push(v);
            } else if BOOL_FLAGS.iter().any(|(l, _)| *l == name) {
                let b = match inline {
                    Some(v) => parse_bool(name, &v)?,
                    None => true,
                };
                a.bools.insert(name.to_string(), b);
            } else {
                return Err(format!("unknown flag: --{name}"));
            }
            continue;
        }
        if let Some(shorts) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
            i = parse_shorts(&mut a, shorts, words, i)?;
            continue;
        }
        a.positional.push(w.clone());
    }
    Ok(a)
}

/// A cluster of short flags (`-it`, `-nkube-system`, `-n=x`, `-owide`). Returns the next index.
fn parse_shorts(
    a: &mut Args,
    shorts: &str,
    words: &[String],
    mut i: usize,
) -> Result<usize, String> {
    let chars: Vec<char> = shorts.chars().collect();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        // `-p` is `--patch` for `kubectl patch` and `--previous` everywhere else.
        let patch_value = c == 'p' && a.positional.first().is_some_and(|v| v == "patch");
        if let Some(long) = value_flag_long(c).or(patch_value.then_some("patch")) {
            let rest: String = chars[k + 1..].iter().collect();
            let v = if !rest.is_empty() {
                rest.strip_prefix('=').unwrap_or(&rest).to_string()
            } else {
                let v = words
                    .get(i)
                    .cloned()
                    .ok_or_else(|| format!("flag needs an argument: '{c}' in -{c}"))?;
                i += 1;
                v
            };
            a.values.entry(long.to_string()).or_default().push(v);
            return Ok(i);
        }
        if let Some(long) = bool_flag_long(c) {
            if chars.get(k + 1) == Some(&'=') {
                let v: String = chars[k + 2..].iter().collect();
                a.bools.insert(long.to_string(), parse_bool(long, &v)?);
                return Ok(i);
            }
            a.bools.insert(long.to_string(), true);
            k += 1;
            continue;
        }
        return Err(format!("unknown shorthand flag: '{c}' in -{shorts}"));
    }
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Args {
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        parse(&words).unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    #[test]
    fn flag_forms() {
        for line in [
            "get pods -n kube-system",
            "get pods -nkube-system",
            "get pods -n=kube-system",
            "get pods --namespace kube-system",
            "-n kube-system get pods",
            "get pods --namespace=kube-system",
        ] {
            let a = p(line);
            assert_eq!(a.positional, ["get", "pods"], "{line}");
            assert_eq!(a.value("namespace"), Some("kube-system"), "{line}");
        }
        let a = p("get svc -owide -A --show-labels");
        assert_eq!(a.value("output"), Some("wide"));
        assert!(a.flag("all-namespaces") && a.flag("show-labels"));
        let a = p("exec -it web -- ls -l");
        assert!(a.flag("stdin") && a.flag("tty"));
        assert_eq!(a.after_dash, ["ls", "-l"]);
        let a = p("apply -f a.yaml -f b.yaml");
        assert_eq!(a.all_values("filename"), ["a.yaml", "b.yaml"]);
    }

    #[test]
    fn errors() {
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(
            parse(&words("get --bogus")),
            Err("unknown flag: --bogus".into())
        );
        assert_eq!(
            parse(&words("get -x")),
            Err("unknown shorthand flag: 'x' in -x".into())
        );
    }
}
