//! The institutional acts a node holds (profiles, delegations, revocations, rotations), and the
//! authority they give: which key speaks for a city when. Run on the store thread.
//!
//! Acts live in their own table, `acts`, not in `entries`: they are never listed, faceted or
//! searched as content, but they travel like every entry (sync's set, export, verify read
//! both tables). A city's [`Authority`] is rebuilt from its stored acts whenever it is needed
//! (a city has a handful of acts; decoding them costs microseconds), so it is always the pure
//! function of the set of acts that every node computes alike.
//!
//! Within one insert, acts go first (in creation order), so that a bundle or a sync batch that
//! holds a delegation and the staff entries it allows is taken whole, whatever its order. An
//! act that narrows a city's authority (a revocation, a rotation) also removes the stored
//! entries it now refuses: a node that learns of a revocation late ends up holding what a node
//! that learned of it first holds.

use std::collections::HashMap;

use audacities_protocol::authority::{BodyKind, Signer};
use audacities_protocol::{Act, Authority, Entry, PublicKey, Unauthorized};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::entries::{parse_key, to_i64, to_u64};
use super::error::StoreError;

/// Every city's authority read so far in one store call, by city key bytes.
#[derive(Default)]
pub(crate) struct Authorities {
    cities: HashMap<[u8; 32], Authority>,
}

impl Authorities {
    /// The authority of `city`, read from the stored acts on first use.
    pub fn of(&mut self, conn: &Connection, city: PublicKey) -> Result<&Authority, StoreError> {
        match self.cities.entry(*city.as_bytes()) {
            std::collections::hash_map::Entry::Occupied(found) => Ok(found.into_mut()),
            std::collections::hash_map::Entry::Vacant(slot) => Ok(slot.insert(load(conn, city)?)),
        }
    }

    /// Whether `city` has moved to another key (so that even its first key's entries must be
    /// checked against the time of the move).
    pub fn rotated(&mut self, conn: &Connection, city: PublicKey) -> Result<bool, StoreError> {
        Ok(self.of(conn, city)?.keys().len() > 1)
    }

    /// Forgets a city's authority (an act of it was stored): the next use reads it again.
    pub fn forget(&mut self, city: &PublicKey) {
        self.cities.remove(city.as_bytes());
    }
}

/// A city's authority from the acts stored for it.
pub(crate) fn load(conn: &Connection, city: PublicKey) -> Result<Authority, StoreError> {
    let ctx = "reading a city's acts";
    let mut stmt = conn
        .prepare_cached("SELECT raw FROM acts WHERE city = ?1")
        .map_err(StoreError::during(ctx))?;
    let rows = stmt
        .query_map([city.to_string()], |r| r.get::<_, Vec<u8>>(0))
        .map_err(StoreError::during(ctx))?;
    let mut acts = Vec::new();
    for raw in rows {
        let raw = raw.map_err(StoreError::during(ctx))?;
        match Entry::decode(&raw) {
            Ok(entry) => acts.push(entry),
            // Verified when stored; a damaged row is `verify`'s to report, not a reason to
            // stop reading the others.
            Err(e) => tracing::warn!("a stored act of {city} no longer decodes: {e}"),
        }
    }
    Ok(Authority::from_acts(city, &acts))
}

/// The name each city gives itself in its latest profile (signed by its key then in force).
pub(crate) fn profile_names(conn: &Connection) -> Result<Vec<(PublicKey, String)>, StoreError> {
    let ctx = "reading city profiles";
    let cities: Vec<String> = conn
        .prepare_cached("SELECT DISTINCT city FROM acts WHERE kind = 'city_profile'")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(StoreError::during(ctx))?;
    let mut out = Vec::with_capacity(cities.len());
    for city in cities {
        let Ok(city) = parse_key(&city) else { continue };
        if let Some((_, _, profile)) = load(conn, city)?.profile() {
            out.push((city, profile.name.clone()));
        }
    }
    Ok(out)
}

/// The cities that at least `needed` of `vouchers` vouch for.
pub(crate) fn vouched(
    conn: &Connection,
    vouchers: &[[u8; 32]],
    needed: u32,
) -> Result<Vec<PublicKey>, StoreError> {
    let ctx = "reading vouches";
    let vouchers: std::collections::HashSet<String> = vouchers
        .iter()
        .map(|b| b.iter().map(|x| format!("{x:02x}")).collect())
        .collect();
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut stmt = conn
        .prepare_cached("SELECT voucher, city FROM vouches")
        .map_err(StoreError::during(ctx))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(StoreError::during(ctx))?;
    for row in rows {
        let (voucher, city) = row.map_err(StoreError::during(ctx))?;
        if vouchers.contains(&voucher) {
            *counts.entry(city).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= needed.max(1))
        .map(|(city, _)| parse_key(&city))
        .collect()
}

/// A translation of a document's version, as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Translated {
    pub id: audacities_protocol::Id,
    /// The version translated.
    pub of: audacities_protocol::Id,
    pub city: PublicKey,
    pub created_ms: u64,
    pub lang: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
}

/// The translations of a document (of any of its versions), oldest first.
pub(crate) fn translations(conn: &Connection, doc: &str) -> Result<Vec<Translated>, StoreError> {
    let ctx = "reading translations";
    let raws: Vec<Vec<u8>> = conn
        .prepare_cached(
            "SELECT a.raw FROM translations t JOIN acts a ON a.id = t.act WHERE t.doc = ?1
             ORDER BY t.created_ms, t.act",
        )
        .and_then(|mut s| {
            s.query_map([doc], |r| r.get::<_, Vec<u8>>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(StoreError::during(ctx))?;
    let mut out = Vec::with_capacity(raws.len());
    for raw in raws {
        let Ok(entry) = Entry::decode(&raw) else {
            continue;
        };
        if let Some(Act::Translation(t)) = entry.act() {
            out.push(Translated {
                id: entry.id(),
                of: t.of,
                city: entry.head().city,
                created_ms: entry.head().created,
                lang: t.lang.clone(),
                title: t.title.clone(),
                summary: t.summary.clone(),
                body: t.body.clone(),
            });
        }
    }
    Ok(out)
}

/// One city's endorsement of a document: its latest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Endorsement {
    pub city: PublicKey,
    pub adopted: bool,
    pub note: String,
    pub created_ms: u64,
}

/// The endorsements of a document, the latest of each city, oldest first.
pub(crate) fn endorsements(conn: &Connection, doc: &str) -> Result<Vec<Endorsement>, StoreError> {
    let ctx = "reading endorsements";
    let rows: Vec<(String, bool, String, i64)> = conn
        .prepare_cached(
            "SELECT city, adopted, note, created_ms FROM endorsements e WHERE doc = ?1
               AND NOT EXISTS (SELECT 1 FROM endorsements later WHERE later.doc = e.doc
                   AND later.city = e.city
                   AND (later.created_ms, later.act) > (e.created_ms, e.act))
             ORDER BY created_ms, city",
        )
        .and_then(|mut s| {
            s.query_map([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(StoreError::during(ctx))?;
    rows.into_iter()
        .map(|(city, adopted, note, at)| {
            Ok(Endorsement {
                city: parse_key(&city)?,
                adopted,
                note,
                created_ms: to_u64(at),
            })
        })
        .collect()
}

/// What became of an act offered to the store.
pub(crate) enum Outcome {
    New,
    Duplicate,
    Refused(Unauthorized),
}

/// Stores one verified act if the key then in force for its city signed it. Narrowing acts
/// remove the entries they now refuse (counted in the log).
pub(crate) fn insert(
    tx: &Transaction<'_>,
    entry: &Entry,
    received_ms: u64,
    authorities: &mut Authorities,
) -> Result<Outcome, StoreError> {
    let ctx = "storing an act";
    let head = entry.head();
    let Some(act) = entry.act() else {
        return Ok(Outcome::Duplicate);
    };
    let exists = tx
        .prepare_cached("SELECT 1 FROM acts WHERE id = ?1")
        .and_then(|mut s| s.exists([entry.id().to_string()]))
        .map_err(StoreError::during(ctx))?;
    if exists {
        return Ok(Outcome::Duplicate);
    }
    let mut state = authorities.of(tx, head.city)?.clone();
    if let Err(refused) = state.apply(entry) {
        return Ok(Outcome::Refused(refused));
    }
    // A city retracts its own documents only.
    if let Act::Retraction(r) = act {
        let owner: Option<String> = tx
            .prepare_cached("SELECT city FROM entries WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row([r.doc.to_string()], |row| row.get(0))
                    .optional()
            })
            .map_err(StoreError::during("checking a retraction"))?;
        if let Some(owner) = owner
            && owner != head.city.to_string()
        {
            return Ok(Outcome::Refused(Unauthorized::ForeignRetraction {
                doc: r.doc,
                owner: Box::new(parse_key(&owner)?),
            }));
        }
    }
    // A translation needs the version it translates, and never comes back once retracted.
    let mut translated_doc = None;
    if let Act::Translation(t) = act {
        let Some(doc) = super::versions::doc_of(tx, &t.of.to_string())? else {
            if let Some(doc) = super::erasure::erased_doc(tx, &t.of.to_string())? {
                return Ok(Outcome::Refused(Unauthorized::Retracted { doc }));
            }
            return Ok(Outcome::Refused(Unauthorized::UnknownVersion { id: t.of }));
        };
        translated_doc = Some(doc);
    }
    tx.prepare_cached(
        "INSERT INTO acts (id, kind, signer, city, created_ms, received_ms, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            entry.id().to_string(),
            act.kind().as_str(),
            head.signer.to_string(),
            head.city.to_string(),
            to_i64(head.created),
            to_i64(received_ms),
            entry.bytes(),
        ])
    })
    .map_err(StoreError::during(ctx))?;
    authorities.forget(&head.city);
    match act {
        Act::Retraction(r) => {
            let erased = super::erasure::retract(tx, entry, r)?;
            tracing::info!(
                "retraction of {} by city {}: {erased} stored versions erased",
                r.doc,
                head.city
            );
        }
        Act::ErasureReceipt(r) => super::erasure::record_receipt(tx, entry, r)?,
        Act::Translation(t) => {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO translations (act, of, doc, lang, city, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    entry.id().to_string(),
                    t.of.to_string(),
                    translated_doc.unwrap_or_default(),
                    t.lang,
                    head.city.to_string(),
                    to_i64(head.created)
                ])
            })
            .map_err(StoreError::during("recording a translation"))?;
        }
        Act::Vouch(v) => {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO vouches (voucher, city, act) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    head.city.to_string(),
                    v.city.to_string(),
                    entry.id().to_string()
                ])
            })
            .map_err(StoreError::during("recording a vouch"))?;
        }
        Act::Endorsement(e) => {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO endorsements (act, doc, city, adopted, note, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    entry.id().to_string(),
                    e.doc.to_string(),
                    head.city.to_string(),
                    e.adopted,
                    e.note,
                    to_i64(head.created)
                ])
            })
            .map_err(StoreError::during("recording an endorsement"))?;
        }
        _ => {}
    }
    if matches!(act, Act::Revocation(_) | Act::Rotation(_)) {
        let removed = purge(tx, head.city, authorities)?;
        if removed > 0 {
            tracing::info!(
                "{} of city {} removed {removed} stored entries it now refuses",
                act.kind(),
                head.city
            );
        }
    }
    Ok(Outcome::New)
}

/// Removes the stored content entries of `city` that its authority now refuses.
fn purge(
    tx: &Transaction<'_>,
    city: PublicKey,
    authorities: &mut Authorities,
) -> Result<usize, StoreError> {
    let ctx = "removing entries a revocation or rotation refuses";
    let state = authorities.of(tx, city)?;
    let mut refused = Vec::new();
    {
        let mut stmt = tx
            .prepare_cached("SELECT rowid, signer, kind, created_ms FROM entries WHERE city = ?1")
            .map_err(StoreError::during(ctx))?;
        let rows = stmt
            .query_map([city.to_string()], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(StoreError::during(ctx))?;
        for row in rows {
            let (rowid, signer, kind, created) = row.map_err(StoreError::during(ctx))?;
            let (Ok(signer), Ok(kind)) = (parse_key(&signer), kind.parse()) else {
                continue;
            };
            if state
                .check_signer(&signer, to_u64(created), BodyKind::Content(kind))
                .is_err()
            {
                refused.push(rowid);
            }
        }
    }
    let mut delete = tx
        .prepare_cached("DELETE FROM entries WHERE rowid = ?1")
        .map_err(StoreError::during(ctx))?;
    for rowid in &refused {
        delete.execute([rowid]).map_err(StoreError::during(ctx))?;
    }
    Ok(refused.len())
}

/// Whether `signer` may sign content of `what` for `city` at `created`; for a staff key, the
/// label of its delegation.
pub(crate) fn check(
    conn: &Connection,
    authorities: &mut Authorities,
    city: PublicKey,
    signer: &PublicKey,
    created: u64,
    what: BodyKind,
) -> Result<Result<Signer, Unauthorized>, StoreError> {
    Ok(authorities
        .of(conn, city)?
        .check_signer(signer, created, what))
}

/// Every stored act's wire line, in creation order (export writes them before the entries they
/// allow).
pub(crate) fn all_raw(conn: &mut Connection) -> Result<Vec<Vec<u8>>, StoreError> {
    let ctx = "reading the acts";
    let mut stmt = conn
        .prepare_cached("SELECT raw FROM acts ORDER BY created_ms, id")
        .map_err(StoreError::during(ctx))?;
    stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))
        .map_err(StoreError::during(ctx))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::during(ctx))
}
