use audacities_protocol::{Draft, Entry, SecretKey, canonical};
use std::time::Instant;
fn main() {
    let text = std::fs::read_to_string("examples/01-case_study-fr.toml").unwrap();
    let draft = Draft::parse(&text, audacities_protocol::Format::Toml).unwrap();
    let e = Entry::sign(&draft, &SecretKey::from_bytes([1; 32]), 1, None).unwrap();
    let b = e.bytes().to_vec();
    println!("len {} canonical {}", b.len(), canonical::is_canonical(&b));
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let t = Instant::now();
    for _ in 0..n {
        Entry::decode(&b).unwrap();
    }
    println!(
        "decode {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let t = Instant::now();
    for _ in 0..n {
        canonical::parse(&b).unwrap();
    }
    println!(
        "canonical::parse {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let t = Instant::now();
    for _ in 0..n {
        let _: serde_json::Value = serde_json::from_slice(&b).unwrap();
    }
    println!(
        "serde parse {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let t = Instant::now();
    for _ in 0..n {
        canonical::to_bytes(&v).unwrap();
    }
    println!(
        "canonical::to_bytes {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let t = Instant::now();
    for _ in 0..n {
        serde_json_canonicalizer::to_vec(&v).unwrap();
    }
    println!(
        "jcs to_vec {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let body = v["body"].clone();
    let t = Instant::now();
    for _ in 0..n {
        Draft::from_value(body.clone()).unwrap();
    }
    println!(
        "Draft::from_value {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let pk = e.head().signer;
    let sig = *e.signature();
    let signed = audacities_protocol::entry::signed_bytes(e.head()).unwrap();
    let t = Instant::now();
    for _ in 0..n {
        assert!(pk.verify_strict(&signed, &sig));
    }
    println!(
        "verify_strict {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
#[allow(dead_code)]
fn _unused() {}
