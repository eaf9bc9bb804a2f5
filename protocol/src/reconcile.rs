//! Set reconciliation: how two nodes find which entries each one lacks.
//!
//! A node that was away, or a partner that follows a city, must learn which entries its peer holds
//! that it does not, and the reverse. Sending every id would cost 32 bytes per entry, on every
//! sync, for sets that are mostly equal. Instead the two nodes run range-based set reconciliation
//! ([negentropy], the protocol of Nostr's NIP-77) over the pairs *(creation time in ms, entry id)*:
//! both sides sort their pairs the same way, compare fingerprints of ranges, and split only the
//! ranges whose fingerprints differ, until the differing ranges are small enough to list their
//! ids. The bytes exchanged grow with the size of the *difference* (and only logarithmically with
//! the size of the sets), and recent entries, which are the likely differences, cluster at the end
//! of the time order.
//!
//! The roles:
//! - the [`Initiator`] starts, keeps state between rounds and learns the differences:
//!   [`Initiator::have`] (ids it has and the peer lacks: to push) and [`Initiator::need`] (ids
//!   the peer has and it lacks: to fetch);
//! - the responder is stateless: [`respond`] answers each message from its [`Set`] alone, so a
//!   node can serve many peers from one shared, sealed set.
//!
//! Everything that arrives from the peer is checked against [`MAX_MESSAGE_BYTES`] before it is
//! parsed, and every malformed message is an error, never a panic. The wire format is negentropy
//! protocol version 1 (`0x61`); see "Set reconciliation" in `protocol/SPEC.md`.
//!
//! What this module does not do: fetch, verify or store anything. The ids it returns are claims
//! of the peer; the entries fetched for [`Initiator::need`] go through the one ingest path like
//! any other bytes. The caller also bounds the number of rounds it is willing to run (a fresh node
//! pulling a large set legitimately needs many rounds, about one per
//! `MAX_MESSAGE_BYTES / 32` ids), using [`Initiator::rounds`].
//!
//! [negentropy]: https://github.com/hoytech/negentropy

use negentropy::{Negentropy, NegentropyStorageVector};

use crate::id::Id;

/// The most bytes of one reconciliation message, in either direction.
///
/// Messages larger than this from a peer are refused from their length, before parsing. Our own
/// messages are cut to it by negentropy's frame size limit (set to this same value): when a reply
/// would be larger, negentropy stops, sends one fingerprint for the rest of the range, and the
/// rest is reconciled in the next round. So a large difference (a new node pulling a whole set)
/// proceeds in several bounded rounds of up to about 2,000 ids each, and one message never needs
/// more than this much memory on either side.
///
/// Why 64 KiB (measured by `benches/reconcile.rs`, see "Set reconciliation" in
/// `docs/benchmarks.md`): the frame limit does not change how many bytes a reconciliation costs,
/// only how many round trips carry them. 100 differences spread over a 100,000-item set cost
/// ≈ 113 KB with any limit; at 64 KiB they take 4 round trips, at 16 KiB 8, at 4 KiB (negentropy's
/// minimum) 29; without a limit 2, but then a message grows with the difference, without bound.
/// 64 KiB keeps the usual syncs to 2–4 round trips, stays well under the 256 KiB entry line limit,
/// and is cheap to buffer for many concurrent peers.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The negentropy protocol version spoken here (v1, the version of NIP-77).
pub const PROTOCOL_VERSION: u8 = 0x61;

/// Why reconciliation failed.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// The peer's message is longer than [`MAX_MESSAGE_BYTES`]; it was not parsed.
    #[error("reconciliation message of {len} bytes is over the {max}-byte limit", max = MAX_MESSAGE_BYTES)]
    TooLarge { len: usize },
    /// The peer's message is not a well-formed negentropy v1 message.
    #[error("malformed reconciliation message from the peer: {0}")]
    Malformed(#[source] negentropy::Error),
    /// The peer answered with another negentropy protocol version than v1 (`0x61`).
    #[error("the peer does not speak negentropy protocol version 1 (0x61)")]
    UnsupportedVersion,
    /// A creation time of `u64::MAX` is reserved by negentropy as the upper bound of every range.
    #[error("creation time {0} ms cannot be reconciled (u64::MAX is reserved)")]
    ReservedTimestamp(u64),
    /// The initiator was used out of order: `step` before `start`, `start` twice, or `step`
    /// after reconciliation completed.
    #[error("reconciliation used out of order: {0}")]
    OutOfOrder(&'static str),
    /// negentropy refused a call for a reason that is not the peer's fault (a bug here).
    #[error("negentropy: {0}")]
    Internal(#[source] negentropy::Error),
}

impl ReconcileError {
    /// Sorts negentropy's errors on peer input into "the peer's bytes are wrong" and "our bug".
    fn from_peer(error: negentropy::Error) -> Self {
        use negentropy::Error as E;
        match error {
            E::UnsupportedProtocolVersion => Self::UnsupportedVersion,
            E::IdTooBig
            | E::InvalidIdSize
            | E::UnexpectedMode(_)
            | E::ParseEndsPrematurely
            | E::ProtocolVersionNotFound
            | E::InvalidProtocolVersion
            | E::TryFromSlice
            | E::BadRange => Self::Malformed(error),
            E::FrameSizeLimitTooSmall
            | E::NotSealed
            | E::AlreadySealed
            | E::AlreadyBuiltInitialMessage
            | E::Initiator
            | E::NonInitiator => Self::Internal(error),
        }
    }
}

/// The frame size limit given to negentropy: our messages never exceed what we accept.
const FRAME_SIZE_LIMIT: u64 = MAX_MESSAGE_BYTES as u64;

fn check_len(message: &[u8]) -> Result<(), ReconcileError> {
    if message.len() > MAX_MESSAGE_BYTES {
        return Err(ReconcileError::TooLarge { len: message.len() });
    }
    Ok(())
}

/// One side's set of (creation time in ms, id) pairs, sorted, deduplicated and sealed.
///
/// `Send + Sync`: a node builds it once and shares it (in an `Arc`) between concurrent
/// responders; it is cheap to [`Clone`] for an [`Initiator`], which owns its own copy.
#[derive(Debug, Clone)]
pub struct Set {
    storage: NegentropyStorageVector,
    len: usize,
}

impl Set {
    /// Builds a set; the input may be in any order and hold duplicates (they are dropped).
    ///
    /// Refuses a creation time of `u64::MAX`, which negentropy reserves (entry times are at most
    /// 2^53 − 1, so a real entry never has it).
    pub fn new(items: impl IntoIterator<Item = (u64, Id)>) -> Result<Set, ReconcileError> {
        let items = items.into_iter();
        let mut storage = NegentropyStorageVector::with_capacity(items.size_hint().0);
        let mut count = 0usize;
        for (created_ms, id) in items {
            if created_ms == u64::MAX {
                return Err(ReconcileError::ReservedTimestamp(created_ms));
            }
            storage
                .insert(created_ms, negentropy::Id::from_byte_array(*id.as_bytes()))
                .map_err(ReconcileError::Internal)?;
            count += 1;
        }
        // Sorting drops exact duplicates; the true size is read back after it.
        storage.seal().map_err(ReconcileError::Internal)?;
        let len =
            negentropy::NegentropyStorageBase::size(&storage).map_err(ReconcileError::Internal)?;
        debug_assert!(len <= count);
        Ok(Set { storage, len })
    }

    /// The number of distinct (time, id) pairs.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    New,
    Running,
    Done,
}

/// The side that starts reconciliation and learns the differences.
///
/// Owns its set, so it is `'static` and `Send` and can live in a task across rounds:
/// `start()`, then `step(reply)` with each reply until it returns `Ok(None)`.
#[derive(Debug)]
pub struct Initiator {
    negentropy: Negentropy<'static, NegentropyStorageVector>,
    phase: Phase,
    have: Vec<Id>,
    need: Vec<Id>,
    rounds: usize,
}

impl Initiator {
    pub fn new(set: Set) -> Result<Initiator, ReconcileError> {
        let negentropy =
            Negentropy::owned(set.storage, FRAME_SIZE_LIMIT).map_err(ReconcileError::Internal)?;
        Ok(Initiator {
            negentropy,
            phase: Phase::New,
            have: Vec::new(),
            need: Vec::new(),
            rounds: 0,
        })
    }

    /// The first message to send.
    pub fn start(&mut self) -> Result<Vec<u8>, ReconcileError> {
        if self.phase != Phase::New {
            return Err(ReconcileError::OutOfOrder("start called twice"));
        }
        let message = self
            .negentropy
            .initiate()
            .map_err(ReconcileError::Internal)?;
        self.phase = Phase::Running;
        check_len(&message)?;
        Ok(message)
    }

    /// Takes the responder's reply; `Some(next message to send)`, or `None` when reconciliation
    /// is complete and [`have`](Self::have) and [`need`](Self::need) are final.
    pub fn step(&mut self, reply: &[u8]) -> Result<Option<Vec<u8>>, ReconcileError> {
        match self.phase {
            Phase::New => return Err(ReconcileError::OutOfOrder("step called before start")),
            Phase::Done => return Err(ReconcileError::OutOfOrder("step called after the end")),
            Phase::Running => {}
        }
        check_len(reply)?;
        let mut have = Vec::new();
        let mut need = Vec::new();
        let next = self
            .negentropy
            .reconcile_with_ids(reply, &mut have, &mut need)
            .map_err(ReconcileError::from_peer)?;
        // Only a reply that parsed whole counts: a bad reply leaves have and need untouched.
        self.rounds += 1;
        self.have
            .extend(have.into_iter().map(|id| Id::from_bytes(id.to_bytes())));
        self.need
            .extend(need.into_iter().map(|id| Id::from_bytes(id.to_bytes())));
        match next {
            Some(message) => {
                check_len(&message)?;
                Ok(Some(message))
            }
            None => {
                self.phase = Phase::Done;
                Ok(None)
            }
        }
    }

    /// Ids this side has and the peer lacks, accumulated so far.
    pub fn have(&self) -> &[Id] {
        &self.have
    }

    /// Ids the peer has and this side lacks, accumulated so far.
    pub fn need(&self) -> &[Id] {
        &self.need
    }

    /// Round trips done so far (replies taken by [`step`](Self::step)).
    pub fn rounds(&self) -> usize {
        self.rounds
    }
}

/// Answers one message of an initiator from `set` alone (the responder keeps no state).
///
/// A message in another negentropy version is answered with the bare version byte `0x61`, as the
/// protocol specifies, so that the initiator learns what this side speaks.
pub fn respond(set: &Set, query: &[u8]) -> Result<Vec<u8>, ReconcileError> {
    check_len(query)?;
    let mut negentropy =
        Negentropy::borrowed(&set.storage, FRAME_SIZE_LIMIT).map_err(ReconcileError::Internal)?;
    let reply = negentropy
        .reconcile(query)
        .map_err(ReconcileError::from_peer)?;
    check_len(&reply)?;
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Id {
        Id::from_bytes([n; 32])
    }

    #[test]
    fn set_drops_duplicates() {
        let set = Set::new([(1, id(1)), (1, id(1)), (2, id(1)), (1, id(2))]).unwrap();
        assert_eq!(set.len(), 3);
        assert!(!set.is_empty());
        assert!(Set::new([]).unwrap().is_empty());
    }

    #[test]
    fn reserved_timestamp_is_refused() {
        assert!(matches!(
            Set::new([(u64::MAX, id(1))]),
            Err(ReconcileError::ReservedTimestamp(_))
        ));
    }

    #[test]
    fn out_of_order_use_is_an_error() {
        let mut initiator = Initiator::new(Set::new([(1, id(1))]).unwrap()).unwrap();
        assert!(matches!(
            initiator.step(&[PROTOCOL_VERSION]),
            Err(ReconcileError::OutOfOrder(_))
        ));
        let query = initiator.start().unwrap();
        assert!(matches!(
            initiator.start(),
            Err(ReconcileError::OutOfOrder(_))
        ));
        let reply = respond(&Set::new([(1, id(1))]).unwrap(), &query).unwrap();
        assert_eq!(initiator.step(&reply).unwrap(), None);
        assert_eq!(initiator.rounds(), 1);
        assert!(matches!(
            initiator.step(&reply),
            Err(ReconcileError::OutOfOrder(_))
        ));
    }

    #[test]
    fn oversized_messages_are_refused_before_parsing() {
        let set = Set::new([]).unwrap();
        let big = vec![PROTOCOL_VERSION; MAX_MESSAGE_BYTES + 1];
        assert!(matches!(
            respond(&set, &big),
            Err(ReconcileError::TooLarge { len }) if len == MAX_MESSAGE_BYTES + 1
        ));
        let mut initiator = Initiator::new(set).unwrap();
        initiator.start().unwrap();
        assert!(matches!(
            initiator.step(&big),
            Err(ReconcileError::TooLarge { .. })
        ));
    }

    #[test]
    fn another_version_is_answered_and_refused() {
        let set = Set::new([(1, id(1))]).unwrap();
        // A responder answers an unknown version with its own version byte alone…
        assert_eq!(respond(&set, &[0x62]).unwrap(), vec![PROTOCOL_VERSION]);
        // …and an initiator refuses a reply in another version.
        let mut initiator = Initiator::new(set).unwrap();
        initiator.start().unwrap();
        assert!(matches!(
            initiator.step(&[0x62]),
            Err(ReconcileError::UnsupportedVersion)
        ));
        // Bytes outside the version range are malformed, and so is an empty message.
        let set = Set::new([]).unwrap();
        assert!(matches!(
            respond(&set, &[0x10]),
            Err(ReconcileError::Malformed(_))
        ));
        assert!(matches!(
            respond(&set, &[]),
            Err(ReconcileError::Malformed(_))
        ));
    }

    #[test]
    fn set_and_initiator_can_cross_threads() {
        fn send_sync<T: Send + Sync + 'static>() {}
        fn send<T: Send + 'static>() {}
        send_sync::<Set>();
        send::<Initiator>();
        send_sync::<ReconcileError>();
    }
}
