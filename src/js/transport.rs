//! One HTTP exchange through the global `fetch`: headers and body handed over as values, the
//! response body kept as a JS string (parsed by JS, never copied into wasm), a per-attempt
//! timeout and the caller's abort signal.

use super::bindings::{clear_timeout, fetch, set_timeout};
use super::convert::error_message;
use crate::prelude::*;
use core::cell::Cell;
use js_sys::{Function, JsString, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, RequestRedirect, Response};

pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) headers: Headers,
    pub(crate) body: JsString,
}

impl HttpResponse {
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }
}

/// How an exchange ended without a response.
pub(crate) enum Failure {
    Aborted,
    /// The timeout fired; `headers` says whether the status and headers had come.
    Timeout {
        headers: bool,
    },
    Network(String),
    /// The body is longer than the client's `maxResponseBytes` (the read was stopped).
    TooLarge,
}

/// Whether a caller's signal has fired. Read with `Reflect.get`: an instance can shadow the
/// `aborted` getter with one that throws.
pub(crate) fn is_aborted(signal: &AbortSignal) -> bool {
    super::convert::read(signal, "aborted").is_ok_and(|v| v.is_truthy())
}

/// `controller.abort` bound to the controller: a timer or event callback without a Rust closure.
fn bound_abort(controller: &AbortController) -> Option<Function> {
    let f = super::convert::get(controller, "abort");
    Some(f.dyn_ref::<Function>()?.bind0(controller))
}

/// POSTs `body` to `url`. `timeout_ms` bounds the whole exchange, body included; a body of more
/// than `max_bytes` (UTF-16 units once read) is refused.
pub(crate) async fn post(
    url: &str,
    headers: &[(&str, &str)],
    body: &JsValue,
    timeout_ms: Option<f64>,
    max_bytes: f64,
    user_signal: Option<&AbortSignal>,
) -> Result<HttpResponse, Failure> {
    let controller = AbortController::new().map_err(|e| Failure::Network(error_message(&e)))?;
    let abort = bound_abort(&controller);
    let timer = match (timeout_ms, &abort) {
        (Some(ms), Some(f)) => Some(set_timeout(f, ms)),
        _ => None,
    };
    if let (Some(s), Some(f)) = (user_signal, &abort) {
        let _ = s.add_event_listener_with_callback("abort", f);
    }

    let got_headers = Cell::new(false);
    let too_large = Cell::new(false);
    let result = async {
        let h = Headers::new()?;
        for (name, value) in headers {
            h.set(name, value)?;
        }
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_headers(&h);
        init.set_body(body);
        init.set_signal(Some(&controller.signal()));
        // A redirect would re-send the signed request, session token and body to another
        // origin: it is answered as an error instead (browsers then give an opaque response).
        init.set_redirect(RequestRedirect::Manual);
        let response: Response = JsFuture::from(fetch(url, &init)?).await?.dyn_into()?;
        got_headers.set(true);
        let headers = response.headers();
        // JS's Number() parses it (NaN, for a malformed one, is not above the cap).
        let declared = headers.get("content-length").ok().flatten();
        if declared.is_some_and(|n| js_sys::Number::from(JsValue::from_str(&n)).value_of() > max_bytes) {
            too_large.set(true);
            controller.abort();
            return Err(JsValue::UNDEFINED);
        }
        let text = JsFuture::from(response.text()?).await?;
        let body = text.dyn_into::<JsString>().unwrap_or_else(|_| JsString::from(""));
        if f64::from(body.length()) > max_bytes {
            too_large.set(true);
            return Err(JsValue::UNDEFINED);
        }
        Ok::<_, JsValue>(HttpResponse { status: response.status(), headers, body })
    }
    .await;

    if let Some(t) = timer {
        clear_timeout(&t);
    }
    if let (Some(s), Some(f)) = (user_signal, &abort) {
        let _ = s.remove_event_listener_with_callback("abort", f);
    }
    result.map_err(|e| {
        if too_large.get() {
            Failure::TooLarge
        } else if user_signal.is_some_and(is_aborted) {
            Failure::Aborted
        } else if controller.signal().aborted() {
            Failure::Timeout { headers: got_headers.get() }
        } else {
            Failure::Network(error_message(&e))
        }
    })
}

/// Awaits `promise`, unless `signal` aborts first: `None` then.
pub(crate) async fn unless_aborted(promise: Promise, signal: Option<&AbortSignal>) -> Option<Result<JsValue, JsValue>> {
    let Some(signal) = signal else {
        return Some(JsFuture::from(promise).await);
    };
    let mut reject_fn: Option<Function> = None;
    let aborted = Promise::new(&mut |_, reject| {
        let _ = signal.add_event_listener_with_callback("abort", &reject);
        reject_fn = Some(reject);
    });
    let result = JsFuture::from(Promise::race(&js_sys::Array::of2(&promise, &aborted))).await;
    if let Some(f) = reject_fn {
        let _ = signal.remove_event_listener_with_callback("abort", &f);
    }
    if is_aborted(signal) {
        None
    } else {
        Some(result)
    }
}

/// Waits `ms`; false when `signal` aborts first.
pub(crate) async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> bool {
    let mut timer = JsValue::UNDEFINED;
    let done = Promise::new(&mut |resolve, _| timer = set_timeout(&resolve, ms));
    let slept = unless_aborted(done, signal).await.is_some();
    clear_timeout(&timer);
    slept
}
