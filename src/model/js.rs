//! The interpreter over JS values: input validation + serialization, output conversion.
//! Non-generic on purpose: one copy of each function whatever the operation.

use super::generated::{Bound, ShapeIx};
use super::{
    enum_values, limits, members, one_of_rules, pattern_of, pattern_text, push_int, shape, text, Kind, Operation,
    Shape, ValidationError,
};
#[allow(unused_imports)]
use crate::prelude::*;
use core::cell::RefCell;
use js_sys::{Array, Date, Math, Object, Reflect, RegExp, JSON};
use wasm_bindgen::{JsCast, JsValue};

const I32_MIN: f64 = -2147483648.0;
const I32_MAX: f64 = 2147483647.0;
const SAFE_MAX: f64 = 9007199254740991.0;

/// Validates `input` against the operation's input shape and returns the JSON request body:
/// only modeled members, `null`/`undefined` members left out, timestamps as epoch seconds.
/// `undefined` or `null` input counts as `{}`.
pub fn serialize_input(op: &Operation, input: &JsValue) -> Result<String, ValidationError> {
    let mut path = String::new();
    let copy = if input.is_undefined() || input.is_null() {
        structure(op.input, &Object::new(), &mut path)?
    } else {
        if !is_record(input) {
            return Err(ValidationError::new("", &["must be an object"]));
        }
        structure(op.input, input, &mut path)?
    };
    match JSON::stringify(&copy) {
        Ok(s) => Ok(String::from(s)),
        Err(_) => Err(ValidationError::new("", &["cannot be serialized"])),
    }
}

/// Parses a response body (empty means `{}`) and converts it along the operation's output shape.
/// `Err` only when the body is not JSON or not a JSON object.
pub fn parse_output(op: &Operation, body: &str) -> Result<JsValue, String> {
    if body.trim().is_empty() {
        return Ok(Object::new().into());
    }
    let value = JSON::parse(body).map_err(|_| String::from("response body is not valid JSON"))?;
    if !is_record(&value) {
        return Err(String::from("response body is not a JSON object"));
    }
    Ok(convert(op.output, &value))
}

// ---------------------------------------------------------------- helpers

/// A non-null, non-array object.
fn is_record(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v)
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

fn get(obj: &JsValue, key: &JsValue) -> JsValue {
    Reflect::get(obj, key).unwrap_or(JsValue::UNDEFINED)
}

/// Sets an own data property; `__proto__` (possible as a map key) is defined, not assigned.
fn put(obj: &Object, key: &JsValue, key_text: &str, value: &JsValue) {
    if key_text == "__proto__" {
        let d = Object::new();
        let t = JsValue::TRUE;
        let _ = Reflect::set(&d, &JsValue::from_str("value"), value);
        let _ = Reflect::set(&d, &JsValue::from_str("writable"), &t);
        let _ = Reflect::set(&d, &JsValue::from_str("enumerable"), &t);
        let _ = Reflect::set(&d, &JsValue::from_str("configurable"), &t);
        let _ = Reflect::define_property(obj, key, &d);
    } else {
        let _ = Reflect::set(obj, key, value);
    }
}

fn fail(path: &str, what: &[&str]) -> ValidationError {
    ValidationError::new(path, what)
}

fn int_text(n: i64) -> String {
    let mut s = String::new();
    push_int(&mut s, n);
    s
}

/// `path.truncate(len)` without truncate's char-boundary panic path (`len` is always an old length).
fn cut(path: &mut String, len: usize) {
    while path.len() > len {
        if path.pop().is_none() {
            break;
        }
    }
}

fn push_name(path: &mut String, name: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
}

// ---------------------------------------------------------------- input

fn structure(ix: ShapeIx, obj: &JsValue, path: &mut String) -> Result<JsValue, ValidationError> {
    let out = Object::new();
    let mut present: u32 = 0;
    let base = path.len();
    for (i, m) in members(shape(ix)).iter().enumerate() {
        let name = text(m.name);
        let key = JsValue::from_str(name);
        let v = get(obj, &key);
        push_name(path, name);
        if absent(&v) {
            if m.required {
                return Err(fail(path, &["is required"]));
            }
        } else {
            let c = value(m.shape, &v, path)?;
            let _ = Reflect::set(&out, &key, &c);
            if i < 32 {
                present |= 1 << i;
            }
        }
        cut(path, base);
    }
    for rule in one_of_rules(ix) {
        let n = (present & rule.mask).count_ones();
        if n == 0 || (rule.exactly && n > 1) {
            return Err(one_of_error(ix, rule.mask, rule.exactly, path));
        }
    }
    Ok(out.into())
}

fn one_of_error(ix: ShapeIx, mask: u32, exactly: bool, path: &mut String) -> ValidationError {
    let mut names = String::new();
    let mut first = "";
    for (i, m) in members(shape(ix)).iter().enumerate() {
        if i < 32 && mask & (1 << i) != 0 {
            if first.is_empty() {
                first = text(m.name);
            } else {
                names.push_str(", ");
            }
            names.push_str(text(m.name));
        }
    }
    push_name(path, first);
    if exactly {
        fail(path, &["exactly one of ", &names, " must be set"])
    } else {
        fail(path, &["one of ", &names, " is required"])
    }
}

pub(super) fn value(ix: ShapeIx, v: &JsValue, path: &mut String) -> Result<JsValue, ValidationError> {
    let sh = shape(ix);
    match sh.kind {
        Kind::Structure => {
            if !is_record(v) {
                return Err(fail(path, &["must be an object"]));
            }
            structure(ix, v, path)
        }
        Kind::String => {
            let s = match v.as_string() {
                Some(s) => s,
                None => return Err(fail(path, &["must be a string"])),
            };
            check_string(sh, &s, path)?;
            Ok(v.clone())
        }
        Kind::Integer | Kind::Long | Kind::Double => {
            let n = match v.as_f64() {
                Some(n) if n.is_finite() => n,
                _ => return Err(fail(path, &["must be a finite number"])),
            };
            if sh.kind != Kind::Double {
                // n % 1.0 needs no std float functions (trunc is std-only).
                if n % 1.0 != 0.0 {
                    return Err(fail(path, &["must be an integer"]));
                }
                let (lo, hi) = if sh.kind == Kind::Integer { (I32_MIN, I32_MAX) } else { (-SAFE_MAX, SAFE_MAX) };
                if n < lo || n > hi {
                    return Err(fail(path, &["is out of range"]));
                }
            }
            check_bounds(sh, n, path, UNIT_NONE)?;
            Ok(v.clone())
        }
        Kind::Boolean => {
            if v.as_bool().is_none() {
                return Err(fail(path, &["must be a boolean"]));
            }
            Ok(v.clone())
        }
        Kind::Timestamp => {
            if let Some(d) = v.dyn_ref::<Date>() {
                let ms = d.get_time();
                if ms.is_finite() {
                    return Ok(JsValue::from_f64(ms / 1000.0));
                }
            } else if let Some(n) = v.as_f64() {
                if n.is_finite() {
                    return Ok(v.clone());
                }
            }
            Err(fail(path, &["must be a valid Date or a number of epoch seconds"]))
        }
        Kind::List => {
            if !Array::is_array(v) {
                return Err(fail(path, &["must be an array"]));
            }
            let arr: &Array = v.unchecked_ref();
            let out = Array::new();
            let base = path.len();
            for i in 0..arr.length() {
                let item = arr.get(i);
                if absent(&item) {
                    continue;
                }
                path.push('[');
                push_int(path, i as i64);
                path.push(']');
                let c = value(sh.a as ShapeIx, &item, path)?;
                cut(path, base);
                out.push(&c);
            }
            check_bounds(sh, out.length() as f64, path, UNIT_ITEM)?;
            Ok(out.into())
        }
        Kind::Map => {
            if !is_record(v) {
                return Err(fail(path, &["must be an object"]));
            }
            let out = Object::new();
            let keys = Object::keys(v.unchecked_ref::<Object>());
            let base = path.len();
            let mut count = 0u32;
            for i in 0..keys.length() {
                let key = keys.get(i);
                let k = key.as_string().unwrap_or_default();
                let item = get(v, &key);
                if absent(&item) {
                    continue;
                }
                push_name(path, &k);
                if let Err(mut e) = value(sh.a as ShapeIx, &key, path) {
                    // "Tags.k: must ..." -> "Tags.k: key must ..."
                    let rest = e.message.get(e.path.len() + 2..).unwrap_or("");
                    e.message = ValidationError::new(&e.path, &["key ", rest]).message;
                    return Err(e);
                }
                let c = value(sh.b as ShapeIx, &item, path)?;
                cut(path, base);
                put(&out, &key, &k, &c);
                count += 1;
            }
            check_bounds(sh, count as f64, path, UNIT_ENTRY)?;
            Ok(out.into())
        }
    }
}

const UNIT_NONE: usize = 0;
const UNIT_CHAR: usize = 1;
const UNIT_ITEM: usize = 2;
const UNIT_ENTRY: usize = 3;
/// Per unit: the verb, the noun for 1, the noun for other counts.
const UNITS: [[&str; 3]; 4] = [
    ["must be at ", "", ""],
    ["must be at ", " character", " characters"],
    ["must have at ", " item", " items"],
    ["must have at ", " entry", " entries"],
];

/// The shape's min/max against a value, a length or a size (one function for all of them).
fn check_bounds(sh: &Shape, n: f64, path: &str, unit: usize) -> Result<(), ValidationError> {
    let (min, max) = limits(sh);
    let (what, k) = if min != Bound::MIN && n < min as f64 {
        ("least ", min)
    } else if max != Bound::MAX && n > max as f64 {
        ("most ", max)
    } else {
        return Ok(());
    };
    let k = k as i64;
    let [verb, one, many] = UNITS.get(unit).copied().unwrap_or([""; 3]);
    Err(fail(path, &[verb, what, &int_text(k), if k == 1 { one } else { many }]))
}

fn check_string(sh: &Shape, s: &str, path: &str) -> Result<(), ValidationError> {
    // Code points: every byte that does not continue a UTF-8 sequence (smaller than chars().count()).
    let mut len = 0u32;
    for b in s.bytes() {
        if b & 0xC0 != 0x80 {
            len += 1;
        }
    }
    check_bounds(sh, len as f64, path, UNIT_CHAR)?;
    if let Some(values) = enum_values(sh) {
        if !values.iter().any(|&e| text(e) == s) {
            let mut list = String::new();
            for (i, &e) in values.iter().enumerate() {
                if i > 0 {
                    list.push_str(", ");
                }
                list.push_str(text(e));
            }
            return Err(fail(path, &["must be one of ", &list]));
        }
    }
    if let Some(p) = pattern_of(sh) {
        if !pattern_matches(p, s) {
            return Err(fail(path, &["must match the pattern ", pattern_text(p)]));
        }
    }
    Ok(())
}

/// Compiled patterns, by pattern index. wasm32 without the atomics feature is single-threaded, so a
/// plain static (no `thread_local!`, which needs std) is enough.
struct PatternCache(RefCell<[Option<RegExp>; PATTERN_COUNT]>);
const PATTERN_COUNT: usize = super::generated::PATTERNS.len();
// SAFETY: only used on single-threaded wasm32 (see the cfg below); JS values never cross threads.
unsafe impl Sync for PatternCache {}
#[cfg(target_feature = "atomics")]
compile_error!("the pattern cache assumes single-threaded wasm32");
static PATTERN_CACHE: PatternCache = PatternCache(RefCell::new([const { None }; PATTERN_COUNT]));

/// The compiled pattern `i` (flag `u`), compiled on first use and cached. A pattern with no
/// anchor must match the whole value, as the service checks it (Java's `matches`); patterns the
/// model anchors itself are used as written.
pub(super) fn pattern_regexp(i: usize) -> RegExp {
    if let Ok(v) = PATTERN_CACHE.0.try_borrow() {
        if let Some(Some(re)) = v.get(i) {
            return re.clone();
        }
    }
    let text = pattern_text(i);
    let re = if text.starts_with('^') || text.ends_with('$') {
        RegExp::new(text, "u")
    } else {
        let mut whole = String::with_capacity(text.len() + 6);
        whole.push_str("^(?:");
        whole.push_str(text);
        whole.push_str(")$");
        RegExp::new(&whole, "u")
    };
    if let Ok(mut v) = PATTERN_CACHE.0.try_borrow_mut() {
        if let Some(slot) = v.get_mut(i) {
            *slot = Some(re.clone());
        }
    }
    re
}

fn pattern_matches(i: usize, s: &str) -> bool {
    pattern_regexp(i).test(s)
}

// ---------------------------------------------------------------- output

fn convert(ix: ShapeIx, v: &JsValue) -> JsValue {
    let sh = shape(ix);
    match sh.kind {
        Kind::Structure if is_record(v) => {
            let out = Object::new();
            for m in members(sh) {
                let key = JsValue::from_str(text(m.name));
                let item = get(v, &key);
                if !absent(&item) {
                    let _ = Reflect::set(&out, &key, &convert(m.shape, &item));
                }
            }
            out.into()
        }
        Kind::List if Array::is_array(v) => {
            let arr: &Array = v.unchecked_ref();
            let out = Array::new();
            for i in 0..arr.length() {
                let item = arr.get(i);
                if !absent(&item) {
                    out.push(&convert(sh.a as ShapeIx, &item));
                }
            }
            out.into()
        }
        Kind::Map if is_record(v) => {
            let out = Object::new();
            let keys = Object::keys(v.unchecked_ref::<Object>());
            for i in 0..keys.length() {
                let key = keys.get(i);
                let item = get(v, &key);
                if !absent(&item) {
                    let k = key.as_string().unwrap_or_default();
                    put(&out, &key, &k, &convert(sh.b as ShapeIx, &item));
                }
            }
            out.into()
        }
        Kind::Timestamp => to_date(v),
        _ => v.clone(),
    }
}

/// Epoch seconds (number, or numeric string) or a date string become a `Date`; anything else,
/// or a value that gives an invalid date, passes through unchanged.
fn to_date(v: &JsValue) -> JsValue {
    let seconds = if let Some(n) = v.as_f64() {
        n
    } else if v.is_string() {
        let text = v.as_string().unwrap_or_default();
        if text.trim().is_empty() {
            return v.clone();
        }
        v.unchecked_into_f64()
    } else {
        return v.clone();
    };
    let date =
        if seconds.is_nan() { Date::new(v) } else { Date::new(&JsValue::from_f64(Math::round(seconds * 1000.0))) };
    if date.get_time().is_nan() {
        v.clone()
    } else {
        date.into()
    }
}
