//! `--dry-run=client|server|none`: what the create-style verbs print instead of writing. With
//! `-o yaml|json` they print the object as kubectl built it client-side, which is how most
//! tutorial manifests were made: `creationTimestamp: null`, `status: {}`, `strategy: {}`,
//! `resources: {}`, no server defaults.

use serde_json::{json, Value};

use super::args::Args;
use super::print::{self, Format};
use crate::api::Object;
use crate::apiserver;
use crate::cluster::Cluster;
use crate::CommandOutput;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

pub fn parse(args: &Args) -> Result<DryRun, String> {
    match args.value("dry-run") {
        None | Some("none") => Ok(DryRun::None),
        Some("client") => Ok(DryRun::Client),
        Some("server") => Ok(DryRun::Server),
        Some(other) => Err(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// The object as kubectl's generators serialize it before sending.
pub fn client_value(obj: &Object, keep_namespace: bool) -> Value {
    let mut v = obj.to_value();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("creationTimestamp".into(), Value::Null);
        if !keep_namespace {
            meta.remove("namespace");
        }
    }
    let status = match obj {
        Object::Service(_) => json!({"loadBalancer": {}}),
        _ => json!({}),
    };
    if let Some(map) = v.as_object_mut() {
        map.insert("status".into(), status);
        if matches!(obj, Object::Namespace(_)) {
            map.insert("spec".into(), json!({}));
        }
    }
    if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
        if matches!(obj, Object::Deployment(_)) {
            spec.entry("strategy").or_insert_with(|| json!({}));
        }
        if let Some(tmeta) = spec
            .get_mut("template")
            .and_then(|t| t.get_mut("metadata"))
            .and_then(Value::as_object_mut)
        {
            tmeta.insert("creationTimestamp".into(), Value::Null);
        }
    }
    for pointer in ["/spec/containers", "/spec/template/spec/containers"] {
        if let Some(Value::Array(cs)) = v.pointer_mut(pointer) {
            for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                c.entry("resources").or_insert_with(|| json!({}));
            }
        }
    }
    v
}

/// Creates `obj` for real, or prints what a dry run would: `kind/name created (dry run)`,
/// `(server dry run)`, or the object under `-o yaml|json|name`.
pub fn create_or_print(
    cluster: &mut Cluster,
    args: &Args,
    obj: Object,
    verb: &str,
) -> Result<CommandOutput, crate::ApiError> {
    let mode = match parse(args) {
        Ok(m) => m,
        Err(e) => return Ok(CommandOutput::stderr(format!("{e}\n"), 1)),
    };
    let format = Format::parse(args.value("output")).unwrap_or(Format::Table);
    let name = print::qualified_name(&obj);
    let shown = match mode {
        DryRun::None => apiserver::create_object(cluster, obj)?,
        DryRun::Server => {
            // Validated and defaulted like a real create, then dropped.
            let mut scratch = cluster.clone();
            apiserver::create_object(&mut scratch, obj)?
        }
        DryRun::Client => obj,
    };
    let suffix = match mode {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    };
    let value = if mode == DryRun::Client {
        client_value(&shown, args.value("namespace").is_some())
    } else {
        shown.to_value()
    };
    Ok(CommandOutput::stdout(match format {
        Format::Yaml => print::yaml::to_yaml(&value),
        Format::Json => print::to_json(&value),
        Format::Name => format!("{name}\n"),
        _ => format!("{name} {verb}{suffix}\n"),
    }))
}
