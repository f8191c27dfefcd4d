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

pub fn required_string(parent: &JsValue, key: &str, path: &str) -> Result<String, JsValue> {
    match get(parent, key).as_string() {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(type_error(path, "must be a non-empty string")),
    }
}

pub fn optional_string(parent: &JsValue, key: &str, path: &str) -> Result<Option<String>, JsValue> {
    let v = get(parent, key);
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| type_error(path, "must be a string"))
}

pub fn optional_bool(parent: &JsValue, key: &str, path: &str) -> Result<Option<bool>, JsValue> {
    let v = get(parent, key);
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_bool().map(Some).ok_or_else(|| type_error(path, "must be a boolean"))
}

/// Epoch milliseconds of a `Date`, or `None` when absent.
pub fn optional_date_ms(parent: &JsValue, key: &str, path: &str) -> Result<Option<f64>, JsValue> {
    let v = get(parent, key);
    if is_absent(&v) {
        return Ok(None);
    }
    match v.dyn_ref::<js_sys::Date>() {
        Some(d) if d.get_time().is_finite() => Ok(Some(d.get_time())),
        _ => Err(type_error(path, "must be a valid Date")),
    }
}

/// An integer within `min..=max`, or `None` when absent.
pub fn optional_int(parent: &JsValue, key: &str, path: &str, min: f64, max: f64, problem: &str) -> Result<Option<f64>, JsValue> {
    let v = get(parent, key);
    if is_absent(&v) {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n >= min && n <= max && n == (n as i64) as f64 => Ok(Some(n)),
        _ => Err(type_error(path, problem)),
    }
}

/// A string or `Uint8Array` (or `ArrayBuffer`) body as bytes; absent is empty.
pub fn body_bytes(parent: &JsValue, path: &str) -> Result<Vec<u8>, JsValue> {
    let v = get(parent, "body");
    if is_absent(&v) {
        return Ok(Vec::new());
    }
    if let Some(s) = v.as_string() {
        return Ok(s.into_bytes());
    }
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Ok(a.to_vec());
    }
    if v.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(&v).to_vec());
    }
    Err(type_error(path, "must be a string or a Uint8Array"))
}

fn header_value(v: &JsValue, path: &str) -> Result<String, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    if v.as_f64().is_some() {
        // Numbers such as content-length are common; format them as JS does.
        if let Some(s) = js_sys::Number::from(v.clone()).to_string(10).ok().and_then(|s| s.as_string()) {
            return Ok(s);
        }
    }
    Err(type_error(path, "every header value must be a string or a number"))
}

/// Headers given as a record or as `[name, value]` pairs (which may repeat a name).
pub fn headers(parent: &JsValue, path: &str) -> Result<Vec<(String, String)>, JsValue> {
    let v = get(parent, "headers");
    if is_absent(&v) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    if Array::is_array(&v) {
        for pair in Array::from(&v).iter() {
            let name = Reflect::get_u32(&pair, 0).ok().and_then(|n| n.as_string());
            let (Some(name), true) = (name, Array::is_array(&pair)) else {
                return Err(type_error(path, "must be a record or an array of [name, value] pairs"));
            };
            let value = header_value(&Reflect::get_u32(&pair, 1).unwrap_or(JsValue::UNDEFINED), path)?;
            out.push((name, value));
        }
    } else if v.is_object() {
        let obj: &Object = v.unchecked_ref();
        for entry in Object::entries(obj).iter() {
            let name = Reflect::get_u32(&entry, 0).ok().and_then(|n| n.as_string()).unwrap_or_default();
            let value = header_value(&Reflect::get_u32(&entry, 1).unwrap_or(JsValue::UNDEFINED), path)?;
            out.push((name, value));
        }
    } else {
        return Err(type_error(path, "must be a record or an array of [name, value] pairs"));
    }
    Ok(out)
}

/// A plain object from string pairs.
pub fn record(pairs: &[(String, String)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        set(&o, k, &JsValue::from_str(v));
    }
    o
}
