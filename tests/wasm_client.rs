//! The client end to end inside a JS engine: headless Chromium (`wasm-pack test --headless
//! --chrome`, where the page's origin differs from the endpoint's, so every call goes through
//! CORS) and Node (`wasm-pack test --node`), against the local Kinesis Video endpoint.
//!
//! The endpoint URL is fixed at compile time by `KVS_TEST_ENDPOINT` (tests/run-wasm-tests.sh
//! starts the endpoint and sets it). Without it the test fails: it must never pass vacuously.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Date, Function, Object, Promise, Reflect, JSON};
use kinesis_video_wasm::js::client::Client;
use kinesis_video_wasm::model::operation_id;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

#[wasm_bindgen(module = "/npm/call.js")]
extern "C" {
    /// The package's call loop (it imports nothing), as the generated operation methods run it.
    fn run(client: &JsValue, call: &JsValue) -> Promise;
}

/// The local endpoint's fixed credentials (see tests/local-endpoint/README.md).
const ACCESS_KEY_ID: &str = "AKIAKVSLOCAL00000000";
const SECRET_ACCESS_KEY: &str = "kvs-local-secret";

fn endpoint() -> &'static str {
    match option_env!("KVS_TEST_ENDPOINT") {
        Some(url) if !url.is_empty() => url,
        _ => panic!(
            "KVS_TEST_ENDPOINT was not set when this test was compiled: run tests/run-wasm-tests.sh, \
             which starts the local endpoint and sets it"
        ),
    }
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &s(k), v).unwrap();
    }
    o.into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &s(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `v.a.b.c` as a string, or "" when absent.
fn text(v: &JsValue, path: &[&str]) -> String {
    path.iter().fold(v.clone(), |v, k| get(&v, k)).as_string().unwrap_or_default()
}

/// A client as JS holds it (the call loop calls its methods).
fn client() -> JsValue {
    let config = obj(&[
        ("region", s("us-west-2")),
        ("endpoint", s(endpoint())),
        ("credentials", obj(&[("accessKeyId", s(ACCESS_KEY_ID)), ("secretAccessKey", s(SECRET_ACCESS_KEY))])),
        ("maxAttempts", JsValue::from(2)),
        ("requestTimeoutMs", JsValue::from(10_000)),
    ]);
    match Client::new(config, 0) {
        Ok(c) => c.into(),
        Err(e) => panic!("constructing the client failed: {:?}", e),
    }
}

/// Calls the operation named `name` (PascalCase) and awaits it: the output, or the rejection.
async fn call(client: &JsValue, name: &str, input: JsValue) -> Result<JsValue, JsValue> {
    let op = operation_id(name).unwrap_or_else(|| panic!("no operation {name}"));
    let start: Function = get(client, "__start").unchecked_into();
    let promise = match start.call3(client, &JsValue::from(op as u32), &input, &JsValue::UNDEFINED) {
        Ok(call) => run(client, &call),
        Err(e) => Promise::reject(&e),
    };
    JsFuture::from(promise).await
}

async fn ok(client: &JsValue, name: &str, input: JsValue) -> JsValue {
    match call(client, name, input).await {
        Ok(v) => v,
        Err(e) => panic!("{name} failed: {} {}", text(&e, &["name"]), text(&e, &["message"])),
    }
}

async fn rejected(client: &JsValue, name: &str, input: JsValue) -> JsValue {
    match call(client, name, input).await {
        Ok(v) => {
            panic!("{name}: expected a rejection, got {}", JSON::stringify(&v).map(String::from).unwrap_or_default())
        }
        Err(e) => {
            assert!(e.is_instance_of::<js_sys::Error>(), "{name}: the rejection is an Error object");
            e
        }
    }
}

/// Waits `ms` milliseconds on the JS event loop (setTimeout exists in browsers and Node).
async fn sleep(ms: u32) {
    let set_timeout: Function = get(&js_sys::global(), "setTimeout").unchecked_into();
    let p = Promise::new(&mut |resolve, _| {
        set_timeout.call2(&JsValue::UNDEFINED, &resolve, &JsValue::from(ms)).unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

/// A stream name of its own: the browser run and the Node run share one endpoint.
fn unique_name(prefix: &str) -> String {
    let n = (js_sys::Math::random() * 1e9) as u64;
    format!("{prefix}-{}-{n}", Date::now() as u64)
}

#[wasm_bindgen_test]
fn the_endpoint_is_configured() {
    assert!(endpoint().starts_with("http://127.0.0.1:"), "KVS_TEST_ENDPOINT is a loopback URL: {}", endpoint());
    assert_eq!(text(&client(), &["endpoint"]), endpoint().trim_end_matches('/'));
}

#[wasm_bindgen_test]
async fn stream_lifecycle_through_the_client() {
    let client = client();
    let name = unique_name("wasm-stream");

    // CreateStream
    let created =
        ok(&client, "CreateStream", obj(&[("StreamName", s(&name)), ("DataRetentionInHours", JsValue::from(2))])).await;
    let arn = text(&created, &["StreamARN"]);
    assert!(arn.starts_with("arn:aws:kinesisvideo:us-west-2:") && arn.contains(&name), "{arn}");
    let meta = get(&created, "$metadata");
    assert_eq!(get(&meta, "httpStatusCode").as_f64(), Some(200.0));
    assert_eq!(get(&meta, "attempts").as_f64(), Some(1.0));
    // The request id is an exposed header: readable in the browser only if CORS says so.
    assert!(!text(&meta, &["requestId"]).is_empty(), "x-amzn-RequestId is readable");

    // DescribeStream: a Date for the timestamp, CREATING and then ACTIVE.
    let described = ok(&client, "DescribeStream", obj(&[("StreamName", s(&name))])).await;
    let info = get(&described, "StreamInfo");
    assert_eq!(text(&info, &["StreamARN"]), arn);
    assert_eq!(get(&info, "DataRetentionInHours").as_f64(), Some(2.0));
    let created_at = get(&info, "CreationTime");
    assert!(created_at.is_instance_of::<Date>(), "CreationTime is a Date");
    let created_ms = created_at.unchecked_ref::<Date>().get_time();
    assert!((Date::now() - created_ms).abs() < 60_000.0, "CreationTime is now: {created_ms}");
    let mut status = text(&info, &["Status"]);
    assert!(status == "CREATING" || status == "ACTIVE", "{status}");
    for _ in 0..50 {
        if status == "ACTIVE" {
            break;
        }
        sleep(100).await;
        let d = ok(&client, "DescribeStream", obj(&[("StreamARN", s(&arn))])).await;
        status = text(&d, &["StreamInfo", "Status"]);
    }
    assert_eq!(status, "ACTIVE");

    // ListStreams, filtered to this stream.
    let condition = obj(&[("ComparisonOperator", s("BEGINS_WITH")), ("ComparisonValue", s(&name))]);
    let listed = ok(&client, "ListStreams", obj(&[("StreamNameCondition", condition)])).await;
    let list: Array = get(&listed, "StreamInfoList").unchecked_into();
    assert_eq!(list.length(), 1);
    assert_eq!(text(&list.get(0), &["StreamName"]), name);

    // TagResource, then ListTagsForResource.
    let tags = Array::of1(&obj(&[("Key", s("team")), ("Value", s("video"))]));
    ok(&client, "TagResource", obj(&[("ResourceARN", s(&arn)), ("Tags", tags.into())])).await;
    let tagged = ok(&client, "ListTagsForResource", obj(&[("ResourceARN", s(&arn))])).await;
    assert_eq!(text(&tagged, &["Tags", "team"]), "video");

    // DeleteStream: DELETING right after.
    ok(&client, "DeleteStream", obj(&[("StreamARN", s(&arn))])).await;
    let d = ok(&client, "DescribeStream", obj(&[("StreamARN", s(&arn))])).await;
    assert_eq!(text(&d, &["StreamInfo", "Status"]), "DELETING");
}

#[wasm_bindgen_test]
async fn service_errors_are_js_errors_with_name_and_fault() {
    let client = client();
    let e = rejected(&client, "DescribeStream", obj(&[("StreamName", s(&unique_name("missing")))])).await;
    assert_eq!(text(&e, &["name"]), "ResourceNotFoundException");
    assert_eq!(text(&e, &["$fault"]), "client");
    assert!(!text(&e, &["message"]).is_empty());
    let meta = get(&e, "$metadata");
    assert_eq!(get(&meta, "httpStatusCode").as_f64(), Some(404.0));
    assert_eq!(get(&meta, "attempts").as_f64(), Some(1.0), "a 404 is not retried");
    assert!(!text(&meta, &["requestId"]).is_empty());

    // Wrong credentials: a 403 error object, and the module keeps working afterwards.
    let wrong: JsValue = Client::new(
        obj(&[
            ("region", s("us-west-2")),
            ("endpoint", s(endpoint())),
            ("credentials", obj(&[("accessKeyId", s(ACCESS_KEY_ID)), ("secretAccessKey", s("not-the-secret"))])),
        ]),
        0,
    )
    .unwrap()
    .into();
    let e = rejected(&wrong, "ListStreams", obj(&[])).await;
    assert_eq!(text(&e, &["name"]), "InvalidSignatureException");
    assert_eq!(get(&get(&e, "$metadata"), "httpStatusCode").as_f64(), Some(403.0));
    ok(&client, "ListStreams", obj(&[])).await;
}

#[wasm_bindgen_test]
async fn validation_errors_reject_before_any_request() {
    let client = client();
    let e = rejected(&client, "CreateStream", obj(&[])).await;
    assert_eq!(text(&e, &["name"]), "ValidationError");
    assert!(text(&e, &["message"]).starts_with("StreamName"), "{}", text(&e, &["message"]));
    assert_eq!(get(&get(&e, "$metadata"), "attempts").as_f64(), Some(0.0));

    let e = rejected(&client, "DescribeStream", obj(&[])).await;
    assert_eq!(text(&e, &["name"]), "ValidationError");
    assert!(text(&e, &["message"]).contains("StreamARN"), "{}", text(&e, &["message"]));

    let e = rejected(&client, "ListStreams", obj(&[("MaxResults", JsValue::from(0))])).await;
    assert_eq!(text(&e, &["name"]), "ValidationError");
    assert!(text(&e, &["message"]).starts_with("MaxResults"));
}

#[wasm_bindgen_test]
fn bad_config_is_a_type_error_naming_the_field() {
    let config = obj(&[
        ("region", s("us-west-2")),
        ("credentials", obj(&[("accessKeyId", s(ACCESS_KEY_ID)), ("secretAccessKey", s(SECRET_ACCESS_KEY))])),
        ("maxAttempts", JsValue::from(0)),
    ]);
    let e = match Client::new(config, 0) {
        Ok(_) => panic!("maxAttempts 0 was accepted"),
        Err(e) => e,
    };
    assert!(e.is_instance_of::<js_sys::TypeError>());
    assert!(text(&e, &["message"]).contains("maxAttempts"), "{}", text(&e, &["message"]));
}
