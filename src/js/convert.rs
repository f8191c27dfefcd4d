//! Reading and building JS values: the one place that knows how fields are looked up and how
//! bad input is reported. Fields are read with `Reflect.get`, which hands back a throwing
//! getter's exception as a value instead of unwinding through wasm.

use crate::prelude::*;
use crate::sigv4::Credentials;
use crate::Global;
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
    js_sys::TypeError::new(&field_message(path, problem)).into()
}

/// `path: problem`, the text of every error about a field.
pub fn field_message(path: &str, problem: &str) -> String {
    let mut m = String::with_capacity(path.len() + problem.len() + 2);
    for part in [path, ": ", problem] {
        m.push_str(part);
    }
    m
}

/// `prefix` + `.` + `name`: the path of a field in error messages.
pub fn field(prefix: &str, name: &str) -> String {
    let mut p = String::with_capacity(prefix.len() + name.len() + 1);
    for part in [prefix, ".", name] {
        p.push_str(part);
    }
    p
}

/// The JS strings of the field names read so far, each made once: made on every read, a name
/// would be copied out of wasm memory and decoded each time.
static KEYS: Global<Vec<(&'static str, JsValue)>> = Global::new(Vec::new());

/// `obj[key]`, or `undefined` when `obj` is not an object or the read throws.
pub fn get(obj: &JsValue, key: &'static str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    let Ok(mut keys) = KEYS.borrow_mut() else {
        return Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    };
    let i = match keys.iter().position(|(name, _)| core::ptr::eq(*name, key)) {
        Some(i) => i,
        None => {
            keys.push((key, JsValue::from_str(key)));
            keys.len() - 1
        }
    };
    keys.get(i).and_then(|(_, k)| Reflect::get(obj, k).ok()).unwrap_or(JsValue::UNDEFINED)
}

/// Sets an own data property; `__proto__` (possible as a header name or map key) is defined,
/// since assigning it would set the prototype instead.
pub fn set(obj: &Object, key: &str, value: &JsValue) {
    put(obj, &JsValue::from_str(key), key, value);
}

/// [`set`] with the key also given as a JS string (`key_text` is its text).
pub fn put(obj: &Object, key: &JsValue, key_text: &str, value: &JsValue) {
    if key_text == "__proto__" {
        let d = Object::new();
        let t = JsValue::TRUE;
        for (name, v) in [("value", value), ("writable", &t), ("enumerable", &t), ("configurable", &t)] {
            let _ = Reflect::set(&d, &JsValue::from_str(name), v);
        }
        let _ = Reflect::define_property(obj, key, &d);
    } else {
        // Setting a plain object's own property cannot throw.
        let _ = Reflect::set(obj, key, value);
    }
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

/// The fields of one JS object, read one at a time in the order the caller asks for them (so
/// the first bad one is reported); an error names the field as `prefix.name`.
pub struct Fields<'p> {
    obj: JsValue,
    prefix: &'p str,
}

impl<'p> Fields<'p> {
    /// `value` must be an object.
    pub fn of(value: JsValue, prefix: &'p str) -> Result<Self, JsValue> {
        Ok(Fields { obj: required_object(value, prefix)?, prefix })
    }

    pub fn get(&self, name: &'static str) -> JsValue {
        get(&self.obj, name)
    }

    /// The error for field `name`.
    pub fn fail(&self, name: &str, problem: &str) -> JsValue {
        type_error(&field(self.prefix, name), problem)
    }

    /// A non-empty string.
    pub fn string(&self, name: &'static str) -> Result<String, JsValue> {
        match self.get(name).as_string() {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(self.fail(name, "must be a non-empty string")),
        }
    }

    pub fn optional_string(&self, name: &'static str) -> Result<Option<String>, JsValue> {
        let v = self.get(name);
        if is_absent(&v) {
            return Ok(None);
        }
        v.as_string().map(Some).ok_or_else(|| self.fail(name, "must be a string"))
    }

    /// A boolean, `default` when absent.
    pub fn flag(&self, name: &'static str, default: bool) -> Result<bool, JsValue> {
        let v = self.get(name);
        if is_absent(&v) {
            return Ok(default);
        }
        v.as_bool().ok_or_else(|| self.fail(name, "must be a boolean"))
    }

    /// Epoch milliseconds of a valid `Date`, or `None` when absent.
    pub fn date_ms(&self, name: &'static str) -> Result<Option<f64>, JsValue> {
        let v = self.get(name);
        if is_absent(&v) {
            return Ok(None);
        }
        match v.dyn_ref::<js_sys::Date>().map(js_sys::Date::get_time) {
            Some(ms) if ms.is_finite() => Ok(Some(ms)),
            _ => Err(self.fail(name, "must be a valid Date")),
        }
    }

    /// A number within `min..=max` (a whole one when `whole`), or `None` when absent.
    pub fn number(
        &self,
        name: &'static str,
        (min, max): (f64, f64),
        whole: bool,
        problem: &str,
    ) -> Result<Option<f64>, JsValue> {
        let v = self.get(name);
        if is_absent(&v) {
            return Ok(None);
        }
        match v.as_f64() {
            // NaN fails both comparisons; n % 1.0 needs no std float functions.
            Some(n) if n >= min && n <= max && (!whole || n % 1.0 == 0.0) => Ok(Some(n)),
            _ => Err(self.fail(name, problem)),
        }
    }

    /// `{ accessKeyId, secretAccessKey, sessionToken? }` in field `name`.
    pub fn credentials(&self, name: &'static str) -> Result<Credentials, JsValue> {
        credentials(&self.get(name), &field(self.prefix, name))
    }
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
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    // Numbers such as content-length are common; format them as JS does.
    if v.as_f64().is_some() {
        if let Ok(s) = js_sys::Number::from(v.clone()).to_string_with_radix(10) {
            return Ok(String::from(s));
        }
    }
    Err(type_error(path, "names and values must be strings (or numbers)"))
}

/// Headers given as a record or as `[name, value]` pairs (which may repeat a name).
pub fn headers(v: JsValue, path: &str) -> Result<Vec<(String, String)>, JsValue> {
    if is_absent(&v) {
        return Ok(Vec::new());
    }
    let shape_error = || type_error(path, "must be a record or an array of [name, value] pairs");
    let entries = if Array::is_array(&v) {
        Array::from(&v)
    } else if v.is_object() {
        Object::entries(v.unchecked_ref())
    } else {
        return Err(shape_error());
    };
    let mut out = Vec::with_capacity(entries.length() as usize);
    for pair in entries.iter() {
        if !Array::is_array(&pair) {
            return Err(shape_error());
        }
        let item = |i| Reflect::get_u32(&pair, i).unwrap_or(JsValue::UNDEFINED);
        out.push((header_text(&item(0), path)?, header_text(&item(1), path)?));
    }
    Ok(out)
}

/// Reads `{ accessKeyId, secretAccessKey, sessionToken? }`; `path` prefixes field names in errors.
pub fn credentials(v: &JsValue, path: &str) -> Result<Credentials, JsValue> {
    if !v.is_object() {
        return Err(type_error(path, "must be an object with accessKeyId and secretAccessKey"));
    }
    let c = Fields { obj: v.clone(), prefix: path };
    Ok(Credentials {
        access_key_id: c.string("accessKeyId")?,
        secret_access_key: c.string("secretAccessKey")?,
        session_token: c.optional_string("sessionToken")?.filter(|t| !t.is_empty()),
    })
}

/// The message of a JS exception or rejection value.
pub fn error_message(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    get(e, "message").as_string().unwrap_or_else(|| String::from("unknown error"))
}
