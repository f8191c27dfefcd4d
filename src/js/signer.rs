//! `signRequest` and `presignUrl`: the general SigV4 signer exported to JS. Synchronous, since
//! the hashing is pure Rust and needs no WebCrypto promise.

use super::bindings::Fields;
use super::convert::*;
use crate::prelude::*;
use crate::sigv4::{
    self, AmzDate, Credentials, HttpRequest, PayloadChecksumHeader, SessionTokenMode, SigningKeyCache, SigningParams,
    SigningSettings,
};
use crate::text;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const SIGNER_TS: &'static str = r#"
/** AWS credentials. Kept in memory only; never printed or put in error messages. */
export interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }
export interface SigningOptions {
  credentials: Credentials; region: string; service: string;
  /** Default: now. */
  signingDate?: Date;
  /** Remove dot segments and duplicate slashes before signing. Default true. */
  normalizePath?: boolean;
  /** Add and sign `x-amz-content-sha256`. Default false. */
  signBody?: boolean;
  /** Sign the session token (default true); false appends X-Amz-Security-Token after signing. */
  signSessionToken?: boolean;
  /** presignUrl only: lifetime in seconds, 1..604800, default 900. */
  expiresIn?: number;
}
export interface HttpRequestLike { method: string; url: string; headers?: Record<string, string> | [string, string][]; body?: string | Uint8Array }
export interface PresignRequestLike { method?: string; url: string; headers?: Record<string, string> | [string, string][]; body?: string | Uint8Array }
export interface SignedHttpRequest { method: string; url: string; headers: Record<string, string> }
"#;

/// Module-wide state. A wasm module instance runs on one thread, so sharing is sound.
pub(crate) struct Global<T>(pub(crate) RefCell<T>);
// SAFETY: wasm32 without the atomics feature has a single thread per module instance.
unsafe impl<T> Sync for Global<T> {}

static KEYS: Global<SigningKeyCache> = Global(RefCell::new(SigningKeyCache::new()));

/// Runs `f` with the module's signing-key cache (a fresh one in the impossible re-entrant case).
pub(crate) fn with_key_cache<T>(f: impl FnOnce(&mut SigningKeyCache) -> T) -> T {
    match KEYS.0.try_borrow_mut() {
        Ok(mut cache) => f(&mut cache),
        Err(_) => f(&mut SigningKeyCache::new()),
    }
}

pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The last credentials read, with the JS strings they came from: strings are immutable, so
/// when the same three strings come again (the usual case) the UTF-8 copies are reused, which
/// saves copying a session token of a kilobyte or so on every signature.
struct LastCredentials {
    js: [JsValue; 3],
    credentials: Credentials,
}

static LAST_CREDENTIALS: Global<Option<LastCredentials>> = Global(RefCell::new(None));

/// Reads `{ accessKeyId, secretAccessKey, sessionToken? }`; `path` prefixes field names in errors.
pub(crate) fn credentials(v: &JsValue, path: &str) -> Result<Credentials, JsValue> {
    if !v.is_object() {
        return Err(type_error(path, "must be an object with accessKeyId and secretAccessKey"));
    }
    let f: &Fields = v.unchecked_ref();
    let js = [f.access_key_id(), f.secret_access_key(), f.session_token()];
    if let Ok(last) = LAST_CREDENTIALS.0.try_borrow() {
        if let Some(last) = last.as_ref().filter(|l| l.js == js) {
            return Ok(last.credentials.clone());
        }
    }
    let field = |name: &str| {
        let mut p = String::from(path);
        p.push('.');
        p.push_str(name);
        p
    };
    let [ak, sk, tok] = &js;
    let credentials = Credentials {
        access_key_id: required_string(ak.clone(), &field("accessKeyId"))?,
        secret_access_key: required_string(sk.clone(), &field("secretAccessKey"))?,
        session_token: optional_string(tok.clone(), &field("sessionToken"))?.filter(|t| !t.is_empty()),
    };
    if let Ok(mut last) = LAST_CREDENTIALS.0.try_borrow_mut() {
        *last = Some(LastCredentials { js, credentials: credentials.clone() });
    }
    Ok(credentials)
}

struct Options {
    credentials: Credentials,
    region: String,
    service: String,
    time: AmzDate,
    settings: SigningSettings,
}

fn options(v: JsValue) -> Result<Options, JsValue> {
    let v = required_object(v, "options")?;
    let o: &Fields = v.unchecked_ref();
    let credentials = credentials(&o.credentials(), "options.credentials")?;
    let region = required_string(o.region(), "options.region")?;
    let service = required_string(o.service(), "options.service")?;
    let ms = optional_date_ms(o.signing_date(), "options.signingDate")?.unwrap_or_else(now_ms);
    let expires = optional_int(
        o.expires_in(),
        "options.expiresIn",
        1.0,
        sigv4::MAX_EXPIRES as f64,
        "must be an integer from 1 to 604800 (seconds)",
    )?;
    let sign_body = optional_bool(o.sign_body(), "options.signBody")?.unwrap_or(false);
    let sign_token = optional_bool(o.sign_session_token(), "options.signSessionToken")?.unwrap_or(true);
    Ok(Options {
        credentials,
        region,
        service,
        time: AmzDate::from_epoch_millis(ms),
        settings: settings(
            optional_bool(o.normalize_path(), "options.normalizePath")?.unwrap_or(true),
            sign_body,
            sign_token,
            expires.map(|e| e as u32),
        ),
    })
}

/// The signing settings both paths read from `options`; `expires_in` defaults to 900 seconds.
fn settings(
    normalize_path: bool,
    sign_body: bool,
    sign_session_token: bool,
    expires_in: Option<u32>,
) -> SigningSettings {
    let defaults = SigningSettings::default();
    SigningSettings {
        normalize_path,
        checksum_header: if sign_body { PayloadChecksumHeader::Signed } else { PayloadChecksumHeader::Omit },
        session_token: if sign_session_token {
            SessionTokenMode::Signed
        } else {
            SessionTokenMode::AppendedAfterSigning
        },
        expires_in: expires_in.unwrap_or(defaults.expires_in),
    }
}

struct Request {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// The method check shared by both paths: letters, `-` and `_` only.
fn valid_method(method: &str) -> bool {
    !method.is_empty() && method.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_')
}

const DEFAULT_PRESIGN_METHOD: &str = "GET";

fn request(v: JsValue, method_required: bool) -> Result<Request, JsValue> {
    let v = required_object(v, "request")?;
    let r: &Fields = v.unchecked_ref();
    let method = if method_required {
        required_string(r.method(), "request.method")?
    } else {
        optional_string(r.method(), "request.method")?.unwrap_or_else(|| DEFAULT_PRESIGN_METHOD.into())
    };
    if !valid_method(&method) {
        return Err(type_error("request.method", "must be an HTTP method name"));
    }
    let Some(url) = r.url().as_string() else {
        return Err(type_error("request.url", "must be a string"));
    };
    Ok(Request {
        // fetch() upper-cases standard methods, so the signature must cover the upper-case form.
        method: method.to_ascii_uppercase(),
        url,
        headers: headers(r.headers(), "request.headers")?,
        body: body_bytes(r.body(), "request.body")?,
    })
}

fn signing_error(e: sigv4::SigningError) -> JsValue {
    // sigv4 messages already start with the field name; `url` means `request.url` here.
    let msg = e.message();
    let (field, rest) = text::split_once(msg, b':').unwrap_or(("", msg));
    let rest = text::trim_start(rest, b' ');
    if field == "url" {
        return type_error("request.url", rest);
    }
    let mut path = String::from("options.");
    path.push_str(field);
    type_error(&path, rest)
}

/// Reads a request and its options and runs one signing step with them.
fn with_signing<T>(
    request_value: JsValue,
    method_required: bool,
    options_value: JsValue,
    sign: impl FnOnce(&mut SigningKeyCache, &HttpRequest, &SigningParams) -> Result<T, sigv4::SigningError>,
) -> Result<T, JsValue> {
    let req = request(request_value, method_required)?;
    let opts = options(options_value)?;
    let hdrs: Vec<(&str, &str)> = req.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let http = HttpRequest { method: &req.method, url: &req.url, headers: &hdrs, body: &req.body };
    let params = SigningParams {
        credentials: &opts.credentials,
        region: &opts.region,
        service: &opts.service,
        time: opts.time,
        settings: opts.settings,
    };
    with_key_cache(|cache| sign(cache, &http, &params)).map_err(signing_error)
}

/// `signRequest` reading every field through its own getter, with a precise error for anything
/// wrong. npm/signer.js calls it when the marshaled path declines a request.
#[wasm_bindgen(js_name = signRequest, unchecked_return_type = "SignedHttpRequest")]
pub fn sign_request(
    #[wasm_bindgen(unchecked_param_type = "HttpRequestLike")] request_value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SigningOptions")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let json = with_signing(request_value, true, options_value, |cache, http, params| {
        let signed = sigv4::sign_headers(cache, http, params)?;
        // One JSON.parse builds the whole result: far cheaper than a wasm-to-JS call per field.
        let mut json = String::with_capacity(
            http.url.len() + signed.output.iter().map(|(k, v)| k.len() + v.len() + 6).sum::<usize>() + 48,
        );
        json.push_str("{\"method\":");
        push_json_string(http.method, &mut json);
        json.push_str(",\"url\":");
        push_json_string(http.url, &mut json);
        json.push_str(",\"headers\":");
        push_json_object(&signed.output, &mut json);
        json.push('}');
        Ok(json)
    })?;
    js_sys::JSON::parse(&json).map_err(|_| type_error("request", "could not be represented"))
}

/// Presigns `request` (method defaults to GET) and returns the URL with the `X-Amz-*` query.
#[wasm_bindgen(js_name = presignUrl)]
pub fn presign_url(
    #[wasm_bindgen(unchecked_param_type = "PresignRequestLike")] request_value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SigningOptions")] options_value: JsValue,
) -> Result<String, JsValue> {
    with_signing(request_value, false, options_value, |cache, http, params| {
        sigv4::presign_url(cache, http, params).map(|s| s.output)
    })
}

// ---------------------------------------------------------------------------------------------
// The marshaled path. Reading a dozen fields through getters and copying a kilobyte-long session
// token in and out costs more than the signature itself, so npm/signer.js checks the field types,
// writes every string into one scratch buffer with a single `encodeInto`, and makes one call.
// The result comes back as references to the strings JS already holds (the URL, header values,
// the session token) plus one short text for the rest. Anything unusual (numbers as header
// values, an ArrayBuffer body, a failed check) makes this path decline, and JS then calls the
// checked path above, which signs it or reports exactly what is wrong.

/// Flags describing the marshaled input (mirrored in npm/signer.js).
mod flag {
    pub const PRESIGN: u32 = 1;
    /// Credentials follow region and service; otherwise the last ones sent are reused.
    pub const CREDENTIALS: u32 = 2;
    /// The last part is the body text (otherwise the body bytes follow the text, maybe none).
    pub const BODY_TEXT: u32 = 4;
    /// `request.method` is absent (presignUrl defaults it).
    pub const NO_METHOD: u32 = 8;
    pub const NORMALIZE_PATH: u32 = 16;
    pub const SIGN_BODY: u32 = 32;
    pub const SIGN_SESSION_TOKEN: u32 = 64;
    /// Header signing of the usual shape takes the general path too (the tests compare them).
    pub const GENERAL: u32 = 128;
}

/// An output string that is the whole of part `index` of the input.
const PART_REF: u32 = 0x8000_0000;
/// An output string that is the session token of the last credentials sent.
const TOKEN_REF: u32 = 0xffff_ffff;
/// An output string that is `NAMES[r - NAME_REF]` (the same list is in npm/signer.js).
const NAME_REF: u32 = 0xffff_ff00;
const NAMES: [&str; 5] = ["host", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "authorization"];
const HOST: u32 = NAME_REF;
const X_AMZ_DATE: u32 = NAME_REF + 1;
const X_AMZ_SECURITY_TOKEN: u32 = NAME_REF + 2;
const AUTHORIZATION: u32 = NAME_REF + 4;

/// The input buffer shared with JS, the credentials JS last sent, and the result table's
/// buffers (kept, like the others, so a signature allocates little), which JS reads in place
/// through `header`.
struct Marshal {
    input: Vec<u8>,
    /// Where the result is: addresses and lengths of its text and its table (see `Results::publish`).
    header: [u32; 5],
    credentials: Option<Credentials>,
    /// Whether the session token can go back to JS by reference (see `Results::reference`).
    token_by_reference: bool,
    entries: Vec<u32>,
    text: String,
}

static MARSHAL: Global<Marshal> = Global(RefCell::new(Marshal {
    input: Vec::new(),
    header: [0; 5],
    credentials: None,
    token_by_reference: false,
    entries: Vec::new(),
    text: String::new(),
}));

/// Offset that makes `ptr + offset` a multiple of 4, so JS can address the start as u32s.
fn align4(ptr: *const u8) -> usize {
    (4 - (ptr as usize) % 4) % 4
}

/// The WebAssembly memory, for npm/signer.js's views of the buffers.
#[wasm_bindgen(js_name = __memory, skip_typescript)]
pub fn memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Makes room for `len` input bytes and returns their (4-aligned) address. The buffer stays at
/// that address until the next call, so JS keeps its own view of it and calls again only when a
/// request needs more room.
#[wasm_bindgen(js_name = __signInput, skip_typescript)]
pub fn sign_input(len: usize) -> usize {
    let Ok(mut m) = MARSHAL.0.try_borrow_mut() else { return 0 };
    let need = len + 3;
    if m.input.len() < need {
        m.input.resize(need, 0);
    }
    let ptr = m.input.as_ptr();
    ptr as usize + align4(ptr)
}

/// Signs the request JS wrote into the input buffer: the `parts` strings as UTF-8 (`text_bytes`
/// bytes in all), then, from the next multiple of 4, a table of their UTF-16 lengths, then
/// `body_bytes` bytes of body. Returns the address of the result's header, or 0 to decline.
#[wasm_bindgen(js_name = __signMarshaled, skip_typescript)]
pub fn sign_marshaled(
    flags: u32,
    parts: u32,
    text_bytes: u32,
    body_bytes: u32,
    date_ms: f64,
    expires_in: f64,
) -> usize {
    let Ok(mut guard) = MARSHAL.0.try_borrow_mut() else { return 0 };
    let m = &mut *guard;
    if marshaled(m, flags, parts as usize, text_bytes as usize, body_bytes as usize, date_ms, expires_in).is_none() {
        // Stale or half-read credentials must not be reused: JS forgets its copy on a decline too.
        m.credentials = None;
        return 0;
    }
    m.header.as_ptr() as usize
}

fn read_u32(bytes: &[u8], i: usize) -> Option<u32> {
    let b = bytes.get(i * 4..i * 4 + 4)?;
    Some(u32::from_le_bytes([*b.first()?, *b.get(1)?, *b.get(2)?, *b.get(3)?]))
}

/// Splits `text` into strings of the given UTF-16 lengths, one per slot of `out`; `ascii` tells
/// whether `text` is all ASCII (lengths are then byte counts).
fn split_utf16<'t>(
    mut text: &'t str,
    ascii: bool,
    lengths: impl Iterator<Item = u32>,
    out: &mut [&'t str],
) -> Option<()> {
    for (units, slot) in lengths.zip(out) {
        let units = units as usize;
        let bytes = if ascii {
            units
        } else {
            let mut seen = 0;
            let mut end = 0;
            for c in text.chars() {
                if seen >= units {
                    break;
                }
                seen += c.len_utf16();
                end += c.len_utf8();
            }
            if seen != units {
                return None;
            }
            end
        };
        *slot = text.get(..bytes)?;
        text = text.get(bytes..)?;
    }
    text.is_empty().then_some(())
}

/// A U+FFFD in a string read from JS may stand for a lone surrogate there, so that the JS string
/// differs from what was signed: such strings go back as text, as the checked path returns them.
fn may_stand_for_a_surrogate(s: &str) -> bool {
    !text::is_ascii(s.as_bytes()) && s.as_bytes().windows(3).any(|w| w == "\u{fffd}".as_bytes())
}

/// Appends results: a table of (start, end) UTF-16 offsets into one text, or references.
struct Results<'p> {
    parts: &'p [&'p str],
    /// Whether no part may stand for a surrogate, so each can go back by reference.
    parts_by_reference: bool,
    token: Option<&'p str>,
    token_by_reference: bool,
    entries: &'p mut Vec<u32>,
    text: &'p mut String,
    units: u32,
}

impl<'p> Results<'p> {
    fn push(&mut self, s: &str) {
        match self.reference(s) {
            Some(r) => self.push_ref(r),
            None => self.push_written(|text| text::append_str(text, s)),
        }
    }

    fn push_ref(&mut self, r: u32) {
        self.entries.push(r);
        self.entries.push(0);
    }

    /// A string that `write` appends to the text.
    fn push_written<T>(&mut self, write: impl FnOnce(&mut String) -> T) -> T {
        let start = self.text.len();
        let out = write(self.text);
        let s = self.text.get(start..).unwrap_or_default();
        let units = if text::is_ascii(s.as_bytes()) { s.len() } else { s.encode_utf16().count() } as u32;
        self.entries.push(self.units);
        self.entries.push(self.units + units);
        self.units += units;
        out
    }

    /// The reference to the JS string `s` was read from, when it is all of one. Checked by
    /// address first: most results are input strings handed back unchanged.
    fn reference(&self, s: &str) -> Option<u32> {
        let same = |p: &&str| p.as_ptr() == s.as_ptr() && p.len() == s.len();
        if let Some(i) = self.parts.iter().position(same) {
            return (self.parts_by_reference || !may_stand_for_a_surrogate(s)).then_some(PART_REF | i as u32);
        }
        if self.token.is_some_and(|t| same(&t)) {
            return self.token_by_reference.then_some(TOKEN_REF);
        }
        NAMES.iter().position(|n| *n == s).map(|i| NAME_REF + i as u32)
    }

    /// Where JS finds the result, left where it was written: the text's address and length in
    /// bytes, the table's address and entry count (each entry two u32s), and 1 when the text is
    /// ASCII (Node then decodes it as Latin-1, the cheaper way). Only ASCII text has as many
    /// UTF-16 units as UTF-8 bytes.
    fn publish(&self) -> [u32; 5] {
        let address = |p: *const u8| p as usize as u32;
        let ascii = self.units as usize == self.text.len();
        [
            address(self.text.as_ptr()),
            self.text.len() as u32,
            address(self.entries.as_ptr().cast()),
            (self.entries.len() / 2) as u32,
            ascii as u32,
        ]
    }
}

/// Header signing of the usual request, from the input strings straight to the result table:
/// header names lowercase, none repeated, none that the signer sets or leaves unsigned, and the
/// session token (if any) signed. For these the general path gives the same result (the
/// marshaled tests compare the two) through a header list it builds and then reads back, which
/// made the whole signature about 8% slower. `None`, with nothing written, for anything else.
/// `first_header` is the index of the first header name among the parts.
fn sign_usual(results: &mut Results, http: &HttpRequest, params: &SigningParams, first_header: usize) -> Option<()> {
    let token = sigv4::token(params);
    if params.settings.checksum_header != PayloadChecksumHeader::Omit
        || params.settings.session_token != SessionTokenMode::Signed
        || !results.parts_by_reference
        || (token.is_some() && !results.token_by_reference)
        || sigv4::check(params).is_err()
    {
        return None;
    }
    let url = sigv4::UrlParts::parse(http.url).ok()?;
    let time = params.time;
    // Filled in place rather than through `sigv4::small_list`, whose iterator chain here measured
    // 2% slower on the whole signature; more than a dozen headers take the general path.
    let mut signable = [("", ""); 12];
    let mut n = 0;
    for &(name, value) in http.headers {
        // NAMES are the headers the signer sets.
        if name.bytes().any(|b| b.is_ascii_uppercase())
            || NAMES.contains(&name)
            || sigv4::UNSIGNED_HEADERS.contains(&name)
        {
            return None;
        }
        *signable.get_mut(n)? = (name, value);
        n += 1;
    }
    let added =
        [("host", url.authority), ("x-amz-date", time.as_str()), ("x-amz-security-token", token.unwrap_or_default())];
    for h in added.into_iter().take(if token.is_some() { 3 } else { 2 }) {
        *signable.get_mut(n)? = h;
        n += 1;
    }
    let hash = sigv4::PayloadHash::of(http);
    let normalize = params.settings.normalize_path;
    let creq = sigv4::CanonicalRequest::new(http.method, &url, normalize, signable.get_mut(..n)?, &[], hash.as_str());
    if creq.repeats_a_name() {
        return None;
    }

    // The same entries, in the same order, as the general path's header list.
    results.push(http.method);
    results.push(http.url);
    for i in 0..http.headers.len() as u32 {
        let name = first_header as u32 + 2 * i;
        results.push_ref(PART_REF | name);
        results.push_ref(PART_REF | (name + 1));
    }
    results.push_ref(HOST);
    results.push(url.authority);
    results.push_ref(X_AMZ_DATE);
    results.push(time.as_str());
    if token.is_some() {
        results.push_ref(X_AMZ_SECURITY_TOKEN);
        results.push_ref(TOKEN_REF);
    }
    results.push_ref(AUTHORIZATION);
    results.push_written(|text| with_key_cache(|cache| sigv4::authorize(cache, params, &creq, text, None)));
    Some(())
}

#[allow(clippy::too_many_arguments)]
fn marshaled(
    m: &mut Marshal,
    flags: u32,
    n_parts: usize,
    text_bytes: usize,
    body_bytes: usize,
    date_ms: f64,
    expires_in: f64,
) -> Option<()> {
    let has = |f: u32| flags & f != 0;
    let input = m.input.get(align4(m.input.as_ptr())..)?;
    let text = core::str::from_utf8(input.get(..text_bytes)?).ok()?;
    let table_start = (text_bytes + 3) & !3;
    let table = input.get(table_start..table_start + n_parts * 4)?;
    let body_start = table_start + n_parts * 4;
    let (mut stack, mut heap) = ([""; 24], Vec::new());
    let parts = sigv4::small_list(&mut stack, &mut heap, core::iter::repeat_n("", n_parts));
    let ascii = text::is_ascii(text.as_bytes());
    split_utf16(text, ascii, (0..n_parts).map(|i| read_u32(table, i).unwrap_or(u32::MAX)), parts)?;
    let parts = &*parts;

    let fixed = if has(flag::CREDENTIALS) { 7 } else { 4 };
    let body_text = usize::from(has(flag::BODY_TEXT));
    let [method, url, region, service, ..] = parts[..] else { return None };
    let header_parts = parts.get(fixed..parts.len().checked_sub(body_text)?)?;
    if header_parts.len() % 2 != 0 || region.is_empty() || service.is_empty() {
        return None;
    }
    let body: &[u8] =
        if has(flag::BODY_TEXT) { parts.last()?.as_bytes() } else { input.get(body_start..body_start + body_bytes)? };

    let method = if has(flag::NO_METHOD) && has(flag::PRESIGN) { DEFAULT_PRESIGN_METHOD } else { method };
    if !valid_method(method) {
        return None;
    }
    let upper = if method.bytes().any(|b| b.is_ascii_lowercase()) { Some(method.to_ascii_uppercase()) } else { None };
    let method = upper.as_deref().unwrap_or(method);

    if has(flag::CREDENTIALS) {
        let [ak, sk, token] = parts.get(4..7)? else { return None };
        if ak.is_empty() || sk.is_empty() {
            return None;
        }
        m.credentials = Some(Credentials {
            access_key_id: (*ak).into(),
            secret_access_key: (*sk).into(),
            session_token: (!token.is_empty()).then(|| (*token).into()),
        });
        m.token_by_reference = !may_stand_for_a_surrogate(token);
    }
    let credentials = m.credentials.as_ref()?;

    // The same range check as the checked path; absent is NaN.
    let expires = if expires_in.is_nan() {
        None
    } else if integer_within(expires_in, 1.0, sigv4::MAX_EXPIRES as f64) {
        Some(expires_in as u32)
    } else {
        return None;
    };
    let ms = if date_ms.is_nan() { now_ms() } else { date_ms };
    let (mut stack, mut heap) = ([("", ""); 12], Vec::new());
    let headers = header_parts.chunks_exact(2).filter_map(|p| Some((*p.first()?, *p.get(1)?)));
    let headers = sigv4::small_list(&mut stack, &mut heap, headers);
    let http = HttpRequest { method, url, headers, body };
    let params = SigningParams {
        credentials,
        region,
        service,
        time: AmzDate::from_epoch_millis(ms),
        settings: settings(has(flag::NORMALIZE_PATH), has(flag::SIGN_BODY), has(flag::SIGN_SESSION_TOKEN), expires),
    };

    m.entries.clear();
    m.text.clear();
    let mut results = Results {
        parts,
        parts_by_reference: ascii || !may_stand_for_a_surrogate(text),
        token: credentials.session_token.as_deref(),
        token_by_reference: m.token_by_reference,
        entries: &mut m.entries,
        text: &mut m.text,
        units: 0,
    };
    if has(flag::PRESIGN) {
        let signed = with_key_cache(|cache| sigv4::presign_url(cache, &http, &params)).ok()?;
        results.push(&signed.output);
    } else if has(flag::GENERAL) || sign_usual(&mut results, &http, &params, fixed).is_none() {
        let signed = with_key_cache(|cache| sigv4::sign_headers(cache, &http, &params)).ok()?;
        results.entries.reserve(4 + signed.output.len() * 4);
        results.text.reserve(300);
        results.push(method);
        results.push(url);
        for (name, value) in &signed.output {
            results.push(name);
            results.push(value);
        }
    }
    m.header = results.publish();
    Some(())
}
