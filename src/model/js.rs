//! The interpreter over JS values: input validation while writing the JSON request body, and
//! output conversion. Non-generic on purpose: one copy of each function whatever the operation.

use super::{
    bounds, members, one_of_rules, pattern_text, shape, Bounds, Operation, PatternIx, Shape, ShapeIx, Span,
    ValidationError, ENUM_VALUES, MEMBERS, PATTERNS,
};
use crate::js::bindings::{date_ms, is_array, own_keys, OwnObject};
use crate::js::{array_items, is_absent, put, unreadable_problem};
use crate::prelude::*;
use crate::text::push_int;
use js_sys::{Array, Date, JsString, Math, Object, Reflect, RegExp, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a JS string, without copying it through wasm memory.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsString) -> Result<JsValue, JsValue>;

    /// A compiled pattern (a `RegExp`), tested on the JS string itself (lone surrogates included).
    type Matcher;
    #[wasm_bindgen(method)]
    fn test(this: &Matcher, value: &JsValue) -> bool;
}

const I32_MIN: f64 = -2147483648.0;
const I32_MAX: f64 = 2147483647.0;
const SAFE_MAX: f64 = 9007199254740991.0;

/// Validates `input` against the operation's input shape and returns the JSON request body:
/// only modeled members, in model order, `null`/`undefined` members left out, timestamps as
/// epoch seconds. `undefined` or `null` input counts as `{}`.
pub fn serialize_input(op: &Operation, input: &JsValue) -> Result<String, ValidationError> {
    let mut w = Writer { json: String::with_capacity(128), path: String::new() };
    if is_absent(input) {
        w.structure(op.input, &Object::new())?;
    } else if w.is_record(input)? {
        w.structure(op.input, input)?;
    } else {
        return Err(fail("", &["must be an object"]));
    }
    Ok(w.json)
}

/// Parses a response body (empty means `{}`) and converts it along the operation's output shape.
/// `Err` when the body is not JSON, not a JSON object, or a member's type is not the model's.
pub fn parse_output(op: &Operation, body: &JsString) -> Result<JsValue, String> {
    if body.trim().length() == 0 {
        return Ok(Object::new().into());
    }
    let value = parse_json(body).map_err(|_| String::from("response body is not valid JSON"))?;
    if !is_json_object(&value) {
        return Err(String::from("response body is not a JSON object"));
    }
    convert(op.output, &value, &mut String::new())
}

/// `JSON.parse` of a response body, `None` when it is not JSON.
pub(crate) fn parse_body(body: &JsString) -> Option<JsValue> {
    parse_json(body).ok()
}

// ---------------------------------------------------------------- helpers

/// A non-null, non-array object, of parsed JSON.
fn is_json_object(v: &JsValue) -> bool {
    v.is_object() && !is_array(v).unwrap_or(true)
}

/// A member of parsed JSON.
fn get(obj: &JsValue, key: &JsValue) -> JsValue {
    Reflect::get(obj, key).unwrap_or(JsValue::UNDEFINED)
}

fn fail(path: &str, what: &[&str]) -> ValidationError {
    ValidationError::new(path, what)
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

/// Appends `s` as a JSON string literal, escaped exactly as `JSON.stringify` escapes it.
/// `value` is the JS string `s` was read from: where `s` holds U+FFFD, the JS string may have
/// had a lone surrogate instead, which only `JSON.stringify` can write.
fn push_json_string(out: &mut String, s: &str, value: &JsValue) {
    const REPLACEMENT: [u8; 3] = [0xef, 0xbf, 0xbd];
    if s.as_bytes().windows(3).any(|w| w == REPLACEMENT) {
        if let Ok(text) = JSON::stringify(value) {
            out.push_str(&String::from(text));
            return;
        }
    }
    crate::text::push_json_string(out, s);
}

/// Appends a finite number as JSON writes it: integers here, the rest by JS's own formatting.
fn push_number(out: &mut String, n: f64) {
    if n % 1.0 == 0.0 && (-SAFE_MAX..=SAFE_MAX).contains(&n) {
        push_int(out, n as i64);
    } else if let Ok(text) = JSON::stringify(&JsValue::from_f64(n)) {
        out.push_str(&String::from(text));
    }
}

// ---------------------------------------------------------------- input

/// Validates a value while writing its JSON into `json`; `path` names where it is.
pub(super) struct Writer {
    pub(super) json: String,
    pub(super) path: String,
}

impl Writer {
    /// The error at the current path for a read of the caller's input that threw.
    fn unreadable(&self, e: &JsValue) -> ValidationError {
        fail(&self.path, &[&unreadable_problem(e)])
    }

    /// A non-null, non-array object (a revoked Proxy makes the check throw).
    fn is_record(&self, v: &JsValue) -> Result<bool, ValidationError> {
        Ok(v.is_object() && !is_array(v).map_err(|e| self.unreadable(&e))?)
    }

    fn structure(&mut self, ix: ShapeIx, obj: &JsValue) -> Result<(), ValidationError> {
        let Shape::Structure { members: span } = *shape(ix) else {
            return Err(fail(&self.path, &["must be an object"]));
        };
        self.json.push('{');
        let mut present: u32 = 0;
        let base = self.path.len();
        for (i, m) in members(span).iter().enumerate() {
            let name = m.name.text();
            push_name(&mut self.path, name);
            let v = Reflect::get(obj, &member_key(span, i)).map_err(|e| self.unreadable(&e))?;
            if is_absent(&v) {
                if m.required {
                    return Err(fail(&self.path, &["is required"]));
                }
            } else {
                if present != 0 {
                    self.json.push(',');
                }
                // Member names are ASCII identifiers (the generator checks): nothing to escape.
                for part in ["\"", name, "\":"] {
                    self.json.push_str(part);
                }
                self.value(m.shape, &v)?;
                present |= 1 << i;
            }
            cut(&mut self.path, base);
        }
        self.json.push('}');
        for rule in one_of_rules(ix) {
            let n = (present & rule.members).count_ones();
            if n == 0 || (rule.exactly && n > 1) {
                return Err(self.one_of_error(span, rule.members, rule.exactly));
            }
        }
        Ok(())
    }

    fn one_of_error(&mut self, span: Span, mask: u32, exactly: bool) -> ValidationError {
        let mut names = String::new();
        let mut first = "";
        for (i, m) in members(span).iter().enumerate() {
            if i < 32 && mask & (1 << i) != 0 {
                if first.is_empty() {
                    first = m.name.text();
                } else {
                    names.push_str(", ");
                }
                names.push_str(m.name.text());
            }
        }
        push_name(&mut self.path, first);
        if exactly {
            fail(&self.path, &["exactly one of ", &names, " must be set"])
        } else {
            fail(&self.path, &["one of ", &names, " is required"])
        }
    }

    pub(super) fn value(&mut self, ix: ShapeIx, v: &JsValue) -> Result<(), ValidationError> {
        let path = &mut self.path;
        match *shape(ix) {
            Shape::Structure { .. } => {
                if !self.is_record(v)? {
                    return Err(fail(&self.path, &["must be an object"]));
                }
                self.structure(ix, v)
            }
            Shape::String { limits, pattern, values, .. } => {
                let Some(s) = v.as_string() else {
                    return Err(fail(path, &["must be a string"]));
                };
                check_string(limits, pattern, values, &s, v, path)?;
                push_json_string(&mut self.json, &s, v);
                Ok(())
            }
            Shape::Integer { limits } | Shape::Long { limits } | Shape::Double { limits } => {
                let n = match v.as_f64() {
                    Some(n) if n.is_finite() => n,
                    _ => return Err(fail(path, &["must be a finite number"])),
                };
                let range = match *shape(ix) {
                    Shape::Integer { .. } => Some((I32_MIN, I32_MAX)),
                    Shape::Long { .. } => Some((-SAFE_MAX, SAFE_MAX)),
                    _ => None,
                };
                if let Some((lo, hi)) = range {
                    // n % 1.0 needs no std float functions (trunc is std-only).
                    if n % 1.0 != 0.0 {
                        return Err(fail(path, &["must be an integer"]));
                    }
                    if n < lo || n > hi {
                        return Err(fail(path, &["is out of range"]));
                    }
                }
                check_bounds(bounds(limits), n, path, Unit::Value)?;
                push_number(&mut self.json, n);
                Ok(())
            }
            Shape::Boolean => {
                let Some(b) = v.as_bool() else {
                    return Err(fail(path, &["must be a boolean"]));
                };
                self.json.push_str(if b { "true" } else { "false" });
                Ok(())
            }
            Shape::Timestamp => {
                // The brand-checked getTime throws for anything but a real Date.
                let seconds = match (date_ms(v), v.as_f64()) {
                    (Ok(ms), _) => ms / 1000.0,
                    (Err(_), Some(n)) => n,
                    (Err(_), None) => f64::NAN,
                };
                if !seconds.is_finite() {
                    return Err(fail(path, &["must be a valid Date or a number of epoch seconds"]));
                }
                push_number(&mut self.json, seconds);
                Ok(())
            }
            Shape::List { member, limits } => {
                if !is_array(v).map_err(|e| self.unreadable(&e))? {
                    return Err(fail(&self.path, &["must be an array"]));
                }
                let items = array_items(v).map_err(|e| self.unreadable(&e))?;
                let Some(items) = items else {
                    return Err(fail(&self.path, &["has too many items"]));
                };
                let base = self.path.len();
                let mut count = 0u32;
                self.json.push('[');
                for (i, item) in items.iter().enumerate() {
                    if is_absent(item) {
                        continue;
                    }
                    self.path.push('[');
                    push_int(&mut self.path, i as i64);
                    self.path.push(']');
                    if count > 0 {
                        self.json.push(',');
                    }
                    self.value(member, item)?;
                    count += 1;
                    cut(&mut self.path, base);
                }
                self.json.push(']');
                check_bounds(bounds(limits), f64::from(count), &self.path, Unit::Item)
            }
            Shape::Map { key, value, limits } => {
                if !self.is_record(v)? {
                    return Err(fail(&self.path, &["must be an object"]));
                }
                // Object.keys gives a fresh array of strings: only the values run caller code.
                let keys = own_keys(v).map_err(|e| self.unreadable(&e))?;
                let base = self.path.len();
                let mut count = 0u32;
                self.json.push('{');
                for i in 0..keys.length() {
                    let k = keys.get(i);
                    let name = k.as_string().unwrap_or_default();
                    push_name(&mut self.path, &name);
                    let item = Reflect::get(v, &k).map_err(|e| self.unreadable(&e))?;
                    if is_absent(&item) {
                        cut(&mut self.path, base);
                        continue;
                    }
                    if let Shape::String { limits, pattern, values, .. } = *shape(key) {
                        if let Err(mut e) = check_string(limits, pattern, values, &name, &k, &self.path) {
                            // "Tags.k: must ..." -> "Tags.k: key must ..."
                            let rest = e.message.get(e.path.len() + 2..).unwrap_or("");
                            e.message = ValidationError::new(&e.path, &["key ", rest]).message;
                            return Err(e);
                        }
                    }
                    if count > 0 {
                        self.json.push(',');
                    }
                    push_json_string(&mut self.json, &name, &k);
                    self.json.push(':');
                    self.value(value, &item)?;
                    count += 1;
                    cut(&mut self.path, base);
                }
                self.json.push('}');
                check_bounds(bounds(limits), f64::from(count), &self.path, Unit::Entry)
            }
        }
    }
}

/// What a limit counts, for its message.
#[derive(Clone, Copy)]
enum Unit {
    Value,
    Char,
    Item,
    Entry,
}

impl Unit {
    /// The verb, the noun for 1, the noun for other counts.
    fn words(self) -> [&'static str; 3] {
        match self {
            Unit::Value => ["must be at ", "", ""],
            Unit::Char => ["must be at ", " character", " characters"],
            Unit::Item => ["must have at ", " item", " items"],
            Unit::Entry => ["must have at ", " entry", " entries"],
        }
    }
}

/// A shape's limits against a value, a length or a size.
fn check_bounds(b: Bounds, n: f64, path: &str, unit: Unit) -> Result<(), ValidationError> {
    let (what, k) = match (b.min, b.max) {
        (Some(min), _) if n < f64::from(min) => ("least ", min),
        (_, Some(max)) if n > f64::from(max) => ("most ", max),
        _ => return Ok(()),
    };
    let mut count = String::new();
    push_int(&mut count, i64::from(k));
    let [verb, one, many] = unit.words();
    Err(fail(path, &[verb, what, &count, if k == 1 { one } else { many }]))
}

fn check_string(
    limits: super::Limits,
    pattern: Option<PatternIx>,
    values: Option<Span>,
    s: &str,
    value: &JsValue,
    path: &str,
) -> Result<(), ValidationError> {
    check_bounds(bounds(limits), crate::text::code_points(s) as f64, path, Unit::Char)?;
    if let Some(values) = values {
        let values = values.of(&ENUM_VALUES);
        if !values.iter().any(|e| e.text() == s) {
            let mut list = String::new();
            for (i, e) in values.iter().enumerate() {
                if i > 0 {
                    list.push_str(", ");
                }
                list.push_str(e.text());
            }
            return Err(fail(path, &["must be one of ", &list]));
        }
    }
    if let Some(p) = pattern {
        if !pattern_regexp(p).unchecked_ref::<Matcher>().test(value) {
            return Err(fail(path, &["must match the pattern ", pattern_text(p)]));
        }
    }
    Ok(())
}

/// Member names as JS strings, by index in `MEMBERS`: made once, not once per object read or built
/// (a page of 1,000 streams would make each name 1,000 times).
static NAME_CACHE: crate::Global<[Option<JsValue>; MEMBERS.len()]> =
    crate::Global::new([const { None }; MEMBERS.len()]);

/// The JS string of the `i`th member of `span`.
fn member_key(span: Span, i: usize) -> JsValue {
    let ix = usize::from(span.start) + i;
    if let Ok(cache) = NAME_CACHE.borrow() {
        if let Some(Some(key)) = cache.get(ix) {
            return key.clone();
        }
    }
    let key = JsValue::from_str(members(span).get(i).map_or("", |m| m.name.text()));
    if let Ok(mut cache) = NAME_CACHE.borrow_mut() {
        if let Some(slot) = cache.get_mut(ix) {
            *slot = Some(key.clone());
        }
    }
    key
}

/// Compiled patterns, by pattern index.
static PATTERN_CACHE: crate::Global<[Option<RegExp>; PATTERNS.len()]> =
    crate::Global::new([const { None }; PATTERNS.len()]);

/// The compiled pattern (flag `u`), compiled on first use and cached. A pattern with no anchor
/// must match the whole value, as the service checks it (Java's `matches`); patterns the model
/// anchors itself are used as written.
pub(super) fn pattern_regexp(p: PatternIx) -> RegExp {
    let i = usize::from(p.0);
    if let Ok(cache) = PATTERN_CACHE.borrow() {
        if let Some(Some(re)) = cache.get(i) {
            return re.clone();
        }
    }
    let text = pattern_text(p);
    let re = if text.starts_with('^') || text.ends_with('$') {
        RegExp::new(text, "u")
    } else {
        let mut whole = String::with_capacity(text.len() + 6);
        for part in ["^(?:", text, ")$"] {
            whole.push_str(part);
        }
        RegExp::new(&whole, "u")
    };
    if let Ok(mut cache) = PATTERN_CACHE.borrow_mut() {
        if let Some(slot) = cache.get_mut(i) {
            *slot = Some(re.clone());
        }
    }
    re
}

// ---------------------------------------------------------------- output

/// A parsed output value along its shape: structures keep their modeled members, timestamps
/// become `Date`s, `null` members and items are dropped. `Err` names the first member whose JSON
/// type is not the model's.
fn convert(ix: ShapeIx, v: &JsValue, path: &mut String) -> Result<JsValue, String> {
    let wrong = |path: &str, what: &str| Err(field_problem(path, what));
    match *shape(ix) {
        Shape::Structure { members: span } => {
            if !is_json_object(v) {
                return wrong(path, "an object");
            }
            let out = Object::new();
            let base = path.len();
            for (i, m) in members(span).iter().enumerate() {
                let key = member_key(span, i);
                let item = get(v, &key);
                if !is_absent(&item) {
                    push_name(path, m.name.text());
                    let _ = out.unchecked_ref::<OwnObject>().set_member(&key, &convert(m.shape, &item, path)?);
                    cut(path, base);
                }
            }
            Ok(out.into())
        }
        Shape::List { member, .. } => {
            if !is_array(v).unwrap_or(false) {
                return wrong(path, "an array");
            }
            let arr: &Array = v.unchecked_ref();
            let out = Array::new();
            let base = path.len();
            for i in 0..arr.length() {
                let item = arr.get(i);
                if !is_absent(&item) {
                    path.push('[');
                    push_int(path, i64::from(i));
                    path.push(']');
                    out.push(&convert(member, &item, path)?);
                    cut(path, base);
                }
            }
            Ok(out.into())
        }
        Shape::Map { value, .. } => {
            if !is_json_object(v) {
                return wrong(path, "an object");
            }
            let out = Object::new();
            let keys = own_keys(v).unwrap_or_default();
            let base = path.len();
            for i in 0..keys.length() {
                let key = keys.get(i);
                let item = get(v, &key);
                if !is_absent(&item) {
                    let k = key.as_string().unwrap_or_default();
                    push_name(path, &k);
                    put(&out, &key, &k, &convert(value, &item, path)?);
                    cut(path, base);
                }
            }
            Ok(out.into())
        }
        // A type check only (output patterns are not checked): the string is not copied into wasm.
        Shape::String { .. } if !v.is_string() => wrong(path, "a string"),
        Shape::Integer { .. } | Shape::Long { .. } if !v.as_f64().is_some_and(|n| n % 1.0 == 0.0) => {
            wrong(path, "an integer")
        }
        Shape::Double { .. } if v.as_f64().is_none() => wrong(path, "a number"),
        Shape::Boolean if v.as_bool().is_none() => wrong(path, "a boolean"),
        Shape::Timestamp => to_date(v).ok_or_else(|| field_problem(path, "a timestamp")),
        _ => Ok(v.clone()),
    }
}

/// "response member `path` is not `what`".
fn field_problem(path: &str, what: &str) -> String {
    let mut m = String::from("response member ");
    for part in [if path.is_empty() { "(the body)" } else { path }, " is not ", what] {
        m.push_str(part);
    }
    m
}

/// Epoch seconds (number, or numeric string) or a date string as a `Date`; `None` for anything
/// else, or a value that gives an invalid date.
fn to_date(v: &JsValue) -> Option<JsValue> {
    let seconds = if let Some(n) = v.as_f64() {
        n
    } else if let Some(text) = v.dyn_ref::<JsString>() {
        if text.trim().length() == 0 {
            return None;
        }
        v.unchecked_into_f64()
    } else {
        return None;
    };
    let date =
        if seconds.is_nan() { Date::new(v) } else { Date::new(&JsValue::from_f64(Math::round(seconds * 1000.0))) };
    if date.get_time().is_nan() {
        None
    } else {
        Some(date.into())
    }
}
