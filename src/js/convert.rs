//! Reading and building JS values: the one place that knows how fields are looked up and how
//! bad input is reported. Fields are read with `Reflect.get`, which hands back a throwing
//! getter's exception as a value instead of unwinding through wasm (see `bindings`).

use super::bindings::{bytes_of, date_ms, is_array, own_entries, OwnObject};
use crate::prelude::*;
use crate::sigv4::Credentials;
use crate::Global;
use js_sys::{Object, Reflect, Uint8Array};
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

/// `obj[key]` of a caller's object: `Err` holds what a getter or Proxy trap threw. Not an
/// object (a function included) reads as `undefined`.
pub fn read(obj: &JsValue, key: &'static str) -> Result<JsValue, JsValue> {
    if !obj.is_object() {
        return Ok(JsValue::UNDEFINED);
    }
    let Ok(mut keys) = KEYS.borrow_mut() else {
        return Reflect::get(obj, &JsValue::from_str(key));
    };
    let i = match keys.iter().position(|(name, _)| core::ptr::eq(*name, key)) {
        Some(i) => i,
        None => {
            keys.push((key, JsValue::from_str(key)));
            keys.len() - 1
        }
    };
    match keys.get(i) {
        Some((_, k)) => Reflect::get(obj, k),
        None => Ok(JsValue::UNDEFINED),
    }
}

/// `obj[key]` of a value of the package's own or of parsed JSON, `undefined` when unreadable.
pub fn get(obj: &JsValue, key: &'static str) -> JsValue {
    read(obj, key).unwrap_or(JsValue::UNDEFINED)
}

/// What is wrong with a field whose read threw `cause`.
pub fn unreadable_problem(cause: &JsValue) -> String {
    let mut problem = String::from("could not be read: ");
    problem.push_str(&error_message(cause));
    problem
}

/// The error for a field whose read threw: a `TypeError` naming it, the exception as `cause`.
pub fn unreadable(path: &str, cause: &JsValue) -> JsValue {
    let e = type_error(path, &unreadable_problem(cause));
    let _ = Reflect::set(&e, &JsValue::from_str("cause"), cause);
    e
}

/// The items of a caller's array (read through `length` and indexes, so a Proxy's throw comes
/// back as `Err`), at most [`MAX_ITEMS`]: `Ok(None)` when there are more.
pub fn array_items(v: &JsValue) -> Result<Option<Vec<JsValue>>, JsValue> {
    // NaN (a non-number length) counts as too many.
    let len = read(v, "length")?.as_f64().unwrap_or(0.0);
    if len.is_nan() || len > MAX_ITEMS as f64 {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len as u32 {
        out.push(Reflect::get_u32(v, i)?);
    }
    Ok(Some(out))
}

/// The most items read from one array of the caller's (no Kinesis Video list comes close).
pub const MAX_ITEMS: usize = 100_000;
/// The largest request body `signRequest` and `presignUrl` take.
pub const MAX_BODY_BYTES: usize = 256 << 20;

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
        let _ = obj.unchecked_ref::<OwnObject>().set_member(key, value);
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

    /// Field `name`; a throwing read is an error naming it.
    pub fn get(&self, name: &'static str) -> Result<JsValue, JsValue> {
        read(&self.obj, name).map_err(|e| unreadable(&field(self.prefix, name), &e))
    }

    /// The error for field `name`.
    pub fn fail(&self, name: &str, problem: &str) -> JsValue {
        type_error(&field(self.prefix, name), problem)
    }

    /// A non-empty string.
    pub fn string(&self, name: &'static str) -> Result<String, JsValue> {
        match self.get(name)?.as_string() {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(self.fail(name, "must be a non-empty string")),
        }
    }

    pub fn optional_string(&self, name: &'static str) -> Result<Option<String>, JsValue> {
        let v = self.get(name)?;
        if is_absent(&v) {
            return Ok(None);
        }
        v.as_string().map(Some).ok_or_else(|| self.fail(name, "must be a string"))
    }

    /// A boolean, `default` when absent.
    pub fn flag(&self, name: &'static str, default: bool) -> Result<bool, JsValue> {
        let v = self.get(name)?;
        if is_absent(&v) {
            return Ok(default);
        }
        v.as_bool().ok_or_else(|| self.fail(name, "must be a boolean"))
    }

    /// Epoch milliseconds of a valid `Date`, or `None` when absent.
    pub fn date_ms(&self, name: &'static str) -> Result<Option<f64>, JsValue> {
        let v = self.get(name)?;
        if is_absent(&v) {
            return Ok(None);
        }
        // Anything but a real Date makes the brand-checked getTime throw.
        match date_ms(&v) {
            Ok(ms) if ms.is_finite() => Ok(Some(ms)),
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
        let v = self.get(name)?;
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
        credentials(&self.get(name)?, &field(self.prefix, name))
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
    if !(v.is_instance_of::<Uint8Array>() || v.is_instance_of::<js_sys::ArrayBuffer>()) {
        return Err(type_error(path, "must be a string or a Uint8Array"));
    }
    match bytes_of(&v, MAX_BODY_BYTES) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(type_error(path, "must be at most 268435456 bytes")),
        Err(e) => Err(unreadable(path, &e)),
    }
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
    let unread = |e: JsValue| unreadable(path, &e);
    let entries = if is_array(&v).map_err(unread)? {
        array_items(&v).map_err(unread)?.ok_or_else(shape_error)?
    } else if v.is_object() {
        // Object.entries makes fresh [name, value] arrays: read without caller code below.
        own_entries(&v).map_err(unread)?.to_vec()
    } else {
        return Err(shape_error());
    };
    let mut out = Vec::with_capacity(entries.len());
    for pair in &entries {
        if !is_array(pair).map_err(unread)? {
            return Err(shape_error());
        }
        let item = |i| Reflect::get_u32(pair, i).map_err(unread);
        out.push((header_text(&item(0)?, path)?, header_text(&item(1)?, path)?));
    }
    Ok(out)
}

/// Reads `{ accessKeyId, secretAccessKey, sessionToken? }`; `path` prefixes field names in errors.
pub fn credentials(v: &JsValue, path: &str) -> Result<Credentials, JsValue> {
    if !v.is_object() {
        return Err(type_error(path, "must be an object with accessKeyId and secretAccessKey"));
    }
    let c = Fields { obj: v.clone(), prefix: path };
    // The key id and token go into headers and URLs: a control character or a space there
    // would make every request fail at fetch. (AWS issues them as printable ASCII.)
    let header_safe = |name: &str, s: &str| {
        if s.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(())
        } else {
            Err(c.fail(name, "must be printable ASCII without spaces"))
        }
    };
    let access_key_id = c.string("accessKeyId")?;
    header_safe("accessKeyId", &access_key_id)?;
    let secret_access_key = c.string("secretAccessKey")?;
    let session_token = c.optional_string("sessionToken")?.filter(|t| !t.is_empty());
    if let Some(t) = &session_token {
        header_safe("sessionToken", t)?;
    }
    Ok(Credentials { access_key_id, secret_access_key, session_token })
}

/// The message of a JS exception or rejection value.
pub fn error_message(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    get(e, "message").as_string().unwrap_or_else(|| String::from("unknown error"))
}
