//! IPv4 addresses and CIDR blocks as plain integers: enough for service VIPs, pod CIDRs,
//! NetworkPolicy `ipBlock`s and reverse-DNS names, without pulling `std::net` parsing quirks
//! (leading zeros, etc.) into user-visible behaviour.

use std::fmt;

/// An IPv4 address in host byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4(pub u32);

impl Ipv4 {
    /// Parses dotted-quad text; `None` for anything else (names, IPv6, garbage).
    pub fn parse(s: &str) -> Option<Ipv4> {
        let mut parts = s.split('.');
        let mut v: u32 = 0;
        for _ in 0..4 {
            let p = parts.next()?;
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: u32 = p.parse().ok()?;
            if n > 255 {
                return None;
            }
            v = (v << 8) | n;
        }
        if parts.next().is_some() {
            return None;
        }
        Some(Ipv4(v))
    }

    pub fn octets(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }

    /// `10-244-1-5`: the dashed form CoreDNS uses for pod and endpoint names.
    pub fn dashed(self) -> String {
        let [a, b, c, d] = self.octets();
        format!("{a}-{b}-{c}-{d}")
    }

    /// `5.1.244.10.in-addr.arpa`, the PTR query name.
    pub fn reverse_name(self) -> String {
        let [a, b, c, d] = self.octets();
        format!("{d}.{c}.{b}.{a}.in-addr.arpa")
    }

    /// Parses `5.1.244.10.in-addr.arpa` (with or without the trailing dot).
    pub fn from_reverse_name(name: &str) -> Option<Ipv4> {
        let stem = name.trim_end_matches('.').strip_suffix(".in-addr.arpa")?;
        let mut parts: Vec<&str> = stem.split('.').collect();
        parts.reverse();
        Ipv4::parse(&parts.join("."))
    }
}

impl fmt::Display for Ipv4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written by hand into one buffer: addresses are formatted several times per request
        // (traces, rules, endpoints), and `write!` with four `u8` arguments was a tenth of a
        // request's cost.
        let mut buf = [0u8; 15];
        let mut len = 0;
        for (i, octet) in self.octets().into_iter().enumerate() {
            if i > 0 {
                buf[len] = b'.';
                len += 1;
            }
            let (h, t, o) = (octet / 100, octet / 10 % 10, octet % 10);
            if h > 0 {
                buf[len] = b'0' + h;
                len += 1;
            }
            if h > 0 || t > 0 {
                buf[len] = b'0' + t;
                len += 1;
            }
            buf[len] = b'0' + o;
            len += 1;
        }
        // Only ASCII digits and dots were written.
        f.write_str(std::str::from_utf8(&buf[..len]).map_err(|_| fmt::Error)?)
    }
}

/// An IPv4 CIDR block such as `192.168.1.0/24`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub base: Ipv4,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`; a bare address is a /32.
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, p.parse::<u8>().ok()?),
            None => (s, 32),
        };
        if prefix > 32 {
            return None;
        }
        Some(Cidr {
            base: Ipv4::parse(addr)?,
            prefix,
        })
    }

    fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        }
    }

    pub fn contains(self, ip: Ipv4) -> bool {
        (ip.0 & self.mask()) == (self.base.0 & self.mask())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_contain() {
        assert_eq!(
            Ipv4::parse("10.96.0.10").map(|i| i.to_string()).as_deref(),
            Some("10.96.0.10")
        );
        assert_eq!(Ipv4::parse("10.96.0"), None);
        assert_eq!(Ipv4::parse("10.96.0.256"), None);
        let c = Cidr::parse("192.168.1.0/24").unwrap();
        assert!(c.contains(Ipv4::parse("192.168.1.77").unwrap()));
        assert!(!c.contains(Ipv4::parse("192.168.2.1").unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(Ipv4(7)));
        let ip = Ipv4::parse("10.96.0.1").unwrap();
        assert_eq!(ip.reverse_name(), "1.0.96.10.in-addr.arpa");
        assert_eq!(Ipv4::from_reverse_name("1.0.96.10.in-addr.arpa."), Some(ip));
    }
}
