//! Runs the `kinesisvideo` endpoint rule set's official test cases through
//! `endpoint::resolve`, and checks `endpoint::stun_uri` across partitions.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_video_wasm::endpoint::{partition, resolve, stun_uri, EndpointParams};
use serde_json::Value;
use std::path::PathBuf;

const TESTS_PATH: &str = "../shared/reference/botocore/kinesisvideo/2017-09-30/endpoint-tests-1.json";

fn load_cases() -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(TESTS_PATH);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("missing endpoint rule set tests: cannot read {} ({e})", path.display()));
    let doc: Value = serde_json::from_str(&text).expect("endpoint-tests-1.json is not valid JSON");
    doc["testCases"].as_array().expect("endpoint-tests-1.json has no testCases array").clone()
}

#[test]
fn rule_set_test_cases() {
    let cases = load_cases();
    assert_eq!(cases.len(), 36, "expected the 36 kinesisvideo endpoint test cases");
    let mut failures = Vec::new();
    for case in &cases {
        let doc = case["documentation"].as_str().unwrap_or("(undocumented)");
        let params = &case["params"];
        let flag = |name: &str| params[name].as_bool().unwrap_or(false);
        let p = EndpointParams {
            region: params["Region"].as_str(),
            use_fips: flag("UseFIPS"),
            use_dualstack: flag("UseDualStack"),
            endpoint: params["Endpoint"].as_str(),
        };
        let got = resolve(&p);
        let expect = &case["expect"];
        if let Some(url) = expect["endpoint"]["url"].as_str() {
            match &got {
                Ok(u) if u == url => {}
                Ok(u) => failures.push(format!("{doc}: got URL {u}, expected {url}")),
                Err(e) => failures.push(format!("{doc}: got error {e:?}, expected URL {url}")),
            }
        } else if let Some(message) = expect["error"].as_str() {
            match &got {
                Err(e) if e.message() == message => assert_eq!(e.to_string(), message),
                Err(e) => failures.push(format!("{doc}: got error {e:?}, expected {message:?}")),
                Ok(u) => failures.push(format!("{doc}: got URL {u}, expected error {message:?}")),
            }
        } else {
            failures.push(format!("{doc}: test case expects neither a URL nor an error"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

fn region(region: &str, use_fips: bool, use_dualstack: bool) -> Result<String, String> {
    resolve(&EndpointParams { region: Some(region), use_fips, use_dualstack, endpoint: None })
        .map_err(|e| e.message().to_owned())
}

#[test]
fn regions_beyond_the_test_cases() {
    let ok = |r: &str, f, d| region(r, f, d).unwrap();
    assert_eq!(ok("us-gov-west-1", false, false), "https://kinesisvideo.us-gov-west-1.amazonaws.com");
    assert_eq!(ok("us-gov-west-1", true, true), "https://kinesisvideo-fips.us-gov-west-1.api.aws");
    assert_eq!(ok("cn-northwest-1", false, false), "https://kinesisvideo.cn-northwest-1.amazonaws.com.cn");
    assert_eq!(ok("eu-isoe-west-1", false, false), "https://kinesisvideo.eu-isoe-west-1.cloud.adc-e.uk");
    assert_eq!(ok("us-isof-south-1", true, false), "https://kinesisvideo-fips.us-isof-south-1.csp.hci.ic.gov");
    assert_eq!(ok("eusc-de-east-1", false, false), "https://kinesisvideo.eusc-de-east-1.amazonaws.eu");
    assert_eq!(ok("ap-southeast-7", false, true), "https://kinesisvideo.ap-southeast-7.api.aws");
    assert_eq!(ok("mx-central-1", false, false), "https://kinesisvideo.mx-central-1.amazonaws.com");
    // Unknown region names fall back to the aws partition.
    assert_eq!(ok("moon-base-1", false, false), "https://kinesisvideo.moon-base-1.amazonaws.com");
    assert_eq!(ok("local", false, false), "https://kinesisvideo.local.amazonaws.com");
    // A custom endpoint wins over the region, which then need not be valid.
    let custom =
        EndpointParams { region: Some("not a region"), endpoint: Some("http://localhost:4566"), ..Default::default() };
    assert_eq!(resolve(&custom).unwrap(), "http://localhost:4566");
}

#[test]
fn regions_that_are_not_host_labels_are_rejected() {
    let invalid = "Invalid region: region was not a valid DNS name.";
    let too_long = "a".repeat(64);
    for bad in
        ["", "-us-east-1", "us-east-1.evil.com", "evil.com#", "us_east_1", "us east 1", "us-east-1/", too_long.as_str()]
    {
        assert_eq!(region(bad, false, false), Err(invalid.to_owned()), "{bad:?}");
    }
    assert!(region(&"a".repeat(63), false, false).is_ok());
}

#[test]
fn partition_lookup() {
    let name = |r: &str| partition(r).name;
    assert_eq!(name("us-east-1"), "aws");
    assert_eq!(name("aws-global"), "aws");
    assert_eq!(name("cn-north-1"), "aws-cn");
    assert_eq!(name("aws-cn-global"), "aws-cn");
    assert_eq!(name("us-gov-east-1"), "aws-us-gov");
    assert_eq!(name("aws-us-gov-global"), "aws-us-gov");
    assert_eq!(name("us-iso-west-1"), "aws-iso");
    assert_eq!(name("us-isob-east-1"), "aws-iso-b");
    assert_eq!(name("eu-isoe-west-1"), "aws-iso-e");
    assert_eq!(name("us-isof-east-1"), "aws-iso-f");
    assert_eq!(name("aws-iso-f-global"), "aws-iso-f");
    assert_eq!(name("eusc-de-east-1"), "aws-eusc");
    // Names that do not fit any pattern: the aws partition.
    assert_eq!(name("cn-north"), "aws");
    assert_eq!(name("us-gov-west-x"), "aws");
    assert_eq!(name("US-EAST-1"), "aws");
    assert_eq!(partition("us-gov-west-1").implicit_global_region, "us-gov-west-1");
    assert_eq!(partition("cn-north-1").implicit_global_region, "cn-northwest-1");
    assert!(partition("us-isob-east-1").supports_fips);
}

#[test]
fn stun_uris() {
    let cases = [
        ("us-east-1", false, false, "stun:stun.kinesisvideo.us-east-1.amazonaws.com:443"),
        ("us-east-1", false, true, "stun:stun.kinesisvideo.us-east-1.api.aws:443"),
        ("us-east-1", true, false, "stuns:stun.kinesisvideo-fips.us-east-1.amazonaws.com:443"),
        ("us-east-1", true, true, "stuns:stun.kinesisvideo-fips.us-east-1.api.aws:443"),
        ("eu-west-1", false, false, "stun:stun.kinesisvideo.eu-west-1.amazonaws.com:443"),
        ("ap-southeast-5", false, false, "stun:stun.kinesisvideo.ap-southeast-5.amazonaws.com:443"),
        ("il-central-1", false, true, "stun:stun.kinesisvideo.il-central-1.api.aws:443"),
        ("cn-north-1", false, false, "stun:stun.kinesisvideo.cn-north-1.amazonaws.com.cn:443"),
        ("cn-northwest-1", false, true, "stun:stun.kinesisvideo.cn-northwest-1.api.amazonwebservices.com.cn:443"),
        ("cn-northwest-1", true, false, "stuns:stun.kinesisvideo-fips.cn-northwest-1.amazonaws.com.cn:443"),
        ("us-gov-west-1", false, false, "stun:stun.kinesisvideo.us-gov-west-1.amazonaws.com:443"),
        ("us-gov-west-1", false, true, "stun:stun.kinesisvideo.us-gov-west-1.api.aws:443"),
        ("us-gov-east-1", true, false, "stuns:stun.kinesisvideo-fips.us-gov-east-1.amazonaws.com:443"),
        ("us-iso-east-1", false, false, "stun:stun.kinesisvideo.us-iso-east-1.c2s.ic.gov:443"),
        ("us-isob-east-1", false, false, "stun:stun.kinesisvideo.us-isob-east-1.sc2s.sgov.gov:443"),
        ("eu-isoe-west-1", false, false, "stun:stun.kinesisvideo.eu-isoe-west-1.cloud.adc-e.uk:443"),
        ("us-isof-south-1", true, false, "stuns:stun.kinesisvideo-fips.us-isof-south-1.csp.hci.ic.gov:443"),
        ("eusc-de-east-1", false, false, "stun:stun.kinesisvideo.eusc-de-east-1.amazonaws.eu:443"),
        ("xx-unknown-1", false, false, "stun:stun.kinesisvideo.xx-unknown-1.amazonaws.com:443"),
    ];
    for (region, fips, dualstack, expected) in cases {
        assert_eq!(stun_uri(region, fips, dualstack), expected, "{region} fips={fips} dualstack={dualstack}");
    }
}
