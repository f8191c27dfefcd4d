//! `KinesisVideoClient` and `KinesisVideoSignalingClient`: config, credentials, and the one
//! non-generic call path every operation shares:
//! validate + serialize (sync) → credentials → sign → fetch → parse → typed output or error,
//! with standard-mode retries, per-attempt timeouts, abort and clock-skew correction.

use super::bindings::{fetch, AbortController, AbortSignal, FetchResponse, Fields};
use super::convert::*;
use super::signer::{credentials, now_ms, with_key_cache};
use crate::model::{self, Operation, Service};
use crate::prelude::*;
use crate::protocol;
use crate::sigv4::{self, AmzDate, Credentials, HttpRequest, SigningParams, SigningSettings};
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use js_sys::{Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[wasm_bindgen(typescript_custom_section)]
const CLIENT_TS: &'static str = r#"
/** Metadata of a call, on every output and every error, as in the AWS SDK for JavaScript v3. */
export interface ResponseMetadata { httpStatusCode?: number; requestId?: string; attempts: number; totalRetryDelay: number }
export interface MetadataBearer { $metadata: ResponseMetadata }
/** A rejected call: `name` is the AWS exception name (or ValidationError, AbortError, TimeoutError, NetworkError, CredentialsProviderError, DeserializationError, UnknownError). */
export interface KinesisVideoError extends Error { name: KinesisVideoErrorName | "AbortError" | "TimeoutError" | "NetworkError" | "CredentialsProviderError" | "DeserializationError" | "UnknownError" | (string & {}); $fault: "client" | "server"; $metadata: ResponseMetadata; Message?: string }
export type CredentialsProvider = () => Promise<Credentials>;
export interface KinesisVideoClientConfig {
  region: string;
  credentials: Credentials | CredentialsProvider;
  /** e.g. "http://127.0.0.1:4567": overrides endpoint resolution. */
  endpoint?: string;
  useFipsEndpoint?: boolean;
  useDualstackEndpoint?: boolean;
  /** Attempts per call, retries included. Default 3. */
  maxAttempts?: number;
  /** Per-attempt timeout in milliseconds. Default: none. */
  requestTimeoutMs?: number;
}
export interface KinesisVideoSignalingClientConfig {
  region: string;
  credentials: Credentials | CredentialsProvider;
  /** The HTTPS ResourceEndpoint from GetSignalingChannelEndpoint. */
  endpoint: string;
  maxAttempts?: number;
  requestTimeoutMs?: number;
}
export interface CallOptions { abortSignal?: AbortSignal }
"#;

/// Credentials are refreshed this long before they expire.
const REFRESH_MARGIN_MS: f64 = 5.0 * 60.0 * 1000.0;
/// A server clock further off than this is taken as the correct time for signing.
const SKEW_THRESHOLD_MS: f64 = 4.0 * 60.0 * 1000.0;

enum CredentialSource {
    Static(Credentials),
    Provider {
        provider: Function,
        /// The last credentials and their expiry (epoch ms), if they have one.
        cached: RefCell<Option<(Credentials, Option<f64>)>>,
        /// A refresh under way, shared by concurrent calls, and when it started (epoch ms).
        pending: RefCell<Option<(Promise, f64)>>,
    },
}

pub(crate) struct Inner {
    service: Service,
    pub(crate) region: String,
    endpoint: String,
    max_attempts: u32,
    timeout_ms: Option<f64>,
    credentials: CredentialSource,
    /// Server time minus local time, learnt from responses.
    skew_ms: Cell<f64>,
    /// The partition's STUN server for WebRTC; none with a custom endpoint (a local or test
    /// service hands out its own ICE servers).
    pub(crate) stun: Option<String>,
}

pub(crate) enum CredentialsFailure {
    Aborted,
    Failed(String),
}

/// How one attempt ended without a response.
enum Failure {
    Aborted,
    Timeout,
    Network(String),
}

pub(crate) struct Meta {
    pub(crate) status: Option<u16>,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
    pub(crate) total_delay: f64,
}

impl Meta {
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

pub(crate) fn call_error(name: &str, message: &str, fault: &str, meta: &Meta) -> JsValue {
    let e = error(name, message);
    set(e.unchecked_ref(), "$fault", &JsValue::from_str(fault));
    set(e.unchecked_ref(), "$metadata", &meta.to_js());
    e
}

fn error_message(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    if e.is_object() {
        if let Some(m) = get(e, "message").as_string() {
            return m;
        }
    }
    String::from("unknown error")
}

fn optional_number(v: JsValue, path: &str, min: f64, max: f64, problem: &str) -> Result<Option<f64>, JsValue> {
    if is_absent(&v) {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n >= min && n <= max => Ok(Some(n)),
        _ => Err(type_error(path, problem)),
    }
}

impl Inner {
    fn from_config(config: JsValue, service: Service) -> Result<Inner, JsValue> {
        let config = required_object(config, "config")?;
        let c: &Fields = config.unchecked_ref();
        let region = required_string(c.region(), "config.region")?;
        let creds_value = c.credentials();
        let credentials = if let Some(f) = creds_value.dyn_ref::<Function>() {
            CredentialSource::Provider { provider: f.clone(), cached: RefCell::new(None), pending: RefCell::new(None) }
        } else {
            CredentialSource::Static(credentials(&creds_value, "config.credentials")?)
        };
        let custom = optional_string(get(&config, "endpoint"), "config.endpoint")?;
        let fips = optional_bool(get(&config, "useFipsEndpoint"), "config.useFipsEndpoint")?.unwrap_or(false);
        let dualstack =
            optional_bool(get(&config, "useDualstackEndpoint"), "config.useDualstackEndpoint")?.unwrap_or(false);
        let stun = match (service, &custom) {
            (Service::KinesisVideo, None) => Some(crate::endpoint::stun_uri(&region, fips, dualstack)),
            _ => None,
        };
        let endpoint = match service {
            Service::KinesisVideo => {
                let params = crate::endpoint::EndpointParams {
                    region: Some(&region),
                    use_fips: fips,
                    use_dualstack: dualstack,
                    endpoint: custom.as_deref(),
                };
                let url = crate::endpoint::resolve(&params).map_err(|e| type_error("config.endpoint", e.message()))?;
                protocol::normalize_endpoint(&url)
            }
            Service::Signaling => match custom {
                Some(url) => protocol::normalize_endpoint(&url),
                None => Err("endpoint: the channel's HTTPS ResourceEndpoint is required"),
            },
        }
        .map_err(|m| type_error("config", m))?;
        let max_attempts = optional_int(
            get(&config, "maxAttempts"),
            "config.maxAttempts",
            1.0,
            100.0,
            "must be an integer from 1 to 100",
        )?
        .map_or(3, |n| n as u32);
        let timeout_ms = optional_number(
            get(&config, "requestTimeoutMs"),
            "config.requestTimeoutMs",
            1.0,
            2_147_483_647.0,
            "must be a positive number of milliseconds",
        )?;
        Ok(Inner { service, region, endpoint, max_attempts, timeout_ms, credentials, skew_ms: Cell::new(0.0), stun })
    }

    /// The current time corrected by the skew learnt from the service, epoch ms.
    pub(crate) fn now(&self) -> f64 {
        now_ms() + self.skew_ms.get()
    }

    /// A signaling-data-plane client for a channel's HTTPS endpoint, sharing this one's settings.
    pub(crate) fn signaling(&self, endpoint: &str, credentials: Credentials) -> Result<Inner, &'static str> {
        Ok(Inner {
            service: Service::Signaling,
            region: self.region.clone(),
            endpoint: protocol::normalize_endpoint(endpoint)?,
            max_attempts: self.max_attempts,
            timeout_ms: self.timeout_ms,
            credentials: CredentialSource::Static(credentials),
            skew_ms: Cell::new(self.skew_ms.get()),
            stun: None,
        })
    }

    /// Static credentials, or the provider's, cached until five minutes before they expire.
    /// Concurrent callers share one provider call; `signal` ends the wait (not the provider).
    pub(crate) async fn credentials(&self, signal: Option<&AbortSignal>) -> Result<Credentials, CredentialsFailure> {
        let (provider, cached, pending) = match &self.credentials {
            CredentialSource::Static(c) => return Ok(c.clone()),
            CredentialSource::Provider { provider, cached, pending } => (provider, cached, pending),
        };
        if let Some((c, expires)) = cached.borrow().as_ref() {
            if expires.is_none_or(|e| now_ms() + REFRESH_MARGIN_MS < e) {
                return Ok(c.clone());
            }
        }
        // A refresh left behind by an aborted caller is reused only while it is recent.
        let existing = pending.borrow().clone().filter(|(_, started)| now_ms() - started < REFRESH_MARGIN_MS);
        let promise = match existing {
            Some((p, _)) => p,
            None => {
                let p = match provider.call0(&JsValue::UNDEFINED) {
                    Ok(v) => Promise::resolve(&v),
                    Err(e) => Promise::reject(&e),
                };
                *pending.borrow_mut() = Some((p.clone(), now_ms()));
                p
            }
        };
        let result = match signal {
            None => JsFuture::from(promise).await,
            Some(s) => {
                // Race the provider against the abort signal.
                let mut reject_fn: Option<Function> = None;
                let aborted = Promise::new(&mut |_, reject| {
                    s.add_event_listener("abort", &reject);
                    reject_fn = Some(reject);
                });
                let race = Promise::race(&js_sys::Array::of2(&promise, &aborted));
                let r = JsFuture::from(race).await;
                if let Some(f) = reject_fn {
                    s.remove_event_listener("abort", &f);
                }
                if s.aborted() {
                    return Err(CredentialsFailure::Aborted);
                }
                r
            }
        };
        *pending.borrow_mut() = None;
        let failed = |m: String| CredentialsFailure::Failed(m);
        let value = result.map_err(|e| {
            let mut m = String::from("the credentials provider failed: ");
            m.push_str(&error_message(&e));
            failed(m)
        })?;
        let creds = credentials(&value, "credentials provider result").map_err(|e| failed(error_message(&e)))?;
        let expires = optional_date_ms(get(&value, "expiration"), "credentials.expiration")
            .map_err(|e| failed(error_message(&e)))?;
        *cached.borrow_mut() = Some((creds.clone(), expires));
        Ok(creds)
    }

    fn sign(&self, url: &str, body: &str, creds: &Credentials) -> Result<Vec<(String, String)>, JsValue> {
        let headers = [("content-type", "application/json")];
        let req = HttpRequest { method: "POST", url, headers: &headers, body: body.as_bytes() };
        let params = SigningParams {
            credentials: creds,
            region: &self.region,
            service: "kinesisvideo",
            time: AmzDate::from_epoch_millis(self.now()),
            settings: SigningSettings::default(),
        };
        let signed = with_key_cache(|cache| sigv4::sign_headers(cache, &req, &params))
            .map_err(|e| type_error("request", e.message()))?;
        // fetch sets Host itself (browsers refuse to), from the same URL.
        Ok(signed
            .output
            .into_iter()
            .filter(|(n, _)| n != "host")
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect())
    }

    /// One HTTP exchange: status, headers and the whole body text, or why there was none.
    async fn exchange(
        &self,
        url: &str,
        headers: &[(String, String)],
        body: &str,
        user_signal: Option<&AbortSignal>,
    ) -> Result<(FetchResponse, String), Failure> {
        let controller = AbortController::new();
        let abort = controller.bound_abort();
        let timer = match (self.timeout_ms, &abort) {
            (Some(ms), Some(f)) => Some(super::bindings::set_timeout(f, ms)),
            _ => None,
        };
        if let (Some(s), Some(f)) = (user_signal, &abort) {
            s.add_event_listener("abort", f);
        }
        let mut init = String::with_capacity(body.len() + 512);
        init.push_str("{\"method\":\"POST\",\"headers\":");
        push_json_object(headers, &mut init);
        init.push_str(",\"body\":");
        push_json_string(body, &mut init);
        init.push('}');
        let init = js_sys::JSON::parse(&init).unwrap_or_else(|_| Object::new().into());
        set(init.unchecked_ref(), "signal", &controller.signal());

        let result = async {
            let response = JsFuture::from(fetch(url, &init)?).await?;
            let response: FetchResponse = response.unchecked_into();
            let text = JsFuture::from(response.text()).await?;
            Ok::<_, JsValue>((response, text.as_string().unwrap_or_default()))
        }
        .await;

        if let Some(t) = timer {
            super::bindings::clear_timeout(&t);
        }
        if let (Some(s), Some(f)) = (user_signal, &abort) {
            s.remove_event_listener("abort", f);
        }
        result.map_err(|e| {
            if user_signal.is_some_and(|s| s.aborted()) {
                Failure::Aborted
            } else if controller.signal().aborted() {
                Failure::Timeout
            } else {
                Failure::Network(error_message(&e))
            }
        })
    }

    pub(crate) async fn send(
        &self,
        op: &'static Operation,
        body: String,
        user_signal: Option<AbortSignal>,
    ) -> Result<JsValue, JsValue> {
        let mut meta = Meta { status: None, request_id: None, attempts: 0, total_delay: 0.0 };
        let aborted = |meta: &Meta| call_error("AbortError", "the call was aborted", "client", meta);
        if user_signal.as_ref().is_some_and(|s| s.aborted()) {
            return Err(aborted(&meta));
        }
        let creds = match self.credentials(user_signal.as_ref()).await {
            Ok(c) => c,
            Err(CredentialsFailure::Aborted) => return Err(aborted(&meta)),
            Err(CredentialsFailure::Failed(m)) => {
                return Err(call_error("CredentialsProviderError", &m, "client", &meta))
            }
        };
        let url = protocol::join_url(&self.endpoint, &op.uri());
        let mut skew_corrected = false;
        loop {
            meta.attempts += 1;
            let headers = self.sign(&url, &body, &creds)?;
            let outcome = self.exchange(&url, &headers, &body, user_signal.as_ref()).await;
            let err = match outcome {
                Err(Failure::Aborted) => return Err(aborted(&meta)),
                Err(Failure::Timeout) => {
                    let mut m = String::from("no response within the request timeout for ");
                    m.push_str(op.name);
                    call_error("TimeoutError", &m, "client", &meta)
                }
                Err(Failure::Network(m)) => call_error("NetworkError", &m, "client", &meta),
                Ok((response, text)) => {
                    let status = response.status();
                    let h = response.header_map();
                    meta.status = Some(status);
                    meta.request_id = h
                        .get("x-amzn-requestid")
                        .or_else(|| h.get("x-amzn-request-id"))
                        .or_else(|| h.get("x-amz-request-id"));
                    let server_ms = h.get("date").and_then(|d| protocol::parse_http_date(&d));
                    if let Some(server) = server_ms {
                        let skew = server - now_ms();
                        if (skew - self.skew_ms.get()).abs() > SKEW_THRESHOLD_MS {
                            self.skew_ms.set(skew);
                        }
                    }
                    if (200..300).contains(&status) {
                        return match model::parse_output(op, &text) {
                            Ok(out) => {
                                set(out.unchecked_ref(), "$metadata", &meta.to_js());
                                Ok(out)
                            }
                            Err(m) => Err(call_error("DeserializationError", &m, "client", &meta)),
                        };
                    }
                    let (name, message, modeled_message) = describe_error(op, status, &h, &text);
                    // A skew refusal is retried once, with the corrected clock, within maxAttempts.
                    if protocol::is_clock_skew(&name, &message) && !skew_corrected && meta.attempts < self.max_attempts
                    {
                        skew_corrected = true;
                        if let Some(server) = server_ms {
                            self.skew_ms.set(server - now_ms());
                        }
                        continue;
                    }
                    let e = call_error(&name, &message, protocol::fault(status), &meta);
                    if let Some(m) = modeled_message {
                        set(e.unchecked_ref(), "Message", &JsValue::from_str(&m));
                    }
                    if !protocol::is_retryable(status, &name) {
                        return Err(e);
                    }
                    e
                }
            };
            if meta.attempts >= self.max_attempts {
                return Err(err);
            }
            let delay = protocol::backoff_ms(meta.attempts, js_sys::Math::random());
            if !sleep(delay, user_signal.as_ref()).await {
                return Err(aborted(&meta));
            }
            meta.total_delay += delay;
        }
    }
}

/// Name, message and (for modeled errors) the body's `Message` of an error response. A body that
/// is not JSON (a proxy's HTML page) still yields a clean error with the status.
fn describe_error(
    op: &Operation,
    status: u16,
    h: &super::bindings::HeaderMap,
    text: &str,
) -> (String, String, Option<String>) {
    let parsed = js_sys::JSON::parse(text).ok().filter(|v| v.is_object());
    let field = |key: &str| parsed.as_ref().and_then(|v| get(v, key).as_string());
    let header = h.get("x-amzn-errortype");
    let name = protocol::error_name(header.as_deref(), field("code").as_deref(), field("__type").as_deref())
        .unwrap_or_else(|| String::from("UnknownError"));
    let capital = field("Message");
    let message = field("message").or_else(|| capital.clone()).unwrap_or_else(|| {
        let mut m = String::from("HTTP ");
        let mut buf = [0u8; 20];
        m.push_str(crate::text::decimal(u64::from(status), &mut buf));
        m.push_str(if parsed.is_some() { " error" } else { " error with a body that is not JSON" });
        m
    });
    let modeled = if model::is_modeled_error(&name) && op.declares_error(&name) { capital } else { None };
    (name, message, modeled)
}

/// Waits `ms`; false when `signal` aborts first.
async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> bool {
    let mut reject_fn: Option<Function> = None;
    let mut timer = JsValue::UNDEFINED;
    let p = Promise::new(&mut |resolve, reject| {
        timer = super::bindings::set_timeout(&resolve, ms);
        if let Some(s) = signal {
            s.add_event_listener("abort", &reject);
        }
        reject_fn = Some(reject);
    });
    let done = JsFuture::from(p).await.is_ok();
    super::bindings::clear_timeout(&timer);
    if let (Some(s), Some(f)) = (signal, reject_fn) {
        s.remove_event_listener("abort", &f);
    }
    done && !signal.is_some_and(|s| s.aborted())
}

/// `options.abortSignal`, when given.
pub(crate) fn abort_signal(options: &JsValue) -> Option<AbortSignal> {
    let s = get(options, "abortSignal");
    if is_absent(&s) {
        None
    } else {
        Some(s.unchecked_into())
    }
}

/// Validates and serializes now (so a bad input is refused before any request and later
/// changes to the caller's object do not matter), then runs the call.
#[inline(never)]
pub(crate) fn call(inner: &Rc<Inner>, op_index: usize, input: JsValue, options: JsValue) -> Promise {
    let op = match model::operations().get(op_index) {
        Some(op) if op.service == inner.service => op,
        _ => return Promise::reject(&error("TypeError", "unknown operation for this client")),
    };
    let body = match model::serialize_input(op, &input) {
        Ok(b) => b,
        Err(e) => {
            let meta = Meta { status: None, request_id: None, attempts: 0, total_delay: 0.0 };
            return Promise::reject(&call_error("ValidationError", &e.message, "client", &meta));
        }
    };
    let signal = abort_signal(&options);
    let inner = inner.clone();
    future_to_promise(async move { inner.send(op, body, signal).await })
}

/// The Kinesis Video control plane: one method per operation of the 2017-09-30 API.
#[wasm_bindgen]
pub struct KinesisVideoClient {
    pub(crate) inner: Rc<Inner>,
}

#[wasm_bindgen]
impl KinesisVideoClient {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "KinesisVideoClientConfig")] config: JsValue,
    ) -> Result<KinesisVideoClient, JsValue> {
        Ok(KinesisVideoClient { inner: Rc::new(Inner::from_config(config, Service::KinesisVideo)?) })
    }

    /// The resolved endpoint this client sends to.
    #[wasm_bindgen(getter)]
    pub fn endpoint(&self) -> String {
        self.inner.endpoint.clone()
    }
}

/// The signaling channel data plane (2019-12-04 API) at a channel's HTTPS endpoint.
#[wasm_bindgen]
pub struct KinesisVideoSignalingClient {
    pub(crate) inner: Rc<Inner>,
}

#[wasm_bindgen]
impl KinesisVideoSignalingClient {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "KinesisVideoSignalingClientConfig")] config: JsValue,
    ) -> Result<KinesisVideoSignalingClient, JsValue> {
        Ok(KinesisVideoSignalingClient { inner: Rc::new(Inner::from_config(config, Service::Signaling)?) })
    }

    #[wasm_bindgen(getter)]
    pub fn endpoint(&self) -> String {
        self.inner.endpoint.clone()
    }
}

// The 34 operation methods are installed on these classes' prototypes by the generated
// `operations.js` in the package, each a one-line call into `__call`: one wasm export instead of 34
// keeps the module and its JS glue small (a wasm-bindgen export costs about 1 KB).
#[wasm_bindgen]
impl KinesisVideoClient {
    #[wasm_bindgen(js_name = __call, skip_typescript)]
    pub fn call_operation(&self, index: usize, input: JsValue, options: JsValue) -> Promise {
        call(&self.inner, index, input, options)
    }
}

#[wasm_bindgen]
impl KinesisVideoSignalingClient {
    #[wasm_bindgen(js_name = __call, skip_typescript)]
    pub fn call_operation(&self, index: usize, input: JsValue, options: JsValue) -> Promise {
        call(&self.inner, index, input, options)
    }
}
