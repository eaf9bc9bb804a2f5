//! End-to-end import benchmark: a 100,000-entry bundle file imported into a fresh home through
//! the bundle reader and the one ingest function (decode → verify → validate → store), then
//! full-text searches over the result.
//!
//! Run: `cargo bench -p audacities-node --bench ingest` (set `AUDACITIES_BENCH_N` for another size).

use std::io::{BufReader, Write};
use std::time::Instant;

use audacities_node::Home;
use audacities_node::bundle::Reader;
use audacities_node::ingest;
use audacities_node::store::Filter;
use audacities_protocol::{Draft, Entry, SecretKey};
use serde_json::json;

const WORDS_FR: [&str; 24] = [
    "délibérations",
    "communs",
    "mobilité",
    "plateforme",
    "données",
    "quartier",
    "habitants",
    "régulation",
    "logement",
    "trottinettes",
    "capteurs",
    "participation",
    "budget",
    "espace",
    "public",
    "tourisme",
    "location",
    "courte",
    "durée",
    "Séoul",
    "Naples",
    "Lyon",
    "énergie",
    "école",
];
const WORDS_EN: [&str; 24] = [
    "deliberations",
    "commons",
    "mobility",
    "platform",
    "data",
    "neighbourhood",
    "residents",
    "regulation",
    "housing",
    "scooters",
    "sensors",
    "participation",
    "budget",
    "space",
    "public",
    "tourism",
    "rental",
    "short",
    "term",
    "Seoul",
    "Naples",
    "Lyon",
    "energy",
    "school",
];
const THEMES: [&str; 6] = [
    "mobility",
    "housing",
    "tourism",
    "public_space",
    "participation",
    "data_digital",
];

fn words(list: &[&str], seed: u64, n: usize) -> String {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            list[(x % list.len() as u64) as usize]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn draft(i: u64) -> Draft {
    let value = json!({
        "kind": "governance_practice",
        "lang": if i % 2 == 0 { "fr" } else { "en" },
        "licence": "CC-BY-4.0",
        "themes": [THEMES[(i % 6) as usize], THEMES[((i / 6 % 5) + 1 + i % 6) as usize % 6]],
        "object_kind": "shared_space",
        "instrument": "regulation",
        "title": {"fr": format!("{} n°{i}", words(&WORDS_FR, i, 6)), "en": format!("{} no. {i}", words(&WORDS_EN, i, 6))},
        "summary": {"fr": words(&WORDS_FR, i + 1, 60), "en": words(&WORDS_EN, i + 1, 60)},
        "body": {"fr": words(&WORDS_FR, i + 2, 90), "en": words(&WORDS_EN, i + 2, 90)},
        "place": {"name": "Naples", "country": "IT"},
    });
    match Draft::from_value(value) {
        Ok(d) => d,
        Err(e) => panic!("bench draft invalid: {e}"),
    }
}

fn main() {
    let n: u64 = std::env::var("AUDACITIES_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let bundle_path = dir.path().join("commons.bundle");

    let started = Instant::now();
    let keys: Vec<SecretKey> = (1..=8u8).map(|s| SecretKey::from_bytes([s; 32])).collect();
    let mut bundle = std::io::BufWriter::new(std::fs::File::create(&bundle_path).expect("bundle"));
    let mut bytes = 0usize;
    for i in 0..n {
        let entry = Entry::sign(
            &draft(i),
            &keys[(i % 8) as usize],
            1_700_000_000_000 + i,
            None,
        )
        .expect("sign");
        bytes += entry.bytes().len() + 1;
        bundle.write_all(entry.bytes()).expect("write");
        bundle.write_all(b"\n").expect("write");
    }
    bundle.flush().expect("flush");
    drop(bundle);
    println!(
        "generated {n} signed entries ({:.1} MB, mean {} B/entry) in {:.1} s",
        bytes as f64 / 1e6,
        bytes / n.max(1) as usize,
        started.elapsed().as_secs_f64()
    );

    // Decode + verify + validate alone, on this thread, to see the split with the store.
    let file = std::fs::File::open(&bundle_path).expect("open bundle");
    let started = Instant::now();
    let mut checked = 0u64;
    for line in Reader::new(BufReader::with_capacity(1 << 20, file)) {
        let bytes = line.expect("read").item.expect("line");
        ingest::check(&bytes, u64::MAX / 2).expect("valid");
        checked += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "check only (one thread): {checked} entries in {secs:.2} s = {:.0} entries/s",
        checked as f64 / secs
    );

    let home = Home::init(&dir.path().join("home"), "Bench", "FR").expect("home");
    let file = std::fs::File::open(&bundle_path).expect("open bundle");
    let started = Instant::now();
    let items = Reader::new(BufReader::with_capacity(1 << 20, file)).map(|l| l.expect("read").item);
    let report = ingest::ingest(home.store(), items).expect("import");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(report.accepted() as u64, n, "every entry accepted");
    println!(
        "import: {n} entries in {secs:.2} s = {:.0} entries/s (decode + verify_strict + validate + SQLite/FTS5)",
        n as f64 / secs
    );

    let queries = [
        "deliberations",
        "seoul",
        "communs mobilite",
        "scooters regulation",
        "habitants",
        "NAPLES budget",
        "energie",
        "données",
    ];
    let mut times = Vec::new();
    for _round in 0..25 {
        for q in queries {
            let t = Instant::now();
            let hits = home
                .store()
                .search(
                    q,
                    &Filter {
                        limit: 20,
                        ..Filter::default()
                    },
                )
                .expect("search");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(!hits.is_empty(), "{q}");
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    println!(
        "search over {n} entries (top 20, bm25, snippets): median {median:.2} ms, p99 {p99:.2} ms ({} queries)",
        times.len()
    );
}
