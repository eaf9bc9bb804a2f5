//! What the benches share: the realistic signed entries (~2.1 KB governance practices in
//! French and English, 8 city keys), homes configured for a loopback commons, and small
//! measuring helpers.
//!
//! Included with `mod common;` by `ingest.rs`, `catchup.rs` and `propagation.rs`, and by the
//! CLI's `import` bench (`#[path]`); not every bench uses every item.

#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use audacities_node::Home;
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

/// `AUDACITIES_BENCH_N`, or `default`.
pub fn bench_n(default: u64) -> u64 {
    std::env::var("AUDACITIES_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A deterministic generator (xorshift), so every run makes the same entries and topology.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
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

/// Makes the bench's entries: the same governance practices as the ingest bench (about 2 KB
/// signed, in French and English), signed by 8 city keys.
pub struct Generator {
    fr: Vec<String>,
    en: Vec<String>,
    keys: Vec<SecretKey>,
}

impl Default for Generator {
    fn default() -> Self {
        Self::new()
    }
}

impl Generator {
    pub fn new() -> Self {
        Self {
            fr: vocabulary(&WORDS_FR),
            en: vocabulary(&WORDS_EN),
            keys: (1..=8u8).map(|s| SecretKey::from_bytes([s; 32])).collect(),
        }
    }

    /// The public keys of the 8 cities that sign the entries, in their text form.
    pub fn cities(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.public().to_string()).collect()
    }

    /// The French vocabulary the texts are drawn from (for picking search words).
    pub fn french(&self) -> &[String] {
        &self.fr
    }

    /// Searches for words found in 5–15 % of the entries (the domain words sit high in the
    /// vocabulary).
    pub fn frequent_queries(&self) -> Vec<String> {
        [
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
        .collect()
    }

    /// Searches for words found in under 1 % of the entries, as most searches of a real
    /// commons are.
    pub fn rare_queries(&self) -> Vec<String> {
        (0..8)
            .map(|i| self.fr[1500 + 97 * i].clone())
            .chain((0..4).map(|i| format!("{} {}", self.fr[400 + i], self.fr[900 + 13 * i])))
            .collect()
    }

    /// Practice number `i`, created at `created_ms`.
    pub fn entry(&self, i: u64, created_ms: u64) -> Entry {
        Entry::sign(
            &self.draft(i),
            &self.keys[(i % 8) as usize],
            created_ms,
            None,
        )
        .expect("sign")
    }

    /// Practice number `i` at the ingest bench's date, as a wire line.
    pub fn line(&self, i: u64) -> Vec<u8> {
        self.entry(i, 1_700_000_000_000 + i).into_bytes()
    }

    /// Writes practices `0..n` to `path` as a bundle (one wire line each); returns its size in
    /// bytes.
    pub fn write_bundle(&self, path: &Path, n: u64) -> usize {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("bundle"));
        let mut bytes = 0;
        for i in 0..n {
            let line = self.line(i);
            bytes += line.len() + 1;
            out.write_all(&line).expect("write");
            out.write_all(b"\n").expect("write");
        }
        out.flush().expect("flush");
        bytes
    }

    /// A governance practice of about 2 KB signed, in French and English.
    fn draft(&self, i: u64) -> Draft {
        let (fr, en) = (&self.fr, &self.en);
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
}

/// Creates a home at `dir` for a loopback bench commons: trust open, commons `bench`, TCP on
/// 127.0.0.1 (a port the system picks), the API on 127.0.0.1 likewise, no mDNS, these peers,
/// and `more` lines in `[network]`. The config is written before the home is created, so
/// `init` keeps it.
pub fn bench_home(dir: &Path, name: &str, peers: &[String], more: &str) -> Home {
    std::fs::create_dir_all(dir).expect("home dir");
    let peers = peers
        .iter()
        .map(|p| format!("{p:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let config = format!(
        r#"trust = "open"

[city]
name = "{name}"
country = "FR"

[network]
commons = "bench"
listen = ["/ip4/127.0.0.1/tcp/0"]
api = "127.0.0.1:0"
mdns = false
peers = [{peers}]
{more}
"#
    );
    std::fs::write(dir.join(audacities_node::config::FILE_NAME), config).expect("config");
    let home = Home::init(dir, name, "FR").expect("home");
    assert_eq!(
        home.config().trust,
        audacities_node::config::TrustMode::Open,
        "the bench config was read"
    );
    home
}

/// Polls `f` every `every` until it gives `Some`, or panics after `limit` with `state()`.
pub fn wait_for<T>(
    what: &str,
    limit: Duration,
    every: Duration,
    mut f: impl FnMut() -> Option<T>,
    state: impl Fn() -> String,
) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        if Instant::now() >= deadline {
            panic!("{what}: not done after {limit:?}; state: {}", state());
        }
        std::thread::sleep(every);
    }
}

/// The `p`-th percentile (0–100) of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `VmRSS`, `VmHWM`… of a process, in kB, from `/proc/<pid>/status`.
pub fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Sends output of the node's tracing to stderr when `RUST_LOG` is set (e.g.
/// `RUST_LOG=audacities_node=info` shows each sync session's figures).
pub fn init_tracing() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .try_init();
    }
}

/// CPU seconds (user + system) from a `/proc/.../stat` text.
fn stat_cpu_secs(stat: &str) -> Option<f64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some((utime + stime) as f64 / 100.0)
}

/// CPU seconds this process has used, over all its threads, exited ones included.
pub fn process_cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| stat_cpu_secs(&s))
        .unwrap_or(f64::NAN)
}

/// The live threads of this process: (tid, name, CPU seconds).
pub fn threads() -> Vec<(u32, String, f64)> {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for task in dir.flatten() {
        let Some(tid) = task.file_name().to_str().and_then(|t| t.parse().ok()) else {
            continue;
        };
        let name = std::fs::read_to_string(task.path().join("comm"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        let cpu = std::fs::read_to_string(task.path().join("stat"))
            .ok()
            .and_then(|s| stat_cpu_secs(&s))
            .unwrap_or(0.0);
        out.push((tid, name, cpu));
    }
    out.sort_by_key(|t| t.0);
    out
}

/// The node's TCP listen address on 127.0.0.1, once its swarm has it.
pub fn listen_address(
    runtime: &tokio::runtime::Runtime,
    node: &audacities_node::node::Node,
) -> String {
    wait_for(
        "the node listens",
        Duration::from_secs(10),
        Duration::from_millis(20),
        || {
            let status = runtime.block_on(node.status()).ok()?;
            status
                .listen
                .into_iter()
                .find(|a| a.starts_with("/ip4/127.0.0.1/tcp/"))
        },
        || format!("{:?}", runtime.block_on(node.status())),
    )
}
