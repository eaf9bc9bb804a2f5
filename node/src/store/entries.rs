//! The SQL behind the [`Store`](super::Store) methods, run on the store thread.

use std::collections::BTreeMap;
use std::str::FromStr;

use audacities_protocol::authority::BodyKind;
use audacities_protocol::draft::Texts;
use audacities_protocol::model::{Kind, LStr};
use audacities_protocol::{Draft, Entry, Id, PublicKey, Unauthorized};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};

use super::acts::{self, Authorities, Outcome};
use super::error::StoreError;
use super::{Filter, Inserted, Stored, Summary};

/// An entry ready to be written: its columns, filter rows and search texts, derived from the
/// verified entry off the store thread (see [`Store::insert_rows`](super::Store::insert_rows)),
/// so that the store thread spends its time on SQLite only.
pub struct Row {
    id: Id,
    /// The verified entry, kept for an act (the store applies it to its city's authority).
    act: Option<Box<Entry>>,
    signer_key: PublicKey,
    city_key: PublicKey,
    created: u64,
    what: BodyKind,
    id_text: String,
    kind: &'static str,
    lang: String,
    signer: String,
    city: String,
    created_ms: i64,
    revises_doc: Option<String>,
    /// `head.revises.prev`: the versions this one replaces.
    prev: Vec<String>,
    themes: Vec<String>,
    titles: Vec<(String, String)>,
    texts: Texts,
    /// `Draft::refs`: (relation, target id text).
    refs: Vec<(String, String)>,
    /// `attrs_of`, as the JSON object stored in `entries.attrs`.
    attrs: String,
    raw: Vec<u8>,
}

impl Row {
    /// Derives the row of a verified entry.
    pub fn new(entry: Entry) -> Self {
        let head = entry.head();
        let Some(draft) = entry.draft() else {
            // An act: no filter rows, no texts; the store keeps it in `acts`.
            return Row {
                id: entry.id(),
                id_text: entry.id().to_string(),
                signer_key: head.signer,
                city_key: head.city,
                created: head.created,
                what: entry.body().body_kind(),
                kind: entry.body().kind_str(),
                lang: String::new(),
                signer: head.signer.to_string(),
                city: head.city.to_string(),
                created_ms: to_i64(head.created),
                revises_doc: None,
                prev: Vec::new(),
                themes: Vec::new(),
                titles: Vec::new(),
                texts: Texts::default(),
                refs: Vec::new(),
                attrs: String::new(),
                raw: Vec::new(),
                act: Some(Box::new(entry)),
            };
        };
        let row = Row {
            id: entry.id(),
            act: None,
            signer_key: head.signer,
            city_key: head.city,
            created: head.created,
            what: BodyKind::Content(draft.kind()),
            id_text: entry.id().to_string(),
            kind: draft.kind().as_str(),
            lang: draft.lang().to_owned(),
            signer: head.signer.to_string(),
            city: head.city.to_string(),
            created_ms: to_i64(head.created),
            revises_doc: head.revises.as_ref().map(|r| r.doc.to_string()),
            prev: head
                .revises
                .as_ref()
                .map(|r| r.prev.iter().map(Id::to_string).collect())
                .unwrap_or_default(),
            themes: draft.themes().into_iter().map(str::to_owned).collect(),
            titles: draft
                .title()
                .iter()
                .map(|(lang, text)| (lang.clone(), text.clone()))
                .collect(),
            texts: draft.texts(),
            refs: refs_of(draft),
            attrs: attrs_of(draft.value()),
            raw: Vec::new(),
        };
        Row {
            raw: entry.into_bytes(),
            ..row
        }
    }
}

/// The references of a draft, as stored in `entry_refs`.
fn refs_of(draft: &Draft) -> Vec<(String, String)> {
    draft
        .refs()
        .into_iter()
        .map(|(rel, target)| (rel, target.as_str().to_owned()))
        .collect()
}

/// The objects whose scalar members are also kept as attributes (`place.country`…).
const NESTED_ATTRS: [&str; 2] = ["place", "period"];

/// The scalar fields of a draft's JSON object, as stored in `entries.attrs`: one JSON object of
/// the top-level strings, integers and booleans, and those of [`NESTED_ATTRS`] under the name
/// `object.member`. SQLite's `json_extract(attrs, '$."place.country"')` reads one of them
/// (a boolean as the integer 1 or 0).
pub(crate) fn attrs_of(value: &serde_json::Value) -> String {
    fn scalar(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::String(_) | serde_json::Value::Bool(_) => true,
            serde_json::Value::Number(n) => n.is_i64(),
            _ => false,
        }
    }
    let mut out = serde_json::Map::new();
    if let Some(object) = value.as_object() {
        for (name, member) in object {
            if scalar(member) {
                out.insert(name.clone(), member.clone());
            } else if NESTED_ATTRS.contains(&name.as_str())
                && let Some(inner) = member.as_object()
            {
                for (sub, v) in inner.iter().filter(|(_, v)| scalar(v)) {
                    out.insert(format!("{name}.{sub}"), v.clone());
                }
            }
        }
    }
    serde_json::Value::Object(out).to_string()
}

impl Row {
    /// The entry's id.
    pub fn id(&self) -> Id {
        self.id
    }
}

/// Milliseconds fit in an i64 for 292 million years; anything beyond is clamped, not wrapped.
pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// When a batch's entries enter the full-text index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// Marked pending; indexed when the store thread is idle or before the next search (the
    /// write stays short: publish, gossip).
    Later,
    /// In the write's own transaction (bulk ingest: the workers keep verifying meanwhile).
    Now,
}

/// Writes a batch of verified entries in one transaction; returns the outcome of each, in
/// order.
///
/// A batch of content entries only (no act: nothing in it deletes a row, so no cascade can be
/// needed) is written with SQLite's per-row foreign-key and CHECK evaluation off: every value
/// they guard is derived here from a verified entry (rowids just inserted, ids and keys in
/// their one text form), so they cannot fail, and evaluating them took ≈ 20 % of the store
/// thread's instructions in a bulk import (callgrind, docs/benchmarks.md). Both are back on before
/// this returns, whatever happened; `verify` still checks them over the whole file
/// (`PRAGMA integrity_check`, `foreign_key_check`).
pub(crate) fn insert(
    conn: &mut Connection,
    rows: &[Row],
    received_ms: u64,
    index: Indexing,
) -> Result<Vec<Inserted>, StoreError> {
    let relaxed = rows.iter().all(|r| r.act.is_none());
    if relaxed {
        set_row_checks(conn, false)?;
    }
    let written = write(conn, rows, received_ms, index);
    if relaxed {
        set_row_checks(conn, true)?;
    }
    written
}

/// Turns the per-row foreign-key and CHECK evaluation on or off (outside any transaction:
/// SQLite ignores `foreign_keys` inside one).
fn set_row_checks(conn: &Connection, on: bool) -> Result<(), StoreError> {
    conn.pragma_update(None, "foreign_keys", on)
        .and_then(|()| conn.pragma_update(None, "ignore_check_constraints", !on))
        .map_err(StoreError::during("switching row checks for a bulk write"))
}

// A symbol of its own, for profilers (`--toggle-collect`, docs/benchmarks.md).
#[inline(never)]
fn write(
    conn: &mut Connection,
    rows: &[Row],
    received_ms: u64,
    index: Indexing,
) -> Result<Vec<Inserted>, StoreError> {
    let ctx = "inserting entries";
    let received_ms = to_i64(received_ms);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::during("starting a write transaction"))?;
    let mut out: Vec<Option<Inserted>> = (0..rows.len()).map(|_| None).collect();
    let mut authorities = Authorities::default();
    // Acts first, in creation order: a delegation allows the staff entries of the same batch.
    let mut act_rows: Vec<(usize, &Entry)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.act.as_deref().map(|e| (i, e)))
        .collect();
    act_rows.sort_by_key(|(_, e)| (e.head().created, e.id()));
    let mut acts_seen = std::collections::HashSet::new();
    for (i, entry) in act_rows {
        out[i] = Some(if !acts_seen.insert(entry.id()) {
            Inserted::Duplicate(entry.id())
        } else {
            match acts::insert(&tx, entry, to_u64(received_ms), &mut authorities)? {
                Outcome::New => Inserted::New(entry.id()),
                Outcome::Duplicate => Inserted::Duplicate(entry.id()),
                Outcome::Refused(why) => Inserted::Refused(entry.id(), why),
            }
        });
    }
    {
        let mut entry = tx
            .prepare_cached(
                "INSERT INTO entries
                     (id, kind, lang, signer, city, created_ms, received_ms, revises_doc, raw,
                      attrs)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (id) DO NOTHING",
            )
            .map_err(StoreError::during(ctx))?;
        let mut theme = tx
            .prepare_cached(
                "INSERT INTO entry_themes (entry_rowid, pos, theme) VALUES (?1, ?2, ?3)",
            )
            .map_err(StoreError::during(ctx))?;
        let mut title = tx
            .prepare_cached(
                "INSERT INTO entry_titles (entry_rowid, lang, title) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )
            .map_err(StoreError::during(ctx))?;
        let mut texts = tx
            .prepare_cached(
                "INSERT INTO entry_texts (rowid, title, summary, body, other)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(StoreError::during(ctx))?;
        // The entry's mark for the indexer, or the entry in the index.
        let mut search = tx
            .prepare_cached(match index {
                Indexing::Later => "INSERT INTO search_pending (rowid) VALUES (?1)",
                Indexing::Now => {
                    "INSERT INTO entry_search (rowid, title, summary, body, other)
                     VALUES (?1, ?2, ?3, ?4, ?5)"
                }
            })
            .map_err(StoreError::during(ctx))?;
        let mut reference = tx
            .prepare_cached(
                "INSERT INTO entry_refs (entry_rowid, pos, rel, target) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(StoreError::during(ctx))?;
        // New documents first, then new versions in creation order: a version is taken in the
        // same batch as the document it revises, whatever their order.
        let mut order: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].act.is_none()).collect();
        order.sort_by_key(|&i| {
            let r = &rows[i];
            (
                r.revises_doc.is_some(),
                r.revises_doc.is_some().then_some(r.created),
                i,
            )
        });
        let retractions = super::erasure::any_retracted(&tx)?;
        for i in order {
            let row = &rows[i];
            if retractions
                && let Some(doc) = super::erasure::retracted_doc(
                    &tx,
                    &row.id_text,
                    row.revises_doc.as_deref(),
                    &row.city,
                )?
            {
                out[i] = Some(Inserted::Refused(row.id, Unauthorized::Retracted { doc }));
                continue;
            }
            if let Some(doc) = &row.revises_doc
                && let Err(why) = super::versions::check(&tx, doc, &row.prev, &row.city, row.kind)?
            {
                out[i] = Some(Inserted::Refused(row.id, why));
                continue;
            }
            if (row.signer_key != row.city_key || authorities.rotated(&tx, row.city_key)?)
                && let Err(why) = acts::check(
                    &tx,
                    &mut authorities,
                    row.city_key,
                    &row.signer_key,
                    row.created,
                    row.what,
                )?
            {
                out[i] = Some(Inserted::Refused(row.id, why));
                continue;
            }
            let changed = entry
                .execute(params![
                    row.id_text,
                    row.kind,
                    row.lang,
                    row.signer,
                    row.city,
                    row.created_ms,
                    received_ms,
                    row.revises_doc,
                    row.raw,
                    row.attrs,
                ])
                .map_err(StoreError::during(ctx))?;
            if changed == 0 {
                out[i] = Some(Inserted::Duplicate(row.id));
                continue;
            }
            let rowid = tx.last_insert_rowid();
            for (pos, name) in row.themes.iter().enumerate() {
                theme
                    .execute(params![rowid, pos as i64, name])
                    .map_err(StoreError::during(ctx))?;
            }
            for (lang, text) in &row.titles {
                title
                    .execute(params![rowid, lang, text])
                    .map_err(StoreError::during(ctx))?;
            }
            let t = &row.texts;
            texts
                .execute(params![rowid, t.title, t.summary, t.body, t.other])
                .map_err(StoreError::during(ctx))?;
            match index {
                Indexing::Later => search.execute(params![rowid]),
                Indexing::Now => {
                    search.execute(params![rowid, t.title, t.summary, t.body, t.other])
                }
            }
            .map_err(StoreError::during(ctx))?;
            for (pos, (rel, target)) in row.refs.iter().enumerate() {
                reference
                    .execute(params![rowid, pos as i64, rel, target])
                    .map_err(StoreError::during(ctx))?;
            }
            if let Some(doc) = &row.revises_doc {
                super::versions::record(&tx, rowid, &row.prev)?;
                super::versions::settle(&tx, doc)?;
            }
            out[i] = Some(Inserted::New(row.id));
        }
    }
    tx.commit()
        .map_err(StoreError::during("committing inserted entries"))?;
    let erased = rows.iter().zip(&out).any(|(row, outcome)| {
        matches!(outcome, Some(Inserted::New(_)))
            && row
                .act
                .as_deref()
                .is_some_and(|e| matches!(e.act(), Some(audacities_protocol::Act::Retraction(_))))
    });
    if erased {
        super::erasure::checkpoint(conn);
    }
    // Every position was given an outcome above.
    Ok(out.into_iter().flatten().collect())
}

/// The draft of an entry this store verified when it took it in, read from its stored line
/// without checking the signature again (`verify` does that).
pub fn stored_draft(raw: &[u8]) -> Result<Draft, StoreError> {
    #[derive(serde::Deserialize)]
    struct Line {
        body: serde_json::Value,
    }
    let invalid = |message: String| StoreError::Invalid {
        what: "entries.raw",
        message,
    };
    let line: Line = serde_json::from_slice(raw).map_err(|e| invalid(e.to_string()))?;
    Draft::from_value(line.body).map_err(|e| invalid(e.to_string()))
}

/// Records the versions of a file migrated from before `entry_prev`: each stored new version's
/// `prev` (read from its stored line), then which version of each document is shown.
pub(crate) fn backfill_versions(conn: &mut Connection) -> Result<(), StoreError> {
    let ctx = "recording stored versions";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::during(ctx))?;
    let rows: Vec<(i64, String, Vec<u8>)> = tx
        .prepare("SELECT rowid, revises_doc, raw FROM entries WHERE revises_doc IS NOT NULL")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(StoreError::during(ctx))?;
    let mut docs = std::collections::BTreeSet::new();
    for (rowid, doc, raw) in rows {
        let prev: Vec<String> = serde_json::from_slice::<serde_json::Value>(&raw)
            .ok()
            .and_then(|v| {
                v["head"]["revises"]["prev"].as_array().map(|a| {
                    a.iter()
                        .filter_map(|p| p.as_str().map(str::to_owned))
                        .collect()
                })
            })
            .unwrap_or_default();
        super::versions::record(&tx, rowid, &prev)?;
        docs.insert(doc);
    }
    for doc in &docs {
        super::versions::settle(&tx, doc)?;
    }
    tx.commit().map_err(StoreError::during(ctx))?;
    Ok(())
}

/// Fills `entry_refs` and `entries.attrs` from the stored entries of a file migrated from a
/// version without them. Entries are read in pages, one transaction for all.
pub(crate) fn backfill(conn: &mut Connection) -> Result<(), StoreError> {
    let ctx = "filling entry references from stored entries";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::during(ctx))?;
    let mut filled = 0u64;
    {
        let mut read = tx
            .prepare("SELECT rowid, raw FROM entries WHERE rowid > ?1 ORDER BY rowid LIMIT 1000")
            .map_err(StoreError::during(ctx))?;
        let mut reference = tx
            .prepare(
                "INSERT OR IGNORE INTO entry_refs (entry_rowid, pos, rel, target)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(StoreError::during(ctx))?;
        let mut attrs = tx
            .prepare("UPDATE entries SET attrs = ?2 WHERE rowid = ?1")
            .map_err(StoreError::during(ctx))?;
        let mut after = 0i64;
        loop {
            let page = read
                .query_map([after], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
                })
                .map_err(StoreError::during(ctx))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(StoreError::during(ctx))?;
            let Some(&(last, _)) = page.last() else { break };
            after = last;
            for (rowid, raw) in page {
                let draft = match stored_draft(&raw) {
                    Ok(draft) => draft,
                    Err(e) => {
                        tracing::warn!("entry at row {rowid} left without references: {e}");
                        continue;
                    }
                };
                for (pos, (rel, target)) in refs_of(&draft).iter().enumerate() {
                    reference
                        .execute(params![rowid, pos as i64, rel, target])
                        .map_err(StoreError::during(ctx))?;
                }
                attrs
                    .execute(params![rowid, attrs_of(draft.value())])
                    .map_err(StoreError::during(ctx))?;
                filled += 1;
            }
        }
    }
    tx.commit().map_err(StoreError::during(ctx))?;
    if filled > 0 {
        tracing::info!("filled the references and fields of {filled} stored entries");
    }
    Ok(())
}

pub(crate) fn get(conn: &mut Connection, id: Id) -> Result<Option<Stored>, StoreError> {
    let ctx = "reading an entry";
    let mut stmt = conn
        .prepare_cached(
            "SELECT kind, lang, signer, city, created_ms, received_ms, raw
             FROM entries WHERE id = ?1",
        )
        .map_err(StoreError::during(ctx))?;
    let row = stmt
        .query_row([id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Vec<u8>>(6)?,
            ))
        })
        .optional()
        .map_err(StoreError::during(ctx))?;
    let Some((kind, lang, signer, city, created_ms, received_ms, bytes)) = row else {
        return Ok(None);
    };
    Ok(Some(Stored {
        id,
        kind: parse_kind(&kind)?,
        lang,
        signer: cached_key(signer)?,
        city: cached_key(city)?,
        created_ms: to_u64(created_ms),
        received_ms: to_u64(received_ms),
        bytes,
    }))
}

/// The most candidates an ambiguous prefix reports.
const MAX_CANDIDATES: usize = 10;

pub(crate) fn resolve(conn: &mut Connection, prefix: &str) -> Result<Id, StoreError> {
    let ctx = "resolving an id prefix";
    if prefix.len() == 64 {
        // A whole id: one lookup in the unique index (a range query with bound values can be
        // re-planned on every call).
        let found: Option<String> = conn
            .prepare_cached("SELECT id FROM entries WHERE id = ?1")
            .and_then(|mut s| s.query_row([prefix], |r| r.get(0)).optional())
            .map_err(StoreError::during(ctx))?;
        return match found {
            Some(id) => parse_id(&id),
            None => Err(StoreError::NotFound {
                prefix: prefix.to_owned(),
            }),
        };
    }
    // Ids are lowercase hex, and 'g' sorts after every hex digit: the ids starting with
    // `prefix` are exactly those in [prefix, prefix || 'g'), a range of the unique index.
    let upper = format!("{prefix}g");
    let mut stmt = conn
        .prepare_cached("SELECT id FROM entries WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT ?3")
        .map_err(StoreError::during(ctx))?;
    let ids = stmt
        .query_map(params![prefix, upper, MAX_CANDIDATES as i64], |r| {
            r.get::<_, String>(0)
        })
        .map_err(StoreError::during(ctx))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::during(ctx))?;
    let mut ids = ids
        .iter()
        .map(|s| parse_id(s))
        .collect::<Result<Vec<_>, _>>()?;
    match ids.len() {
        0 => Err(StoreError::NotFound {
            prefix: prefix.to_owned(),
        }),
        1 => Ok(ids.remove(0)),
        _ => Err(StoreError::Ambiguous {
            prefix: prefix.to_owned(),
            candidates: ids,
        }),
    }
}

/// The WHERE conditions and their values for a filter, on `entries` aliased `e`.
pub(crate) fn filter_sql(conn: &Connection, filter: &Filter, rowid: &str) -> (String, Vec<Value>) {
    // Only the version of a document that listings show (see `versions`). Checked only when
    // some version is superseded: the probe costs about half a microsecond per match, which a
    // search ranking thousands of matches would pay for nothing.
    let mut sql = if super::versions::any_superseded(conn).unwrap_or(true) {
        format!(" AND NOT EXISTS (SELECT 1 FROM entry_superseded s WHERE s.rowid = {rowid})")
    } else {
        String::new()
    };
    let mut values = Vec::new();
    if let Some(kind) = filter.kind {
        sql.push_str(" AND e.kind = ?");
        values.push(Value::Text(kind.as_str().to_owned()));
    }
    if let Some(city) = &filter.city {
        sql.push_str(" AND e.city = ?");
        values.push(Value::Text(city.to_string()));
    }
    if let Some(theme) = &filter.theme {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM entry_themes t WHERE t.entry_rowid = {rowid} AND t.theme = ?)"
        ));
        values.push(Value::Text(theme.clone()));
    }
    if let Some(city) = &filter.endorsed_by {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM endorsements en WHERE en.city = ?
               AND en.doc = (SELECT coalesce(d.revises_doc, d.id) FROM entries d WHERE d.rowid = {rowid}))"
        ));
        values.push(Value::Text(city.to_string()));
    }
    if let Some(since) = filter.since_ms {
        sql.push_str(" AND e.created_ms >= ?");
        values.push(Value::Integer(to_i64(since)));
    }
    if let Some(year) = filter.year {
        // [Jan 1 of year, Jan 1 of year + 1) in milliseconds, so the created_ms index serves it.
        sql.push_str(
            " AND e.created_ms >= CAST(strftime('%s', printf('%04d-01-01', ?)) AS INTEGER) * 1000
              AND e.created_ms < CAST(strftime('%s', printf('%04d-01-01', ?)) AS INTEGER) * 1000",
        );
        values.push(Value::Integer(i64::from(year)));
        values.push(Value::Integer(i64::from(year) + 1));
    }
    if let Some(lang) = &filter.lang {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM entry_titles l WHERE l.entry_rowid = {rowid} AND l.lang = ?)"
        ));
        values.push(Value::Text(lang.clone()));
    }
    (sql, values)
}

pub(crate) fn limit_values(filter: &Filter) -> [Value; 2] {
    [
        Value::Integer(i64::try_from(filter.limit).unwrap_or(i64::MAX)),
        Value::Integer(i64::try_from(filter.offset).unwrap_or(i64::MAX)),
    ]
}

pub(crate) fn list(conn: &mut Connection, filter: &Filter) -> Result<Vec<Summary>, StoreError> {
    let ctx = "listing entries";
    if filter.limit == 0 {
        return Ok(Vec::new());
    }
    let (conditions, mut values) = filter_sql(conn, filter, "e.rowid");
    let sql = format!(
        "SELECT e.rowid FROM entries e WHERE 1{conditions}
         ORDER BY e.created_ms DESC, e.rowid DESC LIMIT ? OFFSET ?"
    );
    values.extend(limit_values(filter));
    let rowids = {
        let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::during(ctx))?;
        stmt.query_map(params_from_iter(values), |r| r.get::<_, i64>(0))
            .map_err(StoreError::during(ctx))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::during(ctx))?
    };
    let mut keys = KeyCache::default();
    rowids
        .into_iter()
        .map(|rowid| summary(conn, rowid, &mut keys))
        .collect()
}

/// Parsed city keys, for the length of one listing: a page shows few cities, and parsing a key
/// checks a curve point (tens of microseconds).
#[derive(Default)]
pub(crate) struct KeyCache(());

/// Keys parsed on this thread (the store thread), kept across calls: pages and listings show
/// the same few cities again and again. Bounded: emptied when full.
const KEY_CACHE: usize = 4_096;

thread_local! {
    static KEYS: std::cell::RefCell<std::collections::HashMap<String, PublicKey>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

impl KeyCache {
    fn get(&mut self, text: String) -> Result<PublicKey, StoreError> {
        cached_key(text)
    }
}

/// A key from its text form, through the thread's cache.
pub(crate) fn cached_key(text: String) -> Result<PublicKey, StoreError> {
    if let Some(key) = KEYS.with(|keys| keys.borrow().get(&text).copied()) {
        return Ok(key);
    }
    let key = parse_key(&text)?;
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if keys.len() >= KEY_CACHE {
            keys.clear();
        }
        keys.insert(text, key);
    });
    Ok(key)
}

/// The summary of the entry at `rowid`.
pub(crate) fn summary(
    conn: &Connection,
    rowid: i64,
    keys: &mut KeyCache,
) -> Result<Summary, StoreError> {
    let ctx = "reading an entry summary";
    let (id, kind, lang, city, created_ms) = conn
        .prepare_cached("SELECT id, kind, lang, city, created_ms FROM entries WHERE rowid = ?1")
        .map_err(StoreError::during(ctx))?
        .query_row([rowid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })
        .map_err(StoreError::during(ctx))?;
    let title: LStr = conn
        .prepare_cached("SELECT lang, title FROM entry_titles WHERE entry_rowid = ?1")
        .map_err(StoreError::during(ctx))?
        .query_map([rowid], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(StoreError::during(ctx))?
        .collect::<Result<_, _>>()
        .map_err(StoreError::during(ctx))?;
    let themes: Vec<String> = conn
        .prepare_cached("SELECT theme FROM entry_themes WHERE entry_rowid = ?1 ORDER BY pos")
        .map_err(StoreError::during(ctx))?
        .query_map([rowid], |r| r.get::<_, String>(0))
        .map_err(StoreError::during(ctx))?
        .collect::<Result<_, _>>()
        .map_err(StoreError::during(ctx))?;
    Ok(Summary {
        id: parse_id(&id)?,
        kind: parse_kind(&kind)?,
        lang,
        title,
        themes,
        city: keys.get(city)?,
        created_ms: to_u64(created_ms),
    })
}

pub(crate) fn count(conn: &mut Connection) -> Result<u64, StoreError> {
    conn.prepare_cached("SELECT count(*) FROM entries")
        .and_then(|mut s| s.query_row([], |r| r.get::<_, i64>(0)))
        .map(to_u64)
        .map_err(StoreError::during("counting entries"))
}

pub(crate) fn counts_by_kind(conn: &mut Connection) -> Result<BTreeMap<Kind, u64>, StoreError> {
    let ctx = "counting entries by kind";
    let mut counts: BTreeMap<Kind, u64> = Kind::ALL.into_iter().map(|k| (k, 0)).collect();
    let mut stmt = conn
        .prepare_cached("SELECT kind, count(*) FROM entries GROUP BY kind")
        .map_err(StoreError::during(ctx))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .map_err(StoreError::during(ctx))?;
    for row in rows {
        let (kind, n) = row.map_err(StoreError::during(ctx))?;
        counts.insert(parse_kind(&kind)?, to_u64(n));
    }
    Ok(counts)
}

pub(crate) fn raw_page(
    conn: &mut Connection,
    after: Option<Id>,
    limit: usize,
) -> Result<Vec<(Id, Vec<u8>)>, StoreError> {
    let ctx = "reading a page of entries";
    let after = after.map(|id| id.to_string()).unwrap_or_default();
    let mut stmt = conn
        .prepare_cached("SELECT id, raw FROM entries WHERE id > ?1 ORDER BY id LIMIT ?2")
        .map_err(StoreError::during(ctx))?;
    let rows = stmt
        .query_map(
            params![after, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)),
        )
        .map_err(StoreError::during(ctx))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, raw) = row.map_err(StoreError::during(ctx))?;
        out.push((parse_id(&id)?, raw));
    }
    Ok(out)
}

pub(crate) fn integrity_check(conn: &mut Connection) -> Result<Vec<String>, StoreError> {
    let ctx = "checking the database";
    let mut problems = Vec::new();
    {
        let mut stmt = conn
            .prepare("PRAGMA integrity_check")
            .map_err(StoreError::during(ctx))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(StoreError::during(ctx))?;
        for row in rows {
            let line = row.map_err(StoreError::during(ctx))?;
            if line != "ok" {
                problems.push(format!("integrity_check: {line}"));
            }
        }
    }
    {
        let mut stmt = conn
            .prepare("PRAGMA foreign_key_check")
            .map_err(StoreError::during(ctx))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "foreign_key_check: row {} of {} has no parent in {}",
                    r.get::<_, Option<i64>>(1)?.unwrap_or(-1),
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(2)?
                ))
            })
            .map_err(StoreError::during(ctx))?;
        for row in rows {
            problems.push(row.map_err(StoreError::during(ctx))?);
        }
    }
    let missing: i64 = conn
        .query_row(
            "SELECT count(*) FROM entries e
             WHERE NOT EXISTS (SELECT 1 FROM entry_texts t WHERE t.rowid = e.rowid)",
            [],
            |r| r.get(0),
        )
        .map_err(StoreError::during(ctx))?;
    if missing > 0 {
        problems.push(format!("{missing} entries have no search texts"));
    }
    // With rank 1, FTS5 also compares the index with its content table (entry_texts).
    if let Err(e) = conn.execute(
        "INSERT INTO entry_search (entry_search, rank) VALUES ('integrity-check', 1)",
        [],
    ) {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                problems.push(format!("full-text index: {e}"));
            }
            _ => return Err(StoreError::sqlite(ctx, e)),
        }
    }
    Ok(problems)
}

pub(crate) fn parse_id(text: &str) -> Result<Id, StoreError> {
    Id::from_str(text).map_err(|e| StoreError::Invalid {
        what: "entries.id",
        message: e.to_string(),
    })
}

pub(crate) fn parse_key(text: &str) -> Result<PublicKey, StoreError> {
    PublicKey::from_str(text).map_err(|e| StoreError::Invalid {
        what: "entries.signer/city",
        message: e.to_string(),
    })
}

fn parse_kind(text: &str) -> Result<Kind, StoreError> {
    Kind::from_str(text).map_err(|e| StoreError::Invalid {
        what: "entries.kind",
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::schema;
    use super::*;

    fn row(seed: u8) -> Row {
        Row::new(crate::ingest::tests::entry(seed))
    }

    fn checks_on(conn: &Connection) -> (bool, bool) {
        let fk: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        let ignore: bool = conn
            .query_row("PRAGMA ignore_check_constraints", [], |r| r.get(0))
            .unwrap();
        (fk, !ignore)
    }

    #[test]
    fn a_bulk_write_leaves_row_checks_on_after_success_and_failure() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = schema::open_read_write(&dir.path().join("t.db")).unwrap();
        assert_eq!(checks_on(&conn), (true, true));
        let outcome = insert(&mut conn, &[row(1), row(2)], 0, Indexing::Later).unwrap();
        assert!(outcome.iter().all(|o| matches!(o, Inserted::New(_))));
        assert_eq!(checks_on(&conn), (true, true));

        // A write that fails part-way (here: a table it writes is gone) restores them too.
        conn.execute_batch("DROP TRIGGER entry_texts_delete; DROP TABLE search_pending")
            .unwrap();
        assert!(insert(&mut conn, &[row(3)], 0, Indexing::Later).is_err());
        assert_eq!(checks_on(&conn), (true, true));
        assert_eq!(count(&mut conn).unwrap(), 2, "the failed batch left no row");

        // And the checks still hold for everything else written on the connection.
        let bad_id = conn.execute(
            "INSERT INTO entries (id, kind, lang, signer, city, created_ms, received_ms, raw)
             VALUES ('NOT-HEX', 'method', 'fr', 's', 'c', 0, 0, x'00')",
            [],
        );
        assert!(bad_id.is_err(), "the CHECK on entries.id is enforced again");
        let orphan = conn.execute(
            "INSERT INTO entry_themes (entry_rowid, pos, theme) VALUES (999999, 0, 'housing')",
            [],
        );
        assert!(orphan.is_err(), "foreign keys are enforced again");
        let check: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(check, 0);
    }
}
