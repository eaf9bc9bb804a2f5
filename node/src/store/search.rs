//! Full-text search: turning a person's free text into a safe FTS5 query, and the ranked query
//! with snippets.
//!
//! The user's text is never handed to FTS5 as query syntax. It is split into words the way the
//! `unicode61` tokenizer splits them (letters and digits make words; everything else separates
//! them), each word is written as an FTS5 string in double quotes, and the words are joined
//! with `AND`. So `"`, `*`, `-`, `:`, `^`, `+`, parentheses, `AND`/`OR`/`NOT`/`NEAR` typed by a
//! person are either separators or plain words: they can never be a syntax error or change the
//! query's meaning.
//!
//! The last word is a prefix query (`"délib"*` finds `délibérations`) when it has at least
//! [`MIN_PREFIX_CHARS`] characters: a one- or two-letter prefix matches most of the index and
//! costs a full ranking of it (measured: ≈ 0.3–0.5 s on 100,000 entries) for no useful result.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::entries::{KeyCache, filter_sql, limit_values, summary};
use super::error::StoreError;
use super::{Filter, Hit};

/// bm25 column weights: title, summary, body, other (also the table's `rank` configuration in
/// the schema, for local tools that `ORDER BY rank`).
pub const WEIGHTS: &str = "10.0, 4.0, 1.0, 2.0";

/// The shortest last word that is searched as a prefix.
pub const MIN_PREFIX_CHARS: usize = 3;

/// At most this many words of a query are used (the rest are ignored): each word is a doclist
/// to read, and a pasted paragraph must not cost seconds.
pub const MAX_QUERY_WORDS: usize = 16;

/// Where a match starts and ends in [`Hit::marked`](super::Hit::marked): private-use
/// characters, which no text of an entry is expected to hold, so that a page can turn them
/// into `<mark>` after escaping the text.
pub const MARK_START: char = '\u{E000}';
pub const MARK_END: char = '\u{E001}';

/// Snippet length, in tokens.
pub const SNIPPET_TOKENS: u32 = 16;

/// The words of a free-text query, split as the `unicode61` tokenizer splits text: a word is a
/// run of letters, digits and combining marks. Case and accents are left for FTS5 to fold.
pub fn words(query: &str) -> Vec<&str> {
    query
        .split(|c: char| !is_token_char(c))
        .filter(|w| !w.is_empty())
        .take(MAX_QUERY_WORDS)
        .collect()
}

/// Builds the FTS5 MATCH expression for a free-text query, or `None` when it has no word (an
/// empty query, or only punctuation): the caller then returns no hit.
pub fn fts_query(query: &str) -> Option<String> {
    let words = words(query);
    let last = words.len().checked_sub(1)?;
    let mut out = String::with_capacity(query.len() + 8 * words.len());
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            out.push_str(" AND ");
        }
        // A word holds no `"` (it is a separator), but quote-doubling keeps this correct even
        // if `is_token_char` changes.
        out.push('"');
        out.push_str(&word.replace('"', "\"\""));
        out.push('"');
        if i == last && word.chars().count() >= MIN_PREFIX_CHARS {
            out.push('*');
        }
    }
    Some(out)
}

/// Letters, digits and combining marks: what `unicode61` keeps inside a token. (It also keeps
/// private-use characters, which never matter here: they are simply dropped from a query.)
fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The combining diacritical mark blocks, so that a decomposed `e` + U+0301 stays one word.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// When the query's words, taken exactly, match at least this many entries, the last word is
/// not also searched as a prefix: a prefix that many terms share (`comm` → commune, commons,
/// community…) costs a merge of all their lists (measured: ≈ 50 ms on 100,000 entries for a
/// prefix of frequent words, against ≈ 5 ms exact), and exact matches already fill the first
/// page. Decided on the first page's worth whatever page is asked, so that pages stay
/// consistent.
pub const EXACT_ENOUGH: usize = 20;

/// The MATCH expression to run for a free-text query under `filter`: the exact words when they
/// find at least [`EXACT_ENOUGH`] entries, else [`fts_query`]'s (the last word also as a
/// prefix). `None` when the query has no word.
pub(crate) fn choose(
    conn: &Connection,
    query: &str,
    filter: &Filter,
) -> Result<Option<String>, StoreError> {
    let Some(prefixed) = fts_query(query) else {
        return Ok(None);
    };
    let Some(exact) = prefixed.strip_suffix('*') else {
        return Ok(Some(prefixed));
    };
    let join = if filter.kind.is_some() || filter.city.is_some() {
        " CROSS JOIN entries e ON e.rowid = entry_search.rowid"
    } else {
        ""
    };
    let (conditions, filter_values) = filter_sql(conn, filter, "entry_search.rowid");
    // No ranking: this stops at the EXACT_ENOUGH-th match.
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM entry_search{join}
                               WHERE entry_search MATCH ?{conditions} LIMIT {EXACT_ENOUGH})"
    );
    let mut values = Vec::with_capacity(filter_values.len() + 1);
    values.push(Value::Text(exact.to_owned()));
    values.extend(filter_values);
    let found: i64 = conn
        .prepare_cached(&sql)
        .and_then(|mut s| s.query_row(rusqlite::params_from_iter(values), |r| r.get(0)))
        .map_err(StoreError::during("searching"))?;
    Ok(Some(if found >= EXACT_ENOUGH as i64 {
        exact.to_owned()
    } else {
        prefixed
    }))
}

/// Matches ranked at most per search: a query matching more entries is ranked among its
/// newest this many (rowids grow with arrival). Bounds the cost of a search for common words
/// to ≈ 6 ms of ranking on the reference machine; facets still count every match.
pub const RANKED_AT_MOST: usize = 4_000;

/// Runs a MATCH expression made by [`fts_query`], best first, with snippets and summaries.
pub(crate) fn run(
    conn: &mut Connection,
    expr: &str,
    filter: &Filter,
) -> Result<Vec<Hit>, StoreError> {
    let ctx = "searching";
    if filter.limit == 0 {
        return Ok(Vec::new());
    }
    // The full-text table drives the query (CROSS JOIN keeps it the outer loop): filters are
    // checked on its matches, never the other way round.
    let join = if filter.kind.is_some() || filter.city.is_some() {
        " CROSS JOIN entries e ON e.rowid = entry_search.rowid"
    } else {
        ""
    };
    let (mut conditions, mut filter_values) = filter_sql(conn, filter, "entry_search.rowid");
    // Ranking is the cost: bm25 runs for every match (about 1.5 µs each), so a word found in
    // 10 % of 100,000 entries costs ~20 ms however the query is written. Measured here,
    // `ORDER BY rank` and a separate snippet step were both slower than this form. So a query
    // with more than RANKED_AT_MOST matches is ranked among its newest RANKED_AT_MOST: the
    // rowid of the last of them bounds the ranked query (FTS5 skips the older part of every
    // list).
    let window: Option<i64> = {
        let sql = format!(
            "SELECT entry_search.rowid FROM entry_search{join}
             WHERE entry_search MATCH ?{conditions}
             ORDER BY entry_search.rowid DESC LIMIT 1 OFFSET {}",
            RANKED_AT_MOST - 1
        );
        let mut values = Vec::with_capacity(filter_values.len() + 1);
        values.push(Value::Text(expr.to_owned()));
        values.extend(filter_values.iter().cloned());
        conn.prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row(rusqlite::params_from_iter(values), |r| r.get(0))
                    .optional()
            })
            .map_err(StoreError::during(ctx))?
    };
    if let Some(oldest) = window {
        conditions.push_str(" AND entry_search.rowid >= ?");
        filter_values.push(Value::Integer(oldest));
    }
    let sql = format!(
        "SELECT entry_search.rowid,
                snippet(entry_search, -1, '\u{E000}', '\u{E001}', '…', {SNIPPET_TOKENS}),
                bm25(entry_search, {WEIGHTS}) AS score
         FROM entry_search{join}
         WHERE entry_search MATCH ?{conditions}
         ORDER BY score LIMIT ? OFFSET ?"
    );
    let mut values = Vec::with_capacity(filter_values.len() + 3);
    values.push(Value::Text(expr.to_owned()));
    values.extend(filter_values);
    values.extend(limit_values(filter));
    let found = {
        let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::during(ctx))?;
        stmt.query_map(rusqlite::params_from_iter(values), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, f64>(2)?,
            ))
        })
        .map_err(StoreError::during(ctx))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::during(ctx))?
    };
    let mut keys = KeyCache::default();
    found
        .into_iter()
        .map(|(rowid, snippet, rank)| {
            let marked = tidy_snippet(snippet.as_deref().unwrap_or_default());
            Ok(Hit {
                summary: summary(conn, rowid, &mut keys)?,
                snippet: marked.replace(MARK_START, "[").replace(MARK_END, "]"),
                marked,
                rank,
            })
        })
        .collect()
}

/// Cleans a snippet from FTS5 for display: the columns hold one language per line, and a
/// snippet may cross lines.
pub fn tidy_snippet(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut last_space = false;
    for c in raw.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push(c);
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_anded_and_the_last_is_a_prefix() {
        assert_eq!(
            fts_query("délibérations citoyennes").as_deref(),
            Some(r#""délibérations" AND "citoyennes"*"#)
        );
        assert_eq!(fts_query("Séoul").as_deref(), Some(r#""Séoul"*"#));
    }

    #[test]
    fn short_last_words_are_not_prefixes() {
        assert_eq!(fts_query("plan a").as_deref(), Some(r#""plan" AND "a""#));
        assert_eq!(fts_query("la").as_deref(), Some(r#""la""#));
    }

    #[test]
    fn empty_and_punctuation_only_queries_have_no_expression() {
        for q in [
            "",
            "   ",
            "\"",
            "*",
            "-",
            ":",
            "()",
            "\" * - : ( ) ^ +",
            "…",
        ] {
            assert_eq!(fts_query(q), None, "{q:?}");
        }
    }

    #[test]
    fn syntax_typed_by_a_person_is_plain_words() {
        assert_eq!(
            fts_query(r#"NEAR( a OR -x "b*" title:c"#).as_deref(),
            Some(r#""NEAR" AND "a" AND "OR" AND "x" AND "b" AND "title" AND "c""#)
        );
        assert_eq!(
            fts_query("saint-denis").as_deref(),
            Some(r#""saint" AND "denis"*"#)
        );
    }

    #[test]
    fn decomposed_accents_stay_inside_the_word() {
        assert_eq!(
            fts_query("Se\u{301}oul").as_deref(),
            Some("\"Se\u{301}oul\"*")
        );
    }

    #[test]
    fn long_queries_are_cut() {
        let q = "mot ".repeat(100);
        assert_eq!(words(&q).len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn snippets_are_one_line() {
        assert_eq!(tidy_snippet("…a [b]\n c  d…"), "…a [b] c d…");
    }

    fn method(title: &str, minute: u64) -> audacities_protocol::Entry {
        use audacities_protocol::{Draft, Entry, Format, SecretKey};
        let toml = format!(
            "kind = \"method\"\nlang = \"fr\"\nlicence = \"CC-BY-4.0\"\n\
             method_type = \"survey\"\nthemes = [\"health\"]\n[title]\nfr = {title:?}\n\
             [purpose]\nfr = \"Comprendre.\"\n[[steps]]\nfr = \"Demander.\"\n"
        );
        let draft = Draft::parse(&toml, Format::Toml).unwrap();
        Entry::sign(
            &draft,
            &SecretKey::from_bytes([3; 32]),
            minute * 60_000,
            None,
        )
        .unwrap()
    }

    fn titles(hits: &[Hit]) -> Vec<String> {
        hits.iter()
            .map(|h| h.summary.title_in("fr").to_owned())
            .collect()
    }

    #[test]
    fn common_words_are_ranked_among_the_newest_matches_and_exact_words_come_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = super::super::schema::open_read_write(&dir.path().join("t.db")).unwrap();
        // The oldest 10 say "commun" three times (the best bm25), then RANKED_AT_MOST newer
        // entries say it once; "tigre" and "tigrette" mark a few of each.
        let mut rows = Vec::new();
        for i in 0..10 {
            rows.push(method(&format!("Commun commun commun {i} tigrette"), i));
        }
        for i in 10..(10 + RANKED_AT_MOST as u64) {
            let extra = if i % 1000 == 0 { " tigre" } else { "" };
            rows.push(method(&format!("Commun {i}{extra}"), i));
        }
        let rows: Vec<_> = rows
            .into_iter()
            .map(super::super::entries::Row::new)
            .collect();
        super::super::entries::insert(&mut conn, &rows, 0, super::super::Indexing::Later).unwrap();
        super::super::index::catch_up(&mut conn).unwrap();
        let filter = Filter {
            limit: 5,
            ..Filter::default()
        };

        let common = run(&mut conn, &fts_query("commun").unwrap(), &filter).unwrap();
        assert_eq!(common.len(), 5);
        assert!(
            titles(&common).iter().all(|t| !t.contains("commun commun")),
            "the oldest matches are outside the ranked window: {:?}",
            titles(&common)
        );
        // With fewer matches than the window, every match is ranked: the oldest come first.
        let rarer = run(&mut conn, &fts_query("commun tigrette").unwrap(), &filter).unwrap();
        assert_eq!(rarer.len(), 5);
        assert!(titles(&rarer).iter().all(|t| t.contains("commun commun")));

        // "tigre" exactly matches 4 entries (< EXACT_ENOUGH): the prefix is searched too and
        // finds the "tigrette" ones; "commun" exactly is enough on its own.
        let tigre = choose(&conn, "tigre", &Filter::default()).unwrap().unwrap();
        assert_eq!(tigre, fts_query("tigre").unwrap());
        let commun = choose(&conn, "commun", &Filter::default())
            .unwrap()
            .unwrap();
        assert_eq!(commun, "\"commun\"");
    }
}
