//! Pod and workload validation: `ValidatePodSpec` essentials, apps `ValidateDeploymentSpec`,
//! `ValidateReplicaSetSpec`, `ValidateStatefulSetSpec` and their update rules.

use std::collections::BTreeSet;

use super::{
    dns1123_label, go_map, go_quote, go_selector, invalid_int, invalid_str, port_name, unsupported,
    validate_label_selector, validate_labels, PORT_RANGE_MSG,
};
use crate::api::{Container, LabelSelector, Object, Pod, PodSpec, PodTemplateSpec};
use crate::error::FieldError;

/// The parts of `ValidatePodSpec` a learner's manifest can get wrong.
pub fn validate_pod_spec(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec.containers.is_empty() {
        errs.push(FieldError::new(
            format!("{path}.containers"),
            "Required value",
        ));
    }
    let mut names = BTreeSet::new();
    for (i, c) in spec.containers.iter().enumerate() {
        let cp = format!("{path}.containers[{i}]");
        if !c.name.is_empty() && !names.insert(c.name.clone()) {
            errs.push(FieldError::new(
                format!("{cp}.name"),
                format!("Duplicate value: {}", go_quote(&c.name)),
            ));
        }
        errs.extend(validate_container(c, &cp));
    }
    let restart = spec.restart_policy.as_deref().unwrap_or("Always");
    if !["Always", "OnFailure", "Never"].contains(&restart) {
        errs.push(unsupported(
            &format!("{path}.restartPolicy"),
            restart,
            &["Always", "OnFailure", "Never"],
        ));
    }
    let dns = spec.dns_policy.as_deref().unwrap_or("ClusterFirst");
    if !["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"].contains(&dns) {
        errs.push(unsupported(
            &format!("{path}.dnsPolicy"),
            dns,
            &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
        ));
    }
    errs
}

fn validate_container(c: &Container, cp: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if c.name.is_empty() {
        errs.push(FieldError::new(format!("{cp}.name"), "Required value"));
    } else {
        for p in dns1123_label(&c.name) {
            errs.push(invalid_str(&format!("{cp}.name"), &c.name, &p));
        }
    }
    if c.image.as_deref().unwrap_or("").trim().is_empty() {
        errs.push(FieldError::new(format!("{cp}.image"), "Required value"));
    }
    let mut port_names = BTreeSet::new();
    for (j, p) in c.ports.iter().enumerate() {
        let pp = format!("{cp}.ports[{j}]");
        if let Some(name) = p.name.as_deref() {
            for problem in port_name(name) {
                errs.push(invalid_str(&format!("{pp}.name"), name, &problem));
            }
            if !port_names.insert(name.to_string()) {
                errs.push(FieldError::new(
                    format!("{pp}.name"),
                    format!("Duplicate value: {}", go_quote(name)),
                ));
            }
        }
        if !(1..=65535).contains(&p.container_port) {
            errs.push(invalid_int(
                &format!("{pp}.containerPort"),
                p.container_port.into(),
                PORT_RANGE_MSG,
            ));
        }
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        if !["SCTP", "TCP", "UDP"].contains(&proto) {
            errs.push(unsupported(
                &format!("{pp}.protocol"),
                proto,
                &["SCTP", "TCP", "UDP"],
            ));
        }
    }
    let policy = c.image_pull_policy.as_deref().unwrap_or("IfNotPresent");
    if !["Always", "IfNotPresent", "Never"].contains(&policy) {
        errs.push(unsupported(
            &format!("{cp}.imagePullPolicy"),
            policy,
            &["Always", "IfNotPresent", "Never"],
        ));
    }
    errs
}

pub fn validate_pod(pod: &Pod) -> Vec<FieldError> {
    validate_pod_spec(&pod.spec, "spec")
}

/// Pods are immutable except a few fields; the simulation reports the rule, not Go's diff.
pub fn validate_pod_update(old: &Pod, new: &Pod) -> Vec<FieldError> {
    let mut a = old.spec.clone();
    let mut b = new.spec.clone();
    for c in a.containers.iter_mut().chain(b.containers.iter_mut()) {
        c.image = None;
    }
    a.termination_grace_period_seconds = None;
    b.termination_grace_period_seconds = None;
    a.tolerations = None;
    b.tolerations = None;
    if a == b {
        return Vec::new();
    }
    vec![FieldError::new(
        "spec",
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    )]
}

struct WorkloadView<'a> {
    kind_lower: &'static str,
    replicas: Option<i32>,
    selector: Option<&'a LabelSelector>,
    template: &'a PodTemplateSpec,
}

fn view(obj: &Object) -> Option<WorkloadView<'_>> {
    match obj {
        Object::Deployment(d) => Some(WorkloadView {
            kind_lower: "deployment",
            replicas: d.spec.replicas,
            selector: d.spec.selector.as_ref(),
            template: &d.spec.template,
        }),
        Object::ReplicaSet(r) => Some(WorkloadView {
            kind_lower: "replicaset",
            replicas: r.spec.replicas,
            selector: r.spec.selector.as_ref(),
            template: &r.spec.template,
        }),
        Object::StatefulSet(s) => Some(WorkloadView {
            kind_lower: "statefulset",
            replicas: s.spec.replicas,
            selector: s.spec.selector.as_ref(),
            template: &s.spec.template,
        }),
        _ => None,
    }
}

/// `ValidateDeploymentSpec` / `ValidateReplicaSetSpec` / `ValidateStatefulSetSpec`, in order.
pub fn validate_workload(obj: &Object) -> Vec<FieldError> {
    let Some(w) = view(obj) else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    if let Some(r) = w.replicas.filter(|r| *r < 0) {
        errs.push(invalid_int(
            "spec.replicas",
            r.into(),
            "must be greater than or equal to 0",
        ));
    }
    match w.selector {
        None => errs.push(FieldError::new("spec.selector", "Required value")),
        Some(sel) => {
            errs.extend(validate_label_selector(sel, "spec.selector"));
            if sel.is_empty() {
                errs.push(FieldError::new(
                    "spec.selector",
                    format!(
                        "Invalid value: {}: empty selector is invalid for {}",
                        go_selector(sel),
                        w.kind_lower
                    ),
                ));
            }
        }
    }
    // A nil selector matches nothing; an empty one is skipped (already reported above).
    let matches = w
        .selector
        .map(|s| s.is_empty() || s.matches(&w.template.metadata.labels))
        .unwrap_or(false);
    if !matches {
        errs.push(FieldError::new(
            "spec.template.metadata.labels",
            format!(
                "Invalid value: {}: `selector` does not match template `labels`",
                go_map(&w.template.metadata.labels)
            ),
        ));
    }
    errs.extend(validate_labels(
        &w.template.metadata.labels,
        "spec.template.metadata.labels",
    ));
    errs.extend(validate_pod_spec(&w.template.spec, "spec.template.spec"));
    let restart = w
        .template
        .spec
        .restart_policy
        .as_deref()
        .unwrap_or("Always");
    if restart != "Always" {
        errs.push(unsupported(
            "spec.template.spec.restartPolicy",
            restart,
            &["Always"],
        ));
    }
    if let Object::StatefulSet(s) = obj {
        if s.spec.service_name.as_deref().unwrap_or("").is_empty() {
            // Optional since 1.26? No: serviceName is still validated only as a DNS label.
        } else if let Some(name) = s.spec.service_name.as_deref() {
            for p in super::dns1035_label(name) {
                errs.push(invalid_str("spec.serviceName", name, &p));
            }
        }
    }
    errs
}

/// Immutable selectors; StatefulSets may change only a few spec fields.
pub fn validate_workload_update(old: &Object, new: &Object) -> Vec<FieldError> {
    let (Some(o), Some(n)) = (view(old), view(new)) else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    if o.selector != n.selector {
        if let Some(sel) = n.selector {
            errs.push(FieldError::new(
                "spec.selector",
                format!("Invalid value: {}: field is immutable", go_selector(sel)),
            ));
        }
    }
    if let (Object::StatefulSet(a), Object::StatefulSet(b)) = (old, new) {
        let mut a = a.spec.clone();
        let mut b = b.spec.clone();
        for s in [&mut a, &mut b] {
            s.replicas = None;
            s.ordinals = None;
            s.template = PodTemplateSpec::default();
            s.update_strategy = None;
            s.persistent_volume_claim_retention_policy = None;
            s.min_ready_seconds = None;
            s.selector = None;
        }
        if a != b {
            errs.push(FieldError::new(
                "spec",
                "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
            ));
        }
    }
    errs
}
