//! The words the map says about each object: accessible names (which screen readers announce
//! and tests find things by) and the short texts drawn in the SVG.

use kubeplay_core::view::{NodeView, PodView, ServiceView};

pub fn node_name(n: &NodeView) -> String {
    let ready = if n.ready { "Ready" } else { "NotReady" };
    let role = if n.control_plane {
        ", control plane"
    } else {
        ""
    };
    format!("Node {} {ready}{role}, IP {}", n.name, n.ip)
}

/// `Pod web-1 Running, ready, IP 192.168.1.4, 0 requests served`.
pub fn pod_name(p: &PodView) -> String {
    let ready = if p.ready { "ready" } else { "not ready" };
    let ip = p.ip.as_deref().unwrap_or("none");
    let policies = match p.policies.len() {
        0 => String::new(),
        1 => ", selected by 1 NetworkPolicy".to_string(),
        n => format!(", selected by {n} NetworkPolicies"),
    };
    format!(
        "Pod {} {}, {ready}, IP {ip}, {} requests served{policies}",
        p.name, p.status, p.requests_served
    )
}

pub fn service_name(s: &ServiceView) -> String {
    let mut parts = vec![s.type_.clone()];
    if let Some(ip) = &s.cluster_ip {
        parts.push(if ip == "None" {
            "headless".to_string()
        } else {
            format!("cluster IP {ip}")
        });
    }
    if !s.ports.is_empty() {
        parts.push(format!("ports {}", ports_text(s)));
    }
    if let Some(lb) = &s.load_balancer_ip {
        parts.push(format!("load balancer {lb}"));
    }
    if let Some(ext) = &s.external_name {
        parts.push(format!("external name {ext}"));
    }
    parts.push(match s.pods.len() {
        1 => "selects 1 pod".to_string(),
        n => format!("selects {n} pods"),
    });
    format!("Service {} {}", s.name, parts.join(", "))
}

/// `80:30080/TCP,443/TCP`, as kubectl's PORT(S) column.
pub fn ports_text(s: &ServiceView) -> String {
    s.ports
        .iter()
        .map(|p| match p.node_port {
            Some(np) => format!("{}:{np}/{}", p.port, p.protocol),
            None => format!("{}/{}", p.port, p.protocol),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The VIP line drawn in a Service's box.
pub fn service_address(s: &ServiceView) -> String {
    match (&s.cluster_ip, &s.external_name) {
        (_, Some(ext)) => format!("→ {ext}"),
        (Some(ip), None) if ip == "None" => "headless".to_string(),
        (Some(ip), None) => {
            let port = s
                .ports
                .first()
                .map(|p| format!(":{}", p.port))
                .unwrap_or_default();
            format!("{ip}{port}")
        }
        (None, None) => "pending IP".to_string(),
    }
}

/// Shortens `web-7d9f8c6b5-x2k4q` to fit under a pod dot, keeping both the start (the app) and
/// the end (the suffix that tells replicas apart).
pub fn short(name: &str, max: usize) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= max {
        return name.to_string();
    }
    let tail = max.saturating_sub(1) / 2;
    let head = max.saturating_sub(1) - tail;
    let start: String = chars.iter().take(head).collect();
    let end: String = chars.iter().skip(chars.len() - tail).collect();
    format!("{start}…{end}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_core::view::ServicePortView;

    #[test]
    fn names_start_with_kind_and_name() {
        let p = PodView {
            name: "web-1".into(),
            status: "Running".into(),
            ready: true,
            ip: Some("192.168.1.4".into()),
            requests_served: 3,
            ..PodView::default()
        };
        assert_eq!(
            pod_name(&p),
            "Pod web-1 Running, ready, IP 192.168.1.4, 3 requests served"
        );
        let s = ServiceView {
            name: "web".into(),
            type_: "NodePort".into(),
            cluster_ip: Some("10.96.0.20".into()),
            ports: vec![ServicePortView {
                protocol: "TCP".into(),
                port: 80,
                node_port: Some(30080),
                ..ServicePortView::default()
            }],
            ..ServiceView::default()
        };
        assert_eq!(
            service_name(&s),
            "Service web NodePort, cluster IP 10.96.0.20, ports 80:30080/TCP, selects 0 pods"
        );
        assert_eq!(service_address(&s), "10.96.0.20:80");
        assert_eq!(short("web-7d9f8c6b5-x2k4q", 11), "web-7…x2k4q");
        assert_eq!(short("db-0", 11), "db-0");
    }
}
