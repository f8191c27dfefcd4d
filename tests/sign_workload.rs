#![cfg(not(target_arch = "wasm32"))]
//! The signing benchmark (bench/sign.mjs) reports a hashing floor: the time of the SHA-256
//! compressions one signature of its request needs. This checks that count against the
//! canonical request and string to sign our signer produces for that request.

use kinesis_video_wasm::sigv4::{
    sign_headers, AmzDate, Credentials, SignableRequest, SigningKeyCache, SigningParams, SigningSettings,
};

/// Compressions SHA-256 runs for a message of `len` bytes (with its 9+ bytes of padding).
fn blocks(len: usize) -> usize {
    (len + 9).div_ceil(64)
}

#[test]
fn benchmark_request_costs_the_compressions_the_floor_assumes() {
    let bench = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/core.mjs")).unwrap();
    let assumed: usize = bench
        .split("export const COMPRESSIONS_PER_SIGNATURE = ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("bench/core.mjs defines COMPRESSIONS_PER_SIGNATURE");

    // bench/core.mjs: a 740-character token between a 17-character prefix and "==".
    let token = format!("IQoJb3JpZ2luX2VjE{}==", "A".repeat(740));
    let creds = Credentials {
        access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        session_token: Some(token),
    };
    let body = br#"{"StreamName":"my-stream"}"#;
    let req = SignableRequest {
        method: "POST",
        url: "https://kinesisvideo.us-west-2.amazonaws.com/describeStream",
        headers: &[("content-type", "application/json")],
        body,
    };
    let params = SigningParams {
        credentials: &creds,
        region: "us-west-2",
        service: "kinesisvideo",
        time: AmzDate::from_epoch_seconds(1_714_979_289), // 2024-05-06T07:08:09Z
        settings: SigningSettings::default(),
    };
    let stages = sign_headers(&mut SigningKeyCache::new(), &req, &params).unwrap();

    // The signing key's HMAC pads are cached, so each HMAC costs its data's blocks only.
    let payload = blocks(body.len());
    let canonical = blocks(stages.canonical_request.len());
    let inner = blocks(64 + stages.string_to_sign.len()) - 1;
    let outer = blocks(64 + 32) - 1;
    assert_eq!(
        payload + canonical + inner + outer,
        assumed,
        "canonical request of {} bytes",
        stages.canonical_request.len()
    );
}
