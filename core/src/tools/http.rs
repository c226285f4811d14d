//! HTTP as the simulated servers and clients speak it: a request, a response, and the dates and
//! status lines both sides print.

use crate::sim::{Time, EPOCH_UNIX_SECS};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// Path plus query, `/` at least.
    pub target: String,
    /// The Host header as sent (`svc-destination:8080`).
    pub host: String,
    pub user_agent: String,
    /// Other headers, in the order the client sends them.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("/")
    }

    pub fn query_param(&self, key: &str) -> Option<String> {
        let q = self.target.split_once('?')?.1;
        q.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k == key).then(|| v.replace("%20", " ").replace('+', " "))
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Headers in wire order, `Content-Length` included.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn status_line(&self) -> String {
        format!("HTTP/1.1 {} {}", self.status, reason(self.status))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Calendar fields of `t`: (weekday, year, month 1-12, day, h, m, s).
fn fields(t: Time) -> (usize, String, usize, String, String) {
    let rfc = t.to_rfc3339();
    let days = (EPOCH_UNIX_SECS + t.0 / 1000) / 86_400;
    let weekday = ((days + 4) % 7) as usize;
    let year = rfc.get(0..4).unwrap_or("1970").to_string();
    let month = rfc
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(1);
    let day = rfc.get(8..10).unwrap_or("01").to_string();
    let clock = rfc.get(11..19).unwrap_or("00:00:00").to_string();
    (weekday, year, month, day, clock)
}

/// `Mon, 05 Jan 2026 09:00:00 GMT` (RFC 7231 IMF-fixdate).
pub fn http_date(t: Time) -> String {
    let (wd, y, m, d, clock) = fields(t);
    format!(
        "{}, {d} {} {y} {clock} GMT",
        WEEKDAYS[wd],
        MONTHS[(m + 11) % 12]
    )
}

/// `05/Jan/2026:09:00:00 +0000`, nginx's `$time_local` in a UTC container.
pub fn log_date(t: Time) -> String {
    let (_, y, m, d, clock) = fields(t);
    format!("{d}/{}/{y}:{clock} +0000", MONTHS[(m + 11) % 12])
}

/// `Mon Jan 05 09:00:00 UTC 2026`, as dig's `;; WHEN:` line prints it.
pub fn when_date(t: Time) -> String {
    let (wd, y, m, d, clock) = fields(t);
    format!(
        "{} {} {d} {clock} UTC {y}",
        WEEKDAYS[wd],
        MONTHS[(m + 11) % 12]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(http_date(Time::ZERO), "Mon, 05 Jan 2026 09:00:00 GMT");
        assert_eq!(log_date(Time::ZERO), "05/Jan/2026:09:00:00 +0000");
        assert_eq!(when_date(Time(86_400_000)), "Tue Jan 06 09:00:00 UTC 2026");
    }
}
