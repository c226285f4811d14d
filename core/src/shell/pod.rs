//! Pod terminals: what `kubectl exec` opens. The image decides which shells exist and how the
//! prompt looks (`bash-5.0# ` for netshoot's bash, `/ # ` for BusyBox/Alpine `sh`,
//! `root@<pod>:/# ` for Debian-based images); the pod decides `/etc/resolv.conf`, `/etc/hosts`,
//! `/etc/hostname` and the environment (the container's `env` plus the Service variables).

use super::{Flavor, ShellState};
use crate::api::{Deployment, Pod, ReplicaSet, Service, StatefulSet};
use crate::cluster::{net, Cluster};
use crate::vfs::Vfs;

/// How an image's shell draws its prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptStyle {
    /// bash without a PS1 (Alpine-based images): `bash-5.0# `.
    BashVersion(String),
    /// BusyBox ash: `/ # `, `~ # `.
    Ash,
    /// Debian's bash: `root@pod:/# `.
    Debian(String),
    /// A bare `# ` (dash, zsh).
    Hash,
}

/// The shells and prompt an image family has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageFamily {
    /// nicolaka/netshoot and mirrors: Alpine with bash 5.0 and zsh.
    Netshoot,
    /// busybox, alpine: ash as `sh` only.
    Busybox,
    /// whoami and other `FROM scratch` images: no shell at all.
    Scratch,
    /// nginx, httpd, debian, ubuntu and the default: bash and dash.
    Debian,
}

pub fn image_family(image: &str) -> ImageFamily {
    let name = image.rsplit('/').next().unwrap_or(image);
    let name = name.split([':', '@']).next().unwrap_or(name);
    match name {
        "netshoot" => ImageFamily::Netshoot,
        "busybox" | "alpine" | "curl" | "curlimages" => ImageFamily::Busybox,
        "whoami" | "pause" | "coredns" | "echoserver" => ImageFamily::Scratch,
        _ => ImageFamily::Debian,
    }
}

/// Shells, by the basename of the program, that open an interactive terminal.
pub fn is_shell(program: &str) -> bool {
    matches!(
        program.rsplit('/').next().unwrap_or(program),
        "sh" | "bash" | "ash" | "zsh" | "dash"
    )
}

/// What an image runs when `kubectl run -it` gives no command.
pub fn default_shell(family: &ImageFamily) -> &'static str {
    match family {
        ImageFamily::Netshoot => "zsh",
        ImageFamily::Busybox => "sh",
        _ => "bash",
    }
}

/// Whether `program` (basename) exists in the image at all.
pub fn has_program(family: &ImageFamily, program: &str) -> bool {
    let base = program.rsplit('/').next().unwrap_or(program);
    match family {
        ImageFamily::Scratch => false,
        ImageFamily::Busybox => !matches!(base, "bash" | "zsh" | "dash"),
        ImageFamily::Netshoot => base != "dash",
        ImageFamily::Debian => base != "zsh" && base != "ash",
    }
}

/// The shell flavor and prompt for `program` in an image family.
pub fn shell_for(family: &ImageFamily, program: &str, pod: &str) -> (Flavor, PromptStyle) {
    let base = program.rsplit('/').next().unwrap_or(program);
    let bash = |v: &str, debian| Flavor::Bash {
        version: v.to_string(),
        debian,
    };
    match (family, base) {
        (ImageFamily::Netshoot, "bash") => {
            (bash("5.0", false), PromptStyle::BashVersion("5.0".into()))
        }
        (ImageFamily::Netshoot, "zsh") => (bash("5.0", false), PromptStyle::Hash),
        (ImageFamily::Netshoot | ImageFamily::Busybox, _) => (Flavor::Ash, PromptStyle::Ash),
        (_, "bash") => (bash("5.2", true), PromptStyle::Debian(pod.to_string())),
        _ => (Flavor::Ash, PromptStyle::Hash),
    }
}

/// A pod's shell: the exec session the learner is typing into.
#[derive(Clone, Debug)]
pub struct PodTerminal {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub fs: Vfs,
    pub cwd: String,
    pub st: ShellState,
    pub prompt: PromptStyle,
    /// `kubectl run --rm`: delete the pod when this terminal exits.
    pub rm_on_exit: bool,
}

impl PodTerminal {
    pub fn prompt(&self) -> String {
        let home = self.st.home();
        let short = if self.cwd == home {
            "~".to_string()
        } else if let Some(rest) = self.cwd.strip_prefix(&format!("{home}/")) {
            format!("~/{rest}")
        } else {
            self.cwd.clone()
        };
        match &self.prompt {
            PromptStyle::BashVersion(v) => format!("bash-{v}# "),
            PromptStyle::Ash => format!("{short} # "),
            PromptStyle::Debian(pod) => format!("root@{pod}:{short}# "),
            PromptStyle::Hash => "# ".to_string(),
        }
    }
}

/// The root filesystem a container starts with.
pub fn root_fs(cluster: &Cluster, pod: &Pod) -> Vfs {
    let mut fs = Vfs::default();
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let name = &pod.metadata.name;
    let d = net::CLUSTER_DOMAIN;
    fs.write(
        "/etc/resolv.conf",
        format!(
            "search {ns}.svc.{d} svc.{d} {d}\nnameserver {}\noptions ndots:5\n",
            net::DNS_SERVICE_IP
        ),
    );
    fs.write("/etc/hostname", format!("{name}\n"));
    let mut hosts = String::from(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n\
         fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
    );
    if let Some(ip) = pod.ip() {
        hosts.push_str(&format!("{ip}\t{name}\n"));
    }
    fs.write("/etc/hosts", hosts);
    for dir in ["/root", "/tmp", "/bin", "/usr/bin", "/var", "/proc", "/dev"] {
        fs.mkdir_all(dir);
    }
    let _ = cluster;
    fs
}

/// The environment the kubelet gives the container: PATH, HOSTNAME, HOME, the container's `env`
/// (literal values), and the Service variables.
pub fn environment(
    cluster: &Cluster,
    pod: &Pod,
    container: &str,
    tty: bool,
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = vec![
        (
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        ),
        ("HOSTNAME".into(), pod.metadata.name.clone()),
    ];
    if tty {
        env.push(("TERM".into(), "xterm".into()));
    }
    // The container's own env wins over Service variables; `$(VAR)` references expand.
    env.extend(crate::network::env::container_env(cluster, pod, container));
    env.push(("HOME".into(), "/root".into()));
    env
}

/// Resolves `kubectl exec`'s target (`POD`, `pod/POD`, `deploy/NAME`, `svc/NAME`, `rs/…`,
/// `sts/…`) to a pod name, or kubectl's NotFound error.
pub fn find_pod(cluster: &Cluster, ns: &str, target: &str) -> Result<String, String> {
    find_pod_counted(cluster, ns, target).map(|(name, _)| name)
}

/// [`find_pod`], plus how many pods the selector matched (one for a named pod), for kubectl's
/// `Found N pods, using pod/…` notice.
pub fn find_pod_counted(
    cluster: &Cluster,
    ns: &str,
    target: &str,
) -> Result<(String, usize), String> {
    let (kind, name) = match target.split_once('/') {
        Some((k, n)) => (k, n),
        None => ("pod", target),
    };
    let not_found =
        |what: &str| format!("Error from server (NotFound): {what} \"{name}\" not found\n");
    let selector = match kind {
        "pod" | "pods" | "po" => {
            return match cluster.store.get_typed::<Pod>(ns, name) {
                Some(_) => Ok((name.to_string(), 1)),
                None => Err(not_found("pods")),
            }
        }
        "deploy" | "deployment" | "deployments" | "deployment.apps" => cluster
            .store
            .get_typed::<Deployment>(ns, name)
            .ok_or_else(|| not_found("deployments.apps"))?
            .spec
            .selector
            .clone()
            .map(|s| s.match_labels)
            .unwrap_or_default(),
        "rs" | "replicaset" | "replicasets" => cluster
            .store
            .get_typed::<ReplicaSet>(ns, name)
            .ok_or_else(|| not_found("replicasets.apps"))?
            .spec
            .selector
            .clone()
            .map(|s| s.match_labels)
            .unwrap_or_default(),
        "sts" | "statefulset" | "statefulsets" => cluster
            .store
            .get_typed::<StatefulSet>(ns, name)
            .ok_or_else(|| not_found("statefulsets.apps"))?
            .spec
            .selector
            .clone()
            .map(|s| s.match_labels)
            .unwrap_or_default(),
        "svc" | "service" | "services" => cluster
            .store
            .get_typed::<Service>(ns, name)
            .ok_or_else(|| not_found("services"))?
            .spec
            .selector
            .clone()
            .unwrap_or_default(),
        other => {
            return Err(format!(
                "error: the server doesn't have a resource type \"{other}\"\n"
            ))
        }
    };
    let pods: Vec<&Pod> = cluster
        .store
        .list_typed::<Pod>(Some(ns))
        .filter(|p| {
            !selector.is_empty()
                && selector
                    .iter()
                    .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
        })
        .collect();
    // kubectl prefers a running, ready pod, and of those the one ready longest (the oldest).
    let oldest_ready = pods
        .iter()
        .filter(|p| p.is_ready())
        .min_by_key(|p| p.metadata.creation_timestamp);
    oldest_ready
        .or_else(|| pods.first())
        .map(|p| (p.metadata.name.clone(), pods.len()))
        .ok_or_else(|| format!("error: no pods found for {kind}/{name}\n"))
}
