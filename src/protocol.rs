//! rest-json protocol rules that need no JS: how an error response is named and classified,
//! when a call is retried and how long to wait, and reading the HTTP `Date` header for clock
//! skew. Pure Rust, tested natively; the wasm client applies them.

use crate::prelude::*;
use crate::text;

/// The AWS error name as the SDKs find it: the `x-amzn-errortype` header, else the body's `code`,
/// else its `__type`; cut at `,` and `:`, keep what follows `#`.
pub fn error_name(header: Option<&str>, code: Option<&str>, type_field: Option<&str>) -> Option<String> {
    let raw = [header, code, type_field].into_iter().flatten().map(str::trim_ascii).find(|s| !s.is_empty())?;
    let cut = text::before(raw, |b| b == b',' || b == b':');
    let name = text::after_last(cut, b'#').trim_ascii();
    if name.is_empty() {
        None
    } else {
        Some(name.into())
    }
}

/// `client` for 4xx (and anything below 500), `server` for 5xx, as `$fault` says.
pub fn fault(status: u16) -> &'static str {
    if status >= 500 {
        "server"
    } else {
        "client"
    }
}

const THROTTLING: [&str; 9] = [
    "ClientLimitExceededException",
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "ProvisionedThroughputExceededException",
];

/// Standard retry mode: throttling errors, 429 and 5xx are retried; other 4xx never.
pub fn is_retryable(status: u16, name: &str) -> bool {
    status == 429 || status >= 500 || THROTTLING.contains(&name)
}

/// What the client does after an attempt that did not succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Give up: the error is final (not retryable, or no attempts left).
    Fail,
    /// Retry after a backoff delay.
    Retry,
    /// Retry at once with the clock corrected from the response's `Date` (once per call).
    RetryWithCorrectedClock,
}

/// How an attempt ended, for [`next_step`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptError<'a> {
    /// No response: a network error or the per-attempt timeout.
    NoResponse,
    /// An error response: its status, error name and message.
    Service { status: u16, name: &'a str, message: &'a str },
}

/// Standard retry mode: network errors, timeouts, throttling, 429 and 5xx are retried while
/// attempts are left; a refusal for clock skew is retried once, at once, with the corrected clock.
pub fn next_step(error: AttemptError, attempts: u32, max_attempts: u32, clock_corrected: bool) -> Next {
    if attempts >= max_attempts {
        return Next::Fail;
    }
    match error {
        AttemptError::NoResponse => Next::Retry,
        AttemptError::Service { name, message, .. } if is_clock_skew(name, message) && !clock_corrected => {
            Next::RetryWithCorrectedClock
        }
        AttemptError::Service { status, name, .. } if is_retryable(status, name) => Next::Retry,
        AttemptError::Service { .. } => Next::Fail,
    }
}

/// A refusal caused by a wrong client clock, which a corrected clock fixes.
pub fn is_clock_skew(name: &str, message: &str) -> bool {
    matches!(
        name,
        "RequestTimeTooSkewed"
            | "RequestExpired"
            | "RequestInTheFuture"
            | "InvalidSignatureException"
            | "SignatureDoesNotMatch"
    ) && (name.starts_with("Request") || contains(message, "Signature expired") || contains(message, "not yet current"))
}

/// Substring test without `str::contains`, whose two-way searcher costs kilobytes of wasm.
fn contains(haystack: &str, needle: &str) -> bool {
    haystack.as_bytes().windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Backoff before retry number `retry` (1 for the first retry): full jitter over an exponential
/// ceiling, base 100 ms, capped at 20 s. `random` is uniform in [0, 1).
pub fn backoff_ms(retry: u32, random: f64) -> f64 {
    const BASE_MS: f64 = 100.0;
    const CAP_MS: f64 = 20_000.0;
    let exp = retry.saturating_sub(1).min(20) as i32;
    let ceiling = (BASE_MS * (1u64 << exp) as f64).min(CAP_MS);
    random.clamp(0.0, 1.0) * ceiling
}

/// Epoch milliseconds of an RFC 7231 IMF-fixdate, e.g. `Wed, 25 Nov 2026 21:54:43 GMT`.
pub fn parse_http_date(s: &str) -> Option<f64> {
    // Fixed layout: "Www, DD Mon YYYY HH:MM:SS GMT".
    let b = s.as_bytes();
    if b.len() != 29 || b.get(3) != Some(&b',') || !s.ends_with(" GMT") {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<i64> {
        let mut n = 0i64;
        for &c in b.get(from..from + len)? {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i64::from(c - b'0');
        }
        Some(n)
    };
    const MONTHS: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";
    let month = b.get(8..11)?;
    let m = (0..12).position(|k| MONTHS.get(k * 3..k * 3 + 3) == Some(month))? as i64 + 1;
    let (day, year, h, mi, se) = (num(5, 2)?, num(12, 4)?, num(17, 2)?, num(20, 2)?, num(23, 2)?);
    // Before 1970 is no server's clock; it would only feed a nonsense skew correction.
    let date_ok = year >= 1970 && (1..=31).contains(&day);
    let time_ok = h <= 23 && mi <= 59 && se <= 60 && b.get(19) == Some(&b':') && b.get(22) == Some(&b':');
    if !date_ok || !time_ok {
        return None;
    }
    let days = crate::sigv4::days_from_civil(year, m, day);
    Some(((days * 86_400 + h * 3600 + mi * 60 + se) * 1000) as f64)
}

/// Joins an endpoint (possibly with a path or a trailing slash) and an operation's request URI.
pub fn join_url(endpoint: &str, uri: &str) -> String {
    let base = text::trim_end(endpoint, b'/');
    let mut url = String::with_capacity(base.len() + uri.len());
    url.push_str(base);
    url.push_str(uri);
    url
}

/// Checks a configured endpoint and drops a default port (`:443` for https, `:80` for http):
/// `fetch` leaves it out of the `Host` header, so the signature must not include it either.
pub fn normalize_endpoint(endpoint: &str) -> Result<String, &'static str> {
    let parts = crate::sigv4::UrlParts::parse(endpoint).map_err(|_| "endpoint: must be an absolute http(s) URL")?;
    let scheme = parts.scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err("endpoint: must be an absolute http(s) URL");
    }
    if !parts.query.is_empty() {
        return Err("endpoint: must not have a query string");
    }
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let authority = parts.authority.strip_suffix(default_port).unwrap_or(parts.authority);
    let mut out = String::with_capacity(endpoint.len());
    out.push_str(&scheme);
    out.push_str("://");
    out.push_str(authority);
    out.push_str(text::trim_end(parts.path, b'/'));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_as_the_sdks_find_them() {
        let n = |h, c, t| error_name(h, c, t);
        assert_eq!(n(Some("ResourceNotFoundException"), None, None).as_deref(), Some("ResourceNotFoundException"));
        assert_eq!(
            n(Some("InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/"), None, None)
                .as_deref(),
            Some("InvalidSignatureException")
        );
        assert_eq!(n(None, Some("ValidationException,extra"), None).as_deref(), Some("ValidationException"));
        assert_eq!(
            n(None, None, Some("com.amazon.coral.service#UnknownOperationException")).as_deref(),
            Some("UnknownOperationException")
        );
        assert_eq!(n(Some(" "), Some("Code"), Some("x#Type")).as_deref(), Some("Code"));
        assert_eq!(n(None, None, None), None);
        assert_eq!(n(Some("aws.protocoltests#Foo:bar"), None, None).as_deref(), Some("Foo"));
    }

    #[test]
    fn retry_classes() {
        assert!(is_retryable(500, "InternalFailure"));
        assert!(is_retryable(503, ""));
        assert!(is_retryable(429, ""));
        assert!(is_retryable(400, "ClientLimitExceededException"));
        assert!(!is_retryable(400, "ResourceNotFoundException"));
        assert!(!is_retryable(404, "ResourceNotFoundException"));
        assert!(!is_retryable(403, "InvalidSignatureException"));
        assert_eq!(fault(404), "client");
        assert_eq!(fault(502), "server");
    }

    #[test]
    fn next_steps() {
        use AttemptError::*;
        let throttled = Service { status: 400, name: "ClientLimitExceededException", message: "" };
        let missing = Service { status: 404, name: "ResourceNotFoundException", message: "" };
        let skew = Service {
            status: 403,
            name: "InvalidSignatureException",
            message: "Signature expired: 1 is now earlier than 2",
        };
        assert_eq!(next_step(NoResponse, 1, 3, false), Next::Retry);
        assert_eq!(next_step(NoResponse, 3, 3, false), Next::Fail);
        assert_eq!(next_step(throttled, 2, 3, false), Next::Retry);
        assert_eq!(next_step(missing, 1, 3, false), Next::Fail);
        assert_eq!(next_step(skew, 1, 3, false), Next::RetryWithCorrectedClock);
        // A second skew refusal is final: the corrected clock did not help.
        assert_eq!(next_step(skew, 2, 3, true), Next::Fail);
        assert_eq!(next_step(skew, 1, 1, false), Next::Fail);
    }

    #[test]
    fn clock_skew_refusals() {
        assert!(is_clock_skew(
            "InvalidSignatureException",
            "Signature expired: 20231107T044734Z is now earlier than 20231107T045305Z (20231107T045805Z - 5 min.)"
        ));
        assert!(is_clock_skew(
            "InvalidSignatureException",
            "Signature not yet current: 20231107T050000Z is still later than ..."
        ));
        assert!(is_clock_skew("RequestTimeTooSkewed", ""));
        assert!(!is_clock_skew("InvalidSignatureException", "The request signature we calculated does not match"));
        assert!(!is_clock_skew("ResourceNotFoundException", "Signature expired"));
    }

    #[test]
    fn backoff_is_full_jitter_with_cap() {
        assert_eq!(backoff_ms(1, 0.0), 0.0);
        assert_eq!(backoff_ms(1, 0.5), 50.0);
        assert_eq!(backoff_ms(2, 0.5), 100.0);
        assert_eq!(backoff_ms(3, 0.999), 399.6);
        assert_eq!(backoff_ms(30, 1.0), 20_000.0);
        assert!(backoff_ms(9, 0.9999) <= 20_000.0);
    }

    #[test]
    fn http_dates() {
        assert_eq!(parse_http_date("Wed, 25 Nov 2026 21:54:43 GMT"), Some(1_795_643_683_000.0));
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"), Some(1_440_938_160_000.0));
        assert_eq!(parse_http_date("garbage"), None);
        assert_eq!(parse_http_date("Mon, 01 Jan 0000 00:00:00 GMT"), None);
        assert_eq!(parse_http_date("Wed, 25 Foo 2026 21:54:43 GMT"), None);
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            normalize_endpoint("https://kinesisvideo.us-east-1.amazonaws.com:443/").unwrap(),
            "https://kinesisvideo.us-east-1.amazonaws.com"
        );
        assert_eq!(normalize_endpoint("HTTP://127.0.0.1:4567").unwrap(), "http://127.0.0.1:4567");
        assert_eq!(normalize_endpoint("http://127.0.0.1:80/base/").unwrap(), "http://127.0.0.1/base");
        assert!(normalize_endpoint("wss://h").is_err());
        assert!(normalize_endpoint("h:4567").is_err());
        assert!(normalize_endpoint("http://h/?a=b").is_err());
        assert_eq!(join_url("http://h/base", "/describeStream"), "http://h/base/describeStream");
    }
}
