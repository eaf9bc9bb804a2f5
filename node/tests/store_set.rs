//! What the store keeps for sync and trust: the set of ids as reconciliation reads it (items,
//! fingerprint, bulk reads), the trust list and the peer log, and the migration that added them.

mod store_support;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use audacities_node::store::{MAX_PEERS, MIGRATIONS, Member, Store, SyncRecord};
use audacities_protocol::{Entry, Id, PublicKey};
use proptest::prelude::*;
use rusqlite::Connection;
use store_support::*;

/// 24 signed entries, some created in the same minute (ties in `created_ms`), signed once.
fn pool() -> &'static [Entry] {
    static POOL: OnceLock<Vec<Entry>> = OnceLock::new();
    POOL.get_or_init(|| {
        (0..24u64)
            .map(|n| {
                let d = method(
                    &format!("Enquête {n}"),
                    &format!("Survey {n}"),
                    &["housing"],
                );
                sign(&d, 1 + (n % 3) as u8, n / 3)
            })
            .collect()
    })
}

/// The fingerprint as specified, computed from the input ids, not by the store: blake3 over
/// the distinct 32-byte ids in ascending order, lowercase hex.
fn expected_fingerprint<'a>(ids: impl IntoIterator<Item = &'a Id>) -> String {
    let sorted: BTreeSet<&Id> = ids.into_iter().collect();
    let mut hasher = blake3::Hasher::new();
    for id in sorted {
        hasher.update(id.as_bytes());
    }
    hasher.finalize().to_hex().to_string()
}

fn city(seed: u8) -> PublicKey {
    key(seed).public()
}

#[test]
fn items_are_every_entry_as_created_and_id_sorted_with_ties_broken_by_id() {
    let (_dir, store) = temp_store();
    assert_eq!(store.items().unwrap(), vec![]);
    // Inserted in reverse, in two batches.
    let mut entries = pool().to_vec();
    entries.reverse();
    let (a, b) = entries.split_at(10);
    store.insert(a.to_vec(), at(100)).unwrap();
    store.insert(b.to_vec(), at(101)).unwrap();

    let mut expected: Vec<(u64, Id)> = pool().iter().map(|e| (e.head().created, e.id())).collect();
    expected.sort();
    assert_eq!(store.items().unwrap(), expected);
    let created: BTreeSet<u64> = expected.iter().map(|(c, _)| *c).collect();
    assert!(created.len() < expected.len(), "the pool has ties to break");
}

#[test]
fn the_fingerprint_of_an_empty_store_is_the_hash_of_nothing() {
    let (_dir, store) = temp_store();
    assert_eq!(
        store.fingerprint().unwrap(),
        "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
    );
}

#[test]
fn the_cached_fingerprint_follows_inserts_deletes_and_other_connections() {
    let (dir, store) = temp_store();
    let entries = pool();
    store.insert(entries[..5].to_vec(), at(0)).unwrap();
    let five = expected_fingerprint(&entries[..5].iter().map(Entry::id).collect::<Vec<_>>());
    assert_eq!(store.fingerprint().unwrap(), five);
    assert_eq!(store.fingerprint().unwrap(), five, "cached");

    store.insert(entries[5..6].to_vec(), at(1)).unwrap();
    let six: Vec<Id> = entries[..6].iter().map(Entry::id).collect();
    assert_eq!(store.fingerprint().unwrap(), expected_fingerprint(&six));

    // A delete through this store's connection.
    let sixth = entries[5].id().to_string();
    store
        .call(move |c| Ok(c.execute("DELETE FROM entries WHERE id = ?1", [sixth])?))
        .unwrap();
    assert_eq!(store.fingerprint().unwrap(), five);

    // A write by another connection (another process: the CLI while a node runs).
    let other = Connection::open(dir.path().join("commons.db")).unwrap();
    other.pragma_update(None, "foreign_keys", "ON").unwrap();
    other
        .execute(
            "DELETE FROM entries WHERE id = ?1",
            [entries[0].id().to_string()],
        )
        .unwrap();
    drop(other);
    let four: Vec<Id> = entries[1..5].iter().map(Entry::id).collect();
    assert_eq!(store.fingerprint().unwrap(), expected_fingerprint(&four));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Two stores given subsets of the pool (in any order, with repeats) have the fingerprint
    /// computed from their input ids, and equal fingerprints exactly when the sets are equal.
    #[test]
    fn fingerprints_are_equal_iff_the_id_sets_are(
        a in proptest::collection::vec(0..24usize, 0..30),
        b in proptest::collection::vec(0..24usize, 0..30),
    ) {
        let (_da, store_a) = temp_store();
        let (_db, store_b) = temp_store();
        let entries = |picks: &[usize]| picks.iter().map(|&i| pool()[i].clone()).collect::<Vec<_>>();
        store_a.insert(entries(&a), at(0)).unwrap();
        store_b.insert(entries(&b), at(0)).unwrap();
        let ids_a: BTreeSet<Id> = a.iter().map(|&i| pool()[i].id()).collect();
        let ids_b: BTreeSet<Id> = b.iter().map(|&i| pool()[i].id()).collect();
        let fp_a = store_a.fingerprint().unwrap();
        let fp_b = store_b.fingerprint().unwrap();
        prop_assert_eq!(&fp_a, &expected_fingerprint(&ids_a));
        prop_assert_eq!(&fp_b, &expected_fingerprint(&ids_b));
        prop_assert_eq!(fp_a.len(), 64);
        prop_assert_eq!(fp_a == fp_b, ids_a == ids_b);
    }
}

#[test]
fn raw_many_returns_the_stored_bytes_in_the_order_asked_skipping_missing_ids() {
    let (_dir, store) = temp_store();
    let entries = pool();
    store.insert(entries[..4].to_vec(), at(0)).unwrap();
    let missing = entries[10].id();
    let asked = vec![
        entries[3].id(),
        missing,
        entries[0].id(),
        entries[3].id(),
        entries[2].id(),
    ];
    let got = store.raw_many(asked).unwrap();
    let expected: Vec<(Id, Vec<u8>)> = [3, 0, 3, 2]
        .iter()
        .map(|&i| (entries[i].id(), entries[i].bytes().to_vec()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(store.raw_many(vec![]).unwrap(), vec![]);
}

#[test]
fn contains_many_answers_for_each_id_in_order() {
    let (_dir, store) = temp_store();
    let entries = pool();
    store.insert(entries[..3].to_vec(), at(0)).unwrap();
    let asked = vec![
        entries[5].id(),
        entries[1].id(),
        entries[2].id(),
        entries[7].id(),
    ];
    assert_eq!(
        store.contains_many(asked).unwrap(),
        vec![false, true, true, false]
    );
    assert_eq!(store.contains_many(vec![]).unwrap(), Vec::<bool>::new());
}

#[test]
fn the_trust_list_adds_once_updates_labels_removes_and_survives_a_reopen() {
    let (dir, store) = temp_store();
    assert_eq!(store.trust_list().unwrap(), vec![]);
    assert!(store.trust_add(city(2), Some("Napoli".into()), 20).unwrap());
    assert!(store.trust_add(city(3), None, 10).unwrap());
    assert!(
        !store.trust_add(city(2), None, 30).unwrap(),
        "already there"
    );
    assert_eq!(
        store.trust_list().unwrap(),
        vec![
            Member {
                city: city(3),
                label: None,
                added_ms: 10
            },
            Member {
                city: city(2),
                label: Some("Napoli".into()),
                added_ms: 20
            },
        ],
        "oldest first; a re-add without a label keeps the label and the date"
    );
    assert!(!store.trust_add(city(3), Some("Roma".into()), 40).unwrap());
    assert_eq!(
        store.trust_list().unwrap()[0].label.as_deref(),
        Some("Roma")
    );

    assert!(store.trust_remove(city(2)).unwrap());
    assert!(!store.trust_remove(city(2)).unwrap(), "no longer there");
    drop(store);
    let store = Store::open(&dir.path().join("commons.db")).unwrap();
    assert_eq!(
        store.trust_list().unwrap(),
        vec![Member {
            city: city(3),
            label: Some("Roma".into()),
            added_ms: 10
        }]
    );
}

#[test]
fn removing_a_city_from_the_trust_list_keeps_its_entries() {
    let (_dir, store) = temp_store();
    store.trust_add(city(1), None, 1).unwrap();
    store.insert(pool()[..3].to_vec(), at(0)).unwrap();
    store.trust_remove(city(1)).unwrap();
    assert_eq!(store.count().unwrap(), 3);
}

fn record(peer: &str, at_ms: u64, received: u64, sent: u64) -> SyncRecord {
    SyncRecord {
        peer_id: peer.to_owned(),
        address: None,
        city: None,
        at_ms,
        received,
        sent,
    }
}

#[test]
fn the_peer_log_keeps_totals_the_latest_time_and_known_address_and_city() {
    let (dir, store) = temp_store();
    assert_eq!(store.peer_log().unwrap(), vec![]);
    store
        .record_sync(SyncRecord {
            address: Some("/ip4/192.0.2.7/tcp/4410".into()),
            city: Some(city(2)),
            ..record("12D3KooA", 1_000, 5, 1)
        })
        .unwrap();
    store.record_sync(record("12D3KooB", 2_000, 0, 0)).unwrap();
    store.record_sync(record("12D3KooA", 3_000, 2, 4)).unwrap();
    let expected = vec![
        SyncRecord {
            address: Some("/ip4/192.0.2.7/tcp/4410".into()),
            city: Some(city(2)),
            ..record("12D3KooA", 3_000, 7, 5)
        },
        record("12D3KooB", 2_000, 0, 0),
    ];
    assert_eq!(store.peer_log().unwrap(), expected, "most recent first");

    // A record with an earlier time (a clock stepped back) keeps the latest time.
    store
        .record_sync(SyncRecord {
            address: Some("/ip4/192.0.2.8/udp/4410/quic-v1".into()),
            ..record("12D3KooB", 1_500, 1, 0)
        })
        .unwrap();
    drop(store);
    let store = Store::open(&dir.path().join("commons.db")).unwrap();
    let log = store.peer_log().unwrap();
    assert_eq!(log[1].peer_id, "12D3KooB");
    assert_eq!(log[1].at_ms, 2_000);
    assert_eq!(log[1].received, 1);
    assert_eq!(
        log[1].address.as_deref(),
        Some("/ip4/192.0.2.8/udp/4410/quic-v1")
    );
}

#[test]
fn the_peer_log_keeps_only_the_most_recently_synced_peers() {
    let (_dir, store) = temp_store();
    for n in 0..MAX_PEERS + 5 {
        store
            .record_sync(record(&format!("peer-{n:05}"), n as u64, 1, 1))
            .unwrap();
    }
    let log = store.peer_log().unwrap();
    assert_eq!(log.len(), MAX_PEERS);
    assert_eq!(log[0].peer_id, format!("peer-{:05}", MAX_PEERS + 4));
    assert_eq!(log[MAX_PEERS - 1].peer_id, "peer-00005");
}

#[test]
fn a_version_2_file_is_brought_up_to_date_keeping_its_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("commons.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        rusqlite_migration::Migrations::from_slice(&MIGRATIONS[..2])
            .to_latest(&mut conn)
            .unwrap();
        let e = &pool()[0];
        conn.execute(
            "INSERT INTO entries (id, kind, lang, signer, city, created_ms, received_ms, raw)
             VALUES (?1, 'method', 'fr', ?2, ?2, ?3, ?3, ?4)",
            rusqlite::params![
                e.id().to_string(),
                e.head().city.to_string(),
                e.head().created as i64,
                e.bytes()
            ],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let e = &pool()[0];
    assert_eq!(store.items().unwrap(), vec![(e.head().created, e.id())]);
    assert_eq!(
        store.fingerprint().unwrap(),
        expected_fingerprint([&e.id()])
    );
    assert!(store.trust_add(city(2), None, 1).unwrap());
    assert_eq!(store.peer_log().unwrap(), vec![]);
}
