//! The manifests the scenarios apply, as YAML text: the same objects `bench/peer.mjs` gives the
//! peer (a whoami Deployment, a ClusterIP Service on port 80, a client pod that sleeps).

/// The `web` Deployment with `replicas` and its Service; with `client`, the client pod too, and
/// NetworkPolicies that isolate both ends (web takes ingress only from the client; the client
/// sends only to port 80 in its namespace and to DNS), so every request also pays for policy
/// evaluation at both ends (the "with policies present"; the peer has no NetworkPolicy).
pub fn web(replicas: u32, client: bool) -> String {
    let mut y = app("web", replicas);
    if client {
        y.push_str(
            "---
apiVersion: v1
kind: Pod
metadata:
  name: client
  labels:
    app: client
spec:
  containers:
  - name: client
    image: nicolaka/netshoot
    command: [\"sleep\", \"infinity\"]
",
        );
        y.push_str(POLICIES);
    }
    y
}

const POLICIES: &str = "---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-client
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: client
    ports:
    - port: 80
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: client-egress
spec:
  podSelector:
    matchLabels:
      app: client
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector: {}
    ports:
    - port: 80
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
";

/// `n` Deployments `PREFIX-i` × `replicas`, each with its Service.
pub fn many(prefix: &str, n: u32, replicas: u32) -> String {
    (0..n)
        .map(|i| app(&format!("{prefix}-{i}"), replicas))
        .collect::<Vec<_>>()
        .join("---\n")
}

/// Services `extra-FROM..extra-TO` selecting the `web` pods.
pub fn extra_services(from: u32, to: u32) -> String {
    (from..to)
        .map(|i| service(&format!("extra-{i}"), "web"))
        .collect::<Vec<_>>()
        .join("---\n")
}

fn app(name: &str, replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: whoami
        image: traefik/whoami
        ports:
        - containerPort: 80
---
{}",
        service(name, name)
    )
}

fn service(name: &str, app: &str) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: {app}
  ports:
  - port: 80
    targetPort: 80
"
    )
}
