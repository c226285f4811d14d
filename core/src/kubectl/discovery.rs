//! Discovery verbs: `kubectl api-resources` and `kubectl api-versions`, over the kinds the
//! simulation serves (core group first, then groups in the apiserver's discovery order).

use super::args::Args;
use super::table;
use crate::api::Kind;
use crate::CommandOutput;

/// Group order of the apiserver's aggregated discovery for the groups simulated here.
const GROUP_ORDER: &[&str] = &["", "apps", "discovery.k8s.io", "networking.k8s.io"];

fn ordered() -> Vec<Kind> {
    let mut kinds: Vec<Kind> = Kind::ALL.to_vec();
    kinds.sort_by_key(|k| {
        let i = k.info();
        let g = GROUP_ORDER
            .iter()
            .position(|g| *g == i.group)
            .unwrap_or(usize::MAX);
        (g, i.plural)
    });
    kinds
}

pub fn api_resources(args: &Args) -> CommandOutput {
    let mut rows = vec![["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        .map(String::from)
        .to_vec()];
    let only_ns = args.value("namespaced").map(|v| v == "true");
    for k in ordered() {
        let i = k.info();
        if only_ns.is_some_and(|want| want != i.namespaced) {
            continue;
        }
        rows.push(vec![
            i.plural.to_string(),
            i.short_names.join(","),
            i.api_version(),
            i.namespaced.to_string(),
            i.kind.to_string(),
        ]);
    }
    if args.value("output") == Some("name") {
        let names: String = ordered()
            .iter()
            .map(|k| {
                let i = k.info();
                if i.group.is_empty() {
                    format!("{}\n", i.plural)
                } else {
                    format!("{}.{}\n", i.plural, i.group)
                }
            })
            .collect();
        return CommandOutput::stdout(names);
    }
    CommandOutput::stdout(table::render(&rows))
}

pub fn api_versions() -> CommandOutput {
    let mut versions: Vec<String> = Kind::ALL.iter().map(|k| k.info().api_version()).collect();
    versions.sort();
    versions.dedup();
    CommandOutput::stdout(
        versions
            .iter()
            .map(|v| format!("{v}\n"))
            .collect::<String>(),
    )
}
