//! Property tests: random valid drafts (random languages, titles, themes, tags, Unicode texts)
//! are accepted, and what the accessors return is what was generated — compared with the
//! generator's values, not with the draft itself. Random unknown fields and words are refused at
//! their path.

use std::collections::BTreeMap;

use audacities_protocol::draft::{Draft, Format};
use audacities_protocol::model::countries::COUNTRIES;
use audacities_protocol::model::{COMMON_FIELDS, Kind, THEMES};
use proptest::prelude::*;
use serde_json::{Value, json};

const LANGS: &[&str] = &[
    "fr",
    "en",
    "de",
    "it",
    "pt-BR",
    "zh-Hant-TW",
    "es-419",
    "gsw",
];
const AUDIENCES: &[&str] = &[
    "elected_officials",
    "city_administration",
    "platforms",
    "civil_society",
    "state",
    "eu",
    "partners",
];

/// What was generated, and the draft made of it.
#[derive(Debug, Clone)]
struct Generated {
    kind: Kind,
    lang: String,
    title: BTreeMap<String, String>,
    summary: Option<BTreeMap<String, String>>,
    themes: Vec<&'static str>,
    tags: Vec<String>,
    /// The kind's long texts (and the place name), in the order `texts().other` gives them.
    other: Vec<String>,
    value: Value,
}

fn lang() -> impl Strategy<Value = String> {
    prop::sample::select(LANGS).prop_map(str::to_owned)
}

/// A text that is not blank: Unicode letters, symbols, spaces and line breaks.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[^\\s\\p{{C}}](\\PC|\n){{0,{max}}}")).unwrap()
}

/// A text per language holding `lang`, and maybe others.
fn lstr(lang: String, max: usize) -> impl Strategy<Value = BTreeMap<String, String>> {
    (
        text(max),
        prop::collection::btree_map(
            prop::sample::select(LANGS).prop_map(str::to_owned),
            text(max),
            0..3,
        ),
    )
        .prop_map(move |(own, mut others)| {
            others.insert(lang.clone(), own);
            others
        })
}

fn lstrs(
    lang: String,
    range: std::ops::Range<usize>,
) -> impl Strategy<Value = Vec<BTreeMap<String, String>>> {
    prop::collection::vec(lstr(lang, 30), range)
}

fn values(texts: &BTreeMap<String, String>) -> Vec<String> {
    texts.values().cloned().collect()
}

fn decimal(limit: i64) -> impl Strategy<Value = String> {
    (-limit..=limit, 0u32..10_000).prop_map(move |(int, frac)| {
        if int.abs() == limit {
            format!("{int}")
        } else {
            format!("{int}.{frac}")
        }
    })
}

fn common() -> impl Strategy<Value = Generated> {
    lang()
        .prop_flat_map(|lang| {
            (
                Just(lang.clone()),
                lstr(lang.clone(), 120),
                prop::option::of(lstr(lang, 400)),
                prop::sample::subsequence(THEMES.to_vec(), 1..=5).prop_shuffle(),
                prop::collection::vec(
                    proptest::string::string_regex("[^\\s\\p{C}]\\PC{0,60}").unwrap(),
                    0..5,
                ),
            )
        })
        .prop_map(|(lang, title, summary, themes, tags)| {
            let mut value = json!({
                "lang": lang,
                "title": title,
                "themes": themes,
                "licence": "CC-BY-SA-4.0",
            });
            if let Some(summary) = &summary {
                value["summary"] = json!(summary);
            }
            if !tags.is_empty() {
                value["tags"] = json!(tags);
            }
            Generated {
                kind: Kind::Skill,
                lang,
                title,
                summary,
                themes,
                tags,
                other: Vec::new(),
                value,
            }
        })
}

fn case_study() -> impl Strategy<Value = Generated> {
    common().prop_flat_map(|g| {
        let lang = g.lang.clone();
        (
            Just(g),
            lstr(lang.clone(), 200),
            lstr(lang, 200),
            text(40),
            prop::sample::select(COUNTRIES.as_slice()),
            prop::option::of((decimal(90), decimal(180))),
            prop::option::of(0i64..=9_007_199_254_740_991),
        )
            .prop_map(
                |(mut g, problem, innovation, place, country, position, population)| {
                    g.kind = Kind::CaseStudy;
                    g.value["kind"] = json!("case_study");
                    g.value["case_kind"] = json!("instance");
                    g.value["problem"] = json!(problem);
                    g.value["innovation"] = json!(innovation);
                    g.value["place"] = json!({"name": place, "country": country});
                    if let Some((lat, lon)) = position {
                        g.value["place"]["lat"] = json!(lat);
                        g.value["place"]["lon"] = json!(lon);
                    }
                    if let Some(population) = population {
                        g.value["population"] = json!(population);
                    }
                    g.other = [values(&problem), values(&innovation), vec![place]].concat();
                    g
                },
            )
    })
}

fn skill() -> impl Strategy<Value = Generated> {
    common().prop_flat_map(|g| {
        let lang = g.lang.clone();
        (Just(g), lstr(lang.clone(), 300), lstrs(lang, 1..4)).prop_map(
            |(mut g, description, examples)| {
                g.kind = Kind::Skill;
                g.value["kind"] = json!("skill");
                g.value["skill_kind"] = json!("arrangement");
                g.value["description"] = json!(description);
                g.value["examples"] = json!(examples);
                g.other = values(&description);
                for example in &examples {
                    g.other.extend(values(example));
                }
                g
            },
        )
    })
}

fn method() -> impl Strategy<Value = Generated> {
    common().prop_flat_map(|g| {
        let lang = g.lang.clone();
        (Just(g), lstr(lang.clone(), 100), lstrs(lang, 1..6)).prop_map(|(mut g, purpose, steps)| {
            g.kind = Kind::Method;
            g.value["kind"] = json!("method");
            g.value["method_type"] = json!("living_lab");
            g.value["purpose"] = json!(purpose);
            g.value["steps"] = json!(steps);
            g.other = values(&purpose);
            for step in &steps {
                g.other.extend(values(step));
            }
            g
        })
    })
}

fn recommendation() -> impl Strategy<Value = Generated> {
    common().prop_flat_map(|g| {
        let lang = g.lang.clone();
        (
            Just(g),
            lstr(lang.clone(), 100),
            lstr(lang, 100),
            prop::sample::subsequence(AUDIENCES.to_vec(), 1..=3).prop_shuffle(),
            prop::collection::vec("[0-9a-f]{64}", 1..4),
        )
            .prop_map(|(mut g, recommendation, rationale, audience, evidence)| {
                g.kind = Kind::Recommendation;
                g.value["kind"] = json!("recommendation");
                g.value["recommendation"] = json!(recommendation);
                g.value["rationale"] = json!(rationale);
                g.value["audience"] = json!(audience);
                g.value["lever"] = json!("open_data");
                g.value["evidence"] = json!(evidence);
                g.other = [values(&recommendation), values(&rationale)].concat();
                g
            })
    })
}

fn any_draft() -> impl Strategy<Value = Generated> {
    prop_oneof![case_study(), skill(), method(), recommendation()]
}

/// The accessors give back what was generated.
fn check(draft: &Draft, g: &Generated) -> Result<(), TestCaseError> {
    prop_assert_eq!(draft.kind(), g.kind);
    prop_assert_eq!(draft.lang(), g.lang.as_str());
    prop_assert_eq!(draft.title(), &g.title);
    prop_assert_eq!(draft.summary(), g.summary.as_ref());
    prop_assert_eq!(draft.themes(), g.themes.clone());
    prop_assert_eq!(
        draft.tags(),
        g.tags.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let mut languages: Vec<&str> = g.title.keys().map(String::as_str).collect();
    languages.sort_unstable();
    prop_assert_eq!(draft.languages(), languages);
    let texts = draft.texts();
    prop_assert_eq!(texts.title, values(&g.title).join("\n"));
    prop_assert_eq!(
        texts.summary,
        g.summary
            .as_ref()
            .map(|s| values(s).join("\n"))
            .unwrap_or_default()
    );
    prop_assert_eq!(texts.body, "");
    prop_assert_eq!(texts.other, g.other.join("\n"));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_drafts_read_back_from_json(g in any_draft()) {
        let text = serde_json::to_string(&g.value).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        let draft = Draft::from_value(value).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        check(&draft, &g)?;
        let draft = Draft::parse(&text, Format::Json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        check(&draft, &g)?;
    }

    #[test]
    fn generated_drafts_read_back_from_toml(g in any_draft()) {
        let text = toml::to_string(&g.value).unwrap();
        let draft = Draft::parse(&text, Format::Toml).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        check(&draft, &g)?;
    }

    #[test]
    fn markdown_text_becomes_the_body_in_lang(g in any_draft(), body in text(500)) {
        let front = toml::to_string(&g.value).unwrap();
        let text = format!("+++\n{front}+++\n{body}\n");
        let draft = Draft::parse(&text, Format::Markdown).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(draft.value()["body"][&g.lang].as_str(), Some(body.trim()));
        prop_assert_eq!(draft.texts().body, body.trim());
    }

    #[test]
    fn unknown_top_level_fields_are_refused_at_their_name(
        g in any_draft(),
        name in "[a-z_]{1,12}",
        value in prop_oneof![Just(json!("x")), Just(json!(1)), Just(json!([])), Just(json!({"a": true}))],
    ) {
        let known = audacities_protocol::draft::json_schema(g.kind);
        prop_assume!(known["properties"].get(&name).is_none());
        prop_assume!(!COMMON_FIELDS.contains(&name.as_str()));
        let mut draft = g.value.clone();
        draft[&name] = value;
        let e = Draft::from_value(draft).unwrap_err();
        prop_assert_eq!(e.problems.len(), 1);
        prop_assert_eq!(&e.problems[0].path, &name);
        let expected = format!("unknown field {name:?}");
        prop_assert!(e.problems[0].en.starts_with(&expected), "{}", e.problems[0].en);
    }

    #[test]
    fn words_outside_the_themes_are_refused_at_their_index(
        g in any_draft(),
        word in "[a-z_]{1,20}",
        at in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!THEMES.contains(&word.as_str()));
        let mut draft = g.value.clone();
        let i = at.index(g.themes.len());
        draft["themes"][i] = json!(word);
        let e = Draft::from_value(draft).unwrap_err();
        prop_assert_eq!(e.problems.len(), 1);
        prop_assert_eq!(&e.problems[0].path, &format!("themes[{i}]"));
        let expected = format!("got {word:?}");
        prop_assert!(e.problems[0].en.contains(&expected), "{}", e.problems[0].en);
    }

    #[test]
    fn problems_come_sorted_by_path(g in any_draft(), breaks in prop::collection::vec(0usize..6, 1..6)) {
        let mut draft = g.value.clone();
        for b in &breaks {
            match b {
                0 => draft["lang"] = json!("French"),
                1 => draft["licence"] = json!("CC BY"),
                2 => draft["themes"] = json!([]),
                3 => draft["tags"] = json!([""]),
                4 => draft["zzz"] = json!(1),
                _ => draft["aaa"] = json!(null),
            }
        }
        let e = Draft::from_value(draft).unwrap_err();
        let mut distinct = breaks.clone();
        distinct.sort_unstable();
        distinct.dedup();
        prop_assert_eq!(e.problems.len(), distinct.len(), "{}", e);
        let paths: Vec<&str> = e.problems.iter().map(|p| p.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        prop_assert_eq!(paths, sorted);
    }
}
