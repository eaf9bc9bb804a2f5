//! The machine's own full-text indexing limit, measured now: issue 2 sets the import target
//! "≈ the FTS-indexing limit in STACK.md" (SQLite alone inserting 2 KB rows with an FTS5
//! index, one transaction), and this machine kind's speed drifts by a third from one hour to
//! the next. Measuring the same bare writer in the same minutes as an import says how close
//! the import comes to what SQLite itself can do here, whatever the hour.

use std::path::Path;
use std::time::Instant;

/// Inserts each line as a row (its bytes) and indexes its texts (title, summary, body in every
/// language, as the store does) in an FTS5 table with the store's tokenizer, in one
/// transaction, WAL, `synchronous = NORMAL`, 16 KiB pages. No verification, no other table or
/// index. Returns rows per second, from the first insert to the commit.
pub fn rows_per_second(lines: &[Vec<u8>], dir: &Path) -> f64 {
    let texts: Vec<String> = lines.iter().map(|line| texts_of(line)).collect();
    let path = dir.join("fts-limit.db");
    let conn = rusqlite::Connection::open(&path).expect("open");
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
             text, tokenize = 'unicode61 remove_diacritics 2'
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
            .prepare("INSERT INTO rows_search (rowid, text) VALUES (?1, ?2)")
            .expect("prepare");
        for (i, (line, text)) in lines.iter().zip(&texts).enumerate() {
            let rowid = i as i64 + 1;
            row.execute(rusqlite::params![rowid, line]).expect("row");
            search
                .execute(rusqlite::params![rowid, text])
                .expect("index");
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
    let secs = started.elapsed().as_secs_f64();
    drop(conn);
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(dir.join("fts-limit.db-wal"));
    let _ = std::fs::remove_file(dir.join("fts-limit.db-shm"));
    lines.len() as f64 / secs
}

/// The title, summary and body of a signed line, every language, one per line.
fn texts_of(line: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(line).expect("bench line is JSON");
    // A content entry's body is its draft (protocol/SPEC.md).
    let draft = value.get("body").unwrap_or(&value);
    let mut out = String::new();
    for field in ["title", "summary", "body"] {
        if let Some(texts) = draft.get(field).and_then(|t| t.as_object()) {
            for text in texts.values().filter_map(|t| t.as_str()) {
                out.push_str(text);
                out.push('\n');
            }
        }
    }
    assert!(!out.is_empty(), "no texts found in a bench line");
    out
}
