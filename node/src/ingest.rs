//! The one ingest function. Every door that brings bytes in — publish and import now, gossip,
//! sync and HTTP later — calls [`ingest`], which for each item runs, in this order:
//! decode with limits → verify (id, signature) → validate (the data model) → check the clock →
//! policy → store; deduplication happens only in the store, after verification, so a forged
//! copy can never shadow the genuine one.
//!
//! The policy is also asked *first*, before any signature is checked: when the trust list does
//! not include the city an item's header names, the item is refused as [`Verdict::Untrusted`]
//! without the costly verification. Refusing an unverified claim is safe — whatever its
//! signature, an entry of that city would not be taken — and it keeps a node that receives a
//! busy commons' traffic from spending its CPU verifying entries it will drop. The policy is
//! asked again on the verified city, so only what it allows is ever stored.
//!
//! Verification runs on worker threads while the store thread writes and indexes the previous
//! batch, so the two cores share a large import: about half of its CPU is the store's (SQLite,
//! FTS5), half verification. Workers run at a lower priority than the store thread, which every
//! entry waits for. A large call indexes each batch in the batch's own transaction, so its
//! entries are searchable when it returns. A call with few items (a gossip message, a publish)
//! is verified on the calling thread, since starting threads would cost more than the work, and
//! its entries are indexed behind the write (see `store`).

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use audacities_protocol::entry::{EntryError, MAX_ENTRY_BYTES, SIGNING_DOMAIN};
use audacities_protocol::{Entry, Id, PublicKey};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::config::TrustMode;
use crate::store::{Indexing, Inserted, Row, Store, StoreError};
use crate::time::now_ms;
use crate::trust::{Policy, Snapshot};

/// Items handed to one verification worker at a time.
pub const CHUNK: usize = 512;
/// Entries written to the store in one transaction. Larger batches cost the store thread less
/// per entry, chiefly because each commit rewrites the pages of the indexes of ids and keys that
/// the batch touched at random (measured at 100,000 entries: 5,000 per batch took 10–15 % more
/// store-thread time per entry than 10,000; 20,000 was no better and lengthens the end of an
/// import, when the store writes the last batches alone; docs/benchmarks.md).
const BATCH: usize = 10_000;
/// The fewest entries written in one transaction while the first [`BATCH`] entries of a large
/// call are written (see `write_in_order`).
const FIRST_BATCHES: usize = BATCH / 4;
/// How many bytes of items are read ahead to learn whether a call is longer than one batch.
const READ_AHEAD_BYTES: usize = 64 << 20;
/// Calls with fewer items than this are verified on the calling thread, without workers.
pub const INLINE_BELOW: usize = 64;

/// What became of one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Stored now.
    Accepted(Id),
    /// Already stored (or earlier in the same call): nothing added.
    Duplicate(Id),
    /// Refused, with the reason.
    Rejected(EntryError),
    /// Refused because this node's trust policy does not take entries of `city`: neither
    /// stored nor relayed. `id` is the id the entry's header gives (the blake3 hash of its
    /// signed bytes); when the city was refused before verification, neither the id nor the
    /// signature was checked, so the entry may also be invalid.
    Untrusted { id: Id, city: PublicKey },
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

    pub fn untrusted(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Untrusted { .. }))
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
/// an oversized line) and reports a verdict for each, in order. Entries of a city that
/// `policy` does not allow are refused ([`Verdict::Untrusted`]).
pub fn ingest<I>(store: &Store, policy: &Policy, items: I) -> Result<Report, IngestError>
where
    I: IntoIterator<Item = Result<Vec<u8>, EntryError>>,
{
    let now = now_ms();
    let policy = policy.snapshot();
    let mut items = items.into_iter();
    let first: Items = items.by_ref().take(INLINE_BELOW).collect();
    if first.len() < INLINE_BELOW {
        // Few items (the iterator ended early): verify here, no thread to start.
        let checked = check_all(first, now, &policy);
        // Indexed behind the write: a few entries at a time would each make a tiny index
        // segment, to be merged later.
        return write_in_order(
            store,
            std::iter::once((0, checked)),
            Indexing::Later,
            |_| None,
        );
    }
    // Read ahead until the call is known to be longer than one batch (only then may batches be
    // written before they are full, see `write_in_order`), within a bound on memory.
    let mut head = first;
    let mut head_bytes: usize = head.iter().map(item_len).sum();
    while head.len() <= BATCH && head_bytes < READ_AHEAD_BYTES {
        let Some(item) = items.next() else { break };
        head_bytes += item_len(&item);
        head.push(item);
    }
    let large = head.len() > BATCH;
    let items = head.into_iter().chain(items);

    let workers = std::thread::available_parallelism()
        .map(NonZeroUsize::get)
        .unwrap_or(1)
        .clamp(1, 4);
    let (work_tx, work_rx) = flume::bounded::<(usize, Items)>(workers * 2);
    // Room for a whole batch of verified chunks: the workers keep verifying the next batch
    // while the store writes this one.
    let (done_tx, done_rx) = flume::bounded::<(usize, Checked)>(BATCH / CHUNK + workers * 2);

    // Set once the last item has been handed to the workers: from then on the writer hands the
    // store whatever is verified whenever the store is free (see `write_in_order`).
    let read_all = AtomicBool::new(false);

    std::thread::scope(|scope| {
        let mut started = 0;
        for n in 0..workers {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            let policy = Arc::clone(&policy);
            let spawned = std::thread::Builder::new()
                .name(format!("audacities-verify-{n}"))
                .spawn_scoped(scope, move || {
                    yield_to_store();
                    for (chunk_no, items) in work_rx.iter() {
                        if done_tx
                            .send((chunk_no, check_all(items, now, &policy)))
                            .is_err()
                        {
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

        let read_all = &read_all;
        let writer = scope.spawn(move || {
            // A larger page cache while this lasts; the everyday one is restored afterwards.
            let _bulk = store.bulk().map_err(|source| IngestError {
                report: Report::default(),
                source,
            })?;
            // Indexed in each batch's own transaction, while the workers verify the next: the
            // entries are searchable when this returns, with no indexing left to do alone.
            let waiting = done_rx.clone();
            write_in_order(store, done_rx.iter(), Indexing::Now, move |written| {
                early_batch(Progress {
                    large,
                    waiting: !waiting.is_empty(),
                    read_all: read_all.load(Ordering::Acquire),
                    written,
                })
            })
        });

        let mut chunk = Vec::with_capacity(CHUNK);
        let mut chunk_no = 0;
        for item in items {
            chunk.push(item);
            if chunk.len() == CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                if !hand_on(&work_tx, inline.as_ref(), chunk_no, full, now, &policy) {
                    break; // the writer stopped on a store error; it reports it
                }
                chunk_no += 1;
            }
        }
        if !chunk.is_empty() {
            hand_on(&work_tx, inline.as_ref(), chunk_no, chunk, now, &policy);
        }
        read_all.store(true, Ordering::Release);
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

/// Lowers the calling worker thread's priority below the store thread's (Linux: the nice
/// value is per thread). With as many busy workers as cores, the scheduler would give the store
/// thread — the one every entry waits for — only its share of a core; measured on 2 cores, the
/// import stored 15–25 % more entries per second once the workers gave way (docs/benchmarks.md).
/// It also keeps a node's own work (the API, gossip) ahead of a large sync's verification.
#[cfg(target_os = "linux")]
fn yield_to_store() {
    let tid = rustix::thread::gettid();
    // Never raise a priority: a process already started below WORKER_NICE stays there.
    let current = rustix::process::getpriority_process(Some(tid)).unwrap_or(WORKER_NICE);
    if current >= WORKER_NICE {
        return;
    }
    if let Err(e) = rustix::process::setpriority_process(Some(tid), WORKER_NICE) {
        tracing::debug!("could not lower a verification worker's priority: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
fn yield_to_store() {}

/// The nice value of verification workers (the store thread keeps the process's, usually 0).
const WORKER_NICE: i32 = 10;

/// Where a call stands, when the store is free.
#[derive(Debug, Clone, Copy)]
struct Progress {
    /// The call has more than one batch of items.
    large: bool,
    /// Verified chunks wait to be taken in hand.
    waiting: bool,
    /// Every item has been handed to the workers.
    read_all: bool,
    /// Entries handed to the store so far.
    written: usize,
}

/// The fewest entries worth writing now, before a batch is full, or `None` to wait for a full
/// batch (see `write_in_order`).
fn early_batch(progress: Progress) -> Option<usize> {
    let Progress {
        large,
        waiting,
        read_all,
        written,
    } = progress;
    if !large || waiting {
        None
    } else if read_all {
        Some(1)
    } else if written < BATCH {
        Some(FIRST_BATCHES)
    } else {
        None
    }
}

/// An item's size, for the read-ahead's bound.
fn item_len(item: &Result<Vec<u8>, EntryError>) -> usize {
    item.as_ref().map_or(0, Vec::len)
}

/// Items as read, before checking.
type Items = Vec<Result<Vec<u8>, EntryError>>;
/// Items after checking.
type Checked = Vec<Screened>;

/// One item after checking.
// Most items are entries to store: boxing rows would cost an allocation per entry.
#[allow(clippy::large_enum_variant)]
enum Screened {
    /// Verified, and a city the policy allows: to store (its row derived on the worker).
    Entry(Row),
    /// Refused (rejected or untrusted): nothing to store.
    Refused(Verdict),
}

fn check_all(items: Items, now: u64, policy: &Snapshot) -> Checked {
    // Refused on their claim (or by the reader) first, never verified; the rest verified
    // together, so that their signature checks share their last step (`Entry::decode_all`).
    let pending: Vec<Pending> = items
        .into_iter()
        .map(|item| match item {
            Ok(bytes) => match refused_claim(&bytes, policy) {
                Some(verdict) => Pending::Refused(Box::new(verdict)),
                None => Pending::Line(bytes),
            },
            Err(reason) => Pending::Refused(Box::new(Verdict::Rejected(reason))),
        })
        .collect();
    let lines: Vec<&[u8]> = pending
        .iter()
        .filter_map(|p| match p {
            Pending::Line(bytes) => Some(bytes.as_slice()),
            Pending::Refused(_) => None,
        })
        .collect();
    // One result per line, in order.
    let mut decoded = Entry::decode_all(&lines).into_iter();
    pending
        .into_iter()
        .filter_map(|p| match p {
            Pending::Refused(verdict) => Some(Screened::Refused(*verdict)),
            Pending::Line(_) => decoded.next().map(|result| admit(result, now, policy)),
        })
        .collect()
}

/// An item of a chunk before its signature is judged with the chunk's.
enum Pending {
    /// To verify.
    Line(Vec<u8>),
    /// Refused already, by the reader or on its claimed city (rare: boxed).
    Refused(Box<Verdict>),
}

/// The verdict on an entry whose claimed city the policy refuses, read from its bytes without
/// verifying them; `None` when it is to be verified.
fn refused_claim(bytes: &[u8], policy: &Snapshot) -> Option<Verdict> {
    if policy.mode() != TrustMode::Open
        && let Some(claim) = Claim::read(bytes)
        && !policy.allows_bytes(&claim.city)
        // A city that is not even a key is left to the full check, which names the field.
        && let Ok(city) = PublicKey::from_bytes(claim.city)
    {
        return Some(Verdict::Untrusted {
            id: claim.id(),
            city,
        });
    }
    None
}

/// A decoded entry through the clock and the policy (on its verified city); its row derived
/// here, off the store thread.
fn admit(decoded: Result<Entry, EntryError>, now: u64, policy: &Snapshot) -> Screened {
    let entry = match decoded.and_then(|entry| entry.check_clock(now).map(|()| entry)) {
        Ok(entry) => entry,
        Err(reason) => return Screened::Refused(Verdict::Rejected(reason)),
    };
    let city = entry.head().city;
    if !policy.allows_bytes(city.as_bytes()) {
        return Screened::Refused(Verdict::Untrusted {
            id: entry.id(),
            city,
        });
    }
    Screened::Entry(Row::new(entry))
}

/// What an entry's header claims, read without verifying anything.
struct Claim<'a> {
    /// The header's text.
    head: &'a str,
    /// The bytes of the key the header names as its city.
    city: [u8; 32],
}

/// The wire line's `head`, borrowed; every other member is skipped.
#[derive(Deserialize)]
struct PeekLine<'a> {
    #[serde(borrow)]
    head: &'a RawValue,
}

/// The header's `city`; every other member is skipped.
#[derive(Deserialize)]
struct PeekHead<'a> {
    #[serde(borrow)]
    city: &'a str,
}

impl<'a> Claim<'a> {
    /// The header and city of a line, or `None` when they cannot be read cheaply (oversized,
    /// not JSON, no such member, not 64 hex characters…): the full check then says why. Costs
    /// one JSON scan of the line; no hash, no curve point, no signature.
    fn read(bytes: &'a [u8]) -> Option<Self> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return None;
        }
        let line: PeekLine<'a> = serde_json::from_slice(bytes).ok()?;
        let head: PeekHead<'_> = serde_json::from_str(line.head.get()).ok()?;
        // Keys and ids share their text form: 64 lowercase hex characters.
        let city: Id = head.city.parse().ok()?;
        Some(Claim {
            head: line.head.get(),
            city: *city.as_bytes(),
        })
    }

    /// The id the header gives the entry: the hash of its signed bytes, SIGNING_DOMAIN || head
    /// (the head's text is canonical in any valid line).
    fn id(&self) -> Id {
        let mut hasher = blake3::Hasher::new();
        hasher.update(SIGNING_DOMAIN);
        hasher.update(self.head.as_bytes());
        Id::from_bytes(*hasher.finalize().as_bytes())
    }
}

/// Sends a chunk to the workers, or verifies it here when there are none. False once the
/// writer has stopped.
fn hand_on(
    work_tx: &flume::Sender<(usize, Items)>,
    inline: Option<&flume::Sender<(usize, Checked)>>,
    chunk_no: usize,
    chunk: Items,
    now: u64,
    policy: &Snapshot,
) -> bool {
    match inline {
        Some(done_tx) => done_tx
            .send((chunk_no, check_all(chunk, now, policy)))
            .is_ok(),
        None => work_tx.send((chunk_no, chunk)).is_ok(),
    }
}

/// Puts verified chunks back in input order and writes accepted entries in batches of up to
/// [`BATCH`]. A batch is written before it is full when `early`, given how many entries are
/// written so far, allows it: it then gives the fewest entries worth a transaction. It is asked
/// whenever the store is free and every chunk verified so far is in hand.
///
/// A full batch at a time, the store would wait at the start of a large import for the workers
/// to verify a whole batch, and at its end write the last batch alone while they have nothing
/// left to do: up to [`BATCH`] entries of one core's time each (≈ 0.5 s at the start of a
/// 100,000-entry import, measured). So the first batch of a large call is written in a few
/// smaller ones, the first as soon as a quarter is verified, and once the input is all read
/// what is verified goes as soon as the store is free. In between, batches stay full: smaller
/// transactions cost the store more per entry (each commit writes the pages of every index it
/// touched), and in this part of an import the store is the slower of the two.
///
/// A call of one batch or less keeps its one transaction (`early` gives `None`), in which a
/// version is taken whatever its place relative to the document it revises, and a staff entry
/// whatever its place relative to its delegation: splitting it would change that.
fn write_in_order(
    store: &Store,
    done: impl IntoIterator<Item = (usize, Checked)>,
    index: Indexing,
    early: impl Fn(usize) -> Option<usize>,
) -> Result<Report, IngestError> {
    let mut verdicts: Vec<Option<Verdict>> = Vec::new();
    let mut pending: BTreeMap<usize, Checked> = BTreeMap::new();
    let mut next_chunk = 0;
    let mut batch: Vec<(usize, Row)> = Vec::with_capacity(BATCH);

    // Entries handed to the store so far.
    let mut written = 0;
    let flush = |batch: &mut Vec<(usize, Row)>,
                 verdicts: &mut Vec<Option<Verdict>>,
                 written: &mut usize| {
        if batch.is_empty() {
            return Ok(());
        }
        let (positions, rows): (Vec<usize>, Vec<Row>) = batch.drain(..).unzip();
        *written += rows.len();
        let inserted = store.insert_rows(rows, now_ms(), index)?;
        for (position, outcome) in positions.into_iter().zip(inserted) {
            verdicts[position] = Some(match outcome {
                Inserted::New(id) => Verdict::Accepted(id),
                Inserted::Duplicate(id) => Verdict::Duplicate(id),
                Inserted::Refused(_, why) => Verdict::Rejected(EntryError::Unauthorized(why)),
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

    for (chunk_no, checked) in done {
        pending.insert(chunk_no, checked);
        while let Some(checked) = pending.remove(&next_chunk) {
            next_chunk += 1;
            for result in checked {
                let position = verdicts.len();
                match result {
                    Screened::Entry(row) => {
                        verdicts.push(None);
                        batch.push((position, row));
                    }
                    Screened::Refused(refused) => verdicts.push(Some(refused)),
                }
            }
            if batch.len() >= BATCH
                && let Err(e) = flush(&mut batch, &mut verdicts, &mut written)
            {
                return Err(fail(verdicts, e));
            }
        }
        if early(written).is_some_and(|fewest| batch.len() >= fewest)
            && let Err(e) = flush(&mut batch, &mut verdicts, &mut written)
        {
            return Err(fail(verdicts, e));
        }
    }
    if let Err(e) = flush(&mut batch, &mut verdicts, &mut written) {
        return Err(fail(verdicts, e));
    }
    Ok(Report {
        verdicts: verdicts.into_iter().flatten().collect(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use audacities_protocol::{Draft, Format, SecretKey};

    use super::*;

    /// A valid method draft, titled "Enquête".
    fn draft() -> Draft {
        Draft::parse(
            "kind = \"method\"\nlang = \"fr\"\nlicence = \"CC-BY-4.0\"\nmethod_type = \"survey\"\n\
             themes = [\"housing\"]\n[title]\nfr = \"Enquête\"\n[purpose]\nfr = \"Comprendre.\"\n\
             [[steps]]\nfr = \"Demander.\"\n",
            Format::Toml,
        )
        .unwrap()
    }

    /// A valid entry of a city whose key is `[seed; 32]` (also used by the store's tests).
    pub(crate) fn entry(seed: u8) -> Entry {
        Entry::sign(&draft(), &SecretKey::from_bytes([seed; 32]), 1_000, None).unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_worker_gives_way_and_the_calling_thread_keeps_its_priority() {
        let nice = || rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap();
        let before = nice();
        let worker = std::thread::spawn(move || {
            yield_to_store();
            nice()
        })
        .join()
        .unwrap();
        assert_eq!(worker, WORKER_NICE.max(before));
        assert_eq!(nice(), before);
    }

    /// Entries the full-text index holds for `word` (not indexing what is pending first, as
    /// `Store::search` does).
    fn indexed(store: &Store, word: &'static str) -> u64 {
        store
            .call(move |conn| {
                conn.query_row(
                    "SELECT count(*) FROM entry_search WHERE entry_search MATCH ?1",
                    [word],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(StoreError::during("counting"))
            })
            .map(|n| u64::try_from(n).unwrap())
            .unwrap()
    }

    #[test]
    fn a_large_call_is_searchable_when_it_returns_and_a_small_one_is_indexed_behind() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let key = SecretKey::from_bytes([9; 32]);
        let policy = Policy::load(TrustMode::Open, key.public(), &store).unwrap();
        let draft = draft();
        let lines = |from: u64, n: u64| {
            (from..from + n)
                .map(|i| {
                    Ok(Entry::sign(&draft, &key, 1_000 + i, None)
                        .unwrap()
                        .bytes()
                        .to_vec())
                })
                .collect::<Vec<_>>()
        };
        let cache = |store: &Store| {
            store
                .call(|conn| {
                    conn.query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0))
                        .map_err(StoreError::during("reading the cache size"))
                })
                .unwrap()
        };
        let everyday = cache(&store);

        let large = 2 * INLINE_BELOW as u64 + 1;
        let report = ingest(&store, &policy, lines(0, large)).unwrap();
        assert_eq!(report.accepted() as u64, large);
        assert_eq!(
            store.search_backlog().unwrap(),
            0,
            "indexed with the writes"
        );
        assert_eq!(indexed(&store, "enquete"), large);
        assert_eq!(
            cache(&store),
            everyday,
            "the bulk write's cache is given back"
        );

        let small = INLINE_BELOW as u64 - 1;
        let report = ingest(&store, &policy, lines(large, small)).unwrap();
        assert_eq!(report.accepted() as u64, small);
        assert_eq!(
            store.search_backlog().unwrap(),
            small,
            "indexed behind the write"
        );
        assert_eq!(indexed(&store, "enquete"), large);
        assert_eq!(store.finish_indexing().unwrap(), small);
        assert_eq!(indexed(&store, "enquete"), large + small);
    }

    #[test]
    fn batches_are_written_early_only_at_the_ends_of_a_large_call() {
        let at = |large, waiting, read_all, written| {
            early_batch(Progress {
                large,
                waiting,
                read_all,
                written,
            })
        };
        // A call of one batch or less: one transaction, whatever else holds.
        for (waiting, read_all, written) in [(false, true, 0), (false, false, 0)] {
            assert_eq!(at(false, waiting, read_all, written), None);
        }
        // Never while verified chunks wait: they are taken in hand first.
        assert_eq!(at(true, true, true, 0), None);
        assert_eq!(at(true, true, false, 0), None);
        // The first batch of a large call goes in parts of a quarter.
        assert_eq!(at(true, false, false, 0), Some(FIRST_BATCHES));
        assert_eq!(at(true, false, false, BATCH - 1), Some(FIRST_BATCHES));
        // Then full batches, until the input is all read.
        assert_eq!(at(true, false, false, BATCH), None);
        assert_eq!(at(true, false, false, 7 * BATCH), None);
        assert_eq!(at(true, false, true, 7 * BATCH), Some(1));
    }

    #[test]
    fn batches_written_early_keep_every_verdict_in_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let entries: Vec<Entry> = (1..=6).map(entry).collect();
        let screened = |e: &Entry| Screened::Entry(Row::new(e.clone()));
        // Three chunks, the last two out of order, each written in a transaction of its own
        // (the second and third together): the second repeats an entry of the first.
        let chunks = vec![
            (
                0,
                vec![
                    screened(&entries[0]),
                    screened(&entries[1]),
                    Screened::Refused(Verdict::Rejected(EntryError::TooLarge { len: 1, max: 0 })),
                ],
            ),
            (2, vec![screened(&entries[3])]),
            (1, vec![screened(&entries[0]), screened(&entries[2])]),
        ];
        let report = write_in_order(&store, chunks, Indexing::Now, |_| Some(1)).unwrap();
        let ids: Vec<Id> = entries.iter().map(Entry::id).collect();
        assert_eq!(
            report.verdicts,
            vec![
                Verdict::Accepted(ids[0]),
                Verdict::Accepted(ids[1]),
                Verdict::Rejected(EntryError::TooLarge { len: 1, max: 0 }),
                Verdict::Duplicate(ids[0]),
                Verdict::Accepted(ids[2]),
                Verdict::Accepted(ids[3]),
            ]
        );
        assert_eq!(store.count().unwrap(), 4);
    }

    #[test]
    fn a_claim_reads_the_city_and_the_id_a_genuine_entry_has() {
        let entry = entry(4);
        let claim = Claim::read(entry.bytes()).unwrap();
        assert_eq!(&claim.city, entry.head().city.as_bytes());
        assert_eq!(claim.id(), entry.id());
    }

    #[test]
    fn no_claim_is_read_from_what_is_not_an_entry_line() {
        let entry = entry(4);
        let text = String::from_utf8(entry.bytes().to_vec()).unwrap();
        let city = entry.head().city.to_string();
        for bad in [
            String::new(),
            "{".to_owned(),
            "[1,2]".to_owned(),
            r#"{"head":{"kind":"method"}}"#.to_owned(),
            r#"{"head":{"city":42}}"#.to_owned(),
            text.replace(&city, &city.to_uppercase()),
            text.replace(&city, &city[..63]),
        ] {
            assert!(Claim::read(bad.as_bytes()).is_none(), "{bad:.80}");
        }
        let mut oversized = entry.bytes().to_vec();
        oversized.resize(MAX_ENTRY_BYTES + 1, b' ');
        assert!(Claim::read(&oversized).is_none());
    }
}
