//! Bulk writes: a large import or sync holds a [`Bulk`] while it writes, so that the store
//! thread works differently for that time only:
//!
//! - **a larger page cache.** A bulk write inserts each batch at random places in the indexes
//!   of ids and keys (64 hexadecimal characters, in no useful order), so every batch touches
//!   most of their pages. With the everyday cache those pages are read back from the file on
//!   each batch; with the larger one they stay in memory. Outside bulk writes the connection
//!   keeps its everyday cache, so a running node's memory does not grow for good after one
//!   import.
//! - **no automatic merging of the full-text index.** Each batch's commit writes its terms as
//!   one new FTS5 segment; FTS5's `automerge` then merges segments a little after every commit.
//!   Indexing 100,000 entries 5,000 per transaction took 16–22 % less time without it, in a
//!   test of FTS5 alone (docs/benchmarks.md).
//!   During a bulk write the segments are left as they are (an import of 100,000 entries
//!   leaves about ten; searches over them measured no slower). FTS5's `crisismerge` still
//!   merges a level that reaches 16 segments, so their number stays bounded even in a very
//!   large import, and the default (`automerge` = 4) is back when the bulk write ends. It is a
//!   stored setting: should the process stop in between, the index stays correct, only
//!   unmerged until the next bulk write ends.
//! - **checkpoints on another thread** ([`super::checkpointer`]): the write-ahead log is copied
//!   into the database file by a thread with its own connection, not by the store thread after
//!   its commits; the store thread's own automatic checkpoint waits for a much longer log.
//! - **no cutting back of the log file.** Each time the log starts again, SQLite cuts its file
//!   back to `journal_size_limit`, only for the next batches to make it grow again: on the
//!   store thread, that took 0.14–0.16 s for each restart of a 256 MiB log (ext4 freeing the
//!   blocks, measured with `strace` in an import of 100,000 entries). The limit is lifted for
//!   the bulk write and set again when it ends, so the file is cut back once, by the write
//!   that ends it.

use std::cell::{Cell, RefCell};
use std::path::Path;

use rusqlite::Connection;

use super::checkpointer::{self, Checkpointer};
use super::error::StoreError;
use super::handle::Store;
use super::schema::{self, BULK_CACHE_KIB, CACHE_KIB};

thread_local! {
    /// Bulk writes under way on this store thread (each store thread owns one connection, and
    /// its jobs run one after another, so this count is the connection's).
    static UNDER_WAY: Cell<usize> = const { Cell::new(0) };
    /// The thread that checkpoints while they last, if it could be started.
    static CHECKPOINTER: RefCell<Option<Checkpointer>> = const { RefCell::new(None) };
}

/// A bulk write in progress, from [`Store::bulk`] until dropped. Two at once (two syncs) share
/// the bulk settings until the last one ends.
#[must_use = "the bulk settings last as long as the value"]
pub struct Bulk {
    store: Store,
}

impl Store {
    /// Starts a bulk write: until the returned value is dropped, the connection's page cache is
    /// [`BULK_CACHE_KIB`], the full-text index does not merge automatically and another thread
    /// checkpoints the write-ahead log (module doc).
    pub fn bulk(&self) -> Result<Bulk, StoreError> {
        self.call(|conn| begin(conn))?;
        Ok(Bulk {
            store: self.clone(),
        })
    }
}

impl Drop for Bulk {
    fn drop(&mut self) {
        match self.store.call(|conn| end(conn)) {
            // A closed store has nothing left to restore.
            Ok(()) | Err(StoreError::Closed) => {}
            Err(e) => tracing::warn!("could not restore the settings after a bulk write: {e}"),
        }
    }
}

/// FTS5's default `automerge`.
const AUTOMERGE: u32 = 4;

fn begin(conn: &Connection) -> Result<(), StoreError> {
    let before = UNDER_WAY.get();
    UNDER_WAY.set(before + 1);
    if before == 0 {
        let applied = schema::set_cache(conn, BULK_CACHE_KIB)
            .and_then(|()| set_journal_size_limit(conn, "-1"))
            .and_then(|()| set_automerge(conn, 0))
            .and_then(|()| start_checkpointer(conn));
        if let Err(e) = applied {
            // No `Bulk` is returned, so nothing will end this one: undo what was set.
            let _ = end(conn);
            return Err(e);
        }
    }
    Ok(())
}

fn end(conn: &Connection) -> Result<(), StoreError> {
    let left = UNDER_WAY.get().saturating_sub(1);
    UNDER_WAY.set(left);
    if left == 0 {
        stop_checkpointer(conn)?;
        // Before the write below: with the log all copied, it starts the log again, and the
        // file is cut back then.
        set_journal_size_limit(conn, schema::JOURNAL_SIZE_LIMIT)?;
        set_automerge(conn, AUTOMERGE)?;
        schema::set_cache(conn, CACHE_KIB)?;
    }
    Ok(())
}

/// Starts the checkpoint thread and moves the writer's own checkpoints to the backstop
/// ([`checkpointer`]). Not for a read-only connection (nothing to checkpoint), nor an in-memory
/// database (no file another connection could open).
fn start_checkpointer(conn: &Connection) -> Result<(), StoreError> {
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
        return Ok(());
    }
    let Some(path) = conn.path().filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let Some(started) = Checkpointer::start(Path::new(path)) else {
        return Ok(());
    };
    CHECKPOINTER.set(Some(started));
    set_autocheckpoint(conn, checkpointer::BACKSTOP)
}

/// Stops the checkpoint thread, if one runs, and gives the writer its everyday checkpoints.
fn stop_checkpointer(conn: &Connection) -> Result<(), StoreError> {
    let Some(running) = CHECKPOINTER.take() else {
        return Ok(());
    };
    // Stops it after one last checkpoint, and waits for it.
    drop(running);
    set_autocheckpoint(conn, checkpointer::EVERYDAY)
}

fn set_journal_size_limit(conn: &Connection, bytes: &str) -> Result<(), StoreError> {
    conn.pragma_update(None, "journal_size_limit", bytes)
        .map_err(StoreError::during("setting journal_size_limit"))
}

fn set_autocheckpoint(conn: &Connection, pages: u32) -> Result<(), StoreError> {
    conn.pragma_update(None, "wal_autocheckpoint", pages)
        .map_err(StoreError::during("setting wal_autocheckpoint"))
}

/// Sets the full-text index's `automerge` (a setting stored in the file). A read-only
/// connection writes nothing, and has nothing to merge.
fn set_automerge(conn: &Connection, segments: u32) -> Result<(), StoreError> {
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO entry_search (entry_search, rank) VALUES ('automerge', ?1)",
        [segments],
    )
    .map(drop)
    .map_err(StoreError::during("setting the full-text index's merging"))
}

#[cfg(test)]
mod tests {
    use rusqlite::OptionalExtension;

    use super::*;

    /// The page cache size, FTS5's stored `automerge` (`None`: its default) and the
    /// `journal_size_limit`.
    fn settings(store: &Store) -> (i64, Option<i64>, i64) {
        store
            .call(|conn| {
                let cache = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
                let automerge = conn
                    .query_row(
                        "SELECT v FROM entry_search_config WHERE k = 'automerge'",
                        [],
                        |r| r.get(0),
                    )
                    .optional()?;
                let limit = conn.query_row("PRAGMA journal_size_limit", [], |r| r.get(0))?;
                Ok((cache, automerge, limit))
            })
            .unwrap()
    }

    #[test]
    fn bulk_settings_last_until_the_last_bulk_write_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let limit: i64 = schema::JOURNAL_SIZE_LIMIT.parse().unwrap();
        let everyday = (-i64::from(CACHE_KIB), None, limit);
        let bulk = (-i64::from(BULK_CACHE_KIB), Some(0), -1);
        assert_eq!(settings(&store), everyday);
        let first = store.bulk().unwrap();
        assert_eq!(settings(&store), bulk);
        let second = store.bulk().unwrap();
        drop(first);
        assert_eq!(
            settings(&store),
            bulk,
            "another bulk write is still under way"
        );
        drop(second);
        let after = (everyday.0, Some(i64::from(AUTOMERGE)), limit);
        assert_eq!(settings(&store), after);
    }

    /// The writer's `wal_autocheckpoint`.
    fn autocheckpoint(store: &Store) -> i64 {
        store
            .call(|conn| Ok(conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))?))
            .unwrap()
    }

    /// Frames in the write-ahead log, and how many of them are copied into the database file:
    /// `mxFrame` of the first wal-index header and `nBackfill` after the two headers, as
    /// https://sqlite.org/walformat.html lays out the `-shm` file (native byte order).
    fn log_frames(db: &Path) -> (u32, u32) {
        let mut shm = db.as_os_str().to_owned();
        shm.push("-shm");
        let bytes = std::fs::read(shm).unwrap();
        let word = |at: usize| u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap());
        (word(16), word(96))
    }

    /// Commits about 130 pages of log (below the everyday automatic checkpoint of 1,000).
    fn write_some(store: &Store) {
        store
            .call(|conn| {
                conn.execute_batch(
                    "CREATE TABLE IF NOT EXISTS scratch (b BLOB);
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                     INSERT INTO scratch SELECT randomblob(10000) FROM n;",
                )?;
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn the_log_file_is_cut_back_when_a_bulk_write_ends() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let store = Store::open(&db).unwrap();
        let limit: u64 = schema::JOURNAL_SIZE_LIMIT.parse().unwrap();
        let log_size = || {
            std::fs::metadata(dir.path().join("t.db-wal"))
                .unwrap()
                .len()
        };
        let bulk = store.bulk().unwrap();
        // 80 MiB in one transaction: the log passes the limit, which does not apply meanwhile.
        store
            .call(|conn| {
                conn.execute_batch(
                    "CREATE TABLE big (b BLOB);
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80)
                     INSERT INTO big SELECT zeroblob(1048576) FROM n;",
                )?;
                Ok(())
            })
            .unwrap();
        assert!(log_size() > limit, "{} bytes of log", log_size());
        drop(bulk);
        assert!(log_size() <= limit, "{} bytes of log", log_size());
    }

    #[test]
    fn a_bulk_write_has_its_log_copied_by_another_thread() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let store = Store::open(&db).unwrap();
        let everyday = i64::from(checkpointer::EVERYDAY);
        assert_eq!(autocheckpoint(&store), everyday);

        // Outside a bulk write, a small commit stays in the log.
        write_some(&store);
        let (before, copied) = log_frames(&db);
        assert!(before > 100 && copied < before, "{copied} of {before}");

        let bulk = store.bulk().unwrap();
        assert_eq!(autocheckpoint(&store), i64::from(checkpointer::BACKSTOP));
        write_some(&store);
        let mut seen = log_frames(&db);
        for _ in 0..500 {
            if seen.0 > before && seen.1 == seen.0 {
                break;
            }
            std::thread::sleep(checkpointer::PAUSE);
            seen = log_frames(&db);
        }
        let (frames, copied) = seen;
        assert!(
            frames > before,
            "the log holds both commits: {frames} frames"
        );
        assert_eq!(copied, frames, "every committed frame is copied");

        drop(bulk);
        assert_eq!(autocheckpoint(&store), everyday);
    }
}
