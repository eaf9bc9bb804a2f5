//! The canonical bytes of a [`Header`], written directly.
//!
//! Every entry from every door has its header written again (to check that it is in the one
//! form this version writes, and to get the bytes that are hashed and signed). Going through a
//! `serde_json::Value` and the generic RFC 8785 serializer cost ≈ 7 % of checking an entry;
//! this writer costs a fraction of that. It covers the headers this version produces — plain
//! ASCII `kind`, integers within ±(2^53 − 1) — and declines anything else, which the caller
//! then encodes through the generic path (which also names what is wrong). A property test
//! holds the two to the same bytes.

use super::Header;
use crate::Id;
use crate::canonical::MAX_SAFE_INTEGER;

/// Appends `canonical(head)` to `out` and returns true, or leaves `out` as it is and returns
/// false when the header is outside the common case.
pub(super) fn write(head: &Header, out: &mut Vec<u8>) -> bool {
    if !plain(&head.kind)
        || [head.v, head.created, head.body_len]
            .iter()
            .any(|&n| n > MAX_SAFE_INTEGER)
    {
        return false;
    }
    let prev_len = head.revises.as_ref().map_or(0, |r| r.prev.len());
    out.reserve(320 + head.kind.len() + 67 * prev_len);
    // Keys in RFC 8785 order (UTF-16 code units; all ASCII here, so byte order).
    out.extend_from_slice(b"{\"body_hash\":");
    hex(out, head.body_hash.as_bytes());
    out.extend_from_slice(b",\"body_len\":");
    integer(out, head.body_len);
    out.extend_from_slice(b",\"city\":");
    hex(out, head.city.as_bytes());
    out.extend_from_slice(b",\"created\":");
    integer(out, head.created);
    out.extend_from_slice(b",\"kind\":\"");
    out.extend_from_slice(head.kind.as_bytes());
    out.push(b'"');
    if let Some(revises) = &head.revises {
        out.extend_from_slice(b",\"revises\":{\"doc\":");
        hex(out, revises.doc.as_bytes());
        out.extend_from_slice(b",\"prev\":[");
        for (i, prev) in revises.prev.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            hex(out, Id::as_bytes(prev));
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b",\"signer\":");
    hex(out, head.signer.as_bytes());
    out.extend_from_slice(b",\"v\":");
    integer(out, head.v);
    out.push(b'}');
    true
}

/// Printable ASCII without `"` or `\`: written as is in canonical JSON.
fn plain(s: &str) -> bool {
    s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
}

/// A quoted lowercase hexadecimal string (the text form of ids and keys).
fn hex(out: &mut Vec<u8>, bytes: &[u8; 32]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0x0f)]);
    }
    out.push(b'"');
}

fn integer(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{Header, Revises};
    use crate::canonical;
    use crate::{Id, SecretKey};

    /// The reference: the header as a JSON value, through the generic RFC 8785 serializer.
    fn reference(head: &Header) -> Option<Vec<u8>> {
        canonical::to_bytes(&serde_json::to_value(head).ok()?).ok()
    }

    fn header(
        kind: String,
        numbers: (u64, u64, u64),
        revises: Option<(u8, Vec<u8>)>,
        seed: u8,
    ) -> Header {
        let signer = SecretKey::from_bytes([seed; 32]).public();
        let city = SecretKey::from_bytes([seed.wrapping_add(1); 32]).public();
        Header {
            v: numbers.0,
            kind,
            signer,
            city,
            created: numbers.1,
            revises: revises.map(|(doc, prev)| Revises {
                doc: Id::hash(&[doc]),
                prev: prev.iter().map(|p| Id::hash(&[*p])).collect(),
            }),
            body_hash: Id::hash(&[seed]),
            body_len: numbers.2,
        }
    }

    fn number() -> impl Strategy<Value = u64> {
        prop_oneof![
            0u64..3,
            Just(canonical::MAX_SAFE_INTEGER),
            Just(canonical::MAX_SAFE_INTEGER + 1),
            Just(u64::MAX),
            any::<u64>(),
            0u64..2_000_000_000_000,
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whenever the writer answers, it answers exactly what the generic path writes; and
        /// it answers for every header this version produces.
        #[test]
        fn writes_what_the_generic_path_writes(
            kind in prop_oneof![
                "[a-z_]{1,20}",
                "[ -~]{0,12}",
                "[a-zé\"\\\\\n\u{1}\u{7f}\u{10000}]{0,8}",
            ],
            numbers in (number(), number(), number()),
            revises in proptest::option::of((any::<u8>(), prop::collection::vec(any::<u8>(), 0..4))),
            seed in any::<u8>(),
        ) {
            let head = header(kind.clone(), numbers, revises, seed);
            let reference = reference(&head);
            let mut fast = b"prefix".to_vec();
            if super::write(&head, &mut fast) {
                prop_assert_eq!(&fast[..6], b"prefix");
                prop_assert_eq!(Some(fast[6..].to_vec()), reference);
            } else {
                prop_assert_eq!(&fast[..], b"prefix", "declined, yet wrote");
                let common = kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    && [numbers.0, numbers.1, numbers.2]
                        .iter()
                        .all(|&n| n <= canonical::MAX_SAFE_INTEGER);
                prop_assert!(!common, "the writer declined a common header: {:?}", head);
            }
        }
    }
}
