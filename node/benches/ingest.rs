//! End-to-end import benchmark: a 100,000-entry bundle file imported into a fresh home through
//! the bundle reader and the one ingest function (decode → verify → validate → store), then
//! full-text searches over the result.
//!
//! Run: `cargo bench -p audacities-node --bench ingest` (set `AUDACITIES_BENCH_N` for another size).

use std::io::BufReader;
use std::time::Instant;

use audacities_node::Home;
use audacities_node::bundle::Reader;
use audacities_node::config::TrustMode;
use audacities_node::ingest;
use audacities_node::store::Filter;
use audacities_node::trust::Policy;
use audacities_protocol::Entry;

mod common;
#[path = "common/fts_limit.rs"]
mod fts_limit;

/// The allocator of the `audacities` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use common::Generator;

fn main() {
    let n: u64 = std::env::var("AUDACITIES_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    // Signature checks take half as long with AVX-512 IFMA as with AVX2 (docs/benchmarks.md),
    // and machines of the same kind differ in it: say which one this is.
    println!(
        "signature arithmetic on this processor: {}",
        curve_backend()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let bundle_path = dir.path().join("commons.bundle");

    let started = Instant::now();
    let generator = Generator::new();
    let bytes = generator.write_bundle(&bundle_path, n);
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

    // The same, in chunks as the import's workers take them: their signature
    // checks share one field inversion (`Entry::decode_all`).
    let file = std::fs::File::open(&bundle_path).expect("open bundle");
    let started = Instant::now();
    let mut checked = 0u64;
    let mut lines = Reader::new(BufReader::with_capacity(1 << 20, file))
        .map(|line| line.expect("read").item.expect("line"));
    loop {
        let chunk: Vec<Vec<u8>> = lines.by_ref().take(ingest::CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let refs: Vec<&[u8]> = chunk.iter().map(Vec::as_slice).collect();
        for entry in Entry::decode_all(&refs) {
            entry.expect("valid");
            checked += 1;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "check only, in chunks of {} (one thread): {checked} entries in {secs:.2} s = {:.0} entries/s",
        ingest::CHUNK,
        checked as f64 / secs
    );

    let home = Home::init(&dir.path().join("home"), "Bench", "FR").expect("home");
    let file = std::fs::File::open(&bundle_path).expect("open bundle");
    // One job done: the store thread has started and carries its name.
    home.store().count().expect("count");
    let cpu_before = cpu_seconds();
    let store_before = threads_cpu_seconds(audacities_node::store::THREAD_NAME);
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

    if let (Some(after), Some(before)) = (cpu_seconds(), cpu_before) {
        let cpu = after - before;
        println!(
            "import CPU (all threads, user + system): {cpu:.2} s = {:.0} µs per entry, {:.2} cores busy on average",
            cpu * 1e6 / n as f64,
            cpu / secs
        );
        let store_after = threads_cpu_seconds(audacities_node::store::THREAD_NAME);
        // Threads that were there before and after: the store thread of the home.
        let store: f64 = store_after
            .iter()
            .filter_map(|(tid, after)| Some(after - store_before.get(tid)?))
            .sum();
        if store > 0.0 {
            println!(
                "  of which the store thread (SQLite, full-text index): {:.0} µs per entry; the other threads (reading, verifying, ordering): {:.0} µs per entry",
                store * 1e6 / n as f64,
                (cpu - store) * 1e6 / n as f64
            );
        }
    }

    let (frequent, rare) = (generator.frequent_queries(), generator.rare_queries());
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

    // SQLite's own limit here and now, for the import to be judged against (STACK.md). Last:
    // the gigabyte it writes would still be going to disk during an import measured after it.
    let lines: Vec<Vec<u8>> = Reader::new(BufReader::new(
        std::fs::File::open(&bundle_path).expect("open bundle"),
    ))
    .map(|line| line.expect("read").item.expect("line"))
    .collect();
    let limit = fts_limit::rows_per_second(&lines, dir.path());
    println!(
        "the machine's FTS-indexing limit now (SQLite alone: the lines as rows and their texts in FTS5, one transaction, no verification): {limit:.0} rows/s"
    );
    if std::env::var("AUDACITIES_BENCH_KEEP").is_ok() {
        println!("kept: {}", dir.keep().display());
    }
}

/// CPU time this process has used, user and system, all threads (Linux: `/proc/self/stat`).
fn cpu_seconds() -> Option<f64> {
    stat_cpu_seconds(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

/// CPU time of each of this process's threads named `name` (Linux keeps the first 15 bytes),
/// by thread id.
fn threads_cpu_seconds(name: &str) -> std::collections::HashMap<String, f64> {
    let name = name.get(..15).unwrap_or(name);
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Default::default();
    };
    tasks
        .filter_map(|task| {
            let task = task.ok()?;
            let comm = std::fs::read_to_string(task.path().join("comm")).ok()?;
            if comm.trim_end() != name {
                return None;
            }
            let secs = stat_cpu_seconds(&std::fs::read_to_string(task.path().join("stat")).ok()?)?;
            Some((task.file_name().to_string_lossy().into_owned(), secs))
        })
        .collect()
}

/// User + system time from the text of a `stat` file.
fn stat_cpu_seconds(stat: &str) -> Option<f64> {
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux platform Rust targets.
    Some(ticks / 100.0)
}

/// The curve25519 backend curve25519-dalek picks at run time here (with the build's
/// `curve25519_dalek_backend="avx512"` setting, `.cargo/config.toml`).
fn curve_backend() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512ifma")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            return "AVX-512 IFMA";
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            return "AVX2 (no AVX-512 IFMA)";
        }
    }
    "portable (no AVX2)"
}
