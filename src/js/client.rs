//! `KinesisVideoClient` and `KinesisVideoSignalingClient`: config, credentials, and the one
//! non-generic call path every operation shares:
//! validate + serialize (sync) → credentials → sign → fetch → parse → typed output or error,
//! with standard-mode retries, per-attempt timeouts, abort and clock-skew correction.

use super::bindings;
use super::convert::*;
use super::signer::{now_ms, with_keys};
use super::transport::{self, Failure, HttpResponse};
use crate::model::{self, Operation, OperationId, Service};
use crate::prelude::*;
use crate::protocol::{self, AttemptError, Next};
use crate::sigv4::{self, AmzDate, Credentials, SignableRequest, SigningParams, SigningSettings};
use alloc::rc::Rc;
use core::cell::Cell;
use js_sys::{Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

/// Credentials are refreshed this long before they expire.
const REFRESH_MARGIN_MS: f64 = 5.0 * 60.0 * 1000.0;
/// Response bodies above this are refused unless `maxResponseBytes` says otherwise: the largest
/// Kinesis Video answers (a page of 10,000 streams) are a few megabytes.
const DEFAULT_MAX_RESPONSE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;
/// A server clock further off than this is taken as the correct time for signing.
const SKEW_THRESHOLD_MS: f64 = 4.0 * 60.0 * 1000.0;

enum CredentialSource {
    Static(Credentials),
    Provider(Provider),
}

/// A credentials provider function and what it last gave.
struct Provider {
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
    endpoint: String,
    max_attempts: u32,
    timeout_ms: Option<f64>,
    /// Longest response body taken, in UTF-16 units (bytes for JSON's ASCII).
    max_response_bytes: f64,
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

/// A rejected call: an `Error` named `name`, with `$fault` and `$metadata`.
pub(crate) fn call_error(name: &str, message: &str, fault: &str, meta: &Meta) -> JsValue {
    with_call_fields(error(name, message), fault, meta)
}

/// `e` with the `$fault` and `$metadata` every call error has.
fn with_call_fields(e: JsValue, fault: &str, meta: &Meta) -> JsValue {
    set(e.unchecked_ref(), "$fault", &JsValue::from_str(fault));
    set(e.unchecked_ref(), "$metadata", &meta.to_js());
    e
}

pub(crate) fn aborted(meta: &Meta) -> JsValue {
    call_error("AbortError", "the call was aborted", "client", meta)
}

/// The rejection for credentials that could not be had.
pub(crate) fn credentials_error(failure: CredentialsFailure) -> JsValue {
    match failure {
        CredentialsFailure::Aborted => aborted(&Meta::NONE),
        CredentialsFailure::Failed(m) => call_error("CredentialsProviderError", &m, "client", &Meta::NONE),
    }
}

/// A copy of what `cell` holds. (A `Cell` cannot fail the way a `RefCell` borrow can.)
fn peek<T: Clone + Default>(cell: &Cell<T>) -> T {
    let value = cell.take();
    cell.set(value.clone());
    value
}

impl Provider {
    /// The cached credentials, or the provider call to wait for (started here unless one is
    /// under way).
    fn ready(&self) -> Result<Credentials, Promise> {
        if let Some((c, expires)) = peek(&self.cached) {
            if expires.is_none_or(|e| now_ms() + REFRESH_MARGIN_MS < e) {
                return Ok(c);
            }
        }
        // A refresh left behind by an aborted caller is reused only while it is recent.
        if let Some((p, _)) = peek(&self.pending).filter(|(_, started)| now_ms() - started < REFRESH_MARGIN_MS) {
            return Err(p);
        }
        let p = match self.function.call0(&JsValue::UNDEFINED) {
            Ok(v) => super::bindings::promise_resolve(&v).unwrap_or_else(|e| Promise::reject(&e)),
            Err(e) => Promise::reject(&e),
        };
        self.pending.set(Some((p.clone(), now_ms())));
        Err(p)
    }

    /// Checks and caches what the provider call gave.
    fn refreshed(&self, result: Result<JsValue, JsValue>) -> Result<Credentials, CredentialsFailure> {
        self.pending.set(None);
        let failed = |e: JsValue| CredentialsFailure::Failed(error_message(&e));
        let value = result.map_err(|e| {
            let mut m = String::from("the credentials provider failed: ");
            m.push_str(&error_message(&e));
            CredentialsFailure::Failed(m)
        })?;
        let creds = credentials(&value, "credentials provider result").map_err(failed)?;
        let expires = Fields::of(value, "credentials").and_then(|c| c.date_ms("expiration")).map_err(failed)?;
        self.cached.set(Some((creds.clone(), expires)));
        Ok(creds)
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
        let endpoint = match service {
            Service::KinesisVideo => {
                let params = crate::endpoint::EndpointParams {
                    region: Some(&region),
                    use_fips: fips,
                    use_dualstack: dualstack,
                    endpoint: custom.as_deref(),
                };
                let url = crate::endpoint::resolve(&params).map_err(|e| type_error("config.endpoint", e.message()))?;
                endpoint_as_sent(&url)
            }
            Service::Signaling => match custom {
                Some(url) => endpoint_as_sent(&url),
                None => Err("endpoint: the channel's HTTPS ResourceEndpoint is required"),
            },
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
            endpoint,
            max_attempts,
            timeout_ms,
            max_response_bytes,
            credentials,
            skew_ms: Cell::new(0.0),
            stun,
        })
    }

    /// Drops the keys derived from this client's secret (its credentials are wiped as they drop).
    fn forget_keys(&self) {
        match &self.credentials {
            CredentialSource::Static(c) => with_keys(|keys| keys.forget(&c.secret_access_key)),
            CredentialSource::Provider(p) => {
                if let Some((c, _)) = peek(&p.cached) {
                    with_keys(|keys| keys.forget(&c.secret_access_key));
                }
            }
        }
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
            endpoint: endpoint_as_sent(endpoint)?,
            max_attempts: self.max_attempts,
            timeout_ms: self.timeout_ms,
            max_response_bytes: self.max_response_bytes,
            credentials: CredentialSource::Static(credentials),
            skew_ms: Cell::new(self.skew_ms.get()),
            stun: None,
        })
    }

    /// Static credentials, or the provider's, cached until five minutes before they expire.
    /// Concurrent callers share one provider call; `signal` ends the wait (not the provider).
    pub(crate) async fn credentials(&self, signal: Option<&AbortSignal>) -> Result<Credentials, CredentialsFailure> {
        let provider = match &self.credentials {
            CredentialSource::Static(c) => return Ok(c.clone()),
            CredentialSource::Provider(p) => p,
        };
        match provider.ready() {
            Ok(creds) => Ok(creds),
            Err(refresh) => match transport::unless_aborted(refresh, signal).await {
                Some(result) => provider.refreshed(result),
                None => Err(CredentialsFailure::Aborted),
            },
        }
    }

    /// The headers to send with `body`: content type and SigV4's (fetch sets `host` itself).
    fn sign(&self, url: &str, body: &str, creds: &Credentials) -> Result<Vec<(&'static str, String)>, JsValue> {
        let headers = [("content-type", "application/json")];
        let req = SignableRequest { method: "POST", url, headers: &headers, body: body.as_bytes() };
        let params = SigningParams {
            credentials: creds,
            region: &self.region,
            service: "kinesisvideo",
            time: AmzDate::from_epoch_millis(self.now()),
            settings: SigningSettings::default(),
        };
        let signed = with_keys(|keys| sigv4::sign_headers(keys, &req, &params))
            .map_err(|e| type_error(&field("request", e.field.name()), e.problem.message()))?;
        let mut all = Vec::with_capacity(signed.instructions.len() + 1);
        all.push(("content-type", String::from("application/json")));
        all.extend(signed.instructions);
        Ok(all)
    }

    /// Runs a call, retrying as `protocol::next_step` says.
    async fn send(
        &self,
        op: &'static Operation,
        body: String,
        signal: Option<AbortSignal>,
    ) -> Result<JsValue, JsValue> {
        let mut meta = Meta::NONE;
        if signal.as_ref().is_some_and(transport::is_aborted) {
            return Err(aborted(&meta));
        }
        let creds = self.credentials(signal.as_ref()).await.map_err(credentials_error)?;
        let url = protocol::join_url(&self.endpoint, &op.uri());
        let body_js = JsValue::from_str(&body);
        let mut clock_corrected = false;
        loop {
            meta.attempts += 1;
            let headers = self.sign(&url, &body, &creds)?;
            let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let sent =
                transport::post(&url, &headers, &body_js, self.timeout_ms, self.max_response_bytes, signal.as_ref());
            let no_response =
                || protocol::next_step(AttemptError::NoResponse, meta.attempts, self.max_attempts, clock_corrected);
            let (err, next) = match sent.await {
                Err(Failure::Aborted) => return Err(aborted(&meta)),
                Err(Failure::TooLarge) => {
                    let mut m = String::from("the response body is larger than maxResponseBytes (");
                    crate::text::push_uint(&mut m, self.max_response_bytes as u64);
                    m.push(')');
                    return Err(call_error("ResponseTooLargeError", &m, "client", &meta));
                }
                Err(Failure::Network(m)) => (call_error("NetworkError", &m, "client", &meta), no_response()),
                Err(Failure::Timeout { headers }) => {
                    let mut m = String::from(if headers {
                        "the response body did not arrive within the request timeout for "
                    } else {
                        "no response within the request timeout for "
                    });
                    m.push_str(op.name);
                    (call_error("TimeoutError", &m, "client", &meta), no_response())
                }
                Ok(response) => {
                    meta.status = Some(response.status);
                    meta.request_id = ["x-amzn-requestid", "x-amzn-request-id", "x-amz-request-id"]
                        .iter()
                        .find_map(|h| response.header(h));
                    let server_ms = response.header("date").and_then(|d| protocol::parse_http_date(&d));
                    if let Some(server) = server_ms {
                        let skew = server - now_ms();
                        if (skew - self.skew_ms.get()).abs() > SKEW_THRESHOLD_MS {
                            self.skew_ms.set(skew);
                        }
                    }
                    if (200..300).contains(&response.status) {
                        return match model::parse_output(op, &response.body) {
                            Ok(out) => {
                                set(out.unchecked_ref(), "$metadata", &meta.to_js());
                                Ok(out)
                            }
                            Err(m) => Err(call_error("DeserializationError", &m, "client", &meta)),
                        };
                    }
                    let described = describe_error(op, &response);
                    let attempt = AttemptError::Service {
                        status: response.status,
                        name: &described.name,
                        message: &described.message,
                    };
                    let next = protocol::next_step(attempt, meta.attempts, self.max_attempts, clock_corrected);
                    if next == Next::RetryWithCorrectedClock {
                        if let Some(server) = server_ms {
                            self.skew_ms.set(server - now_ms());
                        }
                    }
                    let e = call_error(&described.name, &described.message, protocol::fault(response.status), &meta);
                    if let Some(m) = described.modeled_message {
                        set(e.unchecked_ref(), "Message", &JsValue::from_str(&m));
                    }
                    (e, next)
                }
            };
            match next {
                Next::Fail => return Err(err),
                Next::RetryWithCorrectedClock => clock_corrected = true,
                Next::Retry => {
                    let delay = protocol::backoff_ms(meta.attempts, js_sys::Math::random());
                    if !transport::sleep(delay, signal.as_ref()).await {
                        return Err(aborted(&meta));
                    }
                    meta.total_delay += delay;
                }
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
fn describe_error(op: &Operation, response: &HttpResponse) -> DescribedError {
    let parsed = model::parse_body(&response.body).filter(|v| v.is_object());
    let text = |key: &'static str| parsed.as_ref().and_then(|v| get(v, key).as_string());
    let header = response.header("x-amzn-errortype");
    let name = protocol::error_name(header.as_deref(), text("code").as_deref(), text("__type").as_deref())
        .unwrap_or_else(|| String::from("UnknownError"));
    let capital = text("Message");
    // An empty message says nothing: the next one, or the status, does.
    let said = |m: &Option<String>| m.as_ref().filter(|m| !m.trim_ascii().is_empty()).cloned();
    let message = said(&text("message")).or_else(|| said(&capital)).unwrap_or_else(|| {
        let mut m = String::from("HTTP ");
        crate::text::push_uint(&mut m, u64::from(response.status));
        m.push_str(if is_redirect(response.status) {
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

/// An input error of a call, as a rejection: `$fault` and `$metadata` like every call error.
pub(crate) fn input_rejection(e: JsValue) -> Promise {
    Promise::reject(&with_call_fields(e, "client", &Meta::NONE))
}

/// Starts a call: validates and serializes `input` now (so a bad input is refused before any
/// request, and later changes to the caller's object do not matter), then sends it. Every call,
/// the package's own included, starts here, so the async call path is compiled once.
pub(crate) fn start_call(
    inner: &Rc<Inner>,
    op: &'static Operation,
    input: &JsValue,
    signal: Option<AbortSignal>,
) -> Promise {
    let body = match model::serialize_input(op, input) {
        Ok(b) => b,
        Err(e) => return Promise::reject(&call_error("ValidationError", &e.message, "client", &Meta::NONE)),
    };
    let inner = inner.clone();
    future_to_promise(async move { inner.send(op, body, signal).await })
}

/// `__call`: an operation method of a client class.
fn call(inner: &Rc<Inner>, index: usize, input: JsValue, options: JsValue) -> Promise {
    match OperationId::from_index(index).map(OperationId::operation) {
        Some(op) if op.service == inner.service => match abort_signal(&options) {
            Ok(signal) => start_call(inner, op, &input, signal),
            Err(e) => input_rejection(e),
        },
        _ => Promise::reject(&error("TypeError", "unknown operation for this client")),
    }
}

/// The Kinesis Video control plane: one method per operation of the 2017-09-30 API.
#[wasm_bindgen]
pub struct KinesisVideoClient {
    pub(crate) inner: Rc<Inner>,
}

#[wasm_bindgen]
impl KinesisVideoClient {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<KinesisVideoClient, JsValue> {
        Ok(KinesisVideoClient { inner: Rc::new(Inner::from_config(config, Service::KinesisVideo)?) })
    }

    /// The resolved endpoint this client sends to.
    #[wasm_bindgen(getter)]
    pub fn endpoint(&self) -> String {
        self.inner.endpoint.clone()
    }

    /// The operation methods (npm/operations.js, generated) are each a call of this one export by
    /// index: one wasm export instead of 34 keeps the module and its glue small.
    #[wasm_bindgen(js_name = __call)]
    pub fn call_operation(&self, index: usize, input: JsValue, options: JsValue) -> Promise {
        call(&self.inner, index, input, options)
    }
}

/// A freed client leaves no key derived from its secret behind. (Here, not on `Inner`: the
/// data-plane `Inner` that `connectSignaling` makes shares its parent's credentials.)
impl Drop for KinesisVideoClient {
    fn drop(&mut self) {
        self.inner.forget_keys();
    }
}

impl Drop for KinesisVideoSignalingClient {
    fn drop(&mut self) {
        self.inner.forget_keys();
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
    pub fn new(config: JsValue) -> Result<KinesisVideoSignalingClient, JsValue> {
        Ok(KinesisVideoSignalingClient { inner: Rc::new(Inner::from_config(config, Service::Signaling)?) })
    }

    #[wasm_bindgen(getter)]
    pub fn endpoint(&self) -> String {
        self.inner.endpoint.clone()
    }

    #[wasm_bindgen(js_name = __call)]
    pub fn call_operation(&self, index: usize, input: JsValue, options: JsValue) -> Promise {
        call(&self.inner, index, input, options)
    }
}

/// A configured endpoint, checked, in the form `fetch` will send (see `url_as_sent`).
fn endpoint_as_sent(url: &str) -> Result<String, &'static str> {
    let as_sent = bindings::url_as_sent(url).ok_or("endpoint: must be an absolute http(s) URL")?;
    protocol::normalize_endpoint(&as_sent)
}
