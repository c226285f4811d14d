//! `kubectl apply`'s three-way merge, on JSON: fields in the new manifest win, fields the previous
//! manifest (the last-applied annotation) had but the new one dropped are removed, and fields
//! neither manifest mentions — what the server filled in, such as `clusterIP` and `nodePort` —
//! are kept. Lists of objects merge by their strategic-merge key (containers and env by `name`,
//! Service ports by `port`, container ports by `containerPort`); other lists are replaced.

use serde_json::{Map, Value};

/// Merges `modified` (the manifest) into `live`, given `original` (the previous manifest).
pub fn three_way(original: &Value, modified: &Value, live: &Value) -> Value {
    merge_value(Some(original), modified, live, "")
}

fn merge_value(original: Option<&Value>, modified: &Value, live: &Value, key: &str) -> Value {
    match (modified, live) {
        (Value::Object(m), Value::Object(l)) => {
            let o = original.and_then(Value::as_object);
            Value::Object(merge_map(o, m, l))
        }
        (Value::Array(m), Value::Array(l)) => match merge_key(key, m) {
            Some(k) => Value::Array(merge_list(original.and_then(Value::as_array), m, l, k)),
            None => modified.clone(),
        },
        _ => modified.clone(),
    }
}

fn merge_map(
    original: Option<&Map<String, Value>>,
    modified: &Map<String, Value>,
    live: &Map<String, Value>,
) -> Map<String, Value> {
    let mut out = live.clone();
    if let Some(o) = original {
        for k in o.keys() {
            if !modified.contains_key(k) {
                out.remove(k);
            }
        }
    }
    for (k, mv) in modified {
        let ov = original.and_then(|o| o.get(k));
        let merged = match live.get(k) {
            Some(lv) => merge_value(ov, mv, lv, k),
            None => mv.clone(),
        };
        out.insert(k.clone(), merged);
    }
    out
}

/// The patch merge key of the list stored under `key`, when its items are objects carrying it.
fn merge_key(key: &str, items: &[Value]) -> Option<&'static str> {
    let k = match key {
        "containers" | "initContainers" | "env" | "volumes" => "name",
        "ports" => {
            if items.iter().any(|i| i.get("containerPort").is_some()) {
                "containerPort"
            } else {
                "port"
            }
        }
        "volumeMounts" => "mountPath",
        _ => return None,
    };
    items.iter().all(|i| i.get(k).is_some()).then_some(k)
}

fn merge_list(
    original: Option<&Vec<Value>>,
    modified: &[Value],
    live: &[Value],
    key: &str,
) -> Vec<Value> {
    let find = |list: &[Value], v: &Value| -> Option<Value> {
        list.iter().find(|i| i.get(key) == v.get(key)).cloned()
    };
    // Modified items in manifest order, each merged with its live and original counterpart;
    // live items no manifest mentioned stay, after them.
    let mut out: Vec<Value> = modified
        .iter()
        .map(|m| {
            let o = original.and_then(|o| find(o, m));
            match find(live, m) {
                Some(l) => merge_value(o.as_ref(), m, &l, ""),
                None => m.clone(),
            }
        })
        .collect();
    for l in live {
        let in_modified = modified.iter().any(|m| m.get(key) == l.get(key));
        let in_original = original.is_some_and(|o| o.iter().any(|i| i.get(key) == l.get(key)));
        if !in_modified && !in_original {
            out.push(l.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_server_fields_and_drops_removed_ones() {
        let original = json!({"spec": {"type": "NodePort", "selector": {"app": "a"}, "ports": [{"port": 80}]}});
        let modified =
            json!({"spec": {"type": "NodePort", "ports": [{"port": 80, "name": "http"}]}});
        let live = json!({"spec": {"type": "NodePort", "clusterIP": "10.100.0.1", "selector": {"app": "a"},
            "ports": [{"port": 80, "nodePort": 31000, "protocol": "TCP"}]}});
        let got = three_way(&original, &modified, &live);
        assert_eq!(
            got,
            json!({"spec": {"type": "NodePort", "clusterIP": "10.100.0.1",
                "ports": [{"port": 80, "nodePort": 31000, "protocol": "TCP", "name": "http"}]}})
        );
    }
}
