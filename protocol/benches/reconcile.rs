//! Set reconciliation: bytes, round trips and time to reconcile two large sets that differ a little.
//!
//! `cargo bench -p audacities-protocol --bench reconcile`
//!
//! Two sets of N items each (N = 100,000, then 1,000,000; `AUDACITIES_BENCH_N` picks one N),
//! sharing N − 50 items, each holding 50 the other lacks. Creation times are spread over three
//! years; ids are random. Two placements of the difference are measured: anywhere in those three
//! years (the worst case for range splitting), and within the last day (the usual case: what a
//! node missed while it was away).

use std::time::{Duration, Instant};

use audacities_protocol::Id;
use audacities_protocol::reconcile::{Initiator, Set, respond};
use audacities_protocol::sketch::Sketch;

/// splitmix64: a tiny, seeded, dependency-free generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn id(&mut self) -> Id {
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        Id::from_bytes(bytes)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const START_MS: u64 = 1_672_531_200_000; // 2023-01-01
const YEARS_3_MS: u64 = 3 * 365 * 24 * 3600 * 1000;
const DAY_MS: u64 = 24 * 3600 * 1000;
const EACH_SIDE: usize = 50;

struct Outcome {
    /// The sketch round (`sketch` module): bytes up (the sketch), bytes down (the needed ids as
    /// the node's CBOR answer carries them: 64 hex characters + 2 bytes each, + 24), the time to
    /// subtract and peel, the time to build one side's sketch (cached by a node).
    sketch_up: usize,
    sketch_down: usize,
    sketch_time: Duration,
    sketch_build: Duration,
    up: usize,
    down: usize,
    largest: usize,
    rounds: usize,
    time: Duration,
}

fn run(n: usize, recent: bool, seed: u64) -> Outcome {
    let mut rng = Rng(seed);
    let common: Vec<(u64, Id)> = (0..n - EACH_SIDE)
        .map(|_| (START_MS + rng.below(YEARS_3_MS), rng.id()))
        .collect();
    let only = |rng: &mut Rng| -> Vec<(u64, Id)> {
        (0..EACH_SIDE)
            .map(|_| {
                let t = if recent {
                    START_MS + YEARS_3_MS - DAY_MS + rng.below(DAY_MS)
                } else {
                    START_MS + rng.below(YEARS_3_MS)
                };
                (t, rng.id())
            })
            .collect()
    };
    let only_a = only(&mut rng);
    let only_b = only(&mut rng);
    let ids_a: Vec<Id> = common.iter().chain(&only_a).map(|(_, id)| *id).collect();
    let ids_b: Vec<Id> = common.iter().chain(&only_b).map(|(_, id)| *id).collect();
    let built = Instant::now();
    let sketch_a = Sketch::new(&ids_a);
    let sketch_build = built.elapsed();
    let sketch_b = Sketch::new(&ids_b);
    let sent = sketch_a.to_bytes();
    let started = Instant::now();
    let difference = Sketch::from_bytes(&sent)
        .expect("sketch")
        .subtract(&sketch_b)
        .expect("a difference of 100 decodes");
    let sketch_time = started.elapsed();
    let mut got: Vec<Id> = difference.theirs.clone();
    got.sort();
    let mut want: Vec<Id> = only_b.iter().map(|(_, id)| *id).collect();
    want.sort();
    assert_eq!(got, want, "the sketch's need");
    let sketch_up = sent.len();
    let sketch_down = difference.theirs.len() * 66 + 24;

    let a = Set::new(common.iter().chain(&only_a).copied()).expect("set a");
    let b = Set::new(common.iter().chain(&only_b).copied()).expect("set b");
    assert_eq!((a.len(), b.len()), (n, n));

    let started = Instant::now();
    let mut initiator = Initiator::new(a).expect("initiator");
    let mut message = initiator.start().expect("start");
    let (mut up, mut down, mut largest) = (0, 0, 0);
    loop {
        up += message.len();
        let reply = respond(&b, &message).expect("respond");
        down += reply.len();
        largest = largest.max(message.len()).max(reply.len());
        match initiator.step(&reply).expect("step") {
            Some(next) => message = next,
            None => break,
        }
    }
    let time = started.elapsed();

    let mut have = initiator.have().to_vec();
    let mut need = initiator.need().to_vec();
    have.sort();
    need.sort();
    let mut want_have: Vec<Id> = only_a.iter().map(|(_, id)| *id).collect();
    let mut want_need: Vec<Id> = only_b.iter().map(|(_, id)| *id).collect();
    want_have.sort();
    want_need.sort();
    assert_eq!(have, want_have, "have");
    assert_eq!(need, want_need, "need");

    Outcome {
        sketch_up,
        sketch_down,
        sketch_time,
        sketch_build,
        up,
        down,
        largest,
        rounds: initiator.rounds(),
        time,
    }
}

fn main() {
    let sizes: Vec<usize> = match std::env::var("AUDACITIES_BENCH_N") {
        Ok(n) => vec![n.parse().expect("AUDACITIES_BENCH_N is a number")],
        Err(_) => vec![100_000, 1_000_000],
    };
    println!(
        "two sets of N items, {EACH_SIDE} only on each side; message limit {} bytes",
        audacities_protocol::reconcile::MAX_MESSAGE_BYTES
    );
    for n in sizes {
        for recent in [false, true] {
            let place = if recent { "last day" } else { "anywhere" };
            // Several seeds: the bytes depend on where the differences fall.
            let outcomes: Vec<Outcome> = (1..=5).map(|seed| run(n, recent, seed)).collect();
            for o in &outcomes {
                println!(
                    "N={n:>9} diff {place:<8}: {:>6} B up + {:>6} B down = {:>6} B ({:.1} KiB), \
                     largest message {:>6} B, {} round trips, {:>7.1} ms",
                    o.up,
                    o.down,
                    o.up + o.down,
                    (o.up + o.down) as f64 / 1024.0,
                    o.largest,
                    o.rounds,
                    o.time.as_secs_f64() * 1e3,
                );
                println!(
                    "N={n:>9} diff {place:<8}: sketch first: {:>6} B up + {:>6} B down = {:>6} B ({:.1} KiB), \
                     1 round trip, {:>5.2} ms to peel (+ {:>6.1} ms to build a side's sketch, cached by a node)",
                    o.sketch_up,
                    o.sketch_down,
                    o.sketch_up + o.sketch_down,
                    (o.sketch_up + o.sketch_down) as f64 / 1024.0,
                    o.sketch_time.as_secs_f64() * 1e3,
                    o.sketch_build.as_secs_f64() * 1e3,
                );
            }
        }
    }
}
