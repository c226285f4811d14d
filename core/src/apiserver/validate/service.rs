//! Service validation (`ValidateService`, `validateServicePort`,
//! `ValidateServiceClusterIPsRelatedFields`, `ValidateServiceUpdate`), in the apiserver's order.

use std::collections::BTreeSet;

use super::{
    dns1123_label, dns1123_subdomain, go_quote, go_strings, invalid_int, invalid_str, parse_cidr,
    parse_ipv4, port_name, unsupported, validate_labels, PORT_RANGE_MSG,
};
use crate::api::{IntOrString, Service, ServicePort};
use crate::error::FieldError;

const TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];

/// The clusterIP checks the allocator runs before allocating (`initIPFamilyFields`).
pub fn validate_cluster_ips(svc: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let ty = svc.type_();
    if ty == "ExternalName" {
        return errs;
    }
    for (i, ip) in svc.spec.cluster_ips.iter().enumerate() {
        let path = format!("spec.clusterIPs[{i}]");
        if ip == "None" {
            if i == 0 && (ty == "NodePort" || ty == "LoadBalancer") {
                errs.push(invalid_str(
                    &path,
                    ip,
                    &format!("may not be set to 'None' for {ty} services"),
                ));
            }
            continue;
        }
        if parse_ipv4(ip).is_none() {
            errs.push(invalid_str(
                &path,
                ip,
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
    }
    errs
}

pub fn validate_service(svc: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let spec = &svc.spec;
    let ty = svc.type_();
    if spec.ports.is_empty() && !svc.is_headless() && ty != "ExternalName" {
        errs.push(FieldError::new("spec.ports", "Required value"));
    }
    errs.extend(validate_external_name(svc));
    errs.extend(validate_ports(svc));
    errs.extend(validate_external_ips(svc));
    if let Some(sel) = &spec.selector {
        errs.extend(validate_labels(sel, "spec.selector"));
    }
    errs.extend(validate_affinity(svc));
    if !TYPES.contains(&ty) {
        errs.push(unsupported("spec.type", ty, TYPES));
    }
    if ty == "ClusterIP" {
        for (i, p) in spec.ports.iter().enumerate() {
            if p.node_port.is_some_and(|n| n != 0) {
                errs.push(FieldError::new(
                    format!("spec.ports[{i}].nodePort"),
                    "Forbidden: may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    errs.extend(validate_duplicates(svc));
    if !spec.load_balancer_source_ranges.is_empty() && ty != "LoadBalancer" {
        errs.push(FieldError::new(
            "spec.LoadBalancerSourceRanges",
            "Forbidden: may only be used when `type` is 'LoadBalancer'",
        ));
    }
    for (i, r) in spec.load_balancer_source_ranges.iter().enumerate() {
        if parse_cidr(r.trim()).is_none() {
            errs.push(invalid_str(
                &format!("spec.loadBalancerSourceRanges[{i}]"),
                r,
                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            ));
        }
    }
    errs.extend(validate_traffic_policies(svc));
    errs
}

/// ExternalName services: no clusterIP, and a DNS name (a trailing dot is allowed).
fn validate_external_name(svc: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let spec = &svc.spec;
    if svc.type_() != "ExternalName" {
        return errs;
    }
    if spec.cluster_ip.as_deref().is_some_and(|ip| !ip.is_empty()) {
        errs.push(FieldError::new(
            "spec.clusterIPs",
            "Forbidden: may not be set for ExternalName services",
        ));
    }
    match spec.external_name.as_deref() {
        None | Some("") => errs.push(FieldError::new("spec.externalName", "Required value")),
        Some(name) => {
            let stripped = name.strip_suffix('.').unwrap_or(name);
            for p in dns1123_subdomain(stripped) {
                errs.push(invalid_str("spec.externalName", name, &p));
            }
        }
    }
    errs
}

/// `externalIPs`: valid and not special addresses.
fn validate_external_ips(svc: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let spec = &svc.spec;
    for (i, ip) in spec.external_ips.iter().enumerate() {
        let path = format!("spec.externalIPs[{i}]");
        match parse_ipv4(ip) {
            None => errs.push(invalid_str(
                &path,
                ip,
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            )),
            Some(v) => {
                // `ValidateNonSpecialIP`.
                let special = if v == 0 {
                    Some("may not be unspecified (0.0.0.0)")
                } else if v >> 24 == 127 {
                    Some("may not be in the loopback range (127.0.0.0/8, ::1/128)")
                } else if v >> 16 == 0xa9fe {
                    Some("may not be in the link-local range (169.254.0.0/16, fe80::/10)")
                } else if v >> 8 == 0xe0_0000 {
                    Some("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
                } else {
                    None
                };
                if let Some(detail) = special {
                    errs.push(invalid_str(&path, ip, detail));
                }
            }
        }
    }
    errs
}

fn validate_ports(svc: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let require_name = svc.spec.ports.len() > 1;
    let mut names = BTreeSet::new();
    for (i, p) in svc.spec.ports.iter().enumerate() {
        let path = format!("spec.ports[{i}]");
        let name = p.name.as_deref().unwrap_or("");
        if require_name && name.is_empty() {
            errs.push(FieldError::new(format!("{path}.name"), "Required value"));
        } else if !name.is_empty() {
            for problem in dns1123_label(name) {
                errs.push(invalid_str(&format!("{path}.name"), name, &problem));
            }
            if !names.insert(name.to_string()) {
                errs.push(FieldError::new(
                    format!("{path}.name"),
                    format!("Duplicate value: {}", go_quote(name)),
                ));
            }
        }
        if !(1..=65535).contains(&p.port) {
            errs.push(invalid_int(
                &format!("{path}.port"),
                p.port.into(),
                PORT_RANGE_MSG,
            ));
        }
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        if !PROTOCOLS.contains(&proto) {
            errs.push(unsupported(&format!("{path}.protocol"), proto, PROTOCOLS));
        }
        errs.extend(validate_target_port(p, &path));
    }
    errs
}

fn validate_target_port(p: &ServicePort, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let tp = format!("{path}.targetPort");
    match &p.target_port {
        Some(IntOrString::Int(n)) if !(1..=65535).contains(n) => {
            errs.push(invalid_int(&tp, (*n).into(), PORT_RANGE_MSG))
        }
        Some(IntOrString::Str(s)) => {
            for problem in port_name(s) {
                errs.push(invalid_str(&tp, s, &problem));
            }
        }
        _ => {}
    }
    errs
}

fn validate_affinity(svc: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let affinity = svc.spec.session_affinity.as_deref().unwrap_or("None");
    match affinity {
        "None" => {
            if svc.spec.session_affinity_config.is_some() {
                errs.push(FieldError::new(
                    "spec.sessionAffinityConfig",
                    "Forbidden: must not be set when session affinity is None",
                ));
            }
        }
        "ClientIP" => {
            let timeout = svc
                .spec
                .session_affinity_config
                .as_ref()
                .and_then(|c| c.client_ip.as_ref())
                .and_then(|c| c.timeout_seconds);
            if let Some(t) = timeout {
                if !(1..=86400).contains(&t) {
                    errs.push(invalid_int(
                        "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                        t.into(),
                        "must be greater than 0 and less than 86400",
                    ));
                }
            }
        }
        other => errs.push(unsupported(
            "spec.sessionAffinity",
            other,
            &["ClientIP", "None"],
        )),
    }
    errs
}

/// Duplicate (port, protocol) pairs; duplicate nodePorts the allocator did not already catch.
fn validate_duplicates(svc: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen = BTreeSet::new();
    let mut node_ports = BTreeSet::new();
    for (i, p) in svc.spec.ports.iter().enumerate() {
        let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
        if !seen.insert((p.port, proto.clone())) {
            errs.push(FieldError::new(
                format!("spec.ports[{i}]"),
                format!("Duplicate value: {}", go_service_port(p)),
            ));
        }
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            if !node_ports.insert((np, proto)) {
                errs.push(FieldError::new(
                    format!("spec.ports[{i}].nodePort"),
                    format!("Duplicate value: {np}"),
                ));
            }
        }
    }
    errs
}

/// `%#v` of a `core.ServicePort`, as the Duplicate error prints it.
fn go_service_port(p: &ServicePort) -> String {
    let target = match &p.target_port {
        Some(IntOrString::Int(n)) => {
            format!("intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:\"\"}}")
        }
        Some(IntOrString::Str(s)) => {
            format!(
                "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
                go_quote(s)
            )
        }
        None => "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}".into(),
    };
    let app = match &p.app_protocol {
        Some(_) => "(*string)(0xc000000000)".to_string(),
        None => "(*string)(nil)".to_string(),
    };
    format!(
        "core.ServicePort{{Name:{}, Protocol:{}, AppProtocol:{app}, Port:{}, TargetPort:{target}, NodePort:{}}}",
        go_quote(p.name.as_deref().unwrap_or("")),
        go_quote(p.protocol.as_deref().unwrap_or("TCP")),
        p.port,
        p.node_port.unwrap_or(0)
    )
}

fn validate_traffic_policies(svc: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let ty = svc.type_();
    let external = ty == "NodePort" || ty == "LoadBalancer";
    match svc.spec.external_traffic_policy.as_deref() {
        Some(p) if !external => errs.push(invalid_str(
            "spec.externalTrafficPolicy",
            p,
            "may only be set for externally-accessible services",
        )),
        Some(p) if p != "Cluster" && p != "Local" => errs.push(unsupported(
            "spec.externalTrafficPolicy",
            p,
            &["Cluster", "Local"],
        )),
        _ => {}
    }
    if let Some(hc) = svc.spec.health_check_node_port.filter(|n| *n != 0) {
        let local = svc.spec.external_traffic_policy.as_deref() == Some("Local");
        if ty != "LoadBalancer" || !local {
            errs.push(invalid_int(
                "spec.healthCheckNodePort",
                hc.into(),
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        }
    }
    if let Some(p) = svc.spec.internal_traffic_policy.as_deref() {
        if p != "Cluster" && p != "Local" {
            errs.push(unsupported(
                "spec.internalTrafficPolicy",
                p,
                &["Cluster", "Local"],
            ));
        }
    }
    errs
}

/// Update-only rules: a set clusterIP may not change (ClusterIP ↔ headless included).
pub fn validate_service_update(old: &Service, new: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let was_external_name = old.type_() == "ExternalName";
    if new.type_() == "ExternalName" || was_external_name {
        return errs;
    }
    let old_first = old.spec.cluster_ips.first();
    let new_first = new.spec.cluster_ips.first();
    if let (Some(o), Some(n)) = (old_first, new_first) {
        if o != n {
            errs.push(FieldError::new(
                "spec.clusterIPs[0]",
                format!(
                    "Invalid value: {}: may not change once set",
                    go_strings(&new.spec.cluster_ips)
                ),
            ));
        }
    }
    errs
}
