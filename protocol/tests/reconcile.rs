//! Set reconciliation (`audacities_protocol::reconcile`): it finds exactly the differences, its
//! cost follows the difference and not the set size, a small network converges, and no bytes from
//! a peer make it panic.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use audacities_protocol::Id;
use audacities_protocol::reconcile::{
    Initiator, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, ReconcileError, Set, respond,
};
use proptest::prelude::*;

/// splitmix64: a tiny seeded generator, so the deterministic tests need no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn id_of(key: u64) -> Id {
    Id::hash(&key.to_le_bytes())
}

/// What one full reconciliation produced.
struct Sync {
    have: Vec<Id>,
    need: Vec<Id>,
    rounds: usize,
    bytes: usize,
}

/// Runs a whole reconciliation of `a` (initiator) against `b` (responder), checking the size of
/// every message on the way.
fn reconcile(a: &Set, b: &Set) -> Result<Sync, ReconcileError> {
    let mut initiator = Initiator::new(a.clone())?;
    let mut message = initiator.start()?;
    let mut bytes = 0;
    loop {
        assert!(
            message.len() <= MAX_MESSAGE_BYTES,
            "query of {}",
            message.len()
        );
        bytes += message.len();
        let reply = respond(b, &message)?;
        assert!(reply.len() <= MAX_MESSAGE_BYTES, "reply of {}", reply.len());
        bytes += reply.len();
        match initiator.step(&reply)? {
            Some(next) => message = next,
            None => break,
        }
        assert!(initiator.rounds() < 10_000, "reconciliation does not end");
    }
    Ok(Sync {
        have: initiator.have().to_vec(),
        need: initiator.need().to_vec(),
        rounds: initiator.rounds(),
        bytes,
    })
}

fn sorted(mut ids: Vec<Id>) -> Vec<Id> {
    ids.sort();
    ids
}

fn set_of(items: &BTreeSet<(u64, Id)>) -> Set {
    Set::new(items.iter().copied()).unwrap()
}

/// Ids of `x` not in `y`, sorted.
fn minus(x: &BTreeSet<(u64, Id)>, y: &BTreeSet<(u64, Id)>) -> Vec<Id> {
    sorted(x.difference(y).map(|(_, id)| *id).collect())
}

/// Creation times: either crowded (many equal times, so ranges split inside one millisecond on
/// the id) or spread over years.
fn time() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..16,
        1_600_000_000_000u64..1_800_000_000_000,
        0..u64::MAX
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Two random, partly overlapping sets: `have` and `need` are exactly the set differences of
    /// the inputs, and adding them gives both sides the union.
    #[test]
    fn finds_exactly_the_differences(
        items in prop::collection::btree_map(any::<u64>(), (time(), 0u8..3), 0..600),
        duplicated in 0usize..50,
    ) {
        // 0: on both sides, 1: only on a, 2: only on b.
        let pairs: Vec<(u64, Id, u8)> =
            items.iter().map(|(key, (t, side))| (*t, id_of(*key), *side)).collect();
        let a: BTreeSet<(u64, Id)> =
            pairs.iter().filter(|p| p.2 != 2).map(|p| (p.0, p.1)).collect();
        let b: BTreeSet<(u64, Id)> =
            pairs.iter().filter(|p| p.2 != 1).map(|p| (p.0, p.1)).collect();
        // The input may repeat items: they count once.
        let a_input: Vec<(u64, Id)> =
            a.iter().copied().chain(a.iter().copied().take(duplicated)).collect();
        let a_set = Set::new(a_input).unwrap();
        prop_assert_eq!(a_set.len(), a.len());
        let b_set = set_of(&b);

        let sync = reconcile(&a_set, &b_set).unwrap();
        let have = sorted(sync.have.clone());
        let need = sorted(sync.need.clone());
        prop_assert_eq!(&have, &minus(&a, &b));
        prop_assert_eq!(&need, &minus(&b, &a));

        let union: BTreeSet<Id> = a.iter().chain(&b).map(|(_, id)| *id).collect();
        let a_after: BTreeSet<Id> = a.iter().map(|(_, id)| *id).chain(need).collect();
        let b_after: BTreeSet<Id> = b.iter().map(|(_, id)| *id).chain(have).collect();
        prop_assert_eq!(&a_after, &union);
        prop_assert_eq!(&b_after, &union);
    }

    /// Random bytes never panic either side; bytes that do not start with a negentropy version
    /// byte (0x60..=0x6f) are an error.
    #[test]
    fn random_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..2_000),
        with_version in any::<bool>(),
        n in 0u64..300,
    ) {
        let mut bytes = bytes;
        if with_version {
            bytes.insert(0, PROTOCOL_VERSION);
        }
        let set = Set::new((0..n).map(|k| (k / 3, id_of(k)))).unwrap();
        let bad_version = bytes.first().is_none_or(|b| !(0x60..=0x6f).contains(b));

        let answer = respond(&set, &bytes);
        if bad_version {
            prop_assert!(answer.is_err());
        }
        if let Ok(reply) = answer {
            prop_assert!(reply.len() <= MAX_MESSAGE_BYTES);
        }

        let mut initiator = Initiator::new(set).unwrap();
        initiator.start().unwrap();
        let step = initiator.step(&bytes);
        if bad_version {
            prop_assert!(step.is_err());
        }
    }

    /// Valid messages damaged by one flipped byte or a cut never panic either side.
    #[test]
    fn damaged_messages_never_panic(
        n_a in 0u64..400,
        n_b in 0u64..400,
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        cut in any::<bool>(),
    ) {
        let a = Set::new((0..n_a).map(|k| (k * 7, id_of(k)))).unwrap();
        let b = Set::new((n_a / 2..n_a / 2 + n_b).map(|k| (k * 7, id_of(k)))).unwrap();
        let damage = |mut m: Vec<u8>| {
            let i = at.index(m.len());
            if cut { m.truncate(i) } else { m[i] ^= flip }
            m
        };

        let mut initiator = Initiator::new(a.clone()).unwrap();
        let query = initiator.start().unwrap();
        let _ = respond(&b, &damage(query.clone()));
        let reply = respond(&b, &query).unwrap();
        let _ = initiator.step(&damage(reply));
    }
}

#[test]
fn empty_sets_on_either_side() {
    let none = Set::new([]).unwrap();
    let some = Set::new((0..1_000u64).map(|k| (k, id_of(k)))).unwrap();
    let all: Vec<Id> = sorted((0..1_000u64).map(id_of).collect());

    let sync = reconcile(&none, &none).unwrap();
    assert!(sync.have.is_empty() && sync.need.is_empty());
    assert_eq!(sync.rounds, 1);

    let sync = reconcile(&none, &some).unwrap();
    assert!(sync.have.is_empty());
    assert_eq!(sorted(sync.need), all);

    let sync = reconcile(&some, &none).unwrap();
    assert_eq!(sorted(sync.have), all);
    assert!(sync.need.is_empty());
}

/// A difference too large for one message proceeds in several rounds, every message within the
/// limit, and is still found exactly.
#[test]
fn large_differences_take_several_bounded_rounds() {
    let n = 10_000u64;
    let everything = Set::new((0..n).map(|k| (1_700_000_000_000 + k, id_of(k)))).unwrap();
    let nothing = Set::new([]).unwrap();
    let all: Vec<Id> = sorted((0..n).map(id_of).collect());

    // 10,000 ids are 320 KB: more than four 64 KiB messages.
    let pull = reconcile(&nothing, &everything).unwrap();
    assert_eq!(sorted(pull.need), all);
    assert!(pull.rounds >= 5, "{} rounds", pull.rounds);

    // Pushing needs no ids on the wire: the initiator lists its own ids once the empty
    // responder's ranges come back empty.
    let push = reconcile(&everything, &nothing).unwrap();
    assert_eq!(sorted(push.have), all);
    assert!(push.bytes < 4_096, "{} bytes", push.bytes);

    // Half and half, interleaved in time.
    let even = Set::new((0..n).filter(|k| k % 2 == 0).map(|k| (k, id_of(k)))).unwrap();
    let odd = Set::new((0..n).filter(|k| k % 2 == 1).map(|k| (k, id_of(k)))).unwrap();
    let sync = reconcile(&even, &odd).unwrap();
    assert_eq!(
        sorted(sync.have),
        sorted((0..n).filter(|k| k % 2 == 0).map(id_of).collect())
    );
    assert_eq!(
        sorted(sync.need),
        sorted((0..n).filter(|k| k % 2 == 1).map(id_of).collect())
    );
}

/// The same 10-item difference costs about the same whether the sets hold 10,000 or 100,000
/// items: the bytes follow the difference, not the set size.
#[test]
fn bytes_follow_the_difference_not_the_set_size() {
    let mut rng = Rng(7);
    let mut cost = |n: u64| {
        let common: Vec<(u64, Id)> = (0..n - 5)
            .map(|k| (1_600_000_000_000 + rng.below(94_608_000_000), id_of(k)))
            .collect();
        let only = |range: std::ops::Range<u64>, rng: &mut Rng| -> Vec<(u64, Id)> {
            range
                .map(|k| (1_600_000_000_000 + rng.below(94_608_000_000), id_of(k)))
                .collect()
        };
        let only_a = only(u64::MAX - 10..u64::MAX - 5, &mut rng);
        let only_b = only(u64::MAX - 5..u64::MAX, &mut rng);
        let a = Set::new(common.iter().chain(&only_a).copied()).unwrap();
        let b = Set::new(common.iter().chain(&only_b).copied()).unwrap();
        let sync = reconcile(&a, &b).unwrap();
        assert_eq!(sync.have.len() + sync.need.len(), 10);
        sync.bytes
    };
    let small = cost(10_000);
    let large = cost(100_000);
    // Sending the ids alone would be 320 KB and 3.2 MB.
    assert!(large <= 3 * small, "10k: {small} B, 100k: {large} B");
    assert!(large <= 32 * 1024, "100k: {large} B");
}

/// The responder keeps no state: one set, shared, answers several initiators at once.
#[test]
fn one_set_serves_concurrent_initiators() {
    let shared = Arc::new(Set::new((0..5_000u64).map(|k| (k, id_of(k)))).unwrap());
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                let mine = Set::new((t * 1_000..5_000 + t).map(|k| (k, id_of(k)))).unwrap();
                let sync = reconcile(&mine, &shared).unwrap();
                (sync.have.len(), sync.need.len())
            })
        })
        .collect();
    for (t, thread) in threads.into_iter().enumerate() {
        assert_eq!(thread.join().unwrap(), (t, t * 1_000));
    }
}

/// Five nodes with seeded random overlapping sets sync in a seeded random order of pairs: every
/// sync finds exactly the current differences, and all nodes reach the union within a bounded
/// number of syncs.
#[test]
fn a_small_network_converges() {
    const NODES: usize = 5;
    const UNIVERSE: u64 = 3_000;
    const MAX_SYNCS: usize = 30;

    for seed in 1..=10u64 {
        let mut rng = Rng(seed);
        let universe: BTreeMap<Id, u64> = (0..UNIVERSE)
            .map(|k| {
                (
                    id_of(seed << 32 | k),
                    1_700_000_000_000 + rng.below(1 << 36),
                )
            })
            .collect();
        let mut nodes: Vec<BTreeSet<(u64, Id)>> = vec![BTreeSet::new(); NODES];
        for (id, created) in &universe {
            // Each item is on a random non-empty subset of the nodes.
            let mut mask = rng.below((1 << NODES) - 1) + 1;
            for node in nodes.iter_mut() {
                if mask & 1 == 1 {
                    node.insert((*created, *id));
                }
                mask >>= 1;
            }
        }
        let union: BTreeSet<(u64, Id)> = nodes.iter().flatten().copied().collect();
        assert_eq!(union.len(), UNIVERSE as usize);

        let mut syncs = 0;
        while nodes.iter().any(|node| *node != union) {
            assert!(
                syncs < MAX_SYNCS,
                "seed {seed}: no convergence in {MAX_SYNCS} syncs"
            );
            syncs += 1;
            let i = rng.below(NODES as u64) as usize;
            let j = (i + 1 + rng.below(NODES as u64 - 1) as usize) % NODES;

            let sync = reconcile(&set_of(&nodes[i]), &set_of(&nodes[j])).unwrap();
            assert_eq!(sorted(sync.have.clone()), minus(&nodes[i], &nodes[j]));
            assert_eq!(sorted(sync.need.clone()), minus(&nodes[j], &nodes[i]));
            // The initiator pulls what it needs; the responder is sent what it lacks.
            for id in sync.need {
                nodes[i].insert((universe[&id], id));
            }
            for id in sync.have {
                nodes[j].insert((universe[&id], id));
            }
            assert_eq!(
                nodes[i], nodes[j],
                "seed {seed}: a sync leaves the pair equal"
            );
        }
    }
}
