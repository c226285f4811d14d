//! `kubectl patch TYPE NAME|TYPE/NAME -p PATCH [--type strategic|merge|json]`: the patch (JSON
//! or YAML) is applied to the stored object as the apiserver would — strategic merge (maps merge,
//! `null` deletes, lists with a merge key merge by it), JSON merge patch (RFC 7386) or JSON patch
//! (RFC 6902) — and the result goes through the same update path as apply and replace, so
//! defaults, immutable fields and allocation behave alike.

use serde_json::{Map, Value};

use super::args::Args;
use super::resource::{self, Selection};
use super::Context;
use crate::apiserver::{self, decode, merge, ApplyOutcome};
use crate::error::ApiError;
use crate::CommandOutput;

pub fn run(ctx: &mut Context<'_, '_>, args: &Args) -> CommandOutput {
    let kind_of_patch = args.value("type").unwrap_or("strategic");
    if !matches!(kind_of_patch, "json" | "merge" | "strategic") {
        return fail(&format!(
            "--type must be one of [json merge strategic], not \"{kind_of_patch}\""
        ));
    }
    let Some(raw) = args.value("patch") else {
        return fail("must specify --patch or --patch-file containing the contents of the patch");
    };
    let words = &args.positional[1..];
    let target = match resource::select(words) {
        Ok((Selection::Named(n), _)) if n.len() == 1 => n.into_iter().next(),
        Ok(_) if words.len() <= 1 => {
            return CommandOutput::stderr(
                "error: resource(s) were provided, but no name was specified\n",
                1,
            )
        }
        Ok(_) => None,
        Err(e) => return fail(&e),
    };
    let Some((kind, name)) = target else {
        return fail("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
    };
    let patch: Value = match serde_yaml::from_str::<Value>(raw) {
        Ok(v) => v,
        Err(_) => return fail(&format!("unable to parse \"{raw}\": {}", yaml_error(raw))),
    };
    let ns = ctx.namespace(args);
    let Some(live) = ctx.cluster.store.get(kind, &ns, &name).cloned() else {
        return report(ApiError::NotFound {
            resource: kind.info().plural_qualified(),
            name,
        });
    };
    let current = live.to_value();
    let patched = match kind_of_patch {
        "json" => json_patch(&current, &patch),
        "merge" => Ok(merge_patch(&current, &patch)),
        _ => strategic(&current, &patch),
    };
    let mut patched = match patched {
        Ok(v) => v,
        Err(e) => return report(e),
    };
    drop_nulls(&mut patched);
    let obj = match decode::decode_typed(kind, &patched) {
        Ok(o) => o,
        Err(f) => {
            return report(ApiError::BadRequest {
                message: f.message(kind),
            })
        }
    };
    let qualified = format!("{}/{name}", kind.info().singular_qualified());
    match apiserver::replace_object(ctx.cluster, obj) {
        Ok(ApplyOutcome::Unchanged) => {
            CommandOutput::stdout(format!("{qualified} patched (no change)\n"))
        }
        Ok(_) => CommandOutput::stdout(format!("{qualified} patched\n")),
        Err(e) => report(e),
    }
}

/// go-yaml's wording for a patch that does not parse, as the apiserver's decoder words it.
fn yaml_error(raw: &str) -> String {
    const MARK: &str = "error converting YAML to JSON: ";
    for r in decode::decode_file("patch", raw) {
        if let Err(e) = r {
            let text = e.to_string();
            if let Some((_, detail)) = text.split_once(MARK) {
                // go-yaml names no line for a one-line document that ends unfinished.
                return match detail.strip_prefix("yaml: line 1: ") {
                    Some(rest) if !raw.contains('\n') && rest.starts_with("did not find") => {
                        format!("yaml: {rest}")
                    }
                    _ => detail.to_string(),
                };
            }
        }
    }
    "invalid patch".into()
}

fn fail(msg: &str) -> CommandOutput {
    CommandOutput::stderr(format!("error: {msg}\n"), 1)
}

fn report(e: ApiError) -> CommandOutput {
    CommandOutput::stderr(crate::error::report(&[e]), 1)
}

/// A strategic merge patch must be an object; it merges like apply's merge with no previous
/// manifest (`null` values are dropped afterwards, which deletes them).
fn strategic(current: &Value, patch: &Value) -> Result<Value, ApiError> {
    if !patch.is_object() {
        return Err(ApiError::BadRequest {
            message: "json: cannot unmarshal array into Go value of type map[string]interface {}"
                .into(),
        });
    }
    Ok(merge::three_way(&Value::Object(Map::new()), patch, current))
}

/// RFC 7386: objects merge recursively, `null` removes, anything else replaces.
fn merge_patch(target: &Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            out.remove(k);
        } else {
            let merged = merge_patch(out.get(k).unwrap_or(&Value::Null), v);
            out.insert(k.clone(), merged);
        }
    }
    Value::Object(out)
}

/// RFC 6902 with the operations evanphx/json-patch implements, and its error wording.
fn json_patch(doc: &Value, patch: &Value) -> Result<Value, ApiError> {
    let Value::Array(ops) = patch else {
        return Err(ApiError::BadRequest {
            message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch".into(),
        });
    };
    let mut doc = doc.clone();
    for op in ops {
        let name = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let value = op.get("value").cloned();
        let from = op.get("from").and_then(Value::as_str).unwrap_or("");
        let result = match name {
            "add" => add(&mut doc, path, value.unwrap_or(Value::Null)),
            "remove" => remove(&mut doc, path).map(|_| ()),
            "replace" => remove(&mut doc, path)
                .and_then(|_| add(&mut doc, path, value.unwrap_or(Value::Null))),
            "test" => match doc.pointer(path) {
                Some(v) if Some(v) == value.as_ref() => Ok(()),
                _ => Err("testing value /".to_string() + path.trim_start_matches('/') + " failed"),
            },
            "move" => remove(&mut doc, from).and_then(|v| add(&mut doc, path, v)),
            "copy" => match doc.pointer(from).cloned() {
                Some(v) => add(&mut doc, path, v),
                None => Err(format!(
                    "copy operation does not apply: doc is missing from path: \"{from}\""
                )),
            },
            other => Err(format!("Unexpected kind: {other}")),
        };
        if let Err(message) = result {
            return Err(ApiError::Status {
                reason: "Invalid".into(),
                message: format!(
                    "the server rejected our request due to an error in our request: {message}"
                ),
            });
        }
    }
    Ok(doc)
}

fn split(path: &str) -> Option<(&str, String)> {
    let (parent, last) = path.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let missing = || format!("add operation does not apply: doc is missing path: \"{path}\"");
    let Some((parent, key)) = split(path) else {
        *doc = value;
        return Ok(());
    };
    match doc.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.insert(key, value);
            Ok(())
        }
        Some(Value::Array(a)) => {
            let i = if key == "-" {
                a.len()
            } else {
                key.parse::<usize>().map_err(|_| missing())?
            };
            if i > a.len() {
                return Err(format!("Unable to access invalid index: {i}"));
            }
            a.insert(i, value);
            Ok(())
        }
        _ => Err(missing()),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let missing = || format!("remove operation does not apply: doc is missing path: \"{path}\"");
    let (parent, key) = split(path).ok_or_else(missing)?;
    match doc.pointer_mut(parent) {
        Some(Value::Object(m)) => m.remove(&key).ok_or_else(missing),
        Some(Value::Array(a)) => match key.parse::<usize>() {
            Ok(i) if i < a.len() => Ok(a.remove(i)),
            _ => Err(missing()),
        },
        _ => Err(missing()),
    }
}

/// A `null` left by a patch means "not set" to the typed decoder.
fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}
