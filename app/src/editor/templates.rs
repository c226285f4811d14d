//! Starter manifests, one per kind a learner meets in the Services lab. Each is a complete,
//! valid object a learner can apply as is and then change.

/// (menu label, suggested file name, manifest)
pub const TEMPLATES: &[(&str, &str, &str)] = &[
    ("Deployment", "deployment.yaml", DEPLOYMENT),
    (
        "Service (ClusterIP)",
        "service-clusterip.yaml",
        SERVICE_CLUSTER_IP,
    ),
    (
        "Service (NodePort)",
        "service-nodeport.yaml",
        SERVICE_NODE_PORT,
    ),
    (
        "Service (LoadBalancer)",
        "service-loadbalancer.yaml",
        SERVICE_LOAD_BALANCER,
    ),
    (
        "Service (ExternalName)",
        "service-externalname.yaml",
        SERVICE_EXTERNAL_NAME,
    ),
    (
        "StatefulSet + headless Service",
        "statefulset.yaml",
        STATEFUL_SET,
    ),
    ("NetworkPolicy", "networkpolicy.yaml", NETWORK_POLICY),
    ("Namespace", "namespace.yaml", NAMESPACE),
    ("ConfigMap", "configmap.yaml", CONFIG_MAP),
    ("Pod", "pod.yaml", POD),
];

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
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
      - name: web
        image: traefik/whoami
        ports:
        - containerPort: 80
";

const SERVICE_CLUSTER_IP: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
";

const SERVICE_NODE_PORT: &str = "apiVersion: v1
kind: Service
metadata:
  name: web-nodeport
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30080
";

const SERVICE_LOAD_BALANCER: &str = "apiVersion: v1
kind: Service
metadata:
  name: web-lb
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
";

const SERVICE_EXTERNAL_NAME: &str = "apiVersion: v1
kind: Service
metadata:
  name: search
spec:
  type: ExternalName
  externalName: www.example.com
";

const STATEFUL_SET: &str = "apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector:
    app: db
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: db
        image: traefik/whoami
        ports:
        - containerPort: 80
";

const NETWORK_POLICY: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-allow-frontend
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes:
  - Ingress
  ingress:
  - from:
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 80
";

const NAMESPACE: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: team-a
";

const CONFIG_MAP: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  GREETING: hello
";

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: client
  labels:
    role: frontend
spec:
  containers:
  - name: client
    image: busybox:1.36
    command: [\"sleep\", \"3600\"]
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_valid_yaml() {
        for (label, _, text) in TEMPLATES {
            assert_eq!(super::super::highlight::check(text), None, "{label}");
        }
    }
}
