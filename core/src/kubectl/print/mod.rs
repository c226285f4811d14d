//! Printers: kubectl's tables (`columns`), `-o yaml` (`yaml`), `-o json` and `-o name`.

pub mod columns;
pub mod yaml;

use serde::Serialize;
use serde_json::Value;

use crate::api::Object;

/// What `-o` asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Wide,
    Yaml,
    Json,
    Name,
    /// `-o jsonpath=…`, `-o jsonpath-file=…` and friends: the template text.
    JsonPath(String),
    /// `-o custom-columns=HEADER:PATH,…`: the spec after `=`.
    CustomColumns(String),
}

impl Format {
    /// Parses an `-o` value; `Err` carries kubectl's message.
    pub fn parse(s: Option<&str>) -> Result<Format, String> {
        let Some(s) = s else {
            return Ok(Format::Table);
        };
        Ok(match s {
            "" => Format::Table,
            "wide" => Format::Wide,
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "name" => Format::Name,
            "custom-columns" => Format::CustomColumns(String::new()),
            other => match other.split_once('=') {
                Some(("jsonpath", t)) | Some(("jsonpath-as-json", t)) => {
                    Format::JsonPath(t.to_string())
                }
                Some(("custom-columns", spec)) => Format::CustomColumns(spec.to_string()),
                _ => {
                    return Err(format!(
                        "unable to match a printer suitable for the output format \"{other}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
                    ))
                }
            },
        })
    }
}

/// `kind.group/name`, as `-o name` and multi-kind tables print it.
pub fn qualified_name(obj: &Object) -> String {
    format!(
        "{}/{}",
        obj.kind().info().singular_qualified(),
        obj.meta().name
    )
}

/// Objects as one value: the object itself, or a `kind: List` for several (or a list query).
pub fn as_value(objects: &[&Object], single: bool) -> Value {
    if single {
        if let [one] = objects {
            return one.to_value();
        }
    }
    let items: Vec<Value> = objects.iter().map(|o| o.to_value()).collect();
    serde_json::json!({
        "apiVersion": "v1",
        "items": items,
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

/// `json.MarshalIndent(v, "", "    ")` plus the newline kubectl adds.
pub fn to_json(v: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if v.serialize(&mut ser).is_err() {
        return String::new();
    }
    let text = String::from_utf8(buf).unwrap_or_default();
    // encoding/json escapes HTML-significant characters; outside strings they cannot occur.
    let mut s = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        match c {
            '<' => s.push_str("\\u003c"),
            '>' => s.push_str("\\u003e"),
            '&' => s.push_str("\\u0026"),
            '\u{2028}' => s.push_str("\\u2028"),
            '\u{2029}' => s.push_str("\\u2029"),
            c => s.push(c),
        }
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_like_encoding_json() {
        let v = serde_json::json!({"b": [], "a": {"x": "<a&b>"}, "c": {}});
        assert_eq!(
            to_json(&v),
            "{\n    \"a\": {\n        \"x\": \"\\u003ca\\u0026b\\u003e\"\n    },\n    \"b\": [],\n    \"c\": {}\n}\n"
        );
    }
}
