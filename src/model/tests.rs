//! Native checks of the generated tables and lookups.

use super::*;

/// What model/ says, read from disk (natively only: the wasm tests have no files).
#[cfg(not(target_arch = "wasm32"))]
mod files {
    pub fn json(file: &str) -> serde_json::Value {
        let text = std::fs::read_to_string(format!("{}/model/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// The registry's services, in order: each id and its model.
    pub fn services() -> Vec<(String, serde_json::Value)> {
        let reg = json("services.json");
        let rows = reg["services"].as_array().unwrap();
        rows.iter().map(|s| (s["id"].as_str().unwrap().into(), json(s["model"].as_str().unwrap()))).collect()
    }

    /// Every exception of every model, once, sorted.
    pub fn exceptions() -> Vec<String> {
        let mut names: Vec<String> = services()
            .iter()
            .flat_map(|(_, m)| m["shapes"].as_object().unwrap().iter())
            .filter(|(_, shape)| shape["exception"] == true)
            .map(|(name, _)| name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_operation_of_every_service_in_registry_order() {
    let mut expected: Vec<(String, String)> = Vec::new();
    for (id, model) in files::services() {
        let mut ops: Vec<String> = model["operations"].as_object().unwrap().keys().cloned().collect();
        ops.sort();
        expected.extend(ops.into_iter().map(|op| (id.clone(), op)));
    }
    let table: Vec<(String, String)> =
        operations().iter().map(|o| (format!("{:?}", o.service), o.name.to_string())).collect();
    assert_eq!(table, expected);
    assert_eq!(Service::ALL.len(), files::services().len());
    for name in ["GetIceServerConfig", "SendAlexaOfferToMaster"] {
        assert_eq!(operation(name).map(|o| o.service), Some(Service::Signaling));
    }
    assert_eq!(operation("GetClip").map(|o| o.service), Some(Service::ArchivedMedia));
    assert_eq!(operation("GetMedia").map(|o| o.service), Some(Service::Media));
    assert_eq!(operation("JoinStorageSession").map(|o| o.service), Some(Service::WebRTCStorage));
    assert!(Service::KinesisVideo.resolves_endpoint());
    assert!(!Service::ArchivedMedia.resolves_endpoint());
    assert!(operation("describeStream").is_none());
    assert!(operation("Nope").is_none());
}

#[test]
fn payloads_and_header_members() {
    let clip = operation("GetClip").unwrap();
    assert_eq!(clip.payload.member(), Some("Payload"));
    assert!(matches!(clip.payload, Payload::Whole(_)), "a clip is read whole");
    assert_eq!(clip.header_members().collect::<Vec<_>>(), [("ContentType", "content-type")]);
    for name in ["GetMedia", "GetMediaForFragmentList"] {
        let op = operation(name).unwrap();
        assert!(matches!(op.payload, Payload::Stream(_)), "{name} is a stream");
        assert_eq!(op.header_members().count(), 1);
    }
    let images = operation("GetImages").unwrap();
    assert_eq!((images.payload, images.header_members().count()), (Payload::None, 0));
    // The JSON part of a payload output is empty.
    assert!(matches!(shape(clip.output), Shape::Structure { members } if members.len == 0));
}

#[test]
fn operation_fields() {
    let op = operation("DescribeStream").unwrap();
    assert_eq!(op.uri(), "/describeStream");
    assert_eq!(operation("TagResource").unwrap().uri(), "/TagResource");
    let op = operation("GetIceServerConfig").unwrap();
    assert_eq!(op.uri(), "/v1/get-ice-server-config");
    for (i, op) in operations().iter().enumerate() {
        let id = OperationId::from_index(i).unwrap();
        assert!(std::ptr::eq(id.operation(), op));
        assert_eq!(operation_id(op.name), Some(id));
        assert!(op.uri().starts_with('/'));
        assert!(std::ptr::eq(operation(op.name).unwrap(), op));
    }
    // Sorted by name within each service, the services in the registry's order.
    let position = |s: Service| Service::ALL.iter().position(|x| *x == s).unwrap();
    let names: Vec<_> = operations().iter().map(|o| (position(o.service), o.name)).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

fn check_limits(limits: Limits) {
    let b = bounds(limits);
    if let (Some(min), Some(max)) = (b.min, b.max) {
        assert!(min <= max);
    }
}

fn check_shape(ix: ShapeIx, depth: usize) {
    assert!(depth < 16, "shape nesting too deep (recursive?)");
    let sh = SHAPES.get(ix.0 as usize).expect("shape index in range");
    match *sh {
        Shape::Structure { members: span } => {
            let ms = members(span);
            assert_eq!(ms.len(), span.len as usize);
            for m in ms {
                let name = m.name.text();
                assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()), "{name}");
                check_shape(m.shape, depth + 1);
            }
        }
        Shape::List { member, limits } => {
            check_limits(limits);
            check_shape(member, depth + 1);
        }
        Shape::Map { key, value, limits } => {
            check_limits(limits);
            assert!(matches!(SHAPES[key.0 as usize], Shape::String { .. }));
            check_shape(key, depth + 1);
            check_shape(value, depth + 1);
        }
        Shape::String { limits, pattern, values, .. } => {
            check_limits(limits);
            if let Some(p) = pattern {
                assert!(!pattern_text(p).is_empty());
            }
            if let Some(v) = values {
                assert!(!v.of(&ENUM_VALUES).is_empty());
                assert_eq!(v.of(&ENUM_VALUES).len(), v.len as usize, "enum in range");
            }
        }
        Shape::Integer { limits } | Shape::Long { limits } | Shape::Double { limits } => check_limits(limits),
        Shape::Boolean | Shape::Timestamp => {}
    }
}

fn is_structure(ix: ShapeIx) -> bool {
    matches!(shape(ix), Shape::Structure { .. })
}

/// The members of a structure shape (none for other shapes).
fn members_of(ix: ShapeIx) -> &'static [Member] {
    match *shape(ix) {
        Shape::Structure { members: span } => members(span),
        _ => &[],
    }
}

#[test]
fn every_input_and_output_resolves() {
    for op in operations() {
        assert!(is_structure(op.input), "{}", op.name);
        assert!(is_structure(op.output), "{}", op.name);
        check_shape(op.input, 0);
        check_shape(op.output, 0);
    }
    // The strings all slice cleanly.
    for m in MEMBERS.iter() {
        assert_eq!(m.name.text().len(), m.name.len as usize);
    }
    for v in ENUM_VALUES.iter() {
        assert_eq!(v.text().len(), v.len as usize);
    }
}

fn member_names(op: &str) -> Vec<(&'static str, bool)> {
    let op = operation(op).unwrap();
    members_of(op.input).iter().map(|m| (m.name.text(), m.required)).collect()
}

#[test]
fn members_and_required_flags() {
    assert_eq!(
        member_names("CreateStream"),
        vec![
            ("DeviceName", false),
            ("StreamName", true),
            ("MediaType", false),
            ("KmsKeyId", false),
            ("DataRetentionInHours", false),
            ("Tags", false),
            ("StreamStorageConfiguration", false),
        ]
    );
    assert_eq!(member_names("DescribeStream"), vec![("StreamName", false), ("StreamARN", false)]);
    assert_eq!(
        member_names("SendAlexaOfferToMaster"),
        vec![("ChannelARN", true), ("SenderClientId", true), ("MessagePayload", true)]
    );
    let ice = member_names("GetIceServerConfig");
    assert_eq!(ice.iter().filter(|m| m.1).count(), 1);
}

fn string_parts(ix: ShapeIx) -> (Bounds, Option<PatternIx>, Option<Span>, bool) {
    match *shape(ix) {
        Shape::String { limits, pattern, values, sensitive } => (bounds(limits), pattern, values, sensitive),
        _ => panic!("not a string shape"),
    }
}

#[test]
fn limits_enums_and_patterns() {
    let op = operation("CreateStream").unwrap();
    let find = |name: &str| members_of(op.input).iter().find(|m| m.name.text() == name).unwrap();
    let (sn, pattern, _, _) = string_parts(find("StreamName").shape);
    assert_eq!(sn, Bounds { min: Some(1), max: Some(256) });
    assert_eq!(pattern_text(pattern.unwrap()), "[a-zA-Z0-9_.-]+");
    let Shape::Integer { limits } = *shape(find("DataRetentionInHours").shape) else { panic!("an integer") };
    assert_eq!(bounds(limits), Bounds { min: Some(0), max: None });
    let Shape::Map { key, limits, .. } = *shape(find("Tags").shape) else { panic!("a map") };
    assert_eq!(bounds(limits), Bounds { min: Some(1), max: Some(50) });
    let (key_bounds, key_pattern, _, _) = string_parts(key);
    assert_eq!(key_bounds, Bounds { min: Some(1), max: Some(128) });
    assert_eq!(pattern_text(key_pattern.unwrap()), "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");
    let tier = members_of(find("StreamStorageConfiguration").shape).first().unwrap();
    assert_eq!(tier.name.text(), "DefaultStorageTier");
    assert!(tier.required);
    let (_, _, values, _) = string_parts(tier.shape);
    let vals: Vec<_> = values.unwrap().of(&ENUM_VALUES).iter().map(|s| s.text()).collect();
    assert_eq!(vals, ["HOT", "WARM"]);

    // Sensitive flag survives.
    let ec = operation("StartEdgeConfigurationUpdate").unwrap();
    let mut found = false;
    fn walk(ix: ShapeIx, found: &mut bool) {
        for m in members_of(ix) {
            if m.name.text() == "MediaUriSecretArn" {
                *found = string_parts(m.shape).3;
            }
            walk(m.shape, found);
        }
    }
    walk(ec.input, &mut found);
    assert!(found);
    assert!(PATTERNS.len() >= 14);
}

#[test]
fn errors() {
    assert!(is_modeled_error("ResourceNotFoundException"));
    assert!(is_modeled_error("SessionExpiredException"));
    assert!(is_modeled_error("StreamEdgeConfigurationNotFoundException"));
    assert!(!is_modeled_error("ValidationError"));
    assert!(!is_modeled_error("InvalidSignatureException"));
    assert!(!is_modeled_error(""));
    assert_eq!(modeled_error_status("ResourceNotFoundException"), Some(404));
    assert_eq!(modeled_error_status("NotAuthorizedException"), Some(401));
    assert_eq!(modeled_error_status("AccessDeniedException"), Some(401));
    assert_eq!(modeled_error_status("ClientLimitExceededException"), Some(400));
    let mut sorted: Vec<_> = ERRORS.iter().map(|e| e.name.text()).collect();
    let orig = sorted.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(orig, sorted, "ERRORS sorted and unique");
    #[cfg(not(target_arch = "wasm32"))]
    assert_eq!(orig, files::exceptions(), "every exception of every model");

    let ds = operation("DeleteStream").unwrap();
    assert!(ds.declares_error("VersionMismatchException"));
    assert!(ds.declares_error("ResourceInUseException"));
    assert!(!ds.declares_error("AccessDeniedException"));
    let ice = operation("GetIceServerConfig").unwrap();
    assert_eq!(
        ice.error_names().collect::<Vec<_>>(),
        [
            "InvalidClientException",
            "SessionExpiredException",
            "ClientLimitExceededException",
            "ResourceNotFoundException",
            "InvalidArgumentException",
            "NotAuthorizedException"
        ]
    );
    for op in operations() {
        assert!(op.error_names().count() > 0, "{}", op.name);
        for e in op.error_names() {
            assert!(is_modeled_error(e), "{e}");
        }
    }
}

#[test]
fn one_of_rules_cover_documented_inputs() {
    let with_rule: Vec<_> =
        operations().iter().filter(|o| one_of_rules(o.input).next().is_some()).map(|o| o.name).collect();
    assert_eq!(
        with_rule,
        [
            "DeleteEdgeConfiguration",
            "DescribeEdgeConfiguration",
            "DescribeImageGenerationConfiguration",
            "DescribeMappedResourceConfiguration",
            "DescribeMediaStorageConfiguration",
            "DescribeNotificationConfiguration",
            "DescribeSignalingChannel",
            "DescribeStream",
            "DescribeStreamStorageConfiguration",
            "GetDataEndpoint",
            "ListTagsForStream",
            "StartEdgeConfigurationUpdate",
            "TagStream",
            "UntagStream",
            "UpdateDataRetention",
            "UpdateImageGenerationConfiguration",
            "UpdateNotificationConfiguration",
            "UpdateStream",
            "GetClip",
            "GetDASHStreamingSessionURL",
            "GetHLSStreamingSessionURL",
            "GetImages",
            "GetMediaForFragmentList",
            "ListFragments",
            "GetMedia",
        ]
    );
    for op in operations() {
        let ms = members_of(op.input);
        for rule in one_of_rules(op.input) {
            assert!(!rule.exactly);
            let names: Vec<_> = ms
                .iter()
                .enumerate()
                .filter(|(i, _)| rule.members & (1 << i) != 0)
                .map(|(_, m)| {
                    assert!(!m.required);
                    m.name.text()
                })
                .collect();
            let ok = names == ["StreamName", "StreamARN"]
                || names == ["StreamARN", "StreamName"]
                || names == ["ChannelName", "ChannelARN"];
            assert!(ok, "{}: {names:?}", op.name);
        }
    }
    // Output shapes carry no rules.
    for op in operations() {
        assert!(one_of_rules(op.output).next().is_none());
    }
}

/// npm/operations.js installs each JS method to call `__start(index)`: its rows must name the
/// operations of `operations()`, in the same order.
#[test]
fn js_operation_rows_match_table() {
    let js = include_str!("../../npm/operations.js");
    let rows: Vec<(&str, &str)> = js
        .lines()
        .filter_map(|l| l.trim().strip_prefix("[\""))
        .filter_map(|l| l.split_once("\"], //"))
        .filter_map(|(row, _)| row.split_once("\", \""))
        .collect();
    assert_eq!(rows.len(), operations().len());
    for ((service, method), op) in rows.iter().zip(operations()) {
        let svc = format!("{:?}", op.service);
        let mut lower = op.name.to_string();
        lower[..1].make_ascii_lowercase();
        assert_eq!((*service, *method), (svc.as_str(), lower.as_str()));
    }
}

#[test]
fn validation_error_message_names_path() {
    let e = ValidationError::new("StreamName", &["must be at least ", "1", " character"]);
    assert_eq!(e.path, "StreamName");
    assert_eq!(e.message, "StreamName: must be at least 1 character");
    let e = ValidationError::new("", &["must be an object"]);
    assert_eq!((e.path.as_str(), e.message.as_str()), ("input", "input: must be an object"));
}

#[test]
fn blob_is_deduplicated() {
    // Shared names are stored once (shorter ones inside longer ones where possible).
    assert_eq!(STRINGS.matches("StreamName").count(), 1);
    assert_eq!(STRINGS.matches("ResourceNotFoundException").count(), 1);
    let mut all: Vec<&str> = MEMBERS.iter().map(|m| m.name.text()).collect();
    all.extend(ENUM_VALUES.iter().map(|v| v.text()));
    all.extend(ERRORS.iter().map(|e| e.name.text()));
    all.extend(PATTERNS.iter().map(|p| p.text()));
    all.sort();
    all.dedup();
    assert!(STRINGS.len() <= all.iter().map(|s| s.len()).sum::<usize>());
    assert!(STRINGS.is_ascii());
}
