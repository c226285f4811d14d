//! What the simulated container runtime knows about images: reference normalization
//! (`nginx` → `docker.io/library/nginx:latest`), which images exist, their sizes and digests,
//! and the documented rule for which containers keep running.
//!
//! Existence: Docker Hub official images outside [`OFFICIAL`] do not exist (so a typo such as
//! `ngnix` fails like it would), any image whose tag or name contains `doesnotexist`,
//! `does-not-exist` or `nonexistent` does not exist, and an image name with uppercase letters is
//! an invalid reference. Every other image is assumed to exist.
//!
//! Lifetime (what PID 1 does): see [`lifetime`].

use crate::api::Container;

/// Docker Hub official images the registry is taken to hold, with a typical compressed size.
const OFFICIAL: &[(&str, u64)] = &[
    ("nginx", 72_099_501),
    ("httpd", 58_373_102),
    ("busybox", 2_156_519),
    ("alpine", 3_653_068),
    ("ubuntu", 29_723_147),
    ("debian", 48_494_272),
    ("centos", 83_518_086),
    ("fedora", 63_290_348),
    ("bash", 6_305_133),
    ("redis", 52_354_891),
    ("postgres", 158_436_302),
    ("mysql", 172_912_004),
    ("mongo", 298_101_811),
    ("memcached", 32_716_215),
    ("python", 412_361_034),
    ("node", 398_113_560),
    ("golang", 293_482_510),
    ("caddy", 20_871_036),
    ("traefik", 54_310_215),
    ("haproxy", 41_987_223),
    ("wordpress", 251_003_912),
    ("registry", 10_170_542),
    ("hello-world", 9_241),
];

/// Images whose PID 1 is a shell or a one-shot tool: without a long-running command they exit.
const ONE_SHOT: &[&str] = &[
    "busybox",
    "alpine",
    "ubuntu",
    "debian",
    "centos",
    "fedora",
    "bash",
    "netshoot",
    "curl",
    "dnsutils",
    "hello-world",
];

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `docker.io/library/nginx:latest` (or `…@sha256:…`), what containerStatuses show.
    pub full: String,
    /// `docker.io/library/nginx`.
    pub repository: String,
    /// Last path segment without tag: `nginx`, `whoami`.
    pub base: String,
    pub tag: String,
}

/// Why a pull cannot succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PullError {
    /// The reference does not parse (uppercase): `InvalidImageName`, never retried.
    InvalidName(String),
    /// Registry error text, as containerd reports it: `ErrImagePull`, retried with back-off.
    Failed(String),
}

pub fn parse(image: &str) -> Result<ImageRef, PullError> {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (path, tag) = match name[last_slash..].find(':') {
        Some(i) => (&name[..last_slash + i], &name[last_slash + i + 1..]),
        None => (name, "latest"),
    };
    let mut parts: Vec<&str> = path.split('/').collect();
    let has_domain = parts.len() > 1
        && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost");
    let domain = if has_domain {
        parts.remove(0)
    } else {
        "docker.io"
    };
    let mut repo_path = parts.join("/");
    if domain == "docker.io" && parts.len() == 1 {
        repo_path = format!("library/{repo_path}");
    }
    if image.is_empty() || repo_path.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(PullError::InvalidName(format!(
            "Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": invalid reference format: repository name ({repo_path}) must be lowercase"
        )));
    }
    let repository = format!("{domain}/{repo_path}");
    let full = match digest {
        Some(d) => format!("{repository}@{d}"),
        None => format!("{repository}:{tag}"),
    };
    let base = repo_path.rsplit('/').next().unwrap_or("").to_string();
    Ok(ImageRef {
        full,
        repository,
        base,
        tag: tag.to_string(),
    })
}

impl ImageRef {
    /// `Err` with containerd's message when the registry has no such image.
    pub fn check_exists(&self) -> Result<(), PullError> {
        let missing = ["doesnotexist", "does-not-exist", "nonexistent"];
        if missing.iter().any(|m| self.full.contains(m)) {
            return Err(PullError::Failed(format!(
                "rpc error: code = NotFound desc = failed to pull and unpack image \"{0}\": failed to resolve reference \"{0}\": {0}: not found",
                self.full
            )));
        }
        let official = self.repository.strip_prefix("docker.io/library/");
        if official.is_some_and(|name| !OFFICIAL.iter().any(|(n, _)| *n == name)) {
            return Err(PullError::Failed(format!(
                "rpc error: code = Unknown desc = failed to pull and unpack image \"{0}\": failed to resolve reference \"{0}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
                self.full
            )));
        }
        Ok(())
    }

    pub fn size_bytes(&self) -> u64 {
        let official = self.repository.strip_prefix("docker.io/library/");
        OFFICIAL
            .iter()
            .find(|(n, _)| Some(*n) == official)
            .map(|(_, size)| *size)
            .unwrap_or_else(|| {
                5_000_000 + u64::from(super::names::fnv32a(self.repository.as_bytes()) % 90_000_000)
            })
    }

    /// `docker.io/library/nginx@sha256:…`: stable per reference.
    pub fn image_id(&self) -> String {
        format!(
            "{}@sha256:{}",
            self.repository,
            super::names::stable_hex(&self.full, 64)
        )
    }

    /// The kubelet's default pull policy: `Always` for `:latest` or no tag, else `IfNotPresent`.
    pub fn default_pulls_always(&self) -> bool {
        self.tag == "latest" && !self.full.contains('@')
    }
}

/// What a container's main process does once started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    Forever,
    /// Exits after `after_ms` with `code`.
    Exits {
        after_ms: u64,
        code: i32,
    },
}

/// The documented rule for which containers keep running:
/// - a command or args mentioning `sleep infinity`, `tail -f`, `while true`/`while :`, a
///   listener (`httpd`, `nc -l…`, `http.server`) runs forever;
/// - `sleep N` exits 0 after N seconds; `exit N` exits N at once;
/// - other commands: one-shot images (busybox, alpine, curl, netshoot… see [`ONE_SHOT`]) finish
///   at once with 0, server images keep running;
/// - no command: servers run forever; one-shot images exit (0, or 2 for curl's usage error)
///   unless `stdin`/`tty` keeps their shell open.
pub fn lifetime(image: &ImageRef, c: &Container) -> Lifetime {
    let one_shot = ONE_SHOT.contains(&image.base.as_str());
    let words: Vec<&str> = c
        .command
        .iter()
        .chain(&c.args)
        .flat_map(|w| w.split_whitespace())
        .collect();
    let line = words.join(" ");
    if words.is_empty() {
        if !one_shot || c.stdin == Some(true) || c.tty == Some(true) {
            return Lifetime::Forever;
        }
        let code = if image.base == "curl" { 2 } else { 0 };
        return Lifetime::Exits { after_ms: 0, code };
    }
    let forever = [
        "sleep infinity",
        "sleep inf",
        "tail -f",
        "while true",
        "while :",
        "httpd",
        "http.server",
        "nc -l",
        "nc -k",
        "socat",
    ];
    if forever.iter().any(|f| line.contains(f)) {
        return Lifetime::Forever;
    }
    if let Some(i) = words.iter().position(|w| *w == "exit") {
        let code = words
            .get(i + 1)
            .and_then(|w| w.trim_end_matches(';').parse().ok());
        return Lifetime::Exits {
            after_ms: 0,
            code: code.unwrap_or(0),
        };
    }
    if let Some(i) = words.iter().position(|w| *w == "sleep") {
        if let Some(after_ms) = words
            .get(i + 1)
            .and_then(|w| sleep_ms(w.trim_end_matches(';')))
        {
            return Lifetime::Exits { after_ms, code: 0 };
        }
    }
    if one_shot {
        Lifetime::Exits {
            after_ms: 0,
            code: 0,
        }
    } else {
        Lifetime::Forever
    }
}

/// A `sleep` operand as GNU and BusyBox read it: a number, maybe with a fraction, and an optional
/// unit `s`, `m`, `h` or `d` (`30`, `1.5`, `10m`, `1d`).
fn sleep_ms(word: &str) -> Option<u64> {
    let (number, unit_ms) = match word.char_indices().last()? {
        (i, 's') => (&word[..i], 1_000),
        (i, 'm') => (&word[..i], 60_000),
        (i, 'h') => (&word[..i], 3_600_000),
        (i, 'd') => (&word[..i], 86_400_000),
        _ => (word, 1_000),
    };
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // Milliseconds of the fraction of one unit, from its first three digits.
    let frac_milli: u64 = format!("{frac:0<3}").get(..3)?.parse().ok()?;
    Some(
        whole
            .saturating_mul(unit_ms)
            .saturating_add(frac_milli * unit_ms / 1000),
    )
}

/// Whether PID 1 stops promptly on SIGTERM: servers do; a shell running `sleep` ignores it and is
/// killed when the grace period ends.
pub fn stops_on_sigterm(image: &ImageRef, c: &Container) -> bool {
    !ONE_SHOT.contains(&image.base.as_str()) && c.command.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_references_like_containerd() {
        let cases = [
            ("nginx", "docker.io/library/nginx:latest", "nginx"),
            ("nginx:1.27", "docker.io/library/nginx:1.27", "nginx"),
            (
                "traefik/whoami:v1.10",
                "docker.io/traefik/whoami:v1.10",
                "whoami",
            ),
            (
                "registry.k8s.io/pause:3.10",
                "registry.k8s.io/pause:3.10",
                "pause",
            ),
            ("localhost:5000/app", "localhost:5000/app:latest", "app"),
        ];
        for (image, full, base) in cases {
            let r = parse(image).unwrap();
            assert_eq!((r.full.as_str(), r.base.as_str()), (full, base), "{image}");
        }
        assert!(matches!(parse("NGINX"), Err(PullError::InvalidName(_))));
    }

    #[test]
    fn existence_rule() {
        assert!(parse("nginx").unwrap().check_exists().is_ok());
        assert!(parse("ngnix").unwrap().check_exists().is_err());
        assert!(parse("nginx:doesnotexist").unwrap().check_exists().is_err());
        assert!(parse("traefik/whoami").unwrap().check_exists().is_ok());
    }

    #[test]
    fn lifetime_rule() {
        let c = |image: &str, cmd: &[&str]| {
            let container = Container {
                command: cmd.iter().map(|s| s.to_string()).collect(),
                ..Container::default()
            };
            lifetime(&parse(image).unwrap(), &container)
        };
        let exits = |after_ms, code| Lifetime::Exits { after_ms, code };
        assert_eq!(c("nginx", &[]), Lifetime::Forever);
        assert_eq!(c("busybox", &[]), exits(0, 0));
        assert_eq!(c("curlimages/curl", &[]), exits(0, 2));
        assert_eq!(c("busybox", &["sleep", "3600"]), exits(3_600_000, 0));
        assert_eq!(
            c("nicolaka/netshoot", &["sleep", "1d"]),
            exits(86_400_000, 0)
        );
        assert_eq!(c("busybox", &["sleep", "1.5m"]), exits(90_000, 0));
        assert_eq!(c("busybox", &["sleep", "0.25"]), exits(250, 0));
        assert_eq!(
            c("busybox", &["sh", "-c", "sleep infinity"]),
            Lifetime::Forever
        );
        assert_eq!(c("busybox", &["sh", "-c", "exit 3"]), exits(0, 3));
        assert_eq!(c("busybox", &["echo", "hi"]), exits(0, 0));
    }
}
