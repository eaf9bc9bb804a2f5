//! A one-round shortcut for small differences: an invertible Bloom lookup table (IBLT) of a
//! set's entry ids.
//!
//! Why: negentropy (`reconcile`) costs about 1.1 KB per difference when a few differences are
//! scattered over years of history (its fan-out and leaf sizes are fixed), so two 100,000-entry
//! sets that differ by 100 exchange ~114 KiB. An IBLT of fixed size costs the same whatever the
//! set size and decodes any difference up to roughly [`CELLS`]` / 2` ids: the initiator sends
//! its sketch, the responder subtracts its own and peels the difference out — one round trip,
//! ~11 KiB. When the difference is too large to decode, the session falls back to negentropy,
//! which handles large differences well.
//!
//! Layout: [`CELLS`] cells in three sub-tables of [`SUBTABLE`]; each id goes to one cell of
//! each sub-table, chosen from `blake3(id)`, and each cell holds a count, the XOR of its ids
//! and the XOR of their check values. Wire form: the version byte [`VERSION`], then each cell
//! as `count` (i32, little-endian), `ids` (32 bytes), `check` (u64, little-endian).

use crate::Id;

/// Cells in one sub-table.
pub const SUBTABLE: usize = 86;
/// Cells in a sketch: three sub-tables.
pub const CELLS: usize = 3 * SUBTABLE;
/// The first byte of a sketch's wire form.
pub const VERSION: u8 = 0x01;
const CELL_BYTES: usize = 4 + 32 + 8;
/// Bytes of a sketch in wire form.
pub const WIRE_BYTES: usize = 1 + CELLS * CELL_BYTES;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SketchError {
    #[error(
        "a sketch is {WIRE_BYTES} bytes starting with version {VERSION:#04x}, got {len} bytes starting with {first:?}"
    )]
    Malformed { len: usize, first: Option<u8> },
    #[error("the difference is too large for a sketch (reconcile range by range instead)")]
    Undecodable,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cell {
    count: i32,
    ids: [u8; 32],
    check: u64,
}

impl Cell {
    fn toggle(&mut self, id: &[u8; 32], check: u64, sign: i32) {
        self.count = self.count.wrapping_add(sign);
        for (a, b) in self.ids.iter_mut().zip(id) {
            *a ^= b;
        }
        self.check ^= check;
    }

    fn is_empty(&self) -> bool {
        self.count == 0 && self.check == 0 && self.ids == [0; 32]
    }
}

/// Where an id goes (one cell per sub-table) and its check value.
fn place(id: &[u8; 32]) -> ([usize; 3], u64) {
    let h = blake3::hash(id);
    let h = h.as_bytes();
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&h[i * 8..i * 8 + 8]);
        u64::from_le_bytes(w)
    };
    let cells = [0, 1, 2].map(|t| t * SUBTABLE + (word(t) % SUBTABLE as u64) as usize);
    (cells, word(3))
}

/// The ids each side holds that the other lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Difference {
    /// In the sketch subtracted from (`self` in [`Sketch::subtract`]), not in the other.
    pub ours: Vec<Id>,
    /// In the other sketch, not in ours.
    pub theirs: Vec<Id>,
}

/// An IBLT of a set of ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sketch {
    cells: Vec<Cell>,
}

impl Sketch {
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a Id>) -> Sketch {
        let mut sketch = Sketch {
            cells: vec![Cell::default(); CELLS],
        };
        for id in ids {
            sketch.toggle(id.as_bytes(), 1);
        }
        sketch
    }

    fn toggle(&mut self, id: &[u8; 32], sign: i32) {
        let (cells, check) = place(id);
        for c in cells {
            self.cells[c].toggle(id, check, sign);
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(WIRE_BYTES);
        out.push(VERSION);
        for cell in &self.cells {
            out.extend_from_slice(&cell.count.to_le_bytes());
            out.extend_from_slice(&cell.ids);
            out.extend_from_slice(&cell.check.to_le_bytes());
        }
        out
    }

    /// Reads a peer's sketch; anything but exactly [`WIRE_BYTES`] with the right version is
    /// refused.
    pub fn from_bytes(bytes: &[u8]) -> Result<Sketch, SketchError> {
        if bytes.len() != WIRE_BYTES || bytes.first() != Some(&VERSION) {
            return Err(SketchError::Malformed {
                len: bytes.len(),
                first: bytes.first().copied(),
            });
        }
        let cells = bytes[1..]
            .chunks_exact(CELL_BYTES)
            .map(|c| {
                let mut count = [0u8; 4];
                count.copy_from_slice(&c[..4]);
                let mut ids = [0u8; 32];
                ids.copy_from_slice(&c[4..36]);
                let mut check = [0u8; 8];
                check.copy_from_slice(&c[36..]);
                Cell {
                    count: i32::from_le_bytes(count),
                    ids,
                    check: u64::from_le_bytes(check),
                }
            })
            .collect();
        Ok(Sketch { cells })
    }

    /// `self − other`, peeled: the ids only in `self` and those only in `other`. Fails when
    /// the difference is too large (or the other sketch is not a sketch of a set).
    pub fn subtract(&self, other: &Sketch) -> Result<Difference, SketchError> {
        let mut cells: Vec<Cell> = self
            .cells
            .iter()
            .zip(&other.cells)
            .map(|(a, b)| {
                let mut c = *a;
                c.count = a.count.wrapping_sub(b.count);
                for (x, y) in c.ids.iter_mut().zip(&b.ids) {
                    *x ^= y;
                }
                c.check ^= b.check;
                c
            })
            .collect();
        let mut difference = Difference::default();
        // Each peel empties at least one cell's worth of ids; a crafted sketch cannot loop.
        let mut budget = 4 * CELLS;
        let mut progress = true;
        while progress && budget > 0 {
            progress = false;
            for i in 0..CELLS {
                let cell = cells[i];
                if cell.count != 1 && cell.count != -1 {
                    continue;
                }
                let (places, check) = place(&cell.ids);
                if check != cell.check || !places.contains(&i) {
                    continue;
                }
                budget -= 1;
                progress = true;
                let id = Id::from_bytes(cell.ids);
                if cell.count == 1 {
                    difference.ours.push(id);
                } else {
                    difference.theirs.push(id);
                }
                for p in places {
                    cells[p].toggle(&cell.ids, check, -cell.count);
                }
                if budget == 0 {
                    break;
                }
            }
        }
        if cells.iter().all(Cell::is_empty) {
            Ok(difference)
        } else {
            Err(SketchError::Undecodable)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn id(n: u64) -> Id {
        Id::from_bytes(*blake3::hash(&n.to_le_bytes()).as_bytes())
    }

    proptest! {
        #[test]
        fn a_small_difference_decodes_to_exactly_the_input_differences(
            shared in 0u64..5_000,
            only_a in proptest::collection::btree_set(100_000u64..200_000, 0..50),
            only_b in proptest::collection::btree_set(200_000u64..300_000, 0..50),
        ) {
            let a: Vec<Id> = (0..shared).chain(only_a.iter().copied()).map(id).collect();
            let b: Vec<Id> = (0..shared).chain(only_b.iter().copied()).map(id).collect();
            let sent = Sketch::new(&a).to_bytes();
            prop_assert_eq!(sent.len(), WIRE_BYTES);
            // Undecodable is a legitimate answer (the session then reconciles range by range);
            // a decoded difference must be exactly the input's.
            let Ok(difference) = Sketch::from_bytes(&sent).unwrap().subtract(&Sketch::new(&b)) else {
                return Ok(());
            };
            let ours: BTreeSet<Id> = difference.ours.into_iter().collect();
            let theirs: BTreeSet<Id> = difference.theirs.into_iter().collect();
            prop_assert_eq!(ours, only_a.iter().copied().map(id).collect::<BTreeSet<_>>());
            prop_assert_eq!(theirs, only_b.iter().copied().map(id).collect::<BTreeSet<_>>());
        }
    }

    /// How often a difference of 100 (50 each side) fails to decode: rare enough that the
    /// fallback to negentropy is the exception.
    #[test]
    fn a_difference_of_a_hundred_almost_always_decodes() {
        let trials = 300u64;
        let mut failures = 0;
        for t in 0..trials {
            let base = t * 1_000_000;
            let shared: Vec<u64> = (base..base + 2_000).collect();
            let a: Vec<Id> = shared
                .iter()
                .chain(&[0; 0])
                .copied()
                .chain(base + 10_000..base + 10_050)
                .map(id)
                .collect();
            let b: Vec<Id> = shared
                .iter()
                .copied()
                .chain(base + 20_000..base + 20_050)
                .map(id)
                .collect();
            match Sketch::new(&a).subtract(&Sketch::new(&b)) {
                Ok(d) => {
                    assert_eq!(d.ours.len(), 50);
                    assert_eq!(d.theirs.len(), 50);
                }
                Err(_) => failures += 1,
            }
        }
        eprintln!("undecodable: {failures} of {trials}");
        assert!(
            failures * 50 <= trials,
            "{failures} of {trials} failed to decode"
        );
    }

    #[test]
    fn a_large_difference_is_undecodable_not_wrong() {
        let a: Vec<Id> = (0..1_000).map(id).collect();
        assert_eq!(
            Sketch::new(&a).subtract(&Sketch::new(&[])),
            Err(SketchError::Undecodable)
        );
    }

    #[test]
    fn garbage_is_refused_or_undecodable_never_a_panic() {
        assert!(Sketch::from_bytes(b"").is_err());
        assert!(Sketch::from_bytes(&[VERSION; 10]).is_err());
        let mut noise = vec![VERSION];
        let mut x = 7u64;
        while noise.len() < WIRE_BYTES {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            noise.push((x >> 33) as u8);
        }
        let sketch = Sketch::from_bytes(&noise).unwrap();
        let _ = sketch.subtract(&Sketch::new(&[]));
        let mut ones = vec![VERSION];
        ones.resize(WIRE_BYTES, 0xff);
        let _ = Sketch::from_bytes(&ones)
            .unwrap()
            .subtract(&Sketch::new(&[]));
    }
}
