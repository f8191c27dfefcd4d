//! The model interpreter on real JS values: `wasm-pack test --node` (or --headless --chrome).
#![cfg(target_arch = "wasm32")]

use js_sys::JsString;
use js_sys::{Array, Date, Object, Reflect, JSON};
use kinesis_video_wasm::model::{operation, operations, parse_output, serialize_input, Operation, ValidationError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const EXAMPLES: &str = include_str!("model/examples.json");

fn op(name: &str) -> &'static Operation {
    match operation(name) {
        Some(o) => o,
        None => panic!("no operation {name}"),
    }
}

/// `parse_output` of a body given as Rust text.
fn parse(op: &Operation, body: &str) -> Result<JsValue, String> {
    parse_output(op, &JsString::from(body))
}

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn stringify(v: &JsValue) -> String {
    String::from(JSON::stringify(v).unwrap())
}

fn ok(name: &str, input: &JsValue) -> String {
    match serialize_input(op(name), input) {
        Ok(s) => s,
        Err(e) => panic!("{name}: unexpected {}", e.message),
    }
}

fn err(name: &str, input: &JsValue) -> ValidationError {
    match serialize_input(op(name), input) {
        Ok(s) => panic!("{name}: expected a validation error, got {s}"),
        Err(e) => e,
    }
}

fn assert_err(name: &str, input: &str, path: &str, message: &str) {
    let e = err(name, &js(input));
    assert_eq!(e.path, path, "{input}");
    assert_eq!(e.message, message, "{input}");
}

// ---------------------------------------------------------------- serialization

#[wasm_bindgen_test]
fn every_operation_serializes_generated_examples() {
    let examples = js(EXAMPLES);
    assert_eq!(
        Object::keys(examples.unchecked_ref::<Object>()).length() as usize,
        operations().len(),
        "an example per operation"
    );
    for o in operations() {
        let ex = get(&examples, o.name);
        assert!(ex.is_object(), "example for {}", o.name);
        for kind in ["full", "minimal"] {
            let input = get(&ex, kind);
            let body = match serialize_input(o, &input) {
                Ok(b) => b,
                Err(e) => panic!("{} {kind}: {}", o.name, e.message),
            };
            assert_eq!(body, stringify(&input), "{} {kind}", o.name);
        }
    }
}

#[wasm_bindgen_test]
fn every_operation_parses_generated_outputs() {
    let examples = js(EXAMPLES);
    for o in operations() {
        let out = get(&get(&examples, o.name), "output");
        let text = stringify(&out);
        let parsed = parse(o, &text).unwrap();
        // Same members; timestamps (numbers in the example) became Dates.
        let back = stringify(&parsed);
        if text.contains("1705489836.421") {
            assert!(back.contains("\"2024-01-17T11:10:36.421Z\""), "{}: {back}", o.name);
            assert_eq!(back.replace("\"2024-01-17T11:10:36.421Z\"", "1705489836.421"), text, "{}", o.name);
        } else {
            assert_eq!(back, text, "{}", o.name);
        }
    }
}

#[wasm_bindgen_test]
fn valid_input_serializes_in_model_order_without_unknown_or_null_members() {
    let body = ok(
        "CreateStream",
        &js(
            r#"{"Unknown":1,"StreamName":"cam-1","DeviceName":null,"MediaType":"video/h264","DataRetentionInHours":24,"Tags":{"team":"video","gone":null},"KmsKeyId":null}"#,
        ),
    );
    assert_eq!(
        body,
        r#"{"StreamName":"cam-1","MediaType":"video/h264","DataRetentionInHours":24,"Tags":{"team":"video"}}"#
    );
    // undefined members count as absent too
    let input = Object::new();
    Reflect::set(&input, &"StreamName".into(), &"a".into()).unwrap();
    Reflect::set(&input, &"DeviceName".into(), &JsValue::UNDEFINED).unwrap();
    assert_eq!(ok("CreateStream", &input), r#"{"StreamName":"a"}"#);
    // lists drop null items
    let body = ok(
        "UntagResource",
        &js(r#"{"ResourceARN":"arn:aws:kinesisvideo:us-west-2:1:stream/a/1","TagKeyList":["a",null,"b"]}"#),
    );
    assert_eq!(body, r#"{"ResourceARN":"arn:aws:kinesisvideo:us-west-2:1:stream/a/1","TagKeyList":["a","b"]}"#);
}

#[wasm_bindgen_test]
fn empty_input_and_missing_input() {
    assert_eq!(ok("ListStreams", &js("{}")), "{}");
    assert_eq!(ok("ListStreams", &JsValue::UNDEFINED), "{}");
    assert_eq!(ok("ListStreams", &JsValue::NULL), "{}");
    assert_eq!(ok("ListSignalingChannels", &js(r#"{"MaxResults":500}"#)), r#"{"MaxResults":500}"#);
    let e = err("CreateStream", &JsValue::UNDEFINED);
    assert_eq!(e.message, "StreamName: is required");
}

#[wasm_bindgen_test]
fn input_must_be_an_object() {
    for bad in [JsValue::from_str("x"), JsValue::from_f64(1.0), Array::new().into(), JsValue::TRUE] {
        let e = err("ListStreams", &bad);
        assert_eq!((e.path.as_str(), e.message.as_str()), ("input", "input: must be an object"));
    }
}

#[wasm_bindgen_test]
fn required_members() {
    assert_err("DeleteStream", r#"{"CurrentVersion":"1"}"#, "StreamARN", "StreamARN: is required");
    assert_err("DeleteStream", r#"{"StreamARN":null}"#, "StreamARN", "StreamARN: is required");
    assert_err(
        "SendAlexaOfferToMaster",
        r#"{"ChannelARN":"arn:aws:kinesisvideo:us-west-2:1:channel/a/1","SenderClientId":"c"}"#,
        "MessagePayload",
        "MessagePayload: is required",
    );
    assert_err(
        "StartEdgeConfigurationUpdate",
        r#"{"StreamName":"s","EdgeConfig":{"HubDeviceArn":"arn:aws:iot:us-west-2:1:thing/h","RecorderConfig":{"MediaSourceConfig":{"MediaUriSecretArn":"arn:aws:secretsmanager:us-west-2:1:secret:x"}}}}"#,
        "EdgeConfig.RecorderConfig.MediaSourceConfig.MediaUriType",
        "EdgeConfig.RecorderConfig.MediaSourceConfig.MediaUriType: is required",
    );
}

#[wasm_bindgen_test]
fn string_lengths_in_code_points() {
    assert_err("CreateStream", r#"{"StreamName":""}"#, "StreamName", "StreamName: must be at least 1 character");
    let long = "a".repeat(257);
    assert_err(
        "CreateStream",
        &format!(r#"{{"StreamName":"{long}"}}"#),
        "StreamName",
        "StreamName: must be at most 256 characters",
    );
    assert_err(
        "CreateStream",
        r#"{"StreamName":"x","DeviceName":""}"#,
        "DeviceName",
        "DeviceName: must be at least 1 character",
    );
    // 256 astral characters are 512 UTF-16 units but 256 code points: the length limit allows them
    // (the tag value pattern allows letters).
    let emoji = "\u{1D4D0}".repeat(256);
    let body = ok("TagStream", &js(&format!(r#"{{"StreamName":"s","Tags":{{"k":"{emoji}"}}}}"#)));
    assert!(body.contains(&emoji));
    let emoji = "\u{1D4D0}".repeat(257);
    assert_err(
        "TagStream",
        &format!(r#"{{"StreamName":"s","Tags":{{"k":"{emoji}"}}}}"#),
        "Tags.k",
        "Tags.k: must be at most 256 characters",
    );
}

#[wasm_bindgen_test]
fn patterns() {
    assert_err(
        "CreateStream",
        r#"{"StreamName":"!?"}"#,
        "StreamName",
        "StreamName: must match the pattern [a-zA-Z0-9_.-]+",
    );
    // A pattern without anchors must match the whole value, as the service checks it.
    assert_err(
        "CreateStream",
        r#"{"StreamName":"ok name"}"#,
        "StreamName",
        "StreamName: must match the pattern [a-zA-Z0-9_.-]+",
    );
    assert_eq!(ok("CreateStream", &js(r#"{"StreamName":"ok-name_1.x"}"#)), r#"{"StreamName":"ok-name_1.x"}"#);
    assert_err(
        "DeleteStream",
        r#"{"StreamARN":"not-an-arn"}"#,
        "StreamARN",
        "StreamARN: must match the pattern arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+",
    );
    // \p{L} needs the u flag: non-ASCII letters are valid tag keys.
    ok("TagStream", &js(r#"{"StreamName":"s","Tags":{"Größe":"groß"}}"#));
    assert_err(
        "TagStream",
        r#"{"StreamName":"s","Tags":{"a;b":"v"}}"#,
        "Tags.a;b",
        "Tags.a;b: key must match the pattern ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$",
    );
    assert_err(
        "UpdateImageGenerationConfiguration",
        r#"{"StreamName":"s","ImageGenerationConfiguration":{"Status":"ENABLED","ImageSelectorType":"SERVER_TIMESTAMP","DestinationConfig":{"Uri":"s3://b/p","DestinationRegion":"us-west-22"},"SamplingInterval":3000,"Format":"JPEG"}}"#,
        "ImageGenerationConfiguration.DestinationConfig.DestinationRegion",
        "ImageGenerationConfiguration.DestinationConfig.DestinationRegion: must match the pattern ^[a-z]+(-[a-z]+)?-[a-z]+-[0-9]$",
    );
    // the cache gives the same answer on the second use
    ok("CreateStream", &js(r#"{"StreamName":"again"}"#));
    assert!(serialize_input(op("CreateStream"), &js(r#"{"StreamName":"!"}"#)).is_err());
}

#[wasm_bindgen_test]
fn enums() {
    assert_err(
        "GetDataEndpoint",
        r#"{"StreamName":"s","APIName":"get_media"}"#,
        "APIName",
        "APIName: must be one of PUT_MEDIA, GET_MEDIA, LIST_FRAGMENTS, GET_MEDIA_FOR_FRAGMENT_LIST, GET_HLS_STREAMING_SESSION_URL, GET_DASH_STREAMING_SESSION_URL, GET_CLIP, GET_IMAGES",
    );
    ok("GetDataEndpoint", &js(r#"{"StreamName":"s","APIName":"GET_MEDIA"}"#));
    // map keys from an enum
    assert_err(
        "UpdateImageGenerationConfiguration",
        r#"{"StreamName":"s","ImageGenerationConfiguration":{"Status":"ENABLED","ImageSelectorType":"SERVER_TIMESTAMP","DestinationConfig":{"Uri":"s3://b/p","DestinationRegion":"us-west-2"},"SamplingInterval":3000,"Format":"JPEG","FormatConfig":{"PNGQuality":"1"}}}"#,
        "ImageGenerationConfiguration.FormatConfig.PNGQuality",
        "ImageGenerationConfiguration.FormatConfig.PNGQuality: key must be one of JPEGQuality",
    );
}

#[wasm_bindgen_test]
fn numbers() {
    assert_err("ListStreams", r#"{"MaxResults":0}"#, "MaxResults", "MaxResults: must be at least 1");
    assert_err("ListStreams", r#"{"MaxResults":10001}"#, "MaxResults", "MaxResults: must be at most 10000");
    assert_err("ListStreams", r#"{"MaxResults":1.5}"#, "MaxResults", "MaxResults: must be an integer");
    assert_err("ListStreams", r#"{"MaxResults":"10"}"#, "MaxResults", "MaxResults: must be a finite number");
    let input = Object::new();
    Reflect::set(&input, &"MaxResults".into(), &JsValue::from_f64(f64::NAN)).unwrap();
    assert_eq!(err("ListStreams", &input).message, "MaxResults: must be a finite number");
    assert_eq!(ok("ListStreams", &js(r#"{"MaxResults":10000}"#)), r#"{"MaxResults":10000}"#);
    // integer without limits: 32-bit range
    let base = r#"{"StreamName":"s","ImageGenerationConfiguration":{"Status":"ENABLED","ImageSelectorType":"SERVER_TIMESTAMP","DestinationConfig":{"Uri":"s3://b/p","DestinationRegion":"us-west-2"},"Format":"JPEG","SamplingInterval":"#;
    ok("UpdateImageGenerationConfiguration", &js(&format!("{base}2147483647}}}}")));
    let e = err("UpdateImageGenerationConfiguration", &js(&format!("{base}2147483648}}}}")));
    assert_eq!(e.path, "ImageGenerationConfiguration.SamplingInterval");
    assert_eq!(e.message, "ImageGenerationConfiguration.SamplingInterval: is out of range");
    assert_err(
        "UpdateSignalingChannel",
        r#"{"ChannelARN":"arn:aws:kinesisvideo:us-west-2:1:channel/a/1","CurrentVersion":"1","SingleMasterConfiguration":{"MessageTtlSeconds":4}}"#,
        "SingleMasterConfiguration.MessageTtlSeconds",
        "SingleMasterConfiguration.MessageTtlSeconds: must be at least 5",
    );
}

#[wasm_bindgen_test]
fn booleans_types_and_objects() {
    let edge = |deletion: &str| {
        format!(
            r#"{{"StreamName":"s","EdgeConfig":{{"HubDeviceArn":"arn:aws:iot:us-west-2:1:thing/h","RecorderConfig":{{"MediaSourceConfig":{{"MediaUriSecretArn":"arn:aws:secretsmanager:us-west-2:1:secret:x","MediaUriType":"RTSP_URI"}}}},"DeletionConfig":{deletion}}}}}"#
        )
    };
    ok("StartEdgeConfigurationUpdate", &js(&edge(r#"{"DeleteAfterUpload":false}"#)));
    assert_err(
        "StartEdgeConfigurationUpdate",
        &edge(r#"{"DeleteAfterUpload":"yes"}"#),
        "EdgeConfig.DeletionConfig.DeleteAfterUpload",
        "EdgeConfig.DeletionConfig.DeleteAfterUpload: must be a boolean",
    );
    assert_err(
        "StartEdgeConfigurationUpdate",
        &edge("[]"),
        "EdgeConfig.DeletionConfig",
        "EdgeConfig.DeletionConfig: must be an object",
    );
    assert_err("CreateStream", r#"{"StreamName":5}"#, "StreamName", "StreamName: must be a string");
    assert_err("CreateStream", r#"{"StreamName":"s","Tags":[]}"#, "Tags", "Tags: must be an object");
}

#[wasm_bindgen_test]
fn lists_and_maps_sizes() {
    assert_err(
        "UntagResource",
        r#"{"ResourceARN":"arn:aws:kinesisvideo:us-west-2:1:stream/a/1","TagKeyList":[]}"#,
        "TagKeyList",
        "TagKeyList: must have at least 1 item",
    );
    assert_err(
        "UntagResource",
        r#"{"ResourceARN":"arn:aws:kinesisvideo:us-west-2:1:stream/a/1","TagKeyList":"k"}"#,
        "TagKeyList",
        "TagKeyList: must be an array",
    );
    let keys: Vec<String> = (0..51).map(|i| format!("\"k{i}\"")).collect();
    assert_err(
        "UntagResource",
        &format!(
            r#"{{"ResourceARN":"arn:aws:kinesisvideo:us-west-2:1:stream/a/1","TagKeyList":[{}]}}"#,
            keys.join(",")
        ),
        "TagKeyList",
        "TagKeyList: must have at most 50 items",
    );
    assert_err(
        "UntagResource",
        r#"{"ResourceARN":"arn:aws:kinesisvideo:us-west-2:1:stream/a/1","TagKeyList":["a",""]}"#,
        "TagKeyList[1]",
        "TagKeyList[1]: must be at least 1 character",
    );
    assert_err(
        "TagResource",
        r#"{"ResourceARN":"arn:aws:kinesisvideo:us-west-2:1:stream/a/1","Tags":[{"Key":"a","Value":"b"},{"Key":"c"}]}"#,
        "Tags[1].Value",
        "Tags[1].Value: is required",
    );
    assert_err("TagStream", r#"{"StreamName":"s","Tags":{}}"#, "Tags", "Tags: must have at least 1 entry");
    assert_err("TagStream", r#"{"StreamName":"s","Tags":{"a":null}}"#, "Tags", "Tags: must have at least 1 entry");
    let entries: Vec<String> = (0..51).map(|i| format!("\"k{i}\":\"v\"")).collect();
    assert_err(
        "TagStream",
        &format!(r#"{{"StreamName":"s","Tags":{{{}}}}}"#, entries.join(",")),
        "Tags",
        "Tags: must have at most 50 entries",
    );
    assert_err("TagStream", r#"{"StreamName":"s","Tags":{"myKey":5}}"#, "Tags.myKey", "Tags.myKey: must be a string");
    assert_err(
        "TagStream",
        r#"{"StreamName":"s","Tags":{"":"v"}}"#,
        "Tags.",
        "Tags.: key must be at least 1 character",
    );
}

#[wasm_bindgen_test]
fn proto_map_key_is_data_not_prototype() {
    let body = ok("TagStream", &js(r#"{"StreamName":"s","Tags":{"__proto__":"v","b":"w"}}"#));
    assert_eq!(body, r#"{"StreamName":"s","Tags":{"__proto__":"v","b":"w"}}"#);
    let out = parse(op("ListTagsForStream"), r#"{"Tags":{"__proto__":"x"}}"#).unwrap();
    let tags = get(&out, "Tags");
    assert_eq!(Object::keys(tags.unchecked_ref::<Object>()).length(), 1);
    assert_eq!(stringify(&out), r#"{"Tags":{"__proto__":"x"}}"#);
}

#[wasm_bindgen_test]
fn one_of_rules() {
    assert_err("DescribeStream", "{}", "StreamName", "StreamName: one of StreamName, StreamARN is required");
    assert_err(
        "DescribeStream",
        r#"{"StreamName":null,"StreamARN":null}"#,
        "StreamName",
        "StreamName: one of StreamName, StreamARN is required",
    );
    assert_err(
        "DescribeSignalingChannel",
        "{}",
        "ChannelName",
        "ChannelName: one of ChannelName, ChannelARN is required",
    );
    assert_err(
        "TagStream",
        r#"{"Tags":{"a":"b"}}"#,
        "StreamARN",
        "StreamARN: one of StreamARN, StreamName is required",
    );
    assert_eq!(ok("DescribeStream", &js(r#"{"StreamName":"s"}"#)), r#"{"StreamName":"s"}"#);
    ok("DescribeStream", &js(r#"{"StreamARN":"arn:aws:kinesisvideo:us-west-2:1:stream/a/1"}"#));
    ok("DescribeStream", &js(r#"{"StreamName":"a","StreamARN":"arn:aws:kinesisvideo:us-west-2:1:stream/a/1"}"#));
    // no rule where the documentation states none
    ok(
        "UpdateStreamStorageConfiguration",
        &js(r#"{"CurrentVersion":"1","StreamStorageConfiguration":{"DefaultStorageTier":"WARM"}}"#),
    );
}

// ---------------------------------------------------------------- parsing

#[wasm_bindgen_test]
fn parse_output_nulls_timestamps_unknowns_enums() {
    let body = r#"{
        "StreamInfo": {
            "DeviceName": null,
            "StreamName": "camera_101",
            "StreamARN": "arn:aws:kinesisvideo:us-west-2:123456789012:stream/camera_101/1705489836421",
            "MediaType": null,
            "KmsKeyId": "arn:aws:kms:us-west-2:123456789012:alias/aws/kinesisvideo",
            "Version": "AbCdEfGhIjKlMnOpQrSt",
            "Status": "HIBERNATING",
            "CreationTime": 1.705489836421E9,
            "DataRetentionInHours": 0,
            "SomethingNew": {"x": 1}
        },
        "TopLevelUnknown": true
    }"#;
    let out = parse(op("DescribeStream"), body).unwrap();
    let info = get(&out, "StreamInfo");
    assert_eq!(
        Object::keys(info.unchecked_ref::<Object>()).join(",").as_string().unwrap(),
        "StreamName,StreamARN,KmsKeyId,Version,Status,CreationTime,DataRetentionInHours"
    );
    assert!(get(&out, "TopLevelUnknown").is_undefined());
    assert_eq!(get(&info, "Status").as_string().unwrap(), "HIBERNATING");
    assert_eq!(get(&info, "DataRetentionInHours").as_f64(), Some(0.0));
    let t = get(&info, "CreationTime");
    let d = t.dyn_ref::<Date>().expect("Date");
    assert_eq!(d.get_time(), 1705489836421.0);
}

#[wasm_bindgen_test]
fn parse_output_timestamp_forms() {
    let at = |v: &str| {
        let out =
            parse(op("DescribeSignalingChannel"), &format!(r#"{{"ChannelInfo":{{"CreationTime":{v}}}}}"#)).unwrap();
        get(&get(&out, "ChannelInfo"), "CreationTime")
    };
    let ms = |v: JsValue| v.dyn_ref::<Date>().map(|d| d.get_time());
    assert_eq!(ms(at("1700000000")), Some(1700000000000.0));
    assert_eq!(ms(at("1700000000.5")), Some(1700000000500.0));
    assert_eq!(ms(at("\"1700000000.25\"")), Some(1700000000250.0));
    assert_eq!(ms(at("\"2023-11-14T22:13:20Z\"")), Some(1700000000000.0));
    assert_eq!(ms(at("\"2023-11-14T22:13:20.123Z\"")), Some(1700000000123.0));
    // nothing sensible: the member is named in the error
    for v in ["\"not a date\"", "true", "\"\"", "{}"] {
        let body = format!(r#"{{"ChannelInfo":{{"CreationTime":{v}}}}}"#);
        let e = parse(op("DescribeSignalingChannel"), &body).unwrap_err();
        assert_eq!(e, "response member ChannelInfo.CreationTime is not a timestamp", "{v}");
    }
    let info =
        get(&parse(op("DescribeSignalingChannel"), r#"{"ChannelInfo":{"CreationTime":null}}"#).unwrap(), "ChannelInfo");
    assert_eq!(Object::keys(info.unchecked_ref::<Object>()).length(), 0);
}

#[wasm_bindgen_test]
fn parse_output_lists_maps_and_nested() {
    let body = r#"{"StreamInfoList":[null,{"StreamName":"a","CreationTime":1,"Extra":1},{"StreamName":"b"}],"NextToken":null}"#;
    let out = parse(op("ListStreams"), body).unwrap();
    assert_eq!(
        stringify(&out),
        r#"{"StreamInfoList":[{"StreamName":"a","CreationTime":"1970-01-01T00:00:01.000Z"},{"StreamName":"b"}]}"#
    );
    let out = parse(op("ListTagsForResource"), r#"{"Tags":{"a":"1","b":null},"NextToken":"t"}"#).unwrap();
    assert_eq!(stringify(&out), r#"{"NextToken":"t","Tags":{"a":"1"}}"#); // model order
                                                                          // Outputs are not validated against input constraints (real ICE usernames break the pattern).
    let out = parse(
        op("GetIceServerConfig"),
        r#"{"IceServerList":[{"Password":"a/b+c=","Ttl":300,"Uris":["turn:1-2-3-4.t-abc.kinesisvideo.us-west-2.amazonaws.com:443?transport=udp"],"Username":"1700000000:djE6YXJu"}]}"#,
    )
    .unwrap();
    let first = get(&get(&out, "IceServerList"), "0");
    assert_eq!(get(&first, "Username").as_string().unwrap(), "1700000000:djE6YXJu");
    assert_eq!(get(&first, "Ttl").as_f64(), Some(300.0));
    // wrong JSON types are refused, naming the member
    let e = parse(op("ListStreams"), r#"{"StreamInfoList":"weird"}"#).unwrap_err();
    assert_eq!(e, "response member StreamInfoList is not an array");
    let e = parse(op("GetIceServerConfig"), r#"{"IceServerList":[{"Ttl":"300"}]}"#).unwrap_err();
    assert_eq!(e, "response member IceServerList[0].Ttl is not an integer");
}

#[wasm_bindgen_test]
fn parse_output_bodies() {
    for empty in ["", "  ", "\n"] {
        let out = parse(op("DeleteStream"), empty).unwrap();
        assert_eq!(stringify(&out), "{}");
    }
    assert_eq!(stringify(&parse(op("DeleteStream"), "{}").unwrap()), "{}");
    assert!(parse(op("DescribeStream"), "{\"StreamInfo\":").is_err());
    assert!(parse(op("DescribeStream"), "<html>502</html>").is_err());
    assert!(parse(op("DescribeStream"), "[]").is_err());
    assert!(parse(op("DescribeStream"), "null").is_err());
    assert!(parse(op("DescribeStream"), "42").is_err());
    // an operation with an empty output ignores whatever is sent
    assert_eq!(stringify(&parse(op("DeleteStream"), r#"{"x":1}"#).unwrap()), "{}");
}
