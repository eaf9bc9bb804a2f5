//! The "cartography of actors": one SVG picture of the actors known to this node and of the
//! relations (`actor_relation` entries) between them, to embed inline in an HTML page.
//!
//! Why it exists: a list of `actor_relation` entries says little; a map shows at a glance who
//! cooperates with whom, where the tensions and conflicts are, which actors are at the centre
//! and which relations point to actors this node has not received yet. The picture is built on
//! the server, as a pure function of its input, so the page needs no JavaScript and the same
//! data always gives the same bytes (pages can be cached and compared, tests are exact).
//!
//! What is drawn:
//! - one node per actor given and per relation endpoint that no actor has (a *missing* actor:
//!   grey dashed circle, labelled "missing actor" and the first 8 characters of its id); each
//!   node is a link `<a class="actor" href="/entries/{id}">` with a `<title>` tooltip;
//! - one edge per relation, `<a class="relation" data-valence="…" href="/entries/{id}">`, an
//!   arrow from subject to object coloured *and* dashed by valence (colour-blind readers),
//!   over an invisible wide stroke so that it is easy to click; several relations between the
//!   same two actors are curved with different offsets, a relation of an actor with itself is
//!   a small loop;
//! - a legend (the four valences and the missing actor), and a note when the caps below left
//!   actors or relations out.
//!
//! Layout: deterministic and bounded.
//! 1. The input is sorted by id (and deduplicated by id) first, so its order does not matter.
//! 2. Caps: at most [`MAX_NODES`] nodes and [`MAX_EDGES`] relations are drawn. Beyond them the
//!    most connected nodes are kept (ties: smallest id), then the relations whose endpoints
//!    are the most connected; the picture says how many were left out.
//! 3. Each connected component is laid out on its own by Fruchterman–Reingold (ideal edge
//!    length 1, [`ITERATIONS`] iterations with linear cooling, exact O(n²) repulsion written so
//!    that the compiler vectorises it, a weak pull to the centre). Its starting positions are
//!    not a circle but hop distances to four far-apart pivot nodes (a poor man's
//!    multidimensional scaling, see `initial_positions`): started on a circle, FR folds grids
//!    and long chains over themselves, and needs many more iterations. Laying components out
//!    separately also avoids the classic problem of FR, where unconnected parts push each
//!    other away to the edges of the frame.
//! 4. The components are then packed in rows (shelf packing, tallest first), which keeps them
//!    close together, isolated actors ending up as a grid at the bottom.
//! 5. Everything is scaled to pixels ([`PX_PER_UNIT`] per ideal edge, reduced if the picture
//!    would be wider or taller than [`MAX_SPAN`] px) and the viewBox is the bounding box of
//!    circles, estimated label widths, curves and loops, plus margins and the legend.
//!
//! Cost: O(n + m) for selection and start, O(ITERATIONS · Σ component²) for FR, that is at
//! most 100 · 400² cheap pair interactions: about 12 ms for 400 nodes and 1,500 relations in
//! release mode on a busy 2-core machine (see the ignored test `four_hundred_nodes_render_fast`).
//! Only `f64`/`f32` arithmetic, `sqrt`, `sin` and `cos` are used, in a fixed order, with no
//! hashing order nor randomness, so the output is byte-identical on a given build. Numbers are
//! written with one decimal and non-finite values can not reach the output.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::{self, Write};
use std::str::FromStr;

use crate::ui::html::push_escaped;

/// At most this many nodes (actors, present or missing) are drawn; the most connected win.
pub const MAX_NODES: usize = 400;
/// At most this many relations are drawn; those between the most connected actors win.
pub const MAX_EDGES: usize = 1_500;
/// Fruchterman–Reingold iterations per connected component.
pub const ITERATIONS: usize = 100;
/// Pixels per unit of layout, that is per ideal edge length.
pub const PX_PER_UNIT: f64 = 90.0;
/// The drawing area is scaled down so that neither side exceeds this many pixels.
pub const MAX_SPAN: f64 = 4_000.0;

/// Names longer than this (in characters) are truncated with "…" in the label.
const LABEL_CHARS: usize = 28;
/// Estimated width of one character of a 12 px label, to reserve room for labels.
const CHAR_WIDTH: f64 = 6.8;
const FONT_SIZE: f64 = 12.0;
/// Outer margin of the picture, in pixels.
const MARGIN: f64 = 16.0;
/// Minimal width of the picture, so that the legend stays readable.
const MIN_WIDTH: f64 = 480.0;
const LEGEND_ROW: f64 = 20.0;
/// Distance between two parallel relations at their middle, in pixels.
const PARALLEL_SPACING: f64 = 24.0;
/// Parallel relations never spread further than this from the straight line, in pixels.
const PARALLEL_SPREAD: f64 = 72.0;
/// Room around each component when packing, in layout units (room for labels and loops).
const PACK_PAD_X: f64 = 1.1;
const PACK_PAD_Y: f64 = 0.6;
/// Softening of the repulsion (squared distance added), avoids infinities for close nodes.
const SOFTENING: f32 = 0.01;
/// Largest move of a node in the first iteration, in layout units (at least; grows with the
/// square root of the component's size), cooling down linearly.
const INITIAL_TEMPERATURE: f64 = 1.0;
/// Weak pull to the centre of each component, keeps dangling trees compact.
const GRAVITY: f64 = 0.05;

/// An actor to draw: an `actor` entry known to this node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The id of the `actor` entry (64 lowercase hex).
    pub id: String,
    /// Its name (the entry's title, in the reader's language).
    pub name: String,
    /// Its `actor_category`, e.g. `civic_tech`.
    pub category: Option<String>,
    /// The display name of the city that published it.
    pub city: Option<String>,
}

/// How two actors relate (`valence` of an `actor_relation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Valence {
    Cooperation,
    Tension,
    Conflict,
    Mixed,
}

impl Valence {
    /// All valences, in legend order.
    pub const ALL: [Valence; 4] = [
        Valence::Cooperation,
        Valence::Tension,
        Valence::Conflict,
        Valence::Mixed,
    ];

    /// The word used in entries (`cooperation`, `tension`, `conflict`, `mixed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Valence::Cooperation => "cooperation",
            Valence::Tension => "tension",
            Valence::Conflict => "conflict",
            Valence::Mixed => "mixed",
        }
    }

    /// The stroke colour of its edges.
    pub fn color(self) -> &'static str {
        match self {
            Valence::Cooperation => "#2e7d32",
            Valence::Tension => "#ef6c00",
            Valence::Conflict => "#c62828",
            Valence::Mixed => "#6a1b9a",
        }
    }

    /// The dash pattern of its edges (solid for cooperation), for readers who do not see colours.
    pub fn dash(self) -> Option<&'static str> {
        match self {
            Valence::Cooperation => None,
            Valence::Tension => Some("8 4"),
            Valence::Conflict => Some("2 3"),
            Valence::Mixed => Some("10 3 2 3"),
        }
    }

    fn stroke_width(self) -> &'static str {
        match self {
            Valence::Conflict => "2.5",
            _ => "2",
        }
    }
}

impl fmt::Display for Valence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that is not a valence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValence(pub String);

impl fmt::Display for UnknownValence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown valence {:?}", self.0)
    }
}

impl std::error::Error for UnknownValence {}

impl FromStr for Valence {
    type Err = UnknownValence;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Valence::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownValence(s.to_owned()))
    }
}

/// A relation to draw: an `actor_relation` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// The id of the `actor_relation` entry.
    pub id: String,
    /// The id of the subject actor.
    pub subject: String,
    /// The id of the object actor.
    pub object: String,
    pub valence: Valence,
    /// Its `relation_kind`, e.g. `partnership`.
    pub kind: String,
    /// The entry's title.
    pub title: String,
}

/// The localized words of the picture. `{actors}` and `{relations}` in [`Labels::summary`] and
/// [`Labels::omitted`] are replaced by numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// The name of the picture (start of its `aria-label`).
    pub title: String,
    /// Counts, after the title in the `aria-label`.
    pub summary: String,
    pub cooperation: String,
    pub tension: String,
    pub conflict: String,
    pub mixed: String,
    /// Label of an actor that has not reached this node (followed by the start of its id).
    pub missing: String,
    /// Shown instead of the map when there is nothing to draw.
    pub empty: String,
    /// Shown when the caps left actors or relations out.
    pub omitted: String,
}

impl Labels {
    pub fn en() -> Self {
        Labels {
            title: "Cartography of actors".into(),
            summary: "{actors} actors, {relations} relations".into(),
            cooperation: "cooperation".into(),
            tension: "tension".into(),
            conflict: "conflict".into(),
            mixed: "mixed".into(),
            missing: "missing actor".into(),
            empty: "No actors yet.".into(),
            omitted: "Not shown: {actors} actors and {relations} relations (the most connected are drawn)."
                .into(),
        }
    }

    pub fn fr() -> Self {
        Labels {
            title: "Cartographie des acteurs".into(),
            summary: "{actors} acteurs, {relations} relations".into(),
            cooperation: "coopération".into(),
            tension: "tension".into(),
            conflict: "conflit".into(),
            mixed: "mixte".into(),
            missing: "acteur manquant".into(),
            empty: "Aucun acteur pour l’instant.".into(),
            omitted: "Non affichés : {actors} acteurs et {relations} relations (les plus connectés sont dessinés)."
                .into(),
        }
    }

    /// The word for a valence.
    pub fn valence(&self, valence: Valence) -> &str {
        match valence {
            Valence::Cooperation => &self.cooperation,
            Valence::Tension => &self.tension,
            Valence::Conflict => &self.conflict,
            Valence::Mixed => &self.mixed,
        }
    }
}

fn fill_counts(template: &str, actors: usize, relations: usize) -> String {
    template
        .replace("{actors}", &actors.to_string())
        .replace("{relations}", &relations.to_string())
}

/// A coordinate written with one decimal; never `NaN`, `inf` nor `-0.0`.
#[derive(Clone, Copy)]
struct N(f64);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Integer tenths: faster than float formatting, and `as` saturates (NaN gives 0).
        let tenths = if self.0.is_finite() {
            (self.0 * 10.0).round() as i64
        } else {
            0
        };
        let sign = if tenths < 0 { "-" } else { "" };
        let abs = tenths.unsigned_abs();
        write!(f, "{sign}{}.{}", abs / 10, abs % 10)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct P {
    x: f64,
    y: f64,
}

impl P {
    fn new(x: f64, y: f64) -> Self {
        P { x, y }
    }
    fn add(self, o: P) -> P {
        P::new(self.x + o.x, self.y + o.y)
    }
    fn sub(self, o: P) -> P {
        P::new(self.x - o.x, self.y - o.y)
    }
    fn scale(self, s: f64) -> P {
        P::new(self.x * s, self.y * s)
    }
    fn len(self) -> f64 {
        (self.x * self.x + self.y * self.y).sqrt()
    }
    /// The unit vector, or `fallback` for a (nearly) null vector.
    fn unit_or(self, fallback: P) -> P {
        let l = self.len();
        if l > 1e-9 && l.is_finite() {
            self.scale(1.0 / l)
        } else {
            fallback
        }
    }
}

/// An axis-aligned bounding box.
#[derive(Clone, Copy, Debug)]
struct BBox {
    min: P,
    max: P,
}

impl BBox {
    fn empty() -> Self {
        BBox {
            min: P::new(f64::INFINITY, f64::INFINITY),
            max: P::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
        }
    }
    fn include(&mut self, p: P) {
        if p.x.is_finite() && p.y.is_finite() {
            self.min.x = self.min.x.min(p.x);
            self.min.y = self.min.y.min(p.y);
            self.max.x = self.max.x.max(p.x);
            self.max.y = self.max.y.max(p.y);
        }
    }
    fn is_empty(&self) -> bool {
        self.min.x > self.max.x
    }
    fn width(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.max.x - self.min.x
        }
    }
    fn height(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.max.y - self.min.y
        }
    }
}

/// A node after selection: an actor, or the id of a missing one.
struct Node<'a> {
    id: &'a str,
    actor: Option<&'a Actor>,
}

/// A relation after selection, with the indexes of its endpoints in the node list.
struct Edge<'a> {
    rel: &'a Relation,
    s: usize,
    o: usize,
}

/// What is drawn, sorted by id, after deduplication and caps.
struct Selection<'a> {
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge<'a>>,
    omitted_nodes: usize,
    omitted_edges: usize,
}

fn select<'a>(actors: &'a [Actor], relations: &'a [Relation]) -> Selection<'a> {
    let mut acts: Vec<&Actor> = actors.iter().collect();
    acts.sort_by(|a, b| {
        (&a.id, &a.name, &a.category, &a.city).cmp(&(&b.id, &b.name, &b.category, &b.city))
    });
    acts.dedup_by(|later, first| later.id == first.id);

    let mut rels: Vec<&Relation> = relations.iter().collect();
    rels.sort_by(|a, b| {
        (&a.id, &a.subject, &a.object, a.valence, &a.kind, &a.title)
            .cmp(&(&b.id, &b.subject, &b.object, b.valence, &b.kind, &b.title))
    });
    rels.dedup_by(|later, first| later.id == first.id);

    // Every node, by id, with its degree over all relations.
    let mut all: BTreeMap<&str, (Option<&Actor>, usize)> = BTreeMap::new();
    for a in &acts {
        all.insert(a.id.as_str(), (Some(*a), 0));
    }
    for r in &rels {
        all.entry(r.subject.as_str()).or_insert((None, 0)).1 += 1;
        if r.object != r.subject {
            all.entry(r.object.as_str()).or_insert((None, 0)).1 += 1;
        }
    }
    let total_nodes = all.len();
    let mut kept: Vec<(&str, Option<&Actor>, usize)> =
        all.into_iter().map(|(id, (a, d))| (id, a, d)).collect();
    if kept.len() > MAX_NODES {
        kept.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(b.0)));
        kept.truncate(MAX_NODES);
        kept.sort_by(|a, b| a.0.cmp(b.0));
    }
    let degree: Vec<usize> = kept.iter().map(|k| k.2).collect();
    let nodes: Vec<Node> = kept
        .iter()
        .map(|&(id, actor, _)| Node { id, actor })
        .collect();
    let index = |id: &str| nodes.binary_search_by(|n| n.id.cmp(id)).ok();

    let total_edges = rels.len();
    let mut edges: Vec<Edge> = rels
        .iter()
        .filter_map(|r| {
            Some(Edge {
                rel: r,
                s: index(&r.subject)?,
                o: index(&r.object)?,
            })
        })
        .collect();
    if edges.len() > MAX_EDGES {
        let weight = |e: &Edge| degree[e.s] + degree[e.o];
        edges.sort_by(|a, b| {
            weight(b)
                .cmp(&weight(a))
                .then_with(|| a.rel.id.cmp(&b.rel.id))
        });
        edges.truncate(MAX_EDGES);
        edges.sort_by(|a, b| a.rel.id.cmp(&b.rel.id));
    }
    Selection {
        omitted_nodes: total_nodes - nodes.len(),
        omitted_edges: total_edges - edges.len(),
        nodes,
        edges,
    }
}

/// One connected component laid out, with its padded bounding box.
struct Component {
    /// Its nodes, in breadth-first order.
    order: Vec<usize>,
    /// Their positions, in the same order.
    positions: Vec<P>,
    bbox: BBox,
}

/// Positions of `n` nodes, in layout units (ideal edge length 1), given the distinct undirected
/// pairs `(a, b)` with `a < b`: components laid out by [`fruchterman_reingold`], then packed.
fn layout(n: usize, pairs: &[(usize, usize)]) -> Vec<P> {
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in pairs {
        adjacency[a].push(b);
        adjacency[b].push(a);
    }
    for list in &mut adjacency {
        list.sort_unstable();
    }

    // Components in breadth-first order from their smallest node.
    let mut seen = vec![false; n];
    let mut local = vec![0usize; n];
    let mut boxes: Vec<Component> = Vec::new();
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut order = vec![start];
        let mut queue = VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            for &w in &adjacency[v] {
                if !seen[w] {
                    seen[w] = true;
                    order.push(w);
                    queue.push_back(w);
                }
            }
        }
        for (i, &v) in order.iter().enumerate() {
            local[v] = i;
        }
        let local_pairs: Vec<(usize, usize)> = order
            .iter()
            .flat_map(|&v| {
                adjacency[v]
                    .iter()
                    .filter(move |&&w| w > v)
                    .map(|&w| (local[v], local[w]))
                    .collect::<Vec<_>>()
            })
            .collect();
        let positions = fruchterman_reingold(order.len(), &local_pairs);
        let mut bbox = BBox::empty();
        for &p in &positions {
            bbox.include(p);
        }
        bbox.min = bbox.min.sub(P::new(PACK_PAD_X, PACK_PAD_Y));
        bbox.max = bbox.max.add(P::new(PACK_PAD_X, PACK_PAD_Y));
        boxes.push(Component {
            order,
            positions,
            bbox,
        });
    }

    // Shelf packing: tallest first, rows about 4:3 of the total area wide.
    boxes.sort_by(|a, b| {
        b.bbox
            .height()
            .total_cmp(&a.bbox.height())
            .then_with(|| b.order.len().cmp(&a.order.len()))
            .then_with(|| a.order.first().cmp(&b.order.first()))
    });
    let area: f64 = boxes.iter().map(|b| b.bbox.width() * b.bbox.height()).sum();
    let widest = boxes.iter().map(|b| b.bbox.width()).fold(0.0, f64::max);
    let row_width = widest.max((area * 4.0 / 3.0).sqrt());
    let mut rows: Vec<Vec<&Component>> = Vec::new();
    let mut x = 0.0f64;
    for component in &boxes {
        let w = component.bbox.width();
        match rows.last_mut() {
            Some(row) if x + w <= row_width + 1e-9 => row.push(component),
            _ => {
                rows.push(vec![component]);
                x = 0.0;
            }
        }
        x += w;
    }
    let mut out = vec![P::new(0.0, 0.0); n];
    let mut y = 0.0;
    for row in rows {
        let row_height = row.iter().map(|c| c.bbox.height()).fold(0.0, f64::max);
        let mut x = 0.0;
        for Component {
            order,
            positions,
            bbox,
        } in row
        {
            // Each component centred vertically in its row.
            let offset = P::new(x, y + (row_height - bbox.height()) / 2.0).sub(bbox.min);
            for (&v, &p) in order.iter().zip(positions) {
                out[v] = p.add(offset);
            }
            x += bbox.width();
        }
        y += row_height;
    }
    out
}

/// Starting positions for [`fruchterman_reingold`], from hop distances to four pivots: `a`
/// and `b` far apart (two sweeps of breadth-first search), `c` as far as possible from both
/// and `d` far from `c`; x = (dist(a) − dist(b)) / 2, y = (dist(c) − dist(d)) / 2. This is a
/// cheap, deterministic stand-in for multidimensional scaling: grids and trees start unfolded,
/// where a circle makes FR fold them. A small golden-angle spiral separates nodes that would
/// start at the same point (which would then never push each other apart).
fn initial_positions(n: usize, pairs: &[(usize, usize)]) -> Vec<P> {
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in pairs {
        if a < n && b < n {
            adjacency[a].push(b);
            adjacency[b].push(a);
        }
    }
    let distances = |source: usize| -> Vec<f64> {
        let mut hops = vec![usize::MAX; n];
        let mut queue = VecDeque::new();
        if source < n {
            hops[source] = 0;
            queue.push_back(source);
        }
        while let Some(v) = queue.pop_front() {
            for &w in &adjacency[v] {
                if hops[w] == usize::MAX {
                    hops[w] = hops[v] + 1;
                    queue.push_back(w);
                }
            }
        }
        // Unreachable can not happen within a component; count it as the source itself.
        hops.into_iter()
            .map(|h| if h == usize::MAX { 0.0 } else { h as f64 })
            .collect()
    };
    // The first node with the largest value.
    let farthest = |values: &[f64]| -> usize {
        let mut best = 0;
        for (i, &v) in values.iter().enumerate() {
            if v > values[best] {
                best = i;
            }
        }
        best
    };
    let a = farthest(&distances(0));
    let from_a = distances(a);
    let from_b = distances(farthest(&from_a));
    let closest_pivot: Vec<f64> = from_a.iter().zip(&from_b).map(|(x, y)| x.min(*y)).collect();
    let from_c = distances(farthest(&closest_pivot));
    let from_d = distances(farthest(&from_c));
    const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;
    (0..n)
        .map(|i| {
            let angle = GOLDEN_ANGLE * i as f64;
            let jitter = 0.3 * ((i + 1) as f64 / n as f64).sqrt();
            P::new(
                (from_a[i] - from_b[i]) / 2.0 + jitter * angle.cos(),
                (from_c[i] - from_d[i]) / 2.0 + jitter * angle.sin(),
            )
        })
        .collect()
}

/// Fruchterman–Reingold layout of one connected component of `n` nodes (numbered in
/// breadth-first order) with the distinct undirected `pairs`, ideal edge length 1.
fn fruchterman_reingold(n: usize, pairs: &[(usize, usize)]) -> Vec<P> {
    if n <= 1 {
        return vec![P::new(0.0, 0.0); n];
    }
    let start = initial_positions(n, pairs);
    let mut xs: Vec<f64> = start.iter().map(|p| p.x).collect();
    let mut ys: Vec<f64> = start.iter().map(|p| p.y).collect();
    let (mut xs32, mut ys32) = (vec![0.0f32; n], vec![0.0f32; n]);
    let (mut dxs32, mut dys32) = (vec![0.0f32; n], vec![0.0f32; n]);
    let (mut wx, mut wy) = (vec![0.0f32; n], vec![0.0f32; n]);
    let mut dxs = vec![0.0f64; n];
    let mut dys = vec![0.0f64; n];
    let t0 = INITIAL_TEMPERATURE.max(0.25 * (n as f64).sqrt());
    for iteration in 0..ITERATIONS {
        let temperature = t0 * (1.0 - iteration as f64 / ITERATIONS as f64) + 0.01;
        for i in 0..n {
            xs32[i] = xs[i] as f32;
            ys32[i] = ys[i] as f32;
        }
        repulsion(&xs32, &ys32, (&mut dxs32, &mut dys32), (&mut wx, &mut wy));
        for i in 0..n {
            dxs[i] = f64::from(dxs32[i]);
            dys[i] = f64::from(dys32[i]);
        }
        for &(a, b) in pairs {
            let (dx, dy) = (xs[a] - xs[b], ys[a] - ys[b]);
            // Attraction d²/k along the unit vector: (dx, dy) · d.
            let d = (dx * dx + dy * dy).sqrt();
            dxs[a] -= dx * d;
            dys[a] -= dy * d;
            dxs[b] += dx * d;
            dys[b] += dy * d;
        }
        for i in 0..n {
            let (dx, dy) = (dxs[i] - GRAVITY * xs[i], dys[i] - GRAVITY * ys[i]);
            let length = (dx * dx + dy * dy).sqrt();
            if length > 1e-12 && length.is_finite() {
                let moved = length.min(temperature) / length;
                xs[i] += dx * moved;
                ys[i] += dy * moved;
            }
        }
    }
    xs.into_iter().zip(ys).map(|(x, y)| P::new(x, y)).collect()
}

/// FR repulsion k²/d along the unit vector, that is (dx, dy) / d² (softened), summed over
/// every other node. Written for the compiler's loop vectoriser: `f32`, one pass filling the
/// per-pair forces into the scratch buffers `wx`, `wy`, then sums over fixed lanes (about 4×
/// faster than a scalar loop). The order of operations is fixed, so the result is
/// deterministic. A node does not push itself (dx = dy = 0).
fn repulsion(
    xs: &[f32],
    ys: &[f32],
    forces: (&mut [f32], &mut [f32]),
    scratch: (&mut [f32], &mut [f32]),
) {
    let n = xs
        .len()
        .min(ys.len())
        .min(scratch.0.len())
        .min(scratch.1.len());
    let (xs, ys) = (&xs[..n], &ys[..n]);
    let (wx, wy) = (&mut scratch.0[..n], &mut scratch.1[..n]);
    for ((&xi, &yi), (fx, fy)) in xs
        .iter()
        .zip(ys)
        .zip(forces.0.iter_mut().zip(forces.1.iter_mut()))
    {
        for (((&x, &y), wx), wy) in xs.iter().zip(ys).zip(wx.iter_mut()).zip(wy.iter_mut()) {
            let dx = xi - x;
            let dy = yi - y;
            let f = 1.0 / (dx * dx + dy * dy + SOFTENING);
            *wx = dx * f;
            *wy = dy * f;
        }
        *fx = lane_sum(wx);
        *fy = lane_sum(wy);
    }
}

/// The sum of `values` over 8 independent lanes (vectorised, unlike a plain float sum).
fn lane_sum(values: &[f32]) -> f32 {
    const LANES: usize = 8;
    let (body, tail) = values.as_chunks::<LANES>();
    let mut acc = [0.0f32; LANES];
    for chunk in body {
        for l in 0..LANES {
            acc[l] += chunk[l];
        }
    }
    acc.iter().sum::<f32>() + tail.iter().sum::<f32>()
}

/// The drawn form of a relation.
enum Shape {
    /// A quadratic curve (straight when the control point is on the chord).
    Curve { from: P, control: P, to: P },
    /// A loop above a node, for a relation of an actor with itself.
    Loop { from: P, c1: P, c2: P, to: P },
}

impl Shape {
    fn path(&self) -> String {
        match *self {
            Shape::Curve { from, control, to } => format!(
                "M{} {}Q{} {} {} {}",
                N(from.x),
                N(from.y),
                N(control.x),
                N(control.y),
                N(to.x),
                N(to.y)
            ),
            Shape::Loop { from, c1, c2, to } => format!(
                "M{} {}C{} {} {} {} {} {}",
                N(from.x),
                N(from.y),
                N(c1.x),
                N(c1.y),
                N(c2.x),
                N(c2.y),
                N(to.x),
                N(to.y)
            ),
        }
    }
}

fn node_radius(degree: usize) -> f64 {
    (7.0 + 2.2 * (degree as f64).sqrt()).min(20.0)
}

fn label_text(node: &Node, labels: &Labels) -> String {
    match node.actor {
        Some(actor) => {
            let count = actor.name.chars().count();
            if count > LABEL_CHARS {
                let mut s: String = actor.name.chars().take(LABEL_CHARS - 1).collect();
                s.push('…');
                s
            } else {
                actor.name.clone()
            }
        }
        None => {
            let start: String = node.id.chars().take(8).collect();
            format!("{} {start}", labels.missing)
        }
    }
}

fn display_name(node: &Node, labels: &Labels) -> String {
    match node.actor {
        Some(actor) => actor.name.clone(),
        None => format!("{} {}", labels.missing, node.id),
    }
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// Renders the map of `actors` and `relations` as a standalone `<svg id="actor-map">` element.
///
/// Same input in any order gives the same bytes. See the module documentation for the caps.
pub fn render(actors: &[Actor], relations: &[Relation], labels: &Labels) -> String {
    let selection = select(actors, relations);
    if selection.nodes.is_empty() {
        return render_empty(labels);
    }
    let nodes = &selection.nodes;
    let edges = &selection.edges;
    let n = nodes.len();

    let mut degree = vec![0usize; n];
    let mut pair_set = BTreeSet::new();
    for e in edges {
        degree[e.s] += 1;
        if e.o != e.s {
            degree[e.o] += 1;
            pair_set.insert((e.s.min(e.o), e.s.max(e.o)));
        }
    }
    let pairs: Vec<(usize, usize)> = pair_set.into_iter().collect();
    let units = layout(n, &pairs);

    // Scale to pixels.
    let mut unit_box = BBox::empty();
    for &p in &units {
        unit_box.include(p);
    }
    let span = unit_box.width().max(unit_box.height());
    let scale = if span * PX_PER_UNIT > MAX_SPAN {
        MAX_SPAN / span
    } else {
        PX_PER_UNIT
    };
    let mut pos: Vec<P> = units.iter().map(|p| p.scale(scale)).collect();
    let radius: Vec<f64> = degree.iter().map(|&d| node_radius(d)).collect();
    let label: Vec<String> = nodes.iter().map(|node| label_text(node, labels)).collect();

    // Bounding box of everything but the legend, then shift into place.
    let mut content = BBox::empty();
    for i in 0..n {
        let half = (text_width(&label[i]) / 2.0).max(radius[i]);
        content.include(P::new(pos[i].x - half, pos[i].y - radius[i]));
        content.include(P::new(
            pos[i].x + half,
            pos[i].y + radius[i] + FONT_SIZE + 6.0,
        ));
    }
    let shapes_at = |pos: &[P]| shapes(edges, pos, &radius);
    for (_, shape) in shapes_at(&pos) {
        match shape {
            Shape::Curve { from, control, to } => {
                // The curve lies within the chord-aligned rectangle reaching half-way to the
                // control point.
                let bulge = control.sub(from.add(to).scale(0.5)).scale(0.5);
                for p in [from, to, from.add(bulge), to.add(bulge)] {
                    content.include(p);
                }
            }
            Shape::Loop { from, c1, c2, to } => {
                for p in [from, c1, c2, to] {
                    content.include(p);
                }
            }
        }
    }
    let content_width = content.width() + 2.0 * MARGIN;
    let width = content_width.max(MIN_WIDTH);

    let mut legend = String::new();
    let legend_height = render_legend(&mut legend, width, labels);
    let mut top = legend_height;
    let mut note = String::new();
    if selection.omitted_nodes > 0 || selection.omitted_edges > 0 {
        let text = fill_counts(
            &labels.omitted,
            selection.omitted_nodes,
            selection.omitted_edges,
        );
        let _ = write!(
            note,
            "<text class=\"omitted\" x=\"{}\" y=\"{}\" fill=\"#424242\">",
            N(MARGIN),
            N(top + FONT_SIZE)
        );
        push_escaped(&mut note, &text);
        note.push_str("</text>");
        top += LEGEND_ROW;
    }
    let shift = P::new(
        MARGIN - content.min.x + (width - content_width) / 2.0,
        top + MARGIN - content.min.y,
    );
    for p in &mut pos {
        *p = p.add(shift);
    }
    let height = top + content.height() + 2.0 * MARGIN;

    let mut out = String::with_capacity(512 + 400 * n + 600 * edges.len());
    let _ = write!(
        out,
        "<svg id=\"actor-map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" \
         width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"",
        w = N(width.ceil()),
        h = N(height.ceil())
    );
    push_escaped(&mut out, &labels.title);
    out.push_str(": ");
    push_escaped(&mut out, &fill_counts(&labels.summary, n, edges.len()));
    let _ = write!(
        out,
        "\" font-family=\"system-ui, sans-serif\" font-size=\"{}\">",
        N(FONT_SIZE)
    );
    render_markers(&mut out);
    out.push_str(&legend);
    out.push_str(&note);

    out.push_str("<g class=\"relations\" fill=\"none\">");
    for (e, shape) in shapes_at(&pos) {
        let v = e.rel.valence;
        let d = shape.path();
        out.push_str("<a class=\"relation\" data-valence=\"");
        out.push_str(v.as_str());
        out.push_str("\" data-kind=\"");
        push_escaped(&mut out, &e.rel.kind);
        out.push_str("\" href=\"/entries/");
        push_escaped(&mut out, &e.rel.id);
        out.push_str("\"><title>");
        push_escaped(
            &mut out,
            &format!(
                "{} — {}, {}: {} → {}",
                e.rel.title,
                e.rel.kind,
                labels.valence(v),
                display_name(&nodes[e.s], labels),
                display_name(&nodes[e.o], labels)
            ),
        );
        let _ = write!(
            out,
            "</title><path d=\"{d}\" stroke=\"transparent\" stroke-width=\"12\" \
             pointer-events=\"stroke\"/><path d=\"{d}\" stroke=\"{}\" stroke-width=\"{}\"",
            v.color(),
            v.stroke_width()
        );
        if let Some(dash) = v.dash() {
            let _ = write!(out, " stroke-dasharray=\"{dash}\"");
        }
        let _ = write!(
            out,
            " marker-end=\"url(#actor-map-arrow-{})\"/></a>",
            v.as_str()
        );
    }
    out.push_str("</g><g class=\"actors\">");
    for (i, node) in nodes.iter().enumerate() {
        let (p, r) = (pos[i], radius[i]);
        out.push_str("<a class=\"actor\" href=\"/entries/");
        push_escaped(&mut out, node.id);
        out.push('"');
        match node.actor {
            Some(actor) => {
                if let Some(category) = &actor.category {
                    out.push_str(" data-category=\"");
                    push_escaped(&mut out, category);
                    out.push('"');
                }
                out.push_str("><title>");
                push_escaped(&mut out, &actor.name);
                let extra: Vec<&str> = [actor.category.as_deref(), actor.city.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                if !extra.is_empty() {
                    out.push_str(" (");
                    push_escaped(&mut out, &extra.join(", "));
                    out.push(')');
                }
                let _ = write!(
                    out,
                    "</title><circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#eceff1\" \
                     stroke=\"#455a64\" stroke-width=\"1.5\"/><text x=\"{}\" y=\"{}\" \
                     text-anchor=\"middle\" fill=\"#212121\"",
                    N(p.x),
                    N(p.y),
                    N(r),
                    N(p.x),
                    N(p.y + r + FONT_SIZE + 1.0)
                );
            }
            None => {
                out.push_str(" data-missing=\"true\"><title>");
                push_escaped(&mut out, &display_name(node, labels));
                let _ = write!(
                    out,
                    "</title><circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#ffffff\" \
                     stroke=\"#9e9e9e\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>\
                     <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#757575\" \
                     font-style=\"italic\"",
                    N(p.x),
                    N(p.y),
                    N(r),
                    N(p.x),
                    N(p.y + r + FONT_SIZE + 1.0)
                );
            }
        }
        out.push('>');
        push_escaped(&mut out, &label[i]);
        out.push_str("</text></a>");
    }
    out.push_str("</g></svg>");
    out
}

/// The shapes of the edges, in edge order, for nodes at `pos`.
fn shapes<'e, 'a>(edges: &'e [Edge<'a>], pos: &[P], radius: &[f64]) -> Vec<(&'e Edge<'a>, Shape)> {
    // Edges between the same two nodes (either direction), in relation id order.
    let mut groups: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (k, e) in edges.iter().enumerate() {
        groups
            .entry((e.s.min(e.o), e.s.max(e.o)))
            .or_default()
            .push(k);
    }
    let mut rank = vec![(0usize, 1usize); edges.len()];
    for members in groups.values() {
        for (i, &k) in members.iter().enumerate() {
            rank[k] = (i, members.len());
        }
    }
    edges
        .iter()
        .zip(rank)
        .map(|(e, (i, count))| {
            let shape = if e.s == e.o {
                let (c, r) = (pos[e.s], radius[e.s]);
                let size = 18.0 + 10.0 * i.min(6) as f64;
                Shape::Loop {
                    from: P::new(c.x - 0.5 * r, c.y - 0.866 * r),
                    c1: P::new(c.x - size, c.y - r - 1.4 * size),
                    c2: P::new(c.x + size, c.y - r - 1.4 * size),
                    to: P::new(c.x + 0.5 * r, c.y - 0.866 * r),
                }
            } else {
                // Offsets are measured on the normal of the canonical direction (smaller index
                // to larger), so that both directions share one fan of curves.
                let (lo, hi) = (e.s.min(e.o), e.s.max(e.o));
                let normal = {
                    let d = pos[hi].sub(pos[lo]).unit_or(P::new(1.0, 0.0));
                    P::new(-d.y, d.x)
                };
                let spacing = if count > 1 {
                    PARALLEL_SPACING.min(2.0 * PARALLEL_SPREAD / (count - 1) as f64)
                } else {
                    0.0
                };
                let offset = (i as f64 - (count - 1) as f64 / 2.0) * spacing;
                let (a, b) = (pos[e.s], pos[e.o]);
                let control = a.add(b).scale(0.5).add(normal.scale(2.0 * offset));
                let from = a.add(
                    control
                        .sub(a)
                        .unit_or(b.sub(a).unit_or(normal))
                        .scale(radius[e.s]),
                );
                let to = b.sub(
                    b.sub(control)
                        .unit_or(b.sub(a).unit_or(normal))
                        .scale(radius[e.o] + 1.0),
                );
                Shape::Curve { from, control, to }
            };
            (e, shape)
        })
        .collect()
}

fn render_markers(out: &mut String) {
    out.push_str("<defs>");
    for v in Valence::ALL {
        let _ = write!(
            out,
            "<marker id=\"actor-map-arrow-{}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" \
             markerWidth=\"5\" markerHeight=\"5\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" \
             fill=\"{}\"/></marker>",
            v.as_str(),
            v.color()
        );
    }
    out.push_str("</defs>");
}

/// Writes the legend, wrapped to `width`, and returns its height.
fn render_legend(out: &mut String, width: f64, labels: &Labels) -> f64 {
    const SWATCH: f64 = 26.0;
    out.push_str("<g class=\"legend\">");
    let (mut x, mut row) = (MARGIN, 0usize);
    let items = Valence::ALL
        .into_iter()
        .map(Some)
        .chain(std::iter::once(None));
    for item in items {
        let text = match item {
            Some(v) => labels.valence(v),
            None => &labels.missing,
        };
        let item_width = SWATCH + 6.0 + text_width(text) + 18.0;
        if x > MARGIN && x + item_width > width - MARGIN {
            x = MARGIN;
            row += 1;
        }
        let y = MARGIN + LEGEND_ROW * row as f64 + LEGEND_ROW / 2.0;
        match item {
            Some(v) => {
                let _ = write!(
                    out,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"",
                    N(x),
                    N(y),
                    N(x + SWATCH),
                    N(y),
                    v.color(),
                    v.stroke_width()
                );
                if let Some(dash) = v.dash() {
                    let _ = write!(out, " stroke-dasharray=\"{dash}\"");
                }
                out.push_str("/>");
            }
            None => {
                let _ = write!(
                    out,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"7\" fill=\"#ffffff\" stroke=\"#9e9e9e\" \
                     stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>",
                    N(x + SWATCH / 2.0),
                    N(y)
                );
            }
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"#212121\">",
            N(x + SWATCH + 6.0),
            N(y + 4.0)
        );
        push_escaped(out, text);
        out.push_str("</text>");
        x += item_width;
    }
    out.push_str("</g>");
    MARGIN + LEGEND_ROW * (row + 1) as f64
}

fn render_empty(labels: &Labels) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg id=\"actor-map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} 80\" \
         width=\"{w}\" height=\"80\" role=\"img\" aria-label=\"",
        w = N(MIN_WIDTH)
    );
    push_escaped(&mut out, &labels.title);
    out.push_str(": ");
    push_escaped(&mut out, &labels.empty);
    let _ = write!(
        out,
        "\" font-family=\"system-ui, sans-serif\" font-size=\"{}\"><text x=\"{}\" y=\"45\" \
         text-anchor=\"middle\" fill=\"#616161\">",
        N(FONT_SIZE),
        N(MIN_WIDTH / 2.0)
    );
    push_escaped(&mut out, &labels.empty);
    out.push_str("</text></svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    /// A realistic entry id: 64 lowercase hex.
    fn hex(n: u64) -> String {
        blake3::hash(&n.to_le_bytes()).to_hex().to_string()
    }

    fn actor(n: u64, name: &str) -> Actor {
        Actor {
            id: hex(n),
            name: name.to_owned(),
            category: Some("civic_tech".into()),
            city: Some("Lyon".into()),
        }
    }

    fn relation(n: u64, subject: u64, object: u64, valence: Valence) -> Relation {
        Relation {
            id: hex(1_000_000 + n),
            subject: hex(subject),
            object: hex(object),
            valence,
            kind: "partnership".into(),
            title: format!("relation {n}"),
        }
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    /// The `<a class="{class}" …>…</a>` elements (they do not nest).
    fn anchors<'s>(svg: &'s str, class: &str) -> Vec<&'s str> {
        let start = format!("<a class=\"{class}\"");
        svg.match_indices(&start)
            .filter_map(|(i, _)| svg[i..].find("</a>").map(|end| &svg[i..i + end + 4]))
            .collect()
    }

    /// The value of attribute `name` in the first element of `fragment` that has it.
    fn attr<'s>(fragment: &'s str, name: &str) -> Option<&'s str> {
        let key = format!(" {name}=\"");
        let start = fragment.find(&key)? + key.len();
        let len = fragment[start..].find('"')?;
        Some(&fragment[start..start + len])
    }

    fn num(fragment: &str, name: &str) -> f64 {
        attr(fragment, name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    }

    fn view_box(svg: &str) -> (f64, f64) {
        let values: Vec<f64> = attr(svg, "viewBox")
            .unwrap_or("")
            .split(' ')
            .filter_map(|v| v.parse().ok())
            .collect();
        assert_eq!(values.len(), 4, "viewBox of {svg}");
        assert_eq!((values[0], values[1]), (0.0, 0.0));
        (values[2], values[3])
    }

    /// Tags balance, every `&` starts an entity, nothing is NaN or infinite.
    fn assert_well_formed(svg: &str) {
        assert!(svg.starts_with("<svg id=\"actor-map\" xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            assert!(!text.contains('>'), "stray > in {text:?}");
            let close = rest[open..].find('>').expect("unclosed tag") + open;
            let tag = &rest[open + 1..close];
            assert!(!tag.contains('<'), "< inside tag {tag:?}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "closing {name}");
            } else if !tag.ends_with('/') {
                stack.push(tag.split(' ').next().unwrap_or(""));
            }
            rest = &rest[close + 1..];
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        for (i, _) in svg.match_indices('&') {
            let entity = &svg[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "bare & at {}",
                &svg[i..(i + 12).min(svg.len())]
            );
        }
        // Numbers are checked where numbers are written: labels and categories are free text,
        // and an actor's category may well be "inf".
        for name in [
            "x",
            "y",
            "cx",
            "cy",
            "r",
            "x1",
            "y1",
            "x2",
            "y2",
            "width",
            "height",
            "viewBox",
            "d",
            "stroke-width",
            "stroke-dasharray",
            "font-size",
        ] {
            let needle = format!(" {name}=\"");
            for (i, _) in svg.match_indices(&needle) {
                let value = &svg[i + needle.len()..];
                let value = &value[..value.find('"').unwrap_or(value.len())];
                for bad in ["NaN", "inf"] {
                    assert!(!value.contains(bad), "{bad} in {name}=\"{value}\"");
                }
                assert_ne!(value, "-0.0", "{name}");
            }
        }
    }

    /// Every node's circle and label lie inside the viewBox.
    fn assert_inside(svg: &str) {
        let (width, height) = view_box(svg);
        assert!(width > 0.0 && height > 0.0);
        for a in anchors(svg, "actor") {
            let circle = &a[a.find("<circle").expect("circle")..];
            let (cx, cy, r) = (num(circle, "cx"), num(circle, "cy"), num(circle, "r"));
            assert!(
                cx - r >= 0.0 && cx + r <= width,
                "x {cx} r {r} outside {width}"
            );
            assert!(
                cy - r >= 0.0 && cy + r <= height,
                "y {cy} r {r} outside {height}"
            );
            let text = &a[a.find("<text").expect("text")..];
            let label =
                &text[text.find('>').expect("text") + 1..text.find("</text>").expect("/text")];
            let label = label
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            let half = text_width(&label) / 2.0 - 0.1;
            let (x, y) = (num(text, "x"), num(text, "y"));
            assert!(
                x - half >= 0.0 && x + half <= width,
                "label {label} at {x} outside {width}"
            );
            assert!(
                y > 0.0 && y + 4.0 <= height,
                "label {label} at {y} outside {height}"
            );
        }
    }

    fn sample() -> (Vec<Actor>, Vec<Relation>) {
        let actors = vec![
            actor(1, "Uber"),
            actor(2, "Ville de Lyon"),
            actor(3, "OpenStreetMap France"),
            actor(4, "Isolated cooperative"),
        ];
        let relations = vec![
            relation(1, 1, 2, Valence::Tension),
            relation(2, 2, 3, Valence::Cooperation),
            relation(3, 1, 3, Valence::Conflict),
            relation(4, 3, 99, Valence::Mixed),
            relation(5, 98, 99, Valence::Cooperation),
        ];
        (actors, relations)
    }

    #[test]
    fn one_node_per_actor_and_endpoint_one_edge_per_relation() {
        let (actors, relations) = sample();
        let svg = render(&actors, &relations, &Labels::en());
        assert_well_formed(&svg);
        let ids: BTreeSet<String> = actors
            .iter()
            .map(|a| a.id.clone())
            .chain(
                relations
                    .iter()
                    .flat_map(|r| [r.subject.clone(), r.object.clone()]),
            )
            .collect();
        assert_eq!(count(&svg, "class=\"actor\""), ids.len());
        for id in &ids {
            assert_eq!(
                count(&svg, &format!("<a class=\"actor\" href=\"/entries/{id}\"")),
                1
            );
        }
        assert_eq!(count(&svg, "class=\"relation\""), relations.len());
        let edges = anchors(&svg, "relation");
        for r in &relations {
            let href = format!("href=\"/entries/{}\"", r.id);
            let edge: Vec<&&str> = edges.iter().filter(|e| e.contains(&href)).collect();
            assert_eq!(edge.len(), 1, "{href}");
            assert_eq!(attr(edge[0], "data-valence"), Some(r.valence.as_str()));
            assert!(edge[0].contains(&format!("stroke=\"{}\"", r.valence.color())));
            assert!(edge[0].contains(&format!("<title>{} — partnership", r.title)));
            // A wide invisible stroke under the visible one.
            assert!(edge[0].contains("stroke=\"transparent\" stroke-width=\"12\""));
            match r.valence.dash() {
                Some(dash) => assert!(edge[0].contains(&format!("stroke-dasharray=\"{dash}\""))),
                None => assert!(!edge[0].contains("stroke-dasharray")),
            }
        }
        assert!(
            svg.contains(
                "role=\"img\" aria-label=\"Cartography of actors: 6 actors, 5 relations\""
            )
        );
        // The legend: four valences and the missing actor.
        for word in [
            "cooperation",
            "tension",
            "conflict",
            "mixed",
            "missing actor",
        ] {
            assert!(svg.contains(&format!(">{word}</text>")), "{word}");
        }
        assert_inside(&svg);
    }

    #[test]
    fn missing_endpoints_are_drawn_as_missing() {
        let (actors, relations) = sample();
        let svg = render(&actors, &relations, &Labels::en());
        let missing: Vec<&str> = anchors(&svg, "actor")
            .into_iter()
            .filter(|a| a.contains("data-missing=\"true\""))
            .collect();
        assert_eq!(missing.len(), 2);
        for n in [98, 99] {
            let id = hex(n);
            let node = missing
                .iter()
                .find(|a| a.contains(&format!("href=\"/entries/{id}\"")))
                .expect("missing node");
            assert!(node.contains(&format!(">missing actor {}</text>", &id[..8])));
            assert!(node.contains(&format!("<title>missing actor {id}</title>")));
            assert!(node.contains("stroke-dasharray=\"3 2\""));
        }
        for a in &actors {
            let node = anchors(&svg, "actor")
                .into_iter()
                .find(|n| n.contains(&a.id))
                .expect("actor node");
            assert!(!node.contains("data-missing"));
            assert!(node.contains(&format!(">{}</text>", a.name)));
        }
        let fr = render(&actors, &relations, &Labels::fr());
        assert!(fr.contains(&format!(">acteur manquant {}</text>", &hex(99)[..8])));
        assert!(fr.contains(">coopération</text>"));
    }

    #[test]
    fn every_text_is_escaped() {
        let nasty = r#"<script>&"'"#;
        let actors = vec![Actor {
            id: hex(1),
            name: nasty.into(),
            category: Some(nasty.into()),
            city: Some(nasty.into()),
        }];
        let relations = vec![Relation {
            id: format!("{}\"><script>", hex(7)),
            subject: hex(1),
            object: "<b>".into(),
            valence: Valence::Conflict,
            kind: nasty.into(),
            title: nasty.into(),
        }];
        let mut labels = Labels::en();
        labels.missing = nasty.into();
        labels.title = nasty.into();
        let svg = render(&actors, &relations, &labels);
        assert_well_formed(&svg);
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;&amp;&quot;&#39;"));
        assert_eq!(count(&svg, "class=\"actor\""), 2);
        assert_eq!(count(&svg, "class=\"relation\""), 1);
    }

    #[test]
    fn same_input_in_any_order_gives_same_bytes() {
        let (mut actors, mut relations) = sample();
        // Parallel relations, a loop and duplicates, to exercise every ordering.
        relations.push(relation(6, 2, 1, Valence::Cooperation));
        relations.push(relation(7, 1, 2, Valence::Mixed));
        relations.push(relation(8, 4, 4, Valence::Tension));
        relations.push(relation(2, 2, 3, Valence::Cooperation));
        actors.push(actor(2, "Ville de Lyon"));
        let labels = Labels::en();
        let reference = render(&actors, &relations, &labels);
        assert_eq!(count(&reference, "class=\"actor\""), 6);
        assert_eq!(count(&reference, "class=\"relation\""), 8);
        for turn in 0..actors.len().max(relations.len()) {
            let mut a = actors.clone();
            let mut r = relations.clone();
            let (na, nr) = (a.len(), r.len());
            a.rotate_left(turn % na);
            r.rotate_left(turn % nr);
            if turn % 2 == 1 {
                a.reverse();
                r.reverse();
            }
            assert_eq!(render(&a, &r, &labels), reference, "turn {turn}");
        }
    }

    #[test]
    fn parallel_relations_are_curved_apart_and_self_relations_loop() {
        let actors = vec![actor(1, "A"), actor(2, "B")];
        let relations = vec![
            relation(1, 1, 2, Valence::Cooperation),
            relation(2, 2, 1, Valence::Tension),
            relation(3, 1, 2, Valence::Conflict),
            relation(4, 1, 1, Valence::Mixed),
            relation(5, 1, 1, Valence::Mixed),
        ];
        let svg = render(&actors, &relations, &Labels::en());
        assert_well_formed(&svg);
        assert_inside(&svg);
        let paths: Vec<&str> = anchors(&svg, "relation")
            .iter()
            .filter_map(|a| attr(a, "d"))
            .collect();
        assert_eq!(paths.len(), 5);
        let distinct: BTreeSet<&&str> = paths.iter().collect();
        assert_eq!(distinct.len(), 5, "{paths:?}");
        assert_eq!(
            paths.iter().filter(|d| d.contains('C')).count(),
            2,
            "two loops"
        );
        assert_eq!(paths.iter().filter(|d| d.contains('Q')).count(), 3);
    }

    fn centres(svg: &str) -> Vec<P> {
        anchors(svg, "actor")
            .iter()
            .map(|a| {
                let circle = &a[a.find("<circle").expect("circle")..];
                P::new(num(circle, "cx"), num(circle, "cy"))
            })
            .collect()
    }

    #[test]
    fn nodes_are_spread_and_components_kept_close() {
        // A star of 8 (every leaf starts at the same hop distances), a pair, 6 isolated actors.
        let actors: Vec<Actor> = (0..17).map(|n| actor(n, &format!("Actor {n}"))).collect();
        let mut relations: Vec<Relation> = (1..9)
            .map(|n| relation(n, 0, n, Valence::Cooperation))
            .collect();
        relations.push(relation(9, 9, 10, Valence::Tension));
        let svg = render(&actors, &relations, &Labels::en());
        assert_inside(&svg);
        let centres = centres(&svg);
        assert_eq!(centres.len(), 17);
        for (i, a) in centres.iter().enumerate() {
            for b in &centres[i + 1..] {
                assert!(a.sub(*b).len() > 20.0, "{a:?} too close to {b:?}");
            }
        }
        let (width, height) = view_box(&svg);
        assert!(width < 1_200.0 && height < 1_000.0, "{width} × {height}");
    }

    #[test]
    fn long_names_are_truncated_with_the_full_name_in_the_tooltip() {
        let name = "Établissement public territorial de la métropole";
        let svg = render(&[actor(1, name)], &[], &Labels::en());
        let short: String = name.chars().take(27).collect();
        assert!(svg.contains(&format!(">{short}…</text>")));
        assert!(svg.contains(&format!("<title>{name} (civic_tech, Lyon)</title>")));
        assert_inside(&svg);
    }

    #[test]
    fn empty_input_is_a_small_valid_picture() {
        let svg = render(&[], &[], &Labels::en());
        assert_well_formed(&svg);
        assert!(svg.contains(">No actors yet.</text>"));
        assert_eq!(count(&svg, "class=\"actor\""), 0);
        let fr = render(&[], &[], &Labels::fr());
        assert!(fr.contains(&Labels::fr().empty));
        // Relations alone still draw their (missing) endpoints.
        let svg = render(&[], &[relation(1, 1, 2, Valence::Mixed)], &Labels::en());
        assert_eq!(count(&svg, "data-missing=\"true\""), 2);
    }

    #[test]
    fn node_cap_keeps_the_most_connected_and_says_so() {
        let actors: Vec<Actor> = (0..500).map(|n| actor(n, &format!("Actor {n}"))).collect();
        // A chain over actors 0..100: 99 relations; the others are isolated.
        let relations: Vec<Relation> = (0..99)
            .map(|n| relation(n, n, n + 1, Valence::ALL[n as usize % 4]))
            .collect();
        let svg = render(&actors, &relations, &Labels::en());
        assert_well_formed(&svg);
        assert_eq!(count(&svg, "class=\"actor\""), MAX_NODES);
        assert_eq!(count(&svg, "class=\"relation\""), 99);
        for n in 0..100 {
            assert!(
                svg.contains(&format!("href=\"/entries/{}\"", hex(n))),
                "{n}"
            );
        }
        // Among the isolated ones, the smallest ids are kept.
        let mut isolated: Vec<String> = (100..500).map(hex).collect();
        isolated.sort();
        assert!(svg.contains(&isolated[299]));
        assert!(!svg.contains(&isolated[300]));
        assert!(svg.contains(">Not shown: 100 actors and 0 relations"));
        assert_inside(&svg);
    }

    #[test]
    fn edge_cap_is_respected() {
        let actors: Vec<Actor> = (0..30).map(|n| actor(n, &format!("Actor {n}"))).collect();
        let relations: Vec<Relation> = (0..1_600)
            .map(|n| relation(n, n % 30, (n * 7 + 3) % 30, Valence::ALL[n as usize % 4]))
            .collect();
        let svg = render(&actors, &relations, &Labels::en());
        assert_well_formed(&svg);
        assert_eq!(count(&svg, "class=\"actor\""), 30);
        assert_eq!(count(&svg, "class=\"relation\""), MAX_EDGES);
        assert!(svg.contains(">Not shown: 0 actors and 100 relations"));
        assert_inside(&svg);
    }

    #[test]
    fn valences_round_trip() {
        for v in Valence::ALL {
            assert_eq!(v.as_str().parse::<Valence>(), Ok(v));
            assert_eq!(v.to_string(), v.as_str());
        }
        assert_eq!(
            "friendship".parse::<Valence>(),
            Err(UnknownValence("friendship".into()))
        );
    }

    #[test]
    fn numbers_have_one_decimal_and_no_nan() {
        let shown: Vec<String> = [0.0, -0.04, 1.25, -3.96, f64::NAN, f64::INFINITY, 1e300]
            .iter()
            .map(|&v| N(v).to_string())
            .collect();
        assert_eq!(shown[..5], ["0.0", "0.0", "1.3", "-4.0", "0.0"]);
        assert_eq!(shown[5], "0.0");
        assert!(!shown[6].contains("NaN"));
    }

    fn graph() -> impl Strategy<Value = (Vec<Actor>, Vec<Relation>)> {
        let actors = prop::collection::vec(
            (
                0u64..12,
                "\\PC{0,40}",
                prop::option::of("[a-z_]{1,20}"),
                prop::option::of("\\PC{0,12}"),
            ),
            0..12,
        );
        let relations = prop::collection::vec(
            (0u64..16, 0u64..16, 0usize..4, "[a-z_]{0,12}", "\\PC{0,30}"),
            0..30,
        );
        (actors, relations).prop_map(|(actors, relations)| {
            let actors = actors
                .into_iter()
                .map(|(n, name, category, city)| Actor {
                    id: hex(n),
                    name,
                    category,
                    city,
                })
                .collect();
            let relations = relations
                .into_iter()
                .enumerate()
                .map(|(n, (s, o, v, kind, title))| Relation {
                    // Ids are content hashes: distinct relations have distinct ids.
                    id: hex(1_000 + n as u64),
                    subject: hex(s),
                    object: hex(o),
                    valence: Valence::ALL[v],
                    kind,
                    title,
                })
                .collect();
            (actors, relations)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 64,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_graph_renders_completely_and_deterministically((actors, relations) in graph()) {
            let labels = Labels::en();
            let svg = render(&actors, &relations, &labels);
            assert_well_formed(&svg);
            let nodes: BTreeSet<&str> = actors
                .iter()
                .map(|a| a.id.as_str())
                .chain(relations.iter().flat_map(|r| [r.subject.as_str(), r.object.as_str()]))
                .collect();
            let edges: BTreeSet<&str> = relations.iter().map(|r| r.id.as_str()).collect();
            prop_assert_eq!(count(&svg, "class=\"actor\""), nodes.len());
            prop_assert_eq!(count(&svg, "class=\"relation\""), edges.len());
            let present: BTreeSet<&str> = actors.iter().map(|a| a.id.as_str()).collect();
            prop_assert_eq!(
                count(&svg, "data-missing=\"true\""),
                nodes.difference(&present).count()
            );
            if nodes.is_empty() {
                prop_assert!(svg.contains(&labels.empty));
            } else {
                assert_inside(&svg);
            }
            let mut a = actors.clone();
            let mut r = relations.clone();
            a.reverse();
            r.reverse();
            prop_assert_eq!(render(&a, &r, &labels), svg);
        }
    }
}
