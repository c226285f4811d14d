//! The manifests the scenarios apply, as YAML text: the same objects `bench/peer.mjs` gives the
//! peer (a whoami Deployment, a ClusterIP Service on port 80, a client pod that sleeps).

/// The `web` Deployment with `replicas` and its Service; with `client`, the client pod too.
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
    }
    y
}

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
