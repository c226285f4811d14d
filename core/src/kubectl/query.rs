//! What `kubectl get` does to a list besides fetching it: `--field-selector` (answered as the
//! apiserver does, with its per-kind field labels and its BadRequest wording), `--sort-by`
//! (kubectl's client-side sorter: first JSONPath result, missing values first, numbers by
//! value, strings in `sortorder.NaturalLess` order) and `-o custom-columns=HEADER:PATH,…`.

use std::cmp::Ordering;

use serde_json::Value;

use super::jsonpath;
use super::table;
use crate::api::{Kind, Object};

/// One `key=value`, `key==value` or `key!=value` term of a field selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldTerm {
    pub field: String,
    pub value: String,
    pub equal: bool,
}

/// A parsed `--field-selector`, with the raw text the error messages quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSelector {
    pub raw: String,
    pub terms: Vec<FieldTerm>,
}

impl FieldSelector {
    /// `fields.ParseSelector`: comma-joined terms; `Err` is the apiserver's message.
    pub fn parse(raw: &str) -> Result<FieldSelector, String> {
        let mut terms = Vec::new();
        for part in raw.split(',').filter(|p| !p.is_empty()) {
            let (field, value, equal) = if let Some((f, v)) = part.split_once("!=") {
                (f, v, false)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, v, true)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, v, true)
            } else {
                return Err(format!(
                    "invalid selector: '{raw}'; can't understand '{part}'"
                ));
            };
            terms.push(FieldTerm {
                field: field.trim().to_string(),
                value: value.trim().to_string(),
                equal,
            });
        }
        Ok(FieldSelector {
            raw: raw.to_string(),
            terms,
        })
    }

    /// The apiserver's field-label check for `kind` (core/v1 `conversion.go`; other kinds know
    /// only `metadata.name` and `metadata.namespace`).
    pub fn check(&self, kind: Kind) -> Result<(), String> {
        for t in &self.terms {
            let f = t.field.as_str();
            let known: &[&str] = match kind {
                Kind::Pod => &[
                    "metadata.name",
                    "metadata.namespace",
                    "spec.nodeName",
                    "spec.restartPolicy",
                    "spec.schedulerName",
                    "spec.serviceAccountName",
                    "spec.hostNetwork",
                    "status.phase",
                    "status.podIP",
                    "status.podIPs",
                    "status.nominatedNodeName",
                    "spec.host",
                ],
                Kind::Node => &["metadata.name", "spec.unschedulable"],
                Kind::Namespace => &["status.phase", "metadata.name"],
                Kind::Service => &[
                    "metadata.namespace",
                    "metadata.name",
                    "spec.clusterIP",
                    "spec.type",
                ],
                Kind::Event => &[
                    "involvedObject.kind",
                    "involvedObject.namespace",
                    "involvedObject.name",
                    "involvedObject.uid",
                    "involvedObject.apiVersion",
                    "involvedObject.resourceVersion",
                    "involvedObject.fieldPath",
                    "reason",
                    "reportingComponent",
                    "source",
                    "type",
                    "metadata.namespace",
                    "metadata.name",
                ],
                Kind::ReplicaSet => &["metadata.name", "metadata.namespace", "status.replicas"],
                _ => {
                    if f == "metadata.name" || f == "metadata.namespace" {
                        continue;
                    }
                    return Err(format!(
                        "\"{f}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                    ));
                }
            };
            if !known.contains(&f) {
                return Err(format!("field label not supported: {f}"));
            }
        }
        Ok(())
    }

    pub fn matches(&self, obj: &Object) -> bool {
        let v = obj.to_value();
        self.terms.iter().all(|t| {
            let field = if t.field == "spec.host" {
                "spec.nodeName"
            } else {
                t.field.as_str()
            };
            (field_value(&v, field) == t.value) == t.equal
        })
    }
}

/// The string the apiserver's `GetAttrs` gives a field: booleans as `true`/`false` (absent is
/// false), numbers in decimal, absent strings empty.
fn field_value(v: &Value, path: &str) -> String {
    let mut cur = Some(v);
    for part in path.split('.') {
        cur = cur.and_then(|c| c.get(part));
    }
    match cur {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(a)) => a
            .first()
            .and_then(|x| x.get("ip"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        None if path == "spec.hostNetwork" || path == "spec.unschedulable" => "false".into(),
        _ => String::new(),
    }
}

/// The resource as client-go's `GroupVersionResource.String()` prints it.
pub fn gvr(kind: Kind) -> String {
    let i = kind.info();
    format!("{}/{}, Resource={}", i.group, i.version, i.plural)
}

/// kubectl's wrapper around a BadRequest from a list call with selectors.
pub fn list_error(kind: Kind, labels: &str, fields: &str, message: &str) -> String {
    format!(
        "Error from server (BadRequest): Unable to find \"{}\" that match label selector \"{labels}\", field selector \"{fields}\": {message}\n",
        gvr(kind)
    )
}

/// Sorts `objects` by `--sort-by` (stable, so equal keys keep the server's order). `Err` is
/// kubectl's message when the expression is bad or no object has the field.
pub fn sort(objects: &mut [Object], expr: &str) -> Result<(), String> {
    if objects.is_empty() {
        return Ok(());
    }
    let field = jsonpath::relaxed(expr)?;
    let mut keyed: Vec<(Option<Value>, Object)> = Vec::with_capacity(objects.len());
    for o in objects.iter() {
        let first = jsonpath::relaxed_results(expr, &o.to_value())?
            .into_iter()
            .next();
        keyed.push((first, o.clone()));
    }
    if objects.len() > 1 && keyed.iter().all(|(k, _)| k.is_none()) {
        return Err(format!(
            "couldn't find any field with path \"{field}\" in the list of objects"
        ));
    }
    keyed.sort_by(|(a, _), (b, _)| compare(a.as_ref(), b.as_ref()));
    for (slot, (_, o)) in objects.iter_mut().zip(keyed) {
        *slot = o;
    }
    Ok(())
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i.cmp(&j),
            _ => x.to_string().cmp(&y.to_string()),
        },
        (Some(Value::String(x)), Some(Value::String(y))) => natural_cmp(x, y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// `sortorder.NaturalLess` as an ordering: runs of digits compare by value (then fewer leading
/// zeros first), digits sort before other bytes, other bytes compare bytewise.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        let (dx, dy) = (x[i].is_ascii_digit(), y[j].is_ascii_digit());
        if dx != dy {
            return if dx {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        if !dx {
            if x[i] != y[j] {
                return x[i].cmp(&y[j]);
            }
            i += 1;
            j += 1;
            continue;
        }
        while i < x.len() && x[i] == b'0' {
            i += 1;
        }
        while j < y.len() && y[j] == b'0' {
            j += 1;
        }
        let (si, sj) = (i, j);
        while i < x.len() && x[i].is_ascii_digit() {
            i += 1;
        }
        while j < y.len() && y[j].is_ascii_digit() {
            j += 1;
        }
        let ord = (i - si)
            .cmp(&(j - sj))
            .then_with(|| x[si..i].cmp(&y[sj..j]))
            .then_with(|| si.cmp(&sj));
        if ord != Ordering::Equal {
            return ord;
        }
    }
    (x.len() - i).cmp(&(y.len() - j))
}

/// One `HEADER:PATH` column of `-o custom-columns`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub path: String,
}

/// `NewCustomColumnsPrinterFromSpec`: `Err` is kubectl's message.
pub fn parse_columns(spec: &str) -> Result<Vec<Column>, String> {
    if spec.is_empty() {
        return Err("custom-columns format specified but no custom columns given".into());
    }
    spec.split(',')
        .map(|part| match part.split_once(':') {
            Some((h, p)) => {
                jsonpath::relaxed(p)?;
                Ok(Column {
                    header: h.to_string(),
                    path: p.to_string(),
                })
            }
            None => Err(format!(
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )),
        })
        .collect()
}

/// The custom-columns table: headers as given (unless `no_headers`), one row per object.
pub fn custom_columns(
    columns: &[Column],
    objects: &[&Object],
    no_headers: bool,
) -> Result<String, String> {
    let mut rows = Vec::new();
    if !no_headers {
        rows.push(columns.iter().map(|c| c.header.clone()).collect());
    }
    for o in objects {
        let v = o.to_value();
        let row: Result<Vec<String>, String> = columns
            .iter()
            .map(|c| jsonpath::custom_column(&c.path, &v))
            .collect();
        rows.push(row?);
    }
    Ok(table::render(&rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec![
            "web-10",
            "web-9",
            "web-1",
            "Web",
            "10.0.0.12",
            "10.0.0.3",
            "web",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            [
                "10.0.0.3",
                "10.0.0.12",
                "Web",
                "web",
                "web-1",
                "web-9",
                "web-10"
            ]
        );
    }

    #[test]
    fn field_selector_terms() {
        let s = FieldSelector::parse("status.phase!=Running,metadata.name==web")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.terms.len(), 2);
        assert!(!s.terms[0].equal && s.terms[1].equal);
        assert_eq!(
            FieldSelector::parse("foo"),
            Err("invalid selector: 'foo'; can't understand 'foo'".into())
        );
        assert_eq!(
            parse_columns("NAME"),
            Err("unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>".into())
        );
    }
}
