//! End-to-end import benchmark: a 100,000-entry bundle file imported into a fresh home through
//! the bundle reader and the one ingest function (decode → verify → validate → store), then
//! full-text searches over the result.
//!
//! Run: `cargo bench -p audacities-node --bench ingest` (set `AUDACITIES_BENCH_N` for another size).

use std::io::{BufReader, Write};
use std::time::Instant;

use audacities_node::Home;
use audacities_node::bundle::Reader;
use audacities_node::config::TrustMode;
use audacities_node::ingest;
use audacities_node::store::Filter;
use audacities_node::trust::Policy;
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

/// A deterministic generator (xorshift), so every run imports the same bundle.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A skewed pick in `0..n`: small indexes are frequent, as words are in real text.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((u * u * u) * n as f64) as usize % n
    }
}

/// A vocabulary of 4,000 made-up words plus the domain words, like a real corpus.
fn vocabulary(domain: &[&str]) -> Vec<String> {
    const SYLLABLES: [&str; 20] = [
        "ra", "to", "mi", "sel", "der", "qua", "lo", "ven", "ti", "bu", "cor", "pa", "ne", "gri",
        "fa", "sto", "le", "mon", "du", "ch",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut words: Vec<String> = (0..4000)
        .map(|_| {
            let n = 2 + rng.next() % 3;
            (0..n)
                .map(|_| SYLLABLES[(rng.next() % 20) as usize])
                .collect()
        })
        .collect();
    // Domain words at ranks 100–124: common enough to be found, not in every entry.
    for (i, w) in domain.iter().enumerate() {
        words.insert(100 + i, (*w).to_owned());
    }
    words
}

fn words(vocabulary: &[String], rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| vocabulary[rng.skewed(vocabulary.len())].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A governance practice of about 2 KB signed, in French and English.
fn draft(i: u64, fr: &[String], en: &[String]) -> Draft {
    let mut rng = Rng(i.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
    let value = json!({
        "kind": "governance_practice",
        "lang": if i.is_multiple_of(2) { "fr" } else { "en" },
        "licence": "CC-BY-4.0",
        "themes": [THEMES[(i % 6) as usize], THEMES[((i / 6 % 5) + 1 + i % 6) as usize % 6]],
        "object_kind": "shared_space",
        "instrument": "regulation",
        "title": {"fr": format!("{} n°{i}", words(fr, &mut rng, 6)), "en": format!("{} no. {i}", words(en, &mut rng, 6))},
        "summary": {"fr": words(fr, &mut rng, 30), "en": words(en, &mut rng, 30)},
        "body": {"fr": words(fr, &mut rng, 45), "en": words(en, &mut rng, 45)},
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
    let fr = vocabulary(&WORDS_FR);
    let en = vocabulary(&WORDS_EN);
    let keys: Vec<SecretKey> = (1..=8u8).map(|s| SecretKey::from_bytes([s; 32])).collect();
    let mut bundle = std::io::BufWriter::new(std::fs::File::create(&bundle_path).expect("bundle"));
    let mut bytes = 0usize;
    for i in 0..n {
        let entry = Entry::sign(
            &draft(i, &fr, &en),
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
    // Open: the bundle's cities are not on this home's trust list; a hub takes them all.
    let policy = Policy::load(TrustMode::Open, home.city(), home.store()).expect("policy");
    let report = ingest::ingest(home.store(), &policy, items).expect("import");
    let stored = started.elapsed().as_secs_f64();
    assert_eq!(report.accepted() as u64, n, "every entry accepted");
    let indexed = home.store().finish_indexing().expect("index");
    let secs = started.elapsed().as_secs_f64();
    println!(
        "import, stored: {n} entries in {stored:.2} s = {:.0} entries/s (decode + verify_strict + validate + SQLite)",
        n as f64 / stored
    );
    println!(
        "import, stored and searchable: {n} entries in {secs:.2} s = {:.0} entries/s (+ FTS5 indexing of {indexed} after the writes)",
        n as f64 / secs
    );

    if std::env::var("AUDACITIES_BENCH_KEEP").is_ok() {
        println!("kept: {}", dir.keep().display());
    }
    // Words found in 5–15 % of entries (the domain words sit high in the vocabulary), and
    // words found in under 1 %, as most searches of a real commons are.
    let frequent: Vec<String> = [
        "deliberations",
        "seoul",
        "communs mobilite",
        "scooters regulation",
        "habitants",
        "NAPLES budget",
        "energie",
        "données",
    ]
    .iter()
    .map(|q| q.to_string())
    .collect();
    let rare: Vec<String> = (0..8)
        .map(|i| fr[1500 + 97 * i].clone())
        .chain((0..4).map(|i| format!("{} {}", fr[400 + i], fr[900 + 13 * i])))
        .collect();
    for (label, queries) in [("frequent words", frequent), ("rare words", rare)] {
        let mut times = Vec::new();
        let mut found = 0;
        for _round in 0..25 {
            for q in &queries {
                let filter = Filter {
                    limit: 20,
                    ..Filter::default()
                };
                let t = Instant::now();
                let hits = home.store().search(q, &filter).expect("search");
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                found += hits.len();
            }
        }
        assert!(found > 0, "{label}: nothing found");
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
        println!(
            "search over {n} entries, {label} (top 20, bm25, snippets): median {median:.2} ms, p99 {p99:.2} ms ({} queries)",
            times.len()
        );
    }
}
