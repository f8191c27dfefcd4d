//! The canonical request: URI, query string, headers and payload hash in SigV4's exact text form.

use super::{Field, Problem, SigningError};
use crate::prelude::*;
use crate::text;

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
        let bad = |problem| SigningError { field: Field::Url, problem };
        let (scheme, rest) = text::split_once(url, b':').ok_or(bad(Problem::NotAbsoluteUrl))?;
        if !["http", "https", "ws", "wss"].iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
            return Err(bad(Problem::UnsupportedScheme));
        }
        let rest = rest.strip_prefix("//").ok_or(bad(Problem::NotAbsoluteUrl))?;
        let end = rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len());
        let (Some(authority), Some(rest)) = (rest.get(..end), rest.get(end..)) else {
            return Err(bad(Problem::InvalidHost));
        };
        // User info is dropped (so a space or control byte in it does not matter).
        let authority = text::rsplit_once(authority, b'@').map_or(authority, |(_, host)| host);
        if authority.is_empty() || authority.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(bad(Problem::InvalidHost));
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

/// Percent-encodes every byte `keep` does not accept, as `%XX` with uppercase digits. `keep`
/// must accept ASCII only: runs of kept bytes are then copied whole as text.
fn encode_with(bytes: &[u8], keep: impl Fn(u8) -> bool, out: &mut String) {
    const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
    let push_ascii = |out: &mut String, ascii: &[u8]| {
        debug_assert!(ascii.is_ascii());
        // SAFETY: ASCII is valid UTF-8.
        out.push_str(unsafe { core::str::from_utf8_unchecked(ascii) });
    };
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !keep(b) {
            push_ascii(out, bytes.get(run..i).unwrap_or_default());
            push_ascii(out, &[b'%', HEX_UPPER[usize::from(b >> 4)], HEX_UPPER[usize::from(b & 15)]]);
            run = i + 1;
        }
    }
    push_ascii(out, bytes.get(run..).unwrap_or_default());
}

/// RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-_.~` as uppercase `%XX`.
pub fn encode_strict(bytes: &[u8], out: &mut String) {
    encode_with(bytes, is_unreserved, out);
}

/// The canonical URI: the path encoded once more (every AWS service but S3 wants it so).
fn encode_path(path: &str, out: &mut String) {
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

/// Removes `.` and `..` segments and empty segments, keeping a trailing slash (as botocore and
/// the AWS SDK for JavaScript do).
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for seg in text::split(path, b'/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len());
    for seg in &segments {
        out.push('/');
        out.push_str(seg);
    }
    if out.is_empty() || path.ends_with('/') {
        out.push('/');
    }
    out
}

/// A stable insertion sort: the lists sorted here are short, and the standard library's sorts
/// would add several kilobytes of wasm per element type.
pub(crate) fn sort_by_key<T, K: Ord + ?Sized>(v: &mut [T], key: impl Fn(&T) -> &K) {
    for i in 1..v.len() {
        let mut j = i;
        while let Some([a, b]) = j.checked_sub(1).and_then(|k| v.get_mut(k..=j)) {
            if key(a) <= key(b) {
                break;
            }
            core::mem::swap(a, b);
            j -= 1;
        }
    }
}

/// The canonical query string: the URL's parameters (decoded, then strictly encoded) and the
/// signer's `extra` ones (given decoded), sorted by name, then value.
pub(crate) fn canonical_query(query: &str, extra: &[(&str, String)]) -> String {
    let encoded = |bytes: &[u8]| {
        let mut s = String::with_capacity(bytes.len());
        encode_strict(bytes, &mut s);
        s
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for item in text::split(query, b'&').filter(|s| !s.is_empty()) {
        let (k, v) = text::split_once(item, b'=').unwrap_or((item, ""));
        pairs.push((encoded(&percent_decode(k)), encoded(&percent_decode(v))));
    }
    for (k, v) in extra {
        pairs.push((encoded(k.as_bytes()), encoded(v.as_bytes())));
    }
    sort_by_key(&mut pairs, |p| p);
    let mut out = String::with_capacity(query.len() + 64);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Appends a header value trimmed, with each run of whitespace (line breaks of folded values
/// included) folded into one space.
pub(crate) fn canonical_value(v: &str, out: &mut String) {
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let bytes = v.as_bytes();
    let mut i = 0;
    let mut first = true;
    while i < bytes.len() {
        // A word is a run of other bytes; the spaces are ASCII, so it is whole characters.
        let start = i + bytes.get(i..).unwrap_or_default().iter().take_while(|b| space(b)).count();
        let end = start + bytes.get(start..).unwrap_or_default().iter().take_while(|b| !space(b)).count();
        if end > start {
            if !first {
                out.push(' ');
            }
            out.push_str(v.get(start..end).unwrap_or_default());
            first = false;
        }
        i = end;
    }
}

/// Signed header names: sorted, repeats dropped, joined by `;`. `headers` must be sorted.
pub(crate) fn signed_header_names(headers: &[(String, &str)]) -> String {
    let mut out = String::with_capacity(64);
    let mut last: Option<&str> = None;
    for (name, _) in headers {
        if last == Some(name.as_str()) {
            continue;
        }
        if last.is_some() {
            out.push(';');
        }
        out.push_str(name);
        last = Some(name);
    }
    out
}

/// The canonical request text. `headers` have lowercase names and are sorted in place (stably:
/// the values of a repeated name are joined with `,` in the order given). Returns the text and
/// the signed header names.
pub(crate) fn canonical_request(
    method: &str,
    url: &UrlParts,
    normalize: bool,
    query: &str,
    headers: &mut [(String, &str)],
    payload_hash: &str,
) -> (String, String) {
    sort_by_key(headers, |h| h.0.as_str());
    let names = signed_header_names(headers);
    let mut out = String::with_capacity(url.path.len() + query.len() + 256);
    out.push_str(method);
    out.push('\n');
    if normalize {
        encode_path(&normalize_path(url.path_or_root()), &mut out);
    } else {
        encode_path(url.path_or_root(), &mut out);
    }
    out.push('\n');
    out.push_str(query);
    let mut last: Option<&str> = None;
    for (name, value) in headers.iter() {
        if last == Some(name.as_str()) {
            out.push(',');
        } else {
            out.push('\n');
            out.push_str(name);
            out.push(':');
        }
        canonical_value(value, &mut out);
        last = Some(name);
    }
    out.push_str("\n\n");
    out.push_str(&names);
    out.push('\n');
    out.push_str(payload_hash);
    (out, names)
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
        assert_eq!(UrlParts::parse("https://a b@h/").unwrap().authority, "h");
        assert!(UrlParts::parse("ftp://h/").is_err());
        assert!(UrlParts::parse("/relative").is_err());
        assert!(UrlParts::parse("https:///path").is_err());
        assert!(UrlParts::parse("https://a b/").is_err());
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
            ("/a/b", "/a/b"),
        ] {
            assert_eq!(normalize_path(input), want, "{input}");
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
        assert_eq!(canonical_query("b=2&a=%7e&&c", &[("A", "x y".into())]), "A=x%20y&a=~&b=2&c=");
    }

    #[test]
    fn header_values() {
        let mut s = String::new();
        canonical_value("  \"a   b \t c\"\n  d  ", &mut s);
        assert_eq!(s, "\"a b c\" d");
        let u = UrlParts::parse("https://h/").unwrap();
        let mut h = [("b".into(), "2"), ("a".into(), " x "), ("b".into(), "1")];
        let (c, names) = canonical_request("GET", &u, true, "", &mut h, "e3");
        assert_eq!(c, "GET\n/\n\na:x\nb:2,1\n\na;b\ne3");
        assert_eq!(names, "a;b");
        let mut s = String::new();
        canonical_value("tok\u{e9}n/+=", &mut s);
        assert_eq!(s, "tok\u{e9}n/+=");
    }

    #[test]
    fn sorting_is_stable() {
        let mut v = [(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        sort_by_key(&mut v, |p| &p.0);
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
    }
}
