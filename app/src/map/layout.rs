//! Where everything sits on the cluster map. Pure geometry over a `ClusterView`, so the rules that
//! matter to a learner are tested natively: a pod keeps its slot in its node for as long as it
//! lives (new pods take the lowest free slot, nothing shifts when a neighbour goes), and an app
//! keeps its colour while any of its pods exist.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_core::view::{ClusterView, NodeView, PodView, ServiceView};

/// Drawing widths: side by side on wide screens, nodes stacked on phones.
pub const WIDE: f64 = 760.0;
pub const NARROW: f64 = 380.0;
/// Narrowest a node region gets before the next one wraps below it.
const MIN_NODE_W: f64 = 150.0;
const MARGIN: f64 = 20.0;
const OUTSIDE_H: f64 = 60.0;
const NODE_GAP: f64 = 14.0;
const NODE_HEADER: f64 = 50.0;
const CELL_W: f64 = 74.0;
const CELL_H: f64 = 62.0;
const SVC_W: f64 = 168.0;
const SVC_H: f64 = 58.0;
const SVC_GAP: f64 = 12.0;
/// Okabe-Ito has seven colours besides black.
pub const PALETTE_LEN: usize = 7;
/// The pseudo-node unscheduled pods wait in.
pub const UNSCHEDULED: &str = "";

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// Slot and colour memory carried from one layout to the next.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Alloc {
    slots: BTreeMap<String, BTreeMap<(String, String), usize>>,
    colors: BTreeMap<String, usize>,
}

impl Alloc {
    /// Forgets pods and apps that are gone and places new ones, keeping everyone else where they were.
    pub fn update(&mut self, pods: &[&PodView]) {
        let live: BTreeSet<(String, (String, String))> = pods
            .iter()
            .map(|p| (node_key(p), (p.namespace.clone(), p.name.clone())))
            .collect();
        for (node, slots) in &mut self.slots {
            slots.retain(|k, _| live.contains(&(node.clone(), k.clone())));
        }
        for (node, key) in &live {
            let slots = self.slots.entry(node.clone()).or_default();
            if !slots.contains_key(key) {
                let used: BTreeSet<usize> = slots.values().copied().collect();
                let free = (0..).find(|i| !used.contains(i)).unwrap_or(0);
                slots.insert(key.clone(), free);
            }
        }
        let apps: BTreeSet<&str> = pods.iter().map(|p| p.color_key.as_str()).collect();
        self.colors.retain(|k, _| apps.contains(k.as_str()));
        for app in apps {
            if !self.colors.contains_key(app) {
                let used: BTreeSet<usize> = self.colors.values().copied().collect();
                let free = (0..PALETTE_LEN)
                    .find(|i| !used.contains(i))
                    .unwrap_or(self.colors.len() % PALETTE_LEN);
                self.colors.insert(app.to_string(), free);
            }
        }
    }

    pub fn slot(&self, pod: &PodView) -> usize {
        self.slots
            .get(&node_key(pod))
            .and_then(|s| s.get(&(pod.namespace.clone(), pod.name.clone())))
            .copied()
            .unwrap_or(0)
    }

    pub fn color(&self, app: &str) -> usize {
        self.colors.get(app).copied().unwrap_or(0)
    }
}

fn node_key(p: &PodView) -> String {
    p.node.clone().unwrap_or_else(|| UNSCHEDULED.to_string())
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    pub node: NodeView,
    pub rect: Rect,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodDot {
    pub pod: PodView,
    pub x: f64,
    pub y: f64,
    pub color: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServiceBox {
    pub service: ServiceView,
    pub rect: Rect,
    /// Centres of the pods its selector matches that are on the map.
    pub links: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LbBox {
    pub ip: String,
    pub service: String,
    pub rect: Rect,
    pub target: (f64, f64),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapLayout {
    pub width: f64,
    pub height: f64,
    pub cluster: Rect,
    pub workstation: Rect,
    pub nodes: Vec<NodeBox>,
    /// The unscheduled area, when some pod waits for a node.
    pub unscheduled: Option<Rect>,
    pub pods: Vec<PodDot>,
    pub services: Vec<ServiceBox>,
    pub lbs: Vec<LbBox>,
}

/// Which namespaces the map shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NsFilter {
    All,
    /// Everything but `kube-system` and the other `kube-*` namespaces: the learner's own objects.
    User,
    Only(String),
}

impl NsFilter {
    pub fn admits(&self, namespace: &str) -> bool {
        match self {
            NsFilter::All => true,
            NsFilter::User => !namespace.starts_with("kube-"),
            NsFilter::Only(ns) => ns == namespace,
        }
    }

    /// The `<select>` value for this filter, and back.
    pub fn value(&self) -> String {
        match self {
            NsFilter::All => "*".into(),
            NsFilter::User => String::new(),
            NsFilter::Only(ns) => ns.clone(),
        }
    }

    pub fn from_value(value: &str) -> NsFilter {
        match value {
            "*" => NsFilter::All,
            "" => NsFilter::User,
            ns => NsFilter::Only(ns.to_string()),
        }
    }
}

/// Lays out `view`, showing the namespaces `filter` admits. Updates `alloc` for the visible pods.
pub fn layout(view: &ClusterView, filter: &NsFilter, width: f64, alloc: &mut Alloc) -> MapLayout {
    let in_ns = |ns: &str| filter.admits(ns);
    let pods: Vec<&PodView> = view.pods.iter().filter(|p| in_ns(&p.namespace)).collect();
    alloc.update(&pods);
    let mut columns: Vec<String> = view.nodes.iter().map(|n| n.name.clone()).collect();
    let has_unscheduled = pods.iter().any(|p| p.node.is_none());
    if has_unscheduled {
        columns.push(UNSCHEDULED.to_string());
    }
    let inner = width - 2.0 * MARGIN - 2.0 * NODE_GAP;
    let fit = (((inner + NODE_GAP) / (MIN_NODE_W + NODE_GAP)).floor() as usize).max(1);
    let per_node_row = columns.len().clamp(1, fit);
    let n = per_node_row as f64;
    let node_w = (inner - (n - 1.0) * NODE_GAP) / n;
    let cols = (((node_w - 8.0) / CELL_W).floor() as usize).max(1);
    let max_slot = pods
        .iter()
        .map(|p| alloc.slot(p))
        .max()
        .map_or(0, |s| s + 1);
    let rows = max_slot.div_ceil(cols).max(1);
    let node_h = NODE_HEADER + rows as f64 * CELL_H + 6.0;
    let cluster_y = MARGIN + OUTSIDE_H + 16.0;
    let nodes_y = cluster_y + 30.0;
    let column_rect = |i: usize| Rect {
        x: MARGIN + NODE_GAP + (i % per_node_row) as f64 * (node_w + NODE_GAP),
        y: nodes_y + (i / per_node_row) as f64 * (node_h + NODE_GAP),
        w: node_w,
        h: node_h,
    };
    let index_of = |node: &str| columns.iter().position(|c| c == node);

    let nodes = view
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| NodeBox {
            node: node.clone(),
            rect: column_rect(i),
        })
        .collect();
    let unscheduled = has_unscheduled.then(|| column_rect(columns.len() - 1));

    let dots: Vec<PodDot> = pods
        .iter()
        .filter_map(|p| {
            let col = index_of(p.node.as_deref().unwrap_or(UNSCHEDULED))?;
            let r = column_rect(col);
            let slot = alloc.slot(p);
            let cell_x = (slot % cols) as f64;
            let cell_y = (slot / cols) as f64;
            let grid_w = cols as f64 * CELL_W;
            Some(PodDot {
                pod: (*p).clone(),
                x: r.x + (r.w - grid_w) / 2.0 + cell_x * CELL_W + CELL_W / 2.0,
                y: r.y + NODE_HEADER + cell_y * CELL_H + 20.0,
                color: alloc.color(&p.color_key),
            })
        })
        .collect();

    let node_rows = columns.len().max(1).div_ceil(per_node_row) as f64;
    let nodes_bottom = nodes_y + node_rows * (node_h + NODE_GAP) - NODE_GAP;
    let svc_y = nodes_bottom + 36.0;
    let per_row = (((inner + SVC_GAP) / (SVC_W + SVC_GAP)).floor() as usize).max(1);
    let services: Vec<ServiceBox> = view
        .services
        .iter()
        .filter(|s| in_ns(&s.namespace))
        .enumerate()
        .map(|(i, s)| {
            let rect = Rect {
                x: MARGIN + NODE_GAP + (i % per_row) as f64 * (SVC_W + SVC_GAP),
                y: svc_y + (i / per_row) as f64 * (SVC_H + SVC_GAP),
                w: SVC_W,
                h: SVC_H,
            };
            let links = dots
                .iter()
                .filter(|d| d.pod.namespace == s.namespace && s.pods.contains(&d.pod.name))
                .map(|d| (d.x, d.y))
                .collect();
            ServiceBox {
                service: s.clone(),
                rect,
                links,
            }
        })
        .collect();
    let svc_rows = services.len().div_ceil(per_row);
    let cluster_bottom = if svc_rows == 0 {
        nodes_bottom + 16.0
    } else {
        svc_y + svc_rows as f64 * (SVC_H + SVC_GAP) + 6.0
    };
    let workstation = Rect {
        x: MARGIN,
        y: MARGIN,
        w: 150.0,
        h: OUTSIDE_H,
    };
    let lbs = services
        .iter()
        .filter_map(|s| {
            let ip = s.service.load_balancer_ip.clone()?;
            Some((ip, s))
        })
        .enumerate()
        .map(|(i, (ip, s))| LbBox {
            ip,
            service: s.service.name.clone(),
            rect: Rect {
                x: (MARGIN + 170.0 + i as f64 * 150.0).min(width - MARGIN - 140.0),
                y: MARGIN + 8.0,
                w: 140.0,
                h: OUTSIDE_H - 16.0,
            },
            target: (s.rect.x + s.rect.w / 2.0, s.rect.y),
        })
        .collect();
    MapLayout {
        width,
        height: cluster_bottom + MARGIN,
        cluster: Rect {
            x: MARGIN,
            y: cluster_y,
            w: width - 2.0 * MARGIN,
            h: cluster_bottom - cluster_y,
        },
        workstation,
        nodes,
        unscheduled,
        pods: dots,
        services,
        lbs,
    }
}

/// One end of a request hop on the map, for the traffic animation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    Workstation,
    LoadBalancer(String),
    Node(String),
    Pod { namespace: String, name: String },
    Service { namespace: String, name: String },
}

impl MapLayout {
    /// Where `place` is drawn, if it is on the map.
    pub fn position(&self, place: &Place) -> Option<(f64, f64)> {
        match place {
            Place::Workstation => Some(self.workstation.center()),
            Place::LoadBalancer(ip) => self
                .lbs
                .iter()
                .find(|l| &l.ip == ip)
                .map(|l| l.rect.center()),
            Place::Node(name) => self
                .nodes
                .iter()
                .find(|n| &n.node.name == name)
                .map(|n| (n.rect.x + n.rect.w / 2.0, n.rect.y + 20.0)),
            Place::Pod { namespace, name } => self
                .pods
                .iter()
                .find(|d| &d.pod.namespace == namespace && &d.pod.name == name)
                .map(|d| (d.x, d.y)),
            Place::Service { namespace, name } => self
                .services
                .iter()
                .find(|s| &s.service.namespace == namespace && &s.service.name == name)
                .map(|s| s.rect.center()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, node: &str, app: &str) -> PodView {
        PodView {
            name: name.into(),
            namespace: "default".into(),
            node: Some(node.into()),
            color_key: app.into(),
            ..PodView::default()
        }
    }

    fn view(pods: Vec<PodView>) -> ClusterView {
        ClusterView {
            nodes: ["worker-1", "worker-2"]
                .map(|n| NodeView {
                    name: n.into(),
                    ..NodeView::default()
                })
                .to_vec(),
            pods,
            ..ClusterView::default()
        }
    }

    fn at(l: &MapLayout, name: &str) -> Option<(f64, f64)> {
        l.position(&Place::Pod {
            namespace: "default".into(),
            name: name.into(),
        })
    }

    #[test]
    fn pods_keep_their_slots_while_neighbours_come_and_go() {
        let mut alloc = Alloc::default();
        let v1 = view(vec![
            pod("a", "worker-1", "web"),
            pod("b", "worker-1", "web"),
            pod("c", "worker-1", "web"),
        ]);
        let l1 = layout(&v1, &NsFilter::All, WIDE, &mut alloc);
        let c_before = at(&l1, "c");
        // `a` goes; `c` must not move, and a new pod `aa` (sorting first) takes `a`'s old slot.
        let v2 = view(vec![
            pod("aa", "worker-1", "web"),
            pod("b", "worker-1", "web"),
            pod("c", "worker-1", "web"),
        ]);
        let l2 = layout(&v2, &NsFilter::All, WIDE, &mut alloc);
        assert_eq!(at(&l2, "c"), c_before);
        assert_eq!(at(&l2, "aa"), at(&l1, "a"));
    }

    #[test]
    fn apps_keep_their_colours() {
        let mut alloc = Alloc::default();
        let l1 = layout(
            &view(vec![pod("g", "worker-1", "green")]),
            &NsFilter::All,
            WIDE,
            &mut alloc,
        );
        let l2 = layout(
            &view(vec![
                pod("b", "worker-2", "blue"),
                pod("g", "worker-1", "green"),
            ]),
            &NsFilter::All,
            WIDE,
            &mut alloc,
        );
        let colour =
            |l: &MapLayout, n: &str| l.pods.iter().find(|d| d.pod.name == n).map(|d| d.color);
        assert_eq!(colour(&l1, "g"), colour(&l2, "g"));
        assert_ne!(colour(&l2, "b"), colour(&l2, "g"));
    }

    #[test]
    fn services_link_to_matched_pods_and_namespaces_filter() {
        let mut alloc = Alloc::default();
        let mut v = view(vec![
            pod("a", "worker-1", "web"),
            pod("b", "worker-2", "web"),
        ]);
        let mut other = pod("x", "worker-2", "web");
        other.namespace = "team-a".into();
        v.pods.push(other);
        v.services.push(ServiceView {
            name: "web".into(),
            namespace: "default".into(),
            pods: vec!["a".into(), "b".into()],
            load_balancer_ip: Some("10.10.99.100".into()),
            ..ServiceView::default()
        });
        let l = layout(&v, &NsFilter::Only("default".into()), WIDE, &mut alloc);
        assert_eq!(l.pods.len(), 2);
        assert_eq!(l.services[0].links.len(), 2);
        assert_eq!(l.lbs.len(), 1);
        assert!(l
            .position(&Place::LoadBalancer("10.10.99.100".into()))
            .is_some());
        assert!(l.services[0].rect.y > l.nodes[0].rect.y + l.nodes[0].rect.h);
    }

    #[test]
    fn the_default_filter_hides_system_namespaces() {
        let f = NsFilter::from_value("");
        assert!(f.admits("default") && f.admits("team-a") && !f.admits("kube-system"));
        for f in [NsFilter::All, NsFilter::User, NsFilter::Only("x".into())] {
            assert_eq!(NsFilter::from_value(&f.value()), f);
        }
    }

    #[test]
    fn narrow_maps_stack_the_nodes() {
        let mut alloc = Alloc::default();
        let l = layout(
            &view(vec![pod("a", "worker-2", "web")]),
            &NsFilter::All,
            NARROW,
            &mut alloc,
        );
        assert_eq!(l.nodes[0].rect.x, l.nodes[1].rect.x);
        assert!(l.nodes[1].rect.y > l.nodes[0].rect.y + l.nodes[0].rect.h);
        assert!(l.pods[0].x < NARROW && l.lbs.is_empty());
    }

    #[test]
    fn unscheduled_pods_get_their_own_area() {
        let mut alloc = Alloc::default();
        let mut p = pod("pending", "worker-1", "web");
        p.node = None;
        let l = layout(&view(vec![p]), &NsFilter::All, WIDE, &mut alloc);
        assert!(l.unscheduled.is_some());
        assert!(at(&l, "pending").is_some());
    }
}
