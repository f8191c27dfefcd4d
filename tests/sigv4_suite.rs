#![cfg(not(target_arch = "wasm32"))]
//! Runs the official AWS SigV4 test suite (../shared/reference/sigv4-testsuite/v4) through the
//! signer, comparing every stage: canonical request, string to sign, signature, signed request.

use kinesis_video_wasm::sigv4::{
    days_from_civil, headers_to_send, presign, presigned_url, sign_headers, AmzDate, Credentials, PathNormalization,
    PayloadChecksumHeader, SessionTokenMode, SignableRequest, SigningKeyCache, SigningParams, SigningSettings,
};
use std::path::PathBuf;

fn suite_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/sigv4-testsuite/v4");
    assert!(dir.is_dir(), "the SigV4 suite is expected at {} (../shared beside the project)", dir.display());
    dir
}

struct Case {
    name: String,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    creds: Credentials,
    region: String,
    service: String,
    time: AmzDate,
    settings: SigningSettings,
    expires_in: u32,
}

fn epoch_from_iso(ts: &str) -> i64 {
    // "2015-08-30T12:36:00Z"
    let n = |a: usize, b: usize| ts[a..b].parse::<i64>().unwrap();
    days_from_civil(n(0, 4), n(5, 7), n(8, 10)) * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19)
}

fn load(dir: &std::path::Path) -> Case {
    let ctx: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("context.json")).unwrap()).unwrap();
    let raw = std::fs::read_to_string(dir.join("request.txt")).unwrap();
    let (head, body) = match raw.find("\n\n") {
        Some(i) => (&raw[..i], raw.as_bytes()[i + 2..].to_vec()),
        None => (raw.trim_end_matches('\n'), Vec::new()),
    };
    let mut lines = head.split('\n');
    let first = lines.next().unwrap();
    let method = first[..first.find(' ').unwrap()].to_string();
    let path = first[method.len() + 1..first.rfind(" HTTP/").unwrap()].to_string();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // A folded continuation of the previous header's value.
            let last = headers.last_mut().unwrap();
            last.1.push('\n');
            last.1.push_str(line);
        } else {
            let (n, v) = line.split_once(':').unwrap();
            headers.push((n.to_string(), v.to_string()));
        }
    }
    let c = &ctx["credentials"];
    let b = |k: &str| ctx[k].as_bool().unwrap_or(false);
    Case {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        method,
        path,
        headers,
        body,
        creds: Credentials {
            access_key_id: c["access_key_id"].as_str().unwrap().into(),
            secret_access_key: c["secret_access_key"].as_str().unwrap().into(),
            session_token: c["token"].as_str().map(String::from),
        },
        region: ctx["region"].as_str().unwrap().into(),
        service: ctx["service"].as_str().unwrap().into(),
        time: AmzDate::from_epoch_seconds(epoch_from_iso(ctx["timestamp"].as_str().unwrap())),
        settings: SigningSettings {
            path_normalization: if b("normalize") { PathNormalization::Enabled } else { PathNormalization::Disabled },
            checksum_header: if b("sign_body") { PayloadChecksumHeader::Signed } else { PayloadChecksumHeader::Omit },
            session_token: if b("omit_session_token") {
                SessionTokenMode::AppendedAfterSigning
            } else {
                SessionTokenMode::Signed
            },
        },
        expires_in: ctx["expiration_in_seconds"].as_u64().unwrap() as u32,
    }
}

fn read(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap().trim_end_matches('\n').to_string()
}

fn cases() -> Vec<(PathBuf, Case)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(suite_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    dirs.into_iter()
        .map(|d| {
            let c = load(&d);
            (d, c)
        })
        .collect()
}

fn host(case: &Case) -> String {
    case.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("host")).unwrap().1.clone()
}

/// The case's request (URL written as `https://` + host + path as in the file) and parameters.
fn with_request<T>(case: &Case, f: impl FnOnce(&SignableRequest, &SigningParams) -> T) -> T {
    let url = format!("https://{}{}", host(case), case.path);
    let hdrs: Vec<(&str, &str)> = case.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let req = SignableRequest { method: &case.method, url: &url, headers: &hdrs, body: &case.body };
    let params = SigningParams {
        credentials: &case.creds,
        region: &case.region,
        service: &case.service,
        time: case.time,
        settings: case.settings,
    };
    f(&req, &params)
}

#[test]
fn suite_has_38_cases() {
    assert_eq!(cases().len(), 38);
}

#[test]
fn header_signing_matches_every_stage() {
    let mut cache = SigningKeyCache::default();
    for (dir, case) in cases() {
        let (s, sent) = with_request(&case, |req, params| {
            let s = sign_headers(&mut cache, req, params)?;
            let sent: Vec<(String, String)> = headers_to_send(req, &s.instructions)
                .into_iter()
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            Ok::<_, kinesis_video_wasm::sigv4::SigningError>((s, sent))
        })
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(s.canonical_request, read(&dir, "header-canonical-request.txt"), "{}: canonical request", case.name);
        assert_eq!(s.string_to_sign, read(&dir, "header-string-to-sign.txt"), "{}: string to sign", case.name);
        assert_eq!(s.signature, read(&dir, "header-signature.txt"), "{}: signature", case.name);

        // Every header of the expected signed request is among ours, with the same value.
        let signed = read(&dir, "header-signed-request.txt");
        let head = signed.split("\n\n").next().unwrap();
        for line in head.lines().skip(1).filter(|l| !l.starts_with([' ', '\t'])) {
            let (n, v) = line.split_once(':').unwrap();
            let n = n.to_ascii_lowercase();
            if n.starts_with("my-header") {
                continue; // folded or repeated in the file; the canonical request covers them
            }
            let ours =
                sent.iter().find(|(k, _)| *k == n).unwrap_or_else(|| panic!("{}: missing header {n}", case.name));
            assert_eq!(ours.1.trim(), v.trim(), "{}: header {n}", case.name);
        }
    }
}

#[test]
fn query_signing_matches_every_stage() {
    let mut cache = SigningKeyCache::default();
    for (dir, case) in cases() {
        let (s, url) = with_request(&case, |req, params| {
            let s = presign(&mut cache, req, params, case.expires_in)?;
            let url = presigned_url(req.url, &s.instructions)?;
            Ok::<_, kinesis_video_wasm::sigv4::SigningError>((s, url))
        })
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(s.canonical_request, read(&dir, "query-canonical-request.txt"), "{}: canonical request", case.name);
        assert_eq!(s.string_to_sign, read(&dir, "query-string-to-sign.txt"), "{}: string to sign", case.name);
        assert_eq!(s.signature, read(&dir, "query-signature.txt"), "{}: signature", case.name);

        // The URL carries the same parameters as the expected signed request (order aside).
        let expected_line = read(&dir, "query-signed-request.txt").lines().next().unwrap().to_string();
        let target = &expected_line[case.method.len() + 1..expected_line.rfind(" HTTP/").unwrap()];
        let (exp_path, exp_query) = target.split_once('?').unwrap();
        let ours = url.strip_prefix(&format!("https://{}", host(&case))).unwrap();
        let (our_path, our_query) = ours.split_once('?').unwrap();
        assert_eq!(our_path, exp_path, "{}: path", case.name);
        // Ours are strictly encoded (a raw `ሴ` in the suite's file is `%E1%88%B4` here): compare decoded.
        assert_eq!(decoded_params(our_query), decoded_params(exp_query), "{}: query parameters", case.name);
    }
}

fn decoded_params(q: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    fn dec(s: &str) -> Vec<u8> {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' && i + 2 < b.len() {
                if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    out.push(v);
                    i += 3;
                    continue;
                }
            }
            out.push(b[i]);
            i += 1;
        }
        out
    }
    let mut v: Vec<(Vec<u8>, Vec<u8>)> = q
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (dec(k), dec(v))
        })
        .collect();
    v.sort();
    v
}
