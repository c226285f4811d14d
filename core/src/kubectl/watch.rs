//! `kubectl get -w`: after the first listing, one more row (or object) for every change to a
//! watched object, as kubectl's `watch` in `get.go` prints them: no header again, each event
//! flushed through its own tabwriter (so later rows are padded on their own, as kubectl's are),
//! deletions printed as the object's last state, `--output-watch-events` adding an EVENT column
//! (or `{"type": …, "object": …}` for JSON/YAML). `--watch-only` skips the first listing.
//!
//! The simulation has no watch stream, so a [`Watch`] compares the store with what it last
//! saw: changes within one [`Watch::poll`] collapse into one event per object. The session
//! polls every 100 ms of simulated time while a watch holds the terminal.

use std::collections::BTreeMap;

use serde_json::Value;

use super::args::Args;
use super::print::{self, Format};
use super::query::{self, FieldSelector};
use super::resource::Selector;
use super::{get, table};
use crate::api::{Kind, Object};
use crate::cluster::Cluster;
use crate::CommandOutput;

/// How often a running watch looks at the store, in simulated milliseconds.
pub const POLL_MS: u64 = 100;

/// One running `kubectl get -w`.
#[derive(Clone, Debug)]
pub struct Watch {
    kind: Kind,
    /// `None` with `-A`.
    namespace: Option<String>,
    name: Option<String>,
    selector: Option<Selector>,
    fields: Option<FieldSelector>,
    format: Format,
    args: Args,
    /// The last state printed (or listed) of every watched object.
    seen: BTreeMap<(String, String), Object>,
    /// Whether a table header has been printed.
    header_done: bool,
    /// Objects printed so far (YAML separates documents after the first).
    printed: usize,
}

impl Watch {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        cluster: &Cluster,
        kind: Kind,
        namespace: Option<String>,
        name: Option<String>,
        selector: Option<Selector>,
        fields: Option<FieldSelector>,
        format: Format,
        args: &Args,
    ) -> Watch {
        let mut w = Watch {
            kind,
            namespace,
            name,
            selector,
            fields,
            format,
            args: args.clone(),
            seen: BTreeMap::new(),
            header_done: false,
            printed: 0,
        };
        w.seen = w.current(cluster);
        w
    }

    fn events(&self) -> bool {
        self.args.flag("output-watch-events")
    }

    /// The watched objects as they are now.
    fn current(&self, cluster: &Cluster) -> BTreeMap<(String, String), Object> {
        let scope = if self.kind.info().namespaced {
            self.namespace.as_deref()
        } else {
            None
        };
        cluster
            .store
            .list(self.kind, scope)
            .filter(|o| self.name.as_ref().is_none_or(|n| *n == o.meta().name))
            .filter(|o| {
                self.selector
                    .as_ref()
                    .is_none_or(|s| s.matches(&o.meta().labels))
            })
            .filter(|o| self.fields.as_ref().is_none_or(|f| f.matches(o)))
            .map(|o| {
                let m = o.meta();
                (
                    (m.namespace.clone().unwrap_or_default(), m.name.clone()),
                    o.clone(),
                )
            })
            .collect()
    }

    /// The first listing, as `get -w` prints it before watching (nothing with `--watch-only`,
    /// and no "No resources found" either way).
    pub fn initial(&mut self, cluster: &Cluster) -> CommandOutput {
        if self.args.flag("watch-only") {
            return CommandOutput::default();
        }
        let objects: Vec<Object> = self.seen.values().cloned().collect();
        let events: Vec<(&str, &Object)> = objects.iter().map(|o| ("ADDED", o)).collect();
        self.print(cluster, &events)
    }

    /// What changed since the last poll, printed as kubectl would.
    pub fn poll(&mut self, cluster: &Cluster) -> CommandOutput {
        let now = self.current(cluster);
        let mut changes: Vec<(&str, Object)> = Vec::new();
        for (key, obj) in &now {
            match self.seen.get(key) {
                None => changes.push(("ADDED", obj.clone())),
                Some(old) if old.meta().resource_version != obj.meta().resource_version => {
                    changes.push(("MODIFIED", obj.clone()))
                }
                Some(_) => {}
            }
        }
        for (key, old) in &self.seen {
            if !now.contains_key(key) {
                changes.push(("DELETED", old.clone()));
            }
        }
        self.seen = now;
        let mut out = CommandOutput::default();
        for (event, obj) in &changes {
            out.extend(self.print(cluster, &[(event, obj)]));
        }
        out
    }

    /// One flush of kubectl's watch printer.
    fn print(&mut self, cluster: &Cluster, events: &[(&str, &Object)]) -> CommandOutput {
        if events.is_empty() {
            return CommandOutput::default();
        }
        let mut text = String::new();
        match &self.format {
            Format::Table | Format::Wide => {
                let objs: Vec<&Object> = events.iter().map(|(_, o)| *o).collect();
                let wide = self.format == Format::Wide;
                let all_ns = self.namespace.is_none();
                let mut rows =
                    get::table_rows(cluster, &self.args, self.kind, &objs, wide, false, all_ns);
                if self.events() {
                    for (row, event) in rows
                        .iter_mut()
                        .zip(std::iter::once("EVENT").chain(events.iter().map(|(e, _)| *e)))
                    {
                        row.insert(0, event.to_string());
                    }
                }
                if self.header_done || self.args.flag("no-headers") {
                    rows.remove(0);
                }
                self.header_done = true;
                text = table::render(&rows);
            }
            Format::CustomColumns(spec) => {
                let columns = query::parse_columns(spec).unwrap_or_default();
                let objs: Vec<&Object> = events.iter().map(|(_, o)| *o).collect();
                let no_headers = self.header_done || self.args.flag("no-headers");
                self.header_done = true;
                text = query::custom_columns(&columns, &objs, no_headers).unwrap_or_default();
            }
            _ => {
                for (event, obj) in events {
                    text.push_str(&self.print_one(event, obj));
                }
            }
        }
        CommandOutput::stdout(text)
    }

    fn print_one(&mut self, event: &str, obj: &Object) -> String {
        let value = if self.events() {
            serde_json::json!({"type": event, "object": obj.to_value()})
        } else {
            obj.to_value()
        };
        self.printed += 1;
        match &self.format {
            Format::Name => format!("{}\n", print::qualified_name(obj)),
            Format::Yaml => {
                let sep = if self.printed > 1 { "---\n" } else { "" };
                format!("{sep}{}", print::yaml::to_yaml(&value))
            }
            Format::JsonPath(t) => {
                super::jsonpath::kubectl_output(t, &value, true).unwrap_or_default()
            }
            _ => print::to_json(&Value::clone(&value)),
        }
    }
}

/// `--request-timeout` as kubectl reads it: `5s`, `1m`, `2h`, or a bare number of seconds;
/// zero means no timeout. `Err` is kubectl's message.
pub fn request_timeout_ms(raw: &str) -> Result<u64, String> {
    let bad = || {
        "invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)".to_string()
    };
    if let Ok(secs) = raw.parse::<u64>() {
        return Ok(secs * 1000);
    }
    let split = raw.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (num, unit) = raw.split_at(split);
    let n: u64 = num.parse().map_err(|_| bad())?;
    let ms = match unit {
        "ms" => n,
        "s" => n * 1000,
        "m" => n * 60_000,
        "h" => n * 3_600_000,
        _ => return Err(bad()),
    };
    Ok(ms)
}
