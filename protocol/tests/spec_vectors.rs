//! Checks the test vectors printed in `protocol/SPEC.md` §7: every value is recomputed from the
//! seed, the time and the body, and compared with the text of the specification.

use std::collections::BTreeMap;

use audacities_protocol::{
    Act, ActKind, Body, Draft, Entry, PublicKey, SecretKey, canonical, entry,
};

const SPEC: &str = include_str!("../SPEC.md");

fn vectors() -> Vec<BTreeMap<String, String>> {
    let mut out = Vec::new();
    let mut current: Option<BTreeMap<String, String>> = None;
    for line in SPEC.lines() {
        match (line.trim(), current.as_mut()) {
            ("```vector", None) => current = Some(BTreeMap::new()),
            ("```", Some(_)) => out.extend(current.take()),
            (text, Some(fields)) => {
                let (name, value) = text.split_once(": ").expect("name: value");
                fields.insert(name.to_owned(), value.to_owned());
            }
            _ => {}
        }
    }
    out
}

fn unhex32(s: &str) -> [u8; 32] {
    let bytes = hex::decode(s).expect("hex");
    bytes.try_into().expect("32 bytes")
}

#[test]
fn the_specification_has_vectors_and_each_one_holds() {
    let vectors = vectors();
    assert!(vectors.len() >= 4, "SPEC.md §7 lists its vectors");
    for kind in ActKind::ALL {
        assert!(
            vectors
                .iter()
                .any(|v| v["body"].contains(&format!("\"kind\":\"{}\"", kind.as_str()))),
            "a vector for the act {kind}"
        );
    }
    assert!(
        vectors.iter().any(|v| v.contains_key("city")),
        "one vector is signed by a staff key for its city"
    );
    for v in vectors {
        let name = &v["name"];
        let key = SecretKey::from_bytes(unhex32(&v["seed"]));
        assert_eq!(
            key.public().to_string(),
            v["public_key"],
            "{name}: public key"
        );
        let body: serde_json::Value = serde_json::from_str(&v["body"]).expect("body");
        assert_eq!(
            canonical::to_bytes(&body).unwrap(),
            v["body"].as_bytes(),
            "{name}: body is canonical"
        );
        let kind = body["kind"].as_str().unwrap_or_default().to_owned();
        let body = if ActKind::parse(&kind).is_some() {
            Body::Act(Act::from_value(body).expect("valid act"))
        } else {
            Body::Draft(Draft::from_value(body).expect("valid body"))
        };
        let city: PublicKey = v
            .get("city")
            .map_or(key.public(), |c| c.parse().expect("city key"));
        let created: u64 = v["created"].parse().expect("created");
        let signed = Entry::sign_for(body, &key, city, created, None).expect("sign");

        assert_eq!(
            signed.head().body_hash.to_string(),
            v["body_hash"],
            "{name}: body_hash"
        );
        let head = canonical::to_bytes(&serde_json::to_value(signed.head()).unwrap()).unwrap();
        assert_eq!(String::from_utf8(head).unwrap(), v["head"], "{name}: head");
        let signed_bytes = entry::signed_bytes(signed.head()).unwrap();
        assert_eq!(
            hex::encode(&signed_bytes),
            v["signed_bytes_hex"],
            "{name}: signed bytes"
        );
        assert!(signed_bytes.starts_with(b"audacities/entry/v1\n"));
        assert_eq!(signed.id().to_string(), v["id"], "{name}: id");
        assert_eq!(hex::encode(signed.signature()), v["sig"], "{name}: sig");
        assert_eq!(
            String::from_utf8(signed.bytes().to_vec()).unwrap(),
            v["line"],
            "{name}: line"
        );

        // And the line, as printed, decodes and verifies.
        let decoded = Entry::decode(v["line"].as_bytes()).expect("the printed line verifies");
        assert_eq!(decoded.id().to_string(), v["id"]);
        assert_eq!(decoded.head().created, created);
    }
}
