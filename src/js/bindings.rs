//! The JS declarations web-sys does not give, in one place: the globals every runtime has
//! (browsers, Node, workerd), where web-sys only reaches them through `window`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (as gloo-net calls it): `window.fetch` does not exist in Node or workerd.
    #[wasm_bindgen(catch, js_name = fetch)]
    pub fn fetch(url: &str, init: &web_sys::RequestInit) -> Result<js_sys::Promise, JsValue>;

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
pub fn uint8_array_bytes(a: &js_sys::Uint8Array) -> alloc::vec::Vec<u8> {
    let mut out = alloc::vec![0; a.length() as usize];
    copy_to_slice(&mut out, a);
    out
}
