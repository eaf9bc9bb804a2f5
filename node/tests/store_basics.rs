//! The store's writes and reads: insert, dedupe, exact bytes, get, resolve, list and its
//! filters, counts, pages, transactions, reopen, read-only.

mod store_support;

use std::collections::BTreeSet;

use audacities_node::store::{Filter, Inserted, Store, StoreError};
use audacities_protocol::id::Prefix;
use audacities_protocol::model::Kind;
use audacities_protocol::{Entry, Id};
use store_support::*;

#[test]
fn inserts_report_new_then_duplicate_in_input_order() {
    let (_dir, store) = temp_store();
    let entries = example_entries();
    let ids: Vec<Id> = entries.iter().map(Entry::id).collect();
    let first = store.insert(entries.clone(), at(100)).unwrap();
    assert_eq!(
        first,
        ids.iter().map(|&id| Inserted::New(id)).collect::<Vec<_>>()
    );
    assert_eq!(store.count().unwrap(), ids.len() as u64);

    let again = store.insert(entries, at(101)).unwrap();
    assert_eq!(
        again,
        ids.iter()
            .map(|&id| Inserted::Duplicate(id))
            .collect::<Vec<_>>()
    );
    assert_eq!(store.count().unwrap(), ids.len() as u64);
}

#[test]
fn a_repeat_within_one_batch_is_a_duplicate_and_adds_no_row() {
    let (_dir, store) = temp_store();
    let a = sign(&method("Enquête A", "Survey A", &["housing"]), 1, 1);
    let b = sign(&method("Enquête B", "Survey B", &["housing"]), 1, 2);
    let out = store
        .insert(
            vec![a.clone(), b.clone(), a.clone(), b.clone(), a.clone()],
            at(10),
        )
        .unwrap();
    assert_eq!(
        out,
        vec![
            Inserted::New(a.id()),
            Inserted::New(b.id()),
            Inserted::Duplicate(a.id()),
            Inserted::Duplicate(b.id()),
            Inserted::Duplicate(a.id()),
        ]
    );
    assert_eq!(store.count().unwrap(), 2);
    // No duplicated derived rows either.
    let themes: i64 = store
        .call(|c| Ok(c.query_row("SELECT count(*) FROM entry_themes", [], |r| r.get(0))?))
        .unwrap_or_else(|e: StoreError| panic!("{e}"));
    assert_eq!(themes, 2);
    assert!(store.insert(Vec::new(), at(10)).unwrap().is_empty());
}

#[test]
fn get_returns_the_exact_bytes_and_the_header_fields() {
    let (_dir, store) = temp_store();
    let entries = example_entries();
    store.insert(entries.clone(), at(500)).unwrap();
    for entry in &entries {
        let stored = store.get(entry.id()).unwrap().expect("stored");
        assert_eq!(stored.bytes, entry.bytes(), "bytes of {}", entry.id());
        assert_eq!(stored.id, entry.id());
        assert_eq!(stored.kind, entry.draft().expect("a content entry").kind());
        assert_eq!(stored.lang, entry.draft().expect("a content entry").lang());
        assert_eq!(stored.signer, entry.head().signer);
        assert_eq!(stored.city, entry.head().city);
        assert_eq!(stored.created_ms, entry.head().created);
        assert_eq!(stored.received_ms, at(500));
        // The stored bytes verify again as the same entry.
        assert_eq!(Entry::decode(&stored.bytes).unwrap(), *entry);
    }
    assert_eq!(store.get(Id::hash(b"absent")).unwrap(), None);
}

#[test]
fn resolve_finds_unique_prefixes_and_reports_ambiguous_and_missing_ones() {
    let (_dir, store) = temp_store();
    // Enough entries that some share their first two hex characters.
    let entries: Vec<Entry> = (0..300)
        .map(|i| sign(&method(&format!("Enquête {i}"), "", &["housing"]), 1, i))
        .collect();
    store.insert(entries.clone(), at(1)).unwrap();

    for entry in entries.iter().take(20) {
        let full = entry.id().to_string();
        let prefix: Prefix = full[..12].parse().unwrap();
        assert_eq!(store.resolve(&prefix).unwrap(), entry.id());
        let whole: Prefix = full.parse().unwrap();
        assert_eq!(store.resolve(&whole).unwrap(), entry.id());
    }

    // An 8-character prefix that does not start any id.
    let stored: BTreeSet<String> = entries.iter().map(|e| e.id().to_string()).collect();
    let missing = (0u32..)
        .map(|n| format!("{n:08x}"))
        .find(|p| !stored.iter().any(|id| id.starts_with(p.as_str())))
        .unwrap();
    match store.resolve(&missing.parse().unwrap()) {
        Err(StoreError::NotFound { prefix }) => assert_eq!(prefix, missing),
        other => panic!("expected NotFound, got {other:?}"),
    }

    // Ambiguity needs two ids sharing 8 characters: write two rows with such ids directly.
    let twins = [
        "0123456789".to_owned() + &"a".repeat(54),
        "0123456789".to_owned() + &"b".repeat(54),
    ];
    store
        .call(move |c| {
            for id in twins {
                c.execute(
                    "INSERT INTO entries (id, kind, lang, signer, city, created_ms, received_ms, raw)
                     SELECT ?1, kind, lang, signer, city, created_ms, received_ms, raw
                     FROM entries LIMIT 1",
                    [id],
                )?;
            }
            Ok(())
        })
        .unwrap();
    match store.resolve(&"01234567".parse().unwrap()) {
        Err(StoreError::Ambiguous { prefix, candidates }) => {
            assert_eq!(prefix, "01234567");
            assert_eq!(candidates.len(), 2);
            assert!(
                candidates
                    .iter()
                    .all(|c| c.to_string().starts_with("0123456789"))
            );
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
}

#[test]
fn resolve_is_an_index_range_query() {
    let (_dir, store) = temp_store();
    let plan: Vec<String> = store
        .call(|c| {
            let mut stmt = c.prepare(
                "EXPLAIN QUERY PLAN SELECT id FROM entries WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 10",
            )?;
            let rows = stmt.query_map(["ab", "abg"], |r| r.get::<_, String>(3))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    let plan = plan.join(" | ");
    assert!(plan.contains("USING COVERING INDEX"), "{plan}");
    assert!(!plan.contains("SCAN"), "{plan}");
}

#[test]
fn list_is_newest_first_and_filters_by_kind_theme_lang_and_city() {
    let (_dir, store) = temp_store();
    let entries = example_entries();
    store.insert(entries.clone(), at(1000)).unwrap();
    // One entry of another city, French title only.
    let other_city = sign(&method("Enquête de Lyon", "", &["mobility"]), 2, 500);
    store.insert(vec![other_city.clone()], at(1000)).unwrap();

    let all = store.list(&Filter::default()).unwrap();
    assert_eq!(all.len(), entries.len() + 1);
    assert!(all.windows(2).all(|w| w[0].created_ms >= w[1].created_ms));
    assert_eq!(all[0].id, other_city.id());
    assert_eq!(
        all[0].title.get("fr").map(String::as_str),
        Some("Enquête de Lyon")
    );
    assert_eq!(all[0].themes, vec!["mobility".to_owned()]);
    assert_eq!(all[0].city, key(2).public());

    // Summaries carry the draft's themes in order and every title language.
    for summary in &all[1..] {
        let entry = entries.iter().find(|e| e.id() == summary.id).unwrap();
        assert_eq!(summary.kind, entry.draft().expect("a content entry").kind());
        assert_eq!(summary.lang, entry.draft().expect("a content entry").lang());
        assert_eq!(
            &summary.title,
            entry.draft().expect("a content entry").title()
        );
        assert_eq!(
            summary.themes,
            entry.draft().expect("a content entry").themes()
        );
        assert_eq!(summary.created_ms, entry.head().created);
    }

    let by_kind = store
        .list(&Filter {
            kind: Some(Kind::Actor),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(by_kind.len(), 2);
    assert!(by_kind.iter().all(|s| s.kind == Kind::Actor));

    let by_theme = store
        .list(&Filter {
            theme: Some("mobility".into()),
            ..Filter::default()
        })
        .unwrap();
    let expected: usize = entries
        .iter()
        .filter(|e| {
            e.draft()
                .expect("a content entry")
                .themes()
                .contains(&"mobility")
        })
        .count()
        + 1;
    assert_eq!(by_theme.len(), expected);
    assert!(
        by_theme
            .iter()
            .all(|s| s.themes.iter().any(|t| t == "mobility"))
    );

    // Every example has an English title; the Lyon entry has only French.
    let english = store
        .list(&Filter {
            lang: Some("en".into()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(english.len(), entries.len());
    let none = store
        .list(&Filter {
            lang: Some("de".into()),
            ..Filter::default()
        })
        .unwrap();
    assert!(none.is_empty());

    let by_city = store
        .list(&Filter {
            city: Some(key(2).public()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(
        by_city.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![other_city.id()]
    );

    let combined = store
        .list(&Filter {
            kind: Some(Kind::Method),
            theme: Some("participation".into()),
            lang: Some("fr".into()),
            city: Some(key(1).public()),
            ..Filter::default()
        })
        .unwrap();
    assert!(!combined.is_empty());
    assert!(
        combined
            .iter()
            .all(|s| s.kind == Kind::Method && s.city == key(1).public())
    );
}

#[test]
fn list_pages_with_limit_and_offset() {
    let (_dir, store) = temp_store();
    store.insert(example_entries(), at(0)).unwrap();
    let all = store.list(&Filter::default()).unwrap();
    let mut paged = Vec::new();
    for page in 0.. {
        let got = store
            .list(&Filter {
                limit: 5,
                offset: page * 5,
                ..Filter::default()
            })
            .unwrap();
        if got.is_empty() {
            break;
        }
        paged.extend(got);
    }
    assert_eq!(paged, all);
    let zero = store
        .list(&Filter {
            limit: 0,
            ..Filter::default()
        })
        .unwrap();
    assert!(zero.is_empty());
}

#[test]
fn counts_by_kind_include_every_kind() {
    let (_dir, store) = temp_store();
    store.insert(example_entries(), at(0)).unwrap();
    let counts = store.counts_by_kind().unwrap();
    assert_eq!(counts.len(), Kind::ALL.len());
    assert!(counts.values().all(|&n| n == 2), "{counts:?}");
    let (_dir2, empty) = temp_store();
    assert!(empty.counts_by_kind().unwrap().values().all(|&n| n == 0));
}

#[test]
fn raw_pages_walk_every_entry_in_id_order() {
    let (_dir, store) = temp_store();
    let entries = example_entries();
    store.insert(entries.clone(), at(0)).unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.raw_page(after, 4).unwrap();
        let Some((last, _)) = page.last() else { break };
        after = Some(*last);
        assert!(page.len() <= 4);
        seen.extend(page);
    }
    let mut expected: Vec<(Id, Vec<u8>)> = entries
        .iter()
        .map(|e| (e.id(), e.bytes().to_vec()))
        .collect();
    expected.sort();
    assert_eq!(seen, expected);
}

#[test]
fn a_batch_that_fails_midway_leaves_no_row() {
    let (_dir, store) = temp_store();
    let before = sign(&method("Déjà là", "", &["housing"]), 1, 0);
    store.insert(vec![before.clone()], at(0)).unwrap();

    let batch: Vec<Entry> = (1..=5)
        .map(|i| sign(&method(&format!("Lot {i}"), "", &["housing"]), 1, i))
        .collect();
    // Make the database refuse the fourth entry of the batch.
    let poisoned = batch[3].id().to_string();
    store
        .call(move |c| {
            c.execute_batch(&format!(
                "CREATE TRIGGER refuse BEFORE INSERT ON entries WHEN NEW.id = '{poisoned}'
                 BEGIN SELECT RAISE(ABORT, 'forced failure'); END;"
            ))?;
            Ok(())
        })
        .unwrap();
    let err = store.insert(batch.clone(), at(1)).unwrap_err();
    assert!(matches!(err, StoreError::Sqlite { .. }), "{err:?}");
    assert!(err.to_string().contains("inserting entries"), "{err}");

    assert_eq!(store.count().unwrap(), 1);
    for entry in &batch {
        assert_eq!(store.get(entry.id()).unwrap(), None);
    }
    let derived: (i64, i64, i64, i64) = store
        .call(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM entry_themes), (SELECT count(*) FROM entry_titles),
                        (SELECT count(*) FROM entry_texts), (SELECT count(*) FROM search_pending)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?)
        })
        .unwrap();
    // The first entry's rows only (its search mark may or may not be taken in yet).
    assert_eq!((derived.0, derived.1, derived.2), (1, 1, 1));
    assert!(derived.3 <= 1);

    // Once the cause is gone the same batch goes in whole.
    store
        .call(|c| Ok(c.execute_batch("DROP TRIGGER refuse")?))
        .unwrap();
    let out = store.insert(batch, at(2)).unwrap();
    assert!(out.iter().all(Inserted::is_new));
    assert_eq!(store.count().unwrap(), 6);
    assert!(store.integrity_check().unwrap().is_empty());
}

#[test]
fn data_survives_drop_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("commons.db");
    let entries = example_entries();
    {
        let store = Store::open(&path).unwrap();
        let clone = store.clone();
        store.insert(entries.clone(), at(0)).unwrap();
        drop(store);
        // A clone keeps the thread alive.
        assert_eq!(clone.count().unwrap(), entries.len() as u64);
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count().unwrap(), entries.len() as u64);
    for entry in &entries {
        assert_eq!(store.get(entry.id()).unwrap().unwrap().bytes, entry.bytes());
    }
    assert!(store.integrity_check().unwrap().is_empty());
}

#[test]
fn a_read_only_store_sees_a_writers_data_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("commons.db");
    let writer = Store::open(&path).unwrap();
    let entries = example_entries();
    writer.insert(entries[..9].to_vec(), at(0)).unwrap();
    writer.finish_indexing().unwrap();

    let reader = Store::open_read_only(&path).unwrap();
    assert!(reader.is_read_only());
    assert_eq!(reader.count().unwrap(), 9);
    // Writes made after the reader opened are visible to its next read (WAL).
    writer.insert(entries[9..].to_vec(), at(1)).unwrap();
    writer.finish_indexing().unwrap();
    assert_eq!(reader.count().unwrap(), entries.len() as u64);
    assert_eq!(
        reader.get(entries[12].id()).unwrap().unwrap().bytes,
        entries[12].bytes()
    );
    assert!(
        !reader
            .search("Séoul", &Filter::default())
            .unwrap()
            .is_empty()
    );

    let err = reader.insert(vec![sign(&method("x", "", &["housing"]), 3, 0)], at(2));
    assert!(matches!(err, Err(StoreError::ReadOnly { .. })), "{err:?}");
    assert_eq!(writer.count().unwrap(), entries.len() as u64);
}

#[test]
fn read_only_open_of_a_missing_file_fails_without_creating_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.db");
    assert!(matches!(
        Store::open_read_only(&path),
        Err(StoreError::Open { .. })
    ));
    assert!(!path.exists());
}

#[test]
fn open_in_a_missing_directory_is_an_open_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/commons.db");
    match Store::open(&path) {
        Err(e @ StoreError::Open { .. }) => assert!(e.to_string().contains("commons.db")),
        other => panic!("expected Open, got {other:?}"),
    }
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("commons.db");
    std::fs::write(
        &path,
        b"this is not SQLite, just some text that is long enough........",
    )
    .unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::Corrupt { .. } | StoreError::Migration(_)),
        "{err:?}"
    );
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("commons.db");
    let store = Store::open(&path).unwrap();
    store
        .call(|c| Ok(c.pragma_update(None, "user_version", 99)?))
        .unwrap();
    drop(store);
    assert!(matches!(Store::open(&path), Err(StoreError::Migration(_))));
    assert!(matches!(
        Store::open_read_only(&path),
        Err(StoreError::SchemaVersion { found: 99, .. })
    ));
}

#[test]
fn a_panicking_job_rolls_back_and_the_store_goes_on() {
    let (_dir, store) = temp_store();
    let result: Result<(), StoreError> = store.call(|c| {
        c.execute_batch("BEGIN; DELETE FROM entries;")?;
        panic!("job bug");
    });
    assert!(matches!(result, Err(StoreError::Panicked)));
    store.insert(example_entries(), at(0)).unwrap();
    assert_eq!(store.count().unwrap(), 18);
}

#[test]
fn calling_the_store_from_its_own_thread_is_an_error_not_a_deadlock() {
    let (_dir, store) = temp_store();
    let inner = store.clone();
    let result = store.call(move |_| inner.count());
    assert!(matches!(result, Err(StoreError::Reentrant)), "{result:?}");
}

#[test]
fn the_thread_is_named_and_async_calls_work() {
    let (_dir, store) = temp_store();
    let name = store
        .call(|_| Ok(std::thread::current().name().map(str::to_owned)))
        .unwrap();
    assert_eq!(name.as_deref(), Some("audacities-store"));
    let n = block_on(
        store.call_async(|c| Ok(c.query_row("SELECT 40 + 2", [], |r| r.get::<_, i64>(0))?)),
    )
    .unwrap();
    assert_eq!(n, 42);
}

#[test]
fn many_threads_share_one_store() {
    let (_dir, store) = temp_store();
    let handles: Vec<_> = (0..4u8)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..10u64 {
                    let d = method(&format!("Fil {t} n° {i}"), "", &["health"]);
                    store.insert(vec![sign(&d, t + 1, i)], at(i)).unwrap();
                    store.list(&Filter::default()).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(store.count().unwrap(), 40);
}

/// `json_extract(attrs, …)` of every stored entry, for the named field.
fn stored_attr(path: &std::path::Path, id: Id, name: &str) -> rusqlite::types::Value {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(
        "SELECT json_extract(attrs, ?2) FROM entries WHERE id = ?1",
        rusqlite::params![id.to_string(), format!("$.\"{name}\"")],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn each_entry_keeps_the_scalar_fields_of_its_draft_in_its_row() {
    use rusqlite::types::Value;
    let (dir, store) = temp_store();
    let entries = example_entries();
    store.insert(entries.clone(), at(100)).unwrap();
    let path = dir.path().join("commons.db");
    let mut seen = 0;
    for entry in &entries {
        let draft = entry.draft().unwrap();
        for (name, value) in draft.value().as_object().unwrap() {
            let fields: Vec<(String, &serde_json::Value)> = match value {
                serde_json::Value::Object(inner) if name == "place" || name == "period" => inner
                    .iter()
                    .map(|(sub, v)| (format!("{name}.{sub}"), v))
                    .collect(),
                other => vec![(name.clone(), other)],
            };
            for (field, v) in fields {
                let want = match v {
                    serde_json::Value::String(s) => Value::Text(s.clone()),
                    serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
                    serde_json::Value::Number(n) => Value::Integer(n.as_i64().unwrap()),
                    // Lists and language maps are not kept as fields.
                    _ => Value::Null,
                };
                assert_eq!(stored_attr(&path, entry.id(), &field), want, "{field}");
                seen += usize::from(want != Value::Null);
            }
        }
    }
    assert!(seen > 3 * entries.len(), "only {seen} fields compared");
}

#[test]
fn a_version_11_file_moves_each_entrys_fields_into_its_row() {
    use audacities_node::store::MIGRATIONS;
    use rusqlite::types::Value;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("commons.db");
    let entries = example_entries();
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        rusqlite_migration::Migrations::from_slice(&MIGRATIONS[..11])
            .to_latest(&mut conn)
            .unwrap();
        for (n, e) in entries[..2].iter().enumerate() {
            conn.execute(
                "INSERT INTO entries (rowid, id, kind, lang, signer, city, created_ms, received_ms, raw)
                 VALUES (?1, ?2, 'method', 'fr', ?3, ?3, ?4, ?4, ?5)",
                rusqlite::params![
                    n as i64 + 1,
                    e.id().to_string(),
                    e.head().city.to_string(),
                    e.head().created as i64,
                    e.bytes()
                ],
            )
            .unwrap();
        }
        // The first entry has fields of each kind the table held; the second has none.
        conn.execute_batch(
            "INSERT INTO entry_attrs (entry_rowid, name, value) VALUES
                 (1, 'valence', 'tension'), (1, 'place.country', 'IT'),
                 (1, 'horizon_year', 2040), (1, 'open', 1);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count().unwrap(), 2);
    let (first, second) = (entries[0].id(), entries[1].id());
    assert_eq!(
        stored_attr(&path, first, "valence"),
        Value::Text("tension".into())
    );
    assert_eq!(
        stored_attr(&path, first, "place.country"),
        Value::Text("IT".into())
    );
    assert_eq!(
        stored_attr(&path, first, "horizon_year"),
        Value::Integer(2040)
    );
    assert_eq!(stored_attr(&path, first, "open"), Value::Integer(1));
    assert_eq!(stored_attr(&path, second, "valence"), Value::Null);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'entry_attrs'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "the old table is gone");
}
