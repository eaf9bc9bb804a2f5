//! Issue 4's speed targets on a node holding 100,000 entries, through its real HTTP server
//! (`Node::start`, loopback): full-text search through `GET /api/v1/entries?q=` (median and
//! p99 over the ingest bench's frequent and rare queries), the home page `/` and the search
//! page `/entries?q=` (median and p99), and `GET /api/v1/entries/{id}` throughput measured by
//! `wrk` (Debian package `wrk`) over 1,000 different ids.
//!
//! Run: `cargo bench -p audacities-node --bench web` (`AUDACITIES_BENCH_N=20000` for a quick
//! run; `AUDACITIES_WRK_SECS` for the wrk run's length, default 10).

mod common;

/// The allocator of the `audacities` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use audacities_node::ingest;
use audacities_node::node::{Node, Overrides};
use audacities_node::store::Filter;
use common::{Generator, percentile};

/// GET `path` on a fresh connection; the status and the body's length.
fn get(api: SocketAddr, path: &str) -> (u16, usize) {
    let mut stream = TcpStream::connect(api).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {api}\r\nAccept-Language: fr\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read");
    let status = std::str::from_utf8(&answer[..answer.len().min(16)])
        .ok()
        .and_then(|s| s.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer.len())
}

/// Times `rounds` GETs of each path; prints and returns (median, p99) in ms.
fn timed(api: SocketAddr, label: &str, paths: &[String], rounds: usize) -> (f64, f64) {
    for p in paths {
        let (status, _) = get(api, p);
        assert_eq!(status, 200, "{p}");
    }
    let mut times = Vec::with_capacity(paths.len() * rounds);
    let mut slowest = (0.0f64, "");
    for _ in 0..rounds {
        for p in paths {
            let t = Instant::now();
            let (status, _) = get(api, p);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if ms > slowest.0 {
                slowest = (ms, p);
            }
            times.push(ms);
            assert_eq!(status, 200, "{p}");
        }
    }
    if std::env::var_os("AUDACITIES_BENCH_SLOWEST").is_some() {
        println!("  slowest: {:.2} ms {}", slowest.0, slowest.1);
    }
    times.sort_by(f64::total_cmp);
    let (median, p99) = (percentile(&times, 50.0), percentile(&times, 99.0));
    println!(
        "{label}: median {median:.2} ms, p99 {p99:.2} ms ({} requests)",
        times.len()
    );
    (median, p99)
}

fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn main() {
    common::init_tracing();
    let n = common::bench_n(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let generator = Generator::new();

    let started = Instant::now();
    let home = common::bench_home(&dir.path().join("home"), "Bench", &[], "");
    let policy = home.policy().expect("policy");
    let report = ingest::ingest(home.store(), &policy, (0..n).map(|i| Ok(generator.line(i))))
        .expect("import");
    assert_eq!(report.accepted() as u64, n);
    home.store().finish_indexing().expect("index");
    println!(
        "setup: {n} entries generated, imported and indexed in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let node = runtime
        .block_on(Node::start(&home, Overrides::default()))
        .expect("start");
    let api = node.api_addr();

    let search = |queries: Vec<String>| -> Vec<String> {
        queries
            .iter()
            .map(|q| format!("/api/v1/entries?q={}&limit=20", encode(q)))
            .collect()
    };
    let frequent = search(generator.frequent_queries());
    let rare = search(generator.rare_queries());
    let mut all = frequent.clone();
    all.extend(rare.iter().cloned());
    println!("— target: GET /api/v1/entries?q=… p99 < 20 ms");
    timed(api, "GET /api/v1/entries?q=, all 20 queries", &all, 10);
    timed(api, "GET /api/v1/entries?q=, rare words", &rare, 10);
    timed(api, "GET /api/v1/entries?q=, frequent words", &frequent, 10);
    println!("— target: the home page renders in < 100 ms");
    timed(api, "GET /", &["/".to_owned()], 100);
    timed(
        api,
        "GET /entries (newest first, with facets)",
        &["/entries".to_owned()],
        20,
    );
    let pages: Vec<String> = generator
        .rare_queries()
        .iter()
        .map(|q| format!("/entries?q={}", encode(q)))
        .collect();
    timed(
        api,
        "GET /entries?q= (search page, rare words, with facets)",
        &pages,
        5,
    );

    // GET /api/v1/entries/{id} under load, by wrk, over 1,000 ids.
    let ids = home
        .store()
        .list(&Filter {
            limit: 1000,
            ..Filter::default()
        })
        .expect("ids");
    let one = format!("/api/v1/entries/{}", ids[0].id);
    timed(api, "GET /api/v1/entries/{id}, one at a time", &[one], 200);
    let script = dir.path().join("ids.lua");
    let paths = ids
        .iter()
        .map(|s| format!("\"/api/v1/entries/{}\"", s.id))
        .collect::<Vec<_>>()
        .join(",");
    std::fs::write(
        &script,
        format!(
            "local paths = {{{paths}}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n"
        ),
    )
    .expect("lua script");
    let secs = std::env::var("AUDACITIES_WRK_SECS").unwrap_or_else(|_| "10".to_owned());
    println!(
        "— target: GET /api/v1/entries/{{id}} ≥ 5,000 requests/s (wrk, 2 threads, 32 connections, {secs} s)"
    );
    match Command::new("wrk")
        .args(["-t2", "-c32", &format!("-d{secs}s"), "--latency", "-s"])
        .arg(&script)
        .arg(format!("http://{api}"))
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            for line in text.lines() {
                let l = line.trim();
                if l.starts_with("Requests/sec")
                    || l.starts_with("50%")
                    || l.starts_with("99%")
                    || l.contains("requests in")
                    || l.starts_with("Non-2xx")
                    || l.starts_with("Socket errors")
                {
                    println!("wrk: {l}");
                }
            }
        }
        Err(e) => println!("wrk not run ({e}): install the Debian package wrk"),
    }
    runtime.block_on(node.stop());
}
