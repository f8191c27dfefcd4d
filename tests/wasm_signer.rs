//! Known-answer SigV4 signatures computed inside the JS engine: run by `wasm-pack test --node`
//! and, in headless Chromium, by `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Date, Object, Reflect};
use kinesis_video_wasm::js::signer::{presign_url, sign_request};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn suite_options(token: Option<&str>) -> JsValue {
    let mut creds =
        vec![("accessKeyId", s("AKIDEXAMPLE")), ("secretAccessKey", s("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))];
    if let Some(t) = token {
        creds.push(("sessionToken", s(t)));
    }
    obj(&[
        ("credentials", obj(&creds)),
        ("region", s("us-east-1")),
        ("service", s("service")),
        ("signingDate", Date::new(&s("2015-08-30T12:36:00Z")).into()),
        ("expiresIn", JsValue::from_f64(3600.0)),
    ])
}

fn header(signed: &JsValue, name: &str) -> String {
    let headers = Reflect::get(signed, &s("headers")).unwrap();
    Reflect::get(&headers, &s(name)).unwrap().as_string().unwrap_or_default()
}

// Expected values are the AWS SigV4 suite's (get-vanilla, post-x-www-form-urlencoded,
// get-vanilla-with-session-token).
#[wasm_bindgen_test]
fn header_signing_known_answers() {
    let get =
        sign_request(obj(&[("method", s("GET")), ("url", s("https://example.amazonaws.com/"))]), suite_options(None))
            .unwrap();
    assert!(header(&get, "authorization")
        .ends_with("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
    assert_eq!(header(&get, "x-amz-date"), "20150830T123600Z");
    assert_eq!(header(&get, "host"), "example.amazonaws.com");

    let pairs = Array::of2(
        &Array::of2(&s("Content-Type"), &s("application/x-www-form-urlencoded")),
        &Array::of2(&s("Content-Length"), &JsValue::from_f64(13.0)),
    );
    let opts = suite_options(None);
    Reflect::set(&opts, &s("signBody"), &JsValue::TRUE).unwrap();
    let post = sign_request(
        obj(&[
            ("method", s("POST")),
            ("url", s("https://example.amazonaws.com/")),
            ("headers", pairs.into()),
            ("body", s("Param1=value1")),
        ]),
        opts,
    )
    .unwrap();
    assert!(header(&post, "authorization")
        .ends_with("Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"));
    assert_eq!(
        header(&post, "x-amz-content-sha256"),
        "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
    );
}

#[wasm_bindgen_test]
fn presigning_known_answer_with_token() {
    let token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    let url = presign_url(obj(&[("url", s("https://example.amazonaws.com/"))]), suite_options(Some(token))).unwrap();
    assert!(
        url.ends_with("&X-Amz-Signature=7ff2b50b376cb4d151970630573d6291dc128cc5c2a12ffb237f73cc53f67b6c"),
        "{url}"
    );
    assert!(url.contains("X-Amz-Security-Token=6e86291e"));
}

#[wasm_bindgen_test]
fn bad_input_throws_and_module_keeps_working() {
    let bad = sign_request(obj(&[("method", s("GET")), ("url", s("ftp://h/"))]), suite_options(None)).unwrap_err();
    let message = Reflect::get(&bad, &s("message")).unwrap().as_string().unwrap();
    assert!(message.starts_with("request.url:"), "{message}");
    let opts = suite_options(None);
    Reflect::set(&opts, &s("expiresIn"), &JsValue::from_f64(604_801.0)).unwrap();
    let e = presign_url(obj(&[("url", s("https://h/"))]), opts).unwrap_err();
    assert!(Reflect::get(&e, &s("message")).unwrap().as_string().unwrap().starts_with("options.expiresIn:"));
    // Still working afterwards.
    let get =
        sign_request(obj(&[("method", s("GET")), ("url", s("https://example.amazonaws.com/"))]), suite_options(None))
            .unwrap();
    assert!(header(&get, "authorization").ends_with("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
}
