//! The one ingest function. Every door that brings bytes in — publish and import now, gossip,
//! sync and HTTP later — calls [`ingest`], which for each item runs, in this order:
//! decode with limits → verify (id, signature) → validate (the data model) → check the clock →
//! policy → store; deduplication happens only in the store, after verification, so a forged
//! copy can never shadow the genuine one.
//!
//! Verification runs on worker threads while the store thread writes the previous batch, so a
//! large import is limited by SQLite's full-text indexing, not by signature checks.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;

use audacities_protocol::entry::EntryError;
use audacities_protocol::{Entry, Id};

use crate::store::{Inserted, Store, StoreError};
use crate::time::now_ms;

/// Items handed to one verification worker at a time.
const CHUNK: usize = 512;
/// Entries written to the store in one transaction.
const BATCH: usize = 5_000;

/// What became of one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Stored now.
    Accepted(Id),
    /// Already stored (or earlier in the same call): nothing added.
    Duplicate(Id),
    /// Refused, with the reason.
    Rejected(EntryError),
}

/// The verdict for every item, in input order, with totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub verdicts: Vec<Verdict>,
}

impl Report {
    pub fn accepted(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Accepted(_)))
    }

    pub fn duplicates(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Duplicate(_)))
    }

    pub fn rejected(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Rejected(_)))
    }

    fn count(&self, f: impl Fn(&Verdict) -> bool) -> usize {
        self.verdicts.iter().filter(|v| f(v)).count()
    }
}

/// The store failed part-way (disk full, …). Every item before `stored_before` has its verdict
/// in `report`; entries of earlier batches are committed, the failing batch left no row.
#[derive(Debug, thiserror::Error)]
#[error("the store failed after {} items had been handled: {source}", report.verdicts.len())]
pub struct IngestError {
    pub report: Report,
    #[source]
    pub source: StoreError,
}

/// Decodes, verifies and validates one item against the node's clock; no store involved.
pub fn check(bytes: &[u8], now_ms: u64) -> Result<Entry, EntryError> {
    let entry = Entry::decode(bytes)?;
    entry.check_clock(now_ms)?;
    Ok(entry)
}

/// Ingests items (each an entry's wire bytes, or an error already found by the reader, such as
/// an oversized line) and reports a verdict for each, in order.
pub fn ingest<I>(store: &Store, items: I) -> Result<Report, IngestError>
where
    I: IntoIterator<Item = Result<Vec<u8>, EntryError>>,
{
    let workers = std::thread::available_parallelism()
        .map(NonZeroUsize::get)
        .unwrap_or(1)
        .clamp(1, 4);
    let now = now_ms();
    let (work_tx, work_rx) = flume::bounded::<(usize, Items)>(workers * 2);
    let (done_tx, done_rx) = flume::bounded::<(usize, Checked)>(workers * 2);

    std::thread::scope(|scope| {
        let mut started = 0;
        for n in 0..workers {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("audacities-verify-{n}"))
                .spawn_scoped(scope, move || {
                    for (chunk_no, items) in work_rx.iter() {
                        if done_tx.send((chunk_no, check_all(items, now))).is_err() {
                            break;
                        }
                    }
                });
            match spawned {
                Ok(_) => started += 1,
                Err(e) => tracing::warn!("could not start verification worker {n}: {e}"),
            }
        }
        // With no worker thread at all, this thread verifies before handing chunks on.
        let inline = (started == 0).then(|| done_tx.clone());
        drop(work_rx);
        drop(done_tx);

        let writer = scope.spawn(move || write_in_order(store, done_rx));

        let mut chunk = Vec::with_capacity(CHUNK);
        let mut chunk_no = 0;
        for item in items {
            chunk.push(item);
            if chunk.len() == CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                if !hand_on(&work_tx, inline.as_ref(), chunk_no, full, now) {
                    break; // the writer stopped on a store error; it reports it
                }
                chunk_no += 1;
            }
        }
        if !chunk.is_empty() {
            hand_on(&work_tx, inline.as_ref(), chunk_no, chunk, now);
        }
        drop(work_tx);
        drop(inline);
        writer.join().unwrap_or_else(|_| {
            Err(IngestError {
                report: Report::default(),
                source: StoreError::Closed,
            })
        })
    })
}

/// Items as read, before checking.
type Items = Vec<Result<Vec<u8>, EntryError>>;
/// Items after checking.
type Checked = Vec<Result<Entry, EntryError>>;

fn check_all(items: Items, now: u64) -> Checked {
    items
        .into_iter()
        .map(|item| item.and_then(|bytes| check(&bytes, now)))
        .collect()
}

/// Sends a chunk to the workers, or verifies it here when there are none. False once the
/// writer has stopped.
fn hand_on(
    work_tx: &flume::Sender<(usize, Items)>,
    inline: Option<&flume::Sender<(usize, Checked)>>,
    chunk_no: usize,
    chunk: Items,
    now: u64,
) -> bool {
    match inline {
        Some(done_tx) => done_tx.send((chunk_no, check_all(chunk, now))).is_ok(),
        None => work_tx.send((chunk_no, chunk)).is_ok(),
    }
}

/// Puts verified chunks back in input order and writes accepted entries in batches.
fn write_in_order(
    store: &Store,
    done_rx: flume::Receiver<(usize, Checked)>,
) -> Result<Report, IngestError> {
    let mut verdicts: Vec<Option<Verdict>> = Vec::new();
    let mut pending: BTreeMap<usize, Checked> = BTreeMap::new();
    let mut next_chunk = 0;
    let mut batch: Vec<(usize, Entry)> = Vec::with_capacity(BATCH);

    let flush = |batch: &mut Vec<(usize, Entry)>, verdicts: &mut Vec<Option<Verdict>>| {
        if batch.is_empty() {
            return Ok(());
        }
        let (positions, entries): (Vec<usize>, Vec<Entry>) = batch.drain(..).unzip();
        let inserted = store.insert(entries, now_ms())?;
        for (position, outcome) in positions.into_iter().zip(inserted) {
            verdicts[position] = Some(match outcome {
                Inserted::New(id) => Verdict::Accepted(id),
                Inserted::Duplicate(id) => Verdict::Duplicate(id),
            });
        }
        Ok(())
    };
    let fail = |verdicts: Vec<Option<Verdict>>, source: StoreError| IngestError {
        report: Report {
            verdicts: verdicts.into_iter().map_while(|v| v).collect(),
        },
        source,
    };

    for (chunk_no, checked) in done_rx.iter() {
        pending.insert(chunk_no, checked);
        while let Some(checked) = pending.remove(&next_chunk) {
            next_chunk += 1;
            for result in checked {
                let position = verdicts.len();
                match result {
                    Ok(entry) => {
                        verdicts.push(None);
                        batch.push((position, entry));
                    }
                    Err(reason) => verdicts.push(Some(Verdict::Rejected(reason))),
                }
            }
            if batch.len() >= BATCH
                && let Err(e) = flush(&mut batch, &mut verdicts)
            {
                return Err(fail(verdicts, e));
            }
        }
    }
    if let Err(e) = flush(&mut batch, &mut verdicts) {
        return Err(fail(verdicts, e));
    }
    Ok(Report {
        verdicts: verdicts.into_iter().flatten().collect(),
    })
}
