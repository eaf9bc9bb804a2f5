//! Prints the test vectors of `SPEC.md` §7 from their inputs:
//! `cargo run -p audacities-protocol --example spec_vectors`.

use audacities_protocol::{Act, Body, Draft, Entry, PublicKey, SecretKey, canonical, entry};

/// (name, seed byte, city seed byte (the signer's own when equal), created ms, body JSON)
pub const INPUTS: [(&str, u8, u8, u64, &str); 12] = [
    (
        "actor-fr",
        1,
        1,
        1_764_000_000_000,
        r#"{"actor_category":"citizen_commons","kind":"actor","lang":"fr","licence":"CC-BY-4.0","sector":"non_profit","themes":["participation","public_space"],"title":{"en":"Ex Asilo Filangieri community","fr":"Communauté de l'Ex Asilo Filangieri"}}"#,
    ),
    (
        "indicator-en",
        2,
        2,
        1_764_000_000_001,
        r#"{"code":"LOCAL-STR-1","computation":{"en":"Listings with a registration number / all listings"},"definition":{"en":"Share of short-term rental listings showing a valid registration number"},"framework":"local","kind":"indicator","lang":"en","licence":"CC0-1.0","observations":[{"area":"Paris","period":"2024","value":"0.62"}],"themes":["housing","tourism"],"title":{"en":"Registered short-term rentals","fr":"Meublés de tourisme enregistrés"},"unit":"ratio"}"#,
    ),
    (
        "delegation",
        1,
        1,
        1_764_000_000_002,
        r#"{"delegate":"8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394","kind":"delegation","kinds":["actor","case_study"],"label":"Service innovation","until":1830297599999}"#,
    ),
    (
        "staff-actor",
        2,
        1,
        1_764_000_000_003,
        r#"{"actor_category":"citizen_commons","kind":"actor","lang":"en","licence":"CC-BY-4.0","sector":"non_profit","themes":["participation"],"title":{"en":"Neighbourhood assembly of La Duchère"}}"#,
    ),
    (
        "city-profile",
        1,
        1,
        1_764_000_000_004,
        r#"{"contact":"innovation@example.org","country":"FR","kind":"city_profile","languages":["fr","en"],"name":"Lyon","website":"https://www.lyon.fr"}"#,
    ),
    (
        "revocation",
        1,
        1,
        1_764_000_000_005,
        r#"{"key":"8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394","kind":"revocation","since":1763900000000}"#,
    ),
    (
        "rotation",
        1,
        1,
        1_764_000_000_006,
        r#"{"kind":"rotation","new_key":"8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394"}"#,
    ),
    (
        "retraction",
        1,
        1,
        1_764_000_000_007,
        r#"{"doc":"958d456fc6b8c30073c1ce95072e06046565e5e38e5247067acc2d253963e2b0","kind":"retraction","reason":"Published by mistake"}"#,
    ),
    (
        "erasure-receipt",
        2,
        2,
        1_764_000_000_008,
        r#"{"doc":"958d456fc6b8c30073c1ce95072e06046565e5e38e5247067acc2d253963e2b0","kind":"erasure_receipt","retraction":"3086d69fc4c84349b72441ba91e7d538b90a97dc6aeaad89e7401c4c61b14354"}"#,
    ),
    (
        "endorsement",
        2,
        2,
        1_764_000_000_009,
        r#"{"adopted":true,"doc":"958d456fc6b8c30073c1ce95072e06046565e5e38e5247067acc2d253963e2b0","kind":"endorsement","note":"Adopted for our own public buildings"}"#,
    ),
    (
        "vouch",
        2,
        2,
        1_764_000_000_010,
        r#"{"city":"8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c","kind":"vouch"}"#,
    ),
    (
        "translation",
        2,
        2,
        1_764_000_000_011,
        r#"{"kind":"translation","lang":"it","of":"958d456fc6b8c30073c1ce95072e06046565e5e38e5247067acc2d253963e2b0","summary":"Un edificio pubblico gestito come bene comune.","title":"La comunità dell'Ex Asilo Filangieri"}"#,
    ),
];

fn main() {
    for (name, seed, city_seed, created, body) in INPUTS {
        let value: serde_json::Value = serde_json::from_str(body).expect("vector body is JSON");
        let body_kind = value["kind"].as_str().unwrap_or_default().to_owned();
        let parsed = if audacities_protocol::ActKind::parse(&body_kind).is_some() {
            Body::Act(Act::from_value(value).expect("vector body is a valid act"))
        } else {
            Body::Draft(Draft::from_value(value).expect("vector body is a valid draft"))
        };
        let key = SecretKey::from_bytes([seed; 32]);
        let city: PublicKey = SecretKey::from_bytes([city_seed; 32]).public();
        let e = Entry::sign_for(parsed, &key, city, created, None).expect("sign");
        let head =
            canonical::to_bytes(&serde_json::to_value(e.head()).expect("head")).expect("head");
        let signed = entry::signed_bytes(e.head()).expect("signed");
        println!("```vector");
        println!("name: {name}");
        println!("seed: {}", hex::encode([seed; 32]));
        println!("public_key: {}", key.public());
        if city != key.public() {
            println!("city: {city}");
        }
        println!("created: {created}");
        println!("body: {body}");
        println!("body_hash: {}", e.head().body_hash);
        println!("head: {}", String::from_utf8_lossy(&head));
        println!("signed_bytes_hex: {}", hex::encode(&signed));
        println!("id: {}", e.id());
        println!("sig: {}", hex::encode(e.signature()));
        println!("line: {}", String::from_utf8_lossy(e.bytes()));
        println!("```");
        println!();
    }
}
