//! Raw JS declarations, in one place. Property getters declared here compile to plain `o.name`
//! reads in the JS glue, which is several times faster than `Reflect.get` with a key string
//! decoded from wasm memory on every call (signing is a hot path).

use crate::prelude::*;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Any JS object whose fields we read.
    pub type Fields;

    #[wasm_bindgen(method, getter, structural)]
    pub fn method(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    pub fn url(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    pub fn headers(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    pub fn body(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    pub fn credentials(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = accessKeyId)]
    pub fn access_key_id(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = secretAccessKey)]
    pub fn secret_access_key(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = sessionToken)]
    pub fn session_token(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    pub fn region(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    pub fn service(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = signingDate)]
    pub fn signing_date(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = normalizePath)]
    pub fn normalize_path(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = signBody)]
    pub fn sign_body(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = signSessionToken)]
    pub fn sign_session_token(this: &Fields) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = expiresIn)]
    pub fn expires_in(this: &Fields) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (browsers, Node 18+, workerd alike).
    #[wasm_bindgen(catch, js_name = fetch)]
    pub fn fetch(url: &str, init: &JsValue) -> Result<js_sys::Promise, JsValue>;

    pub type FetchResponse;
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &FetchResponse) -> u16;
    #[wasm_bindgen(method, getter, js_name = headers)]
    pub fn header_map(this: &FetchResponse) -> HeaderMap;
    #[wasm_bindgen(method)]
    pub fn text(this: &FetchResponse) -> js_sys::Promise;

    pub type HeaderMap;
    #[wasm_bindgen(method)]
    pub fn get(this: &HeaderMap, name: &str) -> Option<String>;

    pub type AbortController;
    #[wasm_bindgen(constructor)]
    pub fn new() -> AbortController;
    #[wasm_bindgen(method, getter)]
    pub fn signal(this: &AbortController) -> AbortSignal;

    #[derive(Clone)]
    pub type AbortSignal;
    #[wasm_bindgen(method, getter)]
    pub fn aborted(this: &AbortSignal) -> bool;
    #[wasm_bindgen(method, js_name = addEventListener)]
    pub fn add_event_listener(this: &AbortSignal, kind: &str, listener: &js_sys::Function);
    #[wasm_bindgen(method, js_name = removeEventListener)]
    pub fn remove_event_listener(this: &AbortSignal, kind: &str, listener: &js_sys::Function);

    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(id: &JsValue);

    /// `dst.set(src)` into wasm memory, as js-sys's `Uint8Array::to_vec` does, but without its
    /// `assert_eq!` on the lengths, which keeps panic formatting in the module.
    #[wasm_bindgen(js_namespace = Uint8Array, js_name = "prototype.set.call")]
    fn copy_to_slice(dst: &mut [u8], src: &js_sys::Uint8Array);

}

/// The bytes of a `Uint8Array`.
pub fn uint8_array_bytes(a: &js_sys::Uint8Array) -> Vec<u8> {
    let mut out = vec![0; a.length() as usize];
    copy_to_slice(&mut out, a);
    out
}

impl AbortController {
    /// `controller.abort` bound to the controller, usable as a timer or event callback without
    /// a Rust closure.
    pub fn bound_abort(&self) -> Option<js_sys::Function> {
        let f = js_sys::Reflect::get(self, &JsValue::from_str("abort")).ok()?;
        let f: &js_sys::Function = wasm_bindgen::JsCast::dyn_ref(&f)?;
        Some(f.bind0(self))
    }
}
