//! Keys. A city key speaks for a city; later, staff keys delegated by a city (see `SPEC.md`).
//!
//! Text form: 64 lowercase hexadecimal characters of the 32-byte ed25519 public key. The same
//! form is used for ids, so one parser and one habit serve both. Private keys have no text form
//! in this crate on purpose: they are written to a file by the node and never printed.

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("a key is 64 lowercase hexadecimal characters, got {0:?}")]
    Text(String),
    #[error("{0:?} is not a valid ed25519 public key (not a curve point, or of small order)")]
    NotAPoint(String),
}

/// A public key (city or staff), as it appears in entries. It keeps the decompressed point, so
/// that a key read once verifies many signatures without decompressing it again.
#[derive(Clone, Copy)]
pub struct PublicKey {
    bytes: [u8; 32],
    key: VerifyingKey,
}

impl PublicKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, KeyError> {
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| KeyError::NotAPoint(hex::encode(bytes)))?;
        if key.is_weak() {
            return Err(KeyError::NotAPoint(hex::encode(bytes)));
        }
        Ok(Self { bytes, key })
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// `verify_strict`: refuses non-canonical `S`, small-order keys and small-order `R`, so that
    /// every node reaches the same verdict on the same bytes.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let signature = Signature::from_bytes(signature);
        self.key.verify_strict(message, &signature).is_ok()
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for PublicKey {}

impl std::hash::Hash for PublicKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes.hash(state);
    }
}

impl PartialOrd for PublicKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PublicKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.bytes.cmp(&other.bytes)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.bytes))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl FromStr for PublicKey {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = crate::id::parse_hex32(s).ok_or_else(|| KeyError::Text(s.to_owned()))?;
        Self::from_bytes(bytes)
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A private signing key. Its bytes leave this type only through [`SecretKey::to_bytes`], for
/// the node to write to a file with mode 0600; `Debug` never shows them.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// The key made from a 32-byte seed (the caller draws it from the OS's randomness).
    pub fn from_bytes(seed: [u8; 32]) -> Self {
        Self(SigningKey::from_bytes(&seed))
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn public(&self) -> PublicKey {
        let key = self.0.verifying_key();
        PublicKey {
            bytes: key.to_bytes(),
            key,
        }
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(public: {})", self.public())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips_from_the_input_text() {
        let key = SecretKey::from_bytes([7; 32]).public();
        let text = key.to_string();
        assert_eq!(text.len(), 64);
        assert!(
            text.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(text.parse::<PublicKey>(), Ok(key));
    }

    #[test]
    fn refuses_uppercase_short_and_small_order_keys() {
        let key = SecretKey::from_bytes([7; 32]).public().to_string();
        assert!(key.to_uppercase().parse::<PublicKey>().is_err());
        assert!(key[..63].parse::<PublicKey>().is_err());
        // The identity point (small order) is a valid encoding but must be refused.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(matches!(
            PublicKey::from_bytes(identity),
            Err(KeyError::NotAPoint(_))
        ));
    }

    #[test]
    fn signatures_verify_strictly_and_fail_on_a_flipped_bit() {
        let secret = SecretKey::from_bytes([9; 32]);
        let mut sig = secret.sign(b"hello");
        assert!(secret.public().verify_strict(b"hello", &sig));
        assert!(!secret.public().verify_strict(b"hellp", &sig));
        sig[3] ^= 1;
        assert!(!secret.public().verify_strict(b"hello", &sig));
    }
}
