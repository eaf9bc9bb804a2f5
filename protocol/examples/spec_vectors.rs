//! Prints the test vectors of `SPEC.md` §7 from their inputs:
//! `cargo run -p audacities-protocol --example spec_vectors`.

use audacities_protocol::{Draft, Entry, SecretKey, canonical, entry};

/// (name, seed byte, created ms, body JSON)
pub const INPUTS: [(&str, u8, u64, &str); 2] = [
    (
        "actor-fr",
        1,
        1_764_000_000_000,
        r#"{"actor_category":"citizen_commons","kind":"actor","lang":"fr","licence":"CC-BY-4.0","sector":"non_profit","themes":["participation","public_space"],"title":{"en":"Ex Asilo Filangieri community","fr":"Communauté de l'Ex Asilo Filangieri"}}"#,
    ),
    (
        "indicator-en",
        2,
        1_764_000_000_001,
        r#"{"code":"LOCAL-STR-1","computation":{"en":"Listings with a registration number / all listings"},"definition":{"en":"Share of short-term rental listings showing a valid registration number"},"framework":"local","kind":"indicator","lang":"en","licence":"CC0-1.0","observations":[{"area":"Paris","period":"2024","value":"0.62"}],"themes":["housing","tourism"],"title":{"en":"Registered short-term rentals","fr":"Meublés de tourisme enregistrés"},"unit":"ratio"}"#,
    ),
];

fn main() {
    for (name, seed, created, body) in INPUTS {
        let value: serde_json::Value = serde_json::from_str(body).expect("vector body is JSON");
        let draft = Draft::from_value(value).expect("vector body is a valid draft");
        let key = SecretKey::from_bytes([seed; 32]);
        let e = Entry::sign(&draft, &key, created, None).expect("sign");
        let head =
            canonical::to_bytes(&serde_json::to_value(e.head()).expect("head")).expect("head");
        let signed = entry::signed_bytes(e.head()).expect("signed");
        println!("```vector");
        println!("name: {name}");
        println!("seed: {}", hex::encode([seed; 32]));
        println!("public_key: {}", key.public());
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
