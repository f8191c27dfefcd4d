//! Native checks of the generated tables and lookups.

use super::generated::*;
use super::*;

const SIGNALING_OPS: [&str; 2] = ["GetIceServerConfig", "SendAlexaOfferToMaster"];

#[test]
fn thirty_four_operations() {
    assert_eq!(operations().len(), 34);
    let kv = operations().iter().filter(|o| o.service == Service::KinesisVideo).count();
    let sig = operations().iter().filter(|o| o.service == Service::Signaling).count();
    assert_eq!((kv, sig), (32, 2));
    for name in SIGNALING_OPS {
        assert_eq!(operation(name).map(|o| o.service), Some(Service::Signaling));
    }
    for name in [
        "DeleteEdgeConfiguration",
        "DescribeEdgeConfiguration",
        "DescribeMappedResourceConfiguration",
        "DescribeMediaStorageConfiguration",
        "DescribeStreamStorageConfiguration",
        "ListEdgeAgentConfigurations",
        "StartEdgeConfigurationUpdate",
        "UpdateMediaStorageConfiguration",
        "UpdateStreamStorageConfiguration",
        "CreateStream",
        "DescribeStream",
        "ListStreams",
    ] {
        assert_eq!(operation(name).map(|o| o.service), Some(Service::KinesisVideo), "{name}");
    }
    assert!(operation("describeStream").is_none());
    assert!(operation("Nope").is_none());
}

#[test]
fn operation_fields() {
    let op = operation("DescribeStream").unwrap();
    assert_eq!(op.uri(), "/describeStream");
    assert_eq!(operation("TagResource").unwrap().uri(), "/TagResource");
    let op = operation("GetIceServerConfig").unwrap();
    assert_eq!(op.uri(), "/v1/get-ice-server-config");
    for (i, op) in operations().iter().enumerate() {
        assert_eq!(op.index(), i);
        assert!(op.uri().starts_with('/'));
        assert!(std::ptr::eq(operation(op.name).unwrap(), op));
    }
    // Sorted by name within each service, KinesisVideo first.
    let names: Vec<_> = operations().iter().map(|o| (o.service != Service::KinesisVideo, o.name)).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

fn check_shape(ix: ShapeIx, depth: usize) {
    assert!(depth < 16, "shape nesting too deep (recursive?)");
    let sh = SHAPES.get(ix as usize).expect("shape index in range");
    match sh.kind {
        Kind::Structure => {
            let ms = members(sh);
            assert_eq!(ms.len(), sh.b as usize);
            for m in ms {
                let name = text(m.name);
                assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()), "{name}");
                check_shape(m.shape, depth + 1);
            }
        }
        Kind::List => check_shape(sh.a as ShapeIx, depth + 1),
        Kind::Map => {
            assert_eq!(SHAPES[sh.a as usize].kind, Kind::String);
            check_shape(sh.a as ShapeIx, depth + 1);
            check_shape(sh.b as ShapeIx, depth + 1);
        }
        Kind::String => {
            if sh.a > 0 {
                assert!(!pattern_text(sh.a as usize - 1).is_empty());
            }
            if sh.b > 0 {
                let vals = enum_values(sh).expect("enum in range");
                assert!(!vals.is_empty());
            }
        }
        _ => {}
    }
    if has_min(sh) && has_max(sh) {
        assert!(limits(sh).0 <= limits(sh).1);
    }
}

#[test]
fn every_input_and_output_resolves() {
    for op in operations() {
        assert_eq!(shape(op.input).kind, Kind::Structure, "{}", op.name);
        assert_eq!(shape(op.output).kind, Kind::Structure, "{}", op.name);
        check_shape(op.input, 0);
        check_shape(op.output, 0);
    }
    // The strings all slice cleanly.
    for m in MEMBERS.iter() {
        assert_eq!(text(m.name).len(), m.name.1 as usize);
    }
    for v in ENUM_VALUES.iter() {
        assert_eq!(text(*v).len(), v.1 as usize);
    }
}

fn member_names(op: &str) -> Vec<(&'static str, bool)> {
    let op = operation(op).unwrap();
    members(shape(op.input)).iter().map(|m| (text(m.name), m.required)).collect()
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

#[test]
fn limits_enums_and_patterns() {
    let op = operation("CreateStream").unwrap();
    let find = |name: &str| members(shape(op.input)).iter().find(|m| text(m.name) == name).unwrap();
    let sn = shape(find("StreamName").shape);
    assert_eq!((sn.kind, limits(sn)), (Kind::String, (1, 256)));
    assert_eq!(pattern_text(pattern_of(sn).unwrap()), "[a-zA-Z0-9_.-]+");
    let dr = shape(find("DataRetentionInHours").shape);
    assert_eq!((dr.kind, limits(dr).0, has_max(dr)), (Kind::Integer, 0, false));
    let tags = shape(find("Tags").shape);
    assert_eq!((tags.kind, limits(tags)), (Kind::Map, (1, 50)));
    let key = shape(tags.a as ShapeIx);
    assert_eq!(limits(key), (1, 128));
    assert_eq!(pattern_text(pattern_of(key).unwrap()), "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");
    let ssc = shape(find("StreamStorageConfiguration").shape);
    let tier = members(ssc).first().unwrap();
    assert_eq!(text(tier.name), "DefaultStorageTier");
    assert!(tier.required);
    let vals: Vec<_> = enum_values(shape(tier.shape)).unwrap().iter().map(|&s| text(s)).collect();
    assert_eq!(vals, ["HOT", "WARM"]);

    // Sensitive flag survives.
    let ec = operation("StartEdgeConfigurationUpdate").unwrap();
    let mut found = false;
    fn walk(ix: ShapeIx, found: &mut bool) {
        let sh = shape(ix);
        for m in members(sh) {
            if text(m.name) == "MediaUriSecretArn" {
                *found = shape(m.shape).sensitive;
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
    let mut sorted: Vec<_> = ERRORS.iter().map(|e| text(e.name)).collect();
    let orig = sorted.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(orig, sorted, "ERRORS sorted and unique");
    assert_eq!(ERRORS.len(), 17);

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
        ]
    );
    for op in operations() {
        let ms = members(shape(op.input));
        for rule in one_of_rules(op.input) {
            assert!(!rule.exactly);
            let names: Vec<_> = ms
                .iter()
                .enumerate()
                .filter(|(i, _)| rule.mask & (1 << i) != 0)
                .map(|(_, m)| {
                    assert!(!m.required);
                    text(m.name)
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

/// npm/operations.js installs each JS method to call `__call(index)`: its rows must name the
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
        let svc = match op.service {
            Service::KinesisVideo => "KinesisVideo",
            Service::Signaling => "Signaling",
        };
        let mut lower = op.name.to_string();
        lower[..1].make_ascii_lowercase();
        assert_eq!((*service, *method), (svc, lower.as_str()));
    }
}

#[test]
fn integers_format_without_fmt() {
    for n in [0i64, 1, 9, 10, 128, 2000000, -5, i64::MAX, i64::MIN] {
        let mut s = String::new();
        push_int(&mut s, n);
        assert_eq!(s, n.to_string());
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
    let mut all: Vec<&str> = MEMBERS.iter().map(|m| text(m.name)).collect();
    all.extend(ENUM_VALUES.iter().map(|&v| text(v)));
    all.extend(ERRORS.iter().map(|e| text(e.name)));
    all.extend(PATTERNS.iter().map(|&p| text(p)));
    all.sort();
    all.dedup();
    assert!(STRINGS.len() <= all.iter().map(|s| s.len()).sum::<usize>());
    assert!(STRINGS.is_ascii());
}
