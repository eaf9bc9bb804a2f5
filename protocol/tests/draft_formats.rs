//! A valid draft of each of the nine kinds is read the same from TOML, JSON, Markdown with TOML
//! front matter and Markdown with YAML front matter; syntax errors name the line.

mod draft_common;

use audacities_protocol::draft::{Draft, Format};
use audacities_protocol::model::Kind;
use draft_common::valid;
use serde_json::{Value, json};

/// The draft without its `body`, and the body's text in the draft's lang.
fn split_body(draft: &Value) -> (Value, Option<String>) {
    let mut front = draft.clone();
    let lang = draft["lang"].as_str().unwrap().to_owned();
    let body = front
        .as_object_mut()
        .unwrap()
        .remove("body")
        .and_then(|b| b.get(&lang).and_then(Value::as_str).map(str::to_owned));
    (front, body)
}

#[test]
fn every_kind_reads_the_same_in_every_format() {
    for kind in Kind::ALL {
        let draft = valid(kind);
        let (front, body) = split_body(&draft);
        let body_text = body.clone().unwrap_or_default();

        let json_text = serde_json::to_string_pretty(&draft).unwrap();
        let toml_text = toml::to_string(&draft).unwrap();
        let md_toml = format!(
            "+++\n{}+++\n\n{body_text}\n",
            toml::to_string(&front).unwrap()
        );
        let md_yaml = format!(
            "---\n{}---\n{body_text}",
            serde_yaml_ng::to_string(&front).unwrap()
        );

        for (format, text) in [
            (Format::Json, &json_text),
            (Format::Toml, &toml_text),
            (Format::Markdown, &md_toml),
            (Format::Markdown, &md_yaml),
        ] {
            let parsed = Draft::parse(text, format)
                .unwrap_or_else(|e| panic!("{kind} as {format:?}: {e}\n{text}"));
            assert_eq!(parsed.kind(), kind);
            assert_eq!(parsed.value(), &draft, "{kind} as {format:?}");
            assert_eq!(Format::sniff(text), format, "{kind}");
        }
    }
}

const TOML_DRAFT: &str = r#"
kind = "case_study"
lang = "fr"
licence = "CC-BY-4.0"
themes = ["public_space", "participation"]
case_kind = "instance"
problem = { fr = "Un bâtiment vide." }
innovation = { fr = "Un usage civique." }

[title]
fr = "L'Asilo Filangieri"
en = "The Asilo Filangieri"

[place]
name = "Naples"
country = "IT"
lat = "40.8518"

[[sources]]
url = "https://www.exasilofilangieri.it/"
accessed = 2024-03-01
"#;

#[test]
fn toml_dates_are_read_as_their_text() {
    let draft = Draft::parse(TOML_DRAFT, Format::Toml).unwrap();
    assert_eq!(draft.value()["sources"][0]["accessed"], json!("2024-03-01"));
    assert_eq!(draft.title()["en"], "The Asilo Filangieri");
    assert_eq!(draft.themes(), ["public_space", "participation"]);
    // A datetime is read as its text too, and then it is not a `Date`.
    let with_time = TOML_DRAFT.replace("accessed = 2024-03-01", "accessed = 2024-03-01T10:00:00Z");
    let e = Draft::parse(&with_time, Format::Toml).unwrap_err();
    assert_eq!(e.problems.len(), 1);
    assert_eq!(e.problems[0].path, "sources[0].accessed");
    assert!(
        e.problems[0].en.contains("\"2024-03-01T10:00:00Z\""),
        "{}",
        e.problems[0].en
    );
}

#[test]
fn toml_floats_are_refused_at_their_path() {
    let text = TOML_DRAFT.replace("lat = \"40.8518\"", "lat = 40.8518\nlon = 14.26");
    let e = Draft::parse(&text, Format::Toml).unwrap_err();
    let paths: Vec<&str> = e.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["place.lat", "place.lon"]);
    assert!(
        e.problems[0]
            .en
            .contains("write a decimal as a string, e.g. \"48.8566\"")
    );
    assert!(e.problems[0].fr.contains("virgule flottante"));
    // inf and nan are floats too.
    let text = TOML_DRAFT.replace("lat = \"40.8518\"", "lat = inf");
    let e = Draft::parse(&text, Format::Toml).unwrap_err();
    assert_eq!(e.problems[0].path, "place.lat");
}

#[test]
fn json_and_yaml_floats_are_refused_at_their_path() {
    let text = serde_json::to_string(&valid(Kind::Scenario))
        .unwrap()
        .replace("\"horizon_year\":2040", "\"horizon_year\":2040.0");
    let e = Draft::parse(&text, Format::Json).unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_eq!(e.problems[0].path, "horizon_year");
    assert!(
        e.problems[0]
            .en
            .starts_with("floating-point numbers are not allowed")
    );

    let yaml = "---\nkind: skill\nlang: en\nlicence: CC-BY-4.0\nthemes: [education]\ntitle: {en: A skill}\nskill_kind: skill\ndescription: {en: Text}\nexamples:\n  - {en: One}\n  - {en: 2.5}\n---\n";
    let e = Draft::parse(yaml, Format::Markdown).unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_eq!(e.problems[0].path, "examples[1].en");
}

#[test]
fn markdown_text_below_the_front_matter_is_the_body_in_lang() {
    let text = "+++\nkind = \"method\"\nlang = \"fr\"\nlicence = \"CC-BY-4.0\"\nthemes = [\"education\"]\ntitle = { fr = \"Une méthode\" }\nmethod_type = \"survey\"\npurpose = { fr = \"Savoir.\" }\nsteps = [{ fr = \"Demander.\" }]\nbody = { en = \"In English.\" }\n+++\n\n  # Titre\n\nDu texte.\n\n";
    let draft = Draft::parse(text, Format::Markdown).unwrap();
    assert_eq!(
        draft.value()["body"],
        json!({"fr": "# Titre\n\nDu texte.", "en": "In English."})
    );
    assert_eq!(draft.texts().body, "In English.\n# Titre\n\nDu texte.");

    // Given twice: a problem at body.fr.
    let twice = text.replace("body = { en", "body = { fr = \"Déjà.\", en");
    let e = Draft::parse(&twice, Format::Markdown).unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_eq!(e.problems[0].path, "body.fr");
    assert!(Draft::parse_value(&twice, Format::Markdown).is_err());

    // Nothing below: no body is added (and a body without the lang's text is refused).
    let front = &text[..text.find("+++\n\n").unwrap() + 4];
    let e = Draft::parse(&format!("{front}\n   \n"), Format::Markdown).unwrap_err();
    assert_eq!(e.problems[0].path, "body");
    let front = front.replace("body = { en = \"In English.\" }\n", "");
    let draft = Draft::parse(&format!("{front}\n   \n"), Format::Markdown).unwrap();
    assert_eq!(draft.value().get("body"), None);
}

#[test]
fn markdown_yaml_front_matter_reads_like_toml() {
    let text = "\u{feff}\n---\nkind: actor\nlang: en\nlicence: CC0-1.0\nthemes:\n  - data_digital\ntitle:\n  en: Sensor.Community\nactor_category: citizen_commons\nsector: informal\n---\nA citizen network.\n";
    let draft = Draft::parse(text, Format::Markdown).unwrap();
    assert_eq!(draft.kind(), Kind::Actor);
    assert_eq!(draft.texts().body, "A citizen network.");
    assert_eq!(draft.languages(), ["en"]);
}

#[test]
fn parse_value_lets_a_caller_fill_a_default_licence() {
    let text = TOML_DRAFT.replace("licence = \"CC-BY-4.0\"\n", "");
    let e = Draft::parse(&text, Format::Toml).unwrap_err();
    assert_eq!(e.problems[0].path, "licence");
    let mut value = Draft::parse_value(&text, Format::Toml).unwrap();
    value["licence"] = json!("CC-BY-SA-4.0");
    assert!(Draft::from_value(value).is_ok());
}

#[test]
fn syntax_errors_are_at_the_root_with_line_and_column() {
    let e = Draft::parse("kind = \"skill\"\nlang = \"en\nthemes = []\n", Format::Toml).unwrap_err();
    assert_eq!(e.problems.len(), 1);
    assert_eq!(e.problems[0].path, "(root)");
    assert!(
        e.problems[0]
            .en
            .starts_with("not valid TOML: line 2, column"),
        "{}",
        e.problems[0].en
    );
    assert!(e.problems[0].fr.contains("ligne 2, colonne"));

    let e = Draft::parse("{\"kind\": \"skill\",\n\"lang\": }", Format::Json).unwrap_err();
    assert_eq!(e.problems[0].path, "(root)");
    assert!(
        e.problems[0].en.contains("line 2 column"),
        "{}",
        e.problems[0].en
    );

    // Line numbers in a front matter are the file's.
    let e = Draft::parse(
        "+++\nkind = \"skill\"\nlang = = \"en\"\n+++\n",
        Format::Markdown,
    )
    .unwrap_err();
    assert!(
        e.problems[0].en.contains("line 3, column"),
        "{}",
        e.problems[0].en
    );
    let e = Draft::parse("---\nkind: skill\nlang: [en\n---\n", Format::Markdown).unwrap_err();
    assert_eq!(e.problems[0].path, "(root)");
    assert!(
        e.problems[0].en.starts_with("not valid YAML"),
        "{}",
        e.problems[0].en
    );

    let e = Draft::parse("# Just Markdown\n", Format::Markdown).unwrap_err();
    assert!(e.problems[0].en.contains("front matter"));
    let e = Draft::parse("+++\nkind = \"skill\"\n", Format::Markdown).unwrap_err();
    assert!(
        e.problems[0].en.contains("is not closed"),
        "{}",
        e.problems[0].en
    );
}

#[test]
fn a_draft_that_is_not_a_table_is_refused_at_the_root() {
    for (text, got) in [
        ("[1, 2]", "a list"),
        ("\"case_study\"", "the string"),
        ("null", "null"),
    ] {
        let e = Draft::parse(text, Format::Json).unwrap_err();
        assert_eq!(e.problems.len(), 1);
        assert_eq!(e.problems[0].path, "(root)");
        assert!(e.problems[0].en.contains(got), "{}", e.problems[0].en);
    }
}

#[test]
fn a_key_given_twice_is_refused() {
    let e = Draft::parse(
        "{\"kind\": \"skill\", \"lang\": \"en\", \"lang\": \"fr\"}",
        Format::Json,
    )
    .unwrap_err();
    assert_eq!(e.problems.len(), 1);
    assert_eq!(e.problems[0].path, "(root)");
    assert!(
        e.problems[0].en.contains("the key \"lang\" is given twice"),
        "{}",
        e.problems[0].en
    );
    let e = Draft::parse(
        "---\nkind: skill\ntitle:\n  en: A\n  en: B\n---\n",
        Format::Markdown,
    )
    .unwrap_err();
    assert!(
        e.problems[0].en.contains("given twice") || e.problems[0].en.contains("duplicate"),
        "{}",
        e.problems[0].en
    );
    let e = Draft::parse("kind = \"skill\"\nkind = \"actor\"\n", Format::Toml).unwrap_err();
    assert_eq!(e.problems[0].path, "(root)");
}
