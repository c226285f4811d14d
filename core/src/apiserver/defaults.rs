//! Defaulting as the apiserver applies it on decode (`pkg/apis/*/v1/defaults.go`) plus the
//! admission defaults every kubeadm cluster adds to Pods (service account, tolerations).

use crate::api::*;

pub fn apply_defaults(obj: &mut Object) {
    match obj {
        Object::Service(s) => default_service(s),
        Object::Pod(p) => default_pod(p),
        Object::Deployment(d) => {
            let spec = &mut d.spec;
            spec.replicas.get_or_insert(1);
            let strategy = spec.strategy.get_or_insert_with(Default::default);
            let ty = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
            if ty == "RollingUpdate" {
                let ru = strategy.rolling_update.get_or_insert_with(Default::default);
                ru.max_surge
                    .get_or_insert_with(|| IntOrString::Str("25%".into()));
                ru.max_unavailable
                    .get_or_insert_with(|| IntOrString::Str("25%".into()));
            }
            spec.revision_history_limit.get_or_insert(10);
            spec.progress_deadline_seconds.get_or_insert(600);
            default_template(&mut spec.template);
        }
        Object::ReplicaSet(r) => {
            r.spec.replicas.get_or_insert(1);
            default_template(&mut r.spec.template);
        }
        Object::StatefulSet(s) => {
            let spec = &mut s.spec;
            spec.replicas.get_or_insert(1);
            spec.pod_management_policy
                .get_or_insert_with(|| "OrderedReady".into());
            spec.update_strategy.get_or_insert_with(
                || serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
            );
            spec.revision_history_limit.get_or_insert(10);
            spec.persistent_volume_claim_retention_policy
                .get_or_insert_with(
                    || serde_json::json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
                );
            default_template(&mut spec.template);
        }
        Object::NetworkPolicy(n) => {
            if n.spec.policy_types.is_empty() {
                let (_, egress) = n.effective_policy_types();
                n.spec.policy_types.push("Ingress".into());
                if egress {
                    n.spec.policy_types.push("Egress".into());
                }
            }
            for rule in n.spec.ingress.iter_mut().flatten() {
                default_policy_ports(&mut rule.ports);
            }
            for rule in n.spec.egress.iter_mut().flatten() {
                default_policy_ports(&mut rule.ports);
            }
        }
        Object::Namespace(ns) => {
            let name = ns.metadata.name.clone();
            ns.metadata
                .labels
                .insert("kubernetes.io/metadata.name".into(), name);
            let spec = ns.spec.get_or_insert_with(Default::default);
            if spec.finalizers.is_empty() {
                spec.finalizers.push("kubernetes".into());
            }
            ns.status.get_or_insert_with(|| NamespaceStatus {
                phase: Some("Active".into()),
            });
        }
        _ => {}
    }
}

fn default_policy_ports(ports: &mut [NetworkPolicyPort]) {
    for p in ports {
        p.protocol.get_or_insert_with(|| "TCP".into());
    }
}

fn default_service(s: &mut Service) {
    let spec = &mut s.spec;
    let ty = spec.type_.get_or_insert_with(|| "ClusterIP".into()).clone();
    spec.session_affinity.get_or_insert_with(|| "None".into());
    if spec.session_affinity.as_deref() == Some("ClientIP") {
        let cfg = spec
            .session_affinity_config
            .get_or_insert_with(Default::default);
        cfg.client_ip
            .get_or_insert_with(Default::default)
            .timeout_seconds
            .get_or_insert(10800);
    }
    for p in &mut spec.ports {
        p.protocol.get_or_insert_with(|| "TCP".into());
        let unset = match &p.target_port {
            None => true,
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::Str(s)) => s.is_empty(),
            _ => false,
        };
        if unset {
            p.target_port = Some(IntOrString::Int(p.port));
        }
    }
    if ty == "NodePort" || ty == "LoadBalancer" {
        spec.external_traffic_policy
            .get_or_insert_with(|| "Cluster".into());
    }
    if ty != "ExternalName" {
        spec.internal_traffic_policy
            .get_or_insert_with(|| "Cluster".into());
    }
    if ty == "LoadBalancer" {
        spec.allocate_load_balancer_node_ports.get_or_insert(true);
    }
    // clusterIP and clusterIPs are kept in sync before anyone reads them (normalizeClusterIPs).
    match (&spec.cluster_ip, spec.cluster_ips.first()) {
        (Some(ip), None) if !ip.is_empty() => spec.cluster_ips = vec![ip.clone()],
        (None, Some(first)) => spec.cluster_ip = Some(first.clone()),
        _ => {}
    }
    s.status.get_or_insert_with(Default::default);
}

/// Pod defaults plus what admission adds to a bare Pod.
fn default_pod(p: &mut Pod) {
    default_pod_spec(&mut p.spec);
    let spec = &mut p.spec;
    spec.enable_service_links.get_or_insert(true);
    spec.service_account_name
        .get_or_insert_with(|| "default".into());
    spec.preemption_policy
        .get_or_insert_with(|| "PreemptLowerPriority".into());
    spec.priority.get_or_insert(0);
    spec.tolerations.get_or_insert_with(|| {
        serde_json::json!([
            {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
            {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}
        ])
    });
    p.status.get_or_insert_with(|| PodStatus {
        phase: Some("Pending".into()),
        qos_class: Some("BestEffort".into()),
        ..PodStatus::default()
    });
}

fn default_template(t: &mut PodTemplateSpec) {
    default_pod_spec(&mut t.spec);
}

fn default_pod_spec(spec: &mut PodSpec) {
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".into());
    spec.security_context
        .get_or_insert_with(|| serde_json::json!({}));
    spec.termination_grace_period_seconds.get_or_insert(30);
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut())
    {
        let image = c.image.clone().unwrap_or_default();
        c.image_pull_policy
            .get_or_insert_with(|| pull_policy(&image).into());
        c.termination_message_path
            .get_or_insert_with(|| "/dev/termination-log".into());
        c.termination_message_policy
            .get_or_insert_with(|| "File".into());
        c.resources.get_or_insert_with(|| serde_json::json!({}));
        for port in &mut c.ports {
            port.protocol.get_or_insert_with(|| "TCP".into());
        }
    }
}

/// `Always` for `:latest` or an untagged image, `IfNotPresent` otherwise (digests count as tags).
pub fn pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_per_tag() {
        for (image, want) in [
            ("nginx", "Always"),
            ("nginx:latest", "Always"),
            ("nginx:1.27", "IfNotPresent"),
            ("localhost:5000/web", "Always"),
            ("traefik/whoami:v1.10", "IfNotPresent"),
            ("nginx@sha256:abc", "IfNotPresent"),
        ] {
            assert_eq!(pull_policy(image), want, "{image}");
        }
    }
}
