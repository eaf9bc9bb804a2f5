//! The messages of the sync protocol (`/audacities/<commons>/sync/1`, request-response, CBOR).
//!
//! A session is driven by the side that wants to learn what it lacks (the initiator): it says
//! hello, runs the set reconciliation round by round, then fetches what it needs in bounded
//! batches. The responder answers each request on its own, keeping no state between them, so
//! a session that breaks off resumes by simply starting again.

use audacities_protocol::{Id, PublicKey};
use serde::{Deserialize, Serialize};

/// Most ids in one [`Request::Fetch`].
pub const MAX_FETCH_IDS: usize = 1_024;
/// Most bytes of entries in one [`Response::Entries`]: a responder stops adding entries before
/// this, and the initiator asks again for those it still lacks.
pub const MAX_ENTRIES_BYTES: usize = 6 * 1024 * 1024;
/// Largest request accepted (a fetch of [`MAX_FETCH_IDS`] ids, or a reconciliation message).
pub const MAX_REQUEST_BYTES: u64 = 1024 * 1024;
/// Largest response accepted: [`MAX_ENTRIES_BYTES`] plus one entry and framing.
pub const MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

/// Who a node is: exchanged first in every session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The city this node speaks for.
    pub city: PublicKey,
    /// The city's name as its configuration gives it.
    pub name: String,
    /// The software and its version, e.g. `audacities/0.1.0`.
    pub agent: String,
    /// The sender's clock when it sent this hello, milliseconds since the Unix epoch, so that
    /// each side can tell when its clock is off (absent from nodes before it was added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    Hello(Box<Hello>),
    /// A set-reconciliation message (see `audacities_protocol::reconcile`).
    Reconcile(#[serde(with = "serde_bytes")] Vec<u8>),
    /// The initiator's sketch of its ids (see `audacities_protocol::sketch`): a one-round
    /// shortcut when the difference is small.
    Sketch(#[serde(with = "serde_bytes")] Vec<u8>),
    /// The wire lines of these entries, please.
    Fetch(Vec<Id>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    Hello(Box<Hello>),
    Reconcile(#[serde(with = "serde_bytes")] Vec<u8>),
    /// The sketches' difference: the ids the initiator lacks, and how many it has that the
    /// responder lacks. (A difference too large to decode gets `Refused`: reconcile instead.)
    Sketch {
        need: Vec<Id>,
        peer_lacks: u64,
    },
    /// Wire lines, in the order asked, of those the responder holds; `served` says how many of
    /// the asked ids were handled (found or not): fewer than asked when the answer was cut at
    /// [`MAX_ENTRIES_BYTES`], and the initiator asks again for the rest.
    Entries {
        lines: Vec<serde_bytes::ByteBuf>,
        served: u32,
    },
    /// The request was not answered, and why (a malformed reconciliation message, too many
    /// ids, the store failing).
    Refused(String),
}
