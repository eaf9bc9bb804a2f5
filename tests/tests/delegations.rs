//! RELIABILITY items 7 and 19 at the import door: who may publish for a city — its key, or a
//! staff key inside its delegation's kinds and dates, nobody else — and every bad delegation
//! refused with its own error, nothing stored.

use audacities_node::ingest::Verdict;
use audacities_node::time::now_ms;
use audacities_protocol::act::{Delegation, Revocation};
use audacities_protocol::entry::EntryError;
use audacities_protocol::{Act, Body, Draft, Entry, SecretKey, Unauthorized};
use audacities_tests::{TestHome, city, draft};

const HOUR: u64 = 3_600_000;
const DAY: u64 = 24 * HOUR;

fn act(act: Act, key: &SecretKey, for_city: &SecretKey, created: u64) -> Vec<u8> {
    Entry::sign_for(Body::Act(act), key, for_city.public(), created, None)
        .expect("sign an act")
        .into_bytes()
}

fn by(key: &SecretKey, for_city: &SecretKey, d: Draft, created: u64) -> Vec<u8> {
    Entry::sign_for(Body::Draft(d), key, for_city.public(), created, None)
        .expect("sign")
        .into_bytes()
}

fn delegation(staff: &SecretKey, kinds: &[&str], until: u64) -> Act {
    Act::Delegation(Delegation {
        delegate: staff.public(),
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        until,
        label: None,
    })
}

fn refusal(verdict: &Verdict) -> &Unauthorized {
    match verdict {
        Verdict::Rejected(EntryError::Unauthorized(u)) => u,
        other => panic!("expected a refusal naming the authority rule, got {other:?}"),
    }
}

/// A hub that takes every city, holding Lyon's delegation of governance practices to `staff`
/// from two days ago until tomorrow.
fn hub(lyon: &SecretKey, staff: &SecretKey) -> TestHome {
    let node = TestHome::new().trust_open();
    let now = now_ms();
    let report = node.import(&[act(
        delegation(staff, &["governance_practice"], now + DAY),
        lyon,
        lyon,
        now - 2 * DAY,
    )]);
    assert_eq!(report.accepted(), 1, "{:?}", report.verdicts);
    node
}

#[test]
fn the_city_key_and_a_staff_key_in_scope_may_publish_and_nobody_else() {
    let (lyon, staff) = (city(31), city(32));
    let node = hub(&lyon, &staff);
    let now = now_ms();
    let report = node.import(&[
        by(&lyon, &lyon, draft(1), now - HOUR),
        by(&staff, &lyon, draft(2), now - HOUR),
    ]);
    assert_eq!(report.accepted(), 2, "{:?}", report.verdicts);
    let stranger = node.import(&[by(&city(33), &lyon, draft(3), now - HOUR)]);
    assert!(matches!(
        refusal(&stranger.verdicts[0]),
        Unauthorized::NoDelegation { .. }
    ));
    assert_eq!(node.count(), 2);
}

#[test]
fn every_bad_delegation_is_refused_with_its_own_error_and_nothing_is_stored() {
    let (lyon, staff) = (city(41), city(42));
    let node = hub(&lyon, &staff);
    let now = now_ms();
    let before = node.count();

    // Expired: a delegation that ended yesterday.
    let former = city(43);
    node.import(&[act(
        delegation(&former, &["governance_practice"], now - DAY),
        &lyon,
        &lyon,
        now - 3 * DAY,
    )]);
    let expired = node.import(&[by(&former, &lyon, draft(10), now - HOUR)]);
    assert!(
        matches!(
            refusal(&expired.verdicts[0]),
            Unauthorized::DelegationExpired { .. }
        ),
        "{:?}",
        expired.verdicts
    );

    // Not yet valid: dated before the delegation was made.
    let early = node.import(&[by(&staff, &lyon, draft(11), now - 3 * DAY)]);
    assert!(matches!(
        refusal(&early.verdicts[0]),
        Unauthorized::DelegationNotYetValid { .. }
    ));

    // Wrong city: Lyon's delegation does not let the key speak for Napoli.
    let napoli = city(44);
    let wrong_city = node.import(&[by(&staff, &napoli, draft(12), now - HOUR)]);
    assert!(matches!(
        refusal(&wrong_city.verdicts[0]),
        Unauthorized::NoDelegation { .. }
    ));

    // Wrong kind: governance practices only.
    let skill = Draft::parse(
        include_str!("../../examples/12-skill-en.toml"),
        audacities_protocol::Format::Toml,
    )
    .expect("valid");
    let wrong_kind = node.import(&[by(&staff, &lyon, skill, now - HOUR)]);
    assert!(matches!(
        refusal(&wrong_kind.verdicts[0]),
        Unauthorized::KindNotDelegated { .. }
    ));

    // Signed by a non-city key: a stranger's key, or the staff key delegating in turn.
    let helper = city(45);
    for signer in [city(46), staff.clone()] {
        let forged = node.import(&[act(
            delegation(&helper, &["governance_practice"], now + DAY),
            &signer,
            &lyon,
            now - HOUR,
        )]);
        assert!(
            matches!(
                refusal(&forged.verdicts[0]),
                Unauthorized::ActNotByCity { .. }
            ),
            "{:?}",
            forged.verdicts
        );
    }
    let helped = node.import(&[by(&helper, &lyon, draft(13), now - HOUR / 2)]);
    assert!(matches!(
        refusal(&helped.verdicts[0]),
        Unauthorized::NoDelegation { .. }
    ));

    // Revoked since an hour ago.
    node.import(&[act(
        Act::Revocation(Revocation {
            key: staff.public(),
            since: now - HOUR,
        }),
        &lyon,
        &lyon,
        now - HOUR / 2,
    )]);
    let revoked = node.import(&[by(&staff, &lyon, draft(14), now - HOUR / 4)]);
    assert!(matches!(
        refusal(&revoked.verdicts[0]),
        Unauthorized::Revoked { .. }
    ));

    assert_eq!(node.count(), before, "no refused entry was stored");
}

#[test]
fn a_bundle_with_the_delegation_after_the_staff_entries_imports_whole() {
    let (lyon, staff) = (city(51), city(52));
    let node = TestHome::new().trust_open();
    let now = now_ms();
    let lines = vec![
        by(&staff, &lyon, draft(20), now - HOUR),
        by(&staff, &lyon, draft(21), now - HOUR),
        act(
            delegation(&staff, &["governance_practice"], now + DAY),
            &lyon,
            &lyon,
            now - DAY,
        ),
    ];
    let report = node.import(&lines);
    assert_eq!(report.accepted(), 3, "{:?}", report.verdicts);
    assert_eq!(node.count(), 2);
}
