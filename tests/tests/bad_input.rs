//! Bad input through the import and publish doors (shared/RELIABILITY.md items 2–8): each is
//! refused with an error naming its cause, nothing is half-written, and the genuine entry still
//! gets in afterwards.

use audacities_node::ingest::Verdict;
use audacities_node::time::now_ms;
use audacities_protocol::canonical::CanonicalError;
use audacities_protocol::entry::{EntryError, MAX_ENTRY_BYTES};
use audacities_tests::{TestHome, city, encode_line, entry, parse_line, relabel, sign_raw};
use serde_json::{Value, json};

/// A node that takes every validly signed city (`trust = "open"`), so that each bad input here
/// meets the check it is about rather than the trust policy (tests/tests/trust.rs covers that).
fn hub() -> TestHome {
    TestHome::new().trust_open()
}

fn rejected(verdict: &Verdict) -> &EntryError {
    match verdict {
        Verdict::Rejected(e) => e,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn valid_body() -> Value {
    entry(1, 0)
        .draft()
        .expect("a content entry")
        .value()
        .clone()
}

#[test]
fn an_oversized_line_is_refused_from_its_length_and_the_next_line_still_imports() {
    let node = hub();
    let mut bundle = vec![b'{'; MAX_ENTRY_BYTES + 1];
    bundle.push(b'\n');
    let good = entry(1, 1);
    bundle.extend_from_slice(good.bytes());
    let report = node.import_bundle(&bundle);
    assert_eq!(
        rejected(&report.verdicts[0]),
        &EntryError::TooLarge {
            len: MAX_ENTRY_BYTES + 1,
            max: MAX_ENTRY_BYTES
        }
    );
    assert_eq!(report.verdicts[1], Verdict::Accepted(good.id()));
    assert_eq!(node.count(), 1);
}

#[test]
fn an_entry_of_exactly_the_limit_plus_one_is_refused_by_decode_too() {
    let bytes = vec![b' '; MAX_ENTRY_BYTES + 1];
    assert!(matches!(
        audacities_protocol::Entry::decode(&bytes),
        Err(EntryError::TooLarge { len, .. }) if len == MAX_ENTRY_BYTES + 1
    ));
}

#[test]
fn a_bit_flipped_in_the_content_is_refused_and_the_genuine_copy_still_gets_in() {
    let node = hub();
    let genuine = entry(1, 2);
    let mut forged = parse_line(genuine.bytes());
    forged["body"]["place"]["name"] = json!("Napoli");
    let report = node.import(&[encode_line(&forged), genuine.bytes().to_vec()]);
    assert!(matches!(
        rejected(&report.verdicts[0]),
        EntryError::BodyHash { .. }
    ));
    assert_eq!(report.verdicts[1], Verdict::Accepted(genuine.id()));
}

#[test]
fn a_bit_flipped_in_the_signature_is_refused_and_the_genuine_copy_still_gets_in() {
    let node = hub();
    let genuine = entry(1, 3);
    let mut forged = parse_line(genuine.bytes());
    let sig = forged["sig"].as_str().unwrap().to_owned();
    let flipped = format!(
        "{}{}",
        if sig.starts_with('0') { '1' } else { '0' },
        &sig[1..]
    );
    forged["sig"] = json!(flipped);
    let report = node.import(&[encode_line(&forged), genuine.bytes().to_vec()]);
    assert!(matches!(
        rejected(&report.verdicts[0]),
        EntryError::BadSignature { .. }
    ));
    assert_eq!(report.verdicts[1], Verdict::Accepted(genuine.id()));
    assert_eq!(node.count(), 1);
}

#[test]
fn a_header_claiming_another_key_is_refused() {
    let node = hub();
    let genuine = entry(1, 4);
    // Another city's key in the header, id recomputed, signature still by city 1.
    let mut head = genuine.head().clone();
    head.signer = city(2).public();
    head.city = city(2).public();
    let forged = relabel(
        &city(1),
        head,
        genuine.draft().expect("a content entry").value().clone(),
    );
    // Changing the key without recomputing the id is caught by the id.
    let mut renamed = parse_line(genuine.bytes());
    renamed["head"]["signer"] = json!(city(2).public().to_string());
    renamed["head"]["city"] = json!(city(2).public().to_string());
    let report = node.import(&[forged, encode_line(&renamed), genuine.bytes().to_vec()]);
    assert!(matches!(
        rejected(&report.verdicts[0]),
        EntryError::BadSignature { .. }
    ));
    assert!(matches!(
        rejected(&report.verdicts[1]),
        EntryError::IdMismatch { .. }
    ));
    assert_eq!(report.verdicts[2], Verdict::Accepted(genuine.id()));
}

#[test]
fn a_non_canonical_signature_s_is_refused() {
    // S + L (the group order) verifies with lax checks but not with verify_strict.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let node = hub();
    let genuine = entry(1, 5);
    let mut sig = *genuine.signature();
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
        sig[32 + i] = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
    let mut forged = parse_line(genuine.bytes());
    forged["sig"] = json!(audacities_tests::hex(&sig));
    let report = node.import(&[encode_line(&forged)]);
    assert!(matches!(
        rejected(&report.verdicts[0]),
        EntryError::BadSignature { .. }
    ));
    assert_eq!(node.count(), 0);
}

#[test]
fn a_small_order_signer_key_is_refused_naming_the_field() {
    let node = hub();
    let mut line = parse_line(entry(1, 6).bytes());
    let mut identity = [0u8; 32];
    identity[0] = 1;
    line["head"]["signer"] = json!(audacities_tests::hex(&identity));
    let report = node.import(&[encode_line(&line)]);
    match rejected(&report.verdicts[0]) {
        EntryError::Shape { path, .. } => assert_eq!(path, "head.signer"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_claimed_id_that_is_not_the_hash_is_refused() {
    let node = hub();
    let genuine = entry(1, 7);
    let mut line = parse_line(genuine.bytes());
    line["id"] = json!(entry(1, 8).id().to_string());
    let report = node.import(&[encode_line(&line)]);
    match rejected(&report.verdicts[0]) {
        EntryError::IdMismatch { computed, .. } => assert_eq!(*computed, genuine.id()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_same_entry_in_a_non_canonical_encoding_is_refused() {
    let node = hub();
    let genuine = entry(1, 9);
    let pretty = serde_json::to_vec_pretty(&parse_line(genuine.bytes())).unwrap();
    let spaced = String::from_utf8(genuine.bytes().to_vec())
        .unwrap()
        .replacen(":", ": ", 1);
    let escaped = String::from_utf8(genuine.bytes().to_vec())
        .unwrap()
        .replacen("â", "\\u00e2", 1);
    let compact_pretty = String::from_utf8(pretty).unwrap().replace('\n', "");
    let report = node.import(&[
        spaced.into_bytes(),
        escaped.into_bytes(),
        compact_pretty.into_bytes(),
    ]);
    for verdict in &report.verdicts {
        assert_eq!(
            rejected(verdict),
            &EntryError::Canonical(CanonicalError::NotCanonical)
        );
    }
    assert_eq!(node.count(), 0);
}

#[test]
fn a_replayed_entry_is_a_duplicate_and_adds_no_row() {
    let node = hub();
    let genuine = entry(1, 10);
    let first = node.import(&[genuine.bytes().to_vec(), genuine.bytes().to_vec()]);
    assert_eq!(
        first.verdicts,
        vec![
            Verdict::Accepted(genuine.id()),
            Verdict::Duplicate(genuine.id())
        ]
    );
    let again = node.import(&[genuine.bytes().to_vec()]);
    assert_eq!(again.verdicts, vec![Verdict::Duplicate(genuine.id())]);
    assert_eq!(node.count(), 1);
}

#[test]
fn a_staff_key_without_a_delegation_is_refused() {
    let node = hub();
    let genuine = entry(1, 11);
    let mut head = genuine.head().clone();
    head.signer = city(3).public();
    let line = relabel(
        &city(3),
        head,
        genuine.draft().expect("a content entry").value().clone(),
    );
    let report = node.import(&[line]);
    assert!(matches!(
        rejected(&report.verdicts[0]),
        EntryError::Unauthorized(audacities_protocol::Unauthorized::NoDelegation { .. })
    ));
    assert_eq!(node.count(), 0);
}

#[test]
fn an_entry_from_far_in_the_future_is_refused_naming_the_clock() {
    let node = hub();
    let line = sign_raw(
        &city(1),
        "governance_practice",
        &valid_body(),
        now_ms() + 86_400_000,
    );
    let report = node.import(&[line]);
    assert!(matches!(
        rejected(&report.verdicts[0]),
        EntryError::FromTheFuture { .. }
    ));
    let message = rejected(&report.verdicts[0]).to_string();
    assert!(message.contains("head.created"), "{message}");
}

/// Each body is well signed but wrong; the error must name the field path.
#[test]
fn wrong_schemas_are_refused_naming_the_field_path() {
    let node = hub();
    let base = valid_body();
    let mut unknown_field = base.clone();
    unknown_field["colour"] = json!("blue");
    let mut nested_unknown = base.clone();
    nested_unknown["place"]["postcode"] = json!("80100");
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("instrument");
    let mut wrong_type = base.clone();
    wrong_type["themes"] = json!("public_space");
    let mut bad_country = base.clone();
    bad_country["place"]["country"] = json!("France");
    let cases: Vec<(&str, Value, &str)> = vec![
        ("governance_practice", unknown_field, "colour"),
        ("governance_practice", nested_unknown, "place"),
        ("governance_practice", missing, "instrument"),
        ("governance_practice", wrong_type, "themes"),
        ("governance_practice", bad_country, "place.country"),
    ];
    let lines: Vec<Vec<u8>> = cases
        .iter()
        .map(|(kind, body, _)| sign_raw(&city(1), kind, body, now_ms()))
        .collect();
    let report = node.import(&lines);
    for ((_, _, path), verdict) in cases.iter().zip(&report.verdicts) {
        let message = rejected(verdict).to_string();
        assert!(message.contains(path), "{path} not named in: {message}");
    }
    assert_eq!(node.count(), 0);
}

#[test]
fn an_unknown_kind_is_refused() {
    let node = hub();
    let mut body = valid_body();
    body["kind"] = json!("manifesto");
    let report = node.import(&[sign_raw(&city(1), "manifesto", &body, now_ms())]);
    assert_eq!(
        rejected(&report.verdicts[0]),
        &EntryError::UnknownKind("manifesto".into())
    );
}

#[test]
fn a_float_in_signed_content_is_refused_naming_the_path() {
    let node = hub();
    let mut body = valid_body();
    body["place"]["lat"] = json!(40.85);
    // Canonical JSON can encode the float; the protocol must still refuse it.
    let line = {
        let mut line = parse_line(&sign_raw(
            &city(1),
            "governance_practice",
            &valid_body(),
            now_ms(),
        ));
        line["body"] = body;
        serde_json_canonicalizer::to_vec(&line).unwrap()
    };
    let report = node.import(&[line]);
    assert_eq!(
        rejected(&report.verdicts[0]),
        &EntryError::Canonical(CanonicalError::Float {
            path: "body.place.lat".into()
        })
    );
}

#[test]
fn invalid_utf8_is_refused_and_the_next_line_imports() {
    let node = hub();
    let good = entry(1, 12);
    let mut bad = good.bytes().to_vec();
    let at = bad.iter().position(|&b| b == 0xc3).unwrap(); // the first byte of an accented letter
    bad[at] = 0xff;
    let report = node.import(&[bad, good.bytes().to_vec()]);
    assert!(matches!(
        rejected(&report.verdicts[0]),
        EntryError::Canonical(CanonicalError::Utf8 { .. })
    ));
    assert_eq!(report.verdicts[1], Verdict::Accepted(good.id()));
}

#[test]
fn random_bytes_are_refused_without_panicking() {
    let node = hub();
    let mut lines = Vec::new();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for n in 0..200 {
        let mut line = Vec::new();
        for _ in 0..(n * 7 % 300) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let b = (x & 0xff) as u8;
            line.push(if b == b'\n' { b' ' } else { b });
        }
        if !line.is_empty() && line[0] != b'#' && !line.trim_ascii().is_empty() {
            lines.push(line);
        }
    }
    let report = node.import(&lines);
    assert_eq!(report.rejected(), lines.len());
    assert_eq!(node.count(), 0);
}
