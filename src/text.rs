//! Splitting and trimming at ASCII bytes, and the byte scans and comparisons signing runs on
//! every request.
//!
//! `str`'s `char` patterns (`split_once(':')`, `rsplit('#')`, `trim_end_matches('/')`,
//! `split([' ', '\t'])`) run core's UTF-8 searchers and `memchr`, whose index checks keep
//! panicking paths (and their messages) in the wasm. Every delimiter here is ASCII, which never
//! occurs inside a multi-byte character, so a byte scan finds the same positions and every slice
//! taken at them is on a character boundary.

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

/// `s.trim_start_matches(b)`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn trim_start(s: &str, b: u8) -> &str {
    let start = s.bytes().position(|c| c != b).unwrap_or(s.len());
    s.get(start..).unwrap_or(s)
}

/// `s.split(is_delim)` for byte delimiters: every piece, empty ones included.
pub fn split(s: &str, is_delim: impl Fn(u8) -> bool) -> Split<'_, impl Fn(u8) -> bool> {
    Split { rest: Some(s), is_delim }
}

pub struct Split<'a, F> {
    rest: Option<&'a str>,
    is_delim: F,
}

impl<'a, F: Fn(u8) -> bool> Iterator for Split<'a, F> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match s.bytes().position(&self.is_delim) {
            Some(i) => {
                self.rest = s.get(i + 1..);
                s.get(..i)
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

/// Sixteen-byte steps with WebAssembly SIMD, for the scans that run over a kilobyte-long session
/// token or a whole request on every signature.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd {
    use core::arch::wasm32::{v128, v128_any_true, v128_or};

    pub fn load(bytes: &[u8; 16]) -> v128 {
        // SAFETY: `v128` is sixteen bytes that any bit pattern fills, like the array.
        unsafe { core::mem::transmute::<[u8; 16], v128>(*bytes) }
    }

    pub fn store(v: v128) -> [u8; 16] {
        // SAFETY: as in `load`, the other way round.
        unsafe { core::mem::transmute::<v128, [u8; 16]>(v) }
    }

    /// Whether `test` sets a lane of any sixteen-byte step (four steps per check), or `tail`
    /// accepts one of the last bytes.
    pub fn any_lane(bytes: &[u8], test: impl Fn(v128) -> v128, tail: impl Fn(u8) -> bool) -> bool {
        let (steps, rest) = bytes.as_chunks::<16>();
        let mut quads = steps.chunks_exact(4);
        for quad in &mut quads {
            let hits = quad.iter().fold(core::arch::wasm32::u8x16_splat(0), |acc, s| v128_or(acc, test(load(s))));
            if v128_any_true(hits) {
                return true;
            }
        }
        quads.remainder().iter().any(|s| v128_any_true(test(load(s)))) || rest.iter().any(|&b| tail(b))
    }
}

/// `bytes.is_ascii()`, sixteen bytes per step where WebAssembly SIMD is there.
pub fn is_ascii(bytes: &[u8]) -> bool {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use core::arch::wasm32::{u8x16_ge, u8x16_splat};
        !simd::any_lane(bytes, |v| u8x16_ge(v, u8x16_splat(0x80)), |b| b >= 0x80)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        bytes.is_ascii()
    }
}

/// `a == b`, eight bytes per step: the wasm's `memcmp` compares byte by byte, and the signing-key
/// cache compares a 40-byte secret on every signature.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let ((a8, a_rest), (b8, b_rest)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    a8.iter().zip(b8).all(|(x, y)| u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y)) && a_rest.iter().zip(b_rest).all(|(x, y)| x == y)
}

/// The decimal digits of `v`, written at the end of `buf`, without `core::fmt` (which would pull
/// formatting machinery into the wasm).
pub fn decimal(mut v: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || i == 0 {
            break;
        }
    }
    core::str::from_utf8(buf.get(i..).unwrap_or_default()).unwrap_or("0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn ascii_and_equality_scans_match_the_standard_library() {
        // Every length across the 64- and 16-byte steps, a non-ASCII byte (or a difference) at
        // every place.
        for len in 0..150usize {
            let base: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(is_ascii(&base), "{len}");
            assert!(same(&base, &base), "{len}");
            assert!(!same(&base, &base[..len.saturating_sub(1)]) || len == 0, "{len}");
            for at in 0..len {
                for v in [0x7f, 0x80, 0xc3, 0xff] {
                    let mut b = base.clone();
                    b[at] = v;
                    assert_eq!(is_ascii(&b), b.is_ascii(), "{len} {at} {v}");
                    assert_eq!(same(&base, &b), base == b, "{len} {at} {v}");
                }
            }
        }
    }

    #[test]
    fn decimal_digits() {
        let mut b = [0u8; 20];
        for v in [0, 1, 9, 10, 604_800, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(decimal(v, &mut b), v.to_string());
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
                assert_eq!(trim_start(s, d), s.trim_start_matches(c), "{s:?} {c:?}");
                assert_eq!(split(s, |b| b == d).collect::<Vec<_>>(), s.split(c).collect::<Vec<_>>(), "{s:?} {c:?}");
            }
            let ws = |b| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
            assert_eq!(split(s, ws).collect::<Vec<_>>(), s.split([' ', '\t', '\n', '\r']).collect::<Vec<_>>(), "{s:?}");
            let cut = |b| b == b',' || b == b':';
            assert_eq!(before(s, cut), s.split([',', ':']).next().unwrap(), "{s:?}");
        }
    }
}
