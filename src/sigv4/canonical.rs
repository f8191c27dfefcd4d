//! The canonical request: URI, query string, headers and payload hash in SigV4's exact text form.

use super::SigningError;
use crate::prelude::*;
use crate::text;
use alloc::borrow::Cow;

/// An `http(s)://` or `ws(s)://` URL split as written, without re-encoding anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlParts<'a> {
    pub scheme: &'a str,
    /// `host[:port]`, without user info.
    pub authority: &'a str,
    /// The path as written; empty when the URL has none.
    pub path: &'a str,
    /// The query as written, without `?`; the fragment is dropped.
    pub query: &'a str,
}

impl<'a> UrlParts<'a> {
    pub fn parse(url: &'a str) -> Result<Self, SigningError> {
        let Some((scheme, rest)) = text::split_once(url, b':') else {
            return Err(SigningError("url: must be an absolute http(s):// or ws(s):// URL"));
        };
        if !["http", "https", "ws", "wss"].iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
            return Err(SigningError("url: scheme must be http, https, ws or wss"));
        }
        let Some(rest) = rest.strip_prefix("//") else {
            return Err(SigningError("url: must be an absolute http(s):// or ws(s):// URL"));
        };
        // One pass over the authority: where it ends, where user info ends, whether a byte is
        // a space or control. Split points are ASCII, so every slice is on a character boundary.
        let mut end = rest.len();
        let mut host_start = 0;
        let mut bad = false;
        for (i, b) in rest.bytes().enumerate() {
            match b {
                b'/' | b'?' | b'#' => {
                    end = i;
                    break;
                }
                b'@' => host_start = i + 1,
                _ => bad |= b <= b' ' || b == 0x7f,
            }
        }
        let (Some(authority), Some(rest)) = (rest.get(host_start..end), rest.get(end..)) else {
            return Err(SigningError("url: must have a valid host"));
        };
        // A space or control byte in the user info does not matter: it is dropped.
        let bad = bad && authority.bytes().any(|b| b <= b' ' || b == 0x7f);
        if authority.is_empty() || bad {
            return Err(SigningError("url: must have a valid host"));
        }
        let rest = text::before(rest, |b| b == b'#');
        let (path, query) = text::split_once(rest, b'?').unwrap_or((rest, ""));
        Ok(UrlParts { scheme, authority, path, query })
    }

    pub fn path_or_root(&self) -> &'a str {
        if self.path.is_empty() {
            "/"
        } else {
            self.path
        }
    }
}

const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

fn push_escaped(b: u8, out: &mut impl Sink) {
    out.byte(b'%');
    out.byte(HEX_UPPER[(b >> 4) as usize]);
    out.byte(HEX_UPPER[(b & 15) as usize]);
}

/// Copies runs of bytes that `keep` accepts as they are and percent-encodes the rest.
fn encode_with(bytes: &[u8], keep: impl Fn(u8) -> bool, out: &mut impl Sink) {
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !keep(b) {
            // Kept bytes are ASCII, so the run is valid UTF-8.
            out.put(core::str::from_utf8(bytes.get(run..i).unwrap_or_default()).unwrap_or_default());
            push_escaped(b, out);
            run = i + 1;
        }
    }
    out.put(core::str::from_utf8(bytes.get(run..).unwrap_or_default()).unwrap_or_default());
}

/// RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-_.~` as uppercase `%XX`.
pub fn encode_strict(bytes: &[u8], out: &mut String) {
    encode_with(bytes, is_unreserved, out);
}

fn encode_path(path: &str, out: &mut impl Sink) {
    encode_with(path.as_bytes(), |b| is_unreserved(b) || b == b'/', out);
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes; a `%` not followed by two hex digits stays literal. `+` is not a space.
fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if let (b'%', Some(&[h, l])) = (c, b.get(i + 1..i + 3)) {
            if let (Some(h), Some(l)) = (hex_val(h), hex_val(l)) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Whether [`normalize_path`] would return `path` unchanged (the usual case, checked without
/// building anything): rooted, with no `.`, `..` or empty segment but a final one.
fn is_normal_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else { return false };
    let mut segments = text::split(rest, |b| b == b'/').peekable();
    while let Some(seg) = segments.next() {
        if seg == "." || seg == ".." || (seg.is_empty() && segments.peek().is_some()) {
            return false;
        }
    }
    true
}

/// Removes `.` and `..` segments and empty segments, keeping a trailing slash (as botocore and
/// the AWS SDK for JavaScript do).
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for seg in text::split(path, |b| b == b'/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len());
    out.push('/');
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(seg);
    }
    if path.ends_with("/") && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// A stable insertion sort: the lists signed here are short, and the standard library's sorts
/// would add several kilobytes of wasm per element type. (No indexing: `v[j]` and `swap` would
/// keep panicking paths in the wasm.)
pub fn sort_by_key<T, K: Ord + ?Sized>(v: &mut [T], key: impl Fn(&T) -> &K) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 {
            let Some([a, b]) = v.get_mut(j - 1..=j) else { break };
            if key(a) <= key(b) {
                break;
            }
            core::mem::swap(a, b);
            j -= 1;
        }
    }
}

/// Lowercase, sorted, de-duplicated header names joined by `;`.
pub fn signed_header_names<'h>(names: impl Iterator<Item = &'h str>) -> String {
    let mut v: Vec<&str> = names.collect();
    sort_by_key(&mut v, |n| *n);
    let mut out = String::with_capacity(64);
    join_sorted_names(v.into_iter(), &mut out);
    out
}

/// Names already sorted, repeats dropped, joined by `;`.
fn join_sorted_names<'h>(names: impl Iterator<Item = &'h str>, out: &mut impl Sink) {
    let mut last = None;
    for name in names {
        if last == Some(name) {
            continue;
        }
        if last.is_some() {
            out.byte(b';');
        }
        out.put(name);
        last = Some(name);
    }
}

/// Where canonical text goes: a `String` (the Authorization value, the texts tests inspect) or
/// the byte buffer that is hashed.
pub trait Sink {
    fn put(&mut self, s: &str);
    /// One ASCII character: separators are most of the pieces, and a one-byte copy through
    /// `put` costs a call and a `memory.copy` in this wasm.
    fn byte(&mut self, b: u8);
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        text::append_str(self, s);
    }

    fn byte(&mut self, b: u8) {
        self.push(char::from(b));
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, s: &str) {
        text::append(self, s.as_bytes());
    }

    fn byte(&mut self, b: u8) {
        self.push(b);
    }
}

/// Whether any byte is at or below `b' '`. It runs over kilobyte-long session tokens on every
/// signature, so it tests sixteen bytes per step with WebAssembly SIMD.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn has_space_or_control(bytes: &[u8]) -> bool {
    use core::arch::wasm32::{u8x16_lt, u8x16_splat};
    text::simd::any_lane(bytes, |v| u8x16_lt(v, u8x16_splat(0x21)), |b| b <= b' ')
}

/// Whether any byte is at or below `b' '`, eight bytes per step elsewhere: subtracting 0x21
/// from each byte borrows into its top bit exactly when the byte is below 0x21 (`& !x` drops
/// bytes that had the top bit).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn has_space_or_control(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const TOPS: u64 = u64::from_le_bytes([0x80; 8]);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let Ok(w) = <[u8; 8]>::try_from(w) else { return true };
        let x = u64::from_le_bytes(w);
        if x.wrapping_sub(ONES * 0x21) & !x & TOPS != 0 {
            return true;
        }
    }
    for &b in words.remainder() {
        if b <= b' ' {
            return true;
        }
    }
    false
}

/// Trims and folds runs of whitespace (including line breaks of folded values) into one space.
pub(crate) fn canonical_value(v: &str, out: &mut impl Sink) {
    // The common case (tokens, dates, hosts): no byte at or below space, so nothing to trim or
    // fold. This simple test runs much faster over a long token than tracking spaces would.
    if !has_space_or_control(v.as_bytes()) {
        out.put(v);
        return;
    }
    let mut first = true;
    for word in text::split(v, |b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')).filter(|w| !w.is_empty()) {
        if !first {
            out.byte(b' ');
        }
        out.put(word);
        first = false;
    }
}

/// Collapses repeated header names into one header carrying the signed (canonical, joined) value,
/// so what is sent is exactly what was signed. Order of first appearance is kept.
pub fn merge_duplicate_headers<'a>(headers: Vec<(Cow<'a, str>, Cow<'a, str>)>) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
    let repeated = headers.iter().enumerate().any(|(i, (n, _))| headers.iter().take(i).any(|(m, _)| m == n));
    if !repeated {
        return headers;
    }
    let mut out: Vec<(Cow<str>, Cow<str>)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, joined)) => {
                // Re-canonicalize the first value once it turns out to be repeated.
                let mut first = String::with_capacity(joined.len() + value.len() + 1);
                canonical_value(joined, &mut first);
                first.push(',');
                canonical_value(&value, &mut first);
                *joined = Cow::Owned(first);
            }
            None => out.push((name, value)),
        }
    }
    out
}

/// SigV4's canonical request, held in parts; [`CanonicalRequest::write`] produces its text.
#[derive(Debug, PartialEq, Eq)]
pub struct CanonicalRequest<'a, 'h> {
    pub method: &'a str,
    /// The path to encode: as written, or normalized.
    path: Cow<'a, str>,
    pub query: String,
    /// Signed headers sorted by name (stably: repeated names keep their order), values as given.
    headers: &'h [(&'a str, &'a str)],
    pub payload_hash: &'a str,
}

impl<'a, 'h> CanonicalRequest<'a, 'h> {
    /// `headers` must have lowercase names; they are sorted in place. `extra_query` holds
    /// decoded parameters added by the signer (the `X-Amz-*` of a presigned URL).
    pub fn new(
        method: &'a str,
        url: &UrlParts<'a>,
        normalize: bool,
        headers: &'h mut [(&'a str, &'a str)],
        extra_query: &[(&str, &str)],
        payload_hash: &'a str,
    ) -> Self {
        let path = url.path_or_root();
        let path =
            if normalize && !is_normal_path(path) { Cow::Owned(normalize_path(path)) } else { Cow::Borrowed(path) };

        let mut query = String::new();
        if !url.query.is_empty() || !extra_query.is_empty() {
            let mut pairs: Vec<(String, String)> = Vec::new();
            for item in text::split(url.query, |b| b == b'&').filter(|s| !s.is_empty()) {
                let (k, v) = text::split_once(item, b'=').unwrap_or((item, ""));
                let mut ek = String::with_capacity(k.len());
                encode_strict(&percent_decode(k), &mut ek);
                let mut ev = String::with_capacity(v.len());
                encode_strict(&percent_decode(v), &mut ev);
                pairs.push((ek, ev));
            }
            for (k, v) in extra_query {
                let mut ek = String::with_capacity(k.len());
                encode_strict(k.as_bytes(), &mut ek);
                let mut ev = String::with_capacity(v.len() + 16);
                encode_strict(v.as_bytes(), &mut ev);
                pairs.push((ek, ev));
            }
            sort_by_key(&mut pairs, |p| p);
            query.reserve(url.query.len() + 64);
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    query.push('&');
                }
                query.push_str(k);
                query.push('=');
                query.push_str(v);
            }
        }

        sort_by_key(headers, |h| h.0); // stable: keeps the order of repeated names
        CanonicalRequest { method, path, query, headers, payload_hash }
    }

    /// Whether a header name occurs more than once (its values are then signed joined).
    pub fn repeats_a_name(&self) -> bool {
        self.headers.windows(2).any(|w| matches!(w, [a, b] if a.0 == b.0))
    }

    /// The signed header names, sorted, repeats dropped, joined by `;`.
    pub fn write_signed_headers(&self, out: &mut impl Sink) {
        join_sorted_names(self.headers.iter().map(|h| h.0), out);
    }

    /// Writes the canonical request text. Each header becomes one `name:value` line, the values
    /// of a repeated name joined with `,` in the order given.
    pub fn write(&self, out: &mut impl Sink) {
        out.put(self.method);
        out.byte(b'\n');
        encode_path(&self.path, out);
        out.byte(b'\n');
        out.put(&self.query);
        let mut last = None;
        for &(name, value) in self.headers {
            if last == Some(name) {
                out.byte(b',');
            } else {
                out.byte(b'\n');
                out.put(name);
                out.byte(b':');
            }
            canonical_value(value, out);
            last = Some(name);
        }
        out.byte(b'\n');
        out.byte(b'\n');
        self.write_signed_headers(out);
        out.byte(b'\n');
        out.put(self.payload_hash);
    }

    pub fn to_string_form(&self) -> String {
        let mut s = String::with_capacity(self.path.len() + self.query.len() + 256);
        self.write(&mut s);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parts() {
        let u = UrlParts::parse("https://user@Example.com:8443/a b/%2F?x=1&y#frag").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.authority, "Example.com:8443");
        assert_eq!(u.path, "/a b/%2F");
        assert_eq!(u.query, "x=1&y");
        let u = UrlParts::parse("wss://h?X=1").unwrap();
        assert_eq!((u.path, u.path_or_root(), u.query), ("", "/", "X=1"));
        assert!(UrlParts::parse("ftp://h/").is_err());
        assert!(UrlParts::parse("/relative").is_err());
        assert!(UrlParts::parse("https:///path").is_err());
    }

    #[test]
    fn normalization() {
        for (input, want) in [
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("//example//", "/example/"),
            ("/./example", "/example"),
            ("/a/b/../c/", "/a/c/"),
            ("/../a", "/a"),
        ] {
            assert_eq!(normalize_path(input), want, "{input}");
        }
    }

    #[test]
    fn normal_paths_are_exactly_those_normalization_keeps() {
        // Every path up to six characters over the characters that matter.
        let mut paths = vec![String::new()];
        let mut all = vec![String::new()];
        for _ in 0..6 {
            paths = paths.iter().flat_map(|p| ['/', '.', 'a'].map(|c| format!("{p}{c}"))).collect();
            all.extend(paths.iter().cloned());
        }
        assert_eq!(all.len(), 1093);
        for p in &all {
            assert_eq!(is_normal_path(p), normalize_path(p) == *p, "{p:?}");
        }
    }

    // Also in wasm (`wasm-pack test`), where the SIMD version is the one compiled.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn space_or_control_test_matches_a_byte_loop() {
        let naive = |b: &[u8]| b.iter().any(|&c| c <= b' ');
        // Each byte value at each position of buffers whose other bytes are just above the
        // line, far above it (top bit set) or mixed, across the 8-byte steps and the remainder.
        for fill in [b'!', 0x80, 0xff, b'~'] {
            for len in 1..=19 {
                for pos in 0..len {
                    for v in 0..=255u8 {
                        let mut buf = vec![fill; len];
                        buf[pos] = v;
                        assert_eq!(has_space_or_control(&buf), naive(&buf), "{buf:?}");
                    }
                }
            }
        }
        let mut seed = 0x9e37_79b9u32;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let len = (seed >> 24) as usize % 40;
            let buf: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    // Mostly above the line, so that both answers occur often.
                    let b = (seed >> 16) as u8;
                    if b < 0x28 && seed & 0x100 != 0 {
                        b | 0x40
                    } else {
                        b
                    }
                })
                .collect();
            assert_eq!(has_space_or_control(&buf), naive(&buf), "{buf:?}");
        }
    }

    #[test]
    fn path_is_encoded_once_more() {
        let mut s = String::new();
        encode_path("/a%2Fb c/ሴ", &mut s);
        assert_eq!(s, "/a%252Fb%20c/%E1%88%B4");
    }

    #[test]
    fn query_decoding() {
        assert_eq!(percent_decode("a%20b%zz%4"), b"a b%zz%4");
        assert_eq!(percent_decode("%e1%88%B4+"), "ሴ+".as_bytes());
        assert_eq!(percent_decode("%"), b"%");
        assert_eq!(percent_decode("%4"), b"%4");
    }

    #[test]
    fn header_values() {
        let mut s = String::new();
        canonical_value("  \"a   b \t c\"\n  d  ", &mut s);
        assert_eq!(s, "\"a b c\" d");
        let u = UrlParts::parse("https://h/").unwrap();
        let mut h = [("b", "2"), ("a", " x "), ("b", "1")];
        let c = CanonicalRequest::new("GET", &u, true, &mut h, &[], "e3");
        assert_eq!(c.to_string_form(), "GET\n/\n\na:x\nb:2,1\n\na;b\ne3");
        let mut s = String::new();
        canonical_value("tok\u{e9}n/+=", &mut s);
        assert_eq!(s, "tok\u{e9}n/+=");
    }

    #[test]
    fn duplicates_merged_with_signed_value() {
        let h: Vec<(Cow<str>, Cow<str>)> =
            vec![("my".into(), " v2 ".into()), ("host".into(), "h".into()), ("my".into(), "v1  x".into())];
        let want: Vec<(Cow<str>, Cow<str>)> = vec![("my".into(), "v2,v1 x".into()), ("host".into(), "h".into())];
        assert_eq!(merge_duplicate_headers(h), want);
    }
}
