//! Retraction and verifiable erasure. Run on the store thread.
//!
//! When a node takes in a city's retraction of one of its documents, it deletes every version's
//! row (and, through the foreign keys and the full-text triggers, its texts, titles, fields and
//! index entries) and keeps only a tombstone per version id, so that no door ever takes the
//! entry again. What makes the deletion an erasure rather than an unlinking:
//!
//! - `PRAGMA secure_delete = ON` (set on every connection): SQLite overwrites deleted content
//!   with zeros instead of leaving it in free pages;
//! - FTS5's own `secure-delete` option (schema v8): a deleted document's terms are removed from
//!   the index's segments instead of being masked by a delete marker;
//! - after the transaction, a `wal_checkpoint(TRUNCATE)`: the write-ahead log, which still holds
//!   the pages as they were before, is copied into the file and cut to zero bytes.
//!
//! A retraction may arrive before the document (sync order is not causal): its tombstone then
//! waits, and the document is refused when it comes — if it is of the retracting city, so that
//! no city can erase another's document by naming it first.
//!
//! The node then signs an erasure receipt (`node::receipts`); receipts are acts like any other
//! and reach the author, whose `show` lists the cities that confirmed.

use audacities_protocol::act::{ErasureReceipt, Retraction};
use audacities_protocol::{Entry, Id, PublicKey};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::entries::{parse_id, parse_key, to_i64, to_u64};
use super::error::StoreError;

/// Applies a retraction stored just now: erases every version of its document of the
/// retracting city, records their tombstones and the retraction. Returns how many versions
/// were erased.
pub(crate) fn retract(
    tx: &Transaction<'_>,
    act: &Entry,
    retraction: &Retraction,
) -> Result<usize, StoreError> {
    let ctx = "erasing a retracted document";
    let city = act.head().city.to_string();
    let doc = retraction.doc.to_string();
    tx.prepare_cached(
        "INSERT OR IGNORE INTO retracted_docs (doc, city, retraction, reason, retracted_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut s| {
        s.execute(params![
            doc,
            city,
            act.id().to_string(),
            retraction.reason,
            to_i64(act.head().created)
        ])
    })
    .map_err(StoreError::during(ctx))?;
    let versions: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT rowid, id FROM entries WHERE (id = ?1 OR revises_doc = ?1) AND city = ?2",
        )
        .and_then(|mut s| {
            s.query_map(params![doc, city], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(StoreError::during(ctx))?;
    let mut tomb = tx
        .prepare_cached("INSERT OR IGNORE INTO erased (id, doc) VALUES (?1, ?2)")
        .map_err(StoreError::during(ctx))?;
    let mut delete = tx
        .prepare_cached("DELETE FROM entries WHERE rowid = ?1")
        .map_err(StoreError::during(ctx))?;
    for (rowid, id) in &versions {
        tomb.execute(params![id, doc])
            .map_err(StoreError::during(ctx))?;
        delete.execute([rowid]).map_err(StoreError::during(ctx))?;
    }
    // Translations carry the document's text too: erased with it, whoever made them.
    let translations: Vec<String> = tx
        .prepare_cached("SELECT act FROM translations WHERE doc = ?1")
        .and_then(|mut s| {
            s.query_map([&doc], |r| r.get(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(StoreError::during(ctx))?;
    for act in &translations {
        tomb.execute(params![act, doc])
            .map_err(StoreError::during(ctx))?;
        tx.execute("DELETE FROM acts WHERE id = ?1", [act])
            .map_err(StoreError::during(ctx))?;
        tx.execute("DELETE FROM translations WHERE act = ?1", [act])
            .map_err(StoreError::during(ctx))?;
    }
    Ok(versions.len() + translations.len())
}

/// Records a receipt stored just now (who confirmed which retraction).
pub(crate) fn record_receipt(
    tx: &Transaction<'_>,
    act: &Entry,
    receipt: &ErasureReceipt,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO erasure_receipts (retraction, city, receipt, created_ms)
         VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut s| {
        s.execute(params![
            receipt.retraction.to_string(),
            act.head().city.to_string(),
            act.id().to_string(),
            to_i64(act.head().created)
        ])
    })
    .map(|_| ())
    .map_err(StoreError::during("recording an erasure receipt"))
}

/// The retracted document an erased id (a version, or a translation) belonged to.
pub(crate) fn erased_doc(conn: &Connection, id: &str) -> Result<Option<Id>, StoreError> {
    let doc: Option<String> = conn
        .prepare_cached("SELECT doc FROM erased WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .map_err(StoreError::during("looking up an erased id"))?;
    doc.map(|d| parse_id(&d)).transpose()
}

/// Whether any document is retracted (an insert checks its rows only then).
pub(crate) fn any_retracted(conn: &Connection) -> Result<bool, StoreError> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM retracted_docs)")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(StoreError::during("checking for retractions"))
}

/// The retracted document an incoming entry belongs to, if its city retracted it.
pub(crate) fn retracted_doc(
    conn: &Connection,
    id: &str,
    revises_doc: Option<&str>,
    city: &str,
) -> Result<Option<Id>, StoreError> {
    let doc = revises_doc.unwrap_or(id);
    let found: Option<String> = conn
        .prepare_cached("SELECT doc FROM retracted_docs WHERE doc = ?1 AND city = ?2")
        .and_then(|mut s| s.query_row(params![doc, city], |r| r.get(0)).optional())
        .map_err(StoreError::during("checking for a retraction"))?;
    found.map(|d| parse_id(&d)).transpose()
}

/// Copies the write-ahead log into the file and cuts it to zero bytes, so that no page as it
/// was before an erasure stays in it. A reader holding an older snapshot can make it fail for
/// a moment: it is tried a few times, then left to the next erasure or to SQLite's own
/// checkpoints (the content is already gone from the database file's live pages).
pub(crate) fn checkpoint(conn: &Connection) {
    for attempt in 0..10 {
        let busy: Result<i64, _> =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0));
        match busy {
            Ok(0) => return,
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(20 * (attempt + 1))),
            Err(e) => {
                tracing::warn!("checkpoint after an erasure failed: {e}");
                return;
            }
        }
    }
    tracing::warn!("checkpoint after an erasure: readers kept the log busy; retried later");
}

/// A retracted document as this node knows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Retracted {
    pub doc: Id,
    pub city: PublicKey,
    pub retraction: Id,
    pub reason: String,
    pub retracted_ms: u64,
    /// The cities whose nodes confirmed erasure: (city, receipt time).
    pub receipts: Vec<(PublicKey, u64)>,
}

/// What this node knows of the retraction of the document `id` (or a version of it) belongs
/// to; `id` may be a prefix of at least 8 characters of an erased version's or document's id.
pub(crate) fn retracted(conn: &Connection, prefix: &str) -> Result<Option<Retracted>, StoreError> {
    let ctx = "reading a retraction";
    let upper = format!("{prefix}g");
    let doc: Option<String> = conn
        .prepare_cached(
            "SELECT doc FROM erased WHERE id >= ?1 AND id < ?2
             UNION SELECT doc FROM retracted_docs WHERE doc >= ?1 AND doc < ?2 LIMIT 1",
        )
        .and_then(|mut s| s.query_row(params![prefix, upper], |r| r.get(0)).optional())
        .map_err(StoreError::during(ctx))?;
    let Some(doc) = doc else { return Ok(None) };
    let row: Option<(String, String, String, i64)> = conn
        .prepare_cached(
            "SELECT city, retraction, reason, retracted_ms FROM retracted_docs WHERE doc = ?1",
        )
        .and_then(|mut s| {
            s.query_row([&doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .optional()
        })
        .map_err(StoreError::during(ctx))?;
    let Some((city, retraction, reason, at)) = row else {
        return Ok(None);
    };
    let receipts = conn
        .prepare_cached(
            "SELECT city, created_ms FROM erasure_receipts WHERE retraction = ?1
             ORDER BY created_ms, city",
        )
        .and_then(|mut s| {
            s.query_map([&retraction], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(StoreError::during(ctx))?
        .into_iter()
        .map(|(c, t)| Ok((parse_key(&c)?, to_u64(t))))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Some(Retracted {
        doc: parse_id(&doc)?,
        city: parse_key(&city)?,
        retraction: parse_id(&retraction)?,
        reason,
        retracted_ms: to_u64(at),
        receipts,
    }))
}

/// The retractions applied here that `city` has not confirmed yet: (retraction, document).
pub(crate) fn unconfirmed(
    conn: &Connection,
    city: &PublicKey,
) -> Result<Vec<(Id, Id)>, StoreError> {
    let ctx = "finding retractions to confirm";
    conn.prepare_cached(
        "SELECT retraction, doc FROM retracted_docs r WHERE NOT EXISTS
           (SELECT 1 FROM erasure_receipts e WHERE e.retraction = r.retraction AND e.city = ?1)",
    )
    .and_then(|mut s| {
        s.query_map([city.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()
    })
    .map_err(StoreError::during(ctx))?
    .into_iter()
    .map(|(r, d)| Ok((parse_id(&r)?, parse_id(&d)?)))
    .collect()
}
