//! Interpreter internals on JS values (`wasm-pack test --node -- --lib`).

use super::js::{pattern_regexp, Writer};
use super::{pattern_text, PatternIx, Shape, ShapeIx, PATTERNS, SHAPES};
use js_sys::{Array, Date, Reflect, RegExp};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn every_pattern_compiles_with_the_u_flag() {
    let ctor = Reflect::get(&js_sys::global(), &JsValue::from_str("RegExp")).unwrap();
    let ctor: js_sys::Function = ctor.into();
    for i in (0..PATTERNS.len()).map(|i| PatternIx(i as u8)) {
        let args = Array::of2(&JsValue::from_str(pattern_text(i)), &JsValue::from_str("u"));
        let re = Reflect::construct(&ctor, &args);
        assert!(re.is_ok(), "pattern {} does not compile", pattern_text(i));
        let cached: RegExp = pattern_regexp(i);
        // A pattern without anchors is compiled to match the whole value.
        let p = pattern_text(i);
        let whole = if p.starts_with('^') || p.ends_with('$') { String::from(p) } else { format!("^(?:{p})$") };
        assert_eq!(cached.source(), RegExp::new(&whole, "u").source());
        assert!(cached.unicode());
        // cached: the same object the second time
        assert!(JsValue::from(pattern_regexp(i)) == JsValue::from(cached));
    }
}

fn timestamp_shape() -> ShapeIx {
    ShapeIx(SHAPES.iter().position(|s| matches!(s, Shape::Timestamp)).unwrap() as u8)
}

/// The JSON a timestamp member named `At` writes, or the error.
fn value(ix: ShapeIx, v: &JsValue) -> Result<String, super::ValidationError> {
    let mut w = Writer { json: String::new(), path: String::from("At") };
    w.value(ix, v).map(|()| w.json)
}

#[wasm_bindgen_test]
fn timestamps_serialize_as_epoch_seconds() {
    let ix = timestamp_shape();
    let d = Date::new(&JsValue::from_f64(1700000000500.0));
    assert_eq!(value(ix, &d.into()).unwrap(), "1700000000.5");
    assert_eq!(value(ix, &JsValue::from_f64(1700000000.0)).unwrap(), "1700000000");
    let bad = Date::new(&JsValue::from_str("nope"));
    let e = value(ix, &bad.into()).unwrap_err();
    assert_eq!(e.message, "At: must be a valid Date or a number of epoch seconds");
    assert!(value(ix, &JsValue::from_str("2023-01-01")).is_err());
    assert!(value(ix, &JsValue::from_f64(f64::INFINITY)).is_err());
}
