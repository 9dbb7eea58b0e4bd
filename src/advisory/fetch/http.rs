//! The HTTP plumbing shared by `db update` and `--online`: one way to build
//! the blocking client, to tell transient failures from final ones, and to
//! retry with exponential backoff.

use std::io;
use std::time::Duration;

use reqwest::blocking::{Client, Response};
use reqwest::header::RETRY_AFTER;
use reqwest::StatusCode;

/// How often, and how patiently, a request is retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all, the first one included (at least 1).
    pub attempts: u32,
    /// The wait before the second attempt; each later wait doubles.
    pub backoff: Duration,
    /// No wait is longer than this, not even one a server asks for with
    /// `Retry-After`.
    pub max_backoff: Duration,
}

impl Default for Retry {
    /// 4 attempts, waiting 1 s, 2 s, 4 s: rides out a restarting mirror or a
    /// rate limit without hanging a CI job for minutes.
    fn default() -> Self {
        Retry {
            attempts: 4,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl Retry {
    /// The wait after failed attempt `n` (1-based), at least what the server
    /// asked for.
    fn delay(&self, n: u32, asked: Duration) -> Duration {
        let exp = self
            .backoff
            .checked_mul(1u32.checked_shl(n.saturating_sub(1)).unwrap_or(u32::MAX))
            .unwrap_or(self.max_backoff);
        exp.max(asked).min(self.max_backoff)
    }
}

/// Why one HTTP exchange failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No answer: connection refused, DNS, TLS, connection lost mid-body.
    Unreachable(String),
    /// No answer (or no more body bytes) within the timeout.
    TimedOut,
    /// Bytes keep coming, but fewer than `fetch::MIN_PROGRESS_BYTES` per
    /// timeout: a server dripping data to keep the client forever.
    Stalled,
    /// The server answered with a non-success status.
    Status {
        code: u16,
        /// The start of the body, for the error message (OSV explains a 400
        /// in its body).
        body: String,
        /// `Retry-After`, in seconds form only.
        retry_after: Option<Duration>,
    },
}

impl Failure {
    /// `Some(wait the server asked for)` when trying again may help:
    /// connection problems, timeouts, 5xx and 429. A 4xx is final: asking
    /// again gets the same answer.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Unreachable(_) | Failure::TimedOut | Failure::Stalled => Some(Duration::ZERO),
            Failure::Status {
                code, retry_after, ..
            } => (*code == 429 || (500..600).contains(code))
                .then(|| retry_after.unwrap_or(Duration::ZERO)),
        }
    }

    /// The reason, for an error message.
    pub fn describe(&self, timeout: Duration) -> String {
        match self {
            Failure::Unreachable(reason) => reason.clone(),
            Failure::TimedOut => format!("timed out after {}", seconds(timeout)),
            Failure::Stalled => format!(
                "stalled: less than {} bytes in {}",
                super::MIN_PROGRESS_BYTES,
                seconds(timeout)
            ),
            Failure::Status { code, body, .. } => {
                let reason = StatusCode::from_u16(*code)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .map_or(String::new(), |r| format!(" {r}"));
                if body.is_empty() {
                    format!("HTTP {code}{reason}")
                } else {
                    format!("HTTP {code}{reason}: {body}")
                }
            }
        }
    }
}

/// `30 s`, `0.2 s`.
pub fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// Runs `op` until it succeeds, fails for good, or runs out of attempts,
/// sleeping with exponential backoff between attempts. `transient` says
/// whether an error may go away (and how long the server asked to wait).
pub fn retrying<T, E>(
    retry: &Retry,
    transient: impl Fn(&E) -> Option<Duration>,
    mut op: impl FnMut(u32) -> Result<T, E>,
) -> Result<T, E> {
    let attempts = retry.attempts.max(1);
    let mut n = 1;
    loop {
        match op(n) {
            Ok(v) => return Ok(v),
            Err(e) => match transient(&e) {
                Some(asked) if n < attempts => {
                    std::thread::sleep(retry.delay(n, asked));
                    n += 1;
                }
                _ => return Err(e),
            },
        }
    }
}

/// The blocking client. `timeout` bounds connecting, waiting for the
/// response headers and every single read of the body, so a large download
/// on a slow line is not cut off while a stalled one is.
pub fn client(timeout: Duration, urls: &[&str]) -> reqwest::Result<Client> {
    let mut builder = Client::builder()
        .user_agent(concat!("faasguard/", env!("CARGO_PKG_VERSION")))
        .timeout(timeout)
        .connect_timeout(timeout);
    // A proxy cannot reach our loopback (a local mirror, the test servers);
    // elsewhere the system proxy settings (HTTPS_PROXY, NO_PROXY) apply.
    if !urls.is_empty() && urls.iter().all(|u| is_loopback(u)) {
        builder = builder.no_proxy();
    }
    builder.build()
}

fn is_loopback(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    match u.host_str() {
        Some(h) if h.eq_ignore_ascii_case("localhost") => true,
        // IPv6 hosts come bracketed: `[::1]`.
        Some(h) => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// A request that got no usable answer.
pub fn classify(err: &reqwest::Error) -> Failure {
    if is_timeout(err) {
        Failure::TimedOut
    } else {
        Failure::Unreachable(root_cause(err))
    }
}

/// An error while reading a body: a timeout, or the connection was lost.
pub fn classify_read(err: &io::Error) -> Failure {
    if is_timeout(err) {
        Failure::TimedOut
    } else {
        Failure::Unreachable(format!("connection lost: {}", root_cause(err)))
    }
}

/// The response itself if it is a success, else its status and the start of
/// its body.
pub fn check_status(resp: Response) -> Result<Response, Failure> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let retry_after = resp
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    Err(Failure::Status {
        code: status.as_u16(),
        body: snippet(resp),
        retry_after,
    })
}

/// At most 200 characters of an error body on one line; HTML error pages
/// are summarized rather than dumped.
fn snippet(resp: Response) -> String {
    use std::io::Read;
    let mut buf = Vec::new();
    // A failed read leaves what arrived so far; the status says enough.
    let _ = resp.take(4096).read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let text = text.trim();
    if text.starts_with('<') {
        return String::new();
    }
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    one_line
}

/// Whether a timeout is anywhere in the error's chain (reqwest wraps body
/// read timeouts in `io::Error`s and the other way round).
fn is_timeout(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<reqwest::Error>() {
            if r.is_timeout() {
                return true;
            }
        }
        if let Some(io) = e.downcast_ref::<io::Error>() {
            if io.kind() == io::ErrorKind::TimedOut {
                return true;
            }
        }
        cur = next(e);
    }
    false
}

/// The next error in the chain. An `io::Error` wrapping another error
/// reports that error's *source* as its own, skipping the wrapped error
/// itself (where reqwest records a body-read timeout): step into it.
fn next<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    match e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
        Some(inner) => Some(inner),
        None => e.source(),
    }
}

/// The innermost message (`Connection refused (os error 111)`), which says
/// more than reqwest's `error sending request for url (...)`.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last = err;
    while let Some(n) = next(last) {
        last = n;
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16, retry_after: Option<u64>) -> Failure {
        Failure::Status {
            code,
            body: String::new(),
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    #[test]
    fn transient_failures_are_retried_and_client_errors_are_not() {
        assert_eq!(
            Failure::Unreachable("refused".into()).retry_after(),
            Some(Duration::ZERO)
        );
        assert_eq!(Failure::TimedOut.retry_after(), Some(Duration::ZERO));
        assert_eq!(status(503, None).retry_after(), Some(Duration::ZERO));
        assert_eq!(
            status(429, Some(7)).retry_after(),
            Some(Duration::from_secs(7))
        );
        assert_eq!(status(404, None).retry_after(), None);
        assert_eq!(status(400, Some(1)).retry_after(), None);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let r = Retry {
            attempts: 10,
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(500),
        };
        assert_eq!(r.delay(1, Duration::ZERO), Duration::from_millis(100));
        assert_eq!(r.delay(2, Duration::ZERO), Duration::from_millis(200));
        assert_eq!(r.delay(3, Duration::ZERO), Duration::from_millis(400));
        assert_eq!(r.delay(4, Duration::ZERO), Duration::from_millis(500));
        assert_eq!(r.delay(40, Duration::ZERO), Duration::from_millis(500));
        // Retry-After wins over a shorter backoff, within the cap.
        assert_eq!(
            r.delay(1, Duration::from_millis(300)),
            Duration::from_millis(300)
        );
        assert_eq!(
            r.delay(1, Duration::from_secs(60)),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn retrying_stops_on_success_final_error_or_last_attempt() {
        let r = Retry {
            attempts: 3,
            backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        };
        let transient = |e: &Failure| e.retry_after();

        let mut calls = 0;
        let out: Result<u32, Failure> = retrying(&r, transient, |n| {
            calls += 1;
            if n < 2 {
                Err(status(503, None))
            } else {
                Ok(n)
            }
        });
        assert_eq!((out, calls), (Ok(2), 2));

        let mut calls = 0;
        let out: Result<u32, Failure> = retrying(&r, transient, |_| {
            calls += 1;
            Err(status(404, None))
        });
        assert_eq!((out, calls), (Err(status(404, None)), 1));

        let mut calls = 0;
        let out: Result<u32, Failure> = retrying(&r, transient, |_| {
            calls += 1;
            Err(Failure::TimedOut)
        });
        assert_eq!((out, calls), (Err(Failure::TimedOut), 3));
    }

    #[test]
    fn describes_failures_for_messages() {
        let t = Duration::from_secs(30);
        assert_eq!(Failure::TimedOut.describe(t), "timed out after 30 s");
        assert_eq!(
            Failure::TimedOut.describe(Duration::from_millis(200)),
            "timed out after 0.2 s"
        );
        assert_eq!(
            status(503, None).describe(t),
            "HTTP 503 Service Unavailable"
        );
        let with_body = Failure::Status {
            code: 400,
            body: "Invalid query.".into(),
            retry_after: None,
        };
        assert_eq!(
            with_body.describe(t),
            "HTTP 400 Bad Request: Invalid query."
        );
    }

    #[test]
    fn only_loopback_hosts_bypass_the_proxy() {
        assert!(is_loopback("http://127.0.0.1:8080/x"));
        assert!(is_loopback("http://localhost/x"));
        assert!(is_loopback("http://[::1]:1/"));
        assert!(!is_loopback("https://api.osv.dev"));
        assert!(!is_loopback("not a url"));
    }
}
