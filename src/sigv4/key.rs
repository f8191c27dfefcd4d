//! HMAC-SHA256, the SigV4 signing-key derivation and its cache. Knows nothing about HTTP.

use crate::prelude::*;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

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

pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = Vec::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(HEX[(b >> 4) as usize]);
        s.push(HEX[(b & 15) as usize]);
    }
    String::from_utf8(s).unwrap_or_default()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
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
    /// SHA-256 of the secret, so the cache holds no copy of it.
    secret_hash: [u8; 32],
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
        let secret_hash: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        let hit = self.entries.iter().find(|e| {
            e.secret_hash == secret_hash && e.date == date && e.region == region && e.service == service
        });
        let mut mac = match hit {
            Some(e) => e.mac.clone(),
            None => {
                let Ok(mac) = HmacSha256::new_from_slice(&derive(secret, date, region, service)) else {
                    return [0; 32]; // unreachable: HMAC takes keys of any length
                };
                let entry =
                    Entry { secret_hash, date: date.into(), region: region.into(), service: service.into(), mac: mac.clone() };
                if self.entries.len() < CACHE_SIZE {
                    self.entries.push(entry);
                } else if let Some(slot) = self.entries.get_mut(self.next) {
                    *slot = entry;
                    self.next = (self.next + 1) % CACHE_SIZE;
                }
                mac
            }
        };
        mac.update(data);
        mac.finalize().into_bytes().into()
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
