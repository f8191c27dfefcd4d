#![cfg(not(target_arch = "wasm32"))]
//! Property tests of SigV4 canonicalization: what must not change a signature, and what must.

use kinesis_video_wasm::sigv4::{
    encode_strict, sign_headers, AmzDate, Credentials, SignableRequest, SigningKeyCache, SigningParams, SigningSettings,
};
use proptest::prelude::*;

fn creds() -> Credentials {
    Credentials { access_key_id: "AKID".into(), secret_access_key: "secret".into(), session_token: None }
}

fn canonical(url: &str, headers: &[(&str, &str)], body: &[u8]) -> (String, String) {
    let c = creds();
    let params = SigningParams {
        credentials: &c,
        region: "us-west-2",
        service: "kinesisvideo",
        time: AmzDate::from_epoch_seconds(1_700_000_000),
        settings: SigningSettings::default(),
    };
    let req = SignableRequest { method: "POST", url, headers, body };
    let s = sign_headers(&mut SigningKeyCache::new(), &req, &params).expect("signs");
    (s.canonical_request, s.signature)
}

fn pct(bytes: &[u8]) -> String {
    // Encodes every byte, unreserved ones included: the decoded meaning stays the same.
    bytes.iter().map(|b| format!("%{b:02x}")).collect()
}

fn decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn strict_encoding_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut s = String::new();
        encode_strict(&bytes, &mut s);
        prop_assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
        // Escapes use uppercase hex digits.
        for esc in s.split('%').skip(1) {
            prop_assert!(esc.len() >= 2 && esc[..2].bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)), "{}", s);
        }
        prop_assert_eq!(decode(&s), bytes);
    }

    #[test]
    fn query_order_and_spelling_do_not_matter(
        pairs in proptest::collection::vec(("[a-zA-Z0-9ሴ _.~!*'()-]{1,8}", "[a-zA-Z0-9é &=+/_.~-]{0,8}"), 1..6),
        rotate in 0usize..6,
    ) {
        let plain: Vec<String> = pairs.iter().map(|(k, v)| {
            let (mut ek, mut ev) = (String::new(), String::new());
            encode_strict(k.as_bytes(), &mut ek);
            encode_strict(v.as_bytes(), &mut ev);
            format!("{ek}={ev}")
        }).collect();
        let mut shuffled: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", pct(k.as_bytes()), pct(v.as_bytes()))).collect();
        let n = shuffled.len();
        shuffled.rotate_left(rotate % n);
        let a = canonical(&format!("https://h/?{}", plain.join("&")), &[], b"");
        let b = canonical(&format!("https://h/?{}", shuffled.join("&")), &[], b"");
        prop_assert_eq!(a, b);
    }

    #[test]
    fn header_case_and_whitespace_do_not_matter(
        name in "[a-z][a-z0-9-]{0,10}",
        words in proptest::collection::vec("[!-~]{1,6}", 1..4),
        pad in proptest::collection::vec("[ \t]{1,3}", 5),
    ) {
        prop_assume!(!["authorization", "user-agent", "expect", "x-amzn-trace-id", "host", "x-amz-date"].contains(&name.as_str()));
        let tidy = words.join(" ");
        let messy = format!("{}{}{}", pad[0], words.join(&pad[1]), pad[2]);
        let upper = name.to_ascii_uppercase();
        let a = canonical("https://h/p", &[(&name, &tidy)], b"{}");
        let b = canonical("https://h/p", &[(&upper, &messy)], b"{}");
        prop_assert_eq!(a, b);
    }

    #[test]
    fn normalized_paths_have_no_dot_or_empty_segments(segs in proptest::collection::vec(prop_oneof!["", "\\.", "\\.\\.", "[a-z%]{1,4}"], 0..8), trailing in any::<bool>()) {
        let mut path = String::from("/");
        path.push_str(&segs.join("/"));
        if trailing { path.push('/'); }
        let (creq, _) = canonical(&format!("https://h{path}"), &[], b"");
        let uri = creq.lines().nth(1).unwrap();
        prop_assert!(uri.starts_with('/'));
        let inner = uri.trim_start_matches('/').trim_end_matches('/');
        prop_assert!(inner.is_empty() || inner.split('/').all(|s| !s.is_empty() && s != "." && s != ".."), "{}", uri);
        // Normalizing again changes nothing.
        let again = canonical(&format!("https://h{}", uri.replace("%25", "%")), &[], b"").0;
        prop_assert_eq!(again.lines().nth(1).unwrap(), uri);
    }

    #[test]
    fn any_change_to_body_or_path_changes_the_signature(body in proptest::collection::vec(any::<u8>(), 0..40), flip in any::<prop::sample::Index>()) {
        let (_, sig) = canonical("https://h/a", &[], &body);
        let mut other = body.clone();
        if other.is_empty() { other.push(0); } else { let i = flip.index(other.len()); other[i] ^= 1; }
        prop_assert_ne!(&sig, &canonical("https://h/a", &[], &other).1);
        prop_assert_ne!(&sig, &canonical("https://h/b", &[], &body).1);
    }
}
