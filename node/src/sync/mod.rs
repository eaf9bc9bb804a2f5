//! Pull: a sync session brings in what a peer has and this node lacks.
//!
//! The side that wants to learn (the initiator) runs range-based set reconciliation
//! ([`audacities_protocol::reconcile`], negentropy) over (creation time, id) pairs, then
//! fetches the ids it needs in bounded batches and hands them to the one ingest function.
//! Both sides start a session when a connection opens, and again periodically, so each pulls
//! what it lacks; gossip (push) covers new entries in between.
//!
//! Every fetched batch is committed before the next is asked for, so a session that breaks off
//! (the peer leaves, the process is killed) loses nothing: the next one reconciles again and
//! asks only for what is still missing.

mod respond;
mod session;
pub mod wire;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use audacities_protocol::Id;
use audacities_protocol::reconcile::Set;
use audacities_protocol::sketch::Sketch;
use libp2p::PeerId;

use crate::net::Network;
use crate::store::Store;
use crate::store::set::CacheKey;
use crate::trust::Policy;

pub use respond::answer;
pub use session::{Outcome, SyncError, run};
pub use wire::Hello;

/// Most ids remembered as refused for trust (so that they are not fetched again and again);
/// forgotten when trust changes.
const MAX_UNWANTED: usize = 1_000_000;

/// The stored set in the two forms the protocols need.
pub struct Stored {
    pub set: Set,
    pub sketch: Sketch,
}

/// What sessions and responders share: cheap to clone.
#[derive(Clone)]
pub struct Context {
    pub store: Store,
    pub policy: Policy,
    pub network: Network,
    /// This node's hello.
    pub hello: Hello,
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The set of stored entries, with the store version it was read at (`Store::version`,
    /// which also moves when another process writes to the file).
    set: Mutex<Option<(CacheKey, Arc<Stored>)>>,
    unwanted: Mutex<Unwanted>,
    /// What each peer said in its hello.
    hellos: Mutex<HashMap<PeerId, Hello>>,
    /// How far each peer's clock was ahead of this node's (negative: behind) when its hello
    /// arrived, in milliseconds.
    skews: Mutex<HashMap<PeerId, i64>>,
    /// Entries refused since the node started, by reason (see [`refusal_reason`]).
    refused: Mutex<std::collections::BTreeMap<&'static str, u64>>,
}

/// Ids refused for trust, not to be fetched again until trust changes.
///
/// The generation closes a race: an ingest that took the trust policy's snapshot before a
/// change may report its refusals after the change cleared the set; remembered then, its ids
/// would never be fetched again, although the city is now trusted. So a refusal counts only if
/// no change happened since its ingest began.
#[derive(Default)]
struct Unwanted {
    /// How many times trust changed.
    generation: u64,
    ids: HashSet<Id>,
}

impl Unwanted {
    fn forget_all(&mut self) {
        self.generation += 1;
        self.ids.clear();
    }

    fn remember(&mut self, id: Id, generation: u64) {
        if generation == self.generation && self.ids.len() < MAX_UNWANTED {
            self.ids.insert(id);
        }
    }
}

/// Why an entry was refused, as `status` counts it: `untrusted` (a city the trust policy does
/// not take), `unauthorized` (a key that may not speak for its city then, or a revision by
/// another city), `waiting` (a version whose document is not here yet: taken later),
/// `retracted` (erased here), `clock` (dated in the future), `invalid` (anything else: bad
/// signature, shape, content…). `None` for what was taken.
pub fn refusal_reason(verdict: &crate::ingest::Verdict) -> Option<&'static str> {
    use crate::ingest::Verdict;
    use audacities_protocol::Unauthorized;
    use audacities_protocol::entry::EntryError;
    match verdict {
        Verdict::Accepted(_) | Verdict::Duplicate(_) => None,
        Verdict::Untrusted { .. } => Some("untrusted"),
        Verdict::Rejected(EntryError::Unauthorized(Unauthorized::Retracted { .. })) => {
            Some("retracted")
        }
        Verdict::Rejected(EntryError::Unauthorized(Unauthorized::UnknownVersion { .. })) => {
            Some("waiting")
        }
        Verdict::Rejected(EntryError::Unauthorized(_)) => Some("unauthorized"),
        Verdict::Rejected(EntryError::FromTheFuture { .. }) => Some("clock"),
        Verdict::Rejected(_) => Some("invalid"),
    }
}

impl Context {
    /// Counts the refusals of an ingest report (every door calls it).
    pub fn count_refusals(&self, report: &crate::ingest::Report) {
        let mut refused = self
            .inner
            .refused
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for reason in report.verdicts.iter().filter_map(refusal_reason) {
            *refused.entry(reason).or_default() += 1;
        }
    }

    /// Entries refused since the node started, by reason.
    pub fn refusals(&self) -> std::collections::BTreeMap<String, u64> {
        self.inner
            .refused
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect()
    }

    pub fn new(store: Store, policy: Policy, network: Network, hello: Hello) -> Self {
        Self {
            store,
            policy,
            network,
            hello,
            inner: Arc::default(),
        }
    }

    /// Says that the set of stored entries changed (the next `set()` reads it again).
    pub fn changed(&self) {
        if let Ok(mut cached) = self.inner.set.lock() {
            *cached = None;
        }
    }

    /// Says that trust changed: ids refused before may now be wanted.
    pub fn trust_changed(&self) {
        if let Ok(mut unwanted) = self.inner.unwanted.lock() {
            unwanted.forget_all();
        }
    }

    /// The trust generation now: give it back to [`Context::refuse`] with what an ingest
    /// started after this refused.
    fn trust_generation(&self) -> u64 {
        self.inner.unwanted.lock().map_or(0, |u| u.generation)
    }

    /// The peer's hello, once a session has exchanged them.
    pub fn hello_of(&self, peer: &PeerId) -> Option<Hello> {
        self.inner.hellos.lock().ok()?.get(peer).cloned()
    }

    fn remember_hello(&self, peer: PeerId, hello: Hello) {
        if let Some(theirs) = hello.time_ms
            && let Ok(mut skews) = self.inner.skews.lock()
        {
            let ours = crate::time::now_ms();
            let skew = i64::try_from(theirs)
                .unwrap_or(i64::MAX)
                .saturating_sub(i64::try_from(ours).unwrap_or(i64::MAX));
            skews.insert(peer, skew);
        }
        if let Ok(mut hellos) = self.inner.hellos.lock() {
            hellos.insert(peer, hello);
        }
    }

    /// This node's hello, stamped with its clock now.
    pub fn hello_now(&self) -> Hello {
        Hello {
            time_ms: Some(crate::time::now_ms()),
            ..self.hello.clone()
        }
    }

    /// How far the peers' clocks are ahead of this node's, the median over `peers` that sent
    /// their time (a single odd clock among several does not make this node look wrong).
    pub fn clock_skew_ms(&self, peers: &[PeerId]) -> Option<i64> {
        let skews = self.inner.skews.lock().ok()?;
        let mut found: Vec<i64> = peers.iter().filter_map(|p| skews.get(p).copied()).collect();
        median(&mut found)
    }

    fn unwanted(&self, ids: Vec<Id>) -> Vec<Id> {
        match self.inner.unwanted.lock() {
            Ok(unwanted) => ids
                .into_iter()
                .filter(|id| !unwanted.ids.contains(id))
                .collect(),
            Err(_) => ids,
        }
    }

    /// Remembers `id` as refused for trust by an ingest that began at trust `generation`.
    fn refuse(&self, id: Id, generation: u64) {
        if let Ok(mut unwanted) = self.inner.unwanted.lock() {
            unwanted.remember(id, generation);
        }
    }

    /// The stored set as the reconciliation needs it, rebuilt only when entries changed.
    pub async fn set(&self) -> Result<Arc<Stored>, SyncError> {
        let store = self.store.clone();
        let version = tokio::task::spawn_blocking(move || store.version())
            .await
            .map_err(|e| SyncError::Internal(e.to_string()))??;
        if let Ok(cached) = self.inner.set.lock()
            && let Some((v, set)) = cached.as_ref()
            && *v == version
        {
            return Ok(set.clone());
        }
        // Read after the version: a write in between makes the next call read again.
        let store = self.store.clone();
        let set = tokio::task::spawn_blocking(move || {
            let items = store.items()?;
            let sketch = Sketch::new(items.iter().map(|(_, id)| id));
            let set = Set::new(items).map_err(SyncError::from)?;
            Ok::<_, SyncError>(Stored { set, sketch })
        })
        .await
        .map_err(|e| SyncError::Internal(e.to_string()))??;
        let set = Arc::new(set);
        if let Ok(mut cached) = self.inner.set.lock() {
            *cached = Some((version, set.clone()));
        }
        Ok(set)
    }
}

/// The median of some values (the lower middle one for an even count).
fn median(values: &mut [i64]) -> Option<i64> {
    values.sort_unstable();
    values.get(values.len().checked_sub(1)? / 2).copied()
}

#[cfg(test)]
mod skew_tests {
    use super::*;

    #[test]
    fn the_median_skew_ignores_one_odd_clock() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5));
        assert_eq!(median(&mut [3_600_000, 10, -20]), Some(10));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
    }
}

#[cfg(test)]
mod unwanted_tests {
    use super::*;

    #[test]
    fn a_refusal_from_before_a_trust_change_is_not_remembered_after_it() {
        let mut unwanted = Unwanted::default();
        let (early, late) = (Id::from_bytes([1; 32]), Id::from_bytes([2; 32]));
        unwanted.remember(early, 0);
        assert!(unwanted.ids.contains(&early));
        // Trust changes while an ingest that began at generation 0 is still running.
        unwanted.forget_all();
        unwanted.remember(late, 0);
        assert!(unwanted.ids.is_empty(), "a stale refusal is dropped");
        unwanted.remember(late, 1);
        assert!(unwanted.ids.contains(&late));
    }
}
