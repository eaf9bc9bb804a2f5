//! Catch-up benchmark: a new node B joins a node A that holds 100,000 entries and pulls them
//! all (hello, set reconciliation, fetches of `MAX_FETCH_IDS` ids, the one ingest function),
//! on loopback, both nodes in this process on one tokio runtime, with the CPU of each kind of
//! thread. Then the full-text indexing of the backlog B is left with; the receiving side alone
//! (the same lines through `ingest` without any network: calls of `MAX_FETCH_IDS` one after
//! the other, two in flight, one call over all); then the resident memory of the release
//! binary `audacities run` on B's home, idle and after it served the whole commons to a third,
//! empty node.
//!
//! Run: `cargo bench -p audacities-node --bench catchup` (`AUDACITIES_BENCH_N=20000` for a
//! quick run; `RUST_LOG=audacities_node=info` shows each sync session's figures). The memory
//! part needs the release binary: `cargo build --release -p audacities` first (or set
//! `AUDACITIES_BIN`); without it that part is skipped.

mod common;

/// The allocator of the `audacities` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use audacities_node::ingest;
use audacities_node::node::{Node, Overrides, Running};
use audacities_node::store::Store;
use common::{Generator, wait_for};

fn main() {
    common::init_tracing();
    let n = common::bench_n(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let generator = Generator::new();

    // A holds the commons, imported as `audacities import` would, and searchable.
    let started = Instant::now();
    let home_a = common::bench_home(&dir.path().join("a"), "Bench A", &[], "");
    let policy = home_a.policy().expect("policy");
    let report = ingest::ingest(
        home_a.store(),
        &policy,
        (0..n).map(|i| Ok(generator.line(i))),
    )
    .expect("import into A");
    assert_eq!(report.accepted() as u64, n, "every entry accepted by A");
    home_a.store().finish_indexing().expect("index A");
    let a_fingerprint = home_a.store().fingerprint().expect("fingerprint A");
    println!(
        "setup: A holds {n} entries (generated, signed, imported, indexed) in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let counter = AtomicUsize::new(0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name_fn(move || format!("rt-{}", counter.fetch_add(1, Ordering::Relaxed)))
        .build()
        .expect("runtime");

    let node_a = runtime
        .block_on(Node::start(&home_a, Overrides::default()))
        .expect("start A");
    let a_address = common::listen_address(&runtime, &node_a);
    let a_peer = format!("{a_address}/p2p/{}", node_a.peer_id());

    // B: empty, told to dial A. Its store thread is the one `audacities-store` that appears now.
    let before: HashMap<u32, (String, f64)> = common::threads()
        .into_iter()
        .map(|(tid, name, cpu)| (tid, (name, cpu)))
        .collect();
    let home_b = common::bench_home(&dir.path().join("b"), "Bench B", &[a_peer], "");
    let store_b = home_b.store().clone();
    let b_store_thread = common::threads()
        .into_iter()
        .find(|(tid, name, _)| is_store_thread(name) && !before.contains_key(tid))
        .map(|(tid, _, _)| tid);
    let cpu_before = common::process_cpu_secs();

    let started = Instant::now();
    let node_b = runtime
        .block_on(Node::start(&home_b, Overrides::default()))
        .expect("start B");
    let mut sampler = Sampler::default();
    let (first, done) = wait_full(
        "B catches up with A",
        &store_b,
        n,
        &a_fingerprint,
        started,
        || sampler.sample(),
        || {
            let a = runtime.block_on(node_a.status());
            let b = runtime.block_on(node_b.status());
            format!("A: {a:?}\nB: {b:?}")
        },
    );
    let cpu = common::process_cpu_secs() - cpu_before;
    let secs = done.as_secs_f64();
    println!(
        "catch-up, A → B on loopback: {n} entries in {secs:.2} s = {:.0} entries/s, from B's start to B holding them all with A's fingerprint (first entry stored after {:.0} ms)",
        n as f64 / secs,
        first.as_secs_f64() * 1000.0
    );
    println!(
        "  CPU over the catch-up: {cpu:.1} s for {secs:.1} s of wall time ({:.0} % of the 2 cores); by thread:",
        100.0 * cpu / secs / 2.0
    );
    sampler.sample();
    sampler.report(&before, b_store_thread, cpu);

    let backlog = store_b.search_backlog().expect("backlog");
    let started = Instant::now();
    let indexed = store_b.finish_indexing().expect("index B");
    let index_secs = started.elapsed().as_secs_f64();
    println!(
        "full-text indexing after the catch-up: backlog {backlog}, indexed {indexed} in {index_secs:.2} s = {:.0} entries/s; searchable after {:.2} s in all = {:.0} entries/s",
        indexed as f64 / index_secs.max(1e-9),
        secs + index_secs,
        n as f64 / (secs + index_secs)
    );

    runtime.block_on(node_b.stop());
    runtime.block_on(node_a.stop());
    drop(store_b);
    drop(home_b);
    receiving_side(home_a.store(), dir.path(), n);
    drop(home_a);

    memory(
        &runtime,
        &dir.path().join("b"),
        &dir.path().join("c"),
        n,
        &a_fingerprint,
    );
}

/// B's side alone, without the network: the same lines, already in memory, through the ingest
/// function as a sync session hands them over now (one call per fetched batch, one after the
/// other), with two calls in flight, and in one call over the whole stream (as `import`).
fn receiving_side(store_a: &Store, dir: &Path, n: u64) {
    let mut lines = Vec::with_capacity(n as usize);
    let mut after = None;
    loop {
        let page = store_a.raw_page(after, 10_000).expect("read A");
        let Some((last, _)) = page.last() else { break };
        after = Some(*last);
        lines.extend(page.into_iter().map(|(_, bytes)| bytes));
    }
    let batch = audacities_node::sync::wire::MAX_FETCH_IDS;
    let chunks: Vec<&[Vec<u8>]> = lines.chunks(batch).collect();
    let rate = |label: &str, run: &dyn Fn(&audacities_node::Home)| {
        let home = common::bench_home(&dir.join(label.replace(' ', "-")), "Bench D", &[], "");
        let started = Instant::now();
        run(&home);
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(home.store().count().expect("count"), n, "{label}");
        println!(
            "  receiving side alone, {label}: {n} entries in {secs:.2} s = {:.0} entries/s",
            n as f64 / secs
        );
    };
    rate(&format!("calls of {batch} one after the other"), &|home| {
        let policy = home.policy().expect("policy");
        for chunk in &chunks {
            ingest::ingest(home.store(), &policy, chunk.iter().cloned().map(Ok)).expect("ingest");
        }
    });
    rate(&format!("calls of {batch}, two in flight"), &|home| {
        let policy = home.policy().expect("policy");
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| {
                    while let Some(chunk) = chunks.get(next.fetch_add(1, Ordering::Relaxed)) {
                        ingest::ingest(home.store(), &policy, chunk.iter().cloned().map(Ok))
                            .expect("ingest");
                    }
                });
            }
        });
    });
    rate("one call over the whole stream", &|home| {
        let policy = home.policy().expect("policy");
        ingest::ingest(home.store(), &policy, lines.iter().cloned().map(Ok)).expect("ingest");
    });
}

/// The CPU time of every thread seen, sampled while the catch-up runs (threads that end — the
/// verification workers and the writer of each ingest call — are gone from `/proc` by the end).
#[derive(Default)]
struct Sampler {
    seen: HashMap<u32, (String, f64)>,
}

impl Sampler {
    fn sample(&mut self) {
        for (tid, name, cpu) in common::threads() {
            self.seen.insert(tid, (name, cpu));
        }
    }

    /// Prints the CPU used since `before`, by kind of thread; `total` is the process's.
    fn report(&self, before: &HashMap<u32, (String, f64)>, b_store: Option<u32>, total: f64) {
        let live: std::collections::HashSet<u32> =
            common::threads().into_iter().map(|t| t.0).collect();
        let mut kinds: std::collections::BTreeMap<String, (f64, usize)> = Default::default();
        let mut accounted = 0.0;
        for (tid, (name, cpu)) in &self.seen {
            let used = cpu - before.get(tid).map_or(0.0, |(_, c)| *c);
            accounted += used;
            let kind = if is_store_thread(name) {
                if Some(*tid) == b_store {
                    "B's store thread (SQLite writes)".to_owned()
                } else {
                    "A's store thread (SQLite reads for fetches)".to_owned()
                }
            } else if name.starts_with("audacities-veri") {
                "B's verification workers (decode, verify_strict, validate)".to_owned()
            } else if name.starts_with("rt-") && !live.contains(tid) {
                "B's ingest writers (order the chunks, derive the rows, wait for the store)"
                    .to_owned()
            } else if name.starts_with("rt-") {
                format!("{name} (tokio worker or blocking thread: both swarms, sync, API)")
            } else {
                name.clone()
            };
            let entry = kinds.entry(kind).or_default();
            entry.0 += used;
            entry.1 += 1;
        }
        for (kind, (used, threads)) in kinds {
            if used >= 0.05 {
                println!("    {used:6.2} s  {kind} [{threads} thread(s)]");
            }
        }
        println!(
            "    {:6.2} s  not sampled (threads' last 10 ms before they ended)",
            total - accounted
        );
    }
}

/// Thread names are cut to 15 bytes in `/proc`: `audacities-stor`.
fn is_store_thread(name: &str) -> bool {
    audacities_node::store::THREAD_NAME.starts_with(name) && name.len() >= 14
}

/// Waits until `store` holds `n` entries and the set's fingerprint is `fingerprint`; returns
/// the times (since `started`) of the first entry stored and of the end. Progress every 5 s.
fn wait_full(
    what: &str,
    store: &Store,
    n: u64,
    fingerprint: &str,
    started: Instant,
    mut each_poll: impl FnMut(),
    state: impl Fn() -> String,
) -> (Duration, Duration) {
    // Generous: 200 entries/s at least, and a minute to connect.
    let limit = Duration::from_secs(60 + n / 200);
    let mut first = None;
    let mut report_at = Duration::from_secs(5);
    let mut last = (Duration::ZERO, 0u64);
    let done = wait_for(
        what,
        limit,
        Duration::from_millis(10),
        || {
            each_poll();
            let count = store.count().ok()?;
            let t = started.elapsed();
            if count > 0 && first.is_none() {
                first = Some(t);
            }
            if t >= report_at {
                let rate = (count - last.1) as f64 / (t - last.0).as_secs_f64();
                println!(
                    "  … {:5.1} s: {count} entries ({rate:.0}/s over the last 5 s)",
                    t.as_secs_f64()
                );
                last = (t, count);
                report_at += Duration::from_secs(5);
            }
            (count >= n && store.fingerprint().ok()? == fingerprint).then(|| started.elapsed())
        },
        || format!("{} entries stored\n{}", store.count().unwrap_or(0), state()),
    );
    (first.unwrap_or(done), done)
}

/// Resident memory of the release binary on B's home: idle, after a status request, and while
/// it serves the whole commons to a new empty node C (in this process).
fn memory(
    runtime: &tokio::runtime::Runtime,
    home_b: &Path,
    home_c: &Path,
    n: u64,
    fingerprint: &str,
) {
    let Some(binary) = binary() else {
        println!(
            "memory: skipped, no release binary (cargo build --release -p audacities, or set AUDACITIES_BIN)"
        );
        return;
    };
    let log = std::fs::File::create(home_b.join("run.log")).expect("log file");
    let child = Command::new(&binary)
        .arg("run")
        .arg("--home")
        .arg(home_b)
        .args(["--no-mdns", "--listen", "/ip4/127.0.0.1/tcp/0"])
        .args(["--api", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .spawn()
        .expect("start the release binary");
    let mut child = Killed(child);
    let pid = child.0.id();
    let running = wait_for(
        "the release binary starts",
        Duration::from_secs(60),
        Duration::from_millis(50),
        || Running::read(home_b).filter(|r| r.pid == pid),
        || std::fs::read_to_string(home_b.join("run.log")).unwrap_or_default(),
    );
    std::thread::sleep(Duration::from_secs(5));
    let rss = |what: &str| {
        let rss = common::proc_status_kb(pid, "VmRSS").unwrap_or(0);
        let hwm = common::proc_status_kb(pid, "VmHWM").unwrap_or(0);
        println!(
            "memory of `{} run` holding {n} entries, {what}: VmRSS {:.1} MB, VmHWM {:.1} MB",
            binary.display(),
            rss as f64 / 1024.0,
            hwm as f64 / 1024.0
        );
    };
    rss("5 s after start, idle");

    let status = http_get(&running.api, "/api/v1/status");
    let entries = status["entries"].as_u64().unwrap_or(0);
    assert_eq!(entries, n, "the binary sees B's entries: {status}");
    std::thread::sleep(Duration::from_secs(1));
    rss("after a status request (reads every id for the fingerprint)");

    // A third node, empty, catches up from the binary: the binary reads and sends everything.
    let address = status["listen"]
        .as_array()
        .and_then(|l| {
            l.iter()
                .filter_map(|a| a.as_str())
                .find(|a| a.starts_with("/ip4/127.0.0.1/tcp/"))
        })
        .expect("the binary's listen address")
        .to_owned();
    let peer = format!("{address}/p2p/{}", running.peer_id);
    let home_c = common::bench_home(home_c, "Bench C", &[peer], "");
    let store_c = home_c.store().clone();
    let started = Instant::now();
    let node_c = runtime
        .block_on(Node::start(&home_c, Overrides::default()))
        .expect("start C");
    let (_, done) = wait_full(
        "C catches up with the binary",
        &store_c,
        n,
        fingerprint,
        started,
        || {},
        || {
            let log = std::fs::read_to_string(home_b.join("run.log")).unwrap_or_default();
            format!(
                "C: {:?}\nthe binary's log:\n{log}",
                runtime.block_on(node_c.status())
            )
        },
    );
    println!(
        "catch-up, release binary (own process) → C: {n} entries in {:.2} s = {:.0} entries/s",
        done.as_secs_f64(),
        n as f64 / done.as_secs_f64()
    );
    rss("right after serving the whole commons to C");
    runtime.block_on(node_c.stop());
    drop(store_c);
    drop(home_c);
    child.stop();
}

/// The release binary: `AUDACITIES_BIN`, or `audacities` next to this bench's directory
/// (`target/release/deps/catchup-…` → `target/release/audacities`).
fn binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("AUDACITIES_BIN") {
        return Some(PathBuf::from(path)).filter(|p| p.exists());
    }
    let exe = std::env::current_exe().ok()?;
    let path = exe.parent()?.parent()?.join("audacities");
    path.exists().then_some(path)
}

/// A child process that is stopped (SIGTERM, then SIGKILL) however the bench ends.
struct Killed(Child);

impl Killed {
    fn stop(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Killed {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// A GET on the local API, as JSON (HTTP/1.1 by hand: the API answers with a content length).
fn http_get(address: &str, path: &str) -> serde_json::Value {
    let mut stream = std::net::TcpStream::connect(address).expect("connect to the API");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or_default();
    serde_json::from_str(body).unwrap_or_else(|e| panic!("GET {path}: {e}: {response}"))
}
