//! `signRequest` and `presignUrl`: the SigV4 signer exported to JS, the same one the clients
//! sign with. Synchronous: the hashing is pure Rust and needs no WebCrypto promise.

use super::convert::*;
use crate::prelude::*;
use crate::sigv4::{
    self, AmzDate, Credentials, Field, PathNormalization, PayloadChecksumHeader, SessionTokenMode, SignableRequest,
    SigningError, SigningKeyCache, SigningParams, SigningSettings,
};
use crate::text;
use crate::Global;
use wasm_bindgen::prelude::*;

/// Derived signing keys, shared by every signature in the module.
static KEYS: Global<SigningKeyCache> = Global::new(SigningKeyCache::new());

/// Runs `f` with the module's signing-key cache (a fresh one in the impossible re-entrant case).
pub(crate) fn with_keys<T>(f: impl FnOnce(&mut SigningKeyCache) -> T) -> T {
    match KEYS.borrow_mut() {
        Ok(mut keys) => f(&mut keys),
        Err(_) => f(&mut SigningKeyCache::new()),
    }
}

pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The signing options of `signRequest` and `presignUrl`, read from JS.
struct Options {
    credentials: Credentials,
    region: String,
    service: String,
    time: AmzDate,
    settings: SigningSettings,
    /// `expiresIn`: presignUrl only.
    expires_in: u32,
}

fn options(v: JsValue) -> Result<Options, JsValue> {
    let o = Fields::of(v, "options")?;
    // Read in this order, so that the first bad field is the one reported.
    let credentials = o.credentials("credentials")?;
    let region = o.string("region")?;
    let service = o.string("service")?;
    let ms = o.date_ms("signingDate")?.unwrap_or_else(now_ms);
    let range = (1.0, f64::from(sigv4::MAX_EXPIRES));
    let expires_in = o.number("expiresIn", range, true, "must be an integer from 1 to 604800 (seconds)")?;
    let checksum_header =
        if o.flag("signBody", false)? { PayloadChecksumHeader::Signed } else { PayloadChecksumHeader::Omit };
    let session_token = if o.flag("signSessionToken", true)? {
        SessionTokenMode::Signed
    } else {
        SessionTokenMode::AppendedAfterSigning
    };
    let path_normalization =
        if o.flag("normalizePath", true)? { PathNormalization::Enabled } else { PathNormalization::Disabled };
    Ok(Options {
        credentials,
        region,
        service,
        time: AmzDate::from_epoch_millis(ms),
        settings: SigningSettings { path_normalization, checksum_header, session_token },
        expires_in: expires_in.map_or(900, |n| n as u32),
    })
}

struct Request {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn request(v: JsValue, method_required: bool) -> Result<Request, JsValue> {
    let r = Fields::of(v, "request")?;
    let method = if method_required {
        r.string("method")?
    } else {
        r.optional_string("method")?.unwrap_or_else(|| "GET".into())
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_') {
        return Err(r.fail("method", "must be an HTTP method name"));
    }
    let Some(url) = r.get("url")?.as_string() else {
        return Err(r.fail("url", "must be a string"));
    };
    Ok(Request {
        // fetch() upper-cases standard methods, so the signature must cover the upper-case form.
        method: method.to_ascii_uppercase(),
        url,
        headers: headers(r.get("headers")?, "request.headers")?,
        body: body_bytes(r.get("body")?, "request.body")?,
    })
}

fn signing_error(e: SigningError) -> JsValue {
    let prefix = if e.field == Field::Url { "request" } else { "options" };
    type_error(&field(prefix, e.field.name()), e.problem.message())
}

/// Reads a request and its options and signs with `sign`.
fn with_signing<T>(
    request_value: JsValue,
    method_required: bool,
    options_value: JsValue,
    sign: impl FnOnce(&mut SigningKeyCache, &SignableRequest, &SigningParams, u32) -> Result<T, SigningError>,
) -> Result<T, JsValue> {
    let req = request(request_value, method_required)?;
    let opts = options(options_value)?;
    let headers: Vec<(&str, &str)> = req.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let signable = SignableRequest { method: &req.method, url: &req.url, headers: &headers, body: &req.body };
    let params = SigningParams {
        credentials: &opts.credentials,
        region: &opts.region,
        service: &opts.service,
        time: opts.time,
        settings: opts.settings,
    };
    with_keys(|keys| sign(keys, &signable, &params, opts.expires_in)).map_err(signing_error)
}

/// Signs `request` with an Authorization header and returns the request to send:
/// `{ method, url, headers }`, header names lowercase.
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(request_value: JsValue, options_value: JsValue) -> Result<JsValue, JsValue> {
    with_signing(request_value, true, options_value, |keys, req, params, _| {
        let signed = sigv4::sign_headers(keys, req, params)?;
        // One JSON.parse builds the result: cheaper than a call out of wasm per string, and it
        // makes a `__proto__` header an own property, as a header should be.
        let mut json = String::with_capacity(1024);
        json.push_str("{\"method\":");
        text::push_json_string(&mut json, req.method);
        json.push_str(",\"url\":");
        text::push_json_string(&mut json, req.url);
        json.push_str(",\"headers\":{");
        for (i, (name, value)) in sigv4::headers_to_send(req, &signed.instructions).iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            text::push_json_string(&mut json, name);
            json.push(':');
            text::push_json_string(&mut json, value);
        }
        json.push_str("}}");
        Ok(js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL))
    })
}

/// Presigns `request` (method defaults to GET) and returns the URL with the `X-Amz-*` query.
#[wasm_bindgen(js_name = presignUrl)]
pub fn presign_url(request_value: JsValue, options_value: JsValue) -> Result<String, JsValue> {
    with_signing(request_value, false, options_value, |keys, req, params, expires_in| {
        let signed = sigv4::presign(keys, req, params, expires_in)?;
        sigv4::presigned_url(req.url, &signed.instructions)
    })
}
