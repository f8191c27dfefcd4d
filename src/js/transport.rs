//! One HTTP exchange through the global `fetch`: headers and body handed over as values, the
//! response body kept as a JS string (parsed by JS, never copied into wasm), a per-attempt
//! timeout and the caller's abort signal.

use super::bindings::{clear_timeout, fetch, set_timeout};
use super::convert::error_message;
use crate::prelude::*;
use js_sys::{Function, JsString, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, Response};

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
    Timeout,
    Network(String),
}

/// `controller.abort` bound to the controller: a timer or event callback without a Rust closure.
fn bound_abort(controller: &AbortController) -> Option<Function> {
    let f = super::convert::get(controller, "abort");
    Some(f.dyn_ref::<Function>()?.bind0(controller))
}

/// POSTs `body` to `url`. `timeout_ms` bounds the whole exchange, body included.
pub(crate) async fn post(
    url: &str,
    headers: &[(&str, &str)],
    body: &JsValue,
    timeout_ms: Option<f64>,
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
        let response: Response = JsFuture::from(fetch(url, &init)?).await?.dyn_into()?;
        let text = JsFuture::from(response.text()?).await?;
        let body = text.dyn_into::<JsString>().unwrap_or_else(|_| JsString::from(""));
        Ok::<_, JsValue>(HttpResponse { status: response.status(), headers: response.headers(), body })
    }
    .await;

    if let Some(t) = timer {
        clear_timeout(&t);
    }
    if let (Some(s), Some(f)) = (user_signal, &abort) {
        let _ = s.remove_event_listener_with_callback("abort", f);
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
    if signal.aborted() {
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
