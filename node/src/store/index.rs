//! The full-text index that follows the writes (see the module doc of `store`).
//!
//! [`insert`](super::entries::insert) writes each new entry's texts to `entry_texts` (the
//! external content of the FTS5 table `entry_search`) and its rowid to `search_pending`. This
//! module moves pending rows into the index, in rowid order, and removes their marks in the
//! same transaction, so an entry is either searchable or still marked — never lost between.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::error::StoreError;

/// Rows indexed per statement; between steps the idle indexer checks for waiting jobs.
/// (≈ 30–60 ms of work at the measured rate.)
pub const STEP_ROWS: usize = 256;

/// Rows indexed per transaction at most. Each commit writes the pending terms as one new index
/// segment; fewer, larger segments mean less merging (measured on 100,000 entries of ~2 KB:
/// 1,000 rows per transaction ≈ 6,000 rows/s, 5,000 ≈ 9,000–15,000 rows/s; indexing 50,000
/// after an import took 2.06 s in transactions of 5,000 and 1.57 s in one, means of 5 runs).
/// Memory stays bounded either way: FTS5 writes its pending terms out past `hashsize` (16 MB).
/// An idle step still gives way after [`STEP_ROWS`] when a job waits.
pub const TXN_ROWS: usize = 25_000;

/// How many entries wait for the index.
pub(crate) fn backlog(conn: &Connection) -> Result<u64, StoreError> {
    conn.prepare_cached("SELECT count(*) FROM search_pending")
        .and_then(|mut s| s.query_row([], |r| r.get::<_, i64>(0)))
        .map(|n| u64::try_from(n).unwrap_or(0))
        .map_err(StoreError::during(
            "counting entries waiting for the search index",
        ))
}

/// Whether any entry waits for the index.
pub(crate) fn has_backlog(conn: &Connection) -> Result<bool, StoreError> {
    newest_pending(conn).map(|top| top.is_some())
}

/// The newest entry waiting for the index (its rowid), if any: when it grows, entries were
/// just written.
pub(crate) fn newest_pending(conn: &Connection) -> Result<Option<i64>, StoreError> {
    conn.prepare_cached("SELECT max(rowid) FROM search_pending")
        .and_then(|mut s| s.query_row([], |r| r.get::<_, Option<i64>>(0)))
        .map_err(StoreError::during(
            "looking for entries waiting for the search index",
        ))
}

/// Indexes up to `rows` pending entries inside `tx`; returns how many it took.
fn step(tx: &Transaction<'_>, rows: usize) -> Result<usize, StoreError> {
    let ctx = "indexing entries for search";
    let offset = i64::try_from(rows.saturating_sub(1)).unwrap_or(i64::MAX);
    // The last rowid of this step, or every pending row when fewer are left.
    let upper: i64 = tx
        .prepare_cached("SELECT rowid FROM search_pending ORDER BY rowid LIMIT 1 OFFSET ?1")
        .and_then(|mut s| s.query_row([offset], |r| r.get(0)).optional())
        .map_err(StoreError::during(ctx))?
        .unwrap_or(i64::MAX);
    tx.prepare_cached(
        "INSERT INTO entry_search (rowid, title, summary, body, other)
         SELECT t.rowid, t.title, t.summary, t.body, t.other
         FROM search_pending p JOIN entry_texts t ON t.rowid = p.rowid
         WHERE p.rowid <= ?1
         ORDER BY p.rowid",
    )
    .and_then(|mut s| s.execute([upper]))
    .map_err(StoreError::during(ctx))?;
    tx.prepare_cached("DELETE FROM search_pending WHERE rowid <= ?1")
        .and_then(|mut s| s.execute([upper]))
        .map_err(StoreError::during(ctx))
}

/// Indexes everything pending, in transactions of [`TXN_ROWS`]; returns how many entries.
pub(crate) fn catch_up(conn: &mut Connection) -> Result<u64, StoreError> {
    let mut total = 0u64;
    while has_backlog(conn)? {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::during("starting to index entries for search"))?;
        let done = step(&tx, TXN_ROWS)?;
        tx.commit()
            .map_err(StoreError::during("committing the search index"))?;
        total += done as u64;
        if done == 0 {
            break;
        }
    }
    Ok(total)
}

/// Idle work: indexes in steps of [`STEP_ROWS`] within one transaction, until the backlog is
/// empty, [`TXN_ROWS`] are done, or `job_waiting()` says someone waits for the thread.
/// Returns whether entries are still pending.
pub(crate) fn idle_step(
    conn: &mut Connection,
    job_waiting: impl Fn() -> bool,
) -> Result<bool, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::during("starting to index entries for search"))?;
    let mut done = 0;
    let more = loop {
        let n = step(&tx, STEP_ROWS)?;
        done += n;
        if n < STEP_ROWS {
            break false;
        }
        if done >= TXN_ROWS || job_waiting() {
            break true;
        }
    };
    tx.commit()
        .map_err(StoreError::during("committing the search index"))?;
    tracing::trace!(indexed = done, more, "search index step");
    Ok(more)
}

#[cfg(test)]
mod tests {
    use audacities_protocol::{Draft, Entry, Format, SecretKey};

    use super::super::{entries, schema};
    use super::*;

    fn entry(title: &str, minute: u64) -> Entry {
        let toml = format!(
            "kind = \"method\"\nlang = \"fr\"\nlicence = \"CC-BY-4.0\"\n\
             method_type = \"survey\"\nthemes = [\"health\"]\n[title]\nfr = {title:?}\n\
             [purpose]\nfr = \"Comprendre.\"\n[[steps]]\nfr = \"Demander.\"\n"
        );
        let draft = Draft::parse(&toml, Format::Toml).unwrap();
        Entry::sign(
            &draft,
            &SecretKey::from_bytes([1; 32]),
            minute * 60_000,
            None,
        )
        .unwrap()
    }

    fn hits(conn: &Connection, word: &str) -> i64 {
        conn.query_row(
            "SELECT count(*) FROM entry_search WHERE entry_search MATCH ?1",
            [word],
            |r| r.get(0),
        )
        .unwrap()
    }

    fn fts_ok(conn: &Connection) -> bool {
        conn.execute(
            "INSERT INTO entry_search (entry_search, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .is_ok()
    }

    #[test]
    fn pending_entries_are_indexed_in_order_and_unmarked() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = schema::open_read_write(&dir.path().join("t.db")).unwrap();
        let rows: Vec<_> = (0..700)
            .map(|i| entries::Row::new(entry(&format!("Titre {i}"), i)))
            .collect();
        entries::insert(&mut conn, &rows, 0, entries::Indexing::Later).unwrap();
        assert_eq!(backlog(&conn).unwrap(), 700);
        assert_eq!(hits(&conn, "titre"), 0);
        // An idle step stops when a job waits, after one step.
        assert!(idle_step(&mut conn, || true).unwrap());
        assert_eq!(backlog(&conn).unwrap(), (700 - STEP_ROWS) as u64);
        assert_eq!(hits(&conn, "titre"), STEP_ROWS as i64);
        assert!(!idle_step(&mut conn, || false).unwrap());
        assert_eq!(backlog(&conn).unwrap(), 0);
        assert_eq!(hits(&conn, "titre"), 700);
        assert_eq!(catch_up(&mut conn).unwrap(), 0);
        assert!(fts_ok(&conn));
    }

    #[test]
    fn deleting_pending_and_indexed_entries_keeps_the_index_consistent() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = schema::open_read_write(&dir.path().join("t.db")).unwrap();
        let first = [entry("Indexée effacée", 1), entry("Indexée gardée", 2)];
        let rows: Vec<_> = first.iter().cloned().map(entries::Row::new).collect();
        entries::insert(&mut conn, &rows, 0, entries::Indexing::Later).unwrap();
        assert_eq!(catch_up(&mut conn).unwrap(), 2);
        let pending = [
            entry("En attente effacée", 3),
            entry("En attente gardée", 4),
        ];
        let rows: Vec<_> = pending.iter().cloned().map(entries::Row::new).collect();
        entries::insert(&mut conn, &rows, 0, entries::Indexing::Later).unwrap();
        assert_eq!(backlog(&conn).unwrap(), 2);

        for e in [&first[0], &pending[0]] {
            conn.execute("DELETE FROM entries WHERE id = ?1", [e.id().to_string()])
                .unwrap();
        }
        assert_eq!(backlog(&conn).unwrap(), 1);
        catch_up(&mut conn).unwrap();
        assert!(fts_ok(&conn));
        assert_eq!(hits(&conn, "effacee"), 0);
        assert_eq!(hits(&conn, "gardee"), 2);
    }

    #[test]
    fn entries_indexed_with_their_write_are_searchable_at_once_and_leave_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = schema::open_read_write(&dir.path().join("t.db")).unwrap();
        // One entry waits for the index, then two are indexed with their write.
        let later = [entry("Attente gardée", 1)];
        let rows: Vec<_> = later.iter().cloned().map(entries::Row::new).collect();
        entries::insert(&mut conn, &rows, 0, entries::Indexing::Later).unwrap();
        let now = [entry("Directe effacée", 2), entry("Directe gardée", 3)];
        let rows: Vec<_> = now.iter().cloned().map(entries::Row::new).collect();
        entries::insert(&mut conn, &rows, 0, entries::Indexing::Now).unwrap();
        assert_eq!(backlog(&conn).unwrap(), 1, "only the first one is marked");
        assert_eq!(hits(&conn, "directe"), 2);

        conn.execute(
            "DELETE FROM entries WHERE id = ?1",
            [now[0].id().to_string()],
        )
        .unwrap();
        assert_eq!(hits(&conn, "effacee"), 0);
        assert_eq!(catch_up(&mut conn).unwrap(), 1);
        // The index matches its content: nothing of the deleted entry is left in it.
        assert!(fts_ok(&conn));
        assert_eq!(hits(&conn, "gardee"), 2);
    }
}
