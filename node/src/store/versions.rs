//! Versions of a document: which stored entry every listing shows for it. Run on the store
//! thread.
//!
//! A document is its first version; each later version names it (`head.revises.doc`) and the
//! version(s) it replaces (`prev`). The *heads* of a document are its versions that no other
//! version replaces. One head: that is the document's current version. Two or more (concurrent
//! revisions, made without seeing each other): a conflict, kept until a version names them
//! all in its `prev`; meanwhile every node shows the head with the latest (`created`, id) —
//! the same on every node, since it depends only on the versions held. Every version but the
//! shown one is listed in `entry_superseded`, which listings and search leave out.

use audacities_protocol::{Id, PublicKey, Unauthorized};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::entries::{parse_id, parse_key};
use super::error::StoreError;

/// Whether a new version may be stored: its document and the versions it replaces are held,
/// belong to the same document, the same city and the same kind.
pub(crate) fn check(
    tx: &Transaction<'_>,
    doc: &str,
    prev: &[String],
    city: &str,
    kind: &str,
) -> Result<Result<(), Unauthorized>, StoreError> {
    let ctx = "checking a new version";
    let id = |text: &str| parse_id(text);
    let found: Option<(String, String, Option<String>)> = tx
        .prepare_cached("SELECT city, kind, revises_doc FROM entries WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()
        })
        .map_err(StoreError::during(ctx))?;
    let Some((owner, doc_kind, revises)) = found else {
        return Ok(Err(Unauthorized::UnknownVersion { id: id(doc)? }));
    };
    if revises.is_some() {
        return Ok(Err(Unauthorized::NotADocument { doc: id(doc)? }));
    }
    if owner != city {
        return Ok(Err(Unauthorized::ForeignRevision {
            doc: id(doc)?,
            owner: Box::new(parse_key(&owner)?),
        }));
    }
    if doc_kind != kind {
        return Ok(Err(Unauthorized::KindChanged {
            doc: id(doc)?,
            kind: doc_kind,
        }));
    }
    let mut of = tx
        .prepare_cached("SELECT revises_doc FROM entries WHERE id = ?1")
        .map_err(StoreError::during(ctx))?;
    for p in prev {
        let found: Option<Option<String>> = of
            .query_row([p], |r| r.get(0))
            .optional()
            .map_err(StoreError::during(ctx))?;
        match found {
            None => return Ok(Err(Unauthorized::UnknownVersion { id: id(p)? })),
            Some(d) if p != doc && d.as_deref() != Some(doc) => {
                return Ok(Err(Unauthorized::NotAVersionOf {
                    id: id(p)?,
                    doc: id(doc)?,
                }));
            }
            Some(_) => {}
        }
    }
    Ok(Ok(()))
}

/// Records the versions a new version replaces.
pub(crate) fn record(tx: &Transaction<'_>, rowid: i64, prev: &[String]) -> Result<(), StoreError> {
    let mut stmt = tx
        .prepare_cached("INSERT OR IGNORE INTO entry_prev (entry_rowid, prev) VALUES (?1, ?2)")
        .map_err(StoreError::during("recording replaced versions"))?;
    for p in prev {
        stmt.execute(params![rowid, p])
            .map_err(StoreError::during("recording replaced versions"))?;
    }
    Ok(())
}

/// One version of a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Version {
    pub id: Id,
    pub rowid: i64,
    pub created_ms: u64,
    pub signer: PublicKey,
    /// The versions it replaces (none for the document itself).
    pub prev: Vec<Id>,
    /// No other version replaces it.
    pub head: bool,
}

/// Every version of a document, oldest first, and which one is shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct History {
    pub doc: Id,
    pub versions: Vec<Version>,
    /// The version listings show: the head with the latest (created, id).
    pub current: Id,
    /// More than one head: concurrent revisions no version has merged yet.
    pub conflict: bool,
}

impl History {
    /// What a new version of this document names: the document, and every current head — so
    /// that the new version also merges concurrent ones.
    pub fn next_revises(&self) -> audacities_protocol::Revises {
        audacities_protocol::Revises {
            doc: self.doc,
            prev: self
                .versions
                .iter()
                .filter(|v| v.head)
                .map(|v| v.id)
                .collect(),
        }
    }
}

/// The history of the document `doc` (its first version's id).
pub(crate) fn history(conn: &Connection, doc: &str) -> Result<Option<History>, StoreError> {
    let ctx = "reading a document's versions";
    let rows: Vec<(i64, String, i64, String)> = conn
        .prepare_cached(
            "SELECT rowid, id, created_ms, signer FROM entries WHERE id = ?1 OR revises_doc = ?1
             ORDER BY created_ms, id",
        )
        .and_then(|mut s| {
            s.query_map([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(StoreError::during(ctx))?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut prev_of = conn
        .prepare_cached("SELECT prev FROM entry_prev WHERE entry_rowid = ?1 ORDER BY prev")
        .map_err(StoreError::during(ctx))?;
    let mut versions = Vec::with_capacity(rows.len());
    for (rowid, id, created, signer) in rows {
        let prev = prev_of
            .query_map([rowid], |r| r.get::<_, String>(0))
            .map_err(StoreError::during(ctx))?
            .map(|p| {
                p.map_err(StoreError::during(ctx))
                    .and_then(|p| parse_id(&p))
            })
            .collect::<Result<Vec<Id>, _>>()?;
        versions.push(Version {
            id: parse_id(&id)?,
            rowid,
            created_ms: u64::try_from(created).unwrap_or(0),
            signer: parse_key(&signer)?,
            prev,
            head: true,
        });
    }
    let replaced: std::collections::HashSet<Id> = versions
        .iter()
        .flat_map(|v| v.prev.iter().copied())
        .collect();
    for v in &mut versions {
        v.head = !replaced.contains(&v.id);
    }
    let heads = versions.iter().filter(|v| v.head).count();
    // Versions are sorted by (created, id): the last head is the one shown.
    let current = versions
        .iter()
        .rev()
        .find(|v| v.head)
        .or(versions.last())
        .map(|v| v.id)
        .ok_or(StoreError::Closed)?;
    Ok(Some(History {
        doc: parse_id(doc)?,
        versions,
        current,
        conflict: heads > 1,
    }))
}

/// Marks every version of `doc` but the shown one as superseded.
pub(crate) fn settle(tx: &Transaction<'_>, doc: &str) -> Result<(), StoreError> {
    let ctx = "settling a document's versions";
    let Some(history) = history(tx, doc)? else {
        return Ok(());
    };
    let mut clear = tx
        .prepare_cached("DELETE FROM entry_superseded WHERE rowid = ?1")
        .map_err(StoreError::during(ctx))?;
    let mut mark = tx
        .prepare_cached("INSERT OR IGNORE INTO entry_superseded (rowid) VALUES (?1)")
        .map_err(StoreError::during(ctx))?;
    for v in &history.versions {
        if v.id == history.current {
            clear.execute([v.rowid]).map_err(StoreError::during(ctx))?;
        } else {
            mark.execute([v.rowid]).map_err(StoreError::during(ctx))?;
        }
    }
    Ok(())
}

/// The document an entry belongs to: its `revises_doc`, or itself.
pub(crate) fn doc_of(conn: &Connection, id: &str) -> Result<Option<String>, StoreError> {
    conn.prepare_cached("SELECT coalesce(revises_doc, id) FROM entries WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .map_err(StoreError::during("finding an entry's document"))
}

/// Whether any version is superseded (listings then cannot count from the plain indexes).
pub(crate) fn any_superseded(conn: &Connection) -> Result<bool, StoreError> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM entry_superseded)")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(StoreError::during("checking for superseded versions"))
}
