//! The documented `v_*` views, read as a local tool reads them: a separate read-only SQLite
//! connection (`file:…?mode=ro`) while the store is open.

mod store_support;

use std::path::Path;

use audacities_node::store::Store;
use audacities_protocol::Entry;
use rusqlite::{Connection, OpenFlags};
use store_support::*;

fn tool(path: &Path) -> Connection {
    let uri = format!("file:{}?mode=ro", path.display());
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .unwrap()
}

fn setup() -> (tempfile::TempDir, Store, Vec<Entry>, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("commons.db");
    let store = Store::open(&path).unwrap();
    let entries = example_entries();
    store.insert(entries.clone(), at(0) + 123).unwrap();
    store.finish_indexing().unwrap();
    store
        .trust_add(key(1).public(), Some("Lyon".into()), at(0) + 5)
        .unwrap();
    let conn = tool(&path);
    (dir, store, entries, conn)
}

fn strings(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, Option<String>>(0))
        .unwrap()
        .map(|r| r.unwrap().unwrap_or_default())
        .collect()
}

#[test]
fn every_view_is_queryable() {
    let (_dir, _store, _entries, conn) = setup();
    let views = strings(
        &conn,
        "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name",
    );
    assert_eq!(
        views,
        [
            "v_actor_relations",
            "v_actors",
            "v_counts",
            "v_entries",
            "v_entry_links",
            "v_entry_tags",
            "v_entry_themes",
            "v_entry_titles",
            "v_indicator_observations",
            "v_places",
            "v_scenarios",
            "v_trusted_cities",
        ]
    );
    for view in views {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {view}"), [], |r| r.get(0))
            .unwrap();
        assert!(n > 0, "{view} is empty");
    }
}

#[test]
fn v_entries_has_one_row_per_entry_with_titles_themes_and_iso_times() {
    let (_dir, _store, entries, conn) = setup();
    let mut stmt = conn
        .prepare(
            "SELECT id, kind, lang, title, title_fr, title_en, summary, summary_fr, summary_en,
                    themes, city, signer, created, received, created_ms, search_rowid, size
             FROM v_entries",
        )
        .unwrap();
    let mut rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, String>(10)?,
                r.get::<_, String>(11)?,
                r.get::<_, String>(12)?,
                r.get::<_, String>(13)?,
                r.get::<_, i64>(14)?,
                (r.get::<_, i64>(15)?, r.get::<_, i64>(16)?),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect::<Vec<_>>();
    assert_eq!(rows.len(), entries.len());
    rows.sort_by_key(|r| r.14);
    for (i, (row, entry)) in rows.iter().zip(&entries).enumerate() {
        let d = entry.draft().expect("a content entry");
        assert_eq!(row.0, entry.id().to_string());
        assert_eq!(row.1, d.kind().as_str());
        assert_eq!(row.2, d.lang());
        assert_eq!(&row.3, &d.title()[d.lang()]);
        assert_eq!(row.4.as_ref(), d.title().get("fr"));
        assert_eq!(row.5.as_ref(), d.title().get("en"));
        let summary = d.summary().unwrap();
        assert_eq!(row.6.as_ref(), summary.get(d.lang()));
        assert_eq!(row.7.as_ref(), summary.get("fr"));
        assert_eq!(row.8.as_ref(), summary.get("en"));
        assert_eq!(row.9, d.themes().join(","));
        assert_eq!(row.10, key(1).public().to_string());
        assert_eq!(row.11, key(1).public().to_string());
        assert_eq!(row.12, format!("2025-01-01T00:{i:02}:00.000Z"));
        assert_eq!(row.13, "2025-01-01T00:00:00.123Z");
        assert_eq!(row.14 as u64, entry.head().created);
        assert_eq!(row.15.1 as usize, entry.bytes().len());
    }
}

#[test]
fn the_documented_search_query_works_for_tools() {
    let (_dir, _store, _entries, conn) = setup();
    let titles = strings(
        &conn,
        "SELECT v.title || ' | ' || snippet(entry_search, -1, '[', ']', '…', 12)
         FROM entry_search JOIN v_entries v ON v.search_rowid = entry_search.rowid
         WHERE entry_search MATCH 'seoul'
         ORDER BY rank LIMIT 10",
    );
    assert!(!titles.is_empty());
    assert!(
        titles
            .iter()
            .any(|t| t.contains("[Séoul]") || t.contains("[Seoul]")),
        "{titles:?}"
    );
}

#[test]
fn kind_views_return_what_was_signed() {
    let (_dir, _store, entries, conn) = setup();
    // v_places: decimals stay text, exactly as signed.
    let paris = strings(
        &conn,
        "SELECT name || '|' || country || '|' || lat || '|' || lon FROM v_places
         WHERE kind = 'actor_relation' AND name = 'Paris'",
    );
    assert_eq!(paris, ["Paris|FR|48.8566|2.3522"]);
    let lat_type = strings(
        &conn,
        "SELECT DISTINCT typeof(lat) FROM v_places WHERE lat IS NOT NULL",
    );
    assert_eq!(lat_type, ["text"]);

    // v_actors: the two actor examples.
    let actors = strings(
        &conn,
        "SELECT actor_category || '|' || sector FROM v_actors ORDER BY name",
    );
    assert_eq!(actors.len(), 2);
    let names = strings(&conn, "SELECT name_en FROM v_actors ORDER BY name_en");
    for e in entries
        .iter()
        .filter(|e| e.draft().expect("a content entry").kind().as_str() == "actor")
    {
        assert!(names.contains(&e.draft().expect("a content entry").title()["en"]));
    }

    // v_actor_relations: subject, object, relation kind and valence as signed.
    let relations = strings(
        &conn,
        "SELECT subject || '|' || object || '|' || relation_kind || '|' || valence
         FROM v_actor_relations WHERE relation_kind = 'litigation'",
    );
    assert_eq!(
        relations,
        [
            "74eda383bfb2638478b330bd44a8043c658ed2c05d99fa3f22e252b411b0a38e|\
          a727f2cfc6a9e90a82a4d724f239f3f7e31d1e8ad5a0f1a539433c4cfb711d68|litigation|mixed"
        ]
    );

    // v_indicator_observations: one row per observation.
    let obs = strings(
        &conn,
        "SELECT code || '|' || period || '|' || value || '|' || unit FROM v_indicator_observations
         WHERE code = 'LOC-PART-01' ORDER BY position",
    );
    assert_eq!(
        obs,
        [
            "LOC-PART-01|2023-04-02|7.46|%",
            "LOC-PART-01|2024-02-04|5.68|%"
        ]
    );

    // v_scenarios.
    let scenarios = strings(
        &conn,
        "SELECT scenario_kind FROM v_scenarios ORDER BY scenario_kind",
    );
    assert_eq!(scenarios, ["exploratory", "extreme"]);
    let years = strings(&conn, "SELECT typeof(horizon_year) FROM v_scenarios");
    assert_eq!(years, ["integer", "integer"]);

    // v_entry_themes and v_entry_tags match the drafts.
    let themes: i64 = conn
        .query_row("SELECT count(*) FROM v_entry_themes", [], |r| r.get(0))
        .unwrap();
    let expected: usize = entries
        .iter()
        .map(|e| e.draft().expect("a content entry").themes().len())
        .sum();
    assert_eq!(themes as usize, expected);
    let tags: i64 = conn
        .query_row("SELECT count(*) FROM v_entry_tags", [], |r| r.get(0))
        .unwrap();
    let expected: usize = entries
        .iter()
        .map(|e| e.draft().expect("a content entry").tags().len())
        .sum();
    assert_eq!(tags as usize, expected);

    // v_counts: two of each kind from one city.
    let counts = strings(&conn, "SELECT DISTINCT CAST(entries AS TEXT) FROM v_counts");
    assert_eq!(counts, ["2"]);
}

#[test]
fn a_tool_cannot_write_through_a_read_only_uri() {
    let (_dir, store, _entries, conn) = setup();
    assert!(conn.execute("DELETE FROM entries", []).is_err());
    assert_eq!(store.count().unwrap(), 18);
}

#[test]
fn v_trusted_cities_lists_the_trust_list_with_entry_counts() {
    let (_dir, store, entries, conn) = setup();
    store.trust_add(key(2).public(), None, at(1)).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT city, label, added, added_ms, entries FROM v_trusted_cities ORDER BY added_ms",
        )
        .unwrap();
    let rows: Vec<(String, Option<String>, String, i64, i64)> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                key(1).public().to_string(),
                Some("Lyon".to_owned()),
                "2025-01-01T00:00:00.005Z".to_owned(),
                at(0) as i64 + 5,
                entries.len() as i64
            ),
            (
                key(2).public().to_string(),
                None,
                "2025-01-01T00:01:00.000Z".to_owned(),
                at(1) as i64,
                0
            ),
        ]
    );
}
