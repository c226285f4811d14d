use kubeplay_core::sim::Duration;
use kubeplay_core::tools::{self, Origin};
use kubeplay_core::Session;
use std::time::Instant;
const M: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: whoami
        image: traefik/whoami
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
---
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
    command: ["sleep", "infinity"]
---
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
"#;
fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10000);
    let mode = std::env::args().nth(2).unwrap_or_default();
    let mut s = Session::new(1);
    s.advance(Duration::from_secs(5));
    s.add_file("m.yaml", M);
    println!("{:?}", s.exec("kubectl apply -f m.yaml").text());
    s.advance(Duration::from_secs(60));
    println!("{}", s.exec("kubectl get pods,ep").text());
    let origin = Origin::Pod {
        namespace: "default".into(),
        name: "client".into(),
        container: "client".into(),
    };
    let argv = ["curl", "-s", "http://web/"].map(String::from);
    let t = Instant::now();
    let mut ok = 0;
    for _ in 0..n {
        if mode == "exec" {
            if s.exec("kubectl exec client -- curl -s http://web/")
                .exit_code
                == 0
            {
                ok += 1;
            }
        } else if let Some(o) = tools::run(&mut s.cluster, &origin, &argv, "") {
            if o.exit_code == 0 {
                ok += 1;
            }
        }
    }
    println!("{ok}/{n} {:?} per req", t.elapsed() / n);
}
