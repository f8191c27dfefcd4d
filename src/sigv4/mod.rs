//! AWS Signature Version 4 in pure Rust: no wasm or JS dependencies, so it is tested natively.
//!
//! The signer never changes a request: [`sign_headers`] returns the headers to add to it and
//! [`presign`] the query parameters, each with the canonical request and string to sign it
//! computed, so tests can compare every step with the AWS suite. [`headers_to_send`] and
//! [`presigned_url`] apply them the way `signRequest` and `presignUrl` return requests.

mod canonical;
mod key;
mod time;

pub use canonical::{encode_strict, UrlParts};
pub use key::SigningKeyCache;
pub use time::{days_from_civil, AmzDate};

pub(crate) use canonical::sort_by_key;

use crate::prelude::*;
use alloc::borrow::Cow;
use core::fmt;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Longest presigned URL lifetime SigV4 accepts: seven days.
pub const MAX_EXPIRES: u32 = 604_800;

/// Long-term or temporary AWS credentials. `Debug` never prints the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

/// Overwrites a secret's bytes before its memory goes back to the allocator (volatile, so the
/// writes are not optimized away as dead).
pub(crate) fn wipe(bytes: &mut [u8]) {
    for b in bytes {
        // SAFETY: `b` is a valid, exclusive reference.
        unsafe { core::ptr::write_volatile(b, 0) };
    }
}

/// The secret and the token do not outlive the credentials in memory.
impl Drop for Credentials {
    fn drop(&mut self) {
        // SAFETY: zero bytes keep the strings valid UTF-8.
        unsafe {
            wipe(self.secret_access_key.as_mut_vec());
            if let Some(t) = &mut self.session_token {
                wipe(t.as_mut_vec());
            }
        }
    }
}

impl Credentials {
    /// The session token, when there is a non-empty one.
    fn token(&self) -> Option<&str> {
        self.session_token.as_deref().filter(|t| !t.is_empty())
    }
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

/// Whether the path is normalized (dot segments and duplicate slashes removed) before encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathNormalization {
    Enabled,
    Disabled,
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

/// How to sign. The default normalizes the path, signs the session token and leaves
/// `x-amz-content-sha256` out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningSettings {
    pub path_normalization: PathNormalization,
    pub checksum_header: PayloadChecksumHeader,
    pub session_token: SessionTokenMode,
}

impl Default for SigningSettings {
    fn default() -> Self {
        SigningSettings {
            path_normalization: PathNormalization::Enabled,
            checksum_header: PayloadChecksumHeader::Omit,
            session_token: SessionTokenMode::Signed,
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
pub struct SignableRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

/// The input a signing error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Url,
    AccessKeyId,
    SecretAccessKey,
    Region,
    Service,
    ExpiresIn,
}

impl Field {
    /// The field's name in the JS options (`url` is the request's).
    pub fn name(self) -> &'static str {
        match self {
            Field::Url => "url",
            Field::AccessKeyId => "credentials.accessKeyId",
            Field::SecretAccessKey => "credentials.secretAccessKey",
            Field::Region => "region",
            Field::Service => "service",
            Field::ExpiresIn => "expiresIn",
        }
    }
}

/// What is wrong with the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Empty,
    NotAbsoluteUrl,
    UnsupportedScheme,
    InvalidHost,
    ExpiresOutOfRange,
}

impl Problem {
    pub fn message(self) -> &'static str {
        match self {
            Problem::Empty => "must be a non-empty string",
            Problem::NotAbsoluteUrl => "must be an absolute http(s):// or ws(s):// URL",
            Problem::UnsupportedScheme => "scheme must be http, https, ws or wss",
            Problem::InvalidHost => "must have a valid host",
            Problem::ExpiresOutOfRange => "must be an integer from 1 to 604800 (seconds)",
        }
    }
}

/// Why a request could not be signed. Never carries credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningError {
    pub field: Field,
    pub problem: Problem,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field.name())?;
        f.write_str(": ")?;
        f.write_str(self.problem.message())
    }
}

/// Header signing's instructions: headers to add, names lowercase, in the order to send them;
/// each replaces a request header of the same name.
pub type HeaderInstructions = Vec<(&'static str, String)>;

/// Presigning's instructions: query parameters to add, values decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryInstructions {
    /// Part of the canonical query.
    pub signed: Vec<(&'static str, String)>,
    /// Written after it: an unsigned session token, then the signature.
    pub unsigned: Vec<(&'static str, String)>,
}

/// The result of one signing: what to add to the request, and how the signature was reached.
#[derive(Debug, Clone)]
pub struct Signed<T> {
    pub instructions: T,
    /// Lowercase hex.
    pub signature: String,
    pub canonical_request: String,
    pub string_to_sign: String,
}

/// Headers never signed: proxies and browsers add or rewrite them.
const UNSIGNED_HEADERS: [&str; 4] = ["authorization", "user-agent", "x-amzn-trace-id", "expect"];

/// A lowercase header name, borrowed when it already is.
fn lowercase(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

fn check(params: &SigningParams) -> Result<(), SigningError> {
    let empty = |field| Err(SigningError { field, problem: Problem::Empty });
    if params.credentials.access_key_id.is_empty() {
        return empty(Field::AccessKeyId);
    }
    if params.credentials.secret_access_key.is_empty() {
        return empty(Field::SecretAccessKey);
    }
    if params.region.is_empty() {
        return empty(Field::Region);
    }
    if params.service.is_empty() {
        return empty(Field::Service);
    }
    Ok(())
}

/// The payload hash: the caller's `x-amz-content-sha256` (e.g. `UNSIGNED-PAYLOAD`) when given,
/// as AWS defines it, else the body's SHA-256.
fn payload_hash(req: &SignableRequest) -> String {
    match req.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256")) {
        Some((_, v)) => v.trim_ascii().into(),
        None => key::sha256_hex(req.body),
    }
}

/// What both ways of signing start from.
struct Start<'a> {
    url: UrlParts<'a>,
    /// `date/region/service/aws4_request`.
    scope: String,
    payload_hash: String,
    /// The request's headers to sign, names lowercase, `host` included.
    headers: Vec<(String, &'a str)>,
}

impl<'a> Start<'a> {
    /// `replaced` names request headers the signer itself sets. `params` must have passed
    /// [`check`].
    fn new(
        req: &SignableRequest<'a>,
        params: &SigningParams,
        replaced: impl Fn(&str) -> bool,
    ) -> Result<Self, SigningError> {
        let url = UrlParts::parse(req.url)?;
        let mut scope = String::with_capacity(64);
        for part in [params.time.date(), "/", params.region, "/", params.service, "/aws4_request"] {
            scope.push_str(part);
        }
        let mut headers: Vec<(String, &str)> = req
            .headers
            .iter()
            .map(|&(n, v)| (lowercase(n).into_owned(), v))
            .filter(|(n, _)| !UNSIGNED_HEADERS.contains(&n.as_str()) && !replaced(n))
            .collect();
        if !headers.iter().any(|(n, _)| n == "host") {
            headers.push(("host".into(), url.authority));
        }
        Ok(Start { url, scope, payload_hash: payload_hash(req), headers })
    }

    /// Signs with `query` as the canonical query and `extra` headers besides the request's.
    fn sign(
        self,
        keys: &mut SigningKeyCache,
        req: &SignableRequest,
        params: &SigningParams,
        query: &str,
        extra: &[(&'static str, String)],
    ) -> Signature {
        let mut headers: Vec<(String, &str)> = self.headers;
        headers.extend(extra.iter().map(|(n, v)| (String::from(*n), v.as_str())));
        let normalize = params.settings.path_normalization == PathNormalization::Enabled;
        let (canonical_request, names) =
            canonical::canonical_request(req.method, &self.url, normalize, query, &mut headers, &self.payload_hash);
        let hash = key::sha256_hex(canonical_request.as_bytes());
        let mut string_to_sign = String::with_capacity(160);
        for part in [ALGORITHM, "\n", params.time.as_str(), "\n", &self.scope, "\n", &hash] {
            string_to_sign.push_str(part);
        }
        let key = keys.key(&params.credentials.secret_access_key, params.time.date(), params.region, params.service);
        Signature { hex: key.sign(&string_to_sign), canonical_request, string_to_sign, names, scope: self.scope }
    }
}

struct Signature {
    hex: String,
    canonical_request: String,
    string_to_sign: String,
    /// The signed header names, joined by `;`.
    names: String,
    scope: String,
}

impl Signature {
    fn with<T>(self, instructions: T) -> Signed<T> {
        let Signature { hex, canonical_request, string_to_sign, .. } = self;
        Signed { instructions, signature: hex, canonical_request, string_to_sign }
    }
}

/// Signs with an `Authorization` header. The instructions add `x-amz-date`,
/// `x-amz-content-sha256` (when asked for), `x-amz-security-token` and `authorization`.
pub fn sign_headers(
    keys: &mut SigningKeyCache,
    req: &SignableRequest,
    params: &SigningParams,
) -> Result<Signed<HeaderInstructions>, SigningError> {
    let token = params.credentials.token();
    let token_signed = params.settings.session_token == SessionTokenMode::Signed;
    let replaced = |n: &str| n == "x-amz-date" || (n == "x-amz-security-token" && token.is_some());
    check(params)?;
    let start = Start::new(req, params, replaced)?;

    let mut added: HeaderInstructions = Vec::with_capacity(4);
    added.push(("x-amz-date", params.time.as_str().into()));
    let has_checksum = start.headers.iter().any(|(n, _)| n == "x-amz-content-sha256");
    if params.settings.checksum_header == PayloadChecksumHeader::Signed && !has_checksum {
        added.push(("x-amz-content-sha256", start.payload_hash.clone()));
    }
    if let (Some(t), true) = (token, token_signed) {
        added.push(("x-amz-security-token", t.into()));
    }
    let query = canonical::canonical_query(start.url.query, &[]);
    let sig = start.sign(keys, req, params, &query, &added);

    if let (Some(t), false) = (token, token_signed) {
        added.push(("x-amz-security-token", t.into()));
    }
    let mut auth = String::with_capacity(200);
    let key_id = &params.credentials.access_key_id;
    for part in
        [ALGORITHM, " Credential=", key_id, "/", &sig.scope, ", SignedHeaders=", &sig.names, ", Signature=", &sig.hex]
    {
        auth.push_str(part);
    }
    added.push(("authorization", auth));
    Ok(sig.with(added))
}

/// Presigns for `expires_in` seconds (1..=604800): query-string authentication. The request's
/// headers (at least `host`) are signed, and the payload hash is that of its body.
pub fn presign(
    keys: &mut SigningKeyCache,
    req: &SignableRequest,
    params: &SigningParams,
    expires_in: u32,
) -> Result<Signed<QueryInstructions>, SigningError> {
    check(params)?;
    if expires_in == 0 || expires_in > MAX_EXPIRES {
        return Err(SigningError { field: Field::ExpiresIn, problem: Problem::ExpiresOutOfRange });
    }
    let mut start = Start::new(req, params, |_| false)?;
    // The signed header names go into the query, so they are needed before signing.
    sort_by_key(&mut start.headers, |h| h.0.as_str());
    let creds = params.credentials;
    let mut credential = String::with_capacity(creds.access_key_id.len() + 1 + start.scope.len());
    credential.push_str(&creds.access_key_id);
    credential.push('/');
    credential.push_str(&start.scope);
    let mut query = QueryInstructions {
        signed: vec![
            ("X-Amz-Algorithm", ALGORITHM.into()),
            ("X-Amz-Credential", credential),
            ("X-Amz-Date", params.time.as_str().into()),
            ("X-Amz-Expires", {
                let mut e = String::new();
                crate::text::push_uint(&mut e, u64::from(expires_in));
                e
            }),
            ("X-Amz-SignedHeaders", canonical::signed_header_names(&start.headers)),
        ],
        unsigned: Vec::with_capacity(2),
    };
    let token = creds.token();
    let token_signed = params.settings.session_token == SessionTokenMode::Signed;
    if let (Some(t), true) = (token, token_signed) {
        query.signed.push(("X-Amz-Security-Token", t.into()));
    }
    let canonical_query = canonical::canonical_query(start.url.query, &query.signed);
    if let (Some(t), false) = (token, token_signed) {
        query.unsigned.push(("X-Amz-Security-Token", t.into()));
    }
    let sig = start.sign(keys, req, params, &canonical_query, &[]);
    query.unsigned.push(("X-Amz-Signature", sig.hex.clone()));
    Ok(sig.with(query))
}

/// The headers to send for `req` signed with `added` (header instructions): the request's own,
/// names lowercase, with those the signer sets replaced, `host` from the URL when missing, then
/// `added`. A repeated name leaves as one header carrying the value that was signed.
pub fn headers_to_send<'a>(
    req: &SignableRequest<'a>,
    added: &'a HeaderInstructions,
) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
    let mut out: Vec<(Cow<str>, Cow<str>)> = Vec::with_capacity(req.headers.len() + added.len() + 1);
    for &(name, value) in req.headers {
        let name = lowercase(name);
        if added.iter().any(|(n, _)| *n == name) {
            continue;
        }
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, joined)) => {
                let mut both = String::with_capacity(joined.len() + value.len() + 1);
                canonical::canonical_value(joined, &mut both);
                both.push(',');
                canonical::canonical_value(value, &mut both);
                *joined = Cow::Owned(both);
            }
            None => out.push((name, Cow::Borrowed(value))),
        }
    }
    if !out.iter().any(|(n, _)| n == "host") {
        // The URL parsed when the request was signed.
        if let Ok(url) = UrlParts::parse(req.url) {
            out.push((Cow::Borrowed("host"), Cow::Borrowed(url.authority)));
        }
    }
    out.extend(added.iter().map(|(n, v)| (Cow::Borrowed(*n), Cow::Borrowed(v.as_str()))));
    out
}

/// The presigned URL: `url` without its fragment, its query in canonical form with the signed
/// parameters among it, then the unsigned ones.
pub fn presigned_url(url: &str, params: &QueryInstructions) -> Result<String, SigningError> {
    let parts = UrlParts::parse(url)?;
    let mut out = String::with_capacity(url.len() + 600);
    for part in [parts.scheme, "://", parts.authority, parts.path_or_root(), "?"] {
        out.push_str(part);
    }
    out.push_str(&canonical::canonical_query(parts.query, &params.signed));
    for (k, v) in &params.unsigned {
        out.push('&');
        out.push_str(k);
        out.push('=');
        encode_strict(v.as_bytes(), &mut out);
    }
    Ok(out)
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

    fn get(url: &str) -> SignableRequest<'_> {
        SignableRequest { method: "GET", url, headers: &[], body: b"" }
    }

    #[test]
    fn many_headers_sign_as_few() {
        let c = creds();
        let mut cache = SigningKeyCache::default();
        let params = params(&c, SigningSettings::default());
        let names: Vec<String> = (0..30).map(|i| format!("X-H{:02}", 29 - i)).collect();
        for count in [0, 5, 12, 13, 30] {
            let headers: Vec<(&str, &str)> = names.iter().take(count).map(|n| (n.as_str(), " v  1 ")).collect();
            let req = SignableRequest { method: "GET", url: "https://h/", headers: &headers, body: b"" };
            let signed = sign_headers(&mut cache, &req, &params).unwrap();
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
            assert_eq!(signed.canonical_request, want, "{count} headers");
            assert_eq!(headers_to_send(&req, &signed.instructions).len(), count + 4);
        }
    }

    #[test]
    fn header_instructions_and_what_is_sent() {
        let c = creds();
        let mut cache = SigningKeyCache::default();
        let settings = SigningSettings { checksum_header: PayloadChecksumHeader::Signed, ..Default::default() };
        let headers = [("My", " v2 "), ("X-Amz-Date", "old"), ("host", "h"), ("my", "v1  x"), ("User-Agent", "ua")];
        let req = SignableRequest { method: "GET", url: "https://h/", headers: &headers, body: b"" };
        let signed = sign_headers(&mut cache, &req, &params(&c, settings)).unwrap();
        let names: Vec<&str> = signed.instructions.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "authorization"]);
        let sent: Vec<(String, String)> = headers_to_send(&req, &signed.instructions)
            .into_iter()
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        let pair = |n: &str, v: &str| (String::from(n), String::from(v));
        assert_eq!(
            sent[..4],
            [
                pair("my", "v2,v1 x"),
                pair("host", "h"),
                pair("user-agent", "ua"),
                pair("x-amz-date", "20150830T123600Z")
            ]
        );
        assert!(signed.canonical_request.contains("\nmy:v2,v1 x\n"), "{}", signed.canonical_request);
        assert!(!signed.canonical_request.contains("user-agent"));
    }

    #[test]
    fn unsigned_token_comes_after_signing() {
        let c = creds();
        let mut cache = SigningKeyCache::default();
        let after = SigningSettings { session_token: SessionTokenMode::AppendedAfterSigning, ..Default::default() };
        let req = get("https://h/");
        let signed = sign_headers(&mut cache, &req, &params(&c, after)).unwrap();
        assert!(!signed.canonical_request.contains("token"));
        assert_eq!(signed.instructions[1], ("x-amz-security-token", "secret-token-value".into()));

        let signed = presign(&mut cache, &req, &params(&c, after), 60).unwrap();
        assert!(signed.instructions.signed.iter().all(|(k, _)| *k != "X-Amz-Security-Token"));
        let url = presigned_url(req.url, &signed.instructions).unwrap();
        let tail = format!("&X-Amz-Security-Token=secret-token-value&X-Amz-Signature={}", signed.signature);
        assert!(url.ends_with(&tail), "{url}");
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
    fn errors_name_the_field_and_never_carry_credentials() {
        let c = creds();
        let mut cache = SigningKeyCache::default();
        let req = get("ftp://h/");
        let p = params(&c, SigningSettings::default());
        for e in [sign_headers(&mut cache, &req, &p).unwrap_err(), presign(&mut cache, &req, &p, 0).unwrap_err()] {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("wJalr") && !shown.contains("secret-token-value"), "{shown}");
        }
        let e = sign_headers(&mut cache, &req, &p).unwrap_err();
        assert_eq!(e.to_string(), "url: scheme must be http, https, ws or wss");
        let no_region = SigningParams { region: "", ..p };
        assert_eq!(
            sign_headers(&mut cache, &req, &no_region).unwrap_err().to_string(),
            "region: must be a non-empty string"
        );
    }

    #[test]
    fn expires_range() {
        let c = creds();
        let mut cache = SigningKeyCache::default();
        let p = params(&c, SigningSettings::default());
        for (e, ok) in [(0, false), (1, true), (604_800, true), (604_801, false)] {
            assert_eq!(presign(&mut cache, &get("https://h/"), &p, e).is_ok(), ok, "expires {e}");
        }
    }
}
