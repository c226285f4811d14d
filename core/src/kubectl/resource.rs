//! What a kubectl command line names: `TYPE`, `TYPE NAME…`, `TYPE1,TYPE2`, `TYPE/NAME…`, `all`,
//! resolved against the kind registry; plus `-l` label selectors.

use crate::api::{Kind, Labels};

/// The kinds `all` expands to, in kubectl's order (the ones the simulation serves).
pub const ALL: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
];

/// The objects a command addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Every object of these kinds (filtered by namespace and selector).
    Kinds(Vec<Kind>),
    /// These objects, in the order given.
    Named(Vec<(Kind, String)>),
}

/// Resolves the resource words of `get`/`delete`. `multi` reports whether several types were
/// requested, which makes tables print `kind/name`.
pub fn select(words: &[String]) -> Result<(Selection, bool), String> {
    let Some(first) = words.first() else {
        return Err("Required resource not specified.".into());
    };
    if words.iter().any(|w| w.contains('/')) {
        let mut named = Vec::new();
        for w in words {
            let Some((t, n)) = w.split_once('/') else {
                return Err("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let kind = resolve_one(t)?;
            named.push((kind, n.to_string()));
        }
        let multi = named
            .iter()
            .any(|(k, _)| Some(*k) != named.first().map(|(k, _)| *k));
        return Ok((Selection::Named(named), multi));
    }
    let kinds = resolve_types(first)?;
    let multi = kinds.len() > 1 || first == "all" || first.contains(',');
    if words.len() == 1 {
        return Ok((Selection::Kinds(kinds), multi));
    }
    let mut named = Vec::new();
    for k in &kinds {
        for n in &words[1..] {
            named.push((*k, n.clone()));
        }
    }
    Ok((Selection::Named(named), multi))
}

/// `deploy,svc` or `all` into kinds, de-duplicated in order.
pub fn resolve_types(word: &str) -> Result<Vec<Kind>, String> {
    let mut kinds = Vec::new();
    for t in word.split(',').filter(|t| !t.is_empty()) {
        let add: Vec<Kind> = if t == "all" {
            ALL.to_vec()
        } else {
            vec![resolve_one(t)?]
        };
        for k in add {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
    }
    Ok(kinds)
}

pub fn resolve_one(t: &str) -> Result<Kind, String> {
    Kind::from_resource(t).ok_or_else(|| format!("the server doesn't have a resource type \"{t}\""))
}

/// One term of a label selector.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Term {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed `-l` selector: all terms must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector(Vec<Term>);

impl Selector {
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut terms = Vec::new();
        for part in split_top_level(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            terms.push(parse_term(part)?);
        }
        Ok(Selector(terms))
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.0.iter().all(|t| match t {
            Term::Eq(k, v) => labels.get(k) == Some(v),
            Term::NotEq(k, v) => labels.get(k) != Some(v),
            Term::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Term::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Term::Exists(k) => labels.contains_key(k),
            Term::NotExists(k) => !labels.contains_key(k),
        })
    }
}

fn split_top_level(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

fn parse_term(t: &str) -> Result<Term, String> {
    let bad = || format!("unable to parse requirement: found '{t}', expected: identifier");
    if let Some(k) = t.strip_prefix('!') {
        return Ok(Term::NotExists(k.trim().to_string()));
    }
    if let Some((k, v)) = t.split_once("!=") {
        return Ok(Term::NotEq(k.trim().into(), v.trim().into()));
    }
    if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
        return Ok(Term::Eq(k.trim().into(), v.trim().into()));
    }
    for (op, notin) in [(" notin ", true), (" in ", false)] {
        if let Some((k, rest)) = t.split_once(op) {
            let rest = rest.trim();
            let inner = rest
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .ok_or_else(bad)?;
            let vals: Vec<String> = inner.split(',').map(|v| v.trim().to_string()).collect();
            let k = k.trim().to_string();
            return Ok(if notin {
                Term::NotIn(k, vals)
            } else {
                Term::In(k, vals)
            });
        }
    }
    if t.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        return Ok(Term::Exists(t.to_string()));
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        let mut l = Labels::new();
        l.insert("app".into(), "web".into());
        l.insert("tier".into(), "fe".into());
        for (sel, want) in [
            ("app=web", true),
            ("app==web,tier=fe", true),
            ("app!=web", false),
            ("app in (web,db)", true),
            ("tier notin (fe)", false),
            ("app", true),
            ("!app", false),
            ("env", false),
        ] {
            let s = Selector::parse(sel).unwrap_or_default();
            assert_eq!(s.matches(&l), want, "{sel}");
        }
    }

    #[test]
    fn resource_words() {
        let w = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(
            select(&w("svc")),
            Ok((Selection::Kinds(vec![Kind::Service]), false))
        );
        assert_eq!(
            select(&w("deploy,svc")),
            Ok((
                Selection::Kinds(vec![Kind::Deployment, Kind::Service]),
                true
            ))
        );
        assert_eq!(
            select(&w("svc/a deploy/b")),
            Ok((
                Selection::Named(vec![
                    (Kind::Service, "a".into()),
                    (Kind::Deployment, "b".into())
                ]),
                true
            ))
        );
        assert!(select(&w("foo")).is_err());
    }
}
