//! Raw JS declarations, in one place. Property getters declared here compile to plain `o.name`
//! reads in the JS glue, which is several times faster than `Reflect.get` with a key string
//! decoded from wasm memory on every call (signing is a hot path).

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
