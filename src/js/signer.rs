//! `signRequest` and `presignUrl`: the general SigV4 signer exported to JS. Synchronous, since
//! the hashing is pure Rust and needs no WebCrypto promise.

use crate::prelude::*;
use super::convert::*;
use crate::sigv4::{
    self, AmzDate, Credentials, HttpRequest, PayloadChecksumHeader, SessionTokenMode, SigningKeyCache,
    SigningParams, SigningSettings,
};
use js_sys::Object;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;

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

/// Reads `{ accessKeyId, secretAccessKey, sessionToken? }`; `path` prefixes field names in errors.
pub(crate) fn credentials(v: &JsValue, path: &str) -> Result<Credentials, JsValue> {
    if !v.is_object() {
        return Err(type_error(path, "must be an object with accessKeyId and secretAccessKey"));
    }
    let field = |name: &str| {
        let mut p = String::from(path);
        p.push('.');
        p.push_str(name);
        p
    };
    Ok(Credentials {
        access_key_id: required_string(v, "accessKeyId", &field("accessKeyId"))?,
        secret_access_key: required_string(v, "secretAccessKey", &field("secretAccessKey"))?,
        session_token: optional_string(v, "sessionToken", &field("sessionToken"))?.filter(|t| !t.is_empty()),
    })
}

struct Options {
    credentials: Credentials,
    region: String,
    service: String,
    time: AmzDate,
    settings: SigningSettings,
}

fn options(v: JsValue) -> Result<Options, JsValue> {
    let o = required_object(v, "options")?;
    let credentials = credentials(&get(&o, "credentials"), "options.credentials")?;
    let region = required_string(&o, "region", "options.region")?;
    let service = required_string(&o, "service", "options.service")?;
    let ms = optional_date_ms(&o, "signingDate", "options.signingDate")?.unwrap_or_else(now_ms);
    let expires = optional_int(
        &o,
        "expiresIn",
        "options.expiresIn",
        1.0,
        sigv4::MAX_EXPIRES as f64,
        "must be an integer from 1 to 604800 (seconds)",
    )?;
    let sign_body = optional_bool(&o, "signBody", "options.signBody")?.unwrap_or(false);
    let sign_token = optional_bool(&o, "signSessionToken", "options.signSessionToken")?.unwrap_or(true);
    Ok(Options {
        credentials,
        region,
        service,
        time: AmzDate::from_epoch_millis(ms),
        settings: SigningSettings {
            normalize_path: optional_bool(&o, "normalizePath", "options.normalizePath")?.unwrap_or(true),
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
    let r = required_object(v, "request")?;
    let method = if method_required {
        required_string(&r, "method", "request.method")?
    } else {
        optional_string(&r, "method", "request.method")?.unwrap_or_else(|| "GET".into())
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_') {
        return Err(type_error("request.method", "must be an HTTP method name"));
    }
    let url = match get(&r, "url").as_string() {
        Some(u) => u,
        None => return Err(type_error("request.url", "must be a string")),
    };
    Ok(Request {
        // fetch() upper-cases standard methods, so the signature must cover the upper-case form.
        method: method.to_ascii_uppercase(),
        url,
        headers: headers(&r, "request.headers")?,
        body: body_bytes(&r, "request.body")?,
    })
}

fn signing_error(e: sigv4::SigningError) -> JsValue {
    // sigv4 messages already start with the field name; `url` means `request.url` here.
    let msg = e.message();
    let (field, rest) = msg.split_once(':').unwrap_or(("", msg));
    let rest = rest.trim_start();
    if field == "url" {
        return type_error("request.url", rest);
    }
    let mut path = String::from("options.");
    path.push_str(field);
    type_error(&path, rest)
}

fn borrowed_headers(h: &[(String, String)]) -> Vec<(&str, &str)> {
    h.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

/// Signs `request` with an `Authorization` header and returns the request to send.
#[wasm_bindgen(js_name = signRequest, unchecked_return_type = "SignedHttpRequest")]
pub fn sign_request(
    #[wasm_bindgen(unchecked_param_type = "HttpRequestLike")] request_value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SigningOptions")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let req = request(request_value, true)?;
    let opts = options(options_value)?;
    let hdrs = borrowed_headers(&req.headers);
    let http = HttpRequest { method: &req.method, url: &req.url, headers: &hdrs, body: &req.body };
    let params = SigningParams {
        credentials: &opts.credentials,
        region: &opts.region,
        service: &opts.service,
        time: opts.time,
        settings: opts.settings,
    };
    let signed = with_key_cache(|cache| sigv4::sign_headers(cache, &http, &params)).map_err(signing_error)?;
    let out = Object::new();
    set(&out, "method", &JsValue::from_str(&req.method));
    set(&out, "url", &JsValue::from_str(&req.url));
    set(&out, "headers", &record(&signed.output));
    Ok(out.into())
}

/// Presigns `request` (method defaults to GET) and returns the URL with the `X-Amz-*` query.
#[wasm_bindgen(js_name = presignUrl)]
pub fn presign_url(
    #[wasm_bindgen(unchecked_param_type = "PresignRequestLike")] request_value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SigningOptions")] options_value: JsValue,
) -> Result<String, JsValue> {
    let req = request(request_value, false)?;
    let opts = options(options_value)?;
    let hdrs = borrowed_headers(&req.headers);
    let http = HttpRequest { method: &req.method, url: &req.url, headers: &hdrs, body: &req.body };
    let params = SigningParams {
        credentials: &opts.credentials,
        region: &opts.region,
        service: &opts.service,
        time: opts.time,
        settings: opts.settings,
    };
    with_key_cache(|cache| sigv4::presign_url(cache, &http, &params))
        .map(|s| s.output)
        .map_err(signing_error)
}
