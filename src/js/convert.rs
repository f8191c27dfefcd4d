//! Reading and building JS values: the one place that knows how fields are looked up and how
//! bad input is reported.

use crate::prelude::*;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// A JS `Error` with `name` set, e.g. `TypeError` or an AWS exception name.
pub fn error(name: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name(name);
    e.into()
}

/// A `TypeError` for input that does not fit the contract: `path` names the field.
pub fn type_error(path: &str, problem: &str) -> JsValue {
    let mut m = String::with_capacity(path.len() + problem.len() + 2);
    m.push_str(path);
    m.push_str(": ");
    m.push_str(problem);
    js_sys::TypeError::new(&m).into()
}

pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

pub fn set(obj: &Object, key: &str, value: &JsValue) {
    // Setting a fresh plain object's own property cannot throw.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

pub fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

pub fn required_object(v: JsValue, path: &str) -> Result<JsValue, JsValue> {
    if v.is_object() {
        Ok(v)
    } else {
        Err(type_error(path, "must be an object"))
    }
}

/// A non-empty string.
pub fn required_string(v: JsValue, path: &str) -> Result<String, JsValue> {
    match v.as_string() {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(type_error(path, "must be a non-empty string")),
    }
}

pub fn optional_string(v: JsValue, path: &str) -> Result<Option<String>, JsValue> {
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| type_error(path, "must be a string"))
}

pub fn optional_bool(v: JsValue, path: &str) -> Result<Option<bool>, JsValue> {
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_bool().map(Some).ok_or_else(|| type_error(path, "must be a boolean"))
}

/// Epoch milliseconds of a valid `Date`, or `None` when absent.
pub fn optional_date_ms(v: JsValue, path: &str) -> Result<Option<f64>, JsValue> {
    if is_absent(&v) {
        return Ok(None);
    }
    match v.dyn_ref::<js_sys::Date>() {
        Some(d) if d.get_time().is_finite() => Ok(Some(d.get_time())),
        _ => Err(type_error(path, "must be a valid Date")),
    }
}

/// An integer within `min..=max`, or `None` when absent.
pub fn optional_int(v: JsValue, path: &str, min: f64, max: f64, problem: &str) -> Result<Option<f64>, JsValue> {
    if is_absent(&v) {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if integer_within(n, min, max) => Ok(Some(n)),
        _ => Err(type_error(path, problem)),
    }
}

/// Whether `n` is a whole number within `min..=max` (NaN never is).
pub fn integer_within(n: f64, min: f64, max: f64) -> bool {
    n >= min && n <= max && n == (n as i64) as f64
}

/// A string, `Uint8Array` or `ArrayBuffer` body as bytes; absent is empty.
pub fn body_bytes(v: JsValue, path: &str) -> Result<Vec<u8>, JsValue> {
    if is_absent(&v) {
        return Ok(Vec::new());
    }
    if let Some(s) = v.as_string() {
        return Ok(s.into_bytes());
    }
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Ok(super::bindings::uint8_array_bytes(a));
    }
    if v.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(super::bindings::uint8_array_bytes(&Uint8Array::new(&v)));
    }
    Err(type_error(path, "must be a string or a Uint8Array"))
}

fn header_text(v: &JsValue, path: &str) -> Result<String, JsValue> {
    let s = match v.as_string() {
        Some(s) => Some(s),
        // Numbers such as content-length are common; format them as JS does.
        None if v.as_f64().is_some() => js_sys::Number::from(v.clone()).to_string_with_radix(10).ok().map(String::from),
        None => None,
    };
    match s {
        Some(s) => Ok(s),
        None => Err(type_error(path, "names and values must be strings (or numbers)")),
    }
}

/// Headers given as a record or as `[name, value]` pairs (which may repeat a name).
pub fn headers(v: JsValue, path: &str) -> Result<Vec<(String, String)>, JsValue> {
    if is_absent(&v) {
        return Ok(Vec::new());
    }
    let entries = if Array::is_array(&v) {
        Array::from(&v)
    } else if v.is_object() {
        Object::entries(v.unchecked_ref())
    } else {
        return Err(type_error(path, "must be a record or an array of [name, value] pairs"));
    };
    let mut out = Vec::with_capacity(entries.length() as usize);
    for pair in entries.iter() {
        if !Array::is_array(&pair) {
            return Err(type_error(path, "must be a record or an array of [name, value] pairs"));
        }
        let name = header_text(&Reflect::get_u32(&pair, 0).unwrap_or(JsValue::UNDEFINED), path)?;
        let value = header_text(&Reflect::get_u32(&pair, 1).unwrap_or(JsValue::UNDEFINED), path)?;
        out.push((name, value));
    }
    Ok(out)
}

/// Appends string pairs as a JSON object: building objects through one `JSON.parse` is far
/// cheaper than a wasm-to-JS call (and a UTF-8 decode) per property.
pub fn push_json_object<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)], json: &mut String) {
    json.push('{');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        push_json_string(k.as_ref(), json);
        json.push(':');
        push_json_string(v.as_ref(), json);
    }
    json.push('}');
}

/// Appends `s` as a JSON string literal.
pub fn push_json_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        if b == b'"' || b == b'\\' || b < 0x20 {
            out.push_str(s.get(run..i).unwrap_or_default());
            let esc = [b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]];
            out.push_str(core::str::from_utf8(&esc).unwrap_or_default());
            run = i + 1;
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}
