//! Manifest decoding as kubectl's resource builder does it: a file is split into YAML documents
//! on `---` lines (or read as JSON), each document becomes JSON, `kind: List` expands into its
//! items, and `apiVersion`/`kind` are mapped to a served kind. Errors carry kubectl's wording,
//! including go-yaml's line numbering (parser errors report one line less than scanner errors).

use serde_json::Value;

use crate::api::{Kind, Object};
use crate::error::ApiError;
use crate::walk::{self as tracked, Seg};

/// One decoded document, still untyped: apply needs the manifest exactly as written (for the
/// last-applied annotation and the merge), create and delete need only its identity.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The path as the user typed it (`deploy.yaml`, `dir/svc.yaml`), for error messages.
    pub source: String,
    pub kind: Kind,
    pub value: Value,
}

impl Manifest {
    pub fn name(&self) -> &str {
        self.value
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.value
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// Decodes every document of one file. Documents that decode are returned even when a later one
/// fails: kubectl applies what it could read and reports the rest.
pub fn decode_file(source: &str, text: &str) -> Vec<Result<Manifest, ApiError>> {
    let mut out = Vec::new();
    for doc in split_documents(text) {
        let value = match parse_document(source, &doc) {
            Ok(Some(v)) => v,
            Ok(None) => continue,
            Err(e) => {
                // A syntax error ends the stream, as in kubectl's StreamVisitor.
                out.push(Err(e));
                break;
            }
        };
        expand(source, value, &mut out);
    }
    out
}

fn expand(source: &str, value: Value, out: &mut Vec<Result<Manifest, ApiError>>) {
    let is_list = value.get("kind").and_then(Value::as_str) == Some("List")
        || value
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List") && value.get("items").is_some());
    if is_list {
        if let Some(Value::Array(items)) = value.get("items") {
            for item in items.clone() {
                out.push(identify(source, item));
            }
        }
        return;
    }
    out.push(identify(source, value));
}

/// Splits on document separator lines (`---`, optionally followed by a comment).
fn split_documents(text: &str) -> Vec<String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return vec![text.to_string()];
    }
    let mut docs = vec![String::new()];
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") {
            docs.push(String::new());
            continue;
        }
        if let Some(last) = docs.last_mut() {
            last.push_str(line);
        }
    }
    docs
}

/// Parses one document into JSON; `Ok(None)` for documents with only comments or whitespace.
fn parse_document(source: &str, doc: &str) -> Result<Option<Value>, ApiError> {
    let parse_error = |detail: String| ApiError::Client {
        message: format!("error parsing {source}: error converting YAML to JSON: {detail}"),
    };
    crate::limits::check_yaml_depth(doc).map_err(parse_error)?;
    let yaml: serde_yaml::Value = match serde_yaml::from_str(doc) {
        Ok(v) => v,
        Err(e) => return Err(parse_error(go_yaml_message(&e))),
    };
    if yaml.is_null() {
        return Ok(None);
    }
    match serde_json::to_value(&yaml) {
        Ok(Value::Null) => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(e) => Err(parse_error(format!("yaml: {e}"))),
    }
}

/// Rewrites a libyaml error as go-yaml prints it: `yaml: line N: problem`.
fn go_yaml_message(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    let problem = text.split(" at line ").next().unwrap_or(&text).to_string();
    let Some(loc) = e.location() else {
        return format!("yaml: {problem}");
    };
    // go-yaml adds one to the 0-based mark only for scanner errors; parser errors ("did not
    // find expected …") therefore name the line before the one libyaml points at.
    let is_parser_error =
        problem.starts_with("did not find expected") || problem.starts_with("found undefined tag");
    let line = if is_parser_error {
        loc.line().saturating_sub(1)
    } else {
        loc.line()
    };
    if line == 0 {
        format!("yaml: {problem}")
    } else {
        format!("yaml: line {line}: {problem}")
    }
}

/// Maps `apiVersion` + `kind` to a served kind, with kubectl's errors for missing or unknown ones.
fn identify(source: &str, value: Value) -> Result<Manifest, ApiError> {
    let api_version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut missing = Vec::new();
    if api_version.is_empty() {
        missing.push("apiVersion not set");
    }
    if kind.is_empty() {
        missing.push("kind not set");
    }
    if !missing.is_empty() {
        let what = if missing.len() == 1 {
            missing[0].to_string()
        } else {
            format!("[{}]", missing.join(", "))
        };
        return Err(ApiError::Client {
            message: format!(
                "error validating \"{source}\": error validating data: {what}; if you choose to ignore these errors, turn validation off with --validate=false"
            ),
        });
    }
    match Kind::from_api_version_kind(api_version, kind) {
        Some(k) => Ok(Manifest {
            source: source.to_string(),
            kind: k,
            value,
        }),
        None => {
            let name = value
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let namespace = value
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("");
            Err(ApiError::Client {
                message: format!(
                    "resource mapping not found for name: \"{name}\" namespace: \"{namespace}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first"
                ),
            })
        }
    }
}

/// How a strict decode failed: unknown fields (all of them, with full paths) or a type error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeFailure {
    UnknownFields(Vec<String>),
    /// Go's `json: cannot unmarshal …` text.
    Type(String),
}

impl DecodeFailure {
    /// The BadRequest text, e.g. `Deployment in version "v1" cannot be handled as a Deployment:
    /// strict decoding error: unknown field "spec.replica"`.
    pub fn message(&self, kind: Kind) -> String {
        let info = kind.info();
        let head = format!(
            "{} in version \"{}\" cannot be handled as a {}",
            info.kind, info.version, info.kind
        );
        match self {
            DecodeFailure::UnknownFields(paths) => {
                let list: Vec<String> = paths
                    .iter()
                    .map(|p| format!("unknown field \"{p}\""))
                    .collect();
                format!("{head}: strict decoding error: {}", list.join(", "))
            }
            DecodeFailure::Type(t) => format!("{head}: {t}"),
        }
    }
}

/// Decodes into the typed object, rejecting unknown fields as the apiserver's strict field
/// validation does. [`tracked::from_value`] gives the path of the first failure; removing each
/// unknown field and retrying collects all of them, which is what the apiserver reports.
pub fn decode_typed(kind: Kind, value: &Value) -> Result<Object, DecodeFailure> {
    // Copied only when an unknown field has to be removed.
    let mut work = std::borrow::Cow::Borrowed(value);
    let mut unknown = Vec::new();
    // Bounded: each round removes one field from a finite document.
    for _ in 0..64 {
        let result: Result<Object, _> = decode_once(kind, &work);
        match result {
            Ok(obj) if unknown.is_empty() => return Ok(obj),
            Ok(_) => return Err(DecodeFailure::UnknownFields(unknown)),
            Err((path, msg)) => {
                if let Some(field) = unknown_field_name(&msg) {
                    // The error path ends with the unknown key itself.
                    let mut path = path;
                    if matches!(path.last(), Some(Seg::Key(k)) if *k == field) {
                        path.pop();
                    }
                    let full = join_path(&path, &field);
                    if !remove_at(work.to_mut(), &path, &field) {
                        unknown.push(full);
                        return Err(DecodeFailure::UnknownFields(unknown));
                    }
                    unknown.push(full);
                } else if !unknown.is_empty() {
                    return Err(DecodeFailure::UnknownFields(unknown));
                } else {
                    return Err(DecodeFailure::Type(type_error(kind, &path, &msg)));
                }
            }
        }
    }
    Err(DecodeFailure::UnknownFields(unknown))
}

type PathSegs = Vec<Seg>;

fn decode_once(kind: Kind, value: &Value) -> Result<Object, (PathSegs, String)> {
    macro_rules! typed {
        ($variant:ident) => {
            tracked::from_value(value).map(Object::$variant)
        };
    }
    match kind {
        Kind::Namespace => typed!(Namespace),
        Kind::Node => typed!(Node),
        Kind::Pod => typed!(Pod),
        Kind::Service => typed!(Service),
        Kind::Endpoints => typed!(Endpoints),
        Kind::ConfigMap => typed!(ConfigMap),
        Kind::Event => typed!(Event),
        Kind::Deployment => typed!(Deployment),
        Kind::ReplicaSet => typed!(ReplicaSet),
        Kind::StatefulSet => typed!(StatefulSet),
        Kind::EndpointSlice => typed!(EndpointSlice),
        Kind::NetworkPolicy => typed!(NetworkPolicy),
    }
}

fn unknown_field_name(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    Some(rest.split('`').next()?.to_string())
}

/// `spec.template.spec.containers[0].nme` — the apiserver's path form.
fn join_path(path: &[Seg], field: &str) -> String {
    let mut s = tracked::path_text(path, true);
    if !s.is_empty() {
        s.push('.');
    }
    s.push_str(field);
    s
}

fn remove_at(value: &mut Value, path: &[Seg], field: &str) -> bool {
    let mut cur = value;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => match m.get_mut(k) {
                Some(v) => v,
                None => return false,
            },
            (Seg::Index(i), Value::Array(a)) => match a.get_mut(*i) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match cur {
        Value::Object(m) => m.remove(field).is_some(),
        _ => false,
    }
}

/// Approximates encoding/json's `cannot unmarshal X into Go struct field T.path of type Y`.
fn type_error(kind: Kind, path: &[Seg], msg: &str) -> String {
    // serde: "invalid type: string \"abc\", expected i32"
    let got = if msg.contains("invalid type: string") {
        "string"
    } else if msg.contains("invalid type: integer") || msg.contains("invalid type: floating") {
        "number"
    } else if msg.contains("invalid type: boolean") {
        "bool"
    } else if msg.contains("invalid type: map") {
        "object"
    } else if msg.contains("invalid type: sequence") {
        "array"
    } else {
        return format!("json: {msg}");
    };
    let want = if msg.contains("expected i32") {
        "int32"
    } else if msg.contains("expected i64") {
        "int64"
    } else if msg.contains("expected a boolean") {
        "bool"
    } else if msg.contains("expected a string") {
        "string"
    } else if msg.contains("expected a sequence") {
        "[]string"
    } else if msg.contains("expected struct") {
        "struct"
    } else {
        "map[string]string"
    };
    // encoding/json names the map field, not the key inside it (`metadata.labels`).
    const MAPS: &[&str] = &[
        "labels",
        "annotations",
        "matchLabels",
        "nodeSelector",
        "data",
        "binaryData",
        "selector",
    ];
    let in_map = path.len() >= 2
        && matches!(path.get(path.len() - 2), Some(Seg::Key(k)) if MAPS.contains(&k.as_str()))
        && matches!(path.last(), Some(Seg::Key(k)) if k != "matchLabels" && k != "matchExpressions");
    let path = if in_map {
        &path[..path.len() - 1]
    } else {
        path
    };
    let go_struct = go_struct_name(kind, path);
    format!(
        "json: cannot unmarshal {got} into Go struct field {go_struct}.{} of type {want}",
        tracked::path_text(path, false)
    )
}

/// The Go type holding the failing field, by the name of its parent key.
fn go_struct_name(kind: Kind, path: &[Seg]) -> String {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    let parent = keys.len().checked_sub(2).and_then(|i| keys.get(i)).copied();
    let k = kind.info().kind;
    match parent {
        None => k.to_string(),
        Some("metadata") => "ObjectMeta".into(),
        Some("spec") if keys.len() == 2 => format!("{k}Spec"),
        Some("spec") => "PodSpec".into(),
        Some("template") => "PodTemplateSpec".into(),
        Some("ports") if kind == Kind::Service => "ServicePort".into(),
        Some("ports") => "ContainerPort".into(),
        Some("containers") | Some("initContainers") => "Container".into(),
        Some("selector") => "LabelSelector".into(),
        Some(other) => {
            let mut c = other.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => k.to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_errors_use_go_yaml_lines() {
        let cases = [
            (
                "a: b\nc: d: e\n",
                "yaml: line 2: mapping values are not allowed in this context",
            ),
            (
                "a:\n  b: c\n d: e\n",
                "yaml: line 2: did not find expected key",
            ),
        ];
        for (text, want) in cases {
            let got = decode_file("f.yaml", text);
            let msg = match got.first() {
                Some(Err(e)) => e.to_string(),
                other => panic!("expected an error, got {other:?}"),
            };
            assert_eq!(
                msg,
                format!("error: error parsing f.yaml: error converting YAML to JSON: {want}")
            );
        }
    }

    #[test]
    fn unknown_fields_are_all_reported_with_paths() {
        let v: Value = serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x"},
            "spec": {"replica": 2, "template": {"spec": {"containers": [{"name": "a", "imagee": "b"}]}}}
        });
        let got = decode_typed(Kind::Deployment, &v);
        assert_eq!(
            got,
            Err(DecodeFailure::UnknownFields(vec![
                "spec.replica".into(),
                "spec.template.spec.containers[0].imagee".into()
            ]))
        );
    }
}
