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

/// Every entry and act as (created_ms, id), in that order: content and acts are one set to sync.
pub(crate) fn items(conn: &mut Connection) -> Result<Vec<(u64, Id)>, StoreError> {
    let ctx = "reading the set of entries";
    let mut out = Vec::new();
    let mut acts = 0;
    for table in ["acts", "entries"] {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT created_ms, id FROM {table} ORDER BY created_ms, id"
            ))
            .map_err(StoreError::during(ctx))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(StoreError::during(ctx))?;
        for row in rows {
            let (created_ms, id) = row.map_err(StoreError::during(ctx))?;
            out.push((to_u64(created_ms), parse_id(&id)?));
        }
        if table == "acts" {
            acts = out.len();
        }
    }
    if acts > 0 {
        // Two sorted runs (acts, then entries): the stable sort merges them in linear time.
        out.sort();
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
    // The acts (a few per city) are merged into the stream of entry ids as it goes.
    let mut acts: Vec<Id> = Vec::new();
    {
        let mut stmt = conn
            .prepare_cached("SELECT id FROM acts ORDER BY id")
            .map_err(StoreError::during(ctx))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(StoreError::during(ctx))?;
        for row in rows {
            acts.push(parse_id(&row.map_err(StoreError::during(ctx))?)?);
        }
    }
    let mut acts = acts.into_iter().peekable();
    let mut stmt = conn
        .prepare_cached("SELECT id FROM entries ORDER BY id")
        .map_err(StoreError::during(ctx))?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(StoreError::during(ctx))?;
    let mut hasher = blake3::Hasher::new();
    for row in rows {
        let id = parse_id(&row.map_err(StoreError::during(ctx))?)?;
        while let Some(act) = acts.next_if(|a| *a < id) {
            hasher.update(act.as_bytes());
        }
        hasher.update(id.as_bytes());
    }
    for act in acts {
        hasher.update(act.as_bytes());
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
    let mut act = conn
        .prepare_cached("SELECT raw FROM acts WHERE id = ?1")
        .map_err(StoreError::during(ctx))?;
    let mut out = Vec::new();
    for id in ids {
        let text = id.to_string();
        let mut raw = stmt
            .query_row([&text], |r| r.get::<_, Vec<u8>>(0))
            .optional()
            .map_err(StoreError::during(ctx))?;
        if raw.is_none() {
            raw = act
                .query_row([&text], |r| r.get::<_, Vec<u8>>(0))
                .optional()
                .map_err(StoreError::during(ctx))?;
        }
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
    let mut act = conn
        .prepare_cached("SELECT 1 FROM acts WHERE id = ?1")
        .map_err(StoreError::during(ctx))?;
    ids.iter()
        .map(|id| {
            let text = id.to_string();
            Ok(stmt.exists([&text]).map_err(StoreError::during(ctx))?
                || act.exists([&text]).map_err(StoreError::during(ctx))?)
        })
        .collect()
}
