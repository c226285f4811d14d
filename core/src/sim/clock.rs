//! Simulated time: milliseconds since the cluster's epoch, rendered as RFC 3339 like the apiserver.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Unix seconds of simulated time zero (2026-01-05T09:00:00Z): a fixed date, so output never
/// depends on when the playground runs.
pub const EPOCH_UNIX_SECS: u64 = 1_767_603_600;

/// A point in simulated time, in milliseconds since [`EPOCH_UNIX_SECS`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub u64);

/// A span of simulated time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u64);

impl Duration {
    pub const fn from_secs(secs: u64) -> Duration {
        Duration(secs * 1000)
    }
    pub const fn from_millis(ms: u64) -> Duration {
        Duration(ms)
    }
    pub const fn as_millis(self) -> u64 {
        self.0
    }
    pub const fn as_secs(self) -> u64 {
        self.0 / 1000
    }
}

impl Time {
    pub const ZERO: Time = Time(0);

    pub fn plus(self, d: Duration) -> Time {
        Time(self.0.saturating_add(d.0))
    }

    /// Elapsed time since `earlier`, zero if `earlier` is later.
    pub fn since(self, earlier: Time) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }

    /// RFC 3339 with second precision, as metav1.Time marshals: `2026-01-05T09:00:00Z`.
    pub fn to_rfc3339(self) -> String {
        let secs = EPOCH_UNIX_SECS + self.0 / 1000;
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (y, m, d) = civil_from_days(days as i64);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        )
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac]Z`; times before the epoch clamp to zero.
    pub fn parse_rfc3339(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !s.ends_with('Z') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        let days = days_from_civil(y, mo as u32, d as u32);
        let unix = days * 86_400 + h * 3600 + mi * 60 + se;
        let rel = unix - EPOCH_UNIX_SECS as i64;
        Some(Time(if rel < 0 { 0 } else { rel as u64 * 1000 }))
    }
}

// Howard Hinnant's civil-calendar algorithms (public domain), used so the core needs no date crate.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let s = String::deserialize(d)?;
        Time::parse_rfc3339(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("parsing time {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        assert_eq!(Time::ZERO.to_rfc3339(), "2026-01-05T09:00:00Z");
        let t = Time(90_061_000);
        assert_eq!(t.to_rfc3339(), "2026-01-06T10:01:01Z");
        assert_eq!(Time::parse_rfc3339(&t.to_rfc3339()), Some(t));
        assert_eq!(
            Time::parse_rfc3339("2020-01-01T00:00:00Z"),
            Some(Time::ZERO)
        );
        assert_eq!(Time::parse_rfc3339("garbage"), None);
    }
}
