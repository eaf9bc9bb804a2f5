//! Property tests of the signed entry (shared/RELIABILITY.md item 1): what is decoded is what
//! was put in — compared with the generated *input* values — and no single-byte change of a
//! valid entry is ever accepted.

use audacities_protocol::{Draft, Entry, SecretKey};
use proptest::prelude::*;
use serde_json::json;

const THEMES: [&str; 5] = ["mobility", "housing", "tourism", "public_space", "health"];

fn text() -> impl Strategy<Value = String> {
    // Any printable text, accents, scripts and quotes included; never blank.
    "[a-zA-Zéèàçœ한국어\"\\\\ '<>&0-9]{0,40}[a-zé한]".prop_map(|s| s)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn decode_returns_the_input(
        seed in any::<[u8; 32]>(),
        created in 0u64..(1u64 << 53),
        title_fr in text(),
        title_en in text(),
        tags in proptest::collection::vec("[a-z]{1,12}", 0..4),
        theme_mask in 1u8..32,
    ) {
        let themes: Vec<&str> = THEMES
            .iter()
            .enumerate()
            .filter(|(i, _)| theme_mask & (1 << i) != 0)
            .map(|(_, t)| *t)
            .collect();
        let mut body = json!({
            "kind": "actor",
            "lang": "fr",
            "licence": "CC0-1.0",
            "title": {"fr": title_fr, "en": title_en},
            "themes": themes,
            "actor_category": "civic_tech",
            "sector": "non_profit",
        });
        if !tags.is_empty() {
            body["tags"] = json!(tags);
        }
        let key = SecretKey::from_bytes(seed);
        let draft = Draft::from_value(body).unwrap();
        let entry = Entry::sign(&draft, &key, created, None).unwrap();
        let decoded = Entry::decode(entry.bytes()).unwrap();

        prop_assert_eq!(decoded.head().created, created);
        prop_assert_eq!(decoded.head().signer, key.public());
        prop_assert_eq!(decoded.head().kind.as_str(), "actor");
        prop_assert_eq!(decoded.draft().expect("a content entry").title().get("fr"), Some(&title_fr));
        prop_assert_eq!(decoded.draft().expect("a content entry").title().get("en"), Some(&title_en));
        prop_assert_eq!(decoded.draft().expect("a content entry").themes(), themes);
        prop_assert_eq!(decoded.draft().expect("a content entry").tags(), tags.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(decoded.id(), entry.id());
    }

    #[test]
    fn no_single_byte_change_is_accepted(position in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let draft = audacities_tests::draft(1);
        let entry = Entry::sign(&draft, &SecretKey::from_bytes([5; 32]), 1_700_000_000_000, None).unwrap();
        let mut bytes = entry.bytes().to_vec();
        let at = position.index(bytes.len());
        bytes[at] ^= flip;
        prop_assert!(Entry::decode(&bytes).is_err(), "byte {} xor {} was accepted", at, flip);
    }
}
