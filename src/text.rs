//! Splitting and trimming at ASCII bytes, and the byte scans and comparisons signing runs on
//! every request.
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

    pub fn load2(bytes: &[u8; 32]) -> [v128; 2] {
        // SAFETY: as in `load`.
        unsafe { core::mem::transmute::<[u8; 32], [v128; 2]>(*bytes) }
    }

    pub fn store2(v: [v128; 2]) -> [u8; 32] {
        // SAFETY: as in `load`, the other way round.
        unsafe { core::mem::transmute::<[v128; 2], [u8; 32]>(v) }
    }

    pub fn store4(v: [v128; 4]) -> [u8; 64] {
        // SAFETY: as in `load`, the other way round.
        unsafe { core::mem::transmute::<[v128; 4], [u8; 64]>(v) }
    }

    /// Copies `n` (at most 64) bytes with overlapping loads and stores and no loop, which LLVM
    /// would turn back into a `memory.copy`.
    ///
    /// # Safety
    /// `src` must be readable and `dst` writable for `n` bytes, the two must not overlap, and
    /// `n` must be at most 64.
    pub unsafe fn copy_short(src: *const u8, dst: *mut u8, n: usize) {
        use core::arch::wasm32::{v128_load, v128_store};
        use core::ptr::{read_unaligned, write_unaligned};
        // SAFETY (all blocks): every access below lies within the first `n` bytes of `src` and
        // `dst`; the branch conditions give the lower bounds that keep the offsets in range.
        unsafe {
            if n >= 16 {
                let (first, last) = (v128_load(src.cast()), v128_load(src.add(n - 16).cast()));
                if n > 32 {
                    let (second, third) = (v128_load(src.add(16).cast()), v128_load(src.add(n - 32).cast()));
                    v128_store(dst.add(16).cast(), second);
                    v128_store(dst.add(n - 32).cast(), third);
                }
                v128_store(dst.cast(), first);
                v128_store(dst.add(n - 16).cast(), last);
            } else if n >= 8 {
                let (first, last) = (read_unaligned(src.cast::<u64>()), read_unaligned(src.add(n - 8).cast::<u64>()));
                write_unaligned(dst.cast::<u64>(), first);
                write_unaligned(dst.add(n - 8).cast::<u64>(), last);
            } else if n >= 4 {
                let (first, last) = (read_unaligned(src.cast::<u32>()), read_unaligned(src.add(n - 4).cast::<u32>()));
                write_unaligned(dst.cast::<u32>(), first);
                write_unaligned(dst.add(n - 4).cast::<u32>(), last);
            } else if n > 0 {
                // 1 to 3 bytes: the first, the middle and the last (some of them the same).
                *dst = *src;
                *dst.add(n / 2) = *src.add(n / 2);
                *dst.add(n - 1) = *src.add(n - 1);
            }
        }
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

/// Appends `s` to `out`. In this wasm every `memory.copy` is a call out to the engine costing
/// about as much as copying a hundred bytes in a loop (Node 20: ~9 ns), and a signature appends
/// some fifty short pieces; so up to 64 bytes are copied with a few loads and stores instead.
pub fn append(out: &mut Vec<u8>, s: &[u8]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if s.len() <= 64 {
        // `reserve` is an out-of-line call at opt-level "z"; the buffers here rarely need it.
        if out.capacity() - out.len() < s.len() {
            out.reserve(s.len());
        }
        let at = out.len();
        // SAFETY: there is room for `s.len()` bytes after `at` (checked above, or made by
        // `reserve`), `copy_short` writes exactly those, and a borrowed `s` cannot overlap the
        // vector's own spare capacity.
        unsafe {
            simd::copy_short(s.as_ptr(), out.as_mut_ptr().add(at), s.len());
            out.set_len(at + s.len());
        }
        return;
    }
    out.extend_from_slice(s);
}

/// `dst.copy_from_slice(src)`, without a `memory.copy` for short slices (see [`append`]).
pub fn copy_into(dst: &mut [u8], src: &[u8]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if src.len() <= 64 && dst.len() == src.len() {
        // SAFETY: both are valid for `src.len()` bytes, and `&mut` excludes an overlap.
        unsafe { simd::copy_short(src.as_ptr(), dst.as_mut_ptr(), src.len()) };
        return;
    }
    dst.copy_from_slice(src);
}

/// [`append`] for text.
pub fn append_str(out: &mut String, s: &str) {
    // SAFETY: appending a whole `str` keeps the string valid UTF-8.
    append(unsafe { out.as_mut_vec() }, s.as_bytes());
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
    a8.iter().zip(b8).all(|(x, y)| u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y))
        && a_rest.iter().zip(b_rest).all(|(x, y)| x == y)
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

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn short_and_long_copies_match_the_standard_library() {
        // Every length on both sides of each copy width (1-3, 4, 8, 16, 32, 64 bytes), appended
        // after every prefix length so that the destination offset varies too.
        let source: Vec<u8> = (0..100u8).map(|i| i.wrapping_mul(37).wrapping_add(1)).collect();
        for len in 0..=source.len() {
            let piece = &source[..len];
            for prefix in 0..20 {
                let mut out = vec![0xee; prefix];
                append(&mut out, piece);
                let mut want = vec![0xee; prefix];
                want.extend_from_slice(piece);
                assert_eq!(out, want, "append {len} after {prefix}");
            }
            let mut dst = vec![0u8; len + 2];
            copy_into(&mut dst[1..len + 1], piece);
            assert_eq!(&dst[1..len + 1], piece, "copy_into {len}");
            assert_eq!((dst[0], dst[len + 1]), (0, 0), "copy_into {len} wrote outside");
        }
        let mut text = String::from("é");
        append_str(&mut text, "→ 🦀 ok");
        assert_eq!(text, "é→ 🦀 ok");
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
