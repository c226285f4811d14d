//! Validation with the apiserver's exact wording (apimachinery `validation.go`, `field/errors.go`
//! as of 1.33: composite values print as Go `%#v`). Each kind's rules live in its own file; this
//! file holds the shared name, label and selector checks and the value renderers.

mod policy;
mod service;
mod workload;

pub use policy::validate_network_policy;
pub use service::{
    validate_cluster_ips as validate_service_cluster_ips, validate_service, validate_service_update,
};
pub use workload::{
    validate_pod, validate_pod_update, validate_workload, validate_workload_update,
};

use std::collections::BTreeMap;

use crate::api::{ConfigMap, Kind, LabelSelector, Object, ObjectMeta};
use crate::error::FieldError;

pub const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
pub const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
pub const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// Runs the kind's validation for a create.
pub fn validate_create(obj: &Object) -> Vec<FieldError> {
    let mut errs = validate_meta(obj.kind(), obj.meta());
    match obj {
        Object::Service(s) => errs.extend(validate_service(s)),
        Object::Pod(p) => errs.extend(validate_pod(p)),
        Object::NetworkPolicy(n) => errs.extend(validate_network_policy(n)),
        Object::ConfigMap(cm) => errs.extend(validate_config_map(cm)),
        Object::Deployment(_) | Object::ReplicaSet(_) | Object::StatefulSet(_) => {
            errs.extend(validate_workload(obj))
        }
        _ => {}
    }
    errs
}

/// Runs the kind's validation for an update of `old` into `new` (both defaulted).
pub fn validate_update(old: &Object, new: &Object) -> Vec<FieldError> {
    let mut errs = validate_create(new);
    match (old, new) {
        (Object::Pod(o), Object::Pod(n)) => errs.extend(validate_pod_update(o, n)),
        _ => errs.extend(validate_workload_update(old, new)),
    }
    errs
}

/// `metadata.name` rules per kind, plus labels.
pub fn validate_meta(kind: Kind, meta: &ObjectMeta) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if meta.name.is_empty() {
        if meta.generate_name.is_none() {
            errs.push(FieldError::new(
                "metadata.name",
                "Required value: name or generateName is required",
            ));
        }
    } else {
        let problems = match kind {
            Kind::Service => dns1035_label(&meta.name),
            Kind::Namespace => dns1123_label(&meta.name),
            _ => dns1123_subdomain(&meta.name),
        };
        for p in problems {
            errs.push(invalid_str("metadata.name", &meta.name, &p));
        }
    }
    errs.extend(validate_labels(&meta.labels, "metadata.labels"));
    errs
}

pub fn validate_labels(labels: &BTreeMap<String, String>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in labels {
        for p in qualified_name(k) {
            errs.push(invalid_str(path, k, &p));
        }
        for p in label_value(v) {
            errs.push(invalid_str(path, v, &p));
        }
    }
    errs
}

/// ConfigMap keys (`IsConfigMapKey`), in data and binaryData, which may not share a key.
fn validate_config_map(cm: &ConfigMap) -> Vec<FieldError> {
    const KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
    let mut errs = Vec::new();
    for (field, keys) in [("data", &cm.data), ("binaryData", &cm.binary_data)] {
        for key in keys.keys() {
            let path = format!("{field}[{key}]");
            if key.len() > 253 {
                errs.push(invalid_str(
                    &path,
                    key,
                    "must be no more than 253 characters",
                ));
            }
            let chars_ok = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
            if !chars_ok {
                errs.push(invalid_str(&path, key, KEY_MSG));
            } else if key == "." || key == ".." {
                errs.push(invalid_str(&path, key, &format!("must not be '{key}'")));
            } else if key.starts_with("..") {
                errs.push(invalid_str(&path, key, "must not start with '..'"));
            }
        }
    }
    for key in cm.data.keys() {
        if cm.binary_data.contains_key(key) {
            errs.push(invalid_str(
                &format!("data[{key}]"),
                key,
                "duplicate of key present in binaryData",
            ));
        }
    }
    errs
}

/// `metav1validation.ValidateLabelSelector`: operators and keys.
pub fn validate_label_selector(sel: &LabelSelector, path: &str) -> Vec<FieldError> {
    let mut errs = validate_labels(&sel.match_labels, &format!("{path}.matchLabels"));
    for (i, r) in sel.match_expressions.iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        match r.operator.as_str() {
            "In" | "NotIn" if r.values.is_empty() => errs.push(FieldError::new(
                format!("{p}.values"),
                "Required value: must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if !r.values.is_empty() => errs.push(FieldError::new(
                format!("{p}.values"),
                "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => errs.push(invalid_str(
                &format!("{p}.operator"),
                other,
                "not a valid selector operator",
            )),
        }
        for problem in qualified_name(&r.key) {
            errs.push(invalid_str(&format!("{p}.key"), &r.key, &problem));
        }
    }
    errs
}

/// `field.Invalid` with a string value: `path: Invalid value: "v": detail`.
pub fn invalid_str(path: &str, value: &str, detail: &str) -> FieldError {
    FieldError::new(
        path,
        format!("Invalid value: {}: {detail}", go_quote(value)),
    )
}

pub fn invalid_int(path: &str, value: i64, detail: &str) -> FieldError {
    FieldError::new(path, format!("Invalid value: {value}: {detail}"))
}

/// `field.NotSupported`: `Unsupported value: "x": supported values: "a", "b"`.
pub fn unsupported(path: &str, value: &str, supported: &[&str]) -> FieldError {
    let list: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
    FieldError::new(
        path,
        format!(
            "Unsupported value: {}: supported values: {}",
            go_quote(value),
            list.join(", ")
        ),
    )
}

/// Go's `%q` for the strings users type (escapes quotes, backslashes and control characters).
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `%#v` of a `map[string]string`: `map[string]string{"a":"b", "c":"d"}`, nil when empty.
pub fn go_map(m: &BTreeMap<String, String>) -> String {
    if m.is_empty() {
        return "map[string]string(nil)".into();
    }
    let items: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v)))
        .collect();
    format!("map[string]string{{{}}}", items.join(", "))
}

/// `%#v` of a `[]string`.
pub fn go_strings(v: &[String]) -> String {
    if v.is_empty() {
        return "[]string(nil)".into();
    }
    let items: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    format!("[]string{{{}}}", items.join(", "))
}

/// `%#v` of a `v1.LabelSelector`.
pub fn go_selector(s: &LabelSelector) -> String {
    let exprs = if s.match_expressions.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = s
            .match_expressions
            .iter()
            .map(|r| {
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                    go_quote(&r.key),
                    go_quote(&r.operator),
                    go_strings(&r.values)
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{exprs}}}",
        go_map(&s.match_labels)
    )
}

fn is_alnum_lower(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `IsDNS1123Label`: problems, empty when valid.
pub fn dns1123_label(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.len() > 63 {
        out.push("must be no more than 63 characters".to_string());
    }
    let ok = !s.is_empty()
        && s.chars().all(|c| is_alnum_lower(c) || c == '-')
        && s.starts_with(is_alnum_lower)
        && s.ends_with(is_alnum_lower);
    if !ok {
        // A valid subdomain that is not a valid label can only be wrong by its dots.
        if s.contains('.') && dns1123_subdomain(s).is_empty() {
            out.push("must not contain dots".to_string());
        } else {
            out.push(DNS1123_LABEL_MSG.to_string());
        }
    }
    out
}

/// `IsDNS1123Subdomain`.
pub fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.len() > 253 {
        out.push("must be no more than 253 characters".to_string());
    }
    let ok = !s.is_empty()
        && s.split('.').all(|part| {
            !part.is_empty()
                && part.chars().all(|c| is_alnum_lower(c) || c == '-')
                && part.starts_with(is_alnum_lower)
                && part.ends_with(is_alnum_lower)
        });
    if !ok {
        out.push(DNS1123_SUBDOMAIN_MSG.to_string());
    }
    out
}

/// `IsDNS1035Label`.
pub fn dns1035_label(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.len() > 63 {
        out.push("must be no more than 63 characters".to_string());
    }
    let ok = !s.is_empty()
        && s.chars().all(|c| is_alnum_lower(c) || c == '-')
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.ends_with(is_alnum_lower);
    if !ok {
        out.push(DNS1035_LABEL_MSG.to_string());
    }
    out
}

fn label_chars_ok(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// `IsValidLabelValue`.
pub fn label_value(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.len() > 63 {
        out.push("must be no more than 63 characters".to_string());
    }
    if !s.is_empty() && !label_chars_ok(s) {
        out.push(LABEL_VALUE_MSG.to_string());
    }
    out
}

/// `IsQualifiedName`: `[prefix/]name`.
pub fn qualified_name(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if let Some(p) = prefix {
        if p.is_empty() {
            out.push("prefix part must be non-empty".to_string());
        } else {
            for problem in dns1123_subdomain(p) {
                out.push(format!("prefix part {problem}"));
            }
        }
    }
    if name.is_empty() {
        out.push("name part must be non-empty".to_string());
    } else {
        if name.len() > 63 {
            out.push("name part must be no more than 63 characters".to_string());
        }
        if !label_chars_ok(name) {
            out.push(QUALIFIED_NAME_MSG.to_string());
        }
    }
    out
}

/// `IsValidPortNum` message.
pub const PORT_RANGE_MSG: &str = "must be between 1 and 65535, inclusive";

/// `IsValidPortName` (IANA_SVC_NAME): problems, empty when valid.
pub fn port_name(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.len() > 15 {
        out.push("must be no more than 15 characters".to_string());
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        out.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if s.contains("--") {
        out.push("must not contain consecutive hyphens".into());
    }
    if !s.chars().any(|c| c.is_ascii_lowercase()) {
        out.push("must contain at least one letter (a-z)".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        out.push("must not begin or end with a hyphen".into());
    }
    out
}

/// Parses a dotted-quad IPv4 address.
pub fn parse_ipv4(s: &str) -> Option<u32> {
    // Allocation-free: the allocators parse every Service address they track.
    let mut v: u32 = 0;
    let mut parts = 0;
    for p in s.split('.') {
        parts += 1;
        if parts > 4 || p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if p.len() > 1 && p.starts_with('0') {
            return None;
        }
        let n = p.bytes().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        if n > 255 {
            return None;
        }
        v = (v << 8) | n;
    }
    (parts == 4).then_some(v)
}

pub fn format_ipv4(v: u32) -> String {
    let b = v.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// Parses `a.b.c.d/n` into (network base as given, prefix length).
pub fn parse_cidr(s: &str) -> Option<(u32, u32)> {
    let (ip, bits) = s.split_once('/')?;
    let ip = parse_ipv4(ip)?;
    if bits.is_empty() || !bits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let bits: u32 = bits.parse().ok()?;
    if bits > 32 {
        return None;
    }
    Some((ip, bits))
}

pub fn cidr_mask(bits: u32) -> u32 {
    if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules() {
        assert!(dns1123_subdomain("web.example").is_empty());
        assert_eq!(dns1123_subdomain("My_App"), vec![DNS1123_SUBDOMAIN_MSG]);
        assert!(dns1035_label("web-1").is_empty());
        assert_eq!(dns1035_label("1web"), vec![DNS1035_LABEL_MSG]);
        assert_eq!(
            port_name("Web_Port"),
            vec!["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]
        );
        assert!(port_name("http").is_empty());
    }

    #[test]
    fn go_values() {
        let mut m = BTreeMap::new();
        m.insert("app".to_string(), "y".to_string());
        let sel = LabelSelector {
            match_labels: m.clone(),
            ..LabelSelector::default()
        };
        assert_eq!(go_map(&m), r#"map[string]string{"app":"y"}"#);
        assert_eq!(
            go_selector(&sel),
            r#"v1.LabelSelector{MatchLabels:map[string]string{"app":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"#
        );
    }
}
