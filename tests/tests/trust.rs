//! The trust policy at the ingest door (DESIGN principle 3): a node with `trust = "members"`
//! takes its own city and the cities on its trust list, refuses every other city as untrusted —
//! before checking signatures, storing nothing — and takes them once trusted; an open node
//! takes every validly signed city.

use audacities_node::ingest::{INLINE_BELOW, Verdict};
use audacities_protocol::Entry;
use audacities_protocol::entry::EntryError;
use audacities_tests::{TestHome, city, draft, encode_line, entry, parse_line};
use serde_json::json;

fn untrusted_city(verdict: &Verdict) -> audacities_protocol::PublicKey {
    match verdict {
        Verdict::Untrusted { city, .. } => *city,
        other => panic!("expected an untrusted verdict, got {other:?}"),
    }
}

#[test]
fn a_new_node_takes_its_own_city_and_refuses_others_naming_city_and_id() {
    let node = TestHome::new();
    assert_eq!(node.publish(&draft(1)).accepted(), 1, "its own city");
    let foreign = entry(1, 2);
    let report = node.import(&[foreign.bytes().to_vec()]);
    assert_eq!(
        report.verdicts,
        vec![Verdict::Untrusted {
            id: foreign.id(),
            city: city(1).public()
        }]
    );
    assert_eq!(report.untrusted(), 1);
    assert_eq!(report.rejected(), 0);
    assert_eq!(node.count(), 1, "nothing of the untrusted city was stored");
}

#[test]
fn after_trust_add_the_same_bundle_imports_and_after_remove_new_entries_are_refused() {
    let node = TestHome::new();
    let lines: Vec<Vec<u8>> = (0..3).map(|n| entry(2, n).bytes().to_vec()).collect();
    assert_eq!(node.import(&lines).untrusted(), 3);
    assert_eq!(node.count(), 0);

    assert!(node.trust(&city(2).public()));
    let report = node.import(&lines);
    assert_eq!(report.accepted(), 3);
    assert_eq!(node.count(), 3);

    assert!(node.home.store().trust_remove(city(2).public()).unwrap());
    let later = node.import(&[entry(2, 9).bytes().to_vec()]);
    assert_eq!(untrusted_city(&later.verdicts[0]), city(2).public());
    assert_eq!(node.count(), 3, "entries already stored are kept");
}

#[test]
fn an_open_node_takes_every_validly_signed_city() {
    let node = TestHome::new().trust_open();
    let lines: Vec<Vec<u8>> = (1..=5)
        .map(|seed| entry(seed, 0).bytes().to_vec())
        .collect();
    let report = node.import(&lines);
    assert_eq!(report.accepted(), 5);
    assert_eq!(report.untrusted(), 0);
}

#[test]
fn an_untrusted_city_is_refused_before_its_signature_is_checked() {
    // A forged signature claiming an untrusted city: refused for the city (no verification
    // spent on it); the same forgery claiming a trusted city meets the signature check.
    let node = TestHome::new().trusting(&city(3).public());
    let forge = |seed: u8| {
        let mut line = parse_line(entry(seed, 4).bytes());
        line["sig"] = json!("00".repeat(64));
        encode_line(&line)
    };
    let report = node.import(&[forge(1), forge(3)]);
    assert_eq!(untrusted_city(&report.verdicts[0]), city(1).public());
    assert!(matches!(
        &report.verdicts[1],
        Verdict::Rejected(EntryError::BadSignature { .. })
    ));
    assert_eq!(node.count(), 0);
}

#[test]
fn a_trusted_city_forged_into_the_header_of_a_strangers_entry_is_still_refused() {
    // City 1 (trusted) named in the header of an entry signed by city 5 (not trusted): the
    // claimed city passes the policy, then the signature does not verify for that header.
    let node = TestHome::new().trusting(&city(1).public());
    let mut head = entry(5, 6).head().clone();
    head.city = city(1).public();
    head.signer = city(1).public();
    let line = audacities_tests::relabel(
        &city(5),
        head,
        entry(5, 6)
            .draft()
            .expect("a content entry")
            .value()
            .clone(),
    );
    let report = node.import(&[line]);
    assert!(matches!(
        &report.verdicts[0],
        Verdict::Rejected(EntryError::BadSignature { .. })
    ));
    assert_eq!(node.count(), 0);
}

#[test]
fn a_header_city_that_is_not_a_key_is_rejected_naming_the_field_not_called_untrusted() {
    let node = TestHome::new();
    let mut line = parse_line(entry(1, 7).bytes());
    line["head"]["city"] = json!("not a key");
    let report = node.import(&[encode_line(&line)]);
    match &report.verdicts[0] {
        Verdict::Rejected(EntryError::Shape { path, .. }) => assert_eq!(path, "head.city"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn large_imports_on_worker_threads_apply_the_policy_in_input_order() {
    let node = TestHome::new().trusting(&city(1).public());
    let n = INLINE_BELOW * 3 + 5;
    let entries: Vec<_> = (0..n).map(|i| entry(1 + (i % 2) as u8, i)).collect();
    let lines: Vec<Vec<u8>> = entries.iter().map(|e| e.bytes().to_vec()).collect();
    let report = node.import(&lines);
    assert_eq!(report.verdicts.len(), n);
    for (i, (verdict, e)) in report.verdicts.iter().zip(&entries).enumerate() {
        let expected = if i % 2 == 0 {
            Verdict::Accepted(e.id())
        } else {
            Verdict::Untrusted {
                id: e.id(),
                city: city(2).public(),
            }
        };
        assert_eq!(verdict, &expected, "item {i}");
    }
    assert_eq!(node.count() as usize, n.div_ceil(2));
}

#[test]
fn a_policy_loaded_before_a_trust_add_sees_it_after_reload() {
    let node = TestHome::new();
    let policy = node.policy();
    let clone = policy.clone();
    assert!(!clone.allows(&city(6).public()));
    node.trust(&city(6).public());
    policy.reload(node.home.store()).unwrap();
    assert!(clone.allows(&city(6).public()));
    assert!(clone.allows(&node.home.city()));
    // The reloaded policy lets the entries in through the ingest door.
    let report = audacities_node::ingest::ingest(
        node.home.store(),
        &clone,
        [Ok(entry(6, 1).bytes().to_vec())],
    )
    .unwrap();
    assert_eq!(report.accepted(), 1);
}

#[test]
fn a_vouched_node_takes_a_city_once_enough_trusted_cities_vouch_for_it() {
    use audacities_protocol::act::Vouch;
    use audacities_protocol::{Act, Body};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("home");
    drop(audacities_node::Home::init(&path, "Lyon", "FR").expect("init"));
    let config = path.join(audacities_node::config::FILE_NAME);
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        text.replace("trust = \"members\"", "trust = \"vouched\""),
    )
    .expect("write config");
    let home = audacities_node::Home::open(&path).expect("open");
    assert_eq!(home.config().vouches, 2, "two vouches by default");
    let (napoli, torino, stranger) = (city(2), city(3), city(9));
    for c in [&napoli, &torino] {
        home.store()
            .trust_add(c.public(), None, audacities_node::time::now_ms())
            .expect("trust add");
    }
    let import = |lines: Vec<Vec<u8>>| {
        let policy = home.policy().expect("policy");
        audacities_node::ingest::ingest(home.store(), &policy, lines.into_iter().map(Ok))
            .expect("store works")
    };
    let vouch = |by: &audacities_protocol::SecretKey| {
        Entry::sign_for(
            Body::Act(Act::Vouch(Vouch {
                city: stranger.public(),
            })),
            by,
            by.public(),
            audacities_node::time::now_ms(),
            None,
        )
        .expect("sign")
        .into_bytes()
    };
    let theirs = entry(9, 1).bytes().to_vec();
    assert_eq!(
        import(vec![theirs.clone()]).untrusted(),
        1,
        "nobody vouches yet"
    );
    assert_eq!(import(vec![vouch(&napoli)]).accepted(), 1);
    assert_eq!(
        import(vec![theirs.clone()]).untrusted(),
        1,
        "one vouch of two"
    );
    // A vouch from a city nobody here trusts does not count.
    assert_eq!(import(vec![vouch(&city(7))]).untrusted(), 1);
    assert_eq!(import(vec![vouch(&torino)]).accepted(), 1);
    assert_eq!(
        import(vec![theirs]).accepted(),
        1,
        "two trusted cities vouch"
    );
}
