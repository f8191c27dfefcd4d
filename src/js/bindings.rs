//! The JS declarations web-sys and js-sys do not give, in one place: the reads of caller values
//! that can run caller code, the writes to the package's own objects, and the runtime's `URL`.
//!
//! A getter, a Proxy trap or a revoked Proxy can throw inside any read of a caller's value. An
//! exception that unwinds through wasm frames leaks the wasm stack, and after a thousand or so
//! the module is dead, so every such read is declared with `catch` here and the exception comes
//! back as a value. (`instanceof` checks need nothing: wasm-bindgen already catches them.)

use alloc::vec::Vec;
use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`: throws for a revoked Proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub fn is_array(v: &JsValue) -> Result<bool, JsValue>;

    /// `Object.keys`: runs a Proxy's `ownKeys` and descriptor traps.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    pub fn own_keys(v: &JsValue) -> Result<Array, JsValue>;

    /// `Object.entries`: also runs getters.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    pub fn own_entries(v: &JsValue) -> Result<Array, JsValue>;

    /// The time of a real `Date`: brand-checked, so a Proxy or a look-alike is a `TypeError`,
    /// and an own `getTime` on the instance is not called.
    #[wasm_bindgen(catch, js_namespace = Date, js_name = "prototype.getTime.call")]
    pub fn date_ms(date: &JsValue) -> Result<f64, JsValue>;

    /// `Promise.resolve`: reads `constructor` of a promise and `then` of a thenable.
    #[wasm_bindgen(catch, js_namespace = Promise, js_name = resolve)]
    pub fn promise_resolve(v: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// An object the package made, such as an output being built.
    #[wasm_bindgen(js_name = Object)]
    pub type OwnObject;

    /// `obj[key] = value`: V8 runs a plain assignment faster than `Reflect.set` (a page of 1,000
    /// streams: 8.3 ms to 6.6 ms a call). Caught: an inherited setter could throw.
    #[wasm_bindgen(catch, method, structural, indexing_setter)]
    pub fn set_member(this: &OwnObject, key: &JsValue, value: &JsValue) -> Result<(), JsValue>;

    /// A WHATWG URL, parsed as `fetch` will parse the request's.
    #[wasm_bindgen(js_name = URL)]
    type WebUrl;

    #[wasm_bindgen(catch, constructor, js_class = "URL")]
    fn new(url: &str) -> Result<WebUrl, JsValue>;

    #[wasm_bindgen(method, getter)]
    fn href(this: &WebUrl) -> alloc::string::String;

    /// A `Uint8Array` the package made: its length and contents are read without caller code.
    #[wasm_bindgen(js_name = Uint8Array)]
    type OwnBytes;

    /// `new Uint8Array(v)`: a copy of a typed array, read through its internal slots (so an own
    /// `length` getter does not matter), or a view of an `ArrayBuffer`; a Proxy is read through
    /// its traps.
    #[wasm_bindgen(catch, constructor, js_class = "Uint8Array")]
    fn new(v: &JsValue) -> Result<OwnBytes, JsValue>;

    #[wasm_bindgen(method, getter)]
    fn length(this: &OwnBytes) -> u32;

    /// `dst.set(src)` into wasm memory, as js-sys's `Uint8Array::to_vec` does, but without its
    /// `assert_eq!` on the lengths, which keeps panic formatting in the module.
    #[wasm_bindgen(js_namespace = Uint8Array, js_name = "prototype.set.call")]
    fn copy_to_slice(dst: &mut [u8], src: &OwnBytes);
}

/// `url` as `fetch` will send it: host lowercased, numeric hosts and ports in their usual form,
/// the path percent-encoded and its dot segments resolved. A signature must cover that form,
/// not the one the caller wrote. `None` when it is no URL at all.
pub fn url_as_sent(url: &str) -> Option<alloc::string::String> {
    WebUrl::new(url).ok().map(|u| u.href())
}

/// The bytes of a `Uint8Array` or `ArrayBuffer` (the caller checks which), at most `max`:
/// `Ok(None)` when there are more.
pub fn bytes_of(v: &JsValue, max: usize) -> Result<Option<Vec<u8>>, JsValue> {
    // A fresh array of our own: its length and contents are read without caller code.
    let own = OwnBytes::new(v)?;
    let len = own.length() as usize;
    if len > max {
        return Ok(None);
    }
    let mut out = alloc::vec![0; len];
    copy_to_slice(&mut out, &own);
    Ok(Some(out))
}
