//! The actor map's layout and drawing at its caps: 400 actors and 1,500 relations (the most
//! `ui::graph` draws), best of 5.
//!
//! Run: `cargo bench -p audacities-node --bench graph`

use std::time::{Duration, Instant};

use audacities_node::ui::graph::{Actor, Labels, MAX_EDGES, MAX_NODES, Relation, Valence, render};

fn id(n: u64) -> String {
    format!("{n:064x}")
}

fn main() {
    let actors: Vec<Actor> = (0..MAX_NODES as u64)
        .map(|n| Actor {
            id: id(n),
            name: format!("Actor {n}"),
            category: Some("civic_tech".to_owned()),
            city: None,
        })
        .collect();
    let relations: Vec<Relation> = (0..MAX_EDGES as u64)
        .map(|n| Relation {
            id: id(1_000_000 + n),
            subject: id((n * 13) % MAX_NODES as u64),
            object: id((n * 31 + 7) % MAX_NODES as u64),
            valence: Valence::ALL[n as usize % 4],
            kind: "partnership".to_owned(),
            title: format!("Relation {n}"),
        })
        .collect();
    let mut best = Duration::MAX;
    let mut bytes = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let svg = render(&actors, &relations, &Labels::en());
        best = best.min(started.elapsed());
        bytes = svg.len();
    }
    println!(
        "actor map, {MAX_NODES} actors and {MAX_EDGES} relations: best of 5 {:.1} ms ({:.0} KB of SVG)",
        best.as_secs_f64() * 1000.0,
        bytes as f64 / 1000.0
    );
}
