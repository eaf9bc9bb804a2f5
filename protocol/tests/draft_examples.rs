//! The example drafts of `examples/` (two per kind, in every format) are valid, and their kinds,
//! languages and formats are what their file names say.

use std::path::PathBuf;

use audacities_protocol::draft::{Draft, Format, json_schema};
use audacities_protocol::model::Kind;

fn examples() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("examples/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_is_a_valid_draft_of_its_kind() {
    let files = examples();
    assert_eq!(files.len(), 18);
    let mut failures = Vec::new();
    for (name, text) in &files {
        let ext = name.rsplit('.').next().unwrap();
        let format = Format::from_extension(ext).unwrap();
        match Draft::parse(text, format) {
            Ok(draft) => {
                let kind: Kind = name.split('-').nth(1).unwrap().parse().unwrap();
                assert_eq!(draft.kind(), kind, "{name}");
                let lang = name.split('-').nth(2).unwrap().split('.').next().unwrap();
                assert_eq!(draft.lang(), lang, "{name}");
                assert!(!draft.texts().title.is_empty());
                if format == Format::Markdown {
                    assert!(
                        draft.texts().body.len() > 20,
                        "{name}: the text below is the body"
                    );
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_kind_has_a_schema_naming_every_field_of_its_examples() {
    for (name, text) in examples() {
        let ext = name.rsplit('.').next().unwrap();
        let value = Draft::parse_value(&text, Format::from_extension(ext).unwrap()).unwrap();
        let draft = Draft::from_value(value.clone()).unwrap();
        let schema = json_schema(draft.kind());
        let properties = schema["properties"].as_object().unwrap();
        for (key, _) in value.as_object().unwrap() {
            assert!(
                properties.contains_key(key),
                "{name}: {key} not in the schema"
            );
        }
        for required in schema["required"].as_array().unwrap() {
            assert!(
                value.get(required.as_str().unwrap()).is_some(),
                "{name}: {required}"
            );
        }
    }
}
