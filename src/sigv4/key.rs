//! SHA-256, HMAC-SHA256 and the SigV4 signing key, with a small cache of derived keys. Knows
//! nothing about HTTP.

use crate::prelude::*;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// A SHA-256 digest in lowercase hex.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.extend_from_slice(&[DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]]);
    }
    // SAFETY: hex digits are ASCII, which is valid UTF-8.
    unsafe { String::from_utf8_unchecked(out) }
}

fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length: `new_from_slice` cannot fail for it.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The signing key of one (secret, date, region, service) scope, ready to MAC strings to sign.
/// A keyed `Hmac` holds the hash states after its padded key blocks, so cloning it for each
/// signature skips hashing them again.
#[derive(Clone)]
pub(crate) struct SigningKey(HmacSha256);

/// The derivation's first step, HMAC("AWS4" + secret, date): what the cache knows a secret by,
/// so that it keeps no copy of the secret itself.
fn date_key(secret: &str, date: &str) -> [u8; 32] {
    let mut k = Vec::with_capacity(secret.len() + 4);
    k.extend_from_slice(b"AWS4");
    k.extend_from_slice(secret.as_bytes());
    let date_key = hmac_sha256(&k, date.as_bytes());
    super::wipe(&mut k);
    scrub_stack();
    date_key
}

/// Overwrites the stack just below the caller's frame, where the HMAC above left the padded key
/// block (the hmac crate copies the key there in the clear before masking it).
#[inline(never)]
fn scrub_stack() {
    let mut area = [0xffu8; 1024];
    super::wipe(&mut area);
    core::hint::black_box(&area);
}

impl SigningKey {
    #[cfg(test)]
    pub(crate) fn derive(secret: &str, date: &str, region: &str, service: &str) -> Self {
        Self::from_date_key(&date_key(secret, date), region, service)
    }

    fn from_date_key(date_key: &[u8; 32], region: &str, service: &str) -> Self {
        let k = hmac_sha256(date_key, region.as_bytes());
        let k = hmac_sha256(&k, service.as_bytes());
        SigningKey(keyed(&hmac_sha256(&k, b"aws4_request")))
    }

    /// The signature of `string_to_sign`, in hex.
    pub(crate) fn sign(&self, string_to_sign: &str) -> String {
        let mut mac = self.0.clone();
        mac.update(string_to_sign.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

struct Entry {
    /// Stands for the secret and the date.
    date_key: [u8; 32],
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // read by `forget`
    date: String,
    region: String,
    service: String,
    key: SigningKey,
}

/// Derived keys by (secret, date, region, service). A key is valid for a whole day and an app
/// signs for a handful of scopes, so a few entries replaced in turn are enough; a hit saves the
/// four HMACs of the derivation.
#[derive(Default)]
pub struct SigningKeyCache {
    entries: Vec<Entry>,
    next: usize,
}

const CACHE_SIZE: usize = 4;

impl SigningKeyCache {
    pub const fn new() -> Self {
        SigningKeyCache { entries: Vec::new(), next: 0 }
    }

    /// The signing key of the scope, derived on first use.
    pub(crate) fn key(&mut self, secret: &str, date: &str, region: &str, service: &str) -> SigningKey {
        let date_key = date_key(secret, date);
        let hit = self.entries.iter().find(|e| e.date_key == date_key && e.region == region && e.service == service);
        if let Some(e) = hit {
            return e.key.clone();
        }
        let key = SigningKey::from_date_key(&date_key, region, service);
        let entry =
            Entry { date_key, date: date.into(), region: region.into(), service: service.into(), key: key.clone() };
        if self.entries.len() < CACHE_SIZE {
            self.entries.push(entry);
        } else if let Some(slot) = self.entries.get_mut(self.next) {
            *slot = entry;
            self.next = (self.next + 1) % CACHE_SIZE;
        }
        key
    }

    /// Drops the keys derived from `secret` (a client that held it was freed).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the clients are wasm-only
    pub(crate) fn forget(&mut self, secret: &str) {
        self.entries.retain(|e| date_key(secret, &e.date) != e.date_key);
        self.next = 0;
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

    #[test]
    fn hex_digits_of_every_byte() {
        for v in 0..=255u8 {
            assert_eq!(hex(&[v, 0x5a]), format!("{v:02x}5a"));
        }
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn known_signing_key() {
        // The derivation example from the SigV4 documentation: the key MACs like its bytes do.
        let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        let bytes = [
            0xf4, 0x78, 0x0e, 0x2d, 0x9f, 0x65, 0xfa, 0x89, 0x5f, 0x9c, 0x67, 0xb3, 0x2c, 0xe1, 0xba, 0xf0, 0xb0, 0xd8,
            0xa4, 0x35, 0x05, 0xa0, 0x00, 0xa1, 0xa9, 0xe0, 0x90, 0xd4, 0x14, 0xdb, 0x40, 0x4d,
        ];
        assert_eq!(key.sign("data"), hex(&hmac_sha256(&bytes, b"data")));
    }

    #[test]
    fn long_keys_are_hashed_first() {
        // RFC 4231 test case 6: a 131-byte key.
        let key = [0xaau8; 131];
        let mac = hmac_sha256(&key, b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(hex(&mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    #[test]
    fn cache_hits_and_bounds() {
        let mut c = SigningKeyCache::new();
        let direct = SigningKey::derive("s", "20150830", "us-east-1", "svc").sign("data");
        let a = c.key("s", "20150830", "us-east-1", "svc").sign("data");
        assert_eq!(a, direct);
        assert_eq!(c.key("s", "20150830", "us-east-1", "svc").sign("data"), a);
        assert_eq!(c.len(), 1);
        assert_ne!(c.key("t", "20150830", "us-east-1", "svc").sign("data"), a);
        for r in ["a", "b", "c", "d", "e"] {
            c.key("s", "20150830", r, "svc");
        }
        assert_eq!(c.len(), CACHE_SIZE);
        assert_eq!(c.key("s", "20150830", "us-east-1", "svc").sign("data"), a);
        assert_ne!(c.key("s", "20150830", "us-east-1", "svc").sign("other"), a);
    }

    #[test]
    fn forgetting_a_secret_drops_only_its_keys() {
        let mut c = SigningKeyCache::new();
        c.key("s", "20150830", "us-east-1", "svc");
        c.key("s", "20150831", "us-west-2", "svc");
        c.key("t", "20150830", "us-east-1", "svc");
        c.forget("s");
        assert_eq!(c.len(), 1);
        let direct = SigningKey::derive("t", "20150830", "us-east-1", "svc").sign("data");
        assert_eq!(c.key("t", "20150830", "us-east-1", "svc").sign("data"), direct);
        assert_eq!(c.len(), 1);
    }
}
