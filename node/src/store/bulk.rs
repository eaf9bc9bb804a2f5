//! Bulk writes: a large import or sync holds a [`Bulk`] while it writes, so that the store
//! thread's connection keeps a larger page cache for that time only.
//!
//! Why: a bulk write inserts each batch at random places in the indexes of ids and keys (64
//! hexadecimal characters, in no useful order), so every batch touches most of their pages. With
//! the everyday cache those pages are read back from the file on each batch; with the larger
//! one they stay in memory. Outside bulk writes the connection keeps its everyday cache, so a
//! running node's memory does not grow for good after one import.

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
/// the larger cache until the last one ends.
#[must_use = "the larger cache lasts as long as the value"]
pub struct Bulk {
    store: Store,
}

impl Store {
    /// Starts a bulk write: the connection's page cache grows to [`BULK_CACHE_KIB`] until the
    /// returned value is dropped.
    pub fn bulk(&self) -> Result<Bulk, StoreError> {
        self.call(|conn| begin(conn))?;
        Ok(Bulk {
            store: self.clone(),
        })
    }
}

impl Drop for Bulk {
    fn drop(&mut self) {
        // A closed store has nothing left to shrink.
        if let Err(e) = self.store.call(|conn| end(conn)) {
            tracing::debug!("could not end a bulk write: {e}");
        }
    }
}

fn begin(conn: &Connection) -> Result<(), StoreError> {
    let before = UNDER_WAY.get();
    if before == 0 {
        schema::set_cache(conn, BULK_CACHE_KIB)?;
    }
    UNDER_WAY.set(before + 1);
    Ok(())
}

fn end(conn: &Connection) -> Result<(), StoreError> {
    let left = UNDER_WAY.get().saturating_sub(1);
    UNDER_WAY.set(left);
    if left == 0 {
        schema::set_cache(conn, CACHE_KIB)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_kib(store: &Store) -> i64 {
        store
            .call(|conn| {
                conn.query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0))
                    .map_err(StoreError::during("reading the cache size"))
            })
            .unwrap()
    }

    #[test]
    fn the_larger_cache_lasts_until_the_last_bulk_write_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let everyday = -i64::from(CACHE_KIB);
        let bulk = -i64::from(BULK_CACHE_KIB);
        assert_eq!(cache_kib(&store), everyday);
        let first = store.bulk().unwrap();
        assert_eq!(cache_kib(&store), bulk);
        let second = store.bulk().unwrap();
        drop(first);
        assert_eq!(
            cache_kib(&store),
            bulk,
            "another bulk write is still under way"
        );
        drop(second);
        assert_eq!(cache_kib(&store), everyday);
    }
}
