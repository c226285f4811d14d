//! A serde `Deserializer` over a borrowed JSON `Value` that remembers where it failed — the one
//! way typed data is decoded in this workspace.
//!
//! The apiserver's strict decoding names the path of an unknown or mistyped field
//! (`spec.template.spec.containers[0].nme`). A general wrapper such as `serde_path_to_error`
//! gives that path but wraps every visitor of every API type in extra layers, which cost about
//! 40 KiB of the page's gzip budget. This walker does only what decoding a `Value` needs: it
//! pushes a segment before descending and pops it after a child decodes, so when an error
//! propagates the stack still holds the path of the failure.
//!
//! **Size rule:** every `Deserialize` type is compiled once per deserializer it meets, so text
//! (JSON, YAML) is first read into a `Value` and only then walked into typed data
//! ([`from_json`], [`from_value`]); decoding typed data straight from `serde_json::from_str` or
//! `serde_yaml::from_str` would compile each type's visitors again.

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Value};

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Decodes `value` into `T`; on failure returns the path where decoding stopped and serde's
/// message (`unknown field `x`, expected …`, `invalid type: string "a", expected i32`).
pub fn from_value<T: de::DeserializeOwned>(value: &Value) -> Result<T, (Vec<Seg>, String)> {
    let mut path = Vec::new();
    match T::deserialize(Walker {
        value,
        path: &mut path,
    }) {
        Ok(t) => Ok(t),
        Err(e) => Err((path, e.to_string())),
    }
}

/// Reads JSON text into `T` through a `Value`, with the failure's path in the message
/// (`steps[0].at: invalid type: …`).
pub fn from_json<T: de::DeserializeOwned>(text: &str) -> Result<T, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    from_value(&value).map_err(|(path, msg)| with_path(&path, &msg))
}

/// `msg` prefixed with `path` in the apiserver's form (`spec.ports[0].port: …`).
pub fn with_path(path: &[Seg], msg: &str) -> String {
    match path_text(path, true) {
        p if p.is_empty() => msg.to_string(),
        p => format!("{p}: {msg}"),
    }
}

/// `spec.ports[0].port`; without `indices`, `spec.ports.port` (encoding/json's field path).
pub fn path_text(path: &[Seg], indices: bool) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) if indices => s.push_str(&format!("[{i}]")),
            Seg::Index(_) => {}
        }
    }
    s
}

struct Walker<'a, 'p> {
    value: &'a Value,
    path: &'p mut Vec<Seg>,
}

type Error = serde_json::Error;

impl<'de> de::Deserializer<'de> for Walker<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(0.0))
                }
            }
            Value::String(s) => visitor.visit_str(s),
            Value::Array(items) => visitor.visit_seq(Items {
                iter: items.iter().enumerate(),
                path: self.path,
            }),
            Value::Object(map) => visitor.visit_map(Entries::new(map, self.path)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            // Unit variants are written as plain strings (`type: ClusterIP`).
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            // Other variants as a map of one entry, `{"Variant": data}`.
            Value::Object(map) if map.len() == 1 => match map.iter().next() {
                Some((variant, value)) => visitor.visit_enum(Variant {
                    name: variant,
                    value,
                    path: self.path,
                }),
                None => Err(de::Error::invalid_length(0, &"a map of one entry")),
            },
            other => Err(de::Error::invalid_type(unexpected(other), &"string or map")),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

struct Variant<'a, 'p> {
    name: &'a str,
    value: &'a Value,
    path: &'p mut Vec<Seg>,
}

impl<'de, 'a, 'p> de::EnumAccess<'de> for Variant<'a, 'p> {
    type Error = Error;
    type Variant = Walker<'a, 'p>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        self.path.push(Seg::Key(self.name.to_string()));
        let k: de::value::StrDeserializer<'_, Error> = self.name.into_deserializer();
        let v = seed.deserialize(k)?;
        Ok((
            v,
            Walker {
                value: self.value,
                path: self.path,
            },
        ))
    }
}

impl<'a> Walker<'a, '_> {
    /// Decodes a variant's data with `f`, then leaves the variant's path segment.
    fn variant_data<R>(
        self,
        f: impl FnOnce(Walker<'a, '_>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let out = f(Walker {
            value: self.value,
            path: &mut *self.path,
        })?;
        self.path.pop();
        Ok(out)
    }
}

impl<'de> de::VariantAccess<'de> for Walker<'_, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        self.variant_data(|w| <() as de::Deserialize>::deserialize(w))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        self.variant_data(|w| seed.deserialize(w))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.variant_data(|w| de::Deserializer::deserialize_seq(w, visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.variant_data(|w| de::Deserializer::deserialize_map(w, visitor))
    }
}

struct Items<'a, 'p> {
    iter: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    path: &'p mut Vec<Seg>,
}

impl<'de> de::SeqAccess<'de> for Items<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some((i, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.path.push(Seg::Index(i));
        let out = seed.deserialize(Walker {
            value,
            path: self.path,
        })?;
        self.path.pop();
        Ok(Some(out))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Entries<'a, 'p> {
    iter: serde_json::map::Iter<'a>,
    pending: Option<&'a Value>,
    path: &'p mut Vec<Seg>,
}

impl<'a, 'p> Entries<'a, 'p> {
    fn new(map: &'a Map<String, Value>, path: &'p mut Vec<Seg>) -> Self {
        Entries {
            iter: map.iter(),
            pending: None,
            path,
        }
    }
}

impl<'de> de::MapAccess<'de> for Entries<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        // The key stays on the path while its value decodes; an unknown key fails here, with
        // the path ending in the key itself.
        self.path.push(Seg::Key(key.clone()));
        self.pending = Some(value);
        let k: de::value::StrDeserializer<'_, Error> = key.as_str().into_deserializer();
        seed.deserialize(k).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.pending.take().unwrap_or(&Value::Null);
        let out = seed.deserialize(Walker {
            value,
            path: self.path,
        })?;
        self.path.pop();
        Ok(out)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Port {
        port: i32,
        name: Option<String>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        ports: Vec<Port>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    enum Shape {
        Dot,
        Line(u32),
        Box { w: u32 },
    }

    #[test]
    fn externally_tagged_enums_in_both_forms() {
        let v = serde_json::json!(["Dot", {"Line": 3}, {"Box": {"w": 2}}]);
        let ours: Vec<Shape> = from_value(&v)
            .map_err(|e| e.1)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ours, vec![Shape::Dot, Shape::Line(3), Shape::Box { w: 2 }]);
        let bad = serde_json::json!([{"Box": {"w": "x"}}]);
        let (path, _) = from_value::<Vec<Shape>>(&bad).err().unwrap_or_default();
        assert_eq!(with_path(&path, "m"), "[0].Box.w: m");
    }

    fn fail(v: Value) -> (Vec<Seg>, String) {
        match from_value::<Spec>(&v) {
            Ok(s) => panic!("decoded {s:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn decodes_like_serde_json() {
        let v =
            serde_json::json!({"ports": [{"port": 80, "name": null}, {"port": 81, "name": "b"}]});
        let ours: Spec = from_value(&v)
            .map_err(|e| e.1)
            .unwrap_or_else(|e| panic!("{e}"));
        let theirs: Spec = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ours, theirs);
    }

    #[test]
    fn failures_carry_the_path_and_serde_message() {
        let cases = [
            (
                serde_json::json!({"ports": [{"port": 80}, {"port": "x"}]}),
                vec![
                    Seg::Key("ports".into()),
                    Seg::Index(1),
                    Seg::Key("port".into()),
                ],
                "invalid type: string \"x\", expected i32",
            ),
            (
                serde_json::json!({"ports": [{"prt": 80}]}),
                vec![
                    Seg::Key("ports".into()),
                    Seg::Index(0),
                    Seg::Key("prt".into()),
                ],
                "unknown field `prt`, expected `port` or `name`",
            ),
            (
                serde_json::json!({"ports": {"port": 1}}),
                vec![Seg::Key("ports".into())],
                "invalid type: map, expected a sequence",
            ),
        ];
        for (value, path, msg) in cases {
            let (p, m) = fail(value);
            assert_eq!((p, m.as_str()), (path, msg));
        }
    }
}
