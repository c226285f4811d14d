//! NetworkPolicy validation (`pkg/apis/networking/validation`): peers, ipBlocks, ports and
//! policyTypes.

use super::{
    cidr_mask, invalid_int, invalid_str, parse_cidr, port_name, unsupported,
    validate_label_selector, PORT_RANGE_MSG,
};
use crate::api::{IntOrString, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use crate::error::FieldError;

pub fn validate_network_policy(np: &NetworkPolicy) -> Vec<FieldError> {
    let mut errs = validate_label_selector(&np.spec.pod_selector, "spec.podSelector");
    for (i, rule) in np.spec.ingress.iter().flatten().enumerate() {
        let path = format!("spec.ingress[{i}]");
        for (j, port) in rule.ports.iter().enumerate() {
            errs.extend(validate_port(port, &format!("{path}.ports[{j}]")));
        }
        for (j, peer) in rule.from.iter().enumerate() {
            errs.extend(validate_peer(peer, &format!("{path}.from[{j}]")));
        }
    }
    for (i, rule) in np.spec.egress.iter().flatten().enumerate() {
        let path = format!("spec.egress[{i}]");
        for (j, port) in rule.ports.iter().enumerate() {
            errs.extend(validate_port(port, &format!("{path}.ports[{j}]")));
        }
        for (j, peer) in rule.to.iter().enumerate() {
            errs.extend(validate_peer(peer, &format!("{path}.to[{j}]")));
        }
    }
    const TYPES: &[&str] = &["Egress", "Ingress"];
    for (i, t) in np.spec.policy_types.iter().enumerate() {
        if !TYPES.contains(&t.as_str()) {
            errs.push(unsupported(&format!("spec.policyTypes[{i}]"), t, TYPES));
        }
    }
    if np.spec.policy_types.len() > 2 {
        errs.push(FieldError::new(
            "spec.policyTypes",
            format!(
                "Invalid value: {}: may not specify more than two policyTypes",
                super::go_strings(&np.spec.policy_types)
            ),
        ));
    }
    errs
}

fn validate_port(port: &NetworkPolicyPort, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let proto = port.protocol.as_deref().unwrap_or("TCP");
    if !["SCTP", "TCP", "UDP"].contains(&proto) {
        errs.push(unsupported(
            &format!("{path}.protocol"),
            proto,
            &["SCTP", "TCP", "UDP"],
        ));
    }
    match &port.port {
        Some(IntOrString::Int(n)) => {
            if !(1..=65535).contains(n) {
                errs.push(invalid_int(
                    &format!("{path}.port"),
                    (*n).into(),
                    PORT_RANGE_MSG,
                ));
            }
            if let Some(end) = port.end_port {
                if end < *n {
                    errs.push(invalid_int(
                        &format!("{path}.endPort"),
                        end.into(),
                        "must be greater than or equal to `port`",
                    ));
                }
                if !(1..=65535).contains(&end) {
                    errs.push(invalid_int(
                        &format!("{path}.endPort"),
                        end.into(),
                        PORT_RANGE_MSG,
                    ));
                }
            }
        }
        Some(IntOrString::Str(s)) => {
            if let Some(end) = port.end_port {
                errs.push(invalid_int(
                    &format!("{path}.endPort"),
                    end.into(),
                    "may not be specified when `port` is non-numeric",
                ));
            }
            for p in port_name(s) {
                errs.push(invalid_str(&format!("{path}.port"), s, &p));
            }
        }
        None => {
            if let Some(end) = port.end_port {
                errs.push(invalid_int(
                    &format!("{path}.endPort"),
                    end.into(),
                    "may not be specified when `port` is not specified",
                ));
            }
        }
    }
    errs
}

fn validate_peer(peer: &NetworkPolicyPeer, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut count = 0;
    if let Some(sel) = &peer.pod_selector {
        count += 1;
        errs.extend(validate_label_selector(sel, &format!("{path}.podSelector")));
    }
    if let Some(sel) = &peer.namespace_selector {
        count += 1;
        errs.extend(validate_label_selector(
            sel,
            &format!("{path}.namespaceSelector"),
        ));
    }
    if let Some(block) = &peer.ip_block {
        count += 1;
        let cidr_path = format!("{path}.ipBlock.cidr");
        match parse_cidr(&block.cidr) {
            None if block.cidr.is_empty() => {
                errs.push(FieldError::new(&cidr_path, "Required value"))
            }
            None => errs.push(invalid_str(
                &cidr_path,
                &block.cidr,
                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            )),
            Some((base, bits)) => {
                for (k, ex) in block.except.iter().enumerate() {
                    let ex_path = format!("{path}.ipBlock.except[{k}]");
                    match parse_cidr(ex) {
                        None => errs.push(invalid_str(
                            &ex_path,
                            ex,
                            "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                        )),
                        Some((eb, ebits)) => {
                            let inside =
                                ebits > bits && (eb & cidr_mask(bits)) == (base & cidr_mask(bits));
                            if !inside {
                                errs.push(invalid_str(
                                    &ex_path,
                                    ex,
                                    "must be a strict subset of `cidr`",
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    if count == 0 {
        errs.push(FieldError::new(path, "Required value: must specify a peer"));
    } else if count > 1 && peer.ip_block.is_some() {
        errs.push(FieldError::new(
            path,
            "Forbidden: may not specify both ipBlock and another peer",
        ));
    }
    errs
}
