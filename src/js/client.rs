//! [`Client`], the one client class (each service's class in npm/operations.js extends it): config,
//! credentials, and [`Call`], the decisions of one operation call.
//!
//! A call's waiting (for a credentials provider, for `fetch`, for a backoff delay, for the
//! caller's abort signal) is done by a short JS loop, `npm/call.js`. After each step it asks the
//! `Call` what comes next, so every decision is made here, synchronously:
//! validate + serialize (`__start`) → sign (`request`) → the output, a retry delay, or the final
//! error (`response` / `failure`), with standard-mode retries and clock-skew correction.

use super::convert::*;
use super::signer::{now_ms, with_keys};
use crate::model::{self, Operation, OperationId, Service};
use crate::prelude::*;
use crate::protocol::{self, AttemptError, Next};
use crate::sigv4::{self, AmzDate, Credentials, SignableRequest, SigningParams, SigningSettings};
use alloc::rc::Rc;
use core::cell::Cell;
use js_sys::{Function, JsString, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Headers};

/// Credentials are refreshed this long before they expire.
const REFRESH_MARGIN_MS: f64 = 5.0 * 60.0 * 1000.0;
/// Response bodies above this are refused unless `maxResponseBytes` says otherwise: the largest
/// Kinesis Video answers (a page of 10,000 streams) are a few megabytes.
const DEFAULT_MAX_RESPONSE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;
/// A server clock further off than this is taken as the correct time for signing.
const SKEW_THRESHOLD_MS: f64 = 4.0 * 60.0 * 1000.0;

pub(crate) enum CredentialSource {
    Static(Credentials),
    Provider(Provider),
}

/// A credentials provider function and what it last gave.
pub(crate) struct Provider {
    function: Function,
    /// The last credentials and their expiry (epoch ms), if they have one.
    cached: Cell<Option<(Credentials, Option<f64>)>>,
    /// A refresh under way, shared by concurrent calls, and when it started (epoch ms).
    pending: Cell<Option<(Promise, f64)>>,
}

/// A client's settings and state, shared by its calls in flight.
pub(crate) struct Inner {
    service: Service,
    pub(crate) region: String,
    /// Changed only by `__retarget` (a data endpoint found stale); calls started before keep theirs.
    endpoint: Cell<String>,
    max_attempts: u32,
    timeout_ms: Option<f64>,
    /// Longest response body taken, in bytes.
    max_response_bytes: f64,
    /// Shared with the data-endpoint clients made from this one.
    credentials: Rc<CredentialSource>,
    /// Server time minus local time, learnt from responses.
    skew_ms: Cell<f64>,
    /// The partition's STUN server for WebRTC; none with a custom endpoint (a local or test
    /// service hands out its own ICE servers).
    pub(crate) stun: Option<String>,
}

/// `$metadata` of a call.
pub(crate) struct Meta {
    pub(crate) status: Option<u16>,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
    pub(crate) total_delay: f64,
}

impl Meta {
    pub(crate) const NONE: Meta = Meta { status: None, request_id: None, attempts: 0, total_delay: 0.0 };

    fn to_js(&self) -> JsValue {
        let o = Object::new();
        if let Some(s) = self.status {
            set(&o, "httpStatusCode", &JsValue::from(s));
        }
        if let Some(id) = &self.request_id {
            set(&o, "requestId", &JsValue::from_str(id));
        }
        set(&o, "attempts", &JsValue::from(self.attempts));
        set(&o, "totalRetryDelay", &JsValue::from_f64(self.total_delay));
        o.into()
    }
}

/// A failed call: an `Error` named `name`, with `$fault` and `$metadata`.
pub(crate) fn call_error(name: &str, message: &str, fault: &str, meta: &Meta) -> JsValue {
    with_call_fields(error(name, message), fault, meta)
}

/// `e` with the `$fault` and `$metadata` every call error has.
fn with_call_fields(e: JsValue, fault: &str, meta: &Meta) -> JsValue {
    set(e.unchecked_ref(), "$fault", &JsValue::from_str(fault));
    set(e.unchecked_ref(), "$metadata", &meta.to_js());
    e
}

/// An input error of a call: `$fault` and `$metadata` like every call error.
pub(crate) fn input_error(e: JsValue) -> JsValue {
    with_call_fields(e, "client", &Meta::NONE)
}

fn credentials_error(message: &str) -> JsValue {
    call_error("CredentialsProviderError", message, "client", &Meta::NONE)
}

/// A copy of what `cell` holds. (A `Cell` cannot fail the way a `RefCell` borrow can.)
fn peek<T: Clone + Default>(cell: &Cell<T>) -> T {
    let value = cell.take();
    cell.set(value.clone());
    value
}

impl Provider {
    /// `None` when the cached credentials are fresh; else the provider call to wait for
    /// (started here unless one is under way).
    fn refresh(&self) -> Option<Promise> {
        if let Some((_, expires)) = peek(&self.cached) {
            if expires.is_none_or(|e| now_ms() + REFRESH_MARGIN_MS < e) {
                return None;
            }
        }
        // A refresh left behind by an aborted caller is reused only while it is recent.
        if let Some((p, _)) = peek(&self.pending).filter(|(_, started)| now_ms() - started < REFRESH_MARGIN_MS) {
            return Some(p);
        }
        let p = match self.function.call0(&JsValue::UNDEFINED) {
            Ok(v) => super::bindings::promise_resolve(&v).unwrap_or_else(|e| Promise::reject(&e)),
            Err(e) => Promise::reject(&e),
        };
        self.pending.set(Some((p.clone(), now_ms())));
        Some(p)
    }

    /// Checks and caches what the provider call gave.
    fn refreshed(&self, result: Result<JsValue, JsValue>) -> Result<(), JsValue> {
        self.pending.set(None);
        let failed = |e: JsValue| credentials_error(&error_message(&e));
        let value = result.map_err(|e| {
            let mut m = String::from("the credentials provider failed: ");
            m.push_str(&error_message(&e));
            credentials_error(&m)
        })?;
        let creds = credentials(&value, "credentials provider result").map_err(failed)?;
        let expires = Fields::of(value, "credentials").and_then(|c| c.date_ms("expiration")).map_err(failed)?;
        self.cached.set(Some((creds, expires)));
        Ok(())
    }
}

impl CredentialSource {
    /// `None` when credentials are at hand; else the promise to await before [`Self::refreshed`].
    fn refresh(&self) -> Option<Promise> {
        match self {
            CredentialSource::Static(_) => None,
            CredentialSource::Provider(p) => p.refresh(),
        }
    }

    /// Takes the settled provider promise that [`Self::refresh`] gave: `ok` says whether it
    /// resolved. A failure is a `CredentialsProviderError`.
    fn refreshed(&self, ok: bool, value: JsValue) -> Result<(), JsValue> {
        match self {
            CredentialSource::Static(_) => Ok(()),
            CredentialSource::Provider(p) => p.refreshed(if ok { Ok(value) } else { Err(value) }),
        }
    }

    /// The credentials to sign with now (after [`Self::refresh`] said they are at hand).
    pub(crate) fn current(&self) -> Result<Credentials, JsValue> {
        match self {
            CredentialSource::Static(c) => Ok(c.clone()),
            CredentialSource::Provider(p) => match peek(&p.cached) {
                Some((c, _)) => Ok(c),
                None => Err(credentials_error("the credentials provider has not given credentials yet")),
            },
        }
    }

    /// Drops the keys derived from this secret (the credentials are wiped as they drop).
    fn forget_keys(&self) {
        if let Ok(c) = self.current() {
            with_keys(|keys| keys.forget(&c.secret_access_key));
        }
    }
}

impl Inner {
    fn from_config(config: JsValue, service: Service) -> Result<Inner, JsValue> {
        let config = Fields::of(config, "config")?;
        let region = config.string("region")?;
        // Also with a custom endpoint: the region is in every signature and signaling URL.
        if !crate::endpoint::is_valid_host_label(&region) {
            return Err(config.fail("region", "must be a region name (letters, digits and hyphens)"));
        }
        // Read once: an object of credentials, or a provider function.
        let creds_value = config.get("credentials")?;
        let credentials = match creds_value.dyn_ref::<Function>() {
            Some(f) => CredentialSource::Provider(Provider {
                function: f.clone(),
                cached: Cell::new(None),
                pending: Cell::new(None),
            }),
            None => CredentialSource::Static(credentials(&creds_value, "config.credentials")?),
        };
        let custom = config.optional_string("endpoint")?;
        let fips = config.flag("useFipsEndpoint", false)?;
        let dualstack = config.flag("useDualstackEndpoint", false)?;
        let stun = match (service, &custom) {
            (Service::KinesisVideo, None) => Some(crate::endpoint::stun_uri(&region, fips, dualstack)),
            _ => None,
        };
        let endpoint = if service.resolves_endpoint() {
            let params = crate::endpoint::EndpointParams {
                region: Some(&region),
                use_fips: fips,
                use_dualstack: dualstack,
                endpoint: custom.as_deref(),
            };
            let url = crate::endpoint::resolve(&params).map_err(|e| type_error("config.endpoint", e.message()))?;
            endpoint_as_sent(&url)
        } else {
            match custom {
                Some(url) => endpoint_as_sent(&url),
                None => Err("endpoint: required (the endpoint GetDataEndpoint or GetSignalingChannelEndpoint gives)"),
            }
        }
        .map_err(|m| type_error("config", m))?;
        let max_attempts = config
            .number("maxAttempts", (1.0, 100.0), true, "must be an integer from 1 to 100")?
            .map_or(3, |n| n as u32);
        let timeout_ms = config.number(
            "requestTimeoutMs",
            (1.0, 2_147_483_647.0),
            false,
            "must be a positive number of milliseconds",
        )?;
        let max_response_bytes = config
            .number("maxResponseBytes", (1.0, 1_073_741_824.0), true, "must be an integer from 1 to 1073741824")?
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        Ok(Inner {
            service,
            region,
            endpoint: Cell::new(endpoint),
            max_attempts,
            timeout_ms,
            max_response_bytes,
            credentials: Rc::new(credentials),
            skew_ms: Cell::new(0.0),
            stun,
        })
    }

    /// The current time corrected by the skew learnt from the service, epoch ms.
    pub(crate) fn now(&self) -> f64 {
        now_ms() + self.skew_ms.get()
    }

    pub(crate) fn credentials(&self) -> &CredentialSource {
        &self.credentials
    }

    /// The headers to send with `body`: content type and SigV4's (fetch sets `host` itself).
    fn signed_headers(&self, url: &str, body: &str) -> Result<Object, JsValue> {
        let creds = self.credentials.current()?;
        let headers = [("content-type", "application/json")];
        let req = SignableRequest { method: "POST", url, headers: &headers, body: body.as_bytes() };
        let params = SigningParams {
            credentials: &creds,
            region: &self.region,
            service: "kinesisvideo",
            time: AmzDate::from_epoch_millis(self.now()),
            settings: SigningSettings::default(),
        };
        let signed = with_keys(|keys| sigv4::sign_headers(keys, &req, &params))
            .map_err(|e| type_error(&field("request", e.field.name()), e.problem.message()))?;
        let out = Object::new();
        set(&out, "content-type", &JsValue::from_str("application/json"));
        for (name, value) in &signed.instructions {
            set(&out, name, &JsValue::from_str(value));
        }
        Ok(out)
    }

    /// Learns the clock skew from a response's `Date` (epoch ms), when it is far off.
    fn learn_skew(&self, server_ms: f64) {
        let skew = server_ms - now_ms();
        if (skew - self.skew_ms.get()).abs() > SKEW_THRESHOLD_MS {
            self.skew_ms.set(skew);
        }
    }

    /// Validates and serializes `input` now (so a bad input is refused before any request, and
    /// later changes to the caller's object do not matter) and returns the call to run.
    pub(crate) fn start(
        self: &Rc<Self>,
        op: &'static Operation,
        input: &JsValue,
        options: &JsValue,
    ) -> Result<Call, JsValue> {
        self.start_at(&peek(&self.endpoint), op, input, options)
    }

    /// [`Self::start`] at another endpoint (a signaling channel's, for GetIceServerConfig).
    pub(crate) fn start_at(
        self: &Rc<Self>,
        endpoint: &str,
        op: &'static Operation,
        input: &JsValue,
        options: &JsValue,
    ) -> Result<Call, JsValue> {
        let signal = abort_signal(options).map_err(input_error)?;
        let body = model::serialize_input(op, input)
            .map_err(|e| call_error("ValidationError", &e.message, "client", &Meta::NONE))?;
        Ok(Call {
            inner: self.clone(),
            op,
            url: protocol::join_url(endpoint, &op.uri()),
            body_js: JsValue::from_str(&body),
            body,
            signal,
            meta: Meta::NONE,
            clock_corrected: false,
            delay: 0.0,
        })
    }
}

/// One operation call: what to send, and what to do with what came back. Made by a client's
/// `__start`, run by `npm/call.js`.
#[wasm_bindgen]
pub struct Call {
    inner: Rc<Inner>,
    op: &'static Operation,
    url: String,
    body: String,
    /// The body as the JS string fetch sends (made once for every attempt).
    body_js: JsValue,
    signal: Option<AbortSignal>,
    meta: Meta,
    clock_corrected: bool,
    /// The backoff waited before the next attempt, counted in `$metadata` once it starts.
    delay: f64,
}

#[wasm_bindgen]
impl Call {
    /// The caller's `abortSignal`, if any.
    #[wasm_bindgen(getter)]
    pub fn signal(&self) -> Option<AbortSignal> {
        self.signal.clone()
    }

    /// How a successful response's body is handed to `response`: `"whole"` (a `Uint8Array`) or
    /// `"stream"` (the `ReadableStream`) for an output whose payload is the body; else `undefined`
    /// (its text, JSON).
    #[wasm_bindgen(getter)]
    pub fn payload(&self) -> JsValue {
        match self.op.payload {
            model::Payload::None => JsValue::UNDEFINED,
            model::Payload::Whole(_) => JsValue::from_str("whole"),
            model::Payload::Stream(_) => JsValue::from_str("stream"),
        }
    }

    /// The next attempt's request, signed now: `{ url, headers, body, timeoutMs, maxResponseBytes }`.
    pub fn request(&mut self) -> Result<JsValue, JsValue> {
        self.meta.attempts += 1;
        self.meta.total_delay += core::mem::take(&mut self.delay);
        let headers = self.inner.signed_headers(&self.url, &self.body)?;
        let r = Object::new();
        set(&r, "url", &JsValue::from_str(&self.url));
        set(&r, "headers", &headers);
        set(&r, "body", &self.body_js);
        if let Some(ms) = self.inner.timeout_ms {
            set(&r, "timeoutMs", &JsValue::from_f64(ms));
        }
        set(&r, "maxResponseBytes", &JsValue::from_f64(self.inner.max_response_bytes));
        Ok(r.into())
    }

    /// A response came: its output (with `$metadata`), or the delay in ms before the next
    /// attempt; the final error is thrown. `body` is the text, or what `payload` says for a
    /// successful one.
    pub fn response(&mut self, status: u16, headers: &Headers, body: JsValue) -> Result<JsValue, JsValue> {
        // Every read is caught or type-checked: these are the JS loop's values, but any caller
        // can reach this method.
        let header = |name: &str| headers.get(name).ok().flatten();
        let text = || body.dyn_ref::<JsString>().cloned().unwrap_or_else(|| JsString::from(""));
        self.meta.status = Some(status);
        self.meta.request_id =
            ["x-amzn-requestid", "x-amzn-request-id", "x-amz-request-id"].iter().find_map(|h| header(h));
        let server_ms = header("date").and_then(|d| protocol::parse_http_date(&d));
        if let Some(server) = server_ms {
            self.inner.learn_skew(server);
        }
        if (200..300).contains(&status) {
            // A payload output's body is the payload (bytes or a stream: see `payload`), else JSON.
            let out = match self.op.payload.member() {
                Some(member) => {
                    let out = Object::new();
                    set(&out, member, &body);
                    Ok(out.into())
                }
                None => model::parse_output(self.op, &text()),
            }
            .map_err(|m| call_error("DeserializationError", &m, "client", &self.meta))?;
            for (member, name) in self.op.header_members() {
                if let Some(value) = header(name) {
                    set(out.unchecked_ref(), member, &JsValue::from_str(&value));
                }
            }
            set(out.unchecked_ref(), "$metadata", &self.meta.to_js());
            return Ok(out);
        }
        let described = describe_error(self.op, status, header("x-amzn-errortype"), &text());
        let attempt = AttemptError::Service { status, name: &described.name, message: &described.message };
        let next = protocol::next_step(attempt, self.meta.attempts, self.inner.max_attempts, self.clock_corrected);
        if next == Next::RetryWithCorrectedClock {
            if let Some(server) = server_ms {
                self.inner.skew_ms.set(server - now_ms());
            }
        }
        let e = call_error(&described.name, &described.message, protocol::fault(status), &self.meta);
        if let Some(m) = described.modeled_message {
            set(e.unchecked_ref(), "Message", &JsValue::from_str(&m));
        }
        self.retry(e, next).map(JsValue::from_f64)
    }

    /// No response: `how` is `"network"` (with the exception `cause`), `"timeout"` (no
    /// headers within the request timeout), `"timeout-body"` (headers came, the body did not)
    /// or `"too-large"`. Gives the delay before the next attempt; the final error is thrown.
    pub fn failure(&mut self, how: JsValue, cause: &JsValue) -> Result<f64, JsValue> {
        let how = how.as_string().unwrap_or_default();
        let e = match how.as_str() {
            "too-large" => {
                let mut m = String::from("the response body is larger than maxResponseBytes (");
                crate::text::push_uint(&mut m, self.inner.max_response_bytes as u64);
                m.push(')');
                return Err(call_error("ResponseTooLargeError", &m, "client", &self.meta));
            }
            "timeout" | "timeout-body" => {
                let mut m = String::from(if how == "timeout" {
                    "no response within the request timeout for "
                } else {
                    "the response body did not arrive within the request timeout for "
                });
                m.push_str(self.op.name);
                call_error("TimeoutError", &m, "client", &self.meta)
            }
            _ => {
                let m = error_message(cause);
                let m = if m.trim_ascii().is_empty() { String::from("the request could not be sent") } else { m };
                call_error("NetworkError", &m, "client", &self.meta)
            }
        };
        let next = protocol::next_step(AttemptError::NoResponse, self.meta.attempts, self.inner.max_attempts, false);
        self.retry(e, next)
    }

    /// The error for a call the caller's signal aborted.
    pub fn aborted(&self) -> JsValue {
        call_error("AbortError", "the call was aborted", "client", &self.meta)
    }
}

impl Call {
    /// `e` when `next` says the call ends here; else the delay before the next attempt.
    fn retry(&mut self, e: JsValue, next: Next) -> Result<f64, JsValue> {
        match next {
            Next::Fail => Err(e),
            Next::RetryWithCorrectedClock => {
                self.clock_corrected = true;
                Ok(0.0)
            }
            Next::Retry => {
                self.delay = protocol::backoff_ms(self.meta.attempts, js_sys::Math::random());
                Ok(self.delay)
            }
        }
    }
}

struct DescribedError {
    name: String,
    message: String,
    /// The body's `Message`, for an error the operation declares.
    modeled_message: Option<String>,
}

/// Name, message and (for modeled errors) the body's `Message` of an error response. A body that
/// is not JSON (a proxy's HTML page) still yields a clean error with the status.
fn describe_error(op: &Operation, status: u16, error_type: Option<String>, body: &JsString) -> DescribedError {
    let parsed = model::parse_body(body).filter(|v| v.is_object());
    let text = |key: &'static str| parsed.as_ref().and_then(|v| get(v, key).as_string());
    let name = protocol::error_name(error_type.as_deref(), text("code").as_deref(), text("__type").as_deref())
        .unwrap_or_else(|| String::from("UnknownError"));
    let capital = text("Message");
    // An empty message says nothing: the next one, or the status, does.
    let said = |m: &Option<String>| m.as_ref().filter(|m| !m.trim_ascii().is_empty()).cloned();
    let message = said(&text("message")).or_else(|| said(&capital)).unwrap_or_else(|| {
        let mut m = String::from("HTTP ");
        crate::text::push_uint(&mut m, u64::from(status));
        m.push_str(if is_redirect(status) {
            " redirect, not followed (a signed request goes to its endpoint only)"
        } else if parsed.is_some() {
            " error"
        } else {
            " error with a body that is not JSON"
        });
        m
    });
    let modeled_message = if model::is_modeled_error(&name) && op.declares_error(&name) { capital } else { None };
    DescribedError { name, message, modeled_message }
}

/// A 3xx, or 0: what a browser shows of a redirect it did not follow.
fn is_redirect(status: u16) -> bool {
    status == 0 || (300..400).contains(&status)
}

/// `options.abortSignal`, when given; anything but an `AbortSignal` is a `TypeError`.
pub(crate) fn abort_signal(options: &JsValue) -> Result<Option<AbortSignal>, JsValue> {
    let s = read(options, "abortSignal").map_err(|e| unreadable("options.abortSignal", &e))?;
    if is_absent(&s) {
        Ok(None)
    } else {
        match s.dyn_into::<AbortSignal>() {
            Ok(s) => Ok(Some(s)),
            Err(_) => Err(type_error("options.abortSignal", "must be an AbortSignal")),
        }
    }
}

/// The one client class of the wasm module. Each service's class (npm/operations.js, generated from
/// model/services.json) extends it and names its service, so a service costs its table rows and a
/// line of JS, not code.
#[wasm_bindgen]
pub struct Client {
    pub(crate) inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Client {
    /// A client of service `service` (its index in model/services.json).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, service: u32) -> Result<Client, JsValue> {
        let service = *Service::ALL.get(service as usize).ok_or_else(|| error("TypeError", "no such service"))?;
        Ok(Client { inner: Rc::new(Inner::from_config(config, service)?) })
    }

    /// The endpoint this client sends to.
    #[wasm_bindgen(getter)]
    pub fn endpoint(&self) -> String {
        peek(&self.inner.endpoint)
    }

    /// Starts operation `index` (the generated methods in npm/operations.js are each a call of
    /// this one export: one export for every operation keeps the module small).
    #[wasm_bindgen(js_name = __start)]
    pub fn start(&self, index: usize, input: JsValue, options: JsValue) -> Result<Call, JsValue> {
        match OperationId::from_index(index).map(OperationId::operation) {
            Some(op) if op.service == self.inner.service => self.inner.start(op, &input, &options),
            _ => Err(error("TypeError", "unknown operation for this client")),
        }
    }

    /// Sends later calls to another endpoint (`dataEndpointClient`'s, when the one it had was
    /// found stale).
    #[wasm_bindgen(js_name = __retarget)]
    pub fn retarget(&self, endpoint: JsValue) -> Result<(), JsValue> {
        let url = endpoint_as_sent(&endpoint.as_string().unwrap_or_default()).map_err(|m| type_error("endpoint", m))?;
        self.inner.endpoint.set(url);
        Ok(())
    }

    /// `undefined` when credentials are at hand; else the provider's promise, whose outcome goes
    /// to `__credentialsSettled`.
    #[wasm_bindgen(js_name = __credentials)]
    pub fn credentials(&self) -> Option<Promise> {
        self.inner.credentials.refresh()
    }

    #[wasm_bindgen(js_name = __credentialsSettled)]
    pub fn credentials_settled(&self, ok: bool, value: JsValue) -> Result<(), JsValue> {
        self.inner.credentials.refreshed(ok, value)
    }

    /// A client of service `index` at `endpoint` that shares this one's settings and credentials:
    /// what `dataEndpointClient` (npm/data-endpoint.js) gives, once it has the service's class.
    #[wasm_bindgen(js_name = __clientAt)]
    pub fn client_at(&self, index: u32, endpoint: JsValue) -> Result<Client, JsValue> {
        let service = match Service::ALL.get(index as usize) {
            Some(&s) if !s.resolves_endpoint() => s,
            _ => return Err(error("TypeError", "no such data-plane service")),
        };
        let parent = &self.inner;
        let endpoint = endpoint_as_sent(&endpoint.as_string().unwrap_or_default())
            .map_err(|m| call_error("DeserializationError", m, "client", &Meta::NONE))?;
        Ok(Client {
            inner: Rc::new(Inner {
                service,
                region: parent.region.clone(),
                endpoint: Cell::new(endpoint),
                max_attempts: parent.max_attempts,
                timeout_ms: parent.timeout_ms,
                max_response_bytes: parent.max_response_bytes,
                credentials: parent.credentials.clone(),
                skew_ms: Cell::new(parent.skew_ms.get()),
                stun: None,
            }),
        })
    }
}

/// A freed client leaves no key derived from its secret behind, unless a client made from it (or
/// the one it was made from) still shares the credentials.
impl Drop for Client {
    fn drop(&mut self) {
        if Rc::strong_count(&self.inner.credentials) == 1 {
            self.inner.credentials.forget_keys();
        }
    }
}

/// A configured endpoint, checked, in the form `fetch` will send (see `url_as_sent`).
pub(crate) fn endpoint_as_sent(url: &str) -> Result<String, &'static str> {
    let as_sent = super::bindings::url_as_sent(url).ok_or("endpoint: must be an absolute http(s) URL")?;
    protocol::normalize_endpoint(&as_sent)
}
