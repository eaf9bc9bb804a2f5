//! Content ids: the blake3 hash of an entry's signed bytes (see `entry`).
//!
//! Text form: 64 lowercase hexadecimal characters. People may type any unique prefix of at
//! least [`MIN_PREFIX`] characters, as with git; [`Prefix`] checks the form, the store resolves it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The shortest id prefix the CLI accepts.
pub const MIN_PREFIX: usize = 8;

/// Why an id or a prefix could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("an id is 64 lowercase hexadecimal characters, got {0:?}")]
    Text(String),
    #[error(
        "an id prefix is {min} to 64 lowercase hexadecimal characters, got {got:?}",
        min = MIN_PREFIX
    )]
    Prefix { got: String },
}

/// A 32-byte blake3 content id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id([u8; 32]);

impl Id {
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The blake3 hash of `bytes`.
    pub fn hash(bytes: &[u8]) -> Self {
        Self(*blake3::hash(bytes).as_bytes())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({self})")
    }
}

impl FromStr for Id {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_hex32(s)
            .map(Self)
            .ok_or_else(|| IdError::Text(s.to_owned()))
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A well-formed id prefix typed by a person: lowercase hex, 8 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix(String);

impl Prefix {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn matches(&self, id: &Id) -> bool {
        id.to_string().starts_with(&self.0)
    }
}

impl FromStr for Prefix {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let ok = (MIN_PREFIX..=64).contains(&trimmed.len()) && is_lower_hex(trimmed);
        if ok {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(IdError::Prefix { got: s.to_owned() })
        }
    }
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// 64 lowercase hex characters to 32 bytes; `None` for anything else.
pub(crate) fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !is_lower_hex(s) {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// 128 lowercase hex characters to 64 bytes (a signature); `None` for anything else.
pub(crate) fn parse_hex64(s: &str) -> Option<[u8; 64]> {
    if s.len() != 128 || !is_lower_hex(s) {
        return None;
    }
    let mut out = [0u8; 64];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blake3_of_empty_input_matches_the_reference() {
        assert_eq!(
            Id::hash(b"").to_string(),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
    }

    #[test]
    fn prefixes_need_eight_lowercase_hex_characters() {
        let id = Id::hash(b"x");
        let text = id.to_string();
        let prefix: Prefix = text[..8].parse().unwrap();
        assert!(prefix.matches(&id));
        assert!(text[..7].parse::<Prefix>().is_err());
        assert!(text[..8].to_uppercase().parse::<Prefix>().is_err());
        assert!("zzzzzzzz".parse::<Prefix>().is_err());
        assert!(
            !"00000000"
                .parse::<Prefix>()
                .unwrap()
                .matches(&Id::from_bytes([255; 32]))
        );
    }
}
