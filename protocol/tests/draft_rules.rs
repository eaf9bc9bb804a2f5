//! Each rule of the data model is refused with its exact path and a message in both languages;
//! every problem of a draft is collected, in path order.

mod draft_common;

use audacities_protocol::model::Kind;
use draft_common::{A, B, C, accepted, problems, refused_at, set, valid};
use serde_json::{Value, json};

fn case() -> Value {
    valid(Kind::CaseStudy)
}

#[test]
fn every_kind_has_a_valid_draft() {
    for kind in Kind::ALL {
        let draft = accepted(valid(kind));
        assert_eq!(draft.kind(), kind);
    }
}

#[test]
fn lang_is_a_bcp47_tag_with_a_lowercase_language() {
    for bad in ["French", "FR", "fr_FR", "", "f"] {
        refused_at(
            set(case(), "lang", Some(json!(bad))),
            "lang",
            "expected a BCP-47 language tag",
        );
    }
    let mut draft = set(case(), "lang", Some(json!("pt-BR")));
    for field in ["title", "summary", "body", "problem", "innovation"] {
        draft = set(draft, &format!("{field}.pt-BR"), Some(json!("Texto")));
    }
    for i in 0..2 {
        draft = set(draft, &format!("stakes[{i}].pt-BR"), Some(json!("Texto")));
    }
    draft = set(draft, "vigilance_points[0].pt-BR", Some(json!("Texto")));
    draft = set(draft, "results.pt-BR", Some(json!("Texto")));
    accepted(draft);
}

#[test]
fn every_text_holds_the_entrys_lang() {
    let p = refused_at(set(case(), "title.fr", None), "title", "");
    assert_eq!(p.en, "missing the text in \"fr\", the entry's lang");
    assert_eq!(
        p.fr,
        "il manque le texte en \"fr\", la langue de l'entrée (lang)"
    );
    refused_at(
        set(case(), "stakes[1].fr", None),
        "stakes[1]",
        "missing the text in \"fr\"",
    );
    refused_at(
        set(case(), "problem", Some(json!({"en": "x"}))),
        "problem",
        "missing the text in \"fr\"",
    );
    let scenario = set(
        valid(Kind::Scenario),
        "drivers[0].label",
        Some(json!({"fr": "x"})),
    );
    refused_at(scenario, "drivers[0].label", "missing the text in \"en\"");
    let practice = set(
        valid(Kind::GovernancePractice),
        "results[0].title",
        Some(json!({"it": "x"})),
    );
    refused_at(practice, "results[0].title", "missing the text in \"fr\"");
}

#[test]
fn texts_have_tags_as_keys_and_are_not_empty() {
    refused_at(
        set(case(), "title.EN", Some(json!("x"))),
        "title.EN",
        "expected a BCP-47 language tag",
    );
    refused_at(
        set(case(), "summary.en", Some(json!("  \n"))),
        "summary.en",
        "expected a text, got an empty string",
    );
    refused_at(
        set(case(), "title", Some(json!("Séoul"))),
        "title",
        "expected a text per language",
    );
    refused_at(
        set(case(), "title.fr", Some(json!(5))),
        "title.fr",
        "expected a string, got the number 5",
    );
}

#[test]
fn lengths_are_counted_in_characters() {
    // 300 two-byte characters fit; 301 do not.
    accepted(set(case(), "title.fr", Some(json!("é".repeat(300)))));
    let p = refused_at(
        set(case(), "title.fr", Some(json!("é".repeat(301)))),
        "title.fr",
        "too long",
    );
    assert_eq!(p.en, "too long: 301 characters, at most 300");
    accepted(set(case(), "summary.fr", Some(json!("a".repeat(2000)))));
    refused_at(
        set(case(), "summary.fr", Some(json!("a".repeat(2001)))),
        "summary.fr",
        "at most 2000",
    );
    accepted(set(case(), "body.fr", Some(json!("a".repeat(100_000)))));
    refused_at(
        set(case(), "body.fr", Some(json!("a".repeat(100_001)))),
        "body.fr",
        "at most 100000",
    );
    refused_at(
        set(case(), "problem.fr", Some(json!("a".repeat(100_001)))),
        "problem.fr",
        "at most 100000",
    );
}

#[test]
fn themes_come_from_the_vocabulary_without_repeats() {
    refused_at(
        set(case(), "themes", Some(json!([]))),
        "themes",
        "expected at least one item",
    );
    refused_at(
        set(case(), "themes", None),
        "themes",
        "required, but missing",
    );
    let p = refused_at(
        set(case(), "themes[1]", Some(json!("transport"))),
        "themes[1]",
        "expected one of mobility, housing",
    );
    assert!(p.en.ends_with("got \"transport\""), "{}", p.en);
    let p = refused_at(
        set(case(), "themes[1]", Some(json!("helth"))),
        "themes[1]",
        "(did you mean \"health\"?)",
    );
    assert!(p.fr.contains("vouliez-vous dire \"health\""), "{}", p.fr);
    refused_at(
        set(case(), "themes[2]", Some(json!("housing"))),
        "themes[2]",
        "\"housing\" is already listed (themes[0])",
    );
    refused_at(
        set(case(), "themes", Some(json!("housing"))),
        "themes",
        "expected a list, got the string \"housing\"",
    );
    refused_at(
        set(case(), "themes[0]", Some(json!(3))),
        "themes[0]",
        "expected a word of the vocabulary",
    );
}

#[test]
fn tags_are_short_non_empty_strings() {
    refused_at(
        set(case(), "tags[0]", Some(json!(" "))),
        "tags[0]",
        "expected a text, got an empty string",
    );
    accepted(set(case(), "tags[1]", Some(json!("t".repeat(100)))));
    refused_at(
        set(case(), "tags[1]", Some(json!("t".repeat(101)))),
        "tags[1]",
        "too long: 101 characters, at most 100",
    );
}

#[test]
fn place_is_required_for_three_kinds() {
    let p = refused_at(set(case(), "place", None), "place", "");
    assert_eq!(p.en, "required for a case_study");
    assert_eq!(p.fr, "obligatoire pour un case_study");
    let p = refused_at(
        set(valid(Kind::GovernancePractice), "place", None),
        "place",
        "",
    );
    assert_eq!(p.en, "required for a governance_practice");
    let p = refused_at(set(valid(Kind::ActorRelation), "place", None), "place", "");
    assert_eq!(p.en, "required for an actor_relation");
    for kind in [
        Kind::Scenario,
        Kind::Actor,
        Kind::Skill,
        Kind::Method,
        Kind::Indicator,
        Kind::Recommendation,
    ] {
        let draft = accepted(set(
            valid(kind),
            "place",
            Some(json!({"name": "Lyon", "country": "FR"})),
        ));
        assert!(draft.texts().other.ends_with("Lyon"));
        accepted(set(valid(kind), "place", None));
    }
}

#[test]
fn place_fields() {
    let p = refused_at(
        set(case(), "place.country", Some(json!("France"))),
        "place.country",
        "",
    );
    assert_eq!(
        p.to_string(),
        "place.country: expected an ISO 3166-1 alpha-2 code, got \"France\""
    );
    assert_eq!(
        p.fr,
        "attendu : un code pays ISO 3166-1 alpha-2, reçu \"France\""
    );
    let p = refused_at(
        set(case(), "place.country", Some(json!("kr"))),
        "place.country",
        "did you mean \"KR\"?",
    );
    assert_eq!(
        p.en,
        "expected an ISO 3166-1 alpha-2 code, got \"kr\"; did you mean \"KR\"?"
    );
    refused_at(
        set(case(), "place.country", Some(json!("UK"))),
        "place.country",
        "got \"UK\"",
    );
    refused_at(
        set(case(), "place.country", None),
        "place.country",
        "required, but missing",
    );
    refused_at(
        set(case(), "place.name", Some(json!(""))),
        "place.name",
        "expected a text",
    );
    refused_at(
        set(case(), "place.name", None),
        "place.name",
        "required, but missing",
    );
    refused_at(
        set(case(), "place.wikidata", Some(json!("8684"))),
        "place.wikidata",
        "expected a Wikidata id such as \"Q90\", got \"8684\"",
    );
    refused_at(
        set(case(), "place", Some(json!(["Séoul", "KR"]))),
        "place",
        "expected a table (object), got a list",
    );
    // serde would read a struct from a list of all its fields: a draft may not.
    let as_list = json!(["Séoul", "Séoul", "Seoul", "KR", "37.5", "127.0", "Q8684"]);
    refused_at(
        set(case(), "place", Some(as_list)),
        "place",
        "expected a table (object), got a list",
    );
}

#[test]
fn coordinates_are_decimal_strings_within_range() {
    for ok in ["90", "-90.0", "0", "-0.5", "45.123456789"] {
        accepted(set(case(), "place.lat", Some(json!(ok))));
    }
    accepted(set(case(), "place.lon", Some(json!("-180"))));
    refused_at(
        set(case(), "place.lat", Some(json!("90.0001"))),
        "place.lat",
        "expected a latitude between -90 and 90, got \"90.0001\"",
    );
    refused_at(
        set(case(), "place.lon", Some(json!("180.5"))),
        "place.lon",
        "expected a longitude between -180 and 180",
    );
    for bad in ["48,85", "48.", ".5", "1e3", "+48.1", " 48.1", "N48"] {
        refused_at(
            set(case(), "place.lat", Some(json!(bad))),
            "place.lat",
            "expected a decimal number written as a string",
        );
    }
    let p = refused_at(
        set(case(), "place.lat", Some(json!(48.85))),
        "place.lat",
        "",
    );
    assert_eq!(
        p.en,
        "floating-point numbers are not allowed in signed content; write a decimal as a string, e.g. \"48.8566\""
    );
    refused_at(
        set(case(), "place.lat", Some(json!(48))),
        "place.lat",
        "expected a string, got the number 48",
    );
}

#[test]
fn dates_are_real_calendar_dates() {
    accepted(set(case(), "period.start", Some(json!("2024-02-29"))));
    accepted(set(case(), "period.start", Some(json!("2012"))));
    refused_at(
        set(case(), "period.start", Some(json!("2023-02-29"))),
        "period.start",
        "expected a calendar date, got \"2023-02-29\"",
    );
    refused_at(
        set(case(), "period.start", Some(json!("2024-13"))),
        "period.start",
        "expected a calendar date",
    );
    refused_at(
        set(case(), "period.start", Some(json!("12/09/2012"))),
        "period.start",
        "expected a date \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\", got \"12/09/2012\"",
    );
    refused_at(
        set(case(), "sources[0].accessed", Some(json!("2024-3-1"))),
        "sources[0].accessed",
        "expected a date",
    );
    refused_at(
        set(
            valid(Kind::Indicator),
            "observations[0].period",
            Some(json!("2023-04-31")),
        ),
        "observations[0].period",
        "calendar date",
    );
    refused_at(
        set(
            valid(Kind::GovernancePractice),
            "legal_basis[0].date",
            Some(json!("29/12/2015")),
        ),
        "legal_basis[0].date",
        "expected a date",
    );
}

#[test]
fn a_period_does_not_end_before_it_starts() {
    let period =
        |start: &str, end: &str| set(case(), "period", Some(json!({"start": start, "end": end})));
    accepted(period("2012-09", "2012"));
    accepted(period("2012", "2012-01-01"));
    accepted(period("2012-09-01", "2012-09-01"));
    let p = refused_at(period("2012-09", "2012-08-31"), "period.end", "");
    assert_eq!(
        p.en,
        "expected an end no earlier than the start \"2012-09\", got \"2012-08-31\""
    );
    refused_at(
        period("2012", "2011-12"),
        "period.end",
        "no earlier than the start",
    );
    refused_at(
        set(case(), "period.ongoing", Some(json!("yes"))),
        "period.ongoing",
        "expected true or false, got the string \"yes\"",
    );
}

#[test]
fn licence_is_a_known_spdx_id() {
    for ok in [
        "CC0-1.0",
        "ODbL-1.0",
        "etalab-2.0",
        "DL-DE-BY-2.0",
        "OGL-UK-3.0",
        "ODC-By-1.0",
        "PDDL-1.0",
        "AGPL-3.0-or-later",
    ] {
        accepted(set(case(), "licence", Some(json!(ok))));
    }
    let p = refused_at(
        set(case(), "licence", Some(json!("CC BY"))),
        "licence",
        "expected an SPDX licence id such as CC-BY-4.0",
    );
    assert!(p.en.ends_with("got \"CC BY\""), "{}", p.en);
    refused_at(
        set(case(), "licence", Some(json!("dl-de-by-2.0"))),
        "licence",
        "did you mean \"DL-DE-BY-2.0\"?",
    );
    refused_at(
        set(case(), "licence", None),
        "licence",
        "required, but missing",
    );
    refused_at(
        set(case(), "attachments[0].licence", Some(json!("GPL"))),
        "attachments[0].licence",
        "SPDX",
    );
    refused_at(
        set(
            valid(Kind::GovernancePractice),
            "datasets[0].licence",
            Some(json!("open")),
        ),
        "datasets[0].licence",
        "SPDX",
    );
}

#[test]
fn urls_are_absolute_http_or_https() {
    refused_at(
        set(case(), "sources[0].url", Some(json!("ftp://example.org/x"))),
        "sources[0].url",
        "expected an http or https URL, got \"ftp://example.org/x\" (its scheme is \"ftp\")",
    );
    refused_at(
        set(case(), "sources[0].url", Some(json!("example.org"))),
        "sources[0].url",
        "expected an http or https URL",
    );
    refused_at(
        set(
            case(),
            "sources[0].url",
            Some(json!("https://exa mple.org")),
        ),
        "sources[0].url",
        "spaces",
    );
    refused_at(
        set(case(), "sources[0].url", None),
        "sources[0].url",
        "required, but missing",
    );
    let practice = valid(Kind::GovernancePractice);
    refused_at(
        set(
            practice.clone(),
            "legal_basis[0].url",
            Some(json!("/relative")),
        ),
        "legal_basis[0].url",
        "URL",
    );
    refused_at(
        set(practice, "datasets[0].url", Some(json!("mailto:a@b.c"))),
        "datasets[0].url",
        "URL",
    );
    refused_at(
        set(
            valid(Kind::Actor),
            "identifiers[4].id",
            Some(json!("airbnb.fr")),
        ),
        "identifiers[4].id",
        "URL",
    );
}

#[test]
fn refs_are_64_lowercase_hex_characters() {
    let upper = A.to_uppercase();
    refused_at(
        set(case(), "links[0].target", Some(json!(upper))),
        "links[0].target",
        "expected the id of an entry (64 lowercase hexadecimal characters)",
    );
    refused_at(
        set(case(), "illustrations[0]", Some(json!("abc"))),
        "illustrations[0]",
        "got \"abc\"",
    );
    refused_at(
        set(case(), "actors[0].actor", Some(json!(&A[1..]))),
        "actors[0].actor",
        "id of an entry",
    );
    refused_at(
        set(valid(Kind::Actor), "parent", Some(json!("Q1"))),
        "parent",
        "id of an entry",
    );
    refused_at(
        set(
            valid(Kind::Scenario),
            "early_signals[0].evidence",
            Some(json!("")),
        ),
        "early_signals[0].evidence",
        "id of an entry",
    );
    refused_at(
        set(valid(Kind::Recommendation), "evidence[1]", Some(json!("x"))),
        "evidence[1]",
        "id of an entry",
    );
    refused_at(
        set(
            valid(Kind::ActorRelation),
            "subject",
            Some(json!(C.replace('0', "g"))),
        ),
        "subject",
        "id of an entry",
    );
}

#[test]
fn links_use_the_relation_vocabulary() {
    let p = refused_at(
        set(case(), "links[0].rel", Some(json!("cites"))),
        "links[0].rel",
        "",
    );
    assert_eq!(
        p.en,
        "expected one of references, part_of, illustrates, involves, measured_by, evidence_for, derived_from, translation_of, got \"cites\""
    );
    assert!(p.fr.starts_with("attendu l'un de references,"), "{}", p.fr);
}

#[test]
fn attachments_are_named_by_hash_with_a_plain_file_name() {
    let at =
        |field: &str, value: Value| set(case(), &format!("attachments[0].{field}"), Some(value));
    refused_at(
        at("hash", json!("abc")),
        "attachments[0].hash",
        "expected a blake3 hash (64 lowercase hexadecimal characters), got \"abc\"",
    );
    refused_at(
        at("size", json!(-1)),
        "attachments[0].size",
        "expected a size in bytes (0 or more), got -1",
    );
    accepted(at("size", json!(0)));
    refused_at(
        at("size", json!("12")),
        "attachments[0].size",
        "expected an integer",
    );
    refused_at(
        at("media_type", json!("pdf")),
        "attachments[0].media_type",
        "expected a media type such as \"application/pdf\", got \"pdf\"",
    );
    accepted(at("media_type", json!("image/svg+xml")));
    for bad in [
        "../secret",
        "/etc/passwd",
        "a\\b",
        "",
        "..",
        ".",
        "a\u{0}b",
        "line\nbreak",
        "C:evil.exe",
    ] {
        refused_at(
            at("name", json!(bad)),
            "attachments[0].name",
            "expected a plain file name",
        );
    }
    accepted(at("name", json!("Rapport final (v2).odt")));
}

#[test]
fn case_study_rules() {
    refused_at(
        set(case(), "city_model", None),
        "city_model",
        "required when case_kind is \"model\"",
    );
    refused_at(
        set(case(), "stakes", None),
        "stakes",
        "required (at least one stake) when case_kind is \"model\"",
    );
    refused_at(
        set(case(), "stakes", Some(json!([]))),
        "stakes",
        "at least one stake",
    );
    let instance = set(
        set(
            set(case(), "case_kind", Some(json!("instance"))),
            "stakes",
            None,
        ),
        "city_model",
        None,
    );
    accepted(instance);
    refused_at(
        set(case(), "population", Some(json!(-5))),
        "population",
        "expected an integer of 0 or more, got -5",
    );
    refused_at(
        set(case(), "population", Some(json!(9_007_199_254_740_992u64))),
        "population",
        "within ±(2^53 − 1)",
    );
    refused_at(
        set(case(), "case_kind", Some(json!("example"))),
        "case_kind",
        "expected one of instance, model, got \"example\"",
    );
    // serde would read a word from a one-key table: a draft may not.
    for table in [
        json!({"model": 1}),
        json!({"model": {}}),
        json!({"model": "x", "instance": "y"}),
        json!({}),
    ] {
        refused_at(
            set(case(), "case_kind", Some(table)),
            "case_kind",
            "expected a word of the vocabulary (a string), got a table",
        );
    }
    refused_at(
        set(case(), "actors[0].role", Some(json!("boss"))),
        "actors[0].role",
        "expected one of organizer, funder",
    );
    refused_at(
        set(case(), "problem", None),
        "problem",
        "required, but missing",
    );
}

#[test]
fn scenario_rules() {
    let s = valid(Kind::Scenario);
    accepted(set(s.clone(), "horizon_year", Some(json!(1900))));
    accepted(set(s.clone(), "horizon_year", Some(json!(3000))));
    refused_at(
        set(s.clone(), "horizon_year", Some(json!(1899))),
        "horizon_year",
        "expected an integer from 1900 to 3000, got 1899",
    );
    refused_at(
        set(s.clone(), "horizon_year", Some(json!(3001))),
        "horizon_year",
        "from 1900 to 3000",
    );
    refused_at(
        set(s.clone(), "horizon_year", Some(json!("2040"))),
        "horizon_year",
        "expected an integer, got the string \"2040\"",
    );
    refused_at(
        set(s.clone(), "governance_questions", Some(json!([]))),
        "governance_questions",
        "expected at least one item",
    );
    refused_at(
        set(s.clone(), "governance_questions", None),
        "governance_questions",
        "required, but missing",
    );
    refused_at(
        set(s.clone(), "drivers[0].steep", Some(json!("legal"))),
        "drivers[0].steep",
        "expected one of social, technological",
    );
    refused_at(
        set(s, "plausibility", Some(json!("certain"))),
        "plausibility",
        "expected one of low, medium, high",
    );
}

#[test]
fn governance_practice_rules() {
    let g = valid(Kind::GovernancePractice);
    accepted(set(g.clone(), "results[0].progress", Some(json!(100))));
    refused_at(
        set(g.clone(), "results[0].progress", Some(json!(101))),
        "results[0].progress",
        "expected an integer from 0 to 100, got 101",
    );
    refused_at(
        set(g.clone(), "results[0].progress", Some(json!(-1))),
        "results[0].progress",
        "from 0 to 100",
    );
    refused_at(
        set(g.clone(), "results[0].status", Some(json!("ongoing"))),
        "results[0].status",
        "expected one of planned, in_progress, done, abandoned",
    );
    refused_at(
        set(g.clone(), "object_kind", Some(json!("app"))),
        "object_kind",
        "expected one of map,",
    );
    refused_at(
        set(g, "legal_basis[0].title", Some(json!(""))),
        "legal_basis[0].title",
        "expected a text",
    );
}

#[test]
fn actor_rules() {
    let a = valid(Kind::Actor);
    refused_at(
        set(a.clone(), "identifiers[0].id", Some(json!("63327"))),
        "identifiers[0].id",
        "Wikidata",
    );
    refused_at(
        set(a.clone(), "identifiers[1].id", Some(json!("12345"))),
        "identifiers[1].id",
        "expected a SIREN number (9 digits), got \"12345\"",
    );
    refused_at(
        set(
            a.clone(),
            "identifiers[2].id",
            Some(json!("549300z9uyrq8zb1vc17")),
        ),
        "identifiers[2].id",
        "expected an LEI",
    );
    refused_at(
        set(a.clone(), "identifiers[0].scheme", Some(json!("isni"))),
        "identifiers[0].scheme",
        "expected one of wikidata, siren, lei, osm, url",
    );
    refused_at(
        set(a.clone(), "sector", None),
        "sector",
        "required, but missing",
    );
    refused_at(
        set(a, "other_names[0]", Some(json!(""))),
        "other_names[0]",
        "expected a text",
    );
}

#[test]
fn actor_relation_rules() {
    let r = valid(Kind::ActorRelation);
    let p = refused_at(set(r.clone(), "tension_points", None), "meeting_points", "");
    assert!(
        p.en.starts_with("expected at least one meeting point or tension point"),
        "{}",
        p.en
    );
    refused_at(
        set(r.clone(), "tension_points", Some(json!([]))),
        "meeting_points",
        "at least one meeting point",
    );
    accepted(set(
        set(r.clone(), "tension_points", None),
        "meeting_points",
        Some(json!([{"fr": "La taxe de séjour."}])),
    ));
    refused_at(
        set(r.clone(), "object", Some(json!(A))),
        "object",
        "expected another actor than the subject, got the same id",
    );
    refused_at(
        set(r, "valence", Some(json!("neutral"))),
        "valence",
        "expected one of cooperation, tension, conflict, mixed",
    );
}

#[test]
fn skill_method_indicator_recommendation_rules() {
    refused_at(
        set(valid(Kind::Skill), "examples", Some(json!([]))),
        "examples",
        "expected at least one item",
    );
    refused_at(
        set(valid(Kind::Skill), "examples[0]", Some(json!({"fr": "x"}))),
        "examples[0]",
        "missing the text in \"en\"",
    );
    refused_at(
        set(valid(Kind::Method), "steps", Some(json!([]))),
        "steps",
        "expected at least one item",
    );
    refused_at(
        set(valid(Kind::Method), "steps[1]", Some(json!({"fr": ""}))),
        "steps[1].fr",
        "expected a text",
    );
    let i = valid(Kind::Indicator);
    refused_at(
        set(i.clone(), "observations[0].value", Some(json!("7,46"))),
        "observations[0].value",
        "expected a decimal number written as a string",
    );
    refused_at(
        set(i.clone(), "observations[0].value", Some(json!(7))),
        "observations[0].value",
        "expected a string, got the number 7",
    );
    refused_at(
        set(i.clone(), "code", Some(json!(" "))),
        "code",
        "expected a text",
    );
    refused_at(
        set(i.clone(), "unit", Some(json!(""))),
        "unit",
        "expected a text",
    );
    refused_at(
        set(i, "framework", Some(json!("ISO37120"))),
        "framework",
        "did you mean \"iso37120\"?",
    );
    let r = valid(Kind::Recommendation);
    refused_at(
        set(r.clone(), "audience", Some(json!([]))),
        "audience",
        "expected at least one item",
    );
    refused_at(
        set(r.clone(), "audience[0]", Some(json!("mayors"))),
        "audience[0]",
        "expected one of elected_officials, city_administration",
    );
    refused_at(
        set(r.clone(), "audience[1]", Some(json!("city_administration"))),
        "audience[1]",
        "already listed (audience[0])",
    );
    refused_at(
        set(r.clone(), "evidence", Some(json!([]))),
        "evidence",
        "expected at least one item",
    );
    refused_at(set(r, "lever", None), "lever", "required, but missing");
}

#[test]
fn kind_is_required_and_one_of_nine() {
    let p = refused_at(set(case(), "kind", None), "kind", "required, but missing");
    assert!(p.en.contains("case_study, scenario, governance_practice, actor, actor_relation, skill, method, indicator, recommendation"));
    let p = refused_at(set(case(), "kind", Some(json!("case"))), "kind", "");
    assert_eq!(
        p.en,
        "expected one of case_study, scenario, governance_practice, actor, actor_relation, skill, method, indicator, recommendation, got \"case\""
    );
    refused_at(
        set(case(), "kind", Some(json!(["case_study"]))),
        "kind",
        "got a list",
    );
    // With an unknown kind, the common fields are still checked.
    let found = problems(set(
        set(case(), "kind", Some(json!("study"))),
        "place.country",
        Some(json!("France")),
    ));
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["kind", "place.country"]);
}

#[test]
fn unknown_fields_are_refused_at_the_top_and_nested() {
    let p = refused_at(
        set(case(), "plase", Some(json!({"name": "x"}))),
        "plase",
        "",
    );
    assert!(
        p.en.starts_with(
            "unknown field \"plase\" (did you mean \"place\"?); expected one of kind, lang, title,"
        ),
        "{}",
        p.en
    );
    assert!(
        p.en.ends_with("innovation_stage, results, transferability, population"),
        "{}",
        p.en
    );
    assert!(
        p.fr.starts_with(
            "champ inconnu \"plase\" (vouliez-vous dire \"place\" ?) ; attendu l'un de kind,"
        ),
        "{}",
        p.fr
    );
    let p = refused_at(
        set(case(), "place.foo", Some(json!("bar"))),
        "place.foo",
        "",
    );
    assert_eq!(
        p.en,
        "unknown field \"foo\"; expected one of name, city, region, country, lat, lon, wikidata"
    );
    refused_at(
        set(case(), "sources[0].titel", Some(json!("x"))),
        "sources[0].titel",
        "(did you mean \"title\"?)",
    );
    refused_at(
        set(case(), "period.until", Some(json!("2020"))),
        "period.until",
        "unknown field \"until\"",
    );
    refused_at(
        set(valid(Kind::Scenario), "drivers[0].weight", Some(json!(3))),
        "drivers[0].weight",
        "unknown field",
    );
    // A field of another kind is unknown too.
    refused_at(
        set(valid(Kind::Skill), "steps", Some(json!([{"en": "x"}]))),
        "steps",
        "unknown field \"steps\"",
    );
}

#[test]
fn null_is_refused_anywhere() {
    let p = refused_at(set(case(), "summary", Some(Value::Null)), "summary", "");
    assert_eq!(p.en, "null is not allowed; omit the field instead");
    assert_eq!(p.fr, "null n'est pas admis ; omettez plutôt le champ");
    refused_at(
        set(case(), "place.lat", Some(Value::Null)),
        "place.lat",
        "null is not allowed",
    );
    // A null in a required field is told once, as a null.
    refused_at(
        set(case(), "problem", Some(Value::Null)),
        "problem",
        "null is not allowed",
    );
    refused_at(
        set(case(), "stakes[0]", Some(Value::Null)),
        "stakes[0]",
        "null is not allowed",
    );
}

#[test]
fn every_problem_is_collected_in_path_order() {
    let mut draft = case();
    draft = set(draft, "lang", Some(json!("FR")));
    draft = set(draft, "place.country", Some(json!("France")));
    draft = set(draft, "place.lat", Some(json!(48.85)));
    draft = set(draft, "period.start", Some(json!("2023-02-30")));
    draft = set(draft, "licence", Some(json!("CC BY")));
    draft = set(draft, "themes[0]", Some(json!("transport")));
    draft = set(draft, "themes[1]", Some(json!("transport2")));
    draft = set(draft, "tags[1]", Some(Value::Null));
    draft = set(draft, "sources[0].url", Some(json!("ftp://x")));
    draft = set(draft, "sources[0].titel", Some(json!("x")));
    draft = set(draft, "attachments[0].size", Some(json!(-3)));
    draft = set(draft, "population", Some(json!(-1)));
    draft = set(draft, "city_model", Some(json!("big_city")));
    draft = set(draft, "extra", Some(json!(1)));
    draft = set(draft, "actors[0].role", Some(json!("boss")));
    draft = set(draft, "title.fr", Some(json!("")));
    let found = problems(draft);
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "actors[0].role",
            "attachments[0].size",
            "city_model",
            "extra",
            "lang",
            "licence",
            "period.start",
            "place.country",
            "place.lat",
            "population",
            "sources[0].titel",
            "sources[0].url",
            "tags[1]",
            "themes[0]",
            "themes[1]",
            "title.fr",
        ],
        "{found:#?}"
    );
}

#[test]
fn structural_problems_in_arrays_keep_the_drafts_indices() {
    let mut draft = valid(Kind::Recommendation);
    draft = set(draft, "evidence", Some(json!([A, Value::Null, B, 5, "x"])));
    draft = set(
        draft,
        "audience",
        Some(json!(["eu", "mayors", "state", "unions"])),
    );
    let found = problems(draft);
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "audience[1]",
            "audience[3]",
            "evidence[1]",
            "evidence[3]",
            "evidence[4]"
        ],
        "{found:#?}"
    );
}

#[test]
fn texts_gather_every_language() {
    let draft = accepted(case());
    let texts = draft.texts();
    assert_eq!(texts.title, "Sharing City Seoul\nSéoul, ville du partage");
    assert_eq!(
        texts.summary,
        "A city that backs sharing.\nUne ville qui soutient le partage."
    );
    assert_eq!(
        texts.body,
        "# Séoul\n\nLe **partage** comme politique publique."
    );
    assert_eq!(
        texts.other,
        "Des ressources inemployées.\nUne ordonnance du partage.\nQui contrôle les plateformes ?\nData\nLes données\nLa marchandisation.\nDes dizaines d'entreprises du partage.\nSéoul"
    );
    assert_eq!(draft.languages(), ["en", "fr"]);
    assert_eq!(draft.tags(), ["communs", "partage"]);
    assert_eq!(draft.themes(), ["housing", "participation"]);
    assert_eq!(draft.lang(), "fr");
    assert_eq!(
        draft.summary().map(|s| s["en"].as_str()),
        Some("A city that backs sharing.")
    );
    // The value kept is the one received, not a re-serialization.
    assert_eq!(draft.value(), &case());

    let scenario = accepted(valid(Kind::Scenario)).texts();
    assert!(
        scenario
            .other
            .starts_with("Who decides where cars go?\nNavigation apps route all traffic.")
    );
    assert!(
        scenario.other.contains("Real-time routing")
            && scenario.other.contains("Cut-through traffic")
    );
    let relation = accepted(valid(Kind::ActorRelation)).texts();
    assert_eq!(relation.other, "Le numéro d'enregistrement.\nParis");
    let indicator = accepted(valid(Kind::Indicator)).texts();
    assert_eq!(indicator.other, "Votants sur inscrits.\nRapport.");
    let recommendation = accepted(valid(Kind::Recommendation)).texts();
    assert_eq!(recommendation.other, "Require it.\nIt works.");
}

#[test]
fn a_hostile_draft_gets_a_bounded_list_of_problems() {
    let mut draft = valid(Kind::Recommendation);
    let many: Vec<Value> = (0..5000)
        .map(|i| if i % 2 == 0 { json!("x") } else { Value::Null })
        .collect();
    draft = set(draft, "evidence", Some(Value::Array(many)));
    draft = set(draft, "audience", Some(json!(vec!["eu"; 5000])));
    let started = std::time::Instant::now();
    let found = problems(draft);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(found.len(), 101);
    let last = found.last().unwrap();
    assert_eq!(last.path, "(root)");
    assert!(last.en.starts_with("and at least "), "{}", last.en);
    assert!(
        last.en.ends_with(" more problems, not listed"),
        "{}",
        last.en
    );
}
