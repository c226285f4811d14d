//! Plain-data views of the cluster for the page's map and inspector: what a learner sees of nodes,
//! pods, Services, namespaces and NetworkPolicies, computed from the store in one pass.
//!
//! The page never walks API objects itself; it compares one `ClusterView` with the previous one and
//! redraws only when they differ, so everything here is owned data with `PartialEq`. The status
//! words follow kubectl's STATUS column so the map and `kubectl get pods` never disagree.

use std::collections::BTreeMap;

use crate::api::{map_selector_matches, Labels, NetworkPolicy, Node, Pod, Service};
use crate::cluster::Cluster;
use crate::store::Store;

/// Everything the map draws, in store order (namespace, then name).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterView {
    pub nodes: Vec<NodeView>,
    pub pods: Vec<PodView>,
    pub services: Vec<ServiceView>,
    pub namespaces: Vec<String>,
    pub policies: Vec<PolicyView>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeView {
    pub name: String,
    pub ip: String,
    pub ready: bool,
    pub control_plane: bool,
    pub pod_cidr: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodView {
    pub name: String,
    pub namespace: String,
    /// `None` while unscheduled.
    pub node: Option<String>,
    /// kubectl's STATUS column: `Running`, `ContainerCreating`, `Terminating`, `Pending`…
    pub status: String,
    pub ready: bool,
    /// kubectl's READY column, `1/1`.
    pub ready_containers: String,
    pub restarts: i32,
    pub ip: Option<String>,
    /// What the map colours by: the `app` label, else `app.kubernetes.io/name`, else the owner.
    pub color_key: String,
    pub labels: Labels,
    pub owner: Option<String>,
    /// Names of the NetworkPolicies in the pod's namespace whose podSelector matches it.
    pub policies: Vec<String>,
    pub requests_served: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServicePortView {
    pub name: Option<String>,
    pub protocol: String,
    pub port: i32,
    pub target_port: String,
    pub node_port: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceView {
    pub name: String,
    pub namespace: String,
    /// `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName`.
    pub type_: String,
    /// The VIP, `None` for headless Services, absent for ExternalName.
    pub cluster_ip: Option<String>,
    pub ports: Vec<ServicePortView>,
    pub load_balancer_ip: Option<String>,
    pub external_name: Option<String>,
    /// `None` for a selector-less Service.
    pub selector: Option<Labels>,
    /// Pods in the Service's namespace its selector matches, ready or not, by name.
    pub pods: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyView {
    pub name: String,
    pub namespace: String,
    pub ingress: bool,
    pub egress: bool,
    pub pods: Vec<String>,
}

impl ClusterView {
    pub fn of(cluster: &Cluster) -> ClusterView {
        let mut view = ClusterView::from_store(&cluster.store);
        for p in &mut view.pods {
            p.requests_served = cluster.net.served(&p.namespace, &p.name);
        }
        view
    }

    pub fn from_store(store: &Store) -> ClusterView {
        let policies: Vec<PolicyView> = store
            .list_typed::<NetworkPolicy>(None)
            .map(|p| policy_view(store, p))
            .collect();
        let pods = store
            .list_typed::<Pod>(None)
            .map(|p| {
                let mut v = pod_view(p);
                v.policies = policies
                    .iter()
                    .filter(|np| np.namespace == v.namespace && np.pods.contains(&v.name))
                    .map(|np| np.name.clone())
                    .collect();
                v
            })
            .collect();
        ClusterView {
            nodes: store.list_typed::<Node>(None).map(node_view).collect(),
            pods,
            services: store
                .list_typed::<Service>(None)
                .map(|s| service_view(store, s))
                .collect(),
            namespaces: store
                .list(crate::api::Kind::Namespace, None)
                .map(|n| n.meta().name.clone())
                .collect(),
            policies,
        }
    }

    pub fn pod(&self, namespace: &str, name: &str) -> Option<&PodView> {
        self.pods
            .iter()
            .find(|p| p.namespace == namespace && p.name == name)
    }

    pub fn service(&self, namespace: &str, name: &str) -> Option<&ServiceView> {
        self.services
            .iter()
            .find(|s| s.namespace == namespace && s.name == name)
    }
}

fn node_view(n: &Node) -> NodeView {
    let status = n.status.clone().unwrap_or_default();
    NodeView {
        name: n.metadata.name.clone(),
        ip: status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.clone())
            .unwrap_or_default(),
        ready: status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True"),
        control_plane: n
            .metadata
            .labels
            .contains_key("node-role.kubernetes.io/control-plane"),
        pod_cidr: n.spec.pod_cidr.clone().unwrap_or_default(),
    }
}

/// kubectl's STATUS column, simplified to the cases the simulation produces.
pub fn pod_status_text(p: &Pod) -> String {
    if p.metadata.deletion_timestamp.is_some() {
        return "Terminating".into();
    }
    let Some(status) = &p.status else {
        return "Pending".into();
    };
    if let Some(reason) = &status.reason {
        return reason.clone();
    }
    for c in &status.container_statuses {
        if let Some(r) = c.state.waiting.as_ref().and_then(|w| w.reason.clone()) {
            return r;
        }
        if let Some(r) = c.state.terminated.as_ref().and_then(|t| t.reason.clone()) {
            return r;
        }
    }
    status.phase.clone().unwrap_or_else(|| "Pending".into())
}

fn pod_view(p: &Pod) -> PodView {
    let labels = p.metadata.labels.clone();
    let owner = p
        .metadata
        .owner_references
        .iter()
        .find(|o| o.controller == Some(true))
        .or_else(|| p.metadata.owner_references.first())
        .map(|o| o.name.clone());
    let color_key = labels
        .get("app")
        .or_else(|| labels.get("app.kubernetes.io/name"))
        .cloned()
        .or_else(|| owner.clone())
        .unwrap_or_else(|| p.metadata.name.clone());
    let statuses = p
        .status
        .as_ref()
        .map(|s| s.container_statuses.as_slice())
        .unwrap_or_default();
    let ready_count = statuses.iter().filter(|c| c.ready).count();
    PodView {
        name: p.metadata.name.clone(),
        namespace: p.metadata.namespace.clone().unwrap_or_default(),
        node: p.spec.node_name.clone(),
        status: pod_status_text(p),
        ready: p.is_ready(),
        ready_containers: format!("{ready_count}/{}", p.spec.containers.len()),
        restarts: statuses.iter().map(|c| c.restart_count).sum(),
        ip: p.ip().map(str::to_string),
        color_key,
        labels,
        owner,
        policies: Vec::new(),
        requests_served: 0,
    }
}

fn service_view(store: &Store, s: &Service) -> ServiceView {
    let namespace = s.metadata.namespace.clone().unwrap_or_default();
    let selector = s.spec.selector.clone().filter(|sel| !sel.is_empty());
    let pods = match &selector {
        Some(sel) => store
            .list_typed::<Pod>(Some(&namespace))
            .filter(|p| map_selector_matches(sel, &p.metadata.labels))
            .map(|p| p.metadata.name.clone())
            .collect(),
        None => Vec::new(),
    };
    let type_ = s.type_().to_string();
    let load_balancer_ip = s
        .status
        .as_ref()
        .and_then(|st| st.load_balancer.ingress.first())
        .and_then(|i| i.ip.clone().or_else(|| i.hostname.clone()));
    ServiceView {
        name: s.metadata.name.clone(),
        cluster_ip: s.spec.cluster_ip.clone(),
        ports: s
            .spec
            .ports
            .iter()
            .map(|p| ServicePortView {
                name: p.name.clone(),
                protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                port: p.port,
                target_port: p
                    .target_port
                    .as_ref()
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| p.port.to_string()),
                node_port: p.node_port,
            })
            .collect(),
        load_balancer_ip,
        external_name: s.spec.external_name.clone(),
        selector,
        pods,
        namespace,
        type_,
    }
}

fn policy_view(store: &Store, np: &NetworkPolicy) -> PolicyView {
    let namespace = np.metadata.namespace.clone().unwrap_or_default();
    let (ingress, egress) = np.effective_policy_types();
    let pods = store
        .list_typed::<Pod>(Some(&namespace))
        .filter(|p| np.spec.pod_selector.matches(&p.metadata.labels))
        .map(|p| p.metadata.name.clone())
        .collect();
    PolicyView {
        name: np.metadata.name.clone(),
        namespace,
        ingress,
        egress,
        pods,
    }
}

/// Owned map of label → value pairs rendered `k=v,k2=v2`, as kubectl shows selectors.
pub fn labels_text(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Object, ObjectMeta, PodStatus, ServicePort, ServiceSpec};

    fn pod(name: &str, app: &str, node: &str) -> Object {
        let mut p = Pod {
            metadata: ObjectMeta {
                name: name.into(),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            ..Pod::default()
        };
        p.metadata.labels.insert("app".into(), app.into());
        p.spec.node_name = Some(node.into());
        p.status = Some(PodStatus {
            phase: Some("Running".into()),
            pod_ip: Some("192.168.1.4".into()),
            ..PodStatus::default()
        });
        Object::Pod(p)
    }

    #[test]
    fn services_match_pods_by_selector() {
        let mut cluster = Cluster::new(1);
        cluster.store.put(pod("web-1", "web", "worker-1"));
        cluster.store.put(pod("db-1", "db", "worker-2"));
        let mut svc = Service::default();
        svc.metadata.name = "web".into();
        svc.metadata.namespace = Some("default".into());
        svc.spec = ServiceSpec {
            selector: Some([("app".to_string(), "web".to_string())].into()),
            ports: vec![ServicePort {
                port: 80,
                ..ServicePort::default()
            }],
            cluster_ip: Some("10.96.0.20".into()),
            ..ServiceSpec::default()
        };
        cluster.store.put(Object::Service(svc));
        let v = ClusterView::of(&cluster);
        assert_eq!(v.nodes.len(), 3);
        // kube-system runs the cluster's own pods; the test's two live in default.
        let ours = v.pods.iter().filter(|p| p.namespace == "default").count();
        assert_eq!(ours, 2);
        let s = v.service("default", "web").map(|s| s.pods.clone());
        assert_eq!(s, Some(vec!["web-1".to_string()]));
        assert_eq!(
            v.pod("default", "web-1").map(|p| p.status.as_str()),
            Some("Running")
        );
        let web = v.service("default", "web");
        assert_eq!(web.map(|s| s.ports[0].target_port.as_str()), Some("80"));
        assert_eq!(web.map(|s| s.type_.as_str()), Some("ClusterIP"));
    }
}
