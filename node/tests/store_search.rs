//! Full-text search: accent- and case-folding both ways, French and English, prefixes, ranking,
//! snippets, filters, hostile input, and the index that follows the writes.

mod store_support;

use audacities_node::store::{Filter, Hit, Store};
use audacities_protocol::Id;
use audacities_protocol::model::Kind;
use proptest::prelude::*;
use store_support::*;

fn ids(hits: &[Hit]) -> Vec<Id> {
    hits.iter().map(|h| h.summary.id).collect()
}

fn search(store: &Store, q: &str) -> Vec<Id> {
    ids(&store.search(q, &Filter::default()).unwrap())
}

/// A French entry with accents and an English one, plus unrelated noise.
fn accents_store() -> (tempfile::TempDir, Store, Id, Id) {
    let (dir, store) = temp_store();
    let fr = sign(
        &method_with(
            "Délibérations citoyennes à Séoul",
            "Des assemblées tirées au sort délibèrent sur l'usage des données publiques.",
            "Chaque quartier envoie des habitants ; les délibérations sont publiées.",
        ),
        1,
        1,
    );
    let en = sign(
        &draft(
            r#"kind = "method"
lang = "en"
licence = "CC-BY-4.0"
method_type = "survey"
themes = ["participation"]
[title]
en = "Citizen DELIBERATIONS in Seoul"
[summary]
en = "Randomly selected assemblies deliberate about public data."
[purpose]
en = "Understand."
[[steps]]
en = "Ask."
"#,
        ),
        1,
        2,
    );
    let noise = sign(
        &method("Comptage des vélos", "Counting bicycles", &["mobility"]),
        1,
        3,
    );
    store
        .insert(vec![fr.clone(), en.clone(), noise], at(10))
        .unwrap();
    (dir, store, fr.id(), en.id())
}

#[test]
fn search_ignores_accents_and_case_both_ways() {
    let (_dir, store, fr, en) = accents_store();
    for q in [
        "deliberations",
        "délibérations",
        "DÉLIBÉRATIONS",
        "Deliberations",
        "DELIBERATIONS",
        "dElIbÉrAtIoNs",
    ] {
        let mut found = search(&store, q);
        found.sort();
        let mut both = vec![fr, en];
        both.sort();
        assert_eq!(found, both, "query {q:?}");
    }
    for q in ["seoul", "Séoul", "SÉOUL", "SEOUL", "se\u{301}oul"] {
        let found = search(&store, q);
        assert_eq!(found.len(), 2, "query {q:?}");
    }
}

#[test]
fn the_last_word_is_a_prefix_and_words_are_anded() {
    let (_dir, store, fr, en) = accents_store();
    assert_eq!(search(&store, "délib").len(), 2);
    assert_eq!(search(&store, "citoyennes séo"), vec![fr]);
    assert_eq!(search(&store, "citizen seoul"), vec![en]);
    assert!(search(&store, "deliberations lyon").is_empty());
    // Only the last word is a prefix.
    assert!(search(&store, "delib seoul").is_empty());
}

#[test]
fn french_and_english_example_texts_are_found() {
    let (_dir, store) = temp_store();
    let entries = example_entries();
    store.insert(entries.clone(), at(100)).unwrap();
    let find = |q: &str| search(&store, q);
    // Every example is bilingual in title and summary: both languages find it.
    let seoul = find("Sharing City Seoul");
    assert!(!seoul.is_empty());
    assert!(!find("partage séoul").is_empty());
    assert!(!find("Naples").is_empty());
    assert!(!find("communs").is_empty());
    assert!(!find("commons").is_empty());
    assert!(!find("trottinettes").is_empty());
    assert!(!find("scooters").is_empty());
    // Kind-specific texts (steps, problem, …) are searched too.
    assert!(!find("microcontroleur").is_empty());
    // Every example is found by a word of its title in each of its languages.
    for entry in &entries {
        for title in entry.draft().expect("a content entry").title().values() {
            let word = title
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 6)
                .max_by_key(|w| w.len())
                .unwrap_or(title);
            let hits = store
                .search(
                    word,
                    &Filter {
                        limit: 100,
                        ..Filter::default()
                    },
                )
                .unwrap();
            assert!(
                ids(&hits).contains(&entry.id()),
                "{word:?} does not find {title:?}"
            );
        }
    }
}

#[test]
fn title_matches_rank_above_body_matches() {
    let (_dir, store) = temp_store();
    let in_body = sign(
        &method_with(
            "Enquête sur les transports",
            "Une enquête.",
            "On parle un peu du tramway ici, parmi beaucoup d'autres choses.",
        ),
        1,
        1,
    );
    let in_title = sign(
        &method_with(
            "Le tramway de Nantes",
            "Une enquête.",
            "Un texte sans rapport.",
        ),
        1,
        2,
    );
    store
        .insert(vec![in_body.clone(), in_title.clone()], at(5))
        .unwrap();
    let hits = store.search("tramway", &Filter::default()).unwrap();
    assert_eq!(ids(&hits), vec![in_title.id(), in_body.id()]);
    assert!(hits[0].rank <= hits[1].rank);
}

#[test]
fn snippets_mark_matches_and_cuts() {
    let (_dir, store) = temp_store();
    let long_body = format!(
        "{} Le budget participatif de la ville finance des projets. {}",
        "Texte d'introduction assez long. ".repeat(20),
        "Suite du texte sans intérêt particulier. ".repeat(20)
    );
    let entry = sign(&method_with("Une méthode", "Un résumé.", &long_body), 1, 1);
    store.insert(vec![entry], at(1)).unwrap();
    let hits = store.search("participatif", &Filter::default()).unwrap();
    assert_eq!(hits.len(), 1);
    let snippet = &hits[0].snippet;
    assert!(snippet.contains("[participatif]"), "{snippet}");
    assert!(snippet.contains('…'), "{snippet}");
    assert!(!snippet.contains('\n'), "{snippet}");
    // Accent-folded matches are marked in the original text.
    let (_dir2, store2, _, _) = accents_store();
    let hits = store2.search("seoul", &Filter::default()).unwrap();
    assert!(
        hits.iter().any(|h| h.snippet.contains("[Séoul]")),
        "{hits:?}"
    );
}

#[test]
fn hostile_queries_never_error() {
    let (_dir, store) = temp_store();
    store.insert(example_entries(), at(1)).unwrap();
    for q in [
        "\"",
        "\"\"",
        "*",
        "**",
        "-",
        "-x",
        ":",
        "title:",
        "title:x",
        "NEAR(",
        "NEAR(a b",
        "a OR",
        "OR",
        "AND",
        "NOT",
        "a AND",
        "NOT a",
        "(",
        ")",
        "()",
        "a)",
        "^",
        "^a",
        "+",
        "a + b",
        "{title}: x",
        "x*y",
        "'",
        "';DROP TABLE entries;--",
        "\0",
        "\u{FFFD}",
        "…",
        "«»",
        "😀",
        "\u{200B}",
        "a\u{0903}",
        "\u{0903}",
        "ⅷ",
        "²",
        "x".repeat(5000).as_str(),
        "a b c d e f g h i j k l m n o p q r s t",
        "",
        "   ",
        "\t\n",
    ] {
        let result = store.search(q, &Filter::default());
        assert!(result.is_ok(), "query {q:?}: {result:?}");
    }
    // Words that look like syntax are searched as words.
    assert!(!search(&store, "(Naples)").is_empty());
    assert!(!search(&store, "Naples*").is_empty());
    assert!(!search(&store, "\"Naples\"").is_empty());
    assert!(!search(&store, "-Naples").is_empty());
    assert!(search(&store, "").is_empty());
    assert_eq!(store.count().unwrap(), 18);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn any_text_is_a_valid_query(q in "\\PC{0,40}", r in "[\"*():^+\\-a-z ]{0,20}") {
        use std::sync::OnceLock;
        static STORE: OnceLock<(tempfile::TempDir, Store)> = OnceLock::new();
        let (_, store) = STORE.get_or_init(|| {
            let (dir, store) = temp_store();
            store.insert(example_entries(), at(1)).unwrap();
            (dir, store)
        });
        prop_assert!(store.search(&q, &Filter::default()).is_ok());
        prop_assert!(store.search(&r, &Filter::default()).is_ok());
        let mixed = format!("{r}{q}");
        prop_assert!(store.search(&mixed, &Filter::default()).is_ok());
    }
}

#[test]
fn search_applies_the_filters() {
    let (_dir, store) = temp_store();
    let entries = example_entries();
    store.insert(entries.clone(), at(1)).unwrap();
    let other = sign(
        &method("Paris à vélo", "Paris by bike", &["mobility"]),
        2,
        1,
    );
    store.insert(vec![other.clone()], at(1)).unwrap();

    let all = store
        .search(
            "paris",
            &Filter {
                limit: 100,
                ..Filter::default()
            },
        )
        .unwrap();
    assert!(all.len() > 2);
    let kind = store
        .search(
            "paris",
            &Filter {
                kind: Some(Kind::Indicator),
                ..Filter::default()
            },
        )
        .unwrap();
    assert!(!kind.is_empty());
    assert!(kind.iter().all(|h| h.summary.kind == Kind::Indicator));
    let city = store
        .search(
            "paris",
            &Filter {
                city: Some(key(2).public()),
                ..Filter::default()
            },
        )
        .unwrap();
    assert_eq!(ids(&city), vec![other.id()]);
    let theme = store
        .search(
            "paris",
            &Filter {
                theme: Some("tourism".into()),
                ..Filter::default()
            },
        )
        .unwrap();
    assert!(!theme.is_empty());
    assert!(
        theme
            .iter()
            .all(|h| h.summary.themes.iter().any(|t| t == "tourism"))
    );
    let lang = store
        .search(
            "paris",
            &Filter {
                lang: Some("de".into()),
                ..Filter::default()
            },
        )
        .unwrap();
    assert!(lang.is_empty());
    // Pages of one cover the whole result, in order.
    let paged: Vec<Id> = (0..all.len())
        .flat_map(|i| {
            ids(&store
                .search(
                    "paris",
                    &Filter {
                        limit: 1,
                        offset: i,
                        ..Filter::default()
                    },
                )
                .unwrap())
        })
        .collect();
    assert_eq!(paged, ids(&all));
}

#[test]
fn entries_are_searchable_right_after_insert_and_the_backlog_drains() {
    let (_dir, store) = temp_store();
    for i in 0..20u64 {
        let word = format!("motunique{i}");
        let e = sign(&method(&format!("Titre {word}"), "", &["health"]), 1, i);
        store.insert(vec![e.clone()], at(i)).unwrap();
        assert_eq!(search(&store, &word), vec![e.id()]);
    }
    let batch: Vec<_> = (0..600u64)
        .map(|i| sign(&method(&format!("Lot numéro {i}"), "", &["health"]), 3, i))
        .collect();
    store.insert(batch, at(1)).unwrap();
    store.finish_indexing().unwrap();
    assert_eq!(store.search_backlog().unwrap(), 0);
    assert_eq!(
        store
            .search(
                "numéro",
                &Filter {
                    limit: 1000,
                    ..Filter::default()
                }
            )
            .unwrap()
            .len(),
        600
    );
    // The idle indexer drains a backlog by itself.
    let batch: Vec<_> = (0..600u64)
        .map(|i| sign(&method(&format!("Autre lot {i}"), "", &["health"]), 4, i))
        .collect();
    store.insert(batch, at(1)).unwrap();
    let start = std::time::Instant::now();
    while store.search_backlog().unwrap() > 0 {
        assert!(
            start.elapsed().as_secs() < 30,
            "the idle indexer did not drain the backlog"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(store.integrity_check().unwrap().is_empty());
}

#[test]
fn a_backlog_left_at_close_is_indexed_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("commons.db");
    let batch: Vec<_> = (0..3000u64)
        .map(|i| sign(&method(&format!("Fermeture {i}"), "", &["health"]), 3, i))
        .collect();
    {
        let store = Store::open(&path).unwrap();
        store.insert(batch, at(1)).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store
            .search(
                "fermeture",
                &Filter {
                    limit: 5000,
                    ..Filter::default()
                }
            )
            .unwrap()
            .len(),
        3000
    );
    assert!(store.integrity_check().unwrap().is_empty());
}

#[test]
fn deleting_an_entry_takes_it_out_of_the_index_whether_indexed_or_not() {
    let (_dir, store) = temp_store();
    let indexed = sign(&method("Indexée puis effacée", "", &["health"]), 1, 1);
    let kept = sign(&method("Indexée et gardée", "", &["health"]), 1, 2);
    store
        .insert(vec![indexed.clone(), kept.clone()], at(1))
        .unwrap();
    store.finish_indexing().unwrap();
    let pending = sign(&method("En attente puis effacée", "", &["health"]), 1, 3);
    let id = pending.id().to_string();
    let indexed_id = indexed.id().to_string();
    // (Whether the idle indexer took it in before the delete or not, the outcome is the same;
    // the unit tests of store::index cover both cases deterministically.)
    store.insert(vec![pending], at(2)).unwrap();
    store
        .call(move |c| {
            c.execute("DELETE FROM entries WHERE id = ?1", [&id])?;
            c.execute("DELETE FROM entries WHERE id = ?1", [&indexed_id])?;
            Ok(())
        })
        .unwrap();
    assert_eq!(store.count().unwrap(), 1);
    assert!(search(&store, "effacée").is_empty());
    assert_eq!(search(&store, "gardée"), vec![kept.id()]);
    assert_eq!(store.search_backlog().unwrap(), 0);
    assert!(
        store.integrity_check().unwrap().is_empty(),
        "{:?}",
        store.integrity_check()
    );
}

#[test]
fn integrity_check_reports_a_damaged_index() {
    let (_dir, store) = temp_store();
    store.insert(example_entries(), at(1)).unwrap();
    assert!(store.integrity_check().unwrap().is_empty());
    // Change a text behind the index's back: the index no longer matches its content.
    store
        .call(|c| {
            c.execute(
                "UPDATE entry_texts SET title = 'rien à voir' WHERE rowid = (SELECT min(rowid) FROM entry_texts)",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    let problems = store.integrity_check().unwrap();
    assert!(!problems.is_empty());
    assert!(
        problems.iter().any(|p| p.contains("full-text")),
        "{problems:?}"
    );
}
