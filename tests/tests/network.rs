//! Several real nodes on 127.0.0.1 (never another address, mDNS off, each test in its own
//! commons): gossip through a chain, a late joiner catching up, a partition that heals, a
//! hostile peer, and a node reachable only through a relay.
//!
//! Every wait is bounded and fails showing the last state it saw (see `net::wait_until`).

use std::time::{Duration, Instant};

use audacities_node::net::behaviour::{self, Behaviour, BehaviourEvent, Options};
use audacities_node::sync::wire::{MAX_FETCH_IDS, MAX_REQUEST_BYTES, Request, Response};
use audacities_protocol::Id;
use audacities_protocol::entry::MAX_ENTRY_BYTES;
use audacities_tests::net::{
    Net, Setup, TestNode, bulk, fresh, noise, secs, stop_all, wait_converged, wait_for_mesh,
    wait_until,
};
use audacities_tests::{encode_line, parse_line};
use futures::StreamExt;
use libp2p::multiaddr::Protocol;
use libp2p::request_response::{self, OutboundRequestId};
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, PeerId, Swarm, gossipsub};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The nodes' logs on stderr when `RUST_LOG` asks for them (e.g. `RUST_LOG=audacities_node=debug`).
fn logs() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_published_on_a_reaches_c_through_b_within_two_seconds() {
    logs();
    let net = Net::new();
    // Capped so that Kademlia does not connect A and C directly: the entry must go through B.
    let a = TestNode::start_with(&net, Setup::named("A").max_connections(1)).await;
    let b = TestNode::start_with(
        &net,
        Setup::named("B").peer(a.addr().await).max_connections(2),
    )
    .await;
    let c = TestNode::start_with(
        &net,
        Setup::named("C").peer(b.addr().await).max_connections(1),
    )
    .await;
    wait_for_mesh(&[&a, &b, &c], &[1, 2, 1], secs(15)).await;
    assert_eq!(
        c.peers().await,
        vec![b.peer_id().to_string()],
        "a chain: C's only peer is B"
    );

    let ids = a.publish_new(1).await;
    let took = wait_until("C holds the entry published on A", secs(2), async || {
        c.holds(&ids).await
    })
    .await;
    eprintln!("chain A–B–C: on C after {took:?}");
    b.holds(&ids).await.expect("B, in the middle, holds it too");
    stop_all([c, b, a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_joiner_catches_up_with_ten_thousand_entries() {
    logs();
    const N: usize = 10_000;
    let net = Net::new();
    let started = Instant::now();
    let lines = bulk(7, N);
    let a = TestNode::start_with(
        &net,
        Setup {
            name: "A",
            preload: &lines,
            ..Setup::default()
        },
    )
    .await;
    eprintln!(
        "late joiner: A holds {N} entries after {:?}",
        started.elapsed()
    );
    assert_eq!(a.count().await, N as u64);

    let b = TestNode::start_with(&net, Setup::named("B").peer(a.addr().await)).await;
    let took = wait_converged(&[&a, &b], N as u64, secs(120)).await;
    eprintln!(
        "late joiner: {N} entries caught up in {took:?} ({:.0} entries/s)",
        N as f64 / took.as_secs_f64()
    );
    assert_eq!(a.fingerprint().await, b.fingerprint().await);
    let sample: Vec<Id> = lines
        .iter()
        .step_by(97)
        .map(|l| audacities_protocol::Entry::decode(l).expect("valid").id())
        .collect();
    b.holds(&sample).await.expect("B holds A's entries");
    stop_all([b, a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partition_heals_and_every_node_holds_every_entry() {
    logs();
    let net = Net::new();
    let a = TestNode::start_with(&net, Setup::named("A")).await;
    let b = TestNode::start_with(&net, Setup::named("B").peer(a.addr().await)).await;
    let c = TestNode::start_with(&net, Setup::named("C")).await;
    let d = TestNode::start_with(&net, Setup::named("D").peer(c.addr().await)).await;
    wait_for_mesh(&[&a, &b, &c, &d], &[1, 1, 1, 1], secs(15)).await;

    // Both halves publish while apart.
    let mut left = Vec::new();
    let mut right = Vec::new();
    for round in 0..3 {
        left.extend(a.publish_new(2 + round).await);
        left.extend(b.publish_new(1).await);
        right.extend(c.publish_new(3).await);
        right.extend(d.publish_new(1 + round).await);
    }
    for (node, ids) in [(&a, &left), (&b, &left), (&c, &right), (&d, &right)] {
        wait_until(
            &format!("{} holds its half's entries", node.name),
            secs(5),
            async || node.holds(ids).await,
        )
        .await;
    }
    for node in [&a, &b] {
        assert_eq!(
            node.lacking(&right).await.len(),
            right.len(),
            "{}: the partition is real",
            node.name
        );
    }
    for node in [&c, &d] {
        assert_eq!(node.lacking(&left).await.len(), left.len());
    }

    // Heal: B dials C; one more entry on each side as it heals.
    let healed = Instant::now();
    b.dial(c.addr().await).await;
    left.extend(a.publish_new(1).await);
    right.extend(d.publish_new(1).await);
    let all: Vec<Id> = left.iter().chain(&right).copied().collect();
    let nodes = [&a, &b, &c, &d];
    wait_converged(&nodes, all.len() as u64, secs(30)).await;
    eprintln!(
        "partition healed: {} entries on 4 nodes converged {:?} after the dial",
        all.len(),
        healed.elapsed()
    );
    for node in nodes {
        // lost = 0: every published id on every node; unexpected = 0: nothing else.
        assert_eq!(node.lacking(&all).await, Vec::<Id>::new(), "{}", node.name);
        assert_eq!(node.count().await, all.len() as u64, "{}", node.name);
    }
    stop_all([d, c, b, a]).await;
}

/// A peer of the commons built with the node's own builder, driven by the test.
struct Hostile {
    swarm: Swarm<Behaviour>,
}

impl Hostile {
    fn new(net: &Net) -> Self {
        let options = Options {
            names: net.names(),
            mdns: false,
            relay_server: false,
            max_connections: 16,
            agent: "hostile/0".to_owned(),
        };
        let swarm = behaviour::build(libp2p::identity::Keypair::generate_ed25519(), &options)
            .expect("build the hostile swarm");
        Self { swarm }
    }

    fn peer_id(&self) -> PeerId {
        *self.swarm.local_peer_id()
    }

    /// Drives the swarm until `f` returns `true` for an event, at most `within`.
    async fn until(
        &mut self,
        what: &str,
        within: Duration,
        mut f: impl FnMut(&mut Swarm<Behaviour>, SwarmEvent<BehaviourEvent>) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.swarm.select_next_some()).await {
                Ok(event) => {
                    if f(&mut self.swarm, event) {
                        return;
                    }
                }
                Err(_) => panic!("hostile peer: {what}: not within {within:?}"),
            }
        }
    }
}

/// Sends raw bytes to a TCP port and waits for the other side to close, at most 20 s.
async fn raw_tcp(port: u16, bytes: Vec<u8>) -> Result<Duration, String> {
    let started = Instant::now();
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    // The node may close while we still write: that is a refusal too.
    let _ = stream.write_all(&bytes).await;
    let _ = stream.flush().await;
    let mut buf = vec![0u8; 4096];
    let closed = tokio::time::timeout(secs(20), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    closed
        .map(|()| started.elapsed())
        .map_err(|_| "still open after 20 s".to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_peer_is_refused_and_scored_down_and_the_others_are_unaffected() {
    logs();
    let net = Net::new();
    let a = TestNode::start_with(&net, Setup::named("A")).await;
    let a_addr = a.addr().await;
    let b = TestNode::start_with(&net, Setup::named("B").peer(a_addr.clone())).await;
    let c = TestNode::start_with(&net, Setup::named("C").peer(a_addr.clone())).await;
    wait_for_mesh(&[&a, &b, &c], &[2, 1, 1], secs(15)).await;
    let honest_before = b.publish_new(2).await;
    wait_converged(&[&a, &b, &c], 2, secs(5)).await;

    // Raw TCP noise at A's port, meanwhile: random bytes, and random bytes after a valid
    // multistream-select header.
    let port = a.tcp_port().await;
    let raw_random = tokio::spawn(raw_tcp(port, noise(1, 64 * 1024)));
    let mut header = b"\x13/multistream/1.0.0\n".to_vec();
    header.extend(noise(2, 16 * 1024));
    let raw_header = tokio::spawn(raw_tcp(port, header));

    // The hostile peer joins A's commons and waits for A's subscription to the topic.
    let mut hostile = Hostile::new(&net);
    let hostile_id = hostile.peer_id();
    let a_id = a.peer_id();
    hostile.swarm.dial(a_addr.clone()).expect("dial A");
    let topic = net.names().topic();
    hostile
        .until("A's subscription", secs(10), |_, event| {
            matches!(
                event,
                SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(gossipsub::Event::Subscribed {
                    peer_id, ..
                })) if peer_id == a_id
            )
        })
        .await;

    // An entry B will publish later, honestly; the hostile peer sends forged copies first.
    let genuine = fresh(1).remove(0);
    let genuine_id = audacities_protocol::Entry::decode(&genuine)
        .expect("valid")
        .id();
    let mut forged_sig = parse_line(&genuine);
    let sig = forged_sig["sig"].as_str().expect("sig").to_owned();
    let flipped = format!(
        "{}{}",
        if sig.starts_with('0') { '1' } else { '0' },
        &sig[1..]
    );
    forged_sig["sig"] = json!(flipped);
    let mut forged_body = parse_line(&genuine);
    forged_body["body"]["title"]["en"] = json!("A forged title");
    let mut oversized = genuine.clone();
    oversized.resize(MAX_ENTRY_BYTES + 1, b' ');
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("forged signature", encode_line(&forged_sig)),
        ("forged content", encode_line(&forged_body)),
        ("random bytes", noise(3, 700)),
        ("random bytes (large)", noise(4, 100_000)),
        ("limit + 1 bytes", oversized),
        ("random limit + 1 bytes", noise(5, MAX_ENTRY_BYTES + 1)),
    ];
    for (what, data) in &bad {
        hostile
            .swarm
            .behaviour_mut()
            .gossipsub
            .publish(topic.clone(), data.clone())
            .unwrap_or_else(|e| panic!("the hostile peer publishes {what}: {e}"));
    }

    // Sync requests A must refuse; one too large to be read at all.
    let mut garbage_version = vec![0xff];
    garbage_version.extend(noise(6, 300));
    // Version 0x61, a bound (timestamp 0, an id of 127 bytes) longer than the message.
    let mut garbage_bound = vec![0x61, 0x01, 0x7f];
    garbage_bound.extend(noise(7, 20));
    // Version 0x61, a bound (timestamp 0, empty id), then mode 7, which does not exist.
    let garbage_mode = vec![0x61, 0x01, 0x00, 0x07];
    let too_many: Vec<Id> = (0..=MAX_FETCH_IDS as u32)
        .map(|i| Id::hash(&i.to_le_bytes()))
        .collect();
    let too_large = Request::Reconcile(vec![0x61; MAX_REQUEST_BYTES as usize + 1]);
    // The right size and version, random cells: nothing decodes out of it.
    let mut random_sketch = vec![audacities_protocol::sketch::VERSION];
    random_sketch.extend(noise(9, audacities_protocol::sketch::WIRE_BYTES - 1));
    let sync = &mut hostile.swarm.behaviour_mut().sync;
    let refusals: Vec<(&str, OutboundRequestId)> = vec![
        (
            "reconcile with a bad version",
            sync.send_request(&a_id, Request::Reconcile(garbage_version)),
        ),
        (
            "reconcile with a truncated bound",
            sync.send_request(&a_id, Request::Reconcile(garbage_bound)),
        ),
        (
            "reconcile with an unknown mode",
            sync.send_request(&a_id, Request::Reconcile(garbage_mode)),
        ),
        (
            "fetch of too many ids",
            sync.send_request(&a_id, Request::Fetch(too_many)),
        ),
        (
            "a sketch of the wrong size",
            sync.send_request(&a_id, Request::Sketch(noise(8, 500))),
        ),
        (
            "a sketch of random cells",
            sync.send_request(&a_id, Request::Sketch(random_sketch)),
        ),
    ];
    let unread = sync.send_request(&a_id, too_large);
    let mut answers: Vec<(OutboundRequestId, Result<Response, String>)> = Vec::new();
    hostile
        .until("answers to its sync requests", secs(30), |_, event| {
            if let SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) = event {
                match event {
                    request_response::Event::Message {
                        message:
                            request_response::Message::Response {
                                request_id,
                                response,
                            },
                        ..
                    } => answers.push((request_id, Ok(response))),
                    request_response::Event::OutboundFailure {
                        request_id, error, ..
                    } => answers.push((request_id, Err(error.to_string()))),
                    _ => {}
                }
            }
            answers.len() == refusals.len() + 1
        })
        .await;
    for (what, id) in &refusals {
        let answer = answers.iter().find(|(r, _)| r == id).map(|(_, a)| a);
        assert!(
            matches!(answer, Some(Ok(Response::Refused(_)))),
            "{what}: refused, got {answer:?}"
        );
    }
    let answer = answers.iter().find(|(r, _)| *r == unread).map(|(_, a)| a);
    assert!(
        matches!(answer, Some(Err(_)) | Some(Ok(Response::Refused(_)))),
        "a request over {MAX_REQUEST_BYTES} bytes is not served: {answer:?}"
    );

    // Keep the hostile peer connected and its swarm running while A is looked at.
    let hostile_task = tokio::spawn(async move {
        loop {
            let _ = hostile.swarm.select_next_some().await;
        }
    });

    // A scores it down.
    let hostile_text = hostile_id.to_string();
    wait_until("A scores the hostile peer down", secs(10), async || {
        let status = a.status().await;
        let score = status
            .peers
            .iter()
            .find(|p| p.peer_id == hostile_text)
            .map(|p| p.score);
        match score {
            Some(Some(s)) if s < 0.0 => Ok(()),
            other => Err(format!("hostile peer's score on A: {other:?}")),
        }
    })
    .await;

    // The honest peers are unaffected: B's entry (the genuine copy of what was forged) and one
    // more reach A and C.
    let mut honest = honest_before.clone();
    honest.extend(b.publish(vec![genuine.clone()]).await);
    honest.extend(b.publish_new(1).await);
    assert_eq!(honest[2], genuine_id);
    for node in [&a, &c] {
        wait_until(
            &format!("{} gets B's honest entries", node.name),
            secs(5),
            async || node.holds(&honest).await,
        )
        .await;
    }
    // Nothing forged was stored: A holds exactly the honest entries, the genuine bytes.
    wait_converged(&[&a, &b, &c], honest.len() as u64, secs(5)).await;
    let stored = a
        .node()
        .store()
        .raw_many(vec![genuine_id])
        .expect("read A's store");
    assert_eq!(stored, vec![(genuine_id, genuine.clone())]);
    let status = a.status().await;
    for honest_peer in [&b, &c] {
        let id = honest_peer.peer_id().to_string();
        let peer = status
            .peers
            .iter()
            .find(|p| p.peer_id == id)
            .unwrap_or_else(|| panic!("{} is still A's peer", honest_peer.name));
        assert!(
            peer.score.unwrap_or(0.0) >= 0.0,
            "{}'s score on A: {:?}",
            honest_peer.name,
            peer.score
        );
    }

    for (what, task) in [("random", raw_random), ("header + random", raw_header)] {
        let closed = task.await.expect("raw TCP task");
        eprintln!("raw TCP ({what}) at A: {closed:?}");
        closed.unwrap_or_else(|e| panic!("A closes a raw TCP connection sending {what}: {e}"));
    }
    hostile_task.abort();
    stop_all([c, b, a]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_reachable_only_through_a_relay_syncs() {
    logs();
    let net = Net::new();
    let r = TestNode::start_with(
        &net,
        Setup {
            name: "R",
            relay_server: true,
            ..Setup::default()
        },
    )
    .await;
    let circuit = r.addr().await.with(Protocol::P2pCircuit);
    let lines = fresh(5);
    let c = TestNode::start_with(
        &net,
        Setup {
            name: "C",
            listen: Some(vec![circuit.to_string()]),
            preload: &lines,
            ..Setup::default()
        },
    )
    .await;
    let c_ids: Vec<Id> = lines
        .iter()
        .map(|l| audacities_protocol::Entry::decode(l).expect("valid").id())
        .collect();
    wait_until("C listens through R", secs(10), async || {
        let listen = c.status().await.listen;
        let relayed = listen.iter().all(|a| a.contains("/p2p-circuit"));
        if !listen.is_empty() && relayed {
            Ok(())
        } else {
            Err(format!("C's listen addresses: {listen:?}"))
        }
    })
    .await;

    let a = TestNode::start_with(&net, Setup::named("A")).await;
    let through_r: Multiaddr = circuit.with(Protocol::P2p(c.peer_id()));
    a.dial(through_r).await;
    let took = wait_until("A gets C's entries through R", secs(15), async || {
        a.holds(&c_ids).await
    })
    .await;
    eprintln!("relay: C's entries on A after {took:?}");
    let status = a.status().await;
    let c_text = c.peer_id().to_string();
    let peer = status
        .peers
        .iter()
        .find(|p| p.peer_id == c_text)
        .unwrap_or_else(|| panic!("C among A's peers: {:?}", status.peers));
    assert!(peer.relayed, "A reaches C through a circuit: {peer:?}");
    assert!(peer.address.contains("/p2p-circuit"), "{}", peer.address);
    // And C, which took the connection through its reservation, knows it is relayed too.
    let a_text = a.peer_id().to_string();
    let status = c.status().await;
    let peer = status
        .peers
        .iter()
        .find(|p| p.peer_id == a_text)
        .unwrap_or_else(|| panic!("A among C's peers: {:?}", status.peers));
    assert!(
        peer.relayed,
        "C is reached by A through a circuit: {peer:?}"
    );
    stop_all([a, c, r]).await;
}
