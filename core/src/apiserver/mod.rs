//! The simulated API server's write path, as plain functions over `&mut Cluster`: decode a
//! manifest strictly, default it, check admission (the namespace exists and is not
//! terminating), allocate Service addresses and ports, validate with the real messages, stamp
//! metadata and store. Every successful write ends with `cluster.reconcile()` so controllers see
//! it at once. Errors are values; a failed write leaves the cluster exactly as it was.

pub mod alloc;
pub mod decode;
pub mod defaults;
pub mod merge;
pub mod validate;

use serde_json::Value;

pub use decode::{decode_file, Manifest};

use crate::api::{Kind, Object, Service};
use crate::cluster::Cluster;
use crate::error::{ApiError, FieldError};
use crate::store::ObjectKey;

/// The annotation `kubectl apply` keeps the applied manifest in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// What `kubectl apply` reports per object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplyOutcome {
    Created,
    Configured,
    Unchanged,
}

impl ApplyOutcome {
    pub fn verb(self) -> &'static str {
        match self {
            ApplyOutcome::Created => "created",
            ApplyOutcome::Configured => "configured",
            ApplyOutcome::Unchanged => "unchanged",
        }
    }
}

/// Result of an apply: the outcome plus any warning kubectl prints on stderr first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub outcome: ApplyOutcome,
    pub warning: Option<String>,
}

/// Fills in the namespace a namespaced manifest lands in, as kubectl does before sending it.
fn with_namespace(manifest: &Manifest, namespace: &str) -> Value {
    let mut v = manifest.value.clone();
    if manifest.kind.info().namespaced {
        if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("namespace".into(), Value::String(namespace.to_string()));
        } else if let Some(obj) = v.as_object_mut() {
            obj.insert(
                "metadata".into(),
                serde_json::json!({ "namespace": namespace }),
            );
        }
    }
    v
}

/// The `last-applied-configuration` value kubectl writes: the manifest as sent, compact JSON
/// with sorted keys, `metadata.annotations` present (without itself), and a trailing newline.
fn last_applied(value: &Value) -> String {
    let mut v = value.clone();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        let ann = meta
            .entry("annotations")
            .or_insert_with(|| Value::Object(Default::default()));
        if ann.is_null() {
            *ann = Value::Object(Default::default());
        }
        if let Some(a) = ann.as_object_mut() {
            a.remove(LAST_APPLIED);
        }
    }
    let mut s = serde_json::to_string(&v).unwrap_or_default();
    s.push('\n');
    s
}

fn strict_decode(kind: Kind, value: &Value, context: &str) -> Result<Object, ApiError> {
    let value = if has_null(value) {
        let mut value = value.clone();
        drop_nulls(&mut value);
        std::borrow::Cow::Owned(value)
    } else {
        std::borrow::Cow::Borrowed(value)
    };
    decode::decode_typed(kind, &value).map_err(|f| ApiError::Status {
        reason: "BadRequest".into(),
        message: format!("{context}: {}", f.message(kind)),
    })
}

/// Whether [`drop_nulls`] would change `v` (most manifests have no `null`, and need no copy).
fn has_null(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.values().any(|x| x.is_null() || has_null(x)),
        Value::Array(a) => a.iter().any(has_null),
        _ => false,
    }
}

/// A `null` field (`labels:` with nothing after it) means "not set" to Go's decoder.
fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// `kubectl apply` of one manifest into `namespace` (the manifest's own, else the context's).
pub fn apply(
    cluster: &mut Cluster,
    manifest: &Manifest,
    namespace: &str,
) -> Result<Applied, ApiError> {
    if manifest.name().is_empty() {
        let generate = manifest
            .value
            .pointer("/metadata/generateName")
            .and_then(Value::as_str);
        return Err(ApiError::Client {
            message: match generate {
                Some(g) => format!("from {g}: cannot use generate name with apply"),
                None => "resource name may not be empty".into(),
            },
        });
    }
    let value = with_namespace(manifest, namespace);
    let annotation = last_applied(&value);
    let key = ObjectKey::new(manifest.kind, namespace, manifest.name());
    let Some(live) = cluster
        .store
        .get(key.kind, &key.namespace, &key.name)
        .cloned()
    else {
        let ctx = format!("error when creating \"{}\"", manifest.source);
        // The body carries the object twice: itself and its last-applied annotation.
        crate::limits::check_request(annotation.len().saturating_mul(2), &ctx)?;
        let mut obj = strict_decode(manifest.kind, &value, &ctx)?;
        obj.meta_mut()
            .annotations
            .insert(LAST_APPLIED.into(), annotation);
        create_object(cluster, obj).map_err(|e| e.with_context(&ctx))?;
        return Ok(Applied {
            outcome: ApplyOutcome::Created,
            warning: None,
        });
    };
    let ctx = format!("error when patching \"{}\"", manifest.source);
    crate::limits::check_request(annotation.len(), &ctx)?;
    // The manifest itself must decode strictly; the merge result is then trusted.
    strict_decode(manifest.kind, &value, &ctx)?;
    let previous = live
        .meta()
        .annotations
        .get(LAST_APPLIED)
        .and_then(|s| serde_json::from_str::<Value>(s).ok());
    let warning = previous.is_none().then(|| {
        format!(
            "Warning: resource {}/{} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.",
            manifest.kind.info().plural_qualified(),
            manifest.name()
        )
    });
    let mut modified = value.clone();
    drop_nulls(&mut modified);
    if let Some(obj) = modified.as_object_mut() {
        obj.remove("status");
    }
    if let Some(ann) = modified
        .pointer_mut("/metadata")
        .and_then(Value::as_object_mut)
    {
        let a = ann
            .entry("annotations")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(a) = a.as_object_mut() {
            a.insert(LAST_APPLIED.into(), Value::String(annotation));
        }
    }
    let original = previous.unwrap_or(Value::Object(Default::default()));
    let merged = merge::three_way(&original, &modified, &live.to_value());
    let obj = strict_decode(manifest.kind, &merged, &ctx)?;
    let outcome = update_object(cluster, &live, obj).map_err(|e| e.with_context(&ctx))?;
    Ok(Applied { outcome, warning })
}

/// Creates `obj` (already decoded). Errors carry no file context; callers add it.
pub fn create_object(cluster: &mut Cluster, mut obj: Object) -> Result<Object, ApiError> {
    let kind = obj.kind();
    let info = kind.info();
    defaults::apply_defaults(&mut obj);
    if obj.meta().name.is_empty() {
        if let Some(prefix) = obj.meta().generate_name.clone() {
            let name = format!("{prefix}{}", random_suffix(cluster, 5));
            obj.meta_mut().name = name;
        }
    }
    let name = obj.meta().name.clone();
    let namespace = obj.meta().namespace.clone().unwrap_or_default();
    if info.namespaced {
        check_namespace(cluster, kind, &namespace, &name)?;
    } else {
        obj.meta_mut().namespace = None;
    }
    if cluster.store.get(kind, &namespace, &name).is_some() {
        return Err(ApiError::AlreadyExists {
            resource: info.plural_qualified(),
            name,
        });
    }
    if let Object::Service(svc) = &mut obj {
        prepare_service(cluster, svc, None)?;
    }
    invalid(kind, &name, validate::validate_create(&obj))?;
    // Quota admission: after validation, before storage.
    crate::limits::admit_create(&cluster.store, kind, &name)?;
    let uid = cluster.new_uid();
    let meta = obj.meta_mut();
    meta.uid = Some(uid);
    meta.creation_timestamp = Some(cluster.now);
    meta.resource_version = None;
    meta.deletion_timestamp = None;
    if has_generation(kind) {
        meta.generation = Some(1);
    }
    let stored = cluster.store.put(obj).clone();
    cluster.reconcile();
    Ok(stored)
}

/// Writes `new` over `live` after defaulting, allocation and update validation.
fn update_object(
    cluster: &mut Cluster,
    live: &Object,
    mut new: Object,
) -> Result<ApplyOutcome, ApiError> {
    let kind = new.kind();
    let name = live.meta().name.clone();
    defaults::apply_defaults(&mut new);
    // Server-owned metadata always comes from the stored object.
    {
        let old = live.meta();
        let meta = new.meta_mut();
        meta.uid = old.uid.clone();
        meta.creation_timestamp = old.creation_timestamp;
        meta.generation = old.generation;
        meta.resource_version = old.resource_version.clone();
        meta.deletion_timestamp = old.deletion_timestamp;
        meta.namespace = old.namespace.clone();
    }
    if let (Object::Service(svc), Object::Service(old)) = (&mut new, live) {
        patch_allocated_values(old, svc);
        normalize_cluster_ips(old, svc);
        drop_type_dependent_fields(old, svc);
        prepare_service(cluster, svc, Some(old))?;
    }
    invalid(kind, &name, validate::validate_update(live, &new))?;
    // Compared as served JSON: the typed apiVersion/kind fields may be blank on either side.
    if new.to_value() == live.to_value() {
        return Ok(ApplyOutcome::Unchanged);
    }
    if has_generation(kind) && spec_of(&new) != spec_of(live) {
        let g = live.meta().generation.unwrap_or(0) + 1;
        new.meta_mut().generation = Some(g);
    }
    cluster.store.put(new);
    cluster.reconcile();
    Ok(ApplyOutcome::Configured)
}

/// Replaces a stored object wholesale (scale, label, set image…): defaulting, validation and a
/// generation bump, without apply's merge.
pub fn replace_object(cluster: &mut Cluster, new: Object) -> Result<ApplyOutcome, ApiError> {
    let key = ObjectKey::of(&new);
    let Some(live) = cluster
        .store
        .get(key.kind, &key.namespace, &key.name)
        .cloned()
    else {
        return Err(ApiError::NotFound {
            resource: key.kind.info().plural_qualified(),
            name: key.name,
        });
    };
    update_object(cluster, &live, new)
}

/// apimachinery `rand.String`: lower-case consonants and digits that cannot spell words.
pub fn random_suffix(cluster: &mut Cluster, n: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..n)
        .map(|_| ALPHABET[cluster.rng.index(ALPHABET.len())] as char)
        .collect()
}

fn spec_of(obj: &Object) -> Value {
    obj.to_value().get("spec").cloned().unwrap_or(Value::Null)
}

fn has_generation(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet | Kind::NetworkPolicy
    )
}

fn invalid(kind: Kind, name: &str, causes: Vec<FieldError>) -> Result<(), ApiError> {
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Invalid {
            kind: kind.info().kind.to_string(),
            name: name.to_string(),
            causes,
        })
    }
}

/// NamespaceLifecycle admission.
fn check_namespace(
    cluster: &Cluster,
    kind: Kind,
    namespace: &str,
    name: &str,
) -> Result<(), ApiError> {
    match cluster.store.get(Kind::Namespace, "", namespace) {
        None => Err(ApiError::NotFound {
            resource: "namespaces".into(),
            name: namespace.to_string(),
        }),
        Some(ns) if ns.meta().deletion_timestamp.is_some() => Err(ApiError::Forbidden {
            message: format!(
                "{} \"{name}\" is forbidden: unable to create new content in namespace {namespace} because it is being terminated",
                kind.info().plural_qualified()
            ),
        }),
        Some(_) => Ok(()),
    }
}

/// Pre-validation of cluster IPs (and their immutability on update), then allocation: the
/// apiserver allocates before it runs full validation.
fn prepare_service(
    cluster: &mut Cluster,
    svc: &mut Service,
    old: Option<&Service>,
) -> Result<(), ApiError> {
    let name = svc.metadata.name.clone();
    let mut causes = validate::validate_service_cluster_ips(svc);
    if let Some(old) = old {
        causes.extend(validate::validate_service_update(old, svc));
    }
    invalid(Kind::Service, &name, causes)?;
    alloc::allocate(cluster, svc).map_err(|causes| ApiError::Invalid {
        kind: "Service".into(),
        name,
        causes,
    })
}

/// `patchAllocatedValues`: an update that leaves clusterIP, nodePorts or healthCheckNodePort
/// unset keeps the allocated ones (so `kubectl replace` need not repeat them).
fn patch_allocated_values(old: &Service, new: &mut Service) {
    let needs_ip = |s: &Service| s.type_() != "ExternalName";
    if needs_ip(old) && needs_ip(new) && new.spec.cluster_ip.as_deref().unwrap_or("").is_empty() {
        new.spec.cluster_ip = old.spec.cluster_ip.clone();
        if new.spec.cluster_ips.is_empty() {
            new.spec.cluster_ips = old.spec.cluster_ips.clone();
        }
    }
    let node_ports = |s: &Service| s.type_() == "NodePort" || s.type_() == "LoadBalancer";
    if node_ports(old) && node_ports(new) {
        for p in new.spec.ports.iter_mut().filter(|p| p.node_port.is_none()) {
            let same = old.spec.ports.iter().find(|o| {
                o.port == p.port
                    && o.protocol.as_deref().unwrap_or("TCP")
                        == p.protocol.as_deref().unwrap_or("TCP")
            });
            p.node_port = same.and_then(|o| o.node_port);
        }
    }
    if new.spec.health_check_node_port.is_none() && new.type_() == "LoadBalancer" {
        new.spec.health_check_node_port = old.spec.health_check_node_port;
    }
}

/// `normalizeClusterIPs`: a changed `clusterIP` with untouched `clusterIPs` replaces them, so
/// the change is seen (and refused) instead of silently ignored.
fn normalize_cluster_ips(old: &Service, new: &mut Service) {
    if new.spec.cluster_ip != old.spec.cluster_ip && new.spec.cluster_ips == old.spec.cluster_ips {
        match new.spec.cluster_ip.as_deref() {
            Some(ip) if !ip.is_empty() => new.spec.cluster_ips = vec![ip.to_string()],
            _ => new.spec.cluster_ip = old.spec.cluster_ips.first().cloned(),
        }
    }
}

/// `dropTypeDependentFields`: leaving NodePort/LoadBalancer releases unchanged nodePorts,
/// becoming ExternalName releases an unchanged clusterIP, leaving LB+Local releases the
/// healthCheckNodePort. Values the user changed stay and are validated.
fn drop_type_dependent_fields(old: &Service, new: &mut Service) {
    let ty = new.type_().to_string();
    if ty == "ExternalName" && new.spec.cluster_ips == old.spec.cluster_ips {
        new.spec.cluster_ip = None;
        new.spec.cluster_ips.clear();
        new.spec.ip_families.clear();
        new.spec.ip_family_policy = None;
        new.spec.internal_traffic_policy = None;
    }
    if ty != "NodePort" && ty != "LoadBalancer" {
        for (i, p) in new.spec.ports.iter_mut().enumerate() {
            let old_np = old.spec.ports.get(i).and_then(|o| o.node_port);
            if p.node_port.is_some() && p.node_port == old_np {
                p.node_port = None;
            }
        }
        if new.spec.external_traffic_policy == old.spec.external_traffic_policy {
            new.spec.external_traffic_policy = None;
        }
    }
    let local_lb =
        ty == "LoadBalancer" && new.spec.external_traffic_policy.as_deref() == Some("Local");
    if !local_lb && new.spec.health_check_node_port == old.spec.health_check_node_port {
        new.spec.health_check_node_port = None;
    }
    if ty != "LoadBalancer" {
        if new.spec.allocate_load_balancer_node_ports == old.spec.allocate_load_balancer_node_ports
        {
            new.spec.allocate_load_balancer_node_ports = None;
        }
        if let Some(st) = new.status.as_mut() {
            st.load_balancer.ingress.clear();
        }
    }
}

/// The size of `value` as a JSON request body.
fn json_len(value: &Value) -> usize {
    serde_json::to_vec(value).map_or(0, |v| v.len())
}

/// `kubectl create -f`: like apply's create, without the annotation unless `save_config`.
/// Returns the stored name (generated when the manifest has only `generateName`).
pub fn create(
    cluster: &mut Cluster,
    manifest: &Manifest,
    namespace: &str,
    save_config: bool,
) -> Result<String, ApiError> {
    let ctx = format!("error when creating \"{}\"", manifest.source);
    let obj = request_object(manifest, namespace, save_config, &ctx)?;
    let stored = create_object(cluster, obj).map_err(|e| e.with_context(&ctx))?;
    Ok(stored.meta().name.clone())
}

/// The object a `create -f` / `replace -f` request carries: the manifest in `namespace`, within
/// the request size limit, strictly decoded, with the last-applied annotation if `save_config`.
fn request_object(
    manifest: &Manifest,
    namespace: &str,
    save_config: bool,
    ctx: &str,
) -> Result<Object, ApiError> {
    let value = with_namespace(manifest, namespace);
    crate::limits::check_request(json_len(&value), ctx)?;
    let mut obj = strict_decode(manifest.kind, &value, ctx)?;
    if save_config {
        obj.meta_mut()
            .annotations
            .insert(LAST_APPLIED.into(), last_applied(&value));
    }
    Ok(obj)
}

/// `kubectl replace -f`: the manifest becomes the object (server-owned metadata and allocated
/// Service values are kept); it must exist.
pub fn replace(
    cluster: &mut Cluster,
    manifest: &Manifest,
    namespace: &str,
    save_config: bool,
) -> Result<(), ApiError> {
    let ctx = format!("error when replacing \"{}\"", manifest.source);
    let obj = request_object(manifest, namespace, save_config, &ctx)?;
    replace_object(cluster, obj)
        .map(|_| ())
        .map_err(|e| e.with_context(&ctx))
}

/// Deletes one object after the apiserver's checks (it exists; kubeadm's namespaces are
/// protected). `Cluster::delete` applies the rules: namespaces and pods bound to a node enter
/// graceful termination, everything else goes at once and garbage collection follows
/// ownerReferences. `grace` overrides a pod's terminationGracePeriodSeconds (`--grace-period`).
pub fn delete(
    cluster: &mut Cluster,
    kind: Kind,
    namespace: &str,
    name: &str,
    grace: Option<i64>,
) -> Result<(), ApiError> {
    let key = ObjectKey::new(kind, namespace, name);
    if cluster.store.get(kind, &key.namespace, name).is_none() {
        return Err(ApiError::NotFound {
            resource: kind.info().plural_qualified(),
            name: name.to_string(),
        });
    }
    if kind == Kind::Namespace
        && ["default", "kube-system", "kube-public", "kube-node-lease"].contains(&name)
    {
        return Err(ApiError::Forbidden {
            message: format!(
                "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
            ),
        });
    }
    // The grace-period and Terminating rules live in one place, shared with the controllers.
    cluster.delete(&key, grace);
    Ok(())
}
