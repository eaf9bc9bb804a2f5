//! The trust list: the cities this node stores and relays besides its own, when its config says
//! `trust = "members"`. Only the list lives here; the decision is [`crate::trust::Policy`]'s.
//! Run on the store thread.

use audacities_protocol::PublicKey;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::Member;
use super::entries::{parse_key, to_i64, to_u64};
use super::error::StoreError;

/// Adds `city`; true if it was not on the list. Adding a city already there keeps its date and
/// replaces its label only when a new one is given.
pub(crate) fn add(
    conn: &mut Connection,
    city: &PublicKey,
    label: Option<&str>,
    now_ms: u64,
) -> Result<bool, StoreError> {
    let ctx = "adding a trusted city";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::during("starting a write transaction"))?;
    let city = city.to_string();
    let known = tx
        .prepare_cached("SELECT 1 FROM trusted_cities WHERE city = ?1")
        .and_then(|mut s| s.query_row([&city], |_| Ok(())).optional())
        .map_err(StoreError::during(ctx))?
        .is_some();
    if known {
        if let Some(label) = label {
            tx.execute(
                "UPDATE trusted_cities SET label = ?2 WHERE city = ?1",
                params![city, label],
            )
            .map_err(StoreError::during(ctx))?;
        }
    } else {
        tx.execute(
            "INSERT INTO trusted_cities (city, label, added_ms) VALUES (?1, ?2, ?3)",
            params![city, label, to_i64(now_ms)],
        )
        .map_err(StoreError::during(ctx))?;
    }
    tx.commit()
        .map_err(StoreError::during("committing the trust list"))?;
    Ok(!known)
}

/// Removes `city`; true if it was on the list.
pub(crate) fn remove(conn: &mut Connection, city: &PublicKey) -> Result<bool, StoreError> {
    let removed = conn
        .execute(
            "DELETE FROM trusted_cities WHERE city = ?1",
            [city.to_string()],
        )
        .map_err(StoreError::during("removing a trusted city"))?;
    Ok(removed > 0)
}

/// Every trusted city, oldest addition first.
pub(crate) fn list(conn: &mut Connection) -> Result<Vec<Member>, StoreError> {
    let ctx = "reading the trust list";
    let mut stmt = conn
        .prepare_cached("SELECT city, label, added_ms FROM trusted_cities ORDER BY added_ms, city")
        .map_err(StoreError::during(ctx))?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .map_err(StoreError::during(ctx))?;
    let mut out = Vec::new();
    for row in rows {
        let (city, label, added_ms) = row.map_err(StoreError::during(ctx))?;
        out.push(Member {
            city: parse_key(&city)?,
            label,
            added_ms: to_u64(added_ms),
        });
    }
    Ok(out)
}
