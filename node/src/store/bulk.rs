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

use std::cell::Cell;

use rusqlite::Connection;

use super::error::StoreError;
use super::handle::Store;
use super::schema::{self, BULK_CACHE_KIB, CACHE_KIB};

thread_local! {
    /// Bulk writes under way on this store thread (each store thread owns one connection, and
    /// its jobs run one after another, so this count is the connection's).
    static UNDER_WAY: Cell<usize> = const { Cell::new(0) };
}

/// A bulk write in progress, from [`Store::bulk`] until dropped. Two at once (two syncs) share
/// the bulk settings until the last one ends.
#[must_use = "the bulk settings last as long as the value"]
pub struct Bulk {
    store: Store,
}

impl Store {
    /// Starts a bulk write: until the returned value is dropped, the connection's page cache is
    /// [`BULK_CACHE_KIB`] and the full-text index does not merge automatically (module doc).
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
        let applied = schema::set_cache(conn, BULK_CACHE_KIB).and_then(|()| set_automerge(conn, 0));
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
        set_automerge(conn, AUTOMERGE)?;
        schema::set_cache(conn, CACHE_KIB)?;
    }
    Ok(())
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

    /// The page cache size, and FTS5's stored `automerge` (`None`: its default).
    fn settings(store: &Store) -> (i64, Option<i64>) {
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
                Ok((cache, automerge))
            })
            .unwrap()
    }

    #[test]
    fn bulk_settings_last_until_the_last_bulk_write_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let everyday = (-i64::from(CACHE_KIB), None);
        let bulk = (-i64::from(BULK_CACHE_KIB), Some(0));
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
        let after = (everyday.0, Some(i64::from(AUTOMERGE)));
        assert_eq!(settings(&store), after);
    }
}
