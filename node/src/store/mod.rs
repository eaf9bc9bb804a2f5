//! The commons store: one SQLite file, owned by one thread, behind a cloneable handle.
//!
//! Why a thread: rusqlite calls block, and a node is async (libp2p, axum). As iroh-docs does, a
//! dedicated, named thread (`audacities-store`) owns the only read-write [`rusqlite::Connection`];
//! everyone else holds a [`Store`] and sends it jobs over a bounded channel, each with a reply
//! channel. Sync callers block on the reply, async callers await it ([`Store::call_async`]), so
//! the executor never waits on the disk. One writer also means no `SQLITE_BUSY` between parts
//! of the node, and one place where transactions begin and end.
//!
//! What is stored: each entry's exact wire bytes (`raw`, never re-encoded), plus columns and
//! small tables derived from it for filters (kind, city, themes, title languages) and its
//! texts for full-text search.
//!
//! Search indexing runs *behind* small writes. [`Store::insert`] stores the entry, its texts
//! and a "to index" mark in one transaction, and returns; once no entry has been written for
//! 200 ms, the store thread moves marked entries into the FTS5 index, in transactions of up to
//! 25,000, giving way to any job that arrives (it waits at most one step of 256 entries). FTS5
//! indexing is the costliest part of storing an entry (≈ 40 µs of the store thread's ≈ 85 µs
//! for ~2 KB of text on the 2-core reference machine), and a publish or a gossip message should
//! not wait for it, nor leave a tiny index segment per write to be merged later.
//!
//! Bulk writes ([`Indexing::Now`], used by ingest for large calls: import, sync) index each
//! batch in the batch's own transaction instead: the verification workers keep the other core
//! busy meanwhile, the texts are not read back, and the import is searchable when it returns,
//! with no indexing tail on one core. [`Store::search`] first indexes whatever is still marked,
//! so its results always cover every stored entry; [`Store::search_backlog`] says how many
//! entries wait, and [`Store::finish_indexing`] waits for them (a backlog left at close is only
//! indexed at the next open).
//!
//! Sync and trust keep a little state here too: the set of ids as reconciliation reads it
//! ([`Store::items`], [`Store::fingerprint`], `set.rs`), the trust list ([`Store::trust_add`],
//! `members.rs`) and the peer log ([`Store::record_sync`], `peers.rs`).
//!
//! Local tools read the file directly through the documented `v_*` views (`views.sql`,
//! `docs/local-tools.md`); tables are internal.

mod acts;
pub use acts::{Endorsement, Translated};
pub mod browse;
mod bulk;
mod checkpointer;
mod entries;
pub mod erasure;
mod error;
mod handle;
mod index;
mod members;
mod peers;
mod schema;
pub mod search;
pub mod set;
pub mod versions;

use std::collections::BTreeMap;

use audacities_protocol::id::Prefix;
use audacities_protocol::model::{Kind, LStr};
use audacities_protocol::{Entry, Id, PublicKey};
use serde::Serialize;

pub use bulk::Bulk;
pub use entries::{Indexing, Row, stored_draft};
pub use error::StoreError;
pub use handle::{Store, THREAD_NAME};

fn history_of(
    conn: &mut rusqlite::Connection,
    id: Id,
) -> Result<Option<versions::History>, StoreError> {
    match versions::doc_of(conn, &id.to_string())? {
        Some(doc) => versions::history(conn, &doc),
        None => Ok(None),
    }
}

/// The names cities give themselves in their profiles: (city, name).
pub type ProfileNames = Vec<(PublicKey, String)>;

/// The trust list and the names cities give themselves in their profiles, read together.
pub(crate) fn names_sources(
    conn: &mut rusqlite::Connection,
) -> Result<(Vec<Member>, ProfileNames), StoreError> {
    Ok((members::list(conn)?, acts::profile_names(conn)?))
}
pub use peers::MAX_PEERS;
pub use schema::{BUSY_TIMEOUT, MIGRATIONS, PAGE_SIZE, VIEWS, latest_version};

/// What became of one entry given to [`Store::insert`], in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// Stored now.
    New(Id),
    /// Already stored, or earlier in the same batch: nothing was added.
    Duplicate(Id),
    /// Valid, but its signer does not speak for its city at its time (the city's acts decide).
    Refused(Id, audacities_protocol::Unauthorized),
}

impl Inserted {
    pub fn id(&self) -> Id {
        match self {
            Inserted::New(id) | Inserted::Duplicate(id) | Inserted::Refused(id, _) => *id,
        }
    }

    pub fn is_new(&self) -> bool {
        matches!(self, Inserted::New(_))
    }
}

/// A stored entry: its header fields and its exact wire bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: Id,
    pub kind: Kind,
    /// The original language.
    pub lang: String,
    pub signer: PublicKey,
    pub city: PublicKey,
    /// Creation time (the signer's clock), milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// When this node stored it, milliseconds since the Unix epoch.
    pub received_ms: u64,
    /// The entry's wire line exactly as received (pass it to `Entry::decode` to verify).
    pub bytes: Vec<u8>,
}

/// Which entries [`Store::list`] and [`Store::search`] return. Every filter set must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub kind: Option<Kind>,
    /// A theme of the vocabulary (`mobility`, …).
    pub theme: Option<String>,
    /// Entries whose title has a text in this language.
    pub lang: Option<String>,
    pub city: Option<PublicKey>,
    /// Entries created at or after this time (milliseconds since the Unix epoch).
    pub since_ms: Option<u64>,
    /// Entries whose document this city endorsed or adopted.
    pub endorsed_by: Option<PublicKey>,
    /// Entries created in this year (UTC).
    pub year: Option<i32>,
    /// Listings only: the page after this cursor ([`browse::Page::next`]).
    pub after: Option<browse::Cursor>,
    pub limit: usize,
    pub offset: usize,
}

impl Default for Filter {
    fn default() -> Self {
        Self {
            kind: None,
            theme: None,
            lang: None,
            city: None,
            since_ms: None,
            endorsed_by: None,
            year: None,
            after: None,
            limit: 50,
            offset: 0,
        }
    }
}

/// One line of a listing: enough to show an entry in a table, without decoding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub id: Id,
    #[serde(serialize_with = "kind_str")]
    pub kind: Kind,
    pub lang: String,
    /// The title in every language it has.
    pub title: LStr,
    /// The themes, in the draft's order.
    pub themes: Vec<String>,
    pub city: PublicKey,
    pub created_ms: u64,
}

impl Summary {
    /// The title in `lang` if it has one, else in the entry's original language, else any.
    pub fn title_in(&self, lang: &str) -> &str {
        self.title
            .get(lang)
            .or_else(|| self.title.get(&self.lang))
            .or_else(|| self.title.values().next())
            .map_or("", String::as_str)
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub summary: Summary,
    /// A short extract around the matches, matches between `[` and `]`, cuts marked `…`.
    pub snippet: String,
    /// The same extract with matches between [`search::MARK_START`] and
    /// [`search::MARK_END`], for pages that highlight them.
    #[serde(skip)]
    pub marked: String,
    /// FTS5's bm25 score with column weights (title 10, summary 4, other texts 2, body 1).
    /// As in SQLite, lower (more negative) is more relevant; hits come best first.
    pub rank: f64,
}

/// A city on this node's trust list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Member {
    pub city: PublicKey,
    /// A note for people (`Napoli`, `partner since 2025`…), not signed, never sent to peers.
    pub label: Option<String>,
    /// When it was added, milliseconds since the Unix epoch.
    pub added_ms: u64,
}

/// A successful sync with a peer, as [`Store::record_sync`] takes it; as [`Store::peer_log`]
/// returns it, the totals over every sync logged with that peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SyncRecord {
    /// The peer's libp2p peer id, in its text form.
    pub peer_id: String,
    /// The address it was reached at (a multiaddr), if known. A record without one keeps the
    /// address already logged.
    pub address: Option<String>,
    /// The city it said it speaks for, if known. A record without one keeps the city already
    /// logged.
    pub city: Option<PublicKey>,
    /// When the sync finished, milliseconds since the Unix epoch. In the log: the latest.
    pub at_ms: u64,
    /// Entries received from the peer and stored. In the log: the total.
    pub received: u64,
    /// Entries sent to the peer. In the log: the total.
    pub sent: u64,
}

fn kind_str<S: serde::Serializer>(kind: &Kind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.as_str())
}

impl Store {
    /// Stores a batch of verified entries in ONE transaction and says, for each input in order,
    /// whether it was new or a duplicate (an id already stored, or repeated in the batch; a
    /// duplicate adds nothing). On error nothing of the batch is kept.
    ///
    /// Give it batches of thousands when you have them (import, sync): one transaction per
    /// batch is what makes the rate; one call per entry costs a commit each.
    pub fn insert(
        &self,
        entries: Vec<Entry>,
        received_ms: u64,
    ) -> Result<Vec<Inserted>, StoreError> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        // Derived columns and texts are computed here, on the caller's thread, so the store
        // thread spends its time on SQLite only.
        let rows: Vec<Row> = entries.into_iter().map(Row::new).collect();
        self.insert_rows(rows, received_ms, entries::Indexing::Later)
    }

    /// [`insert`](Self::insert) for rows derived beforehand: bulk ingest derives them on its
    /// verification threads, so the thread that hands batches to the store does not.
    pub fn insert_rows(
        &self,
        rows: Vec<Row>,
        received_ms: u64,
        index: entries::Indexing,
    ) -> Result<Vec<Inserted>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        self.call(move |conn| entries::insert(conn, &rows, received_ms, index))
    }

    /// A page of entries matching `filter`, newest first, with the cursor of the next page.
    pub fn page(&self, filter: &Filter) -> Result<browse::Page, StoreError> {
        let filter = filter.clone();
        self.call(move |conn| browse::page(conn, &filter))
    }

    /// Facet counts over the entries `filter` selects and, with `query`, that match it (free
    /// text, as for [`search`](Self::search)).
    pub fn facets(
        &self,
        filter: &Filter,
        query: Option<&str>,
    ) -> Result<browse::Facets, StoreError> {
        let filter = filter.clone();
        if query.is_some_and(|q| search::fts_query(q).is_none()) {
            return Ok(browse::Facets::default());
        }
        let query = query.map(str::to_owned);
        let read_only = self.is_read_only();
        self.call(move |conn| {
            let expr = match &query {
                Some(q) => {
                    if !read_only && let Err(e) = index::catch_up(conn) {
                        tracing::warn!("counting without the newest entries: {e}");
                    }
                    search::choose(conn, q, &filter)?
                }
                None => None,
            };
            browse::facets(conn, &filter, expr.as_deref())
        })
    }

    /// What an entry refers to (in its draft's order) and the newest `limit` entries that refer
    /// to it.
    pub fn references(
        &self,
        id: Id,
        limit: usize,
    ) -> Result<(Vec<browse::Reference>, Vec<browse::Reference>), StoreError> {
        self.call(move |conn| browse::references(conn, id, limit))
    }

    /// Everything shown about the one entry whose id starts with `prefix`, in one job and one
    /// read transaction, awaited without blocking the executor.
    pub async fn detail(
        &self,
        prefix: &Prefix,
        links_in: usize,
    ) -> Result<browse::Detail, StoreError> {
        let prefix = prefix.as_str().to_owned();
        self.call_async(move |conn| browse::detail(conn, &prefix, links_in))
            .await
    }

    /// The stored versions of document `doc` (the entry itself and those revising it), oldest
    /// first.
    pub fn versions(&self, doc: Id) -> Result<Vec<Summary>, StoreError> {
        self.call(move |conn| browse::versions(conn, doc))
    }

    /// The actor map's actors and relations among the entries `filter` selects.
    pub fn actor_map(&self, filter: &Filter) -> Result<browse::ActorMap, StoreError> {
        let filter = filter.clone();
        self.call(move |conn| browse::actor_map(conn, &filter))
    }

    /// The scenario gallery, extreme first.
    pub fn scenarios(
        &self,
        filter: &Filter,
        limit: usize,
    ) -> Result<Vec<browse::ScenarioCard>, StoreError> {
        let filter = filter.clone();
        self.call(move |conn| browse::scenarios(conn, &filter, limit))
    }

    /// Summaries of the stored entries among `ids`.
    pub fn summaries(
        &self,
        ids: Vec<Id>,
    ) -> Result<std::collections::HashMap<Id, Summary>, StoreError> {
        self.call(move |conn| browse::summaries(conn, &ids))
    }

    /// The stored entry with this id.
    pub fn get(&self, id: Id) -> Result<Option<Stored>, StoreError> {
        self.call(move |conn| entries::get(conn, id))
    }

    /// The one stored id starting with `prefix`: [`StoreError::NotFound`], or
    /// [`StoreError::Ambiguous`] with up to 10 candidates.
    pub fn resolve(&self, prefix: &Prefix) -> Result<Id, StoreError> {
        let prefix = prefix.as_str().to_owned();
        self.call(move |conn| entries::resolve(conn, &prefix))
    }

    /// Entries matching `filter`, newest first (by creation time).
    pub fn list(&self, filter: &Filter) -> Result<Vec<Summary>, StoreError> {
        let filter = filter.clone();
        self.call(move |conn| entries::list(conn, &filter))
    }

    /// Full-text search, best first. `query` is free text (see [`search`] for how it is read);
    /// a query without any word returns no hit. Case and accents are ignored.
    pub fn search(&self, query: &str, filter: &Filter) -> Result<Vec<Hit>, StoreError> {
        if search::fts_query(query).is_none() {
            return Ok(Vec::new());
        }
        let query = query.to_owned();
        let filter = filter.clone();
        let read_only = self.is_read_only();
        self.call(move |conn| {
            if !read_only {
                // A failure here (disk full, another process's lock) leaves the newest entries
                // unsearchable for now; the search itself still answers.
                if let Err(e) = index::catch_up(conn) {
                    tracing::warn!("searching without the newest entries: {e}");
                }
            }
            match search::choose(conn, &query, &filter)? {
                Some(expr) => search::run(conn, &expr, &filter),
                None => Ok(Vec::new()),
            }
        })
    }

    /// How many stored entries the full-text index has not taken in yet.
    pub fn search_backlog(&self) -> Result<u64, StoreError> {
        self.call(|conn| index::backlog(conn))
    }

    /// Indexes every entry still waiting for the full-text index; returns how many it did.
    /// (The store thread does this by itself when idle; call it to wait for it.)
    pub fn finish_indexing(&self) -> Result<u64, StoreError> {
        self.call(index::catch_up)
    }

    /// How many entries are stored.
    pub fn count(&self) -> Result<u64, StoreError> {
        self.call(entries::count)
    }

    /// How many entries of each kind are stored (every kind, zeros included).
    pub fn counts_by_kind(&self) -> Result<BTreeMap<Kind, u64>, StoreError> {
        self.call(entries::counts_by_kind)
    }

    /// The versions of the document `id` belongs to (any of its versions), and which one
    /// listings show; `None` when `id` is not stored.
    pub fn history(&self, id: Id) -> Result<Option<versions::History>, StoreError> {
        self.call(move |conn| history_of(conn, id))
    }

    /// [`Store::history`] from async code.
    pub async fn history_async(&self, id: Id) -> Result<Option<versions::History>, StoreError> {
        self.call_async(move |conn| history_of(conn, id)).await
    }

    /// What this node knows of a retracted document, by an erased version's or the document's
    /// id (or a prefix of at least 8 characters): `None` when nothing with that id was retracted.
    pub fn retracted(&self, prefix: &Prefix) -> Result<Option<erasure::Retracted>, StoreError> {
        let prefix = prefix.as_str().to_owned();
        self.call(move |conn| erasure::retracted(conn, &prefix))
    }

    /// [`Store::retracted`] from async code.
    pub async fn retracted_async(
        &self,
        prefix: &Prefix,
    ) -> Result<Option<erasure::Retracted>, StoreError> {
        let prefix = prefix.as_str().to_owned();
        self.call_async(move |conn| erasure::retracted(conn, &prefix))
            .await
    }

    /// The retractions applied here that `city` has not confirmed with a receipt yet:
    /// (retraction, document).
    pub async fn unconfirmed_retractions(
        &self,
        city: PublicKey,
    ) -> Result<Vec<(Id, Id)>, StoreError> {
        self.call_async(move |conn| erasure::unconfirmed(conn, &city))
            .await
    }

    /// The name each city gives itself in its latest signed profile: (city, name).
    pub fn profile_names(&self) -> Result<ProfileNames, StoreError> {
        self.call(|conn| acts::profile_names(conn))
    }

    /// Deletes every entry and act of `city` (after `trust remove`, once confirmed), with the
    /// erasure guarantees of a retraction (secure delete, WAL truncated). Returns how many.
    pub fn purge_city(&self, city: PublicKey) -> Result<u64, StoreError> {
        self.call(move |conn| {
            let ctx = "purging a city's entries";
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(StoreError::during(ctx))?;
            let key = city.to_string();
            let entries = tx
                .execute("DELETE FROM entries WHERE city = ?1", [&key])
                .map_err(StoreError::during(ctx))?;
            let acts = tx
                .execute("DELETE FROM acts WHERE city = ?1", [&key])
                .map_err(StoreError::during(ctx))?;
            tx.commit().map_err(StoreError::during(ctx))?;
            erasure::checkpoint(conn);
            Ok((entries + acts) as u64)
        })
    }

    /// How many entries (content, all versions) of `city` are stored.
    pub fn count_of_city(&self, city: PublicKey) -> Result<u64, StoreError> {
        self.call(move |conn| {
            conn.query_row(
                "SELECT count(*) FROM entries WHERE city = ?1",
                [city.to_string()],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(StoreError::during("counting a city's entries"))
        })
    }

    /// The cities that at least `needed` of `vouchers` (key bytes) vouch for.
    pub fn vouched(
        &self,
        vouchers: Vec<[u8; 32]>,
        needed: u32,
    ) -> Result<Vec<PublicKey>, StoreError> {
        self.call(move |conn| acts::vouched(conn, &vouchers, needed))
    }

    /// The translations of the document an entry belongs to, oldest first.
    pub fn translations(&self, id: Id) -> Result<Vec<Translated>, StoreError> {
        self.call(move |conn| {
            let doc = versions::doc_of(conn, &id.to_string())?.unwrap_or_else(|| id.to_string());
            acts::translations(conn, &doc)
        })
    }

    /// The endorsements of the document an entry belongs to (the latest of each city).
    pub fn endorsements(&self, id: Id) -> Result<Vec<Endorsement>, StoreError> {
        self.call(move |conn| {
            let doc = versions::doc_of(conn, &id.to_string())?.unwrap_or_else(|| id.to_string());
            acts::endorsements(conn, &doc)
        })
    }

    /// Every institutional act's wire line (profiles, delegations, revocations, rotations), in
    /// creation order.
    pub fn acts_raw(&self) -> Result<Vec<Vec<u8>>, StoreError> {
        self.call(acts::all_raw)
    }

    /// A city's authority as this node's acts give it: its keys over time, its delegations and
    /// its latest profile.
    pub fn authority(&self, city: PublicKey) -> Result<audacities_protocol::Authority, StoreError> {
        self.call(move |conn| acts::load(conn, city))
    }

    /// Up to `limit` entries' ids and wire bytes, in id order, after `after` (keyset pagination:
    /// pass the last id of a page to get the next; an empty page is the end).
    pub fn raw_page(
        &self,
        after: Option<Id>,
        limit: usize,
    ) -> Result<Vec<(Id, Vec<u8>)>, StoreError> {
        self.call(move |conn| entries::raw_page(conn, after, limit))
    }

    /// `(created_ms, id)` of every stored entry, sorted by `(created_ms, id)`: the items of set
    /// reconciliation. Reads an index only, not the entries.
    pub fn items(&self) -> Result<Vec<(u64, Id)>, StoreError> {
        self.call(set::items)
    }

    /// The hash of the set of stored ids: blake3 over the 32-byte ids in ascending order, as 64
    /// lowercase hex characters. Two nodes get the same fingerprint iff they hold the same set.
    /// Cached until the database changes (see `set.rs`).
    pub fn fingerprint(&self) -> Result<String, StoreError> {
        self.call(set::fingerprint)
    }

    /// A value that changes whenever the database may have changed — by this store or by
    /// another process (a CLI writing to the file): caches derived from the entries compare it.
    pub fn version(&self) -> Result<set::CacheKey, StoreError> {
        self.call(|conn| set::cache_key(conn))
    }

    /// The wire bytes of those of `ids` that are stored, in the order given; ids not stored are
    /// skipped. Entries are up to 256 KiB each: ask for as many as a reply may carry.
    pub fn raw_many(&self, ids: Vec<Id>) -> Result<Vec<(Id, Vec<u8>)>, StoreError> {
        self.call(move |conn| set::raw_many(conn, &ids))
    }

    /// For each of `ids`, in order, whether it is stored.
    pub fn contains_many(&self, ids: Vec<Id>) -> Result<Vec<bool>, StoreError> {
        self.call(move |conn| set::contains_many(conn, &ids))
    }

    /// Puts `city` on the trust list; true if it was not on it. For a city already there the
    /// date is kept and the label replaced only when one is given. A running
    /// [`Policy`](crate::trust::Policy) sees the change after its `reload`.
    pub fn trust_add(
        &self,
        city: PublicKey,
        label: Option<String>,
        now_ms: u64,
    ) -> Result<bool, StoreError> {
        self.call(move |conn| members::add(conn, &city, label.as_deref(), now_ms))
    }

    /// Takes `city` off the trust list; true if it was on it. Its entries already stored are kept.
    pub fn trust_remove(&self, city: PublicKey) -> Result<bool, StoreError> {
        self.call(move |conn| members::remove(conn, &city))
    }

    /// The trust list, oldest addition first (this node's own city is not on it: it is always
    /// trusted).
    pub fn trust_list(&self) -> Result<Vec<Member>, StoreError> {
        self.call(members::list)
    }

    /// Logs a successful sync with a peer: adds its counts to the peer's totals and keeps the
    /// latest time (and the address and city, when given). Keeps the [`MAX_PEERS`] most recently
    /// synced peers.
    pub fn record_sync(&self, record: SyncRecord) -> Result<(), StoreError> {
        self.call(move |conn| peers::record(conn, &record))
    }

    /// Every logged peer with its last sync and totals, most recently synced first.
    pub fn peer_log(&self) -> Result<Vec<SyncRecord>, StoreError> {
        self.call(peers::log)
    }

    /// Checks the file (`PRAGMA integrity_check`, foreign keys) and the full-text index (FTS5
    /// `integrity-check`, after indexing any backlog). Empty means healthy; otherwise one line
    /// per problem. Reads the whole file: seconds on a large commons.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let read_only = self.is_read_only();
        self.call(move |conn| {
            if !read_only {
                index::catch_up(conn)?;
            }
            entries::integrity_check(conn)
        })
    }
}
