//! The JSON Schema of each kind agrees with the validator: it names every field the validator
//! knows, it accepts the valid drafts and the examples, and it refuses what is structurally
//! wrong. A small validator of the keywords the schema uses stands in for a full one (`pattern`
//! and `format` are not checked here).

mod draft_common;

use std::path::PathBuf;

use audacities_protocol::draft::{Draft, Format, json_schema};
use audacities_protocol::model::{COMMON_FIELDS, Kind};
use draft_common::{set, valid};
use serde_json::{Value, json};

/// Whether `value` is valid against `schema` (`root` holds `$defs`).
fn conforms(root: &Value, schema: &Value, value: &Value) -> bool {
    let Some(s) = schema.as_object() else {
        return schema.as_bool().unwrap_or(false);
    };
    if let Some(Value::String(r)) = s.get("$ref") {
        let name = r.strip_prefix("#/$defs/").expect("local refs only");
        if !conforms(root, &root["$defs"][name], value) {
            return false;
        }
    }
    if let Some(Value::String(t)) = s.get("type") {
        let ok = match t.as_str() {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            other => panic!("type {other} not expected in the schema"),
        };
        if !ok {
            return false;
        }
    }
    if let Some(c) = s.get("const")
        && c != value
    {
        return false;
    }
    if let Some(Value::Array(words)) = s.get("enum")
        && !words.contains(value)
    {
        return false;
    }
    if let Some(text) = value.as_str() {
        let len = text.chars().count() as u64;
        if s.get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| len < m)
            || s.get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| len > m)
        {
            return false;
        }
    }
    if let Some(n) = value.as_i64()
        && (s
            .get("minimum")
            .and_then(Value::as_i64)
            .is_some_and(|m| n < m)
            || s.get("maximum")
                .and_then(Value::as_i64)
                .is_some_and(|m| n > m))
    {
        return false;
    }
    if let Some(items) = value.as_array() {
        if s.get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| (items.len() as u64) < m)
        {
            return false;
        }
        if s.get("uniqueItems") == Some(&json!(true))
            && items
                .iter()
                .enumerate()
                .any(|(i, it)| items[..i].contains(it))
        {
            return false;
        }
        if let Some(item) = s.get("items")
            && !items.iter().all(|it| conforms(root, item, it))
        {
            return false;
        }
    }
    if let Some(map) = value.as_object() {
        if s.get("minProperties")
            .and_then(Value::as_u64)
            .is_some_and(|m| (map.len() as u64) < m)
        {
            return false;
        }
        if let Some(Value::Array(required)) = s.get("required")
            && !required
                .iter()
                .all(|r| map.contains_key(r.as_str().unwrap()))
        {
            return false;
        }
        let properties = s.get("properties").and_then(Value::as_object);
        for (key, v) in map {
            let sub = match properties.and_then(|p| p.get(key)) {
                Some(p) => Some(p),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => return false,
                    Some(extra @ Value::Object(_)) => Some(extra),
                    _ => None,
                },
            };
            if sub.is_some_and(|sub| !conforms(root, sub, v)) {
                return false;
            }
        }
    }
    if let Some(Value::Array(all)) = s.get("allOf")
        && !all.iter().all(|sub| conforms(root, sub, value))
    {
        return false;
    }
    if let Some(Value::Array(any)) = s.get("anyOf")
        && !any.iter().any(|sub| conforms(root, sub, value))
    {
        return false;
    }
    if let Some(Value::Array(one)) = s.get("oneOf")
        && one.iter().filter(|sub| conforms(root, sub, value)).count() != 1
    {
        return false;
    }
    if let Some(not) = s.get("not")
        && conforms(root, not, value)
    {
        return false;
    }
    if let Some(condition) = s.get("if")
        && conforms(root, condition, value)
        && let Some(then) = s.get("then")
        && !conforms(root, then, value)
    {
        return false;
    }
    true
}

fn valid_against_schema(value: &Value) -> bool {
    let kind: Kind = value["kind"].as_str().unwrap().parse().unwrap();
    let schema = json_schema(kind);
    conforms(&schema, &schema, value)
}

#[test]
fn the_schema_is_a_2020_12_object_schema_of_the_kind() {
    for kind in Kind::ALL {
        let schema = json_schema(kind);
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["title"], kind.as_str());
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["properties"]["kind"]["const"], kind.as_str());
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        for field in ["kind", "lang", "title", "themes", "licence"] {
            assert!(required.contains(&field), "{kind}: {field}");
        }
        for field in COMMON_FIELDS {
            assert!(schema["properties"].get(field).is_some(), "{kind}: {field}");
        }
        // Drafts omit fields; they never write null.
        assert!(!schema.to_string().contains("\"null\""), "{kind}");
        // Every $ref points at a definition.
        let text = schema.to_string();
        for piece in text.split("\"$ref\":\"#/$defs/").skip(1) {
            let name = &piece[..piece.find('"').unwrap()];
            assert!(schema["$defs"].get(name).is_some(), "{kind}: {name}");
        }
    }
}

#[test]
fn the_schema_names_exactly_the_fields_the_validator_knows() {
    for kind in Kind::ALL {
        let schema = json_schema(kind);
        for (field, _) in schema["properties"].as_object().unwrap() {
            if field == "kind" {
                continue;
            }
            // A field the validator knows is refused for its value, not as unknown.
            let e = Draft::from_value(set(valid(kind), field, Some(json!([[true]])))).unwrap_err();
            assert!(
                e.problems
                    .iter()
                    .all(|p| !p.en.starts_with("unknown field")),
                "{kind}: {field}: {e}"
            );
        }
        let e = Draft::from_value(set(valid(kind), "not_a_field", Some(json!(1)))).unwrap_err();
        assert!(e.problems[0].en.starts_with("unknown field"));
    }
}

#[test]
fn the_schema_accepts_the_valid_drafts_and_the_examples() {
    for kind in Kind::ALL {
        assert!(valid_against_schema(&valid(kind)), "{kind}");
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "README.md") {
            continue;
        }
        let Some(format) = path
            .extension()
            .and_then(|e| Format::from_extension(&e.to_string_lossy()))
        else {
            continue;
        };
        let value = Draft::parse_value(&std::fs::read_to_string(&path).unwrap(), format).unwrap();
        assert!(valid_against_schema(&value), "{}", path.display());
        seen += 1;
    }
    assert_eq!(seen, 18);
}

#[test]
fn the_schema_refuses_structural_faults() {
    let case = valid(Kind::CaseStudy);
    for (path, value) in [
        ("plase", Some(json!("x"))),
        ("place.foo", Some(json!("x"))),
        ("kind", Some(json!("scenario"))),
        ("themes", Some(json!([]))),
        ("themes[0]", Some(json!("transport"))),
        ("themes[1]", Some(json!("housing"))),
        ("title", Some(json!({}))),
        ("title.fr", Some(json!(""))),
        ("title.fr", Some(json!("é".repeat(301)))),
        ("summary", Some(Value::Null)),
        ("place.country", Some(json!("France"))),
        ("place", Some(json!(["Séoul", "KR"]))),
        ("place", None),
        ("licence", Some(json!("CC BY"))),
        ("population", Some(json!(-1))),
        ("population", Some(json!("9"))),
        ("city_model", None),
        ("stakes", Some(json!([]))),
        ("attachments[0].size", Some(json!(-1))),
        ("attachments[0].name", Some(json!(".."))),
        ("links[0].rel", Some(json!("cites"))),
        ("sources[0].url", None),
    ] {
        let broken = set(case.clone(), path, value.clone());
        assert!(!valid_against_schema(&broken), "{path} = {value:?}");
        assert!(Draft::from_value(broken).is_err(), "{path} = {value:?}");
    }
    let relation = set(valid(Kind::ActorRelation), "tension_points", None);
    assert!(!valid_against_schema(&relation));
    let scenario = set(valid(Kind::Scenario), "horizon_year", Some(json!(3001)));
    assert!(!valid_against_schema(&scenario));
    let practice = set(
        valid(Kind::GovernancePractice),
        "results[0].progress",
        Some(json!(101)),
    );
    assert!(!valid_against_schema(&practice));
}
