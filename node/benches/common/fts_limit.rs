//! The machine's own full-text indexing limit, measured now: issue 2 sets the import target
//! "≈ the FTS-indexing limit in STACK.md" (SQLite alone inserting 2 KB rows with an FTS5
//! index, one transaction), and this machine kind's speed drifts by a third from one hour to
//! the next. Measuring the same bare writer in the same minutes as an import says how close
//! the import comes to what SQLite itself can do here, whatever the hour.

use std::path::Path;
use std::time::Instant;

use audacities_protocol::Draft;
use audacities_protocol::draft::Texts;

/// Inserts each line as a row (its bytes) and indexes its texts (`Draft::texts`, the four
/// columns the store indexes) in an FTS5 table with the store's tokenizer, in one transaction,
/// WAL, `synchronous = NORMAL`, 16 KiB pages. No verification, no other table or index.
/// Returns rows per second, from the first insert to the commit.
pub fn rows_per_second(lines: &[Vec<u8>], dir: &Path) -> f64 {
    let texts: Vec<Texts> = lines.iter().map(|line| texts_of(line)).collect();
    // Its own folder, removed on return: the gigabyte it writes is not the caller's to keep.
    let scratch = tempfile::tempdir_in(dir).expect("scratch dir");
    let conn = rusqlite::Connection::open(scratch.path().join("fts-limit.db")).expect("open");
    conn.pragma_update(None, "page_size", 16_384)
        .expect("page_size");
    let _: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .expect("wal");
    conn.pragma_update(None, "synchronous", "NORMAL")
        .expect("synchronous");
    conn.execute_batch(
        "CREATE TABLE rows (rowid INTEGER PRIMARY KEY, raw BLOB NOT NULL);
         CREATE VIRTUAL TABLE rows_search USING fts5 (
             title, summary, body, other, tokenize = 'unicode61 remove_diacritics 2'
         );",
    )
    .expect("schema");

    let started = Instant::now();
    conn.execute_batch("BEGIN").expect("begin");
    {
        let mut row = conn
            .prepare("INSERT INTO rows (rowid, raw) VALUES (?1, ?2)")
            .expect("prepare");
        let mut search = conn
            .prepare(
                "INSERT INTO rows_search (rowid, title, summary, body, other)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .expect("prepare");
        for (i, (line, t)) in lines.iter().zip(&texts).enumerate() {
            let rowid = i as i64 + 1;
            row.execute(rusqlite::params![rowid, line]).expect("row");
            search
                .execute(rusqlite::params![
                    rowid, t.title, t.summary, t.body, t.other
                ])
                .expect("index");
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
    lines.len() as f64 / started.elapsed().as_secs_f64()
}

/// What the store indexes of a signed line: its draft's texts. A content entry's body is its
/// draft (protocol/SPEC.md).
fn texts_of(line: &[u8]) -> Texts {
    let mut value: serde_json::Value = serde_json::from_slice(line).expect("bench line is JSON");
    let draft = Draft::from_value(value["body"].take()).expect("bench line holds a valid draft");
    draft.texts()
}
