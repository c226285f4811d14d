//! `kubectl rollout history` and `kubectl rollout undo` for Deployments, read from the
//! ReplicaSets the Deployment controls and their `deployment.kubernetes.io/revision`
//! annotations, as kubectl's `DeploymentHistoryViewer` and `DeploymentRollbacker` do. Undo
//! writes the chosen ReplicaSet's template (without `pod-template-hash`) and annotations back
//! into the Deployment; the Deployment controller then gives that ReplicaSet the next revision.

use std::collections::BTreeMap;

use super::describe::{pod_template_lines, tabwrite};
use super::Context;
use crate::api::{Deployment, Object, PodTemplateSpec, ReplicaSet};
use crate::apiserver;
use crate::CommandOutput;

const REVISION: &str = "deployment.kubernetes.io/revision";
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
const HASH_LABEL: &str = "pod-template-hash";

/// Annotations the controller and kubectl manage; undo keeps the Deployment's own values.
const SKIP: &[&str] = &[
    crate::apiserver::LAST_APPLIED,
    REVISION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

/// The Deployment's ReplicaSets by revision (those without a readable revision are skipped).
fn revisions(ctx: &Context<'_, '_>, d: &Deployment) -> BTreeMap<i64, ReplicaSet> {
    ctx.cluster
        .store
        .list_typed::<ReplicaSet>(d.metadata.namespace.as_deref())
        .filter(|rs| {
            rs.metadata
                .owner_references
                .iter()
                .any(|o| o.controller == Some(true) && Some(&o.uid) == d.metadata.uid.as_ref())
        })
        .filter_map(|rs| {
            let r = rs.metadata.annotations.get(REVISION)?.parse::<i64>().ok()?;
            Some((r, rs.clone()))
        })
        .collect()
}

fn parse_revision(args: &super::args::Args, flag: &str) -> Result<i64, String> {
    match args.value(flag) {
        None => Ok(0),
        Some(v) => v.parse::<i64>().map_err(|_| {
            format!("invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax")
        }),
    }
}

/// `rollout history`: the REVISION / CHANGE-CAUSE table, or one revision's pod template.
pub fn history(ctx: &Context<'_, '_>, args: &super::args::Args, d: &Deployment) -> CommandOutput {
    let revision = match parse_revision(args, "revision") {
        Ok(r) => r,
        Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
    };
    let all = revisions(ctx, d);
    let name = &d.metadata.name;
    if revision > 0 {
        let Some(rs) = all.get(&revision) else {
            return CommandOutput::stderr("error: unable to find the specified revision\n", 1);
        };
        let mut template = rs.spec.template.clone();
        if let Some(cause) = rs.metadata.annotations.get(CHANGE_CAUSE) {
            template
                .metadata
                .annotations
                .insert(CHANGE_CAUSE.into(), cause.clone());
        }
        let mut lines = Vec::new();
        pod_template_lines(&mut lines, &template);
        // kubectl prints the template through a plain buffer here: the tabs stay tabs.
        let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
        return CommandOutput::stdout(format!(
            "deployment.apps/{name} with revision #{revision}\n{body}\n"
        ));
    }
    let mut rows = vec!["REVISION\tCHANGE-CAUSE".to_string()];
    for (r, rs) in &all {
        let cause = rs
            .metadata
            .annotations
            .get(CHANGE_CAUSE)
            .filter(|c| !c.is_empty())
            .map_or("<none>", String::as_str);
        rows.push(format!("{r}\t{cause}"));
    }
    CommandOutput::stdout(format!("deployment.apps/{name} \n{}\n", tabwrite(&rows)))
}

/// `rollout undo [--to-revision=N]`: the previous revision by default.
pub fn undo(ctx: &mut Context<'_, '_>, args: &super::args::Args, d: &Deployment) -> CommandOutput {
    let to = match parse_revision(args, "to-revision") {
        Ok(r) => r,
        Err(e) => return CommandOutput::stderr(format!("error: {e}\n"), 1),
    };
    let name = d.metadata.name.clone();
    let all = revisions(ctx, d);
    let target = if to > 0 {
        match all.get(&to) {
            Some(rs) => rs.clone(),
            None => {
                return CommandOutput::stderr(
                    format!("error: unable to find specified revision {to} in history\n"),
                    1,
                )
            }
        }
    } else {
        // The second-newest revision.
        match all.values().rev().nth(1) {
            Some(rs) => rs.clone(),
            None => {
                return CommandOutput::stderr(
                    format!("error: no rollout history found for deployment \"{name}\"\n"),
                    1,
                )
            }
        }
    };
    let strip = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata.labels.remove(HASH_LABEL);
        t
    };
    let template = strip(&target.spec.template);
    if template == strip(&d.spec.template) {
        return CommandOutput::stdout(format!(
            "deployment.apps/{name} skipped rollback (current template already matches revision {to})\n"
        ));
    }
    let mut annotations: BTreeMap<String, String> = d
        .metadata
        .annotations
        .iter()
        .filter(|(k, _)| SKIP.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in &target.metadata.annotations {
        if !SKIP.contains(&k.as_str()) {
            annotations.insert(k.clone(), v.clone());
        }
    }
    let mut updated = d.clone();
    updated.spec.template = template;
    updated.metadata.annotations = annotations;
    match apiserver::replace_object(ctx.cluster, Object::Deployment(updated)) {
        Ok(_) => CommandOutput::stdout(format!("deployment.apps/{name} rolled back\n")),
        Err(e) => CommandOutput::stderr(format!("{e}\n"), 1),
    }
}
