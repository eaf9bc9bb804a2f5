//! Opening the file, its pragmas, and the schema's migrations.
//!
//! Tables are internal and may change between versions; the `v_*` views of `views.sql` (and
//! the `entry_search` full-text table, read-only) are the documented contract for local tools,
//! see `docs/local-tools.md`.
//!
//! To change the schema, append a migration to [`MIGRATIONS`]; never edit one that has shipped.
//! To change a view, edit `views.sql` and append `M::up(VIEWS)` again (the file drops and
//! recreates every view, so running it twice is harmless). If a view comes to depend on a
//! column added by a later migration, freeze the older text as `views_vN.sql` for the earlier
//! step first.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations, SchemaVersion};

use super::error::StoreError;

/// How long a connection waits for another process's lock before giving up with
/// [`StoreError::Busy`].
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The database page size, set before the first table is created (entries are ~2–3 KB: with
/// 4 KB pages most would take a page each).
pub const PAGE_SIZE: u32 = 16_384;

/// The read-only views, created (dropped and recreated) by a migration.
pub const VIEWS: &str = include_str!("views.sql");

/// The views as migration 2 created them, frozen when `v_trusted_cities` came to need the
/// table of migration 3.
const VIEWS_V2: &str = include_str!("views_v2.sql");

/// Version 1: entries, their filter tables and the full-text index.
const SCHEMA_V1: &str = r#"
-- One row per stored entry. `raw` is the exact wire line as received: never re-encoded, so
-- export and sync hand out the bytes that were signed.
CREATE TABLE entries (
    rowid       INTEGER PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE
                CHECK (length(id) = 64 AND id NOT GLOB '*[^0-9a-f]*'),
    kind        TEXT    NOT NULL,
    lang        TEXT    NOT NULL,
    signer      TEXT    NOT NULL,
    city        TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    received_ms INTEGER NOT NULL,
    revises_doc TEXT,
    raw         BLOB    NOT NULL
);
CREATE INDEX entries_created ON entries (created_ms);
CREATE INDEX entries_kind    ON entries (kind, created_ms);
CREATE INDEX entries_city    ON entries (city, created_ms);
CREATE INDEX entries_revises ON entries (revises_doc) WHERE revises_doc IS NOT NULL;

-- The entry's themes, in the draft's order.
CREATE TABLE entry_themes (
    entry_rowid INTEGER NOT NULL REFERENCES entries (rowid) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    theme       TEXT    NOT NULL,
    PRIMARY KEY (entry_rowid, pos)
) WITHOUT ROWID;
CREATE INDEX entry_themes_theme ON entry_themes (theme, entry_rowid);

-- The entry's title in each language it has; an entry "has" a language when its title does.
CREATE TABLE entry_titles (
    entry_rowid INTEGER NOT NULL REFERENCES entries (rowid) ON DELETE CASCADE,
    lang        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    PRIMARY KEY (entry_rowid, lang)
) WITHOUT ROWID;
CREATE INDEX entry_titles_lang ON entry_titles (lang, entry_rowid);

-- The texts full-text search indexes (`Draft::texts`): each column holds every language's
-- text, one per line. The content table of `entry_search`, which reads it for snippets.
CREATE TABLE entry_texts (
    rowid   INTEGER PRIMARY KEY REFERENCES entries (rowid) ON DELETE CASCADE,
    title   TEXT NOT NULL,
    summary TEXT NOT NULL,
    body    TEXT NOT NULL,
    other   TEXT NOT NULL
);

-- Entries stored but not yet in the full-text index (see store/index.rs).
CREATE TABLE search_pending (
    rowid INTEGER PRIMARY KEY
);

-- Full-text index over entry_texts; rowid = entries.rowid. unicode61 with remove_diacritics 2
-- folds case and accents both ways: `seoul` finds `Séoul`, `DÉLIBÉRATIONS` finds
-- `deliberations`. detail=full (the default) is kept: detail=column measured 10–20 times
-- slower for bm25 ranking and snippets.
CREATE VIRTUAL TABLE entry_search USING fts5 (
    title, summary, body, other,
    content = 'entry_texts',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Title hits weigh most, then summary, other texts, body (for `ORDER BY rank`).
INSERT INTO entry_search (entry_search, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 2.0)');
-- Pending terms stay in memory up to 16 MB before being written as a segment (default 1 MB:
-- a segment every few hundred entries, each to be merged later).
INSERT INTO entry_search (entry_search, rank) VALUES ('hashsize', 16777216);

-- Removing an entry's texts (an entry deleted or, later, erased) takes it out of the index, or
-- off the pending list when it was not indexed yet: FTS5's 'delete' must only be given rows it
-- has indexed, with their indexed values.
CREATE TRIGGER entry_texts_delete AFTER DELETE ON entry_texts BEGIN
    INSERT INTO entry_search (entry_search, rowid, title, summary, body, other)
        SELECT 'delete', old.rowid, old.title, old.summary, old.body, old.other
        WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE rowid = old.rowid);
    DELETE FROM search_pending WHERE rowid = old.rowid;
END;
"#;

/// Version 3: what sync and the trust policy keep.
const SCHEMA_V3: &str = r#"
-- Set reconciliation reads every stored entry as (created_ms, id), in that order: with this
-- covering index it scans the index alone, never the rows (which carry the entries' bytes).
CREATE INDEX entries_created_id ON entries (created_ms, id);

-- The cities this node trusts besides its own (`audacities trust add`), for trust = "members".
CREATE TABLE trusted_cities (
    city     TEXT    PRIMARY KEY
             CHECK (length(city) = 64 AND city NOT GLOB '*[^0-9a-f]*'),
    label    TEXT,
    added_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- Peers this node has synced with: the last successful sync and running totals, so that
-- `status` can show them after a restart. Kept to the most recent few hundred (store/peers.rs).
CREATE TABLE peer_syncs (
    peer_id      TEXT    PRIMARY KEY,
    address      TEXT,
    city         TEXT
                 CHECK (city IS NULL OR (length(city) = 64 AND city NOT GLOB '*[^0-9a-f]*')),
    last_sync_ms INTEGER NOT NULL,
    received     INTEGER NOT NULL,
    sent         INTEGER NOT NULL,
    syncs        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX peer_syncs_last ON peer_syncs (last_sync_ms);
"#;

/// Version 5: what the web UI and the API browse by — references between entries (links in
/// and out, the actor map's edges) and each entry's scalar fields (valence, horizon…).
const SCHEMA_V5: &str = r#"
-- The references each entry makes to other entries (`Draft::refs`), in the draft's order:
-- links out by entry, links in through the index on `target`. A target may not be stored.
CREATE TABLE entry_refs (
    entry_rowid INTEGER NOT NULL REFERENCES entries (rowid) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    rel         TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    PRIMARY KEY (entry_rowid, pos)
) WITHOUT ROWID;
CREATE INDEX entry_refs_target ON entry_refs (target, entry_rowid);

-- The draft's scalar fields (strings, integers, booleans) at the top level and one level into
-- objects (`valence`, `horizon_year`, `place.country`, `period.start`…), for filters, facets
-- and listings that must not decode every entry.
-- Facet counts (kind, city, year) over a filtered listing read this index alone, never the
-- rows, which carry each entry's bytes (a scan of the rows reads the whole file).
CREATE INDEX entries_facets ON entries (kind, city, created_ms);

CREATE TABLE entry_attrs (
    entry_rowid INTEGER NOT NULL REFERENCES entries (rowid) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    value       ANY     NOT NULL,
    PRIMARY KEY (entry_rowid, name)
) WITHOUT ROWID;
"#;

/// Version 6: institutional acts (city profiles, delegations, revocations, rotations), kept
/// apart from content: never listed or searched, but synced, exported and verified with it.
const SCHEMA_V6: &str = r#"
CREATE TABLE acts (
    rowid       INTEGER PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE
                CHECK (length(id) = 64 AND id NOT GLOB '*[^0-9a-f]*'),
    kind        TEXT    NOT NULL,
    signer      TEXT    NOT NULL,
    city        TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    received_ms INTEGER NOT NULL,
    raw         BLOB    NOT NULL
);
CREATE INDEX acts_city ON acts (city, kind, created_ms);
CREATE INDEX acts_created_id ON acts (created_ms, id);
"#;

/// Version 7: versions of documents — which versions each replaces, and which are not the one
/// listings show.
const SCHEMA_V7: &str = r#"
CREATE TABLE entry_prev (
    entry_rowid INTEGER NOT NULL REFERENCES entries (rowid) ON DELETE CASCADE,
    prev        TEXT    NOT NULL,
    PRIMARY KEY (entry_rowid, prev)
) WITHOUT ROWID;
CREATE INDEX entry_prev_prev ON entry_prev (prev);
-- Every version of a document but the one listings, search and the UI show.
CREATE TABLE entry_superseded (
    rowid INTEGER PRIMARY KEY REFERENCES entries (rowid) ON DELETE CASCADE
);
"#;

/// Version 8: retraction and erasure — tombstones of erased versions, retracted documents,
/// the receipts of the cities that erased them, and FTS5's secure-delete (a deleted
/// document's terms leave the index's pages instead of being masked).
const SCHEMA_V8: &str = r#"
CREATE TABLE erased (
    id  TEXT NOT NULL PRIMARY KEY,
    doc TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX erased_doc ON erased (doc);
CREATE TABLE retracted_docs (
    doc          TEXT    NOT NULL PRIMARY KEY,
    city         TEXT    NOT NULL,
    retraction   TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    retracted_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE erasure_receipts (
    retraction TEXT    NOT NULL,
    city       TEXT    NOT NULL,
    receipt    TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (retraction, city)
) WITHOUT ROWID;
INSERT INTO entry_search (entry_search, rank) VALUES ('secure-delete', 1);
"#;

/// Version 9: endorsements and adoptions of documents by cities.
const SCHEMA_V9: &str = r#"
CREATE TABLE endorsements (
    act        TEXT    NOT NULL PRIMARY KEY,
    doc        TEXT    NOT NULL,
    city       TEXT    NOT NULL,
    adopted    INTEGER NOT NULL,
    note       TEXT    NOT NULL,
    created_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX endorsements_doc ON endorsements (doc, city, created_ms);
CREATE INDEX endorsements_city ON endorsements (city, doc);
"#;

/// Version 10: which city vouches for which (for `trust = "vouched"`).
const SCHEMA_V10: &str = r#"
CREATE TABLE vouches (
    voucher TEXT NOT NULL,
    city    TEXT NOT NULL,
    act     TEXT NOT NULL,
    PRIMARY KEY (voucher, city)
) WITHOUT ROWID;
CREATE INDEX vouches_city ON vouches (city);
"#;

/// Version 11: translations other cities add to entries.
const SCHEMA_V11: &str = r#"
CREATE TABLE translations (
    act        TEXT    NOT NULL PRIMARY KEY,
    of         TEXT    NOT NULL,
    doc        TEXT    NOT NULL,
    lang       TEXT    NOT NULL,
    city       TEXT    NOT NULL,
    created_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX translations_doc ON translations (doc, lang);
"#;

/// Version 12: an entry's scalar fields in one JSON column of its row instead of a row each in
/// `entry_attrs` (seven rows per entry of the import bench: ≈ 13 % of the store thread's time
/// in an import, docs/benchmarks.md). Booleans that `entry_attrs` kept as 1 and 0 stay numbers.
const SCHEMA_V12: &str = r#"
ALTER TABLE entries ADD COLUMN attrs TEXT NOT NULL DEFAULT '{}';
UPDATE entries
   SET attrs = (SELECT json_group_object(a.name, a.value)
                  FROM entry_attrs a WHERE a.entry_rowid = entries.rowid)
 WHERE rowid IN (SELECT entry_rowid FROM entry_attrs);
DROP TABLE entry_attrs;
"#;

/// Every migration, in order. The database's `user_version` counts those applied.
pub const MIGRATIONS: &[M<'static>] = &[
    M::up(SCHEMA_V1).comment("entries, filter tables, full-text index"),
    M::up(VIEWS_V2).comment("read-only views for local tools"),
    M::up(SCHEMA_V3).comment("(created_ms, id) index, trusted cities, peer syncs"),
    M::up(VIEWS).comment("views: v_trusted_cities"),
    M::up(SCHEMA_V5).comment("entry references and scalar fields"),
    M::up(SCHEMA_V6).comment("institutional acts"),
    M::up(SCHEMA_V7).comment("versions of documents"),
    M::up(SCHEMA_V8).comment("retraction and erasure"),
    M::up(SCHEMA_V9).comment("endorsements"),
    M::up(SCHEMA_V10).comment("vouches"),
    M::up(SCHEMA_V11).comment("translations"),
    M::up(SCHEMA_V12).comment("scalar fields in a column of the entry"),
];

/// The first schema version with `entry_prev`: a file migrated from before it has its stored
/// versions recorded once (see `entries::backfill_versions`).
pub const VERSIONS_VERSION: usize = 7;

/// The first schema version with `entry_refs` and `entry_attrs`: a file migrated from before
/// it has them filled from its stored entries once (see `entries::backfill`).
pub const REFS_VERSION: usize = 5;

/// The migrations as rusqlite_migration wants them.
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The schema version this program writes and reads.
pub fn latest_version() -> usize {
    MIGRATIONS.len()
}

/// Opens (creating) the file read-write, sets the pragmas, migrates.
pub(crate) fn open_read_write(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    configure(&conn)?;
    let before = user_version(&conn)?;
    migrations().to_latest(&mut conn)?;
    if (1..REFS_VERSION).contains(&before) {
        super::entries::backfill(&mut conn)?;
    }
    if (1..VERSIONS_VERSION).contains(&before) {
        super::entries::backfill_versions(&mut conn)?;
    }
    Ok(conn)
}

/// The schema version a file is at (SQLite's `user_version`; 0 for a new file).
fn user_version(conn: &Connection) -> Result<usize, StoreError> {
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
        .map(|v| usize::try_from(v).unwrap_or(0))
        .map_err(StoreError::during("reading the schema version"))
}

/// Opens an existing file read-only and checks its schema version.
pub(crate) fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(StoreError::during("setting the busy timeout"))?;
    conn.pragma_update(None, "query_only", true)
        .map_err(StoreError::during("setting query_only"))?;
    conn.set_prepared_statement_cache_capacity(64);
    let found = match migrations().current_version(&conn) {
        Ok(SchemaVersion::NoneSet) => 0,
        Ok(SchemaVersion::Inside(v) | SchemaVersion::Outside(v)) => v.get(),
        Err(rusqlite_migration::Error::RusqliteError { err, .. }) => {
            return Err(StoreError::sqlite("reading the schema version", err));
        }
        Err(e) => return Err(e.into()),
    };
    if found != latest_version() {
        return Err(StoreError::SchemaVersion {
            found,
            expected: latest_version(),
        });
    }
    Ok(conn)
}

/// The page cache of a connection, in KiB.
pub(crate) const CACHE_KIB: u32 = 65_536;

/// Sets the connection's page cache to `kib` KiB (full-text merges touch many pages). Shrinking
/// it frees the pages beyond the new size.
pub(crate) fn set_cache(conn: &Connection, kib: u32) -> Result<(), StoreError> {
    // A negative cache_size is a size in KiB; a positive one, a number of pages.
    conn.pragma_update(None, "cache_size", -i64::from(kib))
        .map_err(StoreError::during("setting the page cache size"))
}

/// The page cache of the read-write connection during a bulk write ([`super::Bulk`]), in KiB:
/// each batch inserts at random places in the indexes of ids and keys, and a cache that holds
/// them saves re-reading their pages from the file on every batch (measured: −10–15 % of the
/// store thread's time per entry at 100,000 entries, docs/benchmarks.md).
pub(crate) const BULK_CACHE_KIB: u32 = 262_144;

/// The pragmas of a read-write connection. `page_size` only takes effect on a new, empty file
/// (before the first table and before WAL), so it comes first.
/// The size the write-ahead log file is cut back to when the log starts again (64 MiB).
pub const JOURNAL_SIZE_LIMIT: &str = "67108864";

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(StoreError::during("setting the busy timeout"))?;
    conn.pragma_update(None, "page_size", PAGE_SIZE)
        .map_err(StoreError::during("setting the page size"))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(StoreError::during("switching to WAL"))?;
    if !mode.eq_ignore_ascii_case("wal") {
        // Some file systems (network shares) cannot do WAL; SQLite then keeps its rollback
        // journal, which is correct but lets readers block the writer.
        tracing::warn!("the database could not switch to WAL (journal_mode is {mode})");
    }
    for (name, value) in [
        ("synchronous", "NORMAL"),
        ("foreign_keys", "ON"),
        ("secure_delete", "ON"),
        ("temp_store", "MEMORY"),
        // The write-ahead log file keeps its largest size unless told otherwise: a bulk write
        // lets it grow to a few hundred MiB (`checkpointer::BACKSTOP`), and this brings it
        // back to 64 MiB at the first commit after the log starts again (not during the bulk
        // write itself, see `bulk.rs`).
        ("journal_size_limit", JOURNAL_SIZE_LIMIT),
    ] {
        conn.pragma_update(None, name, value)
            .map_err(StoreError::during("setting the pragmas"))?;
    }
    set_cache(conn, CACHE_KIB)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn a_new_file_gets_16k_pages_wal_and_the_latest_schema() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_read_write(&dir.path().join("t.db")).unwrap();
        let page: u32 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        assert_eq!(page, PAGE_SIZE);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let secure: i64 = conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))
            .unwrap();
        assert_eq!(secure, 1);
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let wal_limit: i64 = conn
            .query_row("PRAGMA journal_size_limit", [], |r| r.get(0))
            .unwrap();
        assert_eq!(wal_limit, 64 << 20);
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, latest_version());
    }
}
