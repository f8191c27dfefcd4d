#![cfg(not(target_arch = "wasm32"))]
//! Fuzzing of every text parser and canonicalizer the client has, with many generated cases:
//! URL parsing, query canonicalization (header and presigned), HTTP dates, endpoint
//! normalization and resolution, and error-name parsing. Each must never panic on any input,
//! and its canonical forms must round-trip. Where an independent parser exists (`url` for
//! WHATWG URLs, `httpdate` for IMF-fixdates), ours must agree with it on valid input.
//!
//! `FUZZ_CASES` sets the cases per property (default 10,000; `make fuzz` runs a million).

use kinesis_video_wasm::endpoint::{resolve, EndpointParams};
use kinesis_video_wasm::protocol::{error_name, is_clock_skew, join_url, normalize_endpoint, parse_http_date};
use kinesis_video_wasm::sigv4::{
    presign, presigned_url, sign_headers, AmzDate, Credentials, SignableRequest, SigningKeyCache, SigningParams,
    SigningSettings, UrlParts,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use std::time::{Duration, UNIX_EPOCH};

fn config() -> ProptestConfig {
    let cases = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    ProptestConfig {
        cases,
        // Failures are reported with the shrunk input; nothing is written into the tree.
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    }
}

/// Any text, weighted towards the bytes parsers care about.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9:/?#@%&=+.;,\\[\\]!$'()*~ \t\r\n\u{0}\u{7f}é\u{10000}-]{0,60}",
        "(https?|wss?|HTTP|ftp|file)(://)?[a-z0-9.@:\\[\\] -]{0,20}(/[a-z0-9%./?#&=]{0,20})?",
    ]
}

fn creds() -> Credentials {
    Credentials {
        access_key_id: "AKIDFUZZ".into(),
        secret_access_key: "fuzz".into(),
        session_token: Some("tok".into()),
    }
}

fn params(c: &Credentials) -> SigningParams<'_> {
    SigningParams {
        credentials: c,
        region: "us-west-2",
        service: "kinesisvideo",
        time: AmzDate::from_epoch_seconds(1_700_000_000),
        settings: SigningSettings::default(),
    }
}

/// The canonical request's query line for `url`, signed with an `Authorization` header.
fn header_query(url: &str) -> Option<String> {
    let c = creds();
    let req = SignableRequest { method: "GET", url, headers: &[], body: b"" };
    let signed = sign_headers(&mut SigningKeyCache::new(), &req, &params(&c)).ok()?;
    signed.canonical_request.split('\n').nth(2).map(str::to_owned)
}

/// Percent-decoding as a service does it: `%XX` with two hex digits, anything else literal.
fn decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex =
            b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) if b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The parameters of a query, each decoded, in a stable order.
fn decoded_pairs(query: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut pairs: Vec<_> = query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (k, v) = item.split_once('=').unwrap_or((item, ""));
            (decode(k), decode(v))
        })
        .collect();
    pairs.sort();
    pairs
}

fn strictly_encoded(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let ok = b
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.iter().all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c)));
                if !ok {
                    return false;
                }
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || b"-_.~".contains(&c) => i += 1,
            _ => return false,
        }
    }
    true
}

/// Checks a canonical query: `k=v` pairs, each part strictly encoded, sorted.
fn check_canonical(q: &str) -> Result<(), TestCaseError> {
    if q.is_empty() {
        return Ok(());
    }
    let pairs: Vec<(&str, &str)> = q.split('&').map(|p| p.split_once('=').unwrap_or((p, "\u{0}"))).collect();
    for (k, v) in &pairs {
        prop_assert!(strictly_encoded(k) && strictly_encoded(v), "not strictly encoded: {:?} in {:?}", (k, v), q);
    }
    prop_assert!(pairs.windows(2).all(|w| w[0] <= w[1]), "not sorted: {:?}", q);
    Ok(())
}

/// A query as people write them: names and values with reserved, encoded and broken escapes.
fn query_text() -> impl Strategy<Value = String> {
    let part = "([a-zA-Z0-9_.~ +/:!*'()é\u{1F600}-]|%[0-9a-fA-F]{2}|%[g-z0-9]?|=){0,8}";
    proptest::collection::vec((part, proptest::option::of(part)), 0..6).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}={v}"),
                None => k,
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// A valid absolute URL from parts that WHATWG leaves as written. (It rewrites numeric hosts
/// such as `0` or `0x7f.1`, uppercase hosts, `%2E` segments and `'` in queries; the client hands
/// its endpoint through the runtime's own URL parser for that reason, and the signer takes
/// URLs as they will be sent.)
fn whatwg_url() -> impl Strategy<Value = (String, String, String, String, String)> {
    let scheme = prop_oneof!["http", "https", "ws", "wss"];
    let host = "([a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\\.){0,3}[a-z]([a-z0-9-]{0,6}[a-z0-9])?";
    let port = proptest::option::of(1024u16..);
    let path = "(/([a-zA-Z0-9_~!$&'()*+,;=:@-]|%([013-9A-F][0-9A-F]|2[0-9A-DF])){1,6}){0,4}";
    let query = "([a-zA-Z0-9_.~!$&()*+,;=:@/?-]|%[0-9A-F]{2}){0,20}";
    // A label starting `xn--` is punycode, which WHATWG decodes (and refuses when it is not).
    let host = host.prop_filter("no punycode labels", |h: &String| !h.split('.').any(|l| l.starts_with("xn--")));
    (scheme, host, port, path, query).prop_map(|(s, h, p, path, q)| {
        let authority = match p {
            Some(p) => format!("{h}:{p}"),
            None => h,
        };
        let url = format!("{s}://{authority}{path}?{q}#frag");
        (url, s.to_string(), authority, path, q)
    })
}

/// An IMF-fixdate, as `Date` headers carry them.
fn http_date(secs: u64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn url_parsing_is_total_and_round_trips(s in texty()) {
        if let Ok(u) = UrlParts::parse(&s) {
            prop_assert!(["http", "https", "ws", "wss"].iter().any(|k| k.eq_ignore_ascii_case(u.scheme)));
            prop_assert!(!u.authority.is_empty() && !u.authority.bytes().any(|b| b <= b' ' || b == 0x7f || b"/?#@".contains(&b)));
            prop_assert!(!u.path.contains(['?', '#']) && !u.query.contains('#'));
            prop_assert!(u.path.is_empty() || u.path.starts_with('/'));
            // The parts, written back, parse to themselves.
            let again = format!("{}://{}{}?{}", u.scheme, u.authority, u.path, u.query);
            let v = UrlParts::parse(&again).expect("a reassembled URL parses");
            prop_assert_eq!((v.scheme, v.authority, v.path, v.query), (u.scheme, u.authority, u.path, u.query));
        }
    }

    #[test]
    fn url_parsing_agrees_with_whatwg((url, scheme, authority, path, query) in whatwg_url()) {
        let ours = UrlParts::parse(&url).expect("a valid URL parses");
        let theirs = url::Url::parse(&url).expect("the generator writes valid URLs");
        prop_assert_eq!(ours.scheme, scheme.as_str());
        prop_assert_eq!(ours.authority, authority.as_str());
        prop_assert_eq!(ours.path, path.as_str());
        prop_assert_eq!(ours.query, query.as_str());
        let their_authority = match theirs.port() {
            Some(p) => format!("{}:{p}", theirs.host_str().unwrap_or_default()),
            None => theirs.host_str().unwrap_or_default().to_string(),
        };
        prop_assert_eq!(ours.authority, their_authority.as_str());
        prop_assert_eq!(ours.path_or_root(), theirs.path());
        prop_assert_eq!(ours.query, theirs.query().unwrap_or_default());
    }

    #[test]
    fn signing_any_url_never_panics(s in texty(), body in proptest::collection::vec(any::<u8>(), 0..8)) {
        let c = creds();
        let req = SignableRequest { method: "POST", url: &s, headers: &[("X-Any", &s)], body: &body };
        let header = sign_headers(&mut SigningKeyCache::new(), &req, &params(&c));
        let query = presign(&mut SigningKeyCache::new(), &req, &params(&c), 300);
        // Both refuse the same URLs.
        prop_assert_eq!(header.is_ok(), query.is_ok());
        prop_assert_eq!(header.is_ok(), UrlParts::parse(&s).is_ok());
        if let Ok(q) = query {
            prop_assert!(presigned_url(&s, &q.instructions).is_ok());
        }
    }

    #[test]
    fn canonical_queries_are_sorted_strict_idempotent_and_keep_meaning(q in query_text()) {
        let canonical = header_query(&format!("https://h/p?{q}")).expect("signs");
        check_canonical(&canonical)?;
        prop_assert_eq!(decoded_pairs(&canonical), decoded_pairs(&q), "{:?} -> {:?}", q, canonical);
        // Canonicalizing the canonical form changes nothing.
        prop_assert_eq!(header_query(&format!("https://h/p?{canonical}")).expect("signs"), canonical);
    }

    #[test]
    fn presigned_urls_carry_the_query_that_was_signed(q in query_text(), path in "(/[a-z0-9%._~-]{0,6}){0,3}") {
        let c = creds();
        let url = format!("wss://h.example:4433{path}?{q}#frag");
        let req = SignableRequest { method: "GET", url: &url, headers: &[], body: b"" };
        let signed = presign(&mut SigningKeyCache::new(), &req, &params(&c), 300).expect("presigns");
        let out = presigned_url(&url, &signed.instructions).expect("writes the URL");
        let parts = UrlParts::parse(&out).expect("the presigned URL parses");
        prop_assert_eq!(parts.authority, "h.example:4433");
        // What a service verifying it does: drop the signature and canonicalize the rest.
        let (rest, sig) = parts.query.rsplit_once("&X-Amz-Signature=").expect("the signature is last");
        prop_assert_eq!(sig, signed.signature.as_str());
        let served = header_query(&format!("https://h/?{rest}")).expect("signs");
        check_canonical(&served)?;
        prop_assert_eq!(Some(served.as_str()), signed.canonical_request.split('\n').nth(2));
        // And the URL's own query is already canonical up to the signature.
        prop_assert_eq!(rest, served.as_str());
    }

    #[test]
    fn http_dates_round_trip(secs in 0u64..253_402_300_800) {
        let text = http_date(secs);
        prop_assert_eq!(parse_http_date(&text), Some(secs as f64 * 1000.0), "{}", text);
    }

    #[test]
    fn http_date_parsing_is_total_and_agrees_with_httpdate(
        s in prop_oneof![
            texty(),
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Xyz), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Foo) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} (GMT|UTC)",
            (0u64..253_402_300_800, 0usize..29, any::<char>()).prop_map(|(t, i, c)| {
                // A valid date with one character replaced.
                let mut d: Vec<char> = http_date(t).chars().collect();
                d[i] = c;
                d.into_iter().collect()
            }),
        ]
    ) {
        let ours = parse_http_date(&s);
        if let Some(ms) = ours {
            prop_assert!(ms.is_finite() && ms >= 0.0 && ms.fract() == 0.0, "{} -> {}", s, ms);
        }
        if let Ok(t) = httpdate::parse_http_date(&s) {
            // httpdate also reads RFC 850 and asctime dates; the service sends IMF-fixdates only.
            if s.len() == 29 && s.ends_with(" GMT") {
                let want = t.duration_since(UNIX_EPOCH).expect("after 1970").as_millis() as f64;
                prop_assert_eq!(ours, Some(want), "{}", s);
            }
        }
    }

    #[test]
    fn endpoint_normalization_is_total_and_idempotent(s in texty()) {
        if let Ok(n) = normalize_endpoint(&s) {
            prop_assert_eq!(normalize_endpoint(&n), Ok(n.clone()));
            let u = UrlParts::parse(&n).expect("a normalized endpoint parses");
            prop_assert!(u.scheme == "http" || u.scheme == "https");
            prop_assert!(u.query.is_empty() && !n.ends_with('/'));
            let default_port = if u.scheme == "https" { ":443" } else { ":80" };
            prop_assert!(!u.authority.ends_with(default_port));
            let call = join_url(&n, "/describeStream");
            let c = UrlParts::parse(&call).expect("an operation's URL parses");
            prop_assert_eq!(c.authority, u.authority);
            prop_assert_eq!(c.path, format!("{}/describeStream", u.path));
        }
    }

    #[test]
    fn endpoint_resolution_is_total_and_gives_hosts(region in prop_oneof![texty(), "[a-z]{2}(-[a-z]{2,8}){1,2}-[0-9]{1,2}"], fips in any::<bool>(), dual in any::<bool>()) {
        let p = EndpointParams { region: Some(&region), use_fips: fips, use_dualstack: dual, endpoint: None };
        let host_label = !region.is_empty() && region.len() <= 63
            && region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !region.starts_with('-');
        match resolve(&p) {
            Ok(url) => {
                prop_assert!(host_label, "resolved a region that is not a host label: {:?}", region);
                let u = UrlParts::parse(&url).expect("a resolved endpoint parses");
                prop_assert_eq!(u.scheme, "https");
                let prefix = format!("kinesisvideo{}.{region}.", if fips { "-fips" } else { "" });
                prop_assert!(u.authority.starts_with(&prefix), "{}", url);
                prop_assert!(u.path.is_empty() && u.query.is_empty());
                prop_assert_eq!(normalize_endpoint(&url), Ok(url.clone()));
            }
            Err(e) => prop_assert!(!host_label || fips || dual, "{:?}: {}", region, e),
        }
    }

    #[test]
    fn error_names_are_total_and_bare(h in proptest::option::of(texty()), c in proptest::option::of(texty()), t in proptest::option::of(texty()), m in texty()) {
        if let Some(name) = error_name(h.as_deref(), c.as_deref(), t.as_deref()) {
            prop_assert!(!name.is_empty() && name.trim_ascii() == name && !name.contains([',', ':', '#']), "{:?}", name);
            let _ = is_clock_skew(&name, &m);
        }
    }
}
