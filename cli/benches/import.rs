//! `audacities import` of a 100,000-entry bundle, measured from process start to exit, as city
//! staff run it: the release binary, a fresh home that trusts the bundle's 8 cities (`trust
//! add`), the bundle file the ingest bench makes. The entries must be stored and searchable
//! when the command exits; the bench checks both in the home afterwards.
//!
//! Run: `cargo bench -p audacities --bench import` (`AUDACITIES_BENCH_N` for another size,
//! `AUDACITIES_BENCH_RUNS` for another number of imports, each into a new home).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use audacities_node::Home;
use audacities_node::store::Filter;

#[path = "../../node/benches/common/mod.rs"]
mod common;

fn audacities(home: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_audacities"))
        .arg("--home")
        .arg(home)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("run audacities");
    assert!(
        output.status.success(),
        "audacities {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn main() {
    let n = common::bench_n(100_000);
    let runs: usize = std::env::var("AUDACITIES_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir().expect("temp dir");
    let bundle = dir.path().join("commons.bundle");
    let generator = common::Generator::new();
    generator.write_bundle(&bundle, n);
    let bundle = bundle.to_str().expect("utf-8 path");

    let mut rates = Vec::new();
    for run in 0..runs {
        let home = dir.path().join(format!("home-{run}"));
        audacities(&home, &["init", "--city", "Bench", "--country", "FR"]);
        for city in generator.cities() {
            audacities(&home, &["trust", "add", &city]);
        }
        let before = Home::open(&home)
            .expect("open home")
            .store()
            .count()
            .expect("count");
        let started = Instant::now();
        audacities(&home, &["import", bundle]);
        let secs = started.elapsed().as_secs_f64();
        let rate = n as f64 / secs;
        println!(
            "audacities import of {n} entries, process start to exit: {secs:.2} s = {rate:.0} entries/s"
        );
        rates.push(rate);

        // What the command said it did: every entry stored, and found by search.
        let opened = Home::open(&home).expect("open home");
        assert_eq!(opened.store().count().expect("count"), before + n);
        let filter = Filter {
            limit: 20,
            ..Filter::default()
        };
        for query in generator.frequent_queries() {
            let hits = opened.store().search(&query, &filter).expect("search");
            assert!(!hits.is_empty(), "{query}: nothing found after the import");
        }
        drop(opened);
        std::fs::remove_dir_all(&home).expect("remove home");
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "audacities import of {n} entries: median {:.0} entries/s, slowest {:.0}, fastest {:.0} ({} runs)",
        rates[rates.len() / 2],
        rates[0],
        rates[rates.len() - 1],
        rates.len()
    );
}
