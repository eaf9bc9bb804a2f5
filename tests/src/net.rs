//! Several real nodes in one test process, on 127.0.0.1 only: each in its own temp home, in its
//! own commons (so that tests running in parallel never meet), mDNS off, syncing every second.
//!
//! ```text
//! let net = Net::new();
//! let a = TestNode::start(&net).await;
//! let b = TestNode::start_with(&net, Setup::named("B").peer(a.addr().await)).await;
//! let ids = a.publish_new(3).await;
//! wait_until("B holds A's entries", secs(5), async || b.holds(&ids).await).await;
//! stop_all([b, a]).await;
//! ```
//!
//! Every wait is bounded ([`wait_until`]) and fails showing the last state it saw.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use audacities_node::Home;
use audacities_node::ingest::{self, Verdict};
use audacities_node::net::Names;
use audacities_node::node::{Node, Overrides, Status};
use audacities_node::time::now_ms;
use audacities_protocol::{Entry, Id};
use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};

use crate::{city, draft};

/// How often [`wait_until`] looks again.
pub const POLL: Duration = Duration::from_millis(25);

/// `n` seconds.
pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// One test's network: the commons id its nodes share, unique to the test.
#[derive(Debug, Clone)]
pub struct Net {
    pub commons: String,
}

impl Net {
    /// A commons no other test (in this process or another) uses.
    pub fn new() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        Self {
            commons: format!("test-{}-{n}-{nanos}", std::process::id()),
        }
    }

    /// The protocol names of this commons (topic, sync protocol, …).
    pub fn names(&self) -> Names {
        Names::new(&self.commons).expect("the test commons id is valid")
    }
}

impl Default for Net {
    fn default() -> Self {
        Self::new()
    }
}

/// How a test node is configured beyond the defaults (`trust = "open"`, TCP on 127.0.0.1 with
/// a port chosen by the system, API on 127.0.0.1:0, no mDNS, a sync every second).
#[derive(Debug, Clone, Default)]
pub struct Setup<'a> {
    /// The node's name, shown in failures (and as its city's name).
    pub name: &'a str,
    /// Peers to dial at start (and redial).
    pub peers: Vec<Multiaddr>,
    /// Listen addresses instead of `/ip4/127.0.0.1/tcp/0`.
    pub listen: Option<Vec<String>>,
    pub relay_server: bool,
    /// Most connections at once (default 64). A node of the commons finds the others through
    /// Kademlia and connects to them: a test that needs a given topology caps this.
    pub max_connections: Option<u32>,
    /// Wire lines stored before the node starts (through the ingest function, all accepted).
    pub preload: &'a [Vec<u8>],
    /// Web origins allowed to read the API from a browser (`api_cors_origins`).
    pub cors_origins: Vec<String>,
    /// The trust mode (`members`, `vouched`, `open`); default `open`.
    pub trust: Option<&'a str>,
}

impl<'a> Setup<'a> {
    pub fn named(name: &'a str) -> Self {
        Self {
            name,
            ..Self::default()
        }
    }

    pub fn peer(mut self, address: Multiaddr) -> Self {
        self.peers.push(address);
        self
    }

    pub fn max_connections(mut self, max: u32) -> Self {
        self.max_connections = Some(max);
        self
    }
}

/// A running node in a temp home. Stop it with [`TestNode::stop`]; a test that panics first
/// leaves its tasks to the runtime, which ends them.
pub struct TestNode {
    pub name: String,
    node: Option<Node>,
    pub home: Home,
    // Declared last: the node and the home close the store before the folder goes.
    pub dir: tempfile::TempDir,
}

impl TestNode {
    /// A node with the defaults, no peers.
    pub async fn start(net: &Net) -> TestNode {
        Self::start_with(net, Setup::default()).await
    }

    pub async fn start_with(net: &Net, setup: Setup<'_>) -> TestNode {
        let name = if setup.name.is_empty() {
            "node"
        } else {
            setup.name
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("home");
        drop(Home::init(&path, name, "FR").expect("init home"));
        let listen = setup
            .listen
            .clone()
            .unwrap_or_else(|| vec!["/ip4/127.0.0.1/tcp/0".to_owned()]);
        let peers: Vec<String> = setup.peers.iter().map(ToString::to_string).collect();
        let config = format!(
            r#"trust = {trust:?}

[city]
name = {name:?}
country = "FR"

[publish]
licence = "CC-BY-4.0"

[network]
commons = {commons:?}
listen = {listen:?}
api = "127.0.0.1:0"
peers = {peers:?}
mdns = false
relay_server = {relay}
max_connections = {max_connections}
sync_interval_secs = 1
api_cors_origins = {cors:?}
"#,
            cors = setup.cors_origins,
            trust = setup.trust.unwrap_or("open"),
            commons = net.commons,
            relay = setup.relay_server,
            max_connections = setup.max_connections.unwrap_or(64),
        );
        std::fs::write(path.join(audacities_node::config::FILE_NAME), config)
            .expect("write config");
        let home = Home::open(&path).expect("open home");
        assert_eq!(home.config().network.commons, net.commons);
        assert!(!home.config().network.mdns);

        if !setup.preload.is_empty() {
            let policy = home.policy().expect("policy");
            let report = ingest::ingest(
                home.store(),
                &policy,
                setup.preload.iter().map(|l| Ok(l.clone())),
            )
            .expect("preload");
            assert_eq!(
                report.accepted(),
                setup.preload.len(),
                "{name}: every preloaded entry is accepted"
            );
        }

        let node = Node::start(&home, Overrides::default())
            .await
            .unwrap_or_else(|e| panic!("{name}: the node starts: {e}"));
        TestNode {
            name: name.to_owned(),
            node: Some(node),
            home,
            dir,
        }
    }

    pub fn node(&self) -> &Node {
        self.node.as_ref().expect("the node runs")
    }

    pub fn peer_id(&self) -> PeerId {
        self.node().peer_id()
    }

    pub async fn status(&self) -> Status {
        self.node()
            .status()
            .await
            .unwrap_or_else(|e| panic!("{}: status: {e}", self.name))
    }

    /// The node's TCP address on 127.0.0.1 with its peer id, once it listens.
    pub async fn addr(&self) -> Multiaddr {
        let mut found = None;
        wait_until(&format!("{} listens", self.name), secs(5), async || {
            let status = self.status().await;
            found = status
                .listen
                .iter()
                .filter_map(|a| a.parse::<Multiaddr>().ok())
                .find(|a| {
                    a.iter()
                        .any(|p| matches!(p, Protocol::Tcp(port) if port != 0))
                        && !a.iter().any(|p| matches!(p, Protocol::P2pCircuit))
                });
            found
                .is_some()
                .then_some(())
                .ok_or_else(|| format!("listen = {:?}", status.listen))
        })
        .await;
        found
            .expect("found")
            .with_p2p(self.peer_id())
            .expect("no other peer id in a listen address")
    }

    /// The TCP port it listens on.
    pub async fn tcp_port(&self) -> u16 {
        self.addr()
            .await
            .iter()
            .find_map(|p| match p {
                Protocol::Tcp(port) => Some(port),
                _ => None,
            })
            .expect("a TCP address")
    }

    pub async fn dial(&self, address: Multiaddr) {
        self.node()
            .network()
            .dial(address)
            .await
            .unwrap_or_else(|e| panic!("{}: dial: {e}", self.name));
    }

    /// Publishes wire lines as the local API does (stored, then gossiped); all must be
    /// accepted. Returns their ids.
    pub async fn publish(&self, lines: Vec<Vec<u8>>) -> Vec<Id> {
        let n = lines.len();
        let report = self
            .node()
            .shared()
            .ingest_local(lines)
            .await
            .unwrap_or_else(|e| panic!("{}: publish: {e}", self.name));
        let ids: Vec<Id> = report
            .verdicts
            .iter()
            .filter_map(|v| match v {
                Verdict::Accepted(id) => Some(*id),
                _ => None,
            })
            .collect();
        assert_eq!(
            ids.len(),
            n,
            "{}: every published entry is accepted: {:?}",
            self.name,
            report.verdicts
        );
        ids
    }

    /// Publishes `n` new entries (see [`fresh`]).
    pub async fn publish_new(&self, n: usize) -> Vec<Id> {
        self.publish(fresh(n)).await
    }

    pub async fn fingerprint(&self) -> String {
        self.status().await.fingerprint
    }

    pub async fn count(&self) -> u64 {
        self.status().await.entries
    }

    /// Which of `ids` this node does not hold.
    pub async fn lacking(&self, ids: &[Id]) -> Vec<Id> {
        let store = self.node().store().clone();
        let asked = ids.to_vec();
        let held = tokio::task::spawn_blocking(move || store.contains_many(asked))
            .await
            .expect("store task")
            .unwrap_or_else(|e| panic!("{}: contains: {e}", self.name));
        ids.iter()
            .zip(held)
            .filter_map(|(id, held)| (!held).then_some(*id))
            .collect()
    }

    /// `Ok` once every one of `ids` is held; otherwise how many are missing, for [`wait_until`].
    pub async fn holds(&self, ids: &[Id]) -> Result<(), String> {
        let lacking = self.lacking(ids).await;
        if lacking.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} lacks {} of {} (first {})",
                self.name,
                lacking.len(),
                ids.len(),
                lacking[0]
            ))
        }
    }

    /// Its peers' ids as its status lists them.
    pub async fn peers(&self) -> Vec<String> {
        self.status()
            .await
            .peers
            .into_iter()
            .map(|p| p.peer_id)
            .collect()
    }

    /// Stops the node and waits for it; the home and its folder go with `self`.
    pub async fn stop(mut self) {
        if let Some(node) = self.node.take() {
            node.stop().await;
        }
    }
}

/// Stops every node, one after the other.
pub async fn stop_all(nodes: impl IntoIterator<Item = TestNode>) {
    for node in nodes {
        node.stop().await;
    }
}

/// Waits until every node's gossip mesh for the commons' topic has at least `at_least[i]`
/// peers, within `within`.
pub async fn wait_for_mesh(nodes: &[&TestNode], at_least: &[usize], within: Duration) {
    assert_eq!(nodes.len(), at_least.len());
    wait_until("the gossip mesh forms", within, async || {
        let mut seen = Vec::new();
        let mut ok = true;
        for (node, want) in nodes.iter().zip(at_least) {
            let mesh = node.status().await.mesh_peers;
            ok &= mesh >= *want;
            seen.push(format!("{}: {mesh}/{want}", node.name));
        }
        if ok {
            Ok(())
        } else {
            Err(format!("mesh peers {}", seen.join(", ")))
        }
    })
    .await;
}

/// Waits until every node holds the same set (equal fingerprints) of `count` entries.
pub async fn wait_converged(nodes: &[&TestNode], count: u64, within: Duration) -> Duration {
    wait_until("the nodes converge", within, async || {
        let mut seen = Vec::new();
        for node in nodes {
            let status = node.status().await;
            seen.push((node.name.clone(), status.entries, status.fingerprint));
        }
        let same = seen.iter().all(|(_, n, f)| *n == count && *f == seen[0].2);
        if same {
            Ok(())
        } else {
            Err(seen
                .iter()
                .map(|(name, n, f)| format!("{name}: {n} entries, {}", &f[..12.min(f.len())]))
                .collect::<Vec<_>>()
                .join("; "))
        }
    })
    .await
}

/// Calls `check` every [`POLL`] until it answers `Ok`, at most for `within` (so at most
/// `within / POLL` times, plus one). Returns how long it took; panics naming `what` and the
/// last state `check` described in its `Err`.
pub async fn wait_until<F>(what: &str, within: Duration, mut check: F) -> Duration
where
    F: AsyncFnMut() -> Result<(), String>,
{
    let started = Instant::now();
    let deadline = started + within;
    let mut tries = 0u64;
    let mut last = "(nothing yet)".to_owned();
    loop {
        tries += 1;
        match tokio::time::timeout_at(deadline.into(), check()).await {
            Ok(Ok(())) => return started.elapsed(),
            Ok(Err(state)) => last = state,
            Err(_) => last = format!("{last} (then a check did not answer by the deadline)"),
        }
        if Instant::now() >= deadline {
            panic!("{what}: not within {within:?} ({tries} tries); last seen: {last}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// `n` new wire lines, each a distinct valid entry of city 1 (draft numbers never repeat in
/// this process).
pub fn fresh(n: usize) -> Vec<Vec<u8>> {
    static NEXT: AtomicUsize = AtomicUsize::new(1_000_000);
    let first = NEXT.fetch_add(n, Ordering::Relaxed);
    (first..first + n)
        .map(|i| crate::entry(1, i).into_bytes())
        .collect()
}

/// `n` distinct valid wire lines of city `seed` made fast: one draft, signed at `n` distinct
/// creation times in the last `n` milliseconds (in the past, so no clock check refuses them).
pub fn bulk(seed: u8, n: usize) -> Vec<Vec<u8>> {
    let draft = draft(usize::from(seed));
    let key = city(seed);
    let now = now_ms();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let per = n.div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (draft, key) = (&draft, &key);
                scope.spawn(move || {
                    (t * per..((t + 1) * per).min(n))
                        .map(|i| {
                            Entry::sign(draft, key, now - 1 - i as u64, None)
                                .expect("sign")
                                .into_bytes()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("signing thread"))
            .collect()
    })
}

/// Deterministic pseudo-random bytes (xorshift), for noise on the wire.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}
