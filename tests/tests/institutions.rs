//! A city's institutional acts across three real nodes on 127.0.0.1 (mDNS off, each test in its
//! own commons): a delegated staff key publishes for the city everywhere, only within its kinds
//! and dates; a revocation reaches every node, which then refuse the key's later entries and drop
//! those already stored from after its `since`; a rotation keeps earlier entries the city's and
//! refuses the old key after it.

use audacities_node::ingest::Verdict;
use audacities_node::time::now_ms;
use audacities_protocol::act::{CityProfile, Delegation, Revocation, Rotation};
use audacities_protocol::entry::EntryError;
use audacities_protocol::model::Kind;
use audacities_protocol::{Act, Body, Draft, Entry, Id, SecretKey, Unauthorized};
use audacities_tests::net::{Net, Setup, TestNode, secs, stop_all, wait_for_mesh, wait_until};
use audacities_tests::{city, draft};

const MINUTE: u64 = 60_000;
const DAY: u64 = 86_400_000;

fn act(act: Act, key: &SecretKey, city: &SecretKey, created: u64) -> Vec<u8> {
    Entry::sign_for(Body::Act(act), key, city.public(), created, None)
        .expect("sign an act")
        .into_bytes()
}

fn content(d: Draft, key: &SecretKey, city: &SecretKey, created: u64) -> Entry {
    Entry::sign_for(Body::Draft(d), key, city.public(), created, None).expect("sign")
}

/// A skill draft: a kind the staff key is not delegated for.
fn skill() -> Draft {
    Draft::parse(
        include_str!("../../examples/12-skill-en.toml"),
        audacities_protocol::Format::Toml,
    )
    .expect("the example is valid")
}

async fn three(net: &Net) -> (TestNode, TestNode, TestNode) {
    let a = TestNode::start_with(net, Setup::named("A")).await;
    let b = TestNode::start_with(net, Setup::named("B").peer(a.addr().await)).await;
    let c = TestNode::start_with(net, Setup::named("C").peer(b.addr().await)).await;
    wait_for_mesh(&[&a, &b, &c], &[1, 1, 1], secs(15)).await;
    (a, b, c)
}

/// Offers one line to a node as if it arrived from anywhere; its verdict.
async fn offer(node: &TestNode, line: Vec<u8>) -> Verdict {
    let report = node
        .node()
        .shared()
        .ingest_local(vec![line])
        .await
        .unwrap_or_else(|e| panic!("{}: ingest: {e}", node.name));
    report.verdicts.into_iter().next().expect("one verdict")
}

fn unauthorized(verdict: &Verdict) -> &Unauthorized {
    match verdict {
        Verdict::Rejected(EntryError::Unauthorized(u)) => u,
        other => panic!("expected an unauthorized verdict, got {other:?}"),
    }
}

/// The entry as a node's API shows it: (city, city name, published by).
async fn shown(node: &TestNode, id: Id) -> serde_json::Value {
    let (detail, _, _) =
        audacities_node::api::entries::detail(node.node().shared(), &id.to_string())
            .await
            .unwrap_or_else(|e| panic!("{}: detail of {id}: {e:?}", node.name));
    serde_json::to_value(detail).expect("detail is JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegated_staff_key_publishes_for_its_city_everywhere_within_its_scope_only() {
    let net = Net::new();
    let (a, b, c) = three(&net).await;
    let lyon = city(61);
    let staff = city(62);
    let former = city(63);
    let now = now_ms();

    let profile = act(
        Act::CityProfile(CityProfile {
            name: "Lyon".into(),
            country: "FR".into(),
            website: Some("https://www.lyon.fr".into()),
            languages: vec!["fr".into(), "en".into()],
            contact: None,
        }),
        &lyon,
        &lyon,
        now - 3 * DAY,
    );
    let delegation = act(
        Act::Delegation(Delegation {
            delegate: staff.public(),
            kinds: vec!["governance_practice".into(), "scenario".into()],
            until: now + 30 * DAY,
            label: Some("Service innovation".into()),
        }),
        &lyon,
        &lyon,
        now - 2 * DAY,
    );
    // A delegation that ended yesterday.
    let expired = act(
        Act::Delegation(Delegation {
            delegate: former.public(),
            kinds: vec!["governance_practice".into()],
            until: now - DAY,
            label: None,
        }),
        &lyon,
        &lyon,
        now - 2 * DAY,
    );
    let acts: Vec<Id> = a.publish(vec![profile, delegation, expired]).await;
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} holds Lyon's acts", node.name),
            secs(10),
            async || node.holds(&acts).await,
        )
        .await;
    }

    // Published on B by the staff key: accepted on every node, shown as Lyon's.
    let practice = content(draft(6_201), &staff, &lyon, now - MINUTE);
    let ids = b.publish(vec![practice.bytes().to_vec()]).await;
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} holds the staff entry", node.name),
            secs(10),
            async || node.holds(&ids).await,
        )
        .await;
        let detail = shown(node, practice.id()).await;
        assert_eq!(detail["city"], lyon.public().to_string(), "{}", node.name);
        assert_eq!(
            detail["city_name"], "Lyon",
            "{}: the profile's name",
            node.name
        );
        assert_eq!(
            detail["published_by"], "Service innovation",
            "{}",
            node.name
        );
        assert_eq!(detail["signer"], staff.public().to_string());
        assert_eq!(detail["verified"], true);
    }

    // Out of scope (a kind not delegated), from an expired delegation, or with no delegation:
    // every node refuses it when it arrives, and nothing is stored.
    let off_kind = content(skill(), &staff, &lyon, now - MINUTE);
    let too_late = content(draft(6_202), &former, &lyon, now - MINUTE);
    let stranger = content(draft(6_203), &city(64), &lyon, now - MINUTE);
    for node in [&a, &b, &c] {
        let v = offer(node, off_kind.bytes().to_vec()).await;
        assert!(
            matches!(unauthorized(&v), Unauthorized::KindNotDelegated { kind, .. } if kind == Kind::Skill.as_str()),
            "{}: {v:?}",
            node.name
        );
        let v = offer(node, too_late.bytes().to_vec()).await;
        assert!(
            matches!(unauthorized(&v), Unauthorized::DelegationExpired { .. }),
            "{}: {v:?}",
            node.name
        );
        let v = offer(node, stranger.bytes().to_vec()).await;
        assert!(
            matches!(unauthorized(&v), Unauthorized::NoDelegation { .. }),
            "{}: {v:?}",
            node.name
        );
        assert_eq!(
            node.lacking(&[off_kind.id(), too_late.id(), stranger.id()])
                .await
                .len(),
            3,
            "{}: none of them is stored",
            node.name
        );
    }
    stop_all([c, b, a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_reaches_every_node_which_then_refuses_and_drops_the_keys_later_entries() {
    let net = Net::new();
    let (a, b, c) = three(&net).await;
    let napoli = city(71);
    let laptop = city(72);
    let now = now_ms();
    let delegation = act(
        Act::Delegation(Delegation {
            delegate: laptop.public(),
            kinds: vec!["governance_practice".into()],
            until: now + 30 * DAY,
            label: Some("Assessorato ai beni comuni".into()),
        }),
        &napoli,
        &napoli,
        now - DAY,
    );
    let delegated = a.publish(vec![delegation]).await;
    wait_until("B holds the delegation", secs(10), async || {
        b.holds(&delegated).await
    })
    .await;
    // Before the laptop was lost, and after.
    let before = content(draft(7_101), &laptop, &napoli, now - 10 * MINUTE);
    let after = content(draft(7_102), &laptop, &napoli, now - 2 * MINUTE);
    b.publish(vec![before.bytes().to_vec(), after.bytes().to_vec()])
        .await;
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} holds both staff entries", node.name),
            secs(10),
            async || node.holds(&[before.id(), after.id()]).await,
        )
        .await;
    }

    // The laptop was lost five minutes ago: the city revokes its key since then, on C.
    let revocation = act(
        Act::Revocation(Revocation {
            key: laptop.public(),
            since: now - 5 * MINUTE,
        }),
        &napoli,
        &napoli,
        now,
    );
    let revoked = c.publish(vec![revocation]).await;
    for node in [&a, &b, &c] {
        wait_until(
            &format!(
                "{} holds the revocation and dropped the later entry",
                node.name
            ),
            secs(10),
            async || {
                node.holds(&revoked).await?;
                if node.lacking(&[after.id()]).await.is_empty() {
                    return Err(format!("{} still holds the entry after `since`", node.name));
                }
                Ok(())
            },
        )
        .await;
        node.holds(&[before.id()])
            .await
            .unwrap_or_else(|e| panic!("the entry from before `since` stays: {e}"));
    }
    // What the key signs now is refused everywhere, as is the dropped entry offered again.
    let stolen = content(draft(7_103), &laptop, &napoli, now_ms());
    for node in [&a, &b, &c] {
        for line in [stolen.bytes().to_vec(), after.bytes().to_vec()] {
            let v = offer(node, line).await;
            assert!(
                matches!(unauthorized(&v), Unauthorized::Revoked { .. }),
                "{}: {v:?}",
                node.name
            );
        }
    }
    // Sync settles: every node holds the same set.
    wait_until("the three nodes agree", secs(10), async || {
        let (fa, fb, fc) = (
            a.fingerprint().await,
            b.fingerprint().await,
            c.fingerprint().await,
        );
        if fa == fb && fb == fc {
            Ok(())
        } else {
            Err(format!("fingerprints {fa:.8} {fb:.8} {fc:.8}"))
        }
    })
    .await;
    stop_all([c, b, a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_keeps_earlier_entries_attributed_and_refuses_the_old_key_after_it() {
    let net = Net::new();
    let (a, b, c) = three(&net).await;
    let torino = city(81);
    let new_key = city(82);
    let now = now_ms();
    let earlier = content(draft(8_101), &torino, &torino, now - DAY);
    a.publish(vec![earlier.bytes().to_vec()]).await;
    let rotation = act(
        Act::Rotation(Rotation {
            new_key: new_key.public(),
        }),
        &torino,
        &torino,
        now - 10 * MINUTE,
    );
    let rotated = a.publish(vec![rotation]).await;
    let by_new = content(draft(8_102), &new_key, &torino, now - MINUTE);
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} holds the rotation", node.name),
            secs(10),
            async || {
                node.holds(&rotated).await?;
                node.holds(&[earlier.id()]).await
            },
        )
        .await;
    }
    let ids = c.publish(vec![by_new.bytes().to_vec()]).await;
    let old_after = content(draft(8_103), &torino, &torino, now - MINUTE);
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} holds the new key's entry", node.name),
            secs(10),
            async || node.holds(&ids).await,
        )
        .await;
        for id in [earlier.id(), by_new.id()] {
            let detail = shown(node, id).await;
            assert_eq!(detail["city"], torino.public().to_string(), "{}", node.name);
            assert_eq!(
                detail["published_by"],
                serde_json::Value::Null,
                "the city's own key"
            );
        }
        let v = offer(node, old_after.bytes().to_vec()).await;
        assert!(
            matches!(unauthorized(&v), Unauthorized::Rotated { .. }),
            "{}: {v:?}",
            node.name
        );
    }
    stop_all([c, b, a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_node_shows_the_same_latest_version_after_concurrent_revisions() {
    let net = Net::new();
    let (a, b, c) = three(&net).await;
    let lyon = city(91);
    let now = now_ms();
    let revise = |d: Draft, prev: Vec<Id>, doc: Id, created: u64| {
        Entry::sign_for(
            Body::Draft(d),
            &lyon,
            lyon.public(),
            created,
            Some(audacities_protocol::Revises { doc, prev }),
        )
        .expect("sign a version")
    };
    let doc = content(draft(9_101), &lyon, &lyon, now - 10 * MINUTE);
    a.publish(vec![doc.bytes().to_vec()]).await;
    for node in [&b, &c] {
        wait_until(
            &format!("{} holds the document", node.name),
            secs(10),
            async || node.holds(&[doc.id()]).await,
        )
        .await;
    }
    // Two revisions made apart, each replacing the first version.
    let on_a = revise(draft(9_102), vec![doc.id()], doc.id(), now - 3 * MINUTE);
    let on_c = revise(draft(9_103), vec![doc.id()], doc.id(), now - 2 * MINUTE);
    a.publish(vec![on_a.bytes().to_vec()]).await;
    c.publish(vec![on_c.bytes().to_vec()]).await;
    let all = [doc.id(), on_a.id(), on_c.id()];
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} holds all three versions", node.name),
            secs(10),
            async || node.holds(&all).await,
        )
        .await;
        // The same version shown everywhere (the later head), marked as a conflict.
        let detail = shown(node, doc.id()).await;
        assert_eq!(detail["current"], on_c.id().to_string(), "{}", node.name);
        assert_eq!(detail["conflict"], true, "{}", node.name);
        // Listings and search show that version only.
        let store = node.home.store();
        let listed: Vec<Id> = store
            .page(&audacities_node::store::Filter::default())
            .expect("page")
            .items
            .iter()
            .map(|s| s.id)
            .collect();
        assert!(listed.contains(&on_c.id()), "{}: {listed:?}", node.name);
        assert!(!listed.contains(&on_a.id()) && !listed.contains(&doc.id()));
        let hits: Vec<Id> = store
            .search("civic uses", &audacities_node::store::Filter::default())
            .expect("search")
            .iter()
            .map(|h| h.summary.id)
            .collect();
        assert_eq!(
            hits,
            vec![on_c.id()],
            "{}: search shows the shown version",
            node.name
        );
    }

    // Another city may not revise Lyon's document.
    let napoli = city(92);
    let foreign = Entry::sign_for(
        Body::Draft(draft(9_104)),
        &napoli,
        napoli.public(),
        now - MINUTE,
        Some(audacities_protocol::Revises {
            doc: doc.id(),
            prev: vec![on_c.id()],
        }),
    )
    .expect("sign");
    for node in [&a, &b, &c] {
        let v = offer(node, foreign.bytes().to_vec()).await;
        assert!(
            matches!(unauthorized(&v), Unauthorized::ForeignRevision { .. }),
            "{}: {v:?}",
            node.name
        );
    }

    // A version that replaces both ends the conflict, everywhere.
    let mut heads = vec![on_a.id(), on_c.id()];
    heads.sort();
    let merged = revise(draft(9_105), heads, doc.id(), now - MINUTE);
    b.publish(vec![merged.bytes().to_vec()]).await;
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} shows the merge", node.name),
            secs(10),
            async || {
                node.holds(&[merged.id()]).await?;
                let detail = shown(node, on_a.id()).await;
                if detail["current"] == merged.id().to_string() && detail["conflict"] == false {
                    Ok(())
                } else {
                    Err(format!(
                        "{}: {} {}",
                        node.name, detail["current"], detail["conflict"]
                    ))
                }
            },
        )
        .await;
    }
    stop_all([c, b, a]).await;
}

/// A governance practice whose title and summary carry `marker`, a word found nowhere else.
fn marked(marker: &str) -> Draft {
    let text = format!(
        r#"
kind = "governance_practice"
lang = "fr"
licence = "CC-BY-4.0"
themes = ["participation"]
object_kind = "shared_space"
instrument = "regulation"

[title]
fr = "Pratique {marker} de la ville"
en = "The city's {marker} practice"

[summary]
fr = "Un texte qui sera retiré : {marker}."

[place]
name = "Lyon"
country = "FR"
"#
    );
    Draft::parse(&text, audacities_protocol::Format::Toml).expect("valid draft")
}

/// Files of a home that hold any of `needles` (bytes), recursively.
fn files_holding(dir: &std::path::Path, needles: &[&[u8]]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0;
    while let Some(path) = stack.pop() {
        seen += 1;
        assert!(seen < 10_000, "a home has a bounded number of files");
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read dir") {
                stack.push(entry.expect("dir entry").path());
            }
        } else if let Ok(bytes) = std::fs::read(&path)
            && needles
                .iter()
                .any(|n| bytes.windows(n.len()).any(|w| w == *n))
        {
            found.push(path.display().to_string());
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_retraction_no_node_keeps_the_text_and_every_receipt_reaches_the_author() {
    let net = Net::new();
    let (a, b, c) = three(&net).await;
    let author = a.home.signing_key().clone();
    let now = now_ms();
    let doc = content(marked("Quetzalretrait"), &author, &author, now - 5 * MINUTE);
    a.publish(vec![doc.bytes().to_vec()]).await;
    let version = Entry::sign_for(
        Body::Draft(marked("Quetzalsecond")),
        &author,
        author.public(),
        now - 4 * MINUTE,
        Some(audacities_protocol::Revises {
            doc: doc.id(),
            prev: vec![doc.id()],
        }),
    )
    .expect("sign a version");
    a.publish(vec![version.bytes().to_vec()]).await;
    let filter = audacities_node::store::Filter::default();
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} holds and indexed both versions", node.name),
            secs(10),
            async || {
                node.holds(&[doc.id(), version.id()]).await?;
                let hits = node
                    .home
                    .store()
                    .search("quetzalsecond", &filter)
                    .map_err(|e| e.to_string())?;
                if hits.is_empty() {
                    Err("not indexed yet".into())
                } else {
                    Ok(())
                }
            },
        )
        .await;
    }
    let needles: [&[u8]; 4] = [
        b"Quetzalretrait",
        b"quetzalretrait",
        b"lretrait",
        b"lsecond",
    ];
    assert!(
        !files_holding(a.dir.path(), &needles).is_empty(),
        "the check finds the text while it is there"
    );

    let retraction = act(
        Act::Retraction(audacities_protocol::act::Retraction {
            doc: doc.id(),
            reason: "Données personnelles publiées par erreur".into(),
        }),
        &author,
        &author,
        now - MINUTE,
    );
    a.publish(vec![retraction]).await;
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} erased every trace", node.name),
            secs(15),
            async || {
                if node.lacking(&[doc.id(), version.id()]).await.len() < 2 {
                    return Err("still holds a version".into());
                }
                let files = files_holding(node.dir.path(), &needles);
                if files.is_empty() {
                    Ok(())
                } else {
                    Err(format!("text found in {files:?}"))
                }
            },
        )
        .await;
        let hits = node
            .home
            .store()
            .search("quetzalretrait", &filter)
            .expect("search");
        assert!(hits.is_empty(), "{}: search finds nothing", node.name);
        // Offered again, a version is refused: the id is known, the text never comes back.
        let v = offer(node, doc.bytes().to_vec()).await;
        assert!(
            matches!(unauthorized(&v), Unauthorized::Retracted { .. }),
            "{}: {v:?}",
            node.name
        );
    }
    // Each node's city confirms; the receipts reach the author.
    let cities: Vec<_> = [&a, &b, &c].iter().map(|n| n.home.city()).collect();
    let prefix: audacities_protocol::id::Prefix = doc.id().to_string().parse().expect("prefix");
    wait_until(
        "every city's receipt reaches the author",
        secs(15),
        async || {
            let r = a
                .home
                .store()
                .retracted(&prefix)
                .map_err(|e| e.to_string())?
                .ok_or("no retraction")?;
            let confirmed: Vec<_> = r.receipts.iter().map(|(c, _)| *c).collect();
            if cities.iter().all(|c| confirmed.contains(c)) {
                Ok(())
            } else {
                Err(format!("{} of 3 receipts", confirmed.len()))
            }
        },
    )
    .await;
    stop_all([c, b, a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adoption_shows_on_every_node_and_filters_listings() {
    let net = Net::new();
    let (a, b, c) = three(&net).await;
    let napoli = a.home.signing_key().clone();
    let lyon = b.home.signing_key().clone();
    let now = now_ms();
    let practice = content(draft(11_001), &napoli, &napoli, now - DAY);
    let other = content(draft(11_002), &napoli, &napoli, now - DAY);
    a.publish(vec![practice.bytes().to_vec(), other.bytes().to_vec()])
        .await;
    wait_until("B holds the practice", secs(10), async || {
        b.holds(&[practice.id()]).await
    })
    .await;
    let adoption = act(
        Act::Endorsement(audacities_protocol::act::Endorsement {
            doc: practice.id(),
            adopted: true,
            note: "Adoptée pour les friches de la Duchère".into(),
        }),
        &lyon,
        &lyon,
        now - MINUTE,
    );
    let adopted = b.publish(vec![adoption]).await;
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} shows the adoption", node.name),
            secs(10),
            async || {
                node.holds(&adopted).await?;
                node.holds(&[practice.id(), other.id()]).await?;
                let detail = shown(node, practice.id()).await;
                let e = &detail["endorsements"];
                if e.as_array().map(Vec::len) == Some(1)
                    && e[0]["city"] == lyon.public().to_string()
                    && e[0]["adopted"] == true
                {
                    Ok(())
                } else {
                    Err(format!("{}: {e}", node.name))
                }
            },
        )
        .await;
        let filter = audacities_node::store::Filter {
            endorsed_by: Some(lyon.public()),
            ..Default::default()
        };
        let listed: Vec<Id> = node
            .home
            .store()
            .page(&filter)
            .expect("page")
            .items
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(
            listed,
            vec![practice.id()],
            "{}: endorsed by Lyon",
            node.name
        );
    }
    stop_all([c, b, a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_node_stores_nothing_of_an_untrusted_city_and_gets_it_after_trust_add() {
    let net = Net::new();
    let a = TestNode::start_with(&net, Setup::named("A")).await;
    let b = TestNode::start_with(
        &net,
        Setup {
            trust: Some("members"),
            ..Setup::named("B").peer(a.addr().await)
        },
    )
    .await;
    let c = TestNode::start_with(&net, Setup::named("C").peer(a.addr().await)).await;
    wait_for_mesh(&[&a, &b, &c], &[1, 1, 1], secs(15)).await;
    let roma = city(111);
    let now = now_ms();
    let lines: Vec<Vec<u8>> = (0..3)
        .map(|n| content(draft(11_100 + n), &roma, &roma, now - MINUTE).into_bytes())
        .collect();
    let ids = a.publish(lines).await;
    wait_until("C, open, holds Roma's entries", secs(10), async || {
        c.holds(&ids).await
    })
    .await;
    // B saw them offered (gossip, sync) and refused them: nothing stored, counted in status.
    wait_until(
        "B counts Roma's entries as untrusted",
        secs(10),
        async || {
            let status = b.status().await;
            match status.refused.get("untrusted") {
                Some(n) if *n > 0 => Ok(()),
                _ => Err(format!("refused: {:?}", status.refused)),
            }
        },
    )
    .await;
    assert_eq!(
        b.lacking(&ids).await.len(),
        ids.len(),
        "B stores nothing of Roma"
    );

    // Trusted on the running node: fetched at the next sync.
    assert!(
        b.home
            .store()
            .trust_add(roma.public(), Some("Roma".into()), now)
            .expect("trust add")
    );
    b.node().shared().trust_changed().expect("reload");
    wait_until(
        "B gets Roma's entries after trust add",
        secs(10),
        async || b.holds(&ids).await,
    )
    .await;
    stop_all([c, b, a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_translation_shows_everywhere_turns_stale_on_a_new_version_and_goes_with_a_retraction() {
    let net = Net::new();
    let (a, b, c) = three(&net).await;
    let napoli = a.home.signing_key().clone();
    let lyon = b.home.signing_key().clone();
    let now = now_ms();
    let doc = content(draft(12_001), &napoli, &napoli, now - DAY);
    a.publish(vec![doc.bytes().to_vec()]).await;
    wait_until("B holds the document", secs(10), async || {
        b.holds(&[doc.id()]).await
    })
    .await;
    let translation = act(
        Act::Translation(audacities_protocol::act::Translation {
            of: doc.id(),
            lang: "it".into(),
            title: "Uso civico degli edifici pubblici come beni comuni".into(),
            summary: Some("Le delibere della città riconoscono usi civici.".into()),
            body: None,
        }),
        &lyon,
        &lyon,
        now - HOUR_MS,
    );
    let translated = b.publish(vec![translation]).await;
    let check = async |node: &TestNode, stale: bool| -> Result<(), String> {
        node.holds(&translated).await?;
        let detail = shown(node, doc.id()).await;
        let t = &detail["translations"];
        if t.as_array().map(Vec::len) == Some(1)
            && t[0]["lang"] == "it"
            && t[0]["city"] == lyon.public().to_string()
            && t[0]["stale"] == stale
        {
            Ok(())
        } else {
            Err(format!("{}: {t}", node.name))
        }
    };
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} shows the translation", node.name),
            secs(10),
            async || check(node, false).await,
        )
        .await;
    }
    let newer = Entry::sign_for(
        Body::Draft(draft(12_002)),
        &napoli,
        napoli.public(),
        now - MINUTE,
        Some(audacities_protocol::Revises {
            doc: doc.id(),
            prev: vec![doc.id()],
        }),
    )
    .expect("sign");
    a.publish(vec![newer.bytes().to_vec()]).await;
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} marks it stale", node.name),
            secs(10),
            async || {
                node.holds(&[newer.id()]).await?;
                check(node, true).await
            },
        )
        .await;
    }
    let retraction = act(
        Act::Retraction(audacities_protocol::act::Retraction {
            doc: doc.id(),
            reason: "Obsolète".into(),
        }),
        &napoli,
        &napoli,
        now - MINUTE / 2,
    );
    a.publish(vec![retraction]).await;
    for node in [&a, &b, &c] {
        wait_until(
            &format!("{} erased the translation too", node.name),
            secs(10),
            async || {
                if node.lacking(&translated).await.is_empty() {
                    Err(format!("{} still holds the translation", node.name))
                } else {
                    Ok(())
                }
            },
        )
        .await;
    }
    stop_all([c, b, a]).await;
}

const HOUR_MS: u64 = 3_600_000;
