//! Propagation benchmark: 10 nodes on loopback (in this process, one tokio runtime) in a sparse
//! random topology — each dials 2 or 3 others, drawn from a fixed seed, and takes no other
//! connection (`max_connections`; else Kademlia links all 10) — then 100 new entries
//! published one at a time from random nodes (`ingest_local`, as `publish` through the API
//! does). For each entry: the time from the publish call until all 10 stores hold it (gossip
//! only: the periodic sync is 60 s away), polling every store every 2 ms.
//!
//! Run: `cargo bench -p audacities-node --bench propagation` (`AUDACITIES_BENCH_N` entries,
//! default 100; `AUDACITIES_BENCH_NODES` nodes, default 10; `RUST_LOG=audacities_node=debug`
//! for the node's log; `AUDACITIES_BENCH_DISCOVERY=1` lifts the connection cap).

mod common;

/// The allocator of the `audacities` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

use audacities_node::node::{Node, Overrides};
use audacities_node::store::Store;
use audacities_node::time::now_ms;
use common::{Generator, Rng, percentile, wait_for};
use libp2p::Multiaddr;

/// The topology's seed: the same graph on every run.
const SEED: u64 = 0x5eed_0003;

fn main() {
    common::init_tracing();
    let messages = common::bench_n(100) as usize;
    let k: usize = std::env::var("AUDACITIES_BENCH_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    assert!(k >= 4, "at least 4 nodes");
    let dir = tempfile::tempdir().expect("temp dir");
    let generator = Generator::new();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");

    // Each node dials 2 or 3 others; redrawn until the graph is connected.
    let mut rng = Rng(SEED);
    let (edges, neighbours) = loop {
        let edges = topology(k, &mut rng);
        let neighbours = adjacency(k, &edges);
        if hops_from(0, &neighbours).iter().all(|h| h.is_some()) {
            break (edges, neighbours);
        }
    };
    // Left alone, Kademlia finds every node of a commons this small and each connects to all
    // (up to 16 peers): a full mesh, one hop. To keep the topology sparse, each node takes no
    // more connections than its planned ones (`max_connections`), unless
    // AUDACITIES_BENCH_DISCOVERY=1.
    let discovery = std::env::var("AUDACITIES_BENCH_DISCOVERY").is_ok_and(|v| v == "1");
    let homes: Vec<_> = (0..k)
        .map(|i| {
            let cap = if discovery {
                String::new()
            } else {
                format!("max_connections = {}", neighbours[i].len())
            };
            common::bench_home(
                &dir.path().join(format!("n{i}")),
                &format!("Bench {i}"),
                &[],
                &cap,
            )
        })
        .collect();
    let nodes: Vec<Node> = homes
        .iter()
        .map(|h| {
            runtime
                .block_on(Node::start(h, Overrides::default()))
                .expect("start a node")
        })
        .collect();
    let stores: Vec<Store> = nodes.iter().map(|n| n.store().clone()).collect();
    let addresses: Vec<Multiaddr> = nodes
        .iter()
        .map(|n| {
            format!(
                "{}/p2p/{}",
                common::listen_address(&runtime, n),
                n.peer_id()
            )
            .parse()
            .expect("multiaddr")
        })
        .collect();

    let started = Instant::now();
    for &(from, to) in &edges {
        runtime
            .block_on(nodes[from].network().dial(addresses[to].clone()))
            .expect("dial");
    }
    let planned: Vec<HashSet<String>> = neighbours
        .iter()
        .map(|ns| ns.iter().map(|&j| nodes[j].peer_id().to_string()).collect())
        .collect();
    let state = || {
        nodes
            .iter()
            .enumerate()
            .map(|(i, n)| match runtime.block_on(n.status()) {
                Ok(s) => format!(
                    "node {i}: mesh {}, peers {:?}, planned {:?}",
                    s.mesh_peers,
                    s.peers.iter().map(|p| &p.peer_id).collect::<Vec<_>>(),
                    planned[i]
                ),
                Err(e) => format!("node {i}: {e}"),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    wait_for(
        "the topology is up (every planned connection, every node in a mesh)",
        Duration::from_secs(30),
        Duration::from_millis(50),
        || {
            nodes
                .iter()
                .zip(&planned)
                .all(|(n, planned)| {
                    runtime.block_on(n.status()).is_ok_and(|s| {
                        let peers: HashSet<String> =
                            s.peers.into_iter().map(|p| p.peer_id).collect();
                        s.mesh_peers >= 1 && planned.is_subset(&peers)
                    })
                })
                .then_some(())
        },
        state,
    );
    let up = started.elapsed();
    // A few gossipsub heartbeats (500 ms) so that meshes fill up to their planned size.
    std::thread::sleep(Duration::from_secs(3));
    let statuses: Vec<_> = nodes
        .iter()
        .map(|n| runtime.block_on(n.status()).expect("status"))
        .collect();
    let degrees: Vec<usize> = statuses.iter().map(|s| s.peers.len()).collect();
    let meshes: Vec<usize> = statuses.iter().map(|s| s.mesh_peers).collect();
    let diameter = (0..k)
        .filter_map(|i| hops_from(i, &neighbours).into_iter().flatten().max())
        .max()
        .unwrap_or(0);
    println!(
        "{k} nodes, {} dials (seed {SEED:#x}, {}), connected and in a mesh after {:.2} s; connections per node {degrees:?}, mesh peers {meshes:?}, diameter of the dialled graph {diameter} hops",
        edges.len(),
        if discovery {
            "Kademlia free to add connections"
        } else {
            "each node capped at its planned connections"
        },
        up.as_secs_f64()
    );

    // Publish one entry at a time from a random node; time until every store holds it.
    let mut all_held = Vec::with_capacity(messages);
    let mut arrivals = Vec::new();
    let mut by_hops: Vec<Vec<f64>> = vec![Vec::new(); diameter + 1];
    let mut local = Vec::with_capacity(messages);
    for m in 0..messages {
        let from = rng.below(k);
        let entry = generator.entry(1_000_000 + m as u64, now_ms());
        let id = entry.id();
        let shared = nodes[from].shared().clone();
        let t0 = Instant::now();
        let report = runtime
            .block_on(shared.ingest_local(vec![entry.into_bytes()]))
            .expect("publish");
        local.push(t0.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(report.accepted(), 1, "entry {m} accepted by node {from}");
        let mut held: Vec<Option<Duration>> = vec![None; k];
        let done = wait_for(
            "every node holds the entry",
            Duration::from_secs(30),
            Duration::from_millis(2),
            || {
                for (j, store) in stores.iter().enumerate() {
                    if held[j].is_none() && store.get(id).ok().flatten().is_some() {
                        held[j] = Some(t0.elapsed());
                    }
                }
                held.iter().all(Option::is_some).then(|| t0.elapsed())
            },
            || format!("entry {m} ({id}) published by node {from}\n{}", state()),
        );
        all_held.push(done.as_secs_f64() * 1000.0);
        let hops = hops_from(from, &neighbours);
        for j in (0..k).filter(|&j| j != from) {
            let ms = held[j].map_or(f64::NAN, |t| t.as_secs_f64() * 1000.0);
            arrivals.push(ms);
            if let Some(h) = hops[j] {
                by_hops[h].push(ms);
            }
        }
        // Off the gossipsub heartbeat's beat.
        std::thread::sleep(Duration::from_millis(rng.below(50) as u64));
    }

    let slowest = (0..all_held.len())
        .max_by(|&a, &b| all_held[a].total_cmp(&all_held[b]))
        .unwrap_or(0);
    for v in [&mut all_held, &mut arrivals, &mut local] {
        v.sort_by(f64::total_cmp);
    }
    println!(
        "propagation of {messages} entries to all {k} nodes (publish call → every store holds it): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (entry #{slowest})",
        percentile(&all_held, 50.0),
        percentile(&all_held, 95.0),
        percentile(&all_held, 100.0)
    );
    println!(
        "  each other node ({} arrivals): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        arrivals.len(),
        percentile(&arrivals, 50.0),
        percentile(&arrivals, 95.0),
        percentile(&arrivals, 100.0)
    );
    for (h, v) in by_hops.iter_mut().enumerate().skip(1) {
        v.sort_by(f64::total_cmp);
        if !v.is_empty() {
            println!(
                "  nodes {h} hop(s) from the publisher in the dialled graph ({}): p50 {:.1} ms, p95 {:.1} ms",
                v.len(),
                percentile(v, 50.0),
                percentile(v, 95.0)
            );
        }
    }
    println!(
        "  the publish call itself (verify, store, hand to gossipsub): p50 {:.2} ms, p95 {:.2} ms",
        percentile(&local, 50.0),
        percentile(&local, 95.0)
    );

    for node in nodes {
        runtime.block_on(node.stop());
    }
    drop(stores);
    drop(homes);
}

/// Each node dials 2 or 3 others it is not linked to yet: (dialler, dialled).
fn topology(k: usize, rng: &mut Rng) -> Vec<(usize, usize)> {
    let mut linked: HashSet<(usize, usize)> = HashSet::new();
    let mut edges = Vec::new();
    for i in 0..k {
        let want = 2 + rng.below(2);
        let mut dialled = 0;
        let mut tries = 0;
        while dialled < want && tries < 100 {
            tries += 1;
            let j = rng.below(k);
            if j == i || linked.contains(&(i.min(j), i.max(j))) {
                continue;
            }
            linked.insert((i.min(j), i.max(j)));
            edges.push((i, j));
            dialled += 1;
        }
    }
    edges
}

fn adjacency(k: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut neighbours = vec![Vec::new(); k];
    for &(a, b) in edges {
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    neighbours
}

/// Hops from `start` to every node (breadth first); `None` when unreachable.
fn hops_from(start: usize, neighbours: &[Vec<usize>]) -> Vec<Option<usize>> {
    let mut hops = vec![None; neighbours.len()];
    hops[start] = Some(0);
    let mut queue = VecDeque::from([start]);
    while let Some(i) = queue.pop_front() {
        for &j in &neighbours[i] {
            if hops[j].is_none() {
                hops[j] = hops[i].map(|h| h + 1);
                queue.push_back(j);
            }
        }
    }
    hops
}
