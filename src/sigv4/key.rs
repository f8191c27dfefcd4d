//! HMAC-SHA256, the SigV4 signing-key derivation and its cache. Knows nothing about HTTP.

use crate::prelude::*;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub type HmacSha256 = Hmac<Sha256>;

pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail; the fallback keeps it panic-free.
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().into()
        }
        Err(_) => [0; 32],
    }
}

/// A SHA-256 digest in lowercase hex, on the stack.
#[derive(Clone, Copy)]
pub struct Hex32([u8; 64]);

impl Hex32 {
    pub fn new(digest: &[u8; 32]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (pair, &b) in out.chunks_exact_mut(2).zip(digest) {
            if let [hi, lo] = pair {
                *hi = HEX[(b >> 4) as usize];
                *lo = HEX[(b & 15) as usize];
            }
        }
        Hex32(out)
    }

    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for chunk in bytes.chunks(32) {
        let mut d = [0u8; 32];
        for (slot, &b) in d.iter_mut().zip(chunk) {
            *slot = b;
        }
        s.push_str(Hex32::new(&d).as_str().get(..chunk.len() * 2).unwrap_or_default());
    }
    s
}

pub fn sha256_hex(data: &[u8]) -> String {
    Hex32::new(&Sha256::digest(data).into()).as_str().into()
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
    /// HMAC keyed with the derived key: its padded key blocks are already hashed, saving two
    /// SHA-256 blocks per signature.
    mac: HmacSha256,
}

/// Derived keys by (secret, date, region, service). A key is valid for a whole day, and an app
/// signs for a handful of scopes, so a few entries with round-robin replacement are enough.
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

    /// HMAC-SHA256 of `data` under the signing key of (secret, date, region, service).
    pub fn sign(&mut self, secret: &str, date: &str, region: &str, service: &str, data: &[u8]) -> [u8; 32] {
        let mut mac = self.keyed(secret, date, region, service);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// An HMAC keyed with the signing key of (secret, date, region, service), ready for data.
    pub fn keyed(&mut self, secret: &str, date: &str, region: &str, service: &str) -> HmacSha256 {
        let hit = self
            .entries
            .iter()
            .find(|e| e.secret == secret && e.date == date && e.region == region && e.service == service);
        match hit {
            Some(e) => e.mac.clone(),
            None => {
                let mac = match HmacSha256::new_from_slice(&derive(secret, date, region, service)) {
                    Ok(mac) => mac,
                    // Unreachable (HMAC takes keys of any length); an empty key keeps it total.
                    Err(_) => HmacSha256::new(&Default::default()),
                };
                let entry =
                    Entry { secret: secret.into(), date: date.into(), region: region.into(), service: service.into(), mac: mac.clone() };
                if self.entries.len() < CACHE_SIZE {
                    self.entries.push(entry);
                } else if let Some(slot) = self.entries.get_mut(self.next) {
                    *slot = entry;
                    self.next = (self.next + 1) % CACHE_SIZE;
                }
                mac
            }
        }
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
    fn known_signing_key() {
        // The derivation example from the SigV4 documentation.
        let k = derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assert_eq!(hex(&k), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
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
