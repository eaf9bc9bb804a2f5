//! The stored set of ids, as sync sees it: every entry's (created_ms, id) for range-based set
//! reconciliation, a fingerprint of the whole set to skip a round when two nodes already agree,
//! and bulk reads of the entries a peer lacks. Run on the store thread.
//!
//! The fingerprint is cached: sync asks for it at every round with every peer, and computing
//! it reads every id (≈ 100 ms per million entries). The cache is per store thread (each
//! [`Store`](super::Store) has its own) and is keyed by what says the set may have changed:
//! this connection's `total_changes()` (every row it inserted, deleted or updated, in any
//! table) and `PRAGMA data_version` (which moves when *another* connection commits, e.g. the CLI
//! importing into the file of a running node). Either moving drops the cache; both are read
//! before the ids, so a change that lands during the computation also drops it next time. The
//! key over-invalidates (a write to another table also recomputes), never under-invalidates.

use std::cell::RefCell;

use audacities_protocol::Id;
use rusqlite::{Connection, OptionalExtension};

use super::entries::{parse_id, to_u64};
use super::error::StoreError;

pub(crate) fn items(conn: &mut Connection) -> Result<Vec<(u64, Id)>, StoreError> {
    let ctx = "reading the set of entries";
    let mut stmt = conn
        .prepare_cached("SELECT created_ms, id FROM entries ORDER BY created_ms, id")
        .map_err(StoreError::during(ctx))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .map_err(StoreError::during(ctx))?;
    let mut out = Vec::new();
    for row in rows {
        let (created_ms, id) = row.map_err(StoreError::during(ctx))?;
        out.push((to_u64(created_ms), parse_id(&id)?));
    }
    Ok(out)
}

/// What the cached fingerprint was computed under: (`total_changes`, `data_version`).
pub type CacheKey = (u64, i64);

thread_local! {
    /// The last fingerprint computed on this store thread, with its key.
    static FINGERPRINT: RefCell<Option<(CacheKey, String)>> = const { RefCell::new(None) };
}

pub(crate) fn fingerprint(conn: &mut Connection) -> Result<String, StoreError> {
    let key = cache_key(conn)?;
    if let Some(cached) = FINGERPRINT.with_borrow(|c| {
        c.as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, fp)| fp.clone())
    }) {
        return Ok(cached);
    }
    let fp = compute_fingerprint(conn)?;
    FINGERPRINT.set(Some((key, fp.clone())));
    Ok(fp)
}

pub(crate) fn cache_key(conn: &Connection) -> Result<CacheKey, StoreError> {
    let data_version: i64 = conn
        .query_row("PRAGMA data_version", [], |r| r.get(0))
        .map_err(StoreError::during("reading the data version"))?;
    Ok((conn.total_changes(), data_version))
}

/// blake3 over the 32-byte ids in ascending order (the unique index on `id` gives that order:
/// lowercase hex sorts as the bytes do), as 64 hex characters.
fn compute_fingerprint(conn: &Connection) -> Result<String, StoreError> {
    let ctx = "computing the fingerprint of the set";
    let mut stmt = conn
        .prepare_cached("SELECT id FROM entries ORDER BY id")
        .map_err(StoreError::during(ctx))?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(StoreError::during(ctx))?;
    let mut hasher = blake3::Hasher::new();
    for row in rows {
        let id = parse_id(&row.map_err(StoreError::during(ctx))?)?;
        hasher.update(id.as_bytes());
    }
    Ok(hasher.finalize().to_hex().to_string())
}

pub(crate) fn raw_many(
    conn: &mut Connection,
    ids: &[Id],
) -> Result<Vec<(Id, Vec<u8>)>, StoreError> {
    let ctx = "reading entries by id";
    let mut stmt = conn
        .prepare_cached("SELECT raw FROM entries WHERE id = ?1")
        .map_err(StoreError::during(ctx))?;
    let mut out = Vec::new();
    for id in ids {
        let raw = stmt
            .query_row([id.to_string()], |r| r.get::<_, Vec<u8>>(0))
            .optional()
            .map_err(StoreError::during(ctx))?;
        if let Some(raw) = raw {
            out.push((*id, raw));
        }
    }
    Ok(out)
}

pub(crate) fn contains_many(conn: &mut Connection, ids: &[Id]) -> Result<Vec<bool>, StoreError> {
    let ctx = "looking up entries by id";
    let mut stmt = conn
        .prepare_cached("SELECT 1 FROM entries WHERE id = ?1")
        .map_err(StoreError::during(ctx))?;
    ids.iter()
        .map(|id| {
            stmt.exists([id.to_string()])
                .map_err(StoreError::during(ctx))
        })
        .collect()
}
