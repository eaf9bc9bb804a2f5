//! Keys. A city key speaks for a city; later, staff keys delegated by a city (see `SPEC.md`).
//!
//! Text form: 64 lowercase hexadecimal characters of the 32-byte ed25519 public key. The same
//! form is used for ids, so one parser and one habit serve both. Private keys have no text form
//! in this crate on purpose: they are written to a file by the node and never printed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, VartimeEdwardsPrecomputation};
use curve25519_dalek::traits::VartimePrecomputedMultiscalarMul;
use curve25519_dalek::{EdwardsPoint, Scalar};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha512};

/// Keys decompressed per thread, at most. A commons has a few hundred keys; past this the cache
/// is emptied and fills again.
const DECOMPRESSED_KEYS: usize = 4_096;

thread_local! {
    /// Decompressing a key takes a field square root, about as long as a seventh of a signature
    /// check, and every entry names two keys (signer and city) that are nearly always the same
    /// few: a thread that checks many entries decompresses each key once. Only valid keys are
    /// kept, and a point is a pure function of its bytes, so the cache changes no verdict.
    static KEYS: RefCell<HashMap<[u8; 32], VerifyingKey>> = RefCell::new(HashMap::new());
}

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
        if let Some(key) = KEYS.with(|keys| keys.borrow().get(&bytes).copied()) {
            return Ok(Self { bytes, key });
        }
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| KeyError::NotAPoint(hex::encode(bytes)))?;
        if key.is_weak() {
            return Err(KeyError::NotAPoint(hex::encode(bytes)));
        }
        KEYS.with(|keys| {
            let mut keys = keys.borrow_mut();
            if keys.len() >= DECOMPRESSED_KEYS {
                keys.clear();
            }
            keys.insert(bytes, key);
        });
        Ok(Self { bytes, key })
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// ed25519-dalek's `verify_strict`, verdict for verdict: refuses a non-canonical `S`, a
    /// small-order key (refused when the key is read), a small-order `R` and a non-canonical `R`,
    /// and compares `R` with `[S]B - [k]A` exactly (no cofactor), so that every node reaches the
    /// same verdict on the same bytes.
    ///
    /// It does one field inversion where `verify_strict` does an inversion and a square root:
    /// `verify_strict` decompresses `R` to test its order, then compares the encoding of the
    /// computed point with `R`'s bytes. Here the computed point `R'` is tested instead, after
    /// the same comparison: when `encode(R') == R`, `R` decodes to `R'`, so one is of small order
    /// exactly when the other is; when they differ, both functions refuse (a valid, canonical or
    /// not, or invalid `R` alike). `tests::verdicts_match_ed25519_dalek` checks this on valid,
    /// altered, non-canonical, small-order and mixed-order inputs.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.check(message, signature)
            .is_some_and(|check| check.verdict())
    }

    /// A check of `signature` computed up to its verdict, which [`Check::verdict`] gives alone
    /// and [`verdicts`] gives for many checks at once, with one field inversion for all. The
    /// verdict is [`PublicKey::verify_strict`]'s. `None` when `S` is not canonical: refused.
    pub fn check(&self, message: &[u8], signature: &[u8; 64]) -> Option<Check> {
        let (r, s, k) = self.challenge(message, signature)?;
        let computed = MULTIPLES.with(|multiples| {
            let mut multiples = multiples.borrow_mut();
            match multiples.table(self) {
                Some(table) => computed_with(table, &k, &s),
                None => self.computed(&k, &s),
            }
        });
        Some(Check { computed, r })
    }

    /// `R`'s bytes, `S` and the challenge `k = H(R || A || M)`; `None` when `S` is not
    /// canonical.
    fn challenge(
        &self,
        message: &[u8],
        signature: &[u8; 64],
    ) -> Option<([u8; 32], Scalar, Scalar)> {
        let (r, s) = signature.split_at(32);
        let (Ok(r), Ok(s)) = (<[u8; 32]>::try_from(r), <[u8; 32]>::try_from(s)) else {
            return None;
        };
        let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s))?;
        let k = Scalar::from_hash(
            Sha512::new()
                .chain_update(r)
                .chain_update(self.bytes)
                .chain_update(message),
        );
        Some((r, s, k))
    }

    /// `[S]B - [k]A`, with the basepoint's table of multiples and one made for `A` now.
    fn computed(&self, k: &Scalar, s: &Scalar) -> EdwardsPoint {
        let minus_a = -self.key.to_edwards();
        EdwardsPoint::vartime_double_scalar_mul_basepoint(k, &minus_a, s)
    }

    /// The table of multiples of `B` and `-A` that [`computed_with`] uses (about 20 KB).
    fn multiples(&self) -> VartimeEdwardsPrecomputation {
        VartimeEdwardsPrecomputation::new([ED25519_BASEPOINT_POINT, -self.key.to_edwards()])
    }
}

/// `[S]B - [k]A` from a key's [`PublicKey::multiples`]: the same point as
/// [`PublicKey::computed`], with fewer additions (wider tables, none to build).
fn computed_with(table: &VartimeEdwardsPrecomputation, k: &Scalar, s: &Scalar) -> EdwardsPoint {
    table.vartime_multiscalar_mul([s, k])
}

/// The verdict on the computed point `R' = [S]B - [k]A`: `R` must be its encoding, and of
/// prime order (see [`PublicKey::verify_strict`]).
fn accepts(computed: &EdwardsPoint, r: &[u8; 32]) -> bool {
    encoded_is(computed, &computed.compress(), r)
}

/// [`accepts`], given the computed point's encoding.
fn encoded_is(computed: &EdwardsPoint, encoded: &CompressedEdwardsY, r: &[u8; 32]) -> bool {
    encoded.as_bytes() == r && !computed.is_small_order()
}

/// A signature check computed up to its verdict: `R' = [S]B - [k]A`, and the `R` it must
/// encode to (see [`PublicKey::check`]).
#[derive(Clone, Copy)]
pub struct Check {
    computed: EdwardsPoint,
    r: [u8; 32],
}

impl Check {
    /// This check's verdict, [`PublicKey::verify_strict`]'s.
    pub fn verdict(&self) -> bool {
        accepts(&self.computed, &self.r)
    }
}

/// The verdicts of many checks, in order, each the one [`Check::verdict`] gives alone.
///
/// Encoding `R'` takes a field inversion (its affine coordinates), ≈ 6 % of the time of a
/// whole entry's check; here one inversion serves every check (Montgomery's trick,
/// curve25519-dalek's `compress_batch_alloc`), and the encodings are the same bytes. This is
/// not batch *verification*: each signature keeps its own equation and its own verdict, so
/// one bad signature changes no other's. (A point's projective `Z` is never zero on this
/// curve, whose addition law is complete, so no input can spoil the shared inversion.)
pub fn verdicts(checks: &[Check]) -> Vec<bool> {
    let points: Vec<EdwardsPoint> = checks.iter().map(|c| c.computed).collect();
    EdwardsPoint::compress_batch_alloc(&points)
        .iter()
        .zip(checks)
        .map(|(encoded, c)| encoded_is(&c.computed, encoded, &c.r))
        .collect()
}

/// Checks of a signature by a key a thread has seen before [`TABLE_AFTER`] times use a table
/// of multiples of that key built for it: building one costs less than half a check (two
/// tables of 64 points), and then saves 4–8 % of each entry's whole decoding (wider tables need
/// fewer additions, and none is built per check; docs/benchmarks.md). A commons has few keys,
/// each signing many entries, so an import builds a few tables at most.
/// The table is a pure function of the key, so it changes no verdict
/// (`tests::verdicts_match_ed25519_dalek_on_crafted_inputs` checks both ways).
const TABLE_AFTER: u32 = 16;

/// Tables of multiples kept per thread, at most (about 20 KB each). Past this they are all
/// dropped and built again as keys come back, as [`DECOMPRESSED_KEYS`] are: many keys used a
/// few dozen times each cost a rebuild now and then, never the table of a key seen later.
const TABLES: usize = 64;

thread_local! {
    static MULTIPLES: RefCell<Multiples> = RefCell::new(Multiples::default());
}

/// A thread's checks per key, and the tables built for the keys it checks most.
#[derive(Default)]
struct Multiples {
    /// Checks so far, for keys that have no table yet.
    uses: HashMap<[u8; 32], u32>,
    tables: HashMap<[u8; 32], VartimeEdwardsPrecomputation>,
}

impl Multiples {
    /// The key's table, built now if this is its [`TABLE_AFTER`]th check; `None` before.
    fn table(&mut self, key: &PublicKey) -> Option<&VartimeEdwardsPrecomputation> {
        if !self.tables.contains_key(&key.bytes) {
            if self.uses.len() >= DECOMPRESSED_KEYS {
                self.uses.clear();
            }
            let uses = self.uses.entry(key.bytes).or_insert(0);
            *uses += 1;
            if *uses < TABLE_AFTER {
                return None;
            }
            self.uses.remove(&key.bytes);
            if self.tables.len() >= TABLES {
                self.tables.clear();
            }
            self.tables.insert(key.bytes, key.multiples());
        }
        self.tables.get(&key.bytes)
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

    /// ed25519-dalek's own `verify_strict`, the reference for [`PublicKey::verify_strict`].
    fn dalek(key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        VerifyingKey::from_bytes(key).is_ok_and(|k| {
            k.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature))
                .is_ok()
        })
    }

    /// Both verdicts, which must agree; `None` when the key itself is refused (both refuse
    /// small-order keys: dalek in `verify_strict`, this crate when the key is read). The check
    /// and dalek's verdict go to `batch`, for [`batch_agrees`].
    fn verdicts(
        key: &[u8; 32],
        message: &[u8],
        signature: &[u8; 64],
        batch: &mut Vec<(Check, bool)>,
    ) -> Option<bool> {
        let ours = PublicKey::from_bytes(*key).ok()?;
        let verdict = ours.verify_strict(message, signature);
        let expected = dalek(key, message, signature);
        let context = format!(
            "key {} message {message:?} signature {}",
            hex::encode(key),
            hex::encode(signature)
        );
        assert_eq!(verdict, expected, "{context}");
        // Both ways of computing `[S]B - [k]A`, whichever the thread's count of uses chose.
        let (plain, tabled) = match ours.challenge(message, signature) {
            Some((r, s, k)) => (
                accepts(&ours.computed(&k, &s), &r),
                accepts(&computed_with(&ours.multiples(), &k, &s), &r),
            ),
            None => (false, false),
        };
        assert_eq!((plain, tabled), (expected, expected), "{context}");
        match ours.check(message, signature) {
            Some(check) => batch.push((check, expected)),
            None => assert!(!expected, "{context}"),
        }
        Some(verdict)
    }

    /// The verdicts of all the checks judged together are each dalek's verdict.
    fn batch_agrees(batch: &[(Check, bool)]) {
        let checks: Vec<Check> = batch.iter().map(|(c, _)| *c).collect();
        let expected: Vec<bool> = batch.iter().map(|(_, e)| *e).collect();
        assert_eq!(super::verdicts(&checks), expected);
    }

    /// A signature by the secret scalar `a` for the point `public`, with nonce scalar `r` and
    /// `R = [r]B + torsion`: made by hand so that keys and `R` may carry a torsion component.
    fn sign_raw(
        a: Scalar,
        public: &[u8; 32],
        r: Scalar,
        torsion: EdwardsPoint,
        message: &[u8],
    ) -> [u8; 64] {
        let big_r = (EdwardsPoint::mul_base(&r) + torsion).compress().to_bytes();
        let k = Scalar::from_hash(
            Sha512::new()
                .chain_update(big_r)
                .chain_update(public)
                .chain_update(message),
        );
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(&big_r);
        signature[32..].copy_from_slice((r + k * a).as_bytes());
        signature
    }

    /// The group order ℓ, little-endian.
    const ELL: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    /// `s + ℓ`: the same scalar, not in canonical form.
    fn plus_ell(s: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        let mut carry = 0u16;
        for i in 0..32 {
            let sum = u16::from(s[i]) + u16::from(ELL[i]) + carry;
            out[i] = sum as u8;
            carry = sum >> 8;
        }
        out
    }

    #[test]
    fn verdicts_match_ed25519_dalek_on_crafted_inputs() {
        use curve25519_dalek::constants::EIGHT_TORSION;
        let message = b"AudaCities entry";
        let (mut accepted, mut refused) = (0, 0);
        let mut batch = Vec::new();
        let mut count = |v: Option<bool>| match v {
            Some(true) => accepted += 1,
            Some(false) => refused += 1,
            None => {}
        };
        for seed in 1..=8u8 {
            let a = Scalar::from_bytes_mod_order([seed; 32]);
            let r = Scalar::from_bytes_mod_order([seed.wrapping_mul(31); 32]);
            for (t, torsion) in EIGHT_TORSION.iter().enumerate() {
                // Keys of prime order, and keys with every torsion component (mixed order).
                let public = (EdwardsPoint::mul_base(&a) + torsion).compress().to_bytes();
                // With r = 0, R is the torsion point alone: of small order, yet `[S]B - [k]A`
                // equals it whenever `[k]` clears the key's torsion (the identity for a key of
                // prime order): only the order test refuses those.
                for (u, r_torsion) in EIGHT_TORSION.iter().enumerate() {
                    for (m, r) in (0..8u8).zip([r, Scalar::ZERO].into_iter().cycle()) {
                        let message = [&message[..], &[m, t as u8, u as u8]].concat();
                        let good = sign_raw(a, &public, r, *r_torsion, &message);
                        count(verdicts(&public, &message, &good, &mut batch));
                        // The same S, not reduced.
                        let mut unreduced = good;
                        unreduced[32..].copy_from_slice(&plus_ell(&good[32..]));
                        count(verdicts(&public, &message, &unreduced, &mut batch));
                    }
                }
                // R of small order, in every encoding (also with the sign bit set).
                for small in EIGHT_TORSION {
                    for sign in [0u8, 0x80] {
                        let mut signature = sign_raw(a, &public, r, small, message);
                        signature[..32].copy_from_slice(&small.compress().to_bytes());
                        signature[31] ^= sign;
                        count(verdicts(&public, message, &signature, &mut batch));
                    }
                }
                // R not canonical: y + p for the small y that have one (y < 19).
                for y in 0..19u8 {
                    let mut big_r = [0xffu8; 32];
                    big_r[0] = 0xed + y;
                    big_r[31] = 0x7f;
                    let mut signature = sign_raw(a, &public, r, EIGHT_TORSION[0], message);
                    signature[..32].copy_from_slice(&big_r);
                    count(verdicts(&public, message, &signature, &mut batch));
                }
            }
        }
        // Mixed-order keys pass for some messages and fail for others, in both functions.
        assert!(
            accepted > 0 && refused > 0,
            "{accepted} accepted, {refused} refused"
        );
        // Every one of them judged in one batch: the same verdicts.
        batch_agrees(&batch);
    }

    proptest::proptest! {
        #[test]
        fn verdicts_match_ed25519_dalek_on_any_alteration(
            seed in proptest::array::uniform32(proptest::num::u8::ANY),
            message in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            flip in 0usize..(64 * 8 + 300 * 8),
        ) {
            let secret = SecretKey::from_bytes(seed);
            let public = *secret.public().as_bytes();
            let signature = secret.sign(&message);
            let mut batch = Vec::new();
            proptest::prop_assert_eq!(
                verdicts(&public, &message, &signature, &mut batch),
                Some(true)
            );
            let (mut signature, mut message) = (signature, message);
            if flip < 64 * 8 {
                signature[flip / 8] ^= 1 << (flip % 8);
            } else if let Some(byte) = message.get_mut((flip - 64 * 8) / 8) {
                *byte ^= 1 << (flip % 8);
            } else {
                return Ok(());
            }
            proptest::prop_assert_eq!(
                verdicts(&public, &message, &signature, &mut batch),
                Some(false)
            );
            // The good and the altered signature judged together.
            batch_agrees(&batch);
        }
    }

    #[test]
    fn a_table_is_built_for_a_key_at_its_sixteenth_check_and_tables_are_bounded() {
        let mut multiples = Multiples::default();
        let key = SecretKey::from_bytes([3; 32]).public();
        for _ in 1..TABLE_AFTER {
            assert!(multiples.table(&key).is_none());
        }
        assert!(multiples.table(&key).is_some());
        assert!(multiples.table(&key).is_some());
        assert!(
            multiples.uses.is_empty(),
            "a key with a table is no longer counted"
        );
        // The key's and TABLES - 1 others fill the tables; one more key empties them first.
        let others: Vec<PublicKey> = (0..u8::try_from(TABLES).unwrap())
            .map(|seed| SecretKey::from_bytes([seed.wrapping_add(100); 32]).public())
            .collect();
        for other in &others[..TABLES - 1] {
            for _ in 0..TABLE_AFTER {
                multiples.table(other);
            }
        }
        assert_eq!(multiples.tables.len(), TABLES);
        for _ in 1..TABLE_AFTER {
            assert!(multiples.table(&others[TABLES - 1]).is_none());
        }
        assert!(multiples.table(&others[TABLES - 1]).is_some());
        assert_eq!(multiples.tables.len(), 1);
        assert!(multiples.table(&key).is_none(), "counted again from one");
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
