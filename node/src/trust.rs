//! Who this node stores and relays (DESIGN principle 3: each node decides whom it trusts).
//!
//! With `trust = "members"` (the default) a node takes its own city's entries and those of the
//! cities on its trust list (`audacities trust add`, the store's `trusted_cities`); with
//! `trust = "open"`, a public hub, it takes every validly signed city. Whatever the policy does
//! not allow is neither stored nor relayed: [`crate::ingest`] asks it for every item, before
//! checking the signature when it can read the city cheaply.
//!
//! The policy is read on every item of every door (gossip, sync, import) from several threads,
//! and changes rarely (a person adds a city): so a [`Policy`] is a cheap clone sharing one
//! snapshot behind a lock, which [`Policy::reload`] swaps whole; readers take the snapshot
//! (an `Arc`) and never hold the lock while they work.

use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};

use audacities_protocol::PublicKey;

use crate::config::TrustMode;
use crate::store::{Store, StoreError};

/// Who this node stores and relays. Cheap to clone (an `Arc` inside); every clone sees a
/// [`Policy::reload`] made through any other.
#[derive(Clone)]
pub struct Policy {
    shared: Arc<RwLock<Arc<Snapshot>>>,
}

/// The policy at one moment: what [`crate::ingest`] uses for a whole call.
#[derive(Debug)]
pub(crate) struct Snapshot {
    mode: TrustMode,
    /// With [`TrustMode::Vouched`]: how many directly trusted cities must vouch for a city.
    vouches: u32,
    own: [u8; 32],
    /// The trust list's keys, as bytes (a lookup needs no curve point).
    members: HashSet<[u8; 32]>,
    /// With [`TrustMode::Vouched`]: the cities enough members vouch for.
    vouched: HashSet<[u8; 32]>,
}

impl Snapshot {
    /// Whether the city with these key bytes is allowed.
    pub(crate) fn allows_bytes(&self, city: &[u8; 32]) -> bool {
        match self.mode {
            TrustMode::Open => true,
            TrustMode::Members => *city == self.own || self.members.contains(city),
            TrustMode::Vouched => {
                *city == self.own || self.members.contains(city) || self.vouched.contains(city)
            }
        }
    }

    pub(crate) fn mode(&self) -> TrustMode {
        self.mode
    }
}

impl Policy {
    /// The policy of `mode` for the city `own_city`, with the store's trust list (and, in
    /// vouched mode, the default of two vouches).
    pub fn load(mode: TrustMode, own_city: PublicKey, store: &Store) -> Result<Policy, StoreError> {
        Self::load_vouched(mode, 2, own_city, store)
    }

    /// [`Policy::load`] with the number of vouches `trust = "vouched"` needs.
    pub fn load_vouched(
        mode: TrustMode,
        vouches: u32,
        own_city: PublicKey,
        store: &Store,
    ) -> Result<Policy, StoreError> {
        let snapshot = snapshot(mode, vouches, *own_city.as_bytes(), store)?;
        Ok(Policy {
            shared: Arc::new(RwLock::new(Arc::new(snapshot))),
        })
    }

    /// Whether entries of `city` are stored and relayed: this node's own city always; with
    /// [`TrustMode::Open`] every city; with [`TrustMode::Members`] the cities on the trust list.
    pub fn allows(&self, city: &PublicKey) -> bool {
        self.snapshot().allows_bytes(city.as_bytes())
    }

    /// Reads the trust list (and vouches) again, after `trust_add` / `trust_remove` or new
    /// vouches; every clone sees it. True when the cities allowed changed.
    pub fn reload(&self, store: &Store) -> Result<bool, StoreError> {
        let current = self.snapshot();
        let fresh = snapshot(current.mode, current.vouches, current.own, store)?;
        let changed = fresh.members != current.members || fresh.vouched != current.vouched;
        *self.shared.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(fresh);
        Ok(changed)
    }

    pub fn mode(&self) -> TrustMode {
        self.snapshot().mode
    }

    /// The policy as it is now, for the length of one ingest call.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        // A panic elsewhere while holding the lock cannot leave a half-written snapshot (it is
        // swapped whole), so a poisoned lock is still right to read.
        Arc::clone(&self.shared.read().unwrap_or_else(PoisonError::into_inner))
    }
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let snapshot = self.snapshot();
        f.debug_struct("Policy")
            .field("mode", &snapshot.mode)
            .field("members", &snapshot.members.len())
            .finish()
    }
}

fn snapshot(
    mode: TrustMode,
    vouches: u32,
    own: [u8; 32],
    store: &Store,
) -> Result<Snapshot, StoreError> {
    let members: HashSet<[u8; 32]> = store
        .trust_list()?
        .into_iter()
        .map(|m| *m.city.as_bytes())
        .collect();
    let vouched = if mode == TrustMode::Vouched {
        // The directly trusted cities: this one and the trust list.
        let mut vouchers: Vec<[u8; 32]> = members.iter().copied().collect();
        vouchers.push(own);
        store
            .vouched(vouchers, vouches)?
            .into_iter()
            .map(|c| *c.as_bytes())
            .collect()
    } else {
        HashSet::new()
    };
    Ok(Snapshot {
        mode,
        vouches,
        own,
        members,
        vouched,
    })
}

#[cfg(test)]
mod tests {
    use audacities_protocol::SecretKey;

    use super::*;

    fn city(seed: u8) -> PublicKey {
        SecretKey::from_bytes([seed; 32]).public()
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn members_mode_allows_its_own_city_and_the_trust_list_only() {
        let (_dir, store) = store();
        store.trust_add(city(2), None, 1).unwrap();
        let policy = Policy::load(TrustMode::Members, city(1), &store).unwrap();
        assert_eq!(policy.mode(), TrustMode::Members);
        assert!(policy.allows(&city(1)), "own city");
        assert!(policy.allows(&city(2)), "member");
        assert!(!policy.allows(&city(3)), "stranger");
    }

    #[test]
    fn open_mode_allows_every_city() {
        let (_dir, store) = store();
        let policy = Policy::load(TrustMode::Open, city(1), &store).unwrap();
        assert_eq!(policy.mode(), TrustMode::Open);
        for seed in 1..20 {
            assert!(policy.allows(&city(seed)));
        }
    }

    #[test]
    fn a_reload_through_one_clone_is_seen_by_every_clone() {
        let (_dir, store) = store();
        let policy = Policy::load(TrustMode::Members, city(1), &store).unwrap();
        let clone = policy.clone();
        let in_thread = policy.clone();
        assert!(!clone.allows(&city(4)));

        store.trust_add(city(4), Some("Napoli".into()), 5).unwrap();
        assert!(!clone.allows(&city(4)), "not before the reload");
        policy.reload(&store).unwrap();
        assert!(clone.allows(&city(4)));
        assert!(
            std::thread::spawn(move || in_thread.allows(&city(4)))
                .join()
                .unwrap()
        );

        store.trust_remove(city(4)).unwrap();
        clone.reload(&store).unwrap();
        assert!(!policy.allows(&city(4)));
        assert!(policy.allows(&city(1)), "the own city survives reloads");
    }
}
