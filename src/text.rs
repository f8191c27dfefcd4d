//! Splitting and trimming at ASCII bytes, and decimal digits.
//!
//! `str`'s `char` patterns (`split_once(':')`, `rsplit('#')`, `trim_end_matches('/')`,
//! `split([' ', '\t'])`) run core's UTF-8 searchers and `memchr`, whose index checks keep
//! panicking paths (and their messages) in the wasm. Every delimiter here is ASCII, which never
//! occurs inside a multi-byte character, so a byte scan finds the same positions and every slice
//! taken at them is on a character boundary.

use crate::prelude::*;

/// `s.split_once(delim)`.
pub fn split_once(s: &str, delim: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == delim)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s.rsplit_once(delim)`.
pub fn rsplit_once(s: &str, delim: u8) -> Option<(&str, &str)> {
    let i = s.bytes().rposition(|b| b == delim)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// What precedes the first byte that `is_delim` accepts (all of `s` when none does).
pub fn before(s: &str, is_delim: impl Fn(u8) -> bool) -> &str {
    let end = s.bytes().position(is_delim).unwrap_or(s.len());
    s.get(..end).unwrap_or(s)
}

/// What follows the last `delim` (all of `s` when there is none): `s.rsplit(delim).next()`.
pub fn after_last(s: &str, delim: u8) -> &str {
    rsplit_once(s, delim).map_or(s, |(_, after)| after)
}

/// `s.trim_end_matches(b)`.
pub fn trim_end(s: &str, b: u8) -> &str {
    let end = s.bytes().rposition(|c| c != b).map_or(0, |i| i + 1);
    s.get(..end).unwrap_or(s)
}

/// `s.split(delim as char)`: every piece, empty ones included.
pub fn split(s: &str, delim: u8) -> Split<'_> {
    Split { rest: Some(s), delim }
}

pub struct Split<'a> {
    rest: Option<&'a str>,
    delim: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match split_once(s, self.delim) {
            Some((piece, rest)) => {
                self.rest = Some(rest);
                Some(piece)
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

/// Appends `s` as a JSON string literal, escaped exactly as `JSON.stringify` escapes it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the JS layer (wasm32) writes JSON
pub fn push_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Only ASCII bytes are escaped, so every run between them is whole characters.
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0..0x20 => 0,
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        out.push('\\');
        if short == 0 {
            for e in [b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]] {
                out.push(char::from(e));
            }
        } else {
            out.push(char::from(short));
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// `s.chars().count()`: the bytes that do not continue a UTF-8 sequence (core's version is a
/// kilobyte of wasm).
pub fn code_points(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// Appends the decimal digits of `v`, without `core::fmt` (which would pull formatting
/// machinery into the wasm).
pub fn push_uint(out: &mut String, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut n = 0;
    loop {
        if let Some(d) = digits.get_mut(n) {
            *d = b'0' + (v % 10) as u8;
        }
        n += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in digits.iter().take(n).rev() {
        out.push(char::from(d));
    }
}

/// Appends the decimal form of `n`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the model's interpreter (wasm32) uses it
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_uint(out, n.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        for n in [0i64, 1, 9, 10, 128, 2000000, -5, i64::MAX, i64::MIN] {
            let mut s = String::new();
            push_int(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn json_strings() {
        let mut s = String::new();
        push_json_string(&mut s, "a\"b\\c\u{8}\u{c}\n\r\t\u{1}\u{1f} é\u{7f}");
        assert_eq!(s, "\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f é\u{7f}\"");
    }

    #[test]
    fn decimal_digits() {
        for v in [0, 1, 9, 10, 604_800, u64::from(u32::MAX), u64::MAX] {
            let mut s = String::from("x");
            push_uint(&mut s, v);
            assert_eq!(s, format!("x{v}"));
        }
    }

    #[test]
    fn same_as_the_standard_library() {
        let samples = ["", "a", ":", "::", "a:b", ":a:b:", "é:ü#ß/", "//x//", "a b\t\tc\r\nd ", "#", "x#y#z"];
        for s in samples {
            for d in [b':', b'#', b'/', b' '] {
                let c = d as char;
                assert_eq!(split_once(s, d), s.split_once(c), "{s:?} {c:?}");
                assert_eq!(rsplit_once(s, d), s.rsplit_once(c), "{s:?} {c:?}");
                assert_eq!(after_last(s, d), s.rsplit(c).next().unwrap(), "{s:?} {c:?}");
                assert_eq!(trim_end(s, d), s.trim_end_matches(c), "{s:?} {c:?}");
                assert_eq!(split(s, d).collect::<Vec<_>>(), s.split(c).collect::<Vec<_>>(), "{s:?} {c:?}");
            }
            let cut = |b| b == b',' || b == b':';
            assert_eq!(before(s, cut), s.split([',', ':']).next().unwrap(), "{s:?}");
        }
    }
}
