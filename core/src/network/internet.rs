//! The small simulated outside world: a handful of public names that resolve and serve, the
//! workstation's resolver, and NXDOMAIN for everything else.
//!
//! Choices (documented because a learner will meet them):
//! - `example.com` (and `www.`) → 93.184.215.14, the long-standing address, serving the
//!   "Example Domain" page.
//! - `my.database.example.com`, the seed lab's ExternalName target, is NXDOMAIN, as it is on the
//!   real internet: looking up the ExternalName Service shows the CNAME and then the failure,
//!   which is exactly what the lab teaches (redirection happens in DNS, nothing is proxied).
//! - Only A records exist out here (no AAAA), so answers stay IPv4 like the cluster.

use super::ip::Ipv4;

/// What a public host answers on port 80.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Host {
    pub name: &'static str,
    pub ip: [u8; 4],
    /// HTML body served on `GET /`; `None` means the host redirects to HTTPS (301).
    pub page: Option<&'static str>,
}

impl Host {
    pub fn ip(&self) -> Ipv4 {
        Ipv4(u32::from_be_bytes(self.ip))
    }
}

/// The workstation's stub resolver (systemd-resolved on Ubuntu).
pub const WORKSTATION_RESOLVER: &str = "127.0.0.53";

const EXAMPLE_PAGE: &str = "<!doctype html>
<html>
<head>
    <title>Example Domain</title>
    <meta charset=\"utf-8\" />
</head>
<body>
<div>
    <h1>Example Domain</h1>
    <p>This domain is for use in illustrative examples in documents. You may use this
    domain in literature without prior coordination or asking for permission.</p>
    <p><a href=\"https://www.iana.org/domains/example\">More information...</a></p>
</div>
</body>
</html>
";

pub const HOSTS: &[Host] = &[
    Host {
        name: "example.com",
        ip: [93, 184, 215, 14],
        page: Some(EXAMPLE_PAGE),
    },
    Host {
        name: "www.example.com",
        ip: [93, 184, 215, 14],
        page: Some(EXAMPLE_PAGE),
    },
    Host {
        name: "example.org",
        ip: [93, 184, 215, 14],
        page: Some(EXAMPLE_PAGE),
    },
    Host {
        name: "example.net",
        ip: [93, 184, 215, 14],
        page: Some(EXAMPLE_PAGE),
    },
    Host {
        name: "kubernetes.io",
        ip: [15, 197, 167, 90],
        page: None,
    },
    Host {
        name: "k8s.io",
        ip: [34, 107, 204, 206],
        page: None,
    },
    Host {
        name: "github.com",
        ip: [140, 82, 121, 4],
        page: None,
    },
];

/// The public host a name denotes (case-insensitive, trailing dot ignored).
pub fn host_by_name(name: &str) -> Option<&'static Host> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    HOSTS.iter().find(|h| h.name == name)
}

/// The public host at `ip`; the first name listed for a shared address.
pub fn host_by_ip(ip: Ipv4) -> Option<&'static Host> {
    HOSTS.iter().find(|h| h.ip() == ip)
}

/// True for addresses this simulation treats as the internet: anything outside the private
/// ranges, loopback and link-local.
pub fn is_public(ip: Ipv4) -> bool {
    let [a, b, ..] = ip.octets();
    !(a == 10
        || a == 127
        || a == 0
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 169 && b == 254)
        || a >= 224)
}
