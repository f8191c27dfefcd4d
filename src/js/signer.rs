//! `signRequest` and `presignUrl`: the general SigV4 signer exported to JS. Synchronous, since
//! the hashing is pure Rust and needs no WebCrypto promise.

use crate::prelude::*;
use crate::text;
use super::bindings::Fields;
use super::convert::*;
use crate::sigv4::{
    self, AmzDate, Credentials, HttpRequest, PayloadChecksumHeader, SessionTokenMode, SigningKeyCache,
    SigningParams, SigningSettings,
};
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
        settings: SigningSettings {
            normalize_path: optional_bool(o.normalize_path(), "options.normalizePath")?.unwrap_or(true),
            checksum_header: if sign_body { PayloadChecksumHeader::Signed } else { PayloadChecksumHeader::Omit },
            session_token: if sign_token { SessionTokenMode::Signed } else { SessionTokenMode::AppendedAfterSigning },
            expires_in: expires.map_or(900, |e| e as u32),
        },
    })
}

struct Request {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn request(v: JsValue, method_required: bool) -> Result<Request, JsValue> {
    let v = required_object(v, "request")?;
    let r: &Fields = v.unchecked_ref();
    let method = if method_required {
        required_string(r.method(), "request.method")?
    } else {
        optional_string(r.method(), "request.method")?.unwrap_or_else(|| "GET".into())
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_') {
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
) -> Result<(Request, T), JsValue> {
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
    let out = with_key_cache(|cache| sign(cache, &http, &params)).map_err(signing_error)?;
    Ok((req, out))
}

/// Signs `request` with an `Authorization` header and returns the request to send.
#[wasm_bindgen(js_name = signRequest, unchecked_return_type = "SignedHttpRequest")]
pub fn sign_request(
    #[wasm_bindgen(unchecked_param_type = "HttpRequestLike")] request_value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SigningOptions")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let (req, signed) = with_signing(request_value, true, options_value, sigv4::sign_headers)?;
    // One JSON.parse builds the whole result: far cheaper than a wasm-to-JS call per field.
    let mut json = String::with_capacity(req.url.len() + signed.output.iter().map(|(k, v)| k.len() + v.len() + 6).sum::<usize>() + 48);
    json.push_str("{\"method\":");
    push_json_string(&req.method, &mut json);
    json.push_str(",\"url\":");
    push_json_string(&req.url, &mut json);
    json.push_str(",\"headers\":");
    push_json_object(&signed.output, &mut json);
    json.push('}');
    js_sys::JSON::parse(&json).map_err(|_| type_error("request", "could not be represented"))
}

/// Presigns `request` (method defaults to GET) and returns the URL with the `X-Amz-*` query.
#[wasm_bindgen(js_name = presignUrl)]
pub fn presign_url(
    #[wasm_bindgen(unchecked_param_type = "PresignRequestLike")] request_value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SigningOptions")] options_value: JsValue,
) -> Result<String, JsValue> {
    with_signing(request_value, false, options_value, sigv4::presign_url).map(|(_, signed)| signed.output)
}
