//! The queries behind browsing the commons (the web UI and `GET /api/v1/entries`): pages with
//! a keyset cursor, facet counts, references in and out, versions, the actor map and the
//! scenario gallery. All read the tables derived at insert (`entry_refs`, `entries.attrs`,
//! titles, themes) and never decode entries, so a page costs the same at 100 or 100,000
//! entries.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use audacities_protocol::authority::{BodyKind, Signer};
use audacities_protocol::model::Kind;
use audacities_protocol::{Id, PublicKey};
use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};
use serde::Serialize;

use super::entries::{KeyCache, filter_sql, summary, to_u64};
use super::error::StoreError;
use super::{Filter, Member, Stored, Summary};

/// Where a page of a listing (newest first) ends: the next page starts after it. Its text form
/// `CREATED.ROWID` is opaque to clients and only meaningful on this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub created_ms: i64,
    pub rowid: i64,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.created_ms, self.rowid)
    }
}

/// A cursor that is not one this node hands out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a cursor from this node: {0:?}")]
pub struct BadCursor(pub String);

impl FromStr for Cursor {
    type Err = BadCursor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadCursor(s.chars().take(64).collect());
        let (created, rowid) = s.split_once('.').ok_or_else(bad)?;
        Ok(Cursor {
            created_ms: created.parse().map_err(|_| bad())?,
            rowid: rowid.parse().map_err(|_| bad())?,
        })
    }
}

/// One page of a listing, and where the next one starts (`None` on the last page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page {
    pub items: Vec<Summary>,
    #[serde(serialize_with = "cursor_text")]
    pub next: Option<Cursor>,
}

fn cursor_text<S: serde::Serializer>(c: &Option<Cursor>, s: S) -> Result<S::Ok, S::Error> {
    match c {
        Some(c) => s.serialize_str(&c.to_string()),
        None => s.serialize_none(),
    }
}

/// How many entries have a value, for one facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub value: String,
    pub count: u64,
}

/// Facet counts over the entries a filter (and a search) selects, largest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// How many entries match in all.
    pub total: u64,
    pub kind: Vec<Count>,
    pub theme: Vec<Count>,
    /// City keys (text form).
    pub city: Vec<Count>,
    /// Languages of titles.
    pub lang: Vec<Count>,
    /// Years of publication.
    pub year: Vec<Count>,
}

/// Values shown per facet at most.
pub const FACET_VALUES: usize = 30;

/// A reference between two entries: `rel` as the referring draft names it; `entry` is the other
/// end's summary when this node has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub rel: String,
    /// The other end's id: a well-formed id, or the text as the draft wrote it.
    pub id: String,
    pub entry: Option<Summary>,
}

/// The actor map's data: actors and relations, each relation with its valence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActorMap {
    pub actors: Vec<MapActor>,
    pub relations: Vec<MapRelation>,
    /// Relations left out beyond [`MAP_RELATIONS`].
    pub omitted: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MapActor {
    pub summary: Summary,
    pub category: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MapRelation {
    pub summary: Summary,
    pub subject: String,
    pub object: String,
    pub valence: String,
    pub relation_kind: String,
}

/// Relations on one map at most (the newest); their actors come with them.
pub const MAP_RELATIONS: usize = 1_000;

/// A scenario card of the gallery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioCard {
    pub summary: Summary,
    pub scenario_kind: Option<String>,
    pub horizon_year: Option<i64>,
    pub plausibility: Option<String>,
    pub desirability: Option<String>,
}

/// Rowids of a page, newest first, after `filter.after`.
pub(crate) fn page(conn: &mut Connection, filter: &Filter) -> Result<Page, StoreError> {
    let ctx = "listing entries";
    if filter.limit == 0 {
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    }
    let (mut conditions, mut values) = filter_sql(conn, filter, "e.rowid");
    if let Some(after) = filter.after {
        conditions.push_str(" AND (e.created_ms < ? OR (e.created_ms = ? AND e.rowid < ?))");
        values.push(Value::Integer(after.created_ms));
        values.push(Value::Integer(after.created_ms));
        values.push(Value::Integer(after.rowid));
    }
    // One more than asked: whether there is a next page.
    let take = filter.limit.saturating_add(1);
    let sql = format!(
        "SELECT e.rowid, e.created_ms FROM entries e WHERE 1{conditions}
         ORDER BY e.created_ms DESC, e.rowid DESC LIMIT ? OFFSET ?"
    );
    values.push(Value::Integer(i64::try_from(take).unwrap_or(i64::MAX)));
    values.push(Value::Integer(
        i64::try_from(filter.offset).unwrap_or(i64::MAX),
    ));
    let mut rows = {
        let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::during(ctx))?;
        stmt.query_map(params_from_iter(values), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(StoreError::during(ctx))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::during(ctx))?
    };
    let more = rows.len() > filter.limit;
    rows.truncate(filter.limit);
    let next = if more {
        rows.last()
            .map(|&(rowid, created_ms)| Cursor { created_ms, rowid })
    } else {
        None
    };
    let mut keys = KeyCache::default();
    let items = rows
        .into_iter()
        .map(|(rowid, _)| summary(conn, rowid, &mut keys))
        .collect::<Result<_, _>>()?;
    Ok(Page { items, next })
}

/// Facet counts over the entries `filter` selects (its limit, offset and cursor ignored) and,
/// with `fts`, that match this FTS5 expression.
pub(crate) fn facets(
    conn: &mut Connection,
    filter: &Filter,
    fts: Option<&str>,
) -> Result<Facets, StoreError> {
    let ctx = "counting facets";
    let unfiltered = fts.is_none()
        && filter.kind.is_none()
        && filter.theme.is_none()
        && filter.lang.is_none()
        && filter.city.is_none()
        && filter.since_ms.is_none()
        && filter.year.is_none()
        && filter.endorsed_by.is_none()
        && !super::versions::any_superseded(conn)?;
    let (conditions, filter_values) = filter_sql(conn, filter, "e.rowid");
    // The selected entries as a CTE every facet joins; with no filter at all, each facet reads
    // its own index instead.
    let (matched, mut base) = match fts {
        Some(expr) => (
            format!(
                "WITH m AS (SELECT e.rowid AS r, e.kind, e.city, e.created_ms
                            FROM entry_search JOIN entries e ON e.rowid = entry_search.rowid
                            WHERE entry_search MATCH ?{conditions})"
            ),
            vec![Value::Text(expr.to_owned())],
        ),
        None => (
            format!(
                "WITH m AS (SELECT e.rowid AS r, e.kind, e.city, e.created_ms
                            FROM entries e INDEXED BY entries_facets WHERE 1{conditions})"
            ),
            Vec::new(),
        ),
    };
    base.extend(filter_values);
    let limit = FACET_VALUES as i64;
    let count = |conn: &Connection, select: &str, all: &str| -> Result<Vec<Count>, StoreError> {
        let (sql, values): (String, &[Value]) = if unfiltered {
            (format!("{all} ORDER BY 2 DESC, 1 LIMIT {limit}"), &[])
        } else {
            (
                format!("{matched} {select} ORDER BY 2 DESC, 1 LIMIT {limit}"),
                &base,
            )
        };
        let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::during(ctx))?;
        stmt.query_map(params_from_iter(values.iter()), |r| {
            Ok(Count {
                value: r.get::<_, String>(0)?,
                count: to_u64(r.get::<_, i64>(1)?),
            })
        })
        .map_err(StoreError::during(ctx))?
        .collect::<Result<_, _>>()
        .map_err(StoreError::during(ctx))
    };
    let kind = count(
        conn,
        "SELECT kind, count(*) FROM m GROUP BY kind",
        "SELECT kind, count(*) FROM entries GROUP BY kind",
    )?;
    let total = kind.iter().map(|c| c.count).sum();
    Ok(Facets {
        total,
        kind,
        theme: count(
            conn,
            "SELECT t.theme, count(*) FROM m JOIN entry_themes t ON t.entry_rowid = m.r
             GROUP BY t.theme",
            "SELECT theme, count(*) FROM entry_themes GROUP BY theme",
        )?,
        city: count(
            conn,
            "SELECT city, count(*) FROM m GROUP BY city",
            "SELECT city, count(*) FROM entries GROUP BY city",
        )?,
        lang: count(
            conn,
            "SELECT l.lang, count(*) FROM m JOIN entry_titles l ON l.entry_rowid = m.r
             GROUP BY l.lang",
            "SELECT lang, count(*) FROM entry_titles GROUP BY lang",
        )?,
        year: count(
            conn,
            "SELECT strftime('%Y', created_ms / 1000, 'unixepoch'), count(*) FROM m GROUP BY 1",
            "SELECT strftime('%Y', created_ms / 1000, 'unixepoch'), count(*)
             FROM entries INDEXED BY entries_created GROUP BY 1",
        )?,
    })
}

/// The rowid of a stored id.
fn rowid_of(conn: &Connection, id: Id) -> Result<Option<i64>, StoreError> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT rowid FROM entries WHERE id = ?1")
        .and_then(|mut s| s.query_row([id.to_string()], |r| r.get(0)).optional())
        .map_err(StoreError::during("finding an entry"))
}

/// Summaries of the stored entries among `ids` (text forms; others are left out).
fn summaries_of(
    conn: &Connection,
    ids: &[String],
    keys: &mut KeyCache,
) -> Result<HashMap<String, Summary>, StoreError> {
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(id) {
            continue;
        }
        let Ok(parsed) = id.parse::<Id>() else {
            continue;
        };
        if let Some(rowid) = rowid_of(conn, parsed)? {
            out.insert(id.clone(), summary(conn, rowid, keys)?);
        }
    }
    Ok(out)
}

/// References of an entry: out (what its draft refers to, in order) and in (entries that
/// refer to it, newest first, at most `limit`).
pub(crate) fn references(
    conn: &mut Connection,
    id: Id,
    limit: usize,
) -> Result<(Vec<Reference>, Vec<Reference>), StoreError> {
    let ctx = "reading references";
    let mut keys = KeyCache::default();
    let out_refs: Vec<(String, String)> = match rowid_of(conn, id)? {
        Some(rowid) => conn
            .prepare_cached(
                "SELECT rel, target FROM entry_refs WHERE entry_rowid = ?1 ORDER BY pos",
            )
            .map_err(StoreError::during(ctx))?
            .query_map([rowid], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(StoreError::during(ctx))?
            .collect::<Result<_, _>>()
            .map_err(StoreError::during(ctx))?,
        None => Vec::new(),
    };
    let targets: Vec<String> = out_refs.iter().map(|(_, t)| t.clone()).collect();
    let mut known = summaries_of(conn, &targets, &mut keys)?;
    let out = out_refs
        .into_iter()
        .map(|(rel, target)| Reference {
            entry: known.get(&target).cloned(),
            rel,
            id: target,
        })
        .collect();
    known.clear();
    let in_rows: Vec<(String, i64)> = conn
        .prepare_cached(
            "SELECT r.rel, r.entry_rowid FROM entry_refs r JOIN entries e ON e.rowid = r.entry_rowid
             WHERE r.target = ?1 ORDER BY e.created_ms DESC, e.rowid DESC LIMIT ?2",
        )
        .map_err(StoreError::during(ctx))?
        .query_map(
            params![id.to_string(), i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(StoreError::during(ctx))?
        .collect::<Result<_, _>>()
        .map_err(StoreError::during(ctx))?;
    let mut incoming = Vec::with_capacity(in_rows.len());
    for (rel, rowid) in in_rows {
        let s = summary(conn, rowid, &mut keys)?;
        incoming.push(Reference {
            rel,
            id: s.id.to_string(),
            entry: Some(s),
        });
    }
    Ok((out, incoming))
}

/// The versions of a document: the entry `doc` and every stored entry that revises it, oldest
/// first.
pub(crate) fn versions(conn: &mut Connection, doc: Id) -> Result<Vec<Summary>, StoreError> {
    let ctx = "reading versions";
    let text = doc.to_string();
    let rowids: Vec<i64> = conn
        .prepare_cached(
            "SELECT rowid FROM entries WHERE id = ?1 OR revises_doc = ?1
             ORDER BY created_ms, rowid LIMIT 1000",
        )
        .map_err(StoreError::during(ctx))?
        .query_map([text], |r| r.get(0))
        .map_err(StoreError::during(ctx))?
        .collect::<Result<_, _>>()
        .map_err(StoreError::during(ctx))?;
    let mut keys = KeyCache::default();
    rowids
        .into_iter()
        .map(|rowid| summary(conn, rowid, &mut keys))
        .collect()
}

/// An attribute of an entry (see `entries.attrs`); `None` when the entry has no such field.
fn attr(conn: &Connection, rowid: i64, name: &str) -> Result<Option<Value>, StoreError> {
    use rusqlite::OptionalExtension;
    // The name is quoted in the path: attribute names hold dots (`place.country`).
    let path = format!("$.\"{name}\"");
    conn.prepare_cached("SELECT json_extract(attrs, ?2) FROM entries WHERE rowid = ?1")
        .and_then(|mut s| {
            s.query_row(params![rowid, path], |r| r.get::<_, Value>(0))
                .optional()
        })
        .map(|v| v.filter(|v| *v != Value::Null))
        .map_err(StoreError::during("reading an entry's fields"))
}

fn text(v: Option<Value>) -> Option<String> {
    match v {
        Some(Value::Text(s)) => Some(s),
        Some(Value::Integer(i)) => Some(i.to_string()),
        _ => None,
    }
}

/// Rowids of the entries of `kind` that `filter` selects (its kind ignored), newest first.
fn rowids_of_kind(
    conn: &Connection,
    kind: Kind,
    filter: &Filter,
    limit: usize,
) -> Result<Vec<i64>, StoreError> {
    let filter = Filter {
        kind: Some(kind),
        ..filter.clone()
    };
    let (conditions, mut values) = filter_sql(conn, &filter, "e.rowid");
    values.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    let sql = format!(
        "SELECT e.rowid FROM entries e WHERE 1{conditions}
         ORDER BY e.created_ms DESC, e.rowid DESC LIMIT ?"
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(StoreError::during("listing entries of a kind"))?;
    stmt.query_map(params_from_iter(values), |r| r.get(0))
        .map_err(StoreError::during("listing entries of a kind"))?
        .collect::<Result<_, _>>()
        .map_err(StoreError::during("listing entries of a kind"))
}

/// The actor map: the newest [`MAP_RELATIONS`] relations that `filter` selects (theme, city),
/// the actors they connect, and the other actors `filter` selects.
pub(crate) fn actor_map(conn: &mut Connection, filter: &Filter) -> Result<ActorMap, StoreError> {
    let mut keys = KeyCache::default();
    let relation_rows = rowids_of_kind(conn, Kind::ActorRelation, filter, MAP_RELATIONS + 1)?;
    let omitted = relation_rows.len().saturating_sub(MAP_RELATIONS) as u64;
    let mut relations = Vec::new();
    let mut endpoints = Vec::new();
    for rowid in relation_rows.into_iter().take(MAP_RELATIONS) {
        let subject = text(attr(conn, rowid, "subject")?).unwrap_or_default();
        let object = text(attr(conn, rowid, "object")?).unwrap_or_default();
        endpoints.push(subject.clone());
        endpoints.push(object.clone());
        relations.push(MapRelation {
            summary: summary(conn, rowid, &mut keys)?,
            subject,
            object,
            valence: text(attr(conn, rowid, "valence")?).unwrap_or_default(),
            relation_kind: text(attr(conn, rowid, "relation_kind")?).unwrap_or_default(),
        });
    }
    let mut actors: Vec<MapActor> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for rowid in rowids_of_kind(conn, Kind::Actor, filter, MAP_RELATIONS)? {
        let s = summary(conn, rowid, &mut keys)?;
        seen.insert(s.id.to_string());
        actors.push(MapActor {
            category: text(attr(conn, rowid, "actor_category")?),
            summary: s,
        });
    }
    // Actors the relations connect that the filter left out (another city, another theme).
    for id in endpoints {
        if seen.contains(&id) {
            continue;
        }
        seen.insert(id.clone());
        let Ok(parsed) = id.parse::<Id>() else {
            continue;
        };
        if let Some(rowid) = rowid_of(conn, parsed)? {
            let s = summary(conn, rowid, &mut keys)?;
            if s.kind == Kind::Actor {
                actors.push(MapActor {
                    category: text(attr(conn, rowid, "actor_category")?),
                    summary: s,
                });
            }
        }
    }
    Ok(ActorMap {
        actors,
        relations,
        omitted,
    })
}

/// The order of scenario kinds in the gallery: extreme first.
fn scenario_rank(kind: Option<&str>) -> u8 {
    match kind {
        Some("extreme") => 0,
        Some("exploratory") => 1,
        Some("normative") => 2,
        Some("trend") => 3,
        _ => 4,
    }
}

/// The scenario gallery: scenarios `filter` selects (newest `limit`), extreme first, then by
/// horizon.
pub(crate) fn scenarios(
    conn: &mut Connection,
    filter: &Filter,
    limit: usize,
) -> Result<Vec<ScenarioCard>, StoreError> {
    let mut keys = KeyCache::default();
    let mut cards = Vec::new();
    for rowid in rowids_of_kind(conn, Kind::Scenario, filter, limit)? {
        cards.push(ScenarioCard {
            summary: summary(conn, rowid, &mut keys)?,
            scenario_kind: text(attr(conn, rowid, "scenario_kind")?),
            horizon_year: match attr(conn, rowid, "horizon_year")? {
                Some(Value::Integer(y)) => Some(y),
                _ => None,
            },
            plausibility: text(attr(conn, rowid, "plausibility")?),
            desirability: text(attr(conn, rowid, "desirability")?),
        });
    }
    cards.sort_by(|a, b| {
        scenario_rank(a.scenario_kind.as_deref())
            .cmp(&scenario_rank(b.scenario_kind.as_deref()))
            .then(a.horizon_year.cmp(&b.horizon_year))
            .then(b.summary.created_ms.cmp(&a.summary.created_ms))
    });
    Ok(cards)
}

/// The summaries of stored entries by id (for titles of links, the feed…).
pub(crate) fn summaries(
    conn: &mut Connection,
    ids: &[Id],
) -> Result<HashMap<Id, Summary>, StoreError> {
    let texts: Vec<String> = ids.iter().map(Id::to_string).collect();
    let mut keys = KeyCache::default();
    Ok(summaries_of(conn, &texts, &mut keys)?
        .into_values()
        .map(|s| (s.id, s))
        .collect())
}

/// Everything a page or `GET /api/v1/entries/{id}` shows about one entry, read in one read
/// transaction (one lock, one consistent view).
#[derive(Debug, Clone)]
pub struct Detail {
    pub stored: Stored,
    pub links_out: Vec<Reference>,
    pub links_in: Vec<Reference>,
    /// The versions of its document, oldest first.
    pub versions: Vec<Summary>,
    /// The trust list, for the names of cities.
    pub members: Vec<Member>,
    /// The names cities give themselves in their latest signed profiles.
    pub profiles: Vec<(PublicKey, String)>,
    /// For an entry signed by a staff key: its delegation's label (else the key).
    pub published_by: Option<String>,
    /// Its document's versions: which one is shown, and whether some are in conflict.
    pub history: Option<super::versions::History>,
    /// Its document's endorsements, the latest of each city.
    pub endorsements: Vec<super::acts::Endorsement>,
    /// Translations of its document's versions, oldest first.
    pub translations: Vec<super::acts::Translated>,
}

/// [`Detail`] of the one entry whose id starts with `prefix`.
pub(crate) fn detail(
    conn: &mut Connection,
    prefix: &str,
    links_in: usize,
) -> Result<Detail, StoreError> {
    conn.execute_batch("BEGIN")
        .map_err(StoreError::during("starting a read"))?;
    // An early return leaves the transaction open: the store's job wrapper rolls it back.
    let id = super::entries::resolve(conn, prefix)?;
    let stored = super::entries::get(conn, id)?.ok_or_else(|| StoreError::NotFound {
        prefix: prefix.to_owned(),
    })?;
    let (links_out, links_in) = references(conn, id, links_in)?;
    let doc = revised_doc(&stored.bytes).unwrap_or(id);
    let versions = versions(conn, doc)?;
    let history = super::versions::history(conn, &doc.to_string())?;
    let endorsements = super::acts::endorsements(conn, &doc.to_string())?;
    let translations = super::acts::translations(conn, &doc.to_string())?;
    let members = super::members::list(conn)?;
    let profiles = super::acts::profile_names(conn)?;
    let authority = super::acts::load(conn, stored.city)?;
    let published_by = match authority.check_signer(
        &stored.signer,
        stored.created_ms,
        BodyKind::Content(stored.kind),
    ) {
        Ok(Signer::Staff { label, .. }) => Some(label.unwrap_or_else(|| stored.signer.to_string())),
        _ => None,
    };
    conn.execute_batch("COMMIT")
        .map_err(StoreError::during("ending a read"))?;
    Ok(Detail {
        stored,
        links_out,
        links_in,
        versions,
        members,
        profiles,
        published_by,
        history,
        endorsements,
        translations,
    })
}

/// The document a stored line's header says it revises.
pub fn revised_doc(line: &[u8]) -> Option<Id> {
    #[derive(serde::Deserialize)]
    struct Line {
        head: Head,
    }
    #[derive(serde::Deserialize)]
    struct Head {
        revises: Option<Revises>,
    }
    #[derive(serde::Deserialize)]
    struct Revises {
        doc: String,
    }
    let line: Line = serde_json::from_slice(line).ok()?;
    line.head.revises?.doc.parse().ok()
}
