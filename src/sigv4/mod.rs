//! AWS Signature Version 4 in pure Rust: no wasm or JS dependencies, so it is tested natively.
//!
//! The signer never mutates a request: [`sign_headers`] returns the headers to send and
//! [`presign_url`] the finished URL. The canonical request and string to sign are written into a
//! buffer the key cache keeps and hashed from there; the `_staged` variants also return them, so
//! tests can compare each step with the AWS suite.

mod canonical;
mod key;
mod time;

pub use canonical::{encode_strict, sort_by_key, CanonicalRequest, Sink, UrlParts};
pub use key::{Hex32, SigningKeyCache};
pub use time::{days_from_civil, AmzDate};

use crate::prelude::*;
use alloc::borrow::Cow;
use core::fmt;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Longest presigned URL lifetime SigV4 accepts: seven days.
pub const MAX_EXPIRES: u32 = 604_800;

/// Long-term or temporary AWS credentials. `Debug` never prints the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &self.session_token.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

/// Where a session token goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionTokenMode {
    /// Signed with the request (what every AWS service accepts).
    Signed,
    /// Added after signing, unsigned (a few services, e.g. IoT presigned URLs, want this).
    AppendedAfterSigning,
}

/// Whether the payload hash is also sent and signed as `x-amz-content-sha256`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadChecksumHeader {
    Omit,
    Signed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningSettings {
    /// Remove dot segments and duplicate slashes from the path before encoding it.
    pub normalize_path: bool,
    pub checksum_header: PayloadChecksumHeader,
    pub session_token: SessionTokenMode,
    /// Lifetime of a presigned URL in seconds (1..=604800); ignored for header signing.
    pub expires_in: u32,
}

impl Default for SigningSettings {
    fn default() -> Self {
        SigningSettings {
            normalize_path: true,
            checksum_header: PayloadChecksumHeader::Omit,
            session_token: SessionTokenMode::Signed,
            expires_in: 900,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    pub credentials: &'a Credentials,
    pub region: &'a str,
    pub service: &'a str,
    pub time: AmzDate,
    pub settings: SigningSettings,
}

/// A request as it will go on the wire: `url` is used as written (see [`UrlParts`]).
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

/// Why a request could not be signed. Messages are short, name the offending field and never
/// contain credentials.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SigningError(&'static str);

impl SigningError {
    pub const fn message(&self) -> &'static str {
        self.0
    }
}

impl fmt::Debug for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Header name and value as sent: borrowed from the request or credentials where unchanged.
pub type Header<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The result of one signing.
#[derive(Debug, Clone)]
pub struct Signed<T> {
    pub output: T,
    pub signature: Hex32,
}

/// The intermediate SigV4 texts, for comparison with the AWS test suite and for debugging.
#[derive(Debug, Clone, Default)]
pub struct Stages {
    pub canonical_request: String,
    pub string_to_sign: String,
}

/// Headers never signed: proxies and browsers add or rewrite them.
pub const UNSIGNED_HEADERS: [&str; 4] = ["authorization", "user-agent", "x-amzn-trace-id", "expect"];

/// The parameters every signature needs: credentials, region and service.
pub fn check(params: &SigningParams) -> Result<(), SigningError> {
    if params.credentials.access_key_id.is_empty() {
        return Err(SigningError("credentials.accessKeyId: must be a non-empty string"));
    }
    if params.credentials.secret_access_key.is_empty() {
        return Err(SigningError("credentials.secretAccessKey: must be a non-empty string"));
    }
    if params.region.is_empty() {
        return Err(SigningError("region: must be a non-empty string"));
    }
    if params.service.is_empty() {
        return Err(SigningError("service: must be a non-empty string"));
    }
    Ok(())
}

/// Appends `date/region/service/aws4_request`.
fn push_scope(params: &SigningParams, out: &mut String) {
    for part in [params.time.date(), "/", params.region, "/", params.service, "/aws4_request"] {
        out.put(part);
    }
}

/// The items in `stack` when they fit, else in `heap`: the lists signed here are short, and
/// allocating costs more than the rest of the handling.
pub fn small_list<'s, T: Copy>(
    stack: &'s mut [T],
    heap: &'s mut Vec<T>,
    items: impl Iterator<Item = T>,
) -> &'s mut [T] {
    let mut n = 0;
    for item in items {
        match stack.get_mut(n) {
            Some(slot) if heap.is_empty() => {
                *slot = item;
                n += 1;
            }
            _ => {
                if heap.is_empty() {
                    heap.extend_from_slice(stack.get(..n).unwrap_or_default());
                }
                heap.push(item);
            }
        }
    }
    if heap.is_empty() {
        stack.get_mut(..n).unwrap_or_default()
    } else {
        heap
    }
}

/// Hashes the canonical request, builds the string to sign and signs it. Both texts are written
/// into the cache's reusable buffer, so signing allocates nothing for them.
fn sign_canonical(
    cache: &mut SigningKeyCache,
    params: &SigningParams,
    scope: &str,
    creq: &CanonicalRequest,
    stages: Option<&mut Stages>,
) -> Hex32 {
    let mut buf = cache.take_buffer();
    creq.write(&mut buf);
    let creq_hash = Hex32::new(&key::sha256(&buf));
    let creq_text = stages.is_some().then(|| String::from_utf8_lossy(&buf).into_owned());

    let time = params.time;
    buf.clear();
    for (part, end) in [(ALGORITHM, b'\n'), (time.as_str(), b'\n'), (scope, b'\n')] {
        buf.put(part);
        buf.byte(end);
    }
    buf.put(creq_hash.as_str());
    let sig = Hex32::new(&cache.sign(
        &params.credentials.secret_access_key,
        time.date(),
        params.region,
        params.service,
        &buf,
    ));
    if let (Some(st), Some(text)) = (stages, creq_text) {
        st.canonical_request = text;
        st.string_to_sign = String::from_utf8_lossy(&buf).into_owned();
    }
    cache.put_buffer(buf);
    sig
}

/// Signs `creq` and appends the `Authorization` value to `out`. The credential scope is written
/// first, and the string to sign takes it from there.
pub fn authorize(
    cache: &mut SigningKeyCache,
    params: &SigningParams,
    creq: &CanonicalRequest,
    out: &mut String,
    stages: Option<&mut Stages>,
) -> Hex32 {
    for part in [ALGORITHM, " Credential=", &params.credentials.access_key_id, "/"] {
        out.put(part);
    }
    let scope_start = out.len();
    push_scope(params, out);
    let sig = sign_canonical(cache, params, out.get(scope_start..).unwrap_or_default(), creq, stages);
    out.put(", SignedHeaders=");
    creq.write_signed_headers(out);
    out.put(", Signature=");
    out.put(sig.as_str());
    sig
}

/// The session token, when there is a non-empty one.
pub fn token<'a>(params: &SigningParams<'a>) -> Option<&'a str> {
    params.credentials.session_token.as_deref().filter(|t| !t.is_empty())
}

/// The payload hash: the caller's x-amz-content-sha256 (e.g. UNSIGNED-PAYLOAD) when given, as
/// AWS defines, else the body's SHA-256.
pub enum PayloadHash<'a> {
    Given(&'a str),
    Computed(Hex32),
}

impl<'a> PayloadHash<'a> {
    pub fn of(req: &HttpRequest<'a>) -> Self {
        match req.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256")) {
            Some((_, v)) => PayloadHash::Given(v.trim()),
            None => PayloadHash::Computed(Hex32::new(&key::sha256(req.body))),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            PayloadHash::Given(v) => v,
            PayloadHash::Computed(h) => h.as_str(),
        }
    }
}

/// A lowercase header name, borrowed when it already is.
fn lowercase(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Signs with an `Authorization` header. Returns all headers to send, names lowercase: the
/// request's own plus `host`, `x-amz-date`, `x-amz-security-token`, `x-amz-content-sha256`
/// (when asked for) and `authorization`.
pub fn sign_headers<'a>(
    cache: &mut SigningKeyCache,
    req: &HttpRequest<'a>,
    params: &SigningParams<'a>,
) -> Result<Signed<Vec<Header<'a>>>, SigningError> {
    sign_headers_inner(cache, req, params, None)
}

/// [`sign_headers`], also returning the canonical request and the string to sign.
pub fn sign_headers_staged<'a>(
    cache: &mut SigningKeyCache,
    req: &HttpRequest<'a>,
    params: &SigningParams<'a>,
) -> Result<(Signed<Vec<Header<'a>>>, Stages), SigningError> {
    let mut stages = Stages::default();
    let signed = sign_headers_inner(cache, req, params, Some(&mut stages))?;
    Ok((signed, stages))
}

fn sign_headers_inner<'a>(
    cache: &mut SigningKeyCache,
    req: &HttpRequest<'a>,
    params: &SigningParams<'a>,
    stages: Option<&mut Stages>,
) -> Result<Signed<Vec<Header<'a>>>, SigningError> {
    check(params)?;
    let url = UrlParts::parse(req.url)?;
    let hash = PayloadHash::of(req);
    let token = token(params);

    let mut headers: Vec<Header<'a>> = Vec::with_capacity(req.headers.len() + 5);
    for &(name, value) in req.headers {
        let lower = lowercase(name);
        // Values the signer itself sets replace any the caller gave.
        if matches!(&*lower, "x-amz-date" | "authorization") || (lower == "x-amz-security-token" && token.is_some()) {
            continue;
        }
        headers.push((lower, Cow::Borrowed(value)));
    }
    if !headers.iter().any(|(n, _)| n == "host") {
        headers.push((Cow::Borrowed("host"), Cow::Borrowed(url.authority)));
    }
    headers.push((Cow::Borrowed("x-amz-date"), Cow::Owned(params.time.as_str().into())));
    if params.settings.checksum_header == PayloadChecksumHeader::Signed
        && !headers.iter().any(|(n, _)| n == "x-amz-content-sha256")
    {
        let value = match hash {
            PayloadHash::Given(v) => Cow::Borrowed(v),
            PayloadHash::Computed(ref h) => Cow::Owned(h.as_str().into()),
        };
        headers.push((Cow::Borrowed("x-amz-content-sha256"), value));
    }
    let token_signed = params.settings.session_token == SessionTokenMode::Signed;
    if let (Some(t), true) = (token, token_signed) {
        headers.push((Cow::Borrowed("x-amz-security-token"), Cow::Borrowed(t)));
    }

    let mut auth = String::with_capacity(256);
    let sig = {
        let mut stack = [("", ""); 12];
        let mut heap = Vec::new();
        let signable = headers.iter().filter(|(n, _)| !UNSIGNED_HEADERS.contains(&&**n)).map(|(n, v)| (&**n, &**v));
        let signable = small_list(&mut stack, &mut heap, signable);
        let creq =
            CanonicalRequest::new(req.method, &url, params.settings.normalize_path, signable, &[], hash.as_str());
        authorize(cache, params, &creq, &mut auth, stages)
    };

    if let (Some(t), false) = (token, token_signed) {
        headers.push((Cow::Borrowed("x-amz-security-token"), Cow::Borrowed(t)));
    }
    headers.push((Cow::Borrowed("authorization"), Cow::Owned(auth)));
    // Duplicate names leave as one header carrying the value that was signed.
    let headers = canonical::merge_duplicate_headers(headers);

    Ok(Signed { output: headers, signature: sig })
}

/// Presigns a URL (query-string authentication). The given headers (at least `host`) are signed,
/// and the payload hash is that of `body`. Returns the URL with the `X-Amz-*` parameters added.
pub fn presign_url(
    cache: &mut SigningKeyCache,
    req: &HttpRequest,
    params: &SigningParams,
) -> Result<Signed<String>, SigningError> {
    presign_url_inner(cache, req, params, None)
}

/// [`presign_url`], also returning the canonical request and the string to sign.
pub fn presign_url_staged(
    cache: &mut SigningKeyCache,
    req: &HttpRequest,
    params: &SigningParams,
) -> Result<(Signed<String>, Stages), SigningError> {
    let mut stages = Stages::default();
    let signed = presign_url_inner(cache, req, params, Some(&mut stages))?;
    Ok((signed, stages))
}

fn presign_url_inner(
    cache: &mut SigningKeyCache,
    req: &HttpRequest,
    params: &SigningParams,
    stages: Option<&mut Stages>,
) -> Result<Signed<String>, SigningError> {
    check(params)?;
    let expires = params.settings.expires_in;
    if expires == 0 || expires > MAX_EXPIRES {
        return Err(SigningError("expiresIn: must be an integer from 1 to 604800 (seconds)"));
    }
    let url = UrlParts::parse(req.url)?;
    let hash = PayloadHash::of(req);
    let token = token(params);

    let mut headers: Vec<(Cow<str>, &str)> = req
        .headers
        .iter()
        .map(|&(n, v)| (lowercase(n), v))
        .filter(|(n, _)| !UNSIGNED_HEADERS.contains(&&**n))
        .collect();
    if !headers.iter().any(|(n, _)| n == "host") {
        headers.push((Cow::Borrowed("host"), url.authority));
    }
    let signed_names = canonical::signed_header_names(headers.iter().map(|(n, _)| &**n));

    let mut credential = String::with_capacity(100);
    credential.push_str(&params.credentials.access_key_id);
    credential.push('/');
    let scope_start = credential.len();
    push_scope(params, &mut credential);
    let scope = credential.get(scope_start..).unwrap_or_default();
    let mut expires_buf = [0u8; 20];
    let expires_str = crate::text::decimal(u64::from(expires), &mut expires_buf);

    let token_signed = params.settings.session_token == SessionTokenMode::Signed;
    let mut extra: Vec<(&str, &str)> = vec![
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", &credential),
        ("X-Amz-Date", params.time.as_str()),
        ("X-Amz-Expires", expires_str),
        ("X-Amz-SignedHeaders", &signed_names),
    ];
    if let (Some(t), true) = (token, token_signed) {
        extra.push(("X-Amz-Security-Token", t));
    }
    let mut stack = [("", ""); 12];
    let mut heap = Vec::new();
    let signable = small_list(&mut stack, &mut heap, headers.iter().map(|(n, v)| (&**n, *v)));
    let creq = CanonicalRequest::new(req.method, &url, params.settings.normalize_path, signable, &extra, hash.as_str());
    let sig = sign_canonical(cache, params, scope, &creq, stages);

    let mut out = String::with_capacity(req.url.len() + creq.query.len() + 120);
    out.push_str(url.scheme);
    out.push_str("://");
    out.push_str(url.authority);
    out.push_str(url.path_or_root());
    out.push('?');
    out.push_str(&creq.query);
    if let (Some(t), false) = (token, token_signed) {
        out.push_str("&X-Amz-Security-Token=");
        encode_strict(t.as_bytes(), &mut out);
    }
    out.push_str("&X-Amz-Signature=");
    out.push_str(sig.as_str());

    Ok(Signed { output: out, signature: sig })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: Some("secret-token-value".into()),
        }
    }

    /// Parameters for `c` at 2015-08-30T12:36:00Z in us-east-1.
    fn params(c: &Credentials, settings: SigningSettings) -> SigningParams<'_> {
        let time = AmzDate::from_epoch_seconds(1_440_938_160);
        SigningParams { credentials: c, region: "us-east-1", service: "svc", time, settings }
    }

    #[test]
    fn small_lists_spill_to_the_heap_in_order() {
        for n in 0..40u32 {
            let (mut stack, mut heap) = ([0u32; 12], Vec::new());
            let list = small_list(&mut stack, &mut heap, 0..n);
            assert_eq!(list, (0..n).collect::<Vec<_>>().as_slice(), "{n} items");
            list.reverse(); // the slice is writable wherever it lives
        }
    }

    #[test]
    fn many_headers_sign_as_few() {
        // Past the dozen kept on the stack, headers are signed the same way.
        let c = creds();
        let mut cache = SigningKeyCache::default();
        let params = params(&c, SigningSettings::default());
        let names: Vec<String> = (0..30).map(|i| format!("X-H{:02}", 29 - i)).collect();
        for count in [0, 5, 12, 13, 30] {
            let headers: Vec<(&str, &str)> = names.iter().take(count).map(|n| (n.as_str(), " v  1 ")).collect();
            let req = HttpRequest { method: "GET", url: "https://h/", headers: &headers, body: b"" };
            let (signed, stages) = sign_headers_staged(&mut cache, &req, &params).unwrap();
            let mut lines: Vec<String> =
                names.iter().take(count).map(|n| format!("{}:v 1", n.to_lowercase())).collect();
            lines.extend([
                "host:h".into(),
                "x-amz-date:20150830T123600Z".into(),
                "x-amz-security-token:secret-token-value".into(),
            ]);
            lines.sort();
            let signed_names: Vec<&str> = lines.iter().map(|l| l.split(':').next().unwrap()).collect();
            let want = format!(
                "GET\n/\n\n{}\n\n{}\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                lines.join("\n"),
                signed_names.join(";")
            );
            assert_eq!(stages.canonical_request, want, "{count} headers");
            assert_eq!(signed.output.len(), count + 4);
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let c = creds();
        let s = format!("{c:?}");
        assert!(s.contains("AKIDEXAMPLE"));
        assert!(!s.contains("wJalr"));
        assert!(!s.contains("secret-token-value"));
    }

    #[test]
    fn errors_never_carry_credentials() {
        let c = creds();
        let mut cache = SigningKeyCache::default();
        let params = params(&c, SigningSettings { expires_in: 0, ..Default::default() });
        let req = HttpRequest { method: "GET", url: "ftp://h/", headers: &[], body: b"" };
        for r in
            [sign_headers(&mut cache, &req, &params).map(|_| ()), presign_url(&mut cache, &req, &params).map(|_| ())]
        {
            let e = r.unwrap_err();
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("wJalr") && !shown.contains("secret-token-value"), "{shown}");
        }
    }

    #[test]
    fn expires_range() {
        let c = creds();
        let mut cache = SigningKeyCache::default();
        let req = HttpRequest { method: "GET", url: "https://h/", headers: &[], body: b"" };
        for (e, ok) in [(0, false), (1, true), (604_800, true), (604_801, false)] {
            let params = params(&c, SigningSettings { expires_in: e, ..Default::default() });
            assert_eq!(presign_url(&mut cache, &req, &params).is_ok(), ok, "expires {e}");
        }
    }
}
