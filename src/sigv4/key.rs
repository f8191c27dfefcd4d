//! SHA-256 and HMAC-SHA256 as SigV4 uses them, the signing-key derivation and its cache. Knows
//! nothing about HTTP.
//!
//! Hashing runs on `sha2`'s compression function directly. The `Digest` and `Mac` layers buffer
//! through generic code that the size-optimized release wasm leaves as calls per step; for the
//! short texts signed here that cost as much as the hashing. HMAC is RFC 2104 on top, with the
//! signing key's padded blocks hashed once per key (the `hmac` crate checks it in the tests).

use crate::prelude::*;
use crate::text;

const IV: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// SHA-256 of a message whose first `hashed` bytes (a multiple of 64) are already in `state`,
/// and whose rest is `data`. One shot, no buffering: every text hashed here is whole in memory,
/// and a streaming hasher's block copies showed in profiles.
fn digest_from(mut state: [u32; 8], hashed: u64, data: &[u8]) -> [u8; 32] {
    let (blocks, tail) = data.as_chunks::<64>();
    sha2::block_api::compress256(&mut state, blocks);
    // The last bytes, 0x80, zeros and the length in bits: one block, or two when the length
    // does not fit after the last bytes.
    let bits = hashed.wrapping_add(data.len() as u64).wrapping_mul(8);
    // Zeroing and copying are calls out of the engine in this wasm unless they are short and of
    // fixed size: hence one block in the usual case and `text::copy_into` for the tail.
    if tail.len() < 56 {
        let mut last = [0u8; 64];
        pad(&mut last, tail, bits);
        sha2::block_api::compress256(&mut state, core::slice::from_ref(&last));
    } else {
        let mut last = [[0u8; 64]; 2];
        pad(last.as_flattened_mut(), tail, bits);
        sha2::block_api::compress256(&mut state, &last);
    }
    big_endian(&state)
}

/// Writes the padded end of a message into the zeroed `blocks`: `tail` (under 64 bytes), 0x80,
/// and the length in bits in the last eight bytes.
fn pad(blocks: &mut [u8], tail: &[u8], bits: u64) {
    if let Some(slot) = blocks.get_mut(..tail.len()) {
        text::copy_into(slot, tail);
    }
    if let Some(b) = blocks.get_mut(tail.len()) {
        *b = 0x80;
    }
    if let Some(slot) = blocks.last_chunk_mut::<8>() {
        *slot = bits.to_be_bytes();
    }
}

/// The hash words as the digest's bytes: each word byte-swapped, four at a time with SIMD.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn big_endian(state: &[u32; 8]) -> [u8; 32] {
    use core::arch::wasm32::{i8x16_shuffle, u32x4};
    let [a, b, c, d, e, f, g, h] = *state;
    // Lanes are little-endian on wasm: reversing each word's four bytes gives big-endian.
    let swap = |v| i8x16_shuffle::<3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12>(v, v);
    text::simd::store2([swap(u32x4(a, b, c, d)), swap(u32x4(e, f, g, h))])
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn big_endian(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (word, slot) in state.iter().zip(out.as_chunks_mut::<4>().0) {
        *slot = word.to_be_bytes();
    }
    out
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    digest_from(IV, 0, data)
}

/// HMAC-SHA256 under one key, kept as the hash states after its padded key blocks: each MAC
/// then costs only the blocks of its data and one more.
#[derive(Clone, Copy)]
pub struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    pub fn new(key: &[u8]) -> Self {
        let mut block = [0u8; 64];
        if key.len() > 64 {
            if let Some(slot) = block.get_mut(..32) {
                slot.copy_from_slice(&sha256(key));
            }
        } else if let Some(slot) = block.get_mut(..key.len()) {
            slot.copy_from_slice(key);
        }
        let padded = |pad: u8| {
            let mut state = IV;
            sha2::block_api::compress256(&mut state, &[block.map(|b| b ^ pad)]);
            state
        };
        HmacKey { inner: padded(0x36), outer: padded(0x5c) }
    }

    pub fn mac(&self, data: &[u8]) -> [u8; 32] {
        digest_from(self.outer, 64, &digest_from(self.inner, 64, data))
    }
}

pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    HmacKey::new(key).mac(data)
}

/// A SHA-256 digest in lowercase hex, on the stack. A signature writes three, and a byte loop
/// with its table lookups showed in profiles, so `new` converts many bytes per step.
#[derive(Clone, Copy)]
pub struct Hex32([u8; 64]);

impl Hex32 {
    /// Sixteen bytes per step with SIMD: high and low nibbles interleaved, then each looked up
    /// in the sixteen digits.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    pub fn new(digest: &[u8; 32]) -> Self {
        use core::arch::wasm32::{i8x16_shuffle, i8x16_swizzle, u8x16_shr, u8x16_splat, v128, v128_and};
        let digits = text::simd::load(b"0123456789abcdef");
        let hex = |v: v128| -> [v128; 2] {
            let (high, low) = (u8x16_shr(v, 4), v128_and(v, u8x16_splat(15)));
            let first = i8x16_shuffle::<0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23>(high, low);
            let second = i8x16_shuffle::<8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31>(high, low);
            [i8x16_swizzle(digits, first), i8x16_swizzle(digits, second)]
        };
        let [lo, hi] = text::simd::load2(digest);
        let ([a, b], [c, d]) = (hex(lo), hex(hi));
        // Built from the vectors rather than stored into a zeroed array, whose zeroing is a call
        // out of the engine in this wasm (see `text::append`).
        Hex32(text::simd::store4([a, b, c, d]))
    }

    /// Four bytes per step in a `u64`: each byte's nibbles spread to two bytes (high nibble
    /// first), then `'0'` added to every byte and `'a' - '0' - 10` more where the nibble is
    /// above 9 (adding 6 carries into bit 4 exactly then).
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    pub fn new(digest: &[u8; 32]) -> Self {
        const LOW_NIBBLES: u64 = 0x000f_000f_000f_000f;
        const ONES: u64 = 0x0101_0101_0101_0101;
        let mut out = [0u8; 64];
        for j in 0..8 {
            let [b0, b1, b2, b3] = [digest[4 * j], digest[4 * j + 1], digest[4 * j + 2], digest[4 * j + 3]];
            let spread = u64::from(b0) | u64::from(b1) << 16 | u64::from(b2) << 32 | u64::from(b3) << 48;
            let nibbles = (spread >> 4) & LOW_NIBBLES | (spread & LOW_NIBBLES) << 8;
            let letters = ((nibbles + 6 * ONES) >> 4) & ONES;
            let text = nibbles + 0x30 * ONES + letters * 39;
            let [c0, c1, c2, c3, c4, c5, c6, c7] = text.to_le_bytes();
            [out[8 * j], out[8 * j + 1], out[8 * j + 2], out[8 * j + 3]] = [c0, c1, c2, c3];
            [out[8 * j + 4], out[8 * j + 5], out[8 * j + 6], out[8 * j + 7]] = [c4, c5, c6, c7];
        }
        Hex32(out)
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: `new` is the only constructor, and it writes ASCII hex digits only. (Checking
        // again on each of the several reads per signature was measurable.)
        unsafe { core::str::from_utf8_unchecked(&self.0) }
    }
}

impl core::fmt::Debug for Hex32 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn derive(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let mut k = Vec::with_capacity(secret.len() + 4);
    k.extend_from_slice(b"AWS4");
    k.extend_from_slice(secret.as_bytes());
    let k = hmac_sha256(&k, date.as_bytes());
    let k = hmac_sha256(&k, region.as_bytes());
    let k = hmac_sha256(&k, service.as_bytes());
    hmac_sha256(&k, b"aws4_request")
}

struct Entry {
    /// Kept, like the credentials themselves, only in memory; it is never printed (no `Debug`).
    /// Comparing it costs far less than hashing it on every signature.
    secret: String,
    date: String,
    region: String,
    service: String,
    key: HmacKey,
}

/// Derived keys by (secret, date, region, service). A key is valid for a whole day, and an app
/// signs for a handful of scopes, so a few entries with round-robin replacement are enough.
#[derive(Default)]
pub struct SigningKeyCache {
    entries: Vec<Entry>,
    next: usize,
    /// Where the signer writes the texts it hashes, kept between signatures.
    buffer: Vec<u8>,
}

const CACHE_SIZE: usize = 4;

impl SigningKeyCache {
    pub const fn new() -> Self {
        SigningKeyCache { entries: Vec::new(), next: 0, buffer: Vec::new() }
    }

    /// The reusable text buffer, empty; [`SigningKeyCache::put_buffer`] gives it back.
    pub(crate) fn take_buffer(&mut self) -> Vec<u8> {
        let mut b = core::mem::take(&mut self.buffer);
        b.clear();
        b
    }

    pub(crate) fn put_buffer(&mut self, b: Vec<u8>) {
        self.buffer = b;
    }

    /// HMAC-SHA256 of `data` under the signing key of (secret, date, region, service).
    pub fn sign(&mut self, secret: &str, date: &str, region: &str, service: &str, data: &[u8]) -> [u8; 32] {
        self.key(secret, date, region, service).mac(data)
    }

    /// The signing key of (secret, date, region, service), derived on first use.
    pub fn key(&mut self, secret: &str, date: &str, region: &str, service: &str) -> HmacKey {
        let hit = self.entries.iter().find(|e| {
            [(&e.secret, secret), (&e.date, date), (&e.region, region), (&e.service, service)]
                .iter()
                .all(|(a, b)| text::same(a.as_bytes(), b.as_bytes()))
        });
        if let Some(e) = hit {
            return e.key;
        }
        let key = HmacKey::new(&derive(secret, date, region, service));
        let entry =
            Entry { secret: secret.into(), date: date.into(), region: region.into(), service: service.into(), key };
        if self.entries.len() < CACHE_SIZE {
            self.entries.push(entry);
        } else if let Some(slot) = self.entries.get_mut(self.next) {
            *slot = entry;
            self.next = (self.next + 1) % CACHE_SIZE;
        }
        key
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{KeyInit, Mac};
    use sha2::Digest;

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn hex_digits_of_every_byte_in_every_place() {
        for place in 0..32 {
            for v in 0..=255u8 {
                let mut digest = [0x5au8; 32];
                digest[place] = v;
                let want: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                assert_eq!(Hex32::new(&digest).as_str(), want, "byte {v:#04x} at {place}");
            }
        }
    }

    #[test]
    fn known_signing_key() {
        // The derivation example from the SigV4 documentation.
        let k = derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assert_eq!(Hex32::new(&k).as_str(), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn sha256_and_hmac_match_the_rustcrypto_crates() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 31 % 251) as u8).collect();
        for len in 0..300 {
            let msg = &data[..len];
            assert_eq!(sha256(msg), <[u8; 32]>::from(sha2::Sha256::digest(msg)), "length {len}");
        }
        for key_len in [0, 1, 32, 63, 64, 65, 200] {
            let key = &data[..key_len];
            for len in [0, 1, 55, 56, 64, 119, 200] {
                let mut reference = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
                reference.update(&data[..len]);
                let want: [u8; 32] = reference.finalize().into_bytes().into();
                assert_eq!(hmac_sha256(key, &data[..len]), want, "key {key_len}, data {len}");
            }
        }
    }

    #[test]
    fn cache_hits_and_bounds() {
        let mut c = SigningKeyCache::new();
        let direct = hmac_sha256(&derive("s", "20150830", "us-east-1", "svc"), b"data");
        let a = c.sign("s", "20150830", "us-east-1", "svc", b"data");
        assert_eq!(a, direct);
        assert_eq!(c.sign("s", "20150830", "us-east-1", "svc", b"data"), a);
        assert_eq!(c.len(), 1);
        assert_ne!(c.sign("t", "20150830", "us-east-1", "svc", b"data"), a);
        for r in ["a", "b", "c", "d", "e"] {
            c.sign("s", "20150830", r, "svc", b"data");
        }
        assert_eq!(c.len(), CACHE_SIZE);
        assert_eq!(c.sign("s", "20150830", "us-east-1", "svc", b"data"), a);
        assert_ne!(c.sign("s", "20150830", "us-east-1", "svc", b"other"), a);
    }
}
