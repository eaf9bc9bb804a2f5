//! Store benchmark: 100,000 realistic signed entries (nine kinds, French and English, ~2 KB
//! bodies, a Zipf-distributed vocabulary of ~15,000 words per language so that words have the
//! document frequencies of real text), generated once and reused for every measurement:
//!
//! (a) `Store::insert` in batches of 10,000 into a fresh file, then the full-text indexing that
//!     follows it; and, on a second fresh file, the same with indexing finished after each batch
//!     (what a store that indexes inside the insert transaction would cost);
//! (b) `Store::search` of several queries of different selectivity, median and p99;
//! (c) `Store::get`, `Store::resolve` and `Store::list` latency (a round trip to the store thread).
//!
//! Run in release: `cargo bench -p audacities-node --bench store`
//! (`AUDACITIES_BENCH_N=20000` for a quicker run).

use std::time::{Duration, Instant};

use audacities_node::store::{Filter, Store};
use audacities_protocol::id::Prefix;
use audacities_protocol::model::Kind;
use audacities_protocol::{Draft, Entry, Id, SecretKey};
use serde_json::{Value, json};

/// The allocator of the `audacities` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BATCH: usize = 10_000;

// ---------------------------------------------------------------------------------------------
// Text generation

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const STOP_FR: &[&str] = &[
    "de", "la", "le", "et", "les", "des", "à", "en", "du", "un", "une", "pour", "dans", "que",
    "qui", "par", "sur", "est", "au", "avec", "plus", "ne", "pas", "son", "sont", "aux",
];
const STOP_EN: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "for", "is", "on", "that", "by", "with", "as", "are",
    "from", "this", "be", "at", "or", "it", "an", "was", "which", "their", "its", "not",
];
/// Civic words, spread over the frequency ranks 40–4,000 (≈ 0.3–20 % of entries each).
const TOPIC_FR: &[&str] = &[
    "ville",
    "habitants",
    "quartier",
    "données",
    "plateforme",
    "mobilité",
    "logement",
    "délibérations",
    "citoyens",
    "participation",
    "budget",
    "participatif",
    "espace",
    "public",
    "communs",
    "gouvernance",
    "régulation",
    "tourisme",
    "location",
    "meublés",
    "trottinettes",
    "vélos",
    "capteurs",
    "qualité",
    "air",
    "énergie",
    "école",
    "santé",
    "culture",
    "sécurité",
    "numérique",
    "carte",
    "réseau",
    "opérateur",
    "contrat",
    "marché",
    "élus",
    "association",
    "coopérative",
    "métropole",
    "Séoul",
    "Barcelone",
    "Naples",
    "Montréal",
    "Lyon",
    "Bologne",
    "livraison",
    "commerce",
    "proximité",
    "sociabilité",
    "mesure",
    "indicateur",
    "scénario",
    "pratique",
    "acteur",
    "tension",
    "conflit",
    "coopération",
    "compétence",
    "méthode",
    "observation",
    "recommandation",
    "levier",
    "preuve",
    "assemblée",
    "tirage",
    "sort",
    "consultation",
    "votation",
    "stationnement",
    "piétons",
    "rue",
    "école",
    "chaleur",
    "arbres",
    "inondation",
    "bruit",
    "nuit",
    "loyers",
    "expulsions",
    "algorithme",
    "transparence",
    "ouvertes",
    "licence",
    "partage",
    "économie",
    "emploi",
    "inclusion",
    "numérique",
    "fracture",
];
const TOPIC_EN: &[&str] = &[
    "city",
    "residents",
    "neighbourhood",
    "data",
    "platform",
    "mobility",
    "housing",
    "deliberations",
    "citizens",
    "participation",
    "budget",
    "participatory",
    "space",
    "public",
    "commons",
    "governance",
    "regulation",
    "tourism",
    "rental",
    "listings",
    "scooters",
    "bikes",
    "sensors",
    "quality",
    "air",
    "energy",
    "school",
    "health",
    "culture",
    "safety",
    "digital",
    "map",
    "network",
    "operator",
    "contract",
    "market",
    "councillors",
    "association",
    "cooperative",
    "metropolis",
    "Seoul",
    "Barcelona",
    "Naples",
    "Montreal",
    "Lyon",
    "Bologna",
    "delivery",
    "retail",
    "proximity",
    "sociability",
    "measurement",
    "indicator",
    "scenario",
    "practice",
    "actor",
    "tension",
    "conflict",
    "cooperation",
    "skill",
    "method",
    "observation",
    "recommendation",
    "lever",
    "evidence",
    "assembly",
    "lottery",
    "sortition",
    "consultation",
    "referendum",
    "parking",
    "pedestrians",
    "street",
    "heat",
    "trees",
    "flooding",
    "noise",
    "night",
    "rents",
    "evictions",
    "algorithm",
    "transparency",
    "open",
    "licence",
    "sharing",
    "economy",
    "jobs",
    "inclusion",
    "divide",
    "curfew",
    "sidewalk",
    "kerb",
    "tenants",
];
const SYLLABLES_FR: &[&str] = &[
    "ré", "mé", "tion", "ca", "lo", "pé", "gou", "ver", "nan", "ce", "é", "qui", "té", "mo", "bi",
    "li", "dé", "pro", "sa", "tè", "me", "ri", "va", "ge", "ment", "con", "tra", "ble", "pu", "ci",
    "vil", "lé", "ça", "re", "na", "eau", "ois", "eur", "ain", "oir",
];
const SYLLABLES_EN: &[&str] = &[
    "re", "ten", "tion", "ca", "lo", "per", "gov", "ern", "ance", "mo", "bil", "ity", "de", "pro",
    "sa", "ment", "con", "tra", "ble", "pub", "lic", "ci", "ty", "ing", "er", "al", "net", "work",
    "ward", "ship", "ness", "in", "ex", "st", "ough", "ight", "ous", "ive",
];

/// A language's vocabulary with Zipf weights (s = 1): rank r has weight 1 / (r + 2.7).
struct Vocab {
    words: Vec<String>,
    cdf: Vec<f64>,
}

impl Vocab {
    fn new(stop: &[&str], topic: &[&str], syllables: &[&str], size: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut words: Vec<String> = stop.iter().map(|s| s.to_string()).collect();
        let mut seen: std::collections::HashSet<String> =
            stop.iter().chain(topic).map(|s| s.to_lowercase()).collect();
        let mut topic = topic.iter();
        while words.len() < size {
            // One topical word every ~40 ranks from rank 40 on.
            if words.len() >= 40
                && rng.below(40) == 0
                && let Some(w) = topic.next()
            {
                words.push(w.to_string());
                continue;
            }
            let mut w = String::new();
            for _ in 0..2 + rng.below(3) {
                w.push_str(syllables[rng.below(syllables.len())]);
            }
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut acc = 0.0;
        let cdf = (0..words.len())
            .map(|r| {
                acc += 1.0 / (r as f64 + 2.7);
                acc
            })
            .collect();
        Vocab { words, cdf }
    }

    fn word(&self, rng: &mut Rng) -> &str {
        let total = self.cdf[self.cdf.len() - 1];
        let x = rng.unit() * total;
        let i = self.cdf.partition_point(|&c| c < x);
        &self.words[i.min(self.words.len() - 1)]
    }

    /// About `chars` characters of text, in sentences.
    fn text(&self, rng: &mut Rng, chars: usize) -> String {
        let mut out = String::with_capacity(chars + 16);
        let mut sentence = 0;
        while out.len() < chars {
            let w = self.word(rng);
            if sentence == 0 {
                let mut c = w.chars();
                if let Some(first) = c.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(c.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(w);
            }
            sentence += 1;
            if sentence > 8 && rng.below(10) == 0 {
                out.push_str(". ");
                sentence = 0;
            }
        }
        out.truncate(out.trim_end().len());
        out.push('.');
        out
    }
}

struct Langs {
    fr: Vocab,
    en: Vocab,
}

impl Langs {
    /// A text of `min` to `min + spread` characters in `lang`, or in French and English.
    fn lstr(&self, rng: &mut Rng, lang: &str, both: bool, min: usize, spread: usize) -> Value {
        let chars = min + rng.below(spread);
        let mut m = serde_json::Map::new();
        if both || lang == "fr" {
            m.insert("fr".into(), Value::String(self.fr.text(rng, chars)));
        }
        if both || lang == "en" {
            m.insert("en".into(), Value::String(self.en.text(rng, chars)));
        }
        Value::Object(m)
    }
}

const THEMES: [&str; 16] = audacities_protocol::model::THEMES;

fn hex_id(rng: &mut Rng) -> String {
    (0..4).map(|_| format!("{:016x}", rng.next())).collect()
}

/// One realistic draft of kind `kind`: bilingual title and summary, a 1–2 KB body in the
/// original language, the kind's required fields with generated texts.
fn draft(langs: &Langs, rng: &mut Rng, kind: Kind) -> Draft {
    let lang = if rng.below(2) == 0 { "fr" } else { "en" };
    let title = {
        let mut m = serde_json::Map::new();
        for l in ["fr", "en"] {
            let v = if l == "fr" { &langs.fr } else { &langs.en };
            let chars = 40 + rng.below(50);
            let mut t = v.text(rng, chars);
            t.pop(); // no final full stop in a title
            m.insert(l.into(), Value::String(t));
        }
        Value::Object(m)
    };
    let mut themes: Vec<&str> = (0..1 + rng.below(3))
        .map(|_| THEMES[rng.below(16)])
        .collect();
    themes.sort();
    themes.dedup();
    let tags: Vec<String> = (0..rng.below(4))
        .map(|_| langs.fr.word(rng).to_owned())
        .collect();
    let mut v = json!({
        "kind": kind.as_str(),
        "lang": lang,
        "licence": "CC-BY-4.0",
        "themes": themes,
        "tags": tags,
        "title": title,
        "summary": langs.lstr(rng, lang, true, 120, 120),
        "body": langs.lstr(rng, lang, false, 600, 700),
        "place": {"name": "Lyon", "country": "FR", "lat": "45.7640", "lon": "4.8357"},
    });
    let short = |rng: &mut Rng| langs.lstr(rng, lang, false, 60, 60);
    let extra = match kind {
        Kind::CaseStudy => json!({
            "case_kind": "instance", "problem": short(rng), "innovation": short(rng),
        }),
        Kind::Scenario => json!({
            "scenario_kind": "exploratory", "focal_question": short(rng), "premise": short(rng),
            "narrative": short(rng), "horizon_year": 2040, "governance_questions": [short(rng)],
        }),
        Kind::GovernancePractice => {
            json!({"object_kind": "shared_space", "instrument": "regulation"})
        }
        Kind::Actor => json!({"actor_category": "civic_tech", "sector": "non_profit"}),
        Kind::ActorRelation => json!({
            "subject": hex_id(rng), "object": hex_id(rng), "relation_kind": "partnership",
            "valence": "cooperation", "meeting_points": [short(rng)],
        }),
        Kind::Skill => {
            json!({"skill_kind": "role", "description": short(rng), "examples": [short(rng)]})
        }
        Kind::Method => {
            json!({"method_type": "survey", "purpose": short(rng), "steps": [short(rng), short(rng)]})
        }
        Kind::Indicator => json!({
            "code": format!("LOC-{}", rng.below(1000)), "framework": "local",
            "definition": short(rng), "computation": short(rng), "unit": "%",
            "observations": [{"area": "Lyon", "period": "2024", "value": "12.5"}],
        }),
        Kind::Recommendation => json!({
            "recommendation": short(rng), "rationale": short(rng),
            "audience": ["city_administration"], "lever": "open_data", "evidence": [hex_id(rng)],
        }),
    };
    if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
        m.extend(e);
    }
    match Draft::from_value(v) {
        Ok(d) => d,
        Err(e) => panic!("bench draft of kind {kind} is invalid: {e}"),
    }
}

fn generate(n: usize) -> Vec<Entry> {
    let langs = Langs {
        fr: Vocab::new(STOP_FR, TOPIC_FR, SYLLABLES_FR, 15_000, 1),
        en: Vocab::new(STOP_EN, TOPIC_EN, SYLLABLES_EN, 15_000, 2),
    };
    let keys: Vec<SecretKey> = (1..=12u8).map(|s| SecretKey::from_bytes([s; 32])).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let per = n.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (langs, keys) = (&langs, &keys);
                s.spawn(move || {
                    let mut rng = Rng::new(1000 + t as u64);
                    let lo = t * per;
                    let hi = ((t + 1) * per).min(n);
                    (lo..hi)
                        .map(|i| {
                            let kind = Kind::ALL[i % 9];
                            let d = draft(langs, &mut rng, kind);
                            // Creation times over a year, not in insertion order.
                            let created = 1_704_067_200_000 + rng.below(365 * 86_400_000) as u64;
                            Entry::sign(&d, &keys[i % keys.len()], created, None).expect("sign")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("generator thread"))
            .collect()
    })
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers

struct Stats {
    median_ms: f64,
    p99_ms: f64,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Stats {
        median_ms: ms(times[times.len() / 2]),
        p99_ms: ms(times[(times.len() * 99 / 100).min(times.len() - 1)]),
    }
}

fn file_mb(path: &std::path::Path) -> f64 {
    let size = |p: std::path::PathBuf| std::fs::metadata(p).map_or(0, |m| m.len());
    let wal = path.with_extension("db-wal");
    (size(path.to_path_buf()) + size(wal)) as f64 / 1e6
}

fn main() {
    let n: usize = std::env::var("AUDACITIES_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    // AUDACITIES_BENCH_DIR keeps the files there for inspection (a fresh temp dir otherwise).
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = std::env::var_os("AUDACITIES_BENCH_DIR")
        .map_or_else(|| temp.path().to_path_buf(), std::path::PathBuf::from);
    for name in ["a.db", "a2.db"] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("{name}{suffix}")));
        }
    }

    let t = Instant::now();
    let entries = generate(n);
    let bytes: usize = entries.iter().map(|e| e.bytes().len()).sum();
    let body: usize = entries.iter().map(|e| e.head().body_len as usize).sum();
    println!(
        "generated {n} signed entries in {:.1} s: mean {} B per entry line, {} B per body (draft JSON)",
        t.elapsed().as_secs_f64(),
        bytes / n.max(1),
        body / n.max(1),
    );

    let mut table: Vec<(String, String)> = Vec::new();

    // (a) insert in batches, index behind.
    let path = dir.join("a.db");
    let store = Store::open(&path).expect("open");
    let batches: Vec<Vec<Entry>> = entries.chunks(BATCH).map(<[Entry]>::to_vec).collect();
    let copies = batches.clone();
    let t = Instant::now();
    let verbose = std::env::var_os("AUDACITIES_BENCH_VERBOSE").is_some();
    for (i, batch) in copies.into_iter().enumerate() {
        let b = Instant::now();
        let out = store.insert(batch, 1).expect("insert");
        assert!(out.iter().all(|o| o.is_new()));
        if verbose {
            println!("  batch {i}: {:.0} ms", b.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let write = t.elapsed();
    let backlog = store.search_backlog().expect("backlog");
    let t = Instant::now();
    store.finish_indexing().expect("index");
    let index = t.elapsed();
    let rate = |d: Duration, k: usize| k as f64 / d.as_secs_f64();
    table.push((
        format!("insert, batches of {BATCH} (write path; index follows)"),
        format!("{:.0} entries/s", rate(write, n)),
    ));
    table.push((
        format!("full-text indexing after it ({backlog} still waiting at the end)"),
        format!("{:.0} entries/s", rate(index, backlog as usize)),
    ));
    table.push((
        "insert + indexing, end to end".into(),
        format!("{:.0} entries/s", rate(write + index, n)),
    ));
    table.push(("file size".into(), format!("{:.0} MB", file_mb(&path))));

    // (a') the same with the index finished after each batch.
    {
        let path = dir.join("a2.db");
        let sync_store = Store::open(&path).expect("open");
        let t = Instant::now();
        for batch in batches {
            sync_store.insert(batch, 1).expect("insert");
            sync_store.finish_indexing().expect("index");
        }
        table.push((
            "insert + finish_indexing after each batch".into(),
            format!("{:.0} entries/s", rate(t.elapsed(), n)),
        ));
    }

    // (b) search.
    let queries = [
        "Séoul",
        "deliberations",
        "logement loyers",
        "DONNEES ouvertes",
        "capteurs qualité air",
        "trottinettes",
        "gouvernance communs",
        "particip",
        "city",
    ];
    let filter = Filter {
        limit: 20,
        ..Filter::default()
    };
    let mut all = Vec::new();
    for q in queries {
        // Matches: a search with a large limit, counted once.
        let matches = store
            .search(
                q,
                &Filter {
                    limit: usize::MAX >> 1,
                    ..Filter::default()
                },
            )
            .expect("search")
            .len();
        let mut times = Vec::new();
        for _ in 0..41 {
            let t = Instant::now();
            store.search(q, &filter).expect("search");
            times.push(t.elapsed());
        }
        let s = stats(times.clone());
        all.extend(times);
        table.push((
            format!(
                "search {q:?} (matches {matches}, {:.1} %)",
                matches as f64 * 100.0 / n as f64
            ),
            format!("median {:.2} ms, p99 {:.2} ms", s.median_ms, s.p99_ms),
        ));
    }
    let s = stats(all);
    table.push((
        "search, all queries above (top 20, bm25, snippets)".into(),
        format!("median {:.2} ms, p99 {:.2} ms", s.median_ms, s.p99_ms),
    ));
    let filtered = Filter {
        kind: Some(Kind::Method),
        theme: Some("mobility".into()),
        limit: 20,
        ..Filter::default()
    };
    let mut times = Vec::new();
    for _ in 0..41 {
        let t = Instant::now();
        store.search("habitants", &filtered).expect("search");
        times.push(t.elapsed());
    }
    let s = stats(times);
    table.push((
        "search \"habitants\" with kind + theme filters".into(),
        format!("median {:.2} ms, p99 {:.2} ms", s.median_ms, s.p99_ms),
    ));

    // (c) get, resolve, list.
    let mut rng = Rng::new(7);
    let sample: Vec<Id> = (0..5_000).map(|_| entries[rng.below(n)].id()).collect();
    let mut times = Vec::new();
    for &id in &sample {
        let t = Instant::now();
        let got = store.get(id).expect("get");
        times.push(t.elapsed());
        assert!(got.is_some());
    }
    let s = stats(times);
    table.push((
        "get by id".into(),
        format!("median {:.3} ms, p99 {:.3} ms", s.median_ms, s.p99_ms),
    ));
    let mut times = Vec::new();
    for id in &sample {
        let prefix: Prefix = id.to_string()[..10].parse().expect("prefix");
        let t = Instant::now();
        let got = store.resolve(&prefix).expect("resolve");
        times.push(t.elapsed());
        assert_eq!(got, *id);
    }
    let s = stats(times);
    table.push((
        "resolve a 10-character prefix".into(),
        format!("median {:.3} ms, p99 {:.3} ms", s.median_ms, s.p99_ms),
    ));
    for (label, f) in [
        ("list, newest 50", Filter::default()),
        (
            "list, theme filter",
            Filter {
                theme: Some("housing".into()),
                ..Filter::default()
            },
        ),
        (
            "list, kind + lang filters",
            Filter {
                kind: Some(Kind::Scenario),
                lang: Some("fr".into()),
                ..Filter::default()
            },
        ),
        (
            "list, city filter, page 20",
            Filter {
                city: Some(SecretKey::from_bytes([3; 32]).public()),
                offset: 1000,
                ..Filter::default()
            },
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..101 {
            let t = Instant::now();
            store.list(&f).expect("list");
            times.push(t.elapsed());
        }
        let s = stats(times);
        table.push((
            label.into(),
            format!("median {:.2} ms, p99 {:.2} ms", s.median_ms, s.p99_ms),
        ));
    }

    let width = table
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    println!(
        "\nstore benchmark, {n} entries ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("{}", "-".repeat(width + 34));
    for (k, v) in table {
        println!("{k:<width$}  {v}");
    }
}
