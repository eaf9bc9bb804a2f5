//! The peer log: each peer this node has synced with, its last successful sync and running
//! totals, persisted so that `status` shows them after a restart. Run on the store thread.
//!
//! Peer ids are cheap to make, so a hostile network could fill this table with new ones: it
//! keeps the [`MAX_PEERS`] most recently synced and forgets the others.

use rusqlite::{Connection, TransactionBehavior, params};

use super::SyncRecord;
use super::entries::{parse_key, to_i64, to_u64};
use super::error::StoreError;

/// How many peers the log keeps (the most recently synced).
pub const MAX_PEERS: usize = 1_000;

pub(crate) fn record(conn: &mut Connection, record: &SyncRecord) -> Result<(), StoreError> {
    let ctx = "recording a sync";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::during("starting a write transaction"))?;
    tx.prepare_cached(
        "INSERT INTO peer_syncs (peer_id, address, city, last_sync_ms, received, sent, syncs)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
         ON CONFLICT (peer_id) DO UPDATE SET
             address      = coalesce(excluded.address, address),
             city         = coalesce(excluded.city, city),
             last_sync_ms = max(last_sync_ms, excluded.last_sync_ms),
             received     = received + excluded.received,
             sent         = sent + excluded.sent,
             syncs        = syncs + 1",
    )
    .and_then(|mut s| {
        s.execute(params![
            record.peer_id,
            record.address,
            record.city.map(|c| c.to_string()),
            to_i64(record.at_ms),
            // Clamped so that adding to a running total cannot overflow SQLite's integers.
            to_i64(record.received.min(1 << 53)),
            to_i64(record.sent.min(1 << 53)),
        ])
    })
    .map_err(StoreError::during(ctx))?;
    tx.execute(
        "DELETE FROM peer_syncs WHERE peer_id IN (
             SELECT peer_id FROM peer_syncs
             ORDER BY last_sync_ms DESC, peer_id LIMIT -1 OFFSET ?1)",
        [MAX_PEERS as i64],
    )
    .map_err(StoreError::during(ctx))?;
    tx.commit()
        .map_err(StoreError::during("committing a sync record"))?;
    Ok(())
}

/// Every logged peer, most recently synced first.
pub(crate) fn log(conn: &mut Connection) -> Result<Vec<SyncRecord>, StoreError> {
    let ctx = "reading the peer log";
    let mut stmt = conn
        .prepare_cached(
            "SELECT peer_id, address, city, last_sync_ms, received, sent FROM peer_syncs
             ORDER BY last_sync_ms DESC, peer_id",
        )
        .map_err(StoreError::during(ctx))?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })
        .map_err(StoreError::during(ctx))?;
    let mut out = Vec::new();
    for row in rows {
        let (peer_id, address, city, at_ms, received, sent) =
            row.map_err(StoreError::during(ctx))?;
        out.push(SyncRecord {
            peer_id,
            address,
            city: city.as_deref().map(parse_key).transpose()?,
            at_ms: to_u64(at_ms),
            received: to_u64(received),
            sent: to_u64(sent),
        });
    }
    Ok(out)
}
