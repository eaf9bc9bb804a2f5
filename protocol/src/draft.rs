//! Drafts: what a person writes (TOML, JSON, or Markdown with TOML/YAML front matter) before it
//! is validated and signed. Every error names the field path, in French and English.
//!
//! The pipeline: the text is parsed into a `serde_json::Value` (TOML dates become their text,
//! the text under a Markdown front matter becomes `body.<lang>`), then [`Draft::from_value`]
//! refuses floats and `null`, reads `kind`, deserializes the common fields and the kind's fields
//! into their structs (unknown fields refused), and runs the semantic rules of
//! `model::check`. Every problem is collected, in path order. The value that passed is kept as
//! it was received: it is what gets signed.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::model::check::{Checker, problem};
use crate::model::deser::{self, Session, describe, unknown_word};
use crate::model::{COMMON_FIELDS, Common, Content, Kind, LStr, Ref};

/// The language a message is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

/// The text format of a draft file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
    /// Markdown with front matter: TOML between `+++` lines or YAML between `---` lines; the
    /// text below is the `body` in the draft's `lang`.
    Markdown,
}

impl Format {
    /// The format named by a file's extension (`.toml`, `.json`, `.md`/`.markdown`).
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "toml" => Some(Self::Toml),
            "json" => Some(Self::Json),
            "md" | "markdown" => Some(Self::Markdown),
            _ => None,
        }
    }

    /// Guesses the format of text read from stdin: `+++`/`---` front matter is Markdown, `{` JSON,
    /// anything else TOML.
    pub fn sniff(text: &str) -> Self {
        let t = text.trim_start();
        if t.starts_with("+++") || t.starts_with("---") {
            Self::Markdown
        } else if t.starts_with('{') {
            Self::Json
        } else {
            Self::Toml
        }
    }
}

/// One thing wrong with a draft, at a field path such as `place.country` or `sources[0].url`
/// (`(root)` for the draft as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub en: String,
    pub fr: String,
}

impl Problem {
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.en)
    }
}

/// Everything wrong with a draft (at least one problem).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
pub struct DraftError {
    pub problems: Vec<Problem>,
}

/// The texts of a draft that full-text search indexes: each column holds every language's text,
/// one per line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts {
    pub title: String,
    pub summary: String,
    pub body: String,
    /// Every other long text of the kind (problem, innovation, narrative, steps, …).
    pub other: String,
}

/// A validated draft of one of the nine content kinds.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    kind: Kind,
    /// The object as received: what is signed.
    value: Value,
    common: Common,
    content: Content,
}

impl Draft {
    /// Parses and validates a draft written by a person.
    pub fn parse(text: &str, format: Format) -> Result<Self, DraftError> {
        let (value, early) = read(text, format).map_err(DraftError::one)?;
        validate(value, early)
    }

    /// Parses a draft's text into the JSON value that [`Draft::from_value`] validates, without
    /// validating it, so that a caller can fill in a default first (the node's `licence`). For a
    /// Markdown draft, the text below the front matter is already in `body.<lang>`.
    pub fn parse_value(text: &str, format: Format) -> Result<Value, DraftError> {
        let (value, early) = read(text, format).map_err(DraftError::one)?;
        if early.is_empty() {
            Ok(value)
        } else {
            Err(DraftError { problems: early })
        }
    }

    /// Validates a draft given as JSON (an entry's body received from a peer, or an API body).
    pub fn from_value(value: Value) -> Result<Self, DraftError> {
        validate(value, Vec::new())
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The JSON object that is signed as the entry's body.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The typed fields every entry has.
    pub fn common(&self) -> &Common {
        &self.common
    }

    /// The typed fields of the draft's kind.
    pub fn content(&self) -> &Content {
        &self.content
    }

    /// The original language (`lang`).
    pub fn lang(&self) -> &str {
        &self.common.lang
    }

    pub fn title(&self) -> &LStr {
        &self.common.title
    }

    pub fn summary(&self) -> Option<&LStr> {
        self.common.summary.as_ref()
    }

    /// The themes, as their vocabulary strings.
    pub fn themes(&self) -> Vec<&str> {
        self.common.themes.iter().map(|t| t.as_str()).collect()
    }

    pub fn tags(&self) -> Vec<&str> {
        self.common.tags.iter().map(String::as_str).collect()
    }

    /// The languages this draft has a title in.
    pub fn languages(&self) -> Vec<&str> {
        self.title().keys().map(String::as_str).collect()
    }

    /// Every reference this draft makes to another entry, in the draft's order: `links` (with
    /// their `rel`), then the kind's own `Ref` fields, each with the field's name as its
    /// relation (`subject`, `object`, `illustrations`, `actors.organizer`, `parent`,
    /// `evidence`, `early_signals.evidence`). The targets may not be stored anywhere yet.
    pub fn refs(&self) -> Vec<(String, &Ref)> {
        let mut out: Vec<(String, &Ref)> = self
            .common
            .links
            .iter()
            .map(|link| (link.rel.as_str().to_owned(), &link.target))
            .collect();
        match &self.content {
            Content::CaseStudy(c) => {
                out.extend(
                    c.illustrations
                        .iter()
                        .map(|r| ("illustrations".to_owned(), r)),
                );
                out.extend(
                    c.actors
                        .iter()
                        .map(|a| (format!("actors.{}", a.role.as_str()), &a.actor)),
                );
            }
            Content::Actor(a) => out.extend(a.parent.iter().map(|r| ("parent".to_owned(), r))),
            Content::ActorRelation(r) => {
                out.push(("subject".to_owned(), &r.subject));
                out.push(("object".to_owned(), &r.object));
            }
            Content::Recommendation(r) => {
                out.extend(r.evidence.iter().map(|e| ("evidence".to_owned(), e)));
            }
            Content::Scenario(s) => out.extend(
                s.early_signals
                    .iter()
                    .filter_map(|signal| signal.evidence.as_ref())
                    .map(|e| ("early_signals.evidence".to_owned(), e)),
            ),
            Content::GovernancePractice(_)
            | Content::Skill(_)
            | Content::Method(_)
            | Content::Indicator(_) => {}
        }
        out
    }

    /// Texts for the full-text index.
    pub fn texts(&self) -> Texts {
        fn lines(text: Option<&LStr>) -> String {
            text.map(|t| {
                t.values()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
        }
        let mut other = Vec::new();
        self.content.other_texts(&mut other);
        self.common.other_texts(&mut other);
        Texts {
            title: lines(Some(&self.common.title)),
            summary: lines(self.common.summary.as_ref()),
            body: lines(self.common.body.as_ref()),
            other: other.join("\n"),
        }
    }
}

impl DraftError {
    fn one(problem: Problem) -> Self {
        Self {
            problems: vec![problem],
        }
    }
}

/// Reads a draft that has no problem: the typed structs straight from the draft's members, with
/// no working copy, each compared in shape with its members without being serialized again,
/// then the semantic rules. `None` as soon as anything is amiss: [`validate`] then goes the
/// full way, which finds and names every problem. The two ways accept the same drafts (a test
/// holds them to it); this one costs about half as much, which matters for a large import,
/// where every entry goes through it.
fn read_valid(value: &Value) -> Option<(Kind, Common, Content)> {
    if !deser::is_clean(value) {
        return None;
    }
    let kind: Kind = value.get("kind")?.as_str()?.parse().ok()?;
    let common: Common = deser::read_members(value, |name| {
        name != "kind" && COMMON_FIELDS.contains(&name)
    })?;
    let content = Content::read_valid(kind, value)?;
    let mut checker = Checker::new(Some(common.lang.as_str()));
    common.check(Some(kind), &mut checker);
    content.check(&mut checker);
    checker
        .into_problems()
        .is_empty()
        .then_some((kind, common, content))
}

/// Reads `kind` from the draft as received.
fn read_kind(value: Option<&Value>, session: &mut Session) -> Option<Kind> {
    let kinds: Vec<String> = Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
    match value {
        Some(Value::String(s)) => match s.parse() {
            Ok(kind) => return Some(kind),
            Err(_) => {
                let (en, fr) = unknown_word(s, &kinds);
                session.push(problem("kind", en, fr));
            }
        },
        None => session.push(problem(
            "kind",
            format!(
                "required, but missing: the kind of entry, one of {}",
                kinds.join(", ")
            ),
            format!(
                "obligatoire, mais absent : le genre d'entrée, l'un de {}",
                kinds.join(", ")
            ),
        )),
        // `null` and floats are reported by the scan.
        Some(Value::Null) => {}
        Some(Value::Number(n)) if n.is_f64() => {}
        Some(other) => {
            let (got_en, got_fr) = describe(Some(other));
            session.push(problem(
                "kind",
                format!("expected one of {}, got {got_en}", kinds.join(", ")),
                format!("attendu l'un de {}, reçu {got_fr}", kinds.join(", ")),
            ));
        }
    }
    None
}

/// Validates a draft's value; `early` holds problems found while reading its text.
fn validate(value: Value, early: Vec<Problem>) -> Result<Draft, DraftError> {
    if early.is_empty()
        && let Some((kind, common, content)) = read_valid(&value)
    {
        return Ok(Draft {
            kind,
            value,
            common,
            content,
        });
    }
    validate_fully(value, early)
}

/// Validates a draft's value the full way, collecting every problem with its path.
fn validate_fully(value: Value, early: Vec<Problem>) -> Result<Draft, DraftError> {
    if !value.is_object() {
        let (got_en, got_fr) = describe(Some(&value));
        let mut problems = vec![problem(
            "",
            format!("expected a draft: a table (JSON object) of fields, got {got_en}"),
            format!("attendu : un brouillon, une table (objet JSON) de champs, reçu {got_fr}"),
        )];
        problems.extend(early);
        return Err(DraftError { problems });
    }
    let mut session = Session::default();
    for p in early {
        session.push(p);
    }
    let mut working = value.clone();
    session.scan(&mut working);
    let kind = read_kind(value.get("kind"), &mut session);

    let mut common_fields = Map::new();
    let mut kind_fields = Map::new();
    if let Value::Object(fields) = working {
        for (key, field) in fields {
            if key == "kind" {
                continue;
            }
            if COMMON_FIELDS.contains(&key.as_str()) {
                common_fields.insert(key, field);
            } else {
                kind_fields.insert(key, field);
            }
        }
    }
    let common: Option<Common> = session.deserialize(Value::Object(common_fields), false);
    let content =
        kind.and_then(|k| Content::deserialize(k, Value::Object(kind_fields), &mut session));

    let lang = match &common {
        Some(c) => Some(c.lang.as_str()),
        None => value.get("lang").and_then(Value::as_str),
    };
    let mut checker = Checker::new(lang);
    if let Some(common) = &common {
        common.check(kind, &mut checker);
    }
    if let Some(content) = &content {
        content.check(&mut checker);
    }
    session.add_semantic(checker.into_problems());

    match (kind, common, content) {
        (Some(kind), Some(common), Some(content)) if !session.has_problems() => Ok(Draft {
            kind,
            value,
            common,
            content,
        }),
        _ => {
            let mut problems = session.into_problems();
            if problems.is_empty() {
                problems.push(problem("", "not a valid draft", "brouillon non valide"));
            }
            Err(DraftError { problems })
        }
    }
}

/// Line and column (from 1, in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// TOML text to a JSON value. Dates and datetimes become their text; floats stay floats, to be
/// refused at their path by the scan (a non-finite one as `0.0`).
fn read_toml(text: &str, what: &str) -> Result<Value, Problem> {
    match text.parse::<toml::Table>() {
        Ok(table) => Ok(toml_to_json(toml::Value::Table(table))),
        Err(e) => {
            let message = e.message().trim().replace('\n', "; ");
            let (en_at, fr_at) = match e.span() {
                Some(span) => {
                    let (line, column) = line_column(text, span.start);
                    (
                        format!("line {line}, column {column}: "),
                        format!("ligne {line}, colonne {column} : "),
                    )
                }
                None => (String::new(), String::new()),
            };
            Err(problem(
                "",
                format!("not valid {what}: {en_at}{message}"),
                format!("{what} non valide : {fr_at}{message}"),
            ))
        }
    }
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(if f.is_finite() { f } else { 0.0 }),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

/// Reads any value, like `serde_json::Value`, but refuses a key given twice in one table (which
/// JSON and YAML parsers otherwise resolve silently, dropping one of the values). A non-finite
/// float becomes `0.0`, to be refused as a float at its path.
struct Strict;

impl<'de> serde::de::DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(if v.is_finite() { v } else { 0.0 }))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if fields.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key {key:?} is given twice"
                )));
            }
            let value = map.next_value_seed(Strict)?;
            fields.insert(key, value);
        }
        Ok(Value::Object(fields))
    }
}

fn read_json(text: &str) -> Result<Value, Problem> {
    use serde::de::DeserializeSeed;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Strict
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|e| {
            problem(
                "",
                format!("not valid JSON: {e}"),
                format!("JSON non valide : {e}"),
            )
        })
}

fn read_yaml(text: &str) -> Result<Value, Problem> {
    use serde::de::DeserializeSeed;
    Strict
        .deserialize(serde_yaml_ng::Deserializer::from_str(text))
        .map_err(|e| {
            problem(
                "",
                format!("not valid YAML front matter: {e}"),
                format!("front matter YAML non valide : {e}"),
            )
        })
}

/// A Markdown draft cut in two.
struct FrontMatter<'a> {
    /// `+++` (TOML) or `---` (YAML).
    delimiter: &'static str,
    /// The front matter, preceded by as many empty lines as precede it in the file, so that a
    /// parser's line numbers are the file's.
    source: String,
    /// The text below the closing line.
    below: &'a str,
}

fn split_front_matter(text: &str) -> Result<FrontMatter<'_>, Problem> {
    let missing = || {
        problem(
            "",
            "expected a Markdown draft to start with front matter: TOML between \"+++\" lines, or YAML between \"---\" lines",
            "attendu : un brouillon Markdown qui commence par un front matter, du TOML entre des lignes \"+++\" ou du YAML entre des lignes \"---\"",
        )
    };
    let mut offset = 0;
    let mut line_number = 0;
    let mut lines = text.split_inclusive('\n');
    let delimiter = loop {
        let line = lines.next().ok_or_else(missing)?;
        offset += line.len();
        line_number += 1;
        match line.trim() {
            "" => continue,
            "+++" => break "+++",
            "---" => break "---",
            _ => return Err(missing()),
        }
    };
    let opening = line_number;
    let start = offset;
    for line in lines {
        if line.trim_end() == delimiter {
            let end = offset;
            let below = &text[end + line.len()..];
            let source = "\n".repeat(opening) + &text[start..end];
            return Ok(FrontMatter {
                delimiter,
                source,
                below,
            });
        }
        offset += line.len();
    }
    Err(problem(
        "",
        format!(
            "the front matter opened with {delimiter:?} on line {opening} is not closed: add a line {delimiter:?} after it"
        ),
        format!(
            "le front matter ouvert par {delimiter:?} à la ligne {opening} n'est pas fermé : ajoutez une ligne {delimiter:?} après lui"
        ),
    ))
}

/// A draft's text to its JSON value, with the problems found on the way that do not stop the
/// reading (a Markdown body given twice).
fn read(text: &str, format: Format) -> Result<(Value, Vec<Problem>), Problem> {
    match format {
        Format::Toml => Ok((read_toml(text, "TOML")?, Vec::new())),
        Format::Json => Ok((read_json(text)?, Vec::new())),
        Format::Markdown => read_markdown(text),
    }
}

/// Front matter, then the body in the draft's `lang`.
fn read_markdown(text: &str) -> Result<(Value, Vec<Problem>), Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let front = split_front_matter(text)?;
    let mut value = if front.delimiter == "+++" {
        read_toml(&front.source, "TOML front matter")?
    } else {
        read_yaml(&front.source)?
    };
    let body = front.below.trim();
    let mut early = Vec::new();
    if !body.is_empty()
        && let Value::Object(fields) = &mut value
        && let Some(Value::String(lang)) = fields.get("lang").cloned()
    {
        // Without a `lang` (or with a body that is not a table), validation reports the field.
        if let Value::Object(texts) = fields
            .entry("body")
            .or_insert_with(|| Value::Object(Map::new()))
        {
            if texts.contains_key(&lang) {
                early.push(problem(
                    &format!("body.{lang}"),
                    "given twice: in the front matter and as the text below it; keep one",
                    "donné deux fois : dans le front matter et comme texte en dessous ; n'en gardez qu'un",
                ));
            } else {
                texts.insert(lang, Value::String(body.to_owned()));
            }
        }
    }
    Ok((value, early))
}

/// The JSON Schema (draft 2020-12) of a kind's draft, for editors and local tools.
pub fn json_schema(kind: Kind) -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let common = Common::json_schema(&mut generator).to_value();
    let specific = Content::schema(kind, &mut generator).to_value();
    let definitions = generator.take_definitions(true);

    let mut properties = Map::new();
    properties.insert(
        "kind".to_owned(),
        json!({ "description": "The kind of entry.", "const": kind.as_str() }),
    );
    let mut required = vec![json!("kind")];
    for part in [&common, &specific] {
        if let Some(Value::Object(props)) = part.get("properties") {
            properties.extend(props.clone());
        }
        if let Some(Value::Array(names)) = part.get("required") {
            for name in names {
                if !required.contains(name) {
                    required.push(name.clone());
                }
            }
        }
    }
    let mut root = Map::new();
    root.insert(
        "$schema".to_owned(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("title".to_owned(), json!(kind.as_str()));
    root.insert(
        "description".to_owned(),
        json!(format!(
            "A draft of an AudaCities commons entry of kind {kind} (shared/DATA-MODEL.md). Floats and null are not allowed anywhere."
        )),
    );
    root.insert("type".to_owned(), json!("object"));
    root.insert("properties".to_owned(), Value::Object(properties));
    root.insert("required".to_owned(), Value::Array(required));
    root.insert("additionalProperties".to_owned(), json!(false));
    let rules = Content::schema_rules(kind);
    if !rules.is_empty() {
        root.insert("allOf".to_owned(), Value::Array(rules));
    }
    if !definitions.is_empty() {
        root.insert("$defs".to_owned(), Value::Object(definitions));
    }
    let mut root = Value::Object(root);
    strip_null(&mut root);
    root
}

/// Removes what schemars adds for `Option` fields (`null` types, `null` branches): a draft
/// omits a field, it never writes `null`.
fn strip_null(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".to_owned(), only);
                }
            }
            if let Some(Value::Array(words)) = map.get_mut("enum") {
                words.retain(|w| !w.is_null());
            }
            if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
                branches.retain(|b| b.get("type") != Some(&json!("null")));
                if branches.len() == 1
                    && let Some(Value::Object(only)) = branches.pop()
                {
                    map.remove("anyOf");
                    for (k, v) in only {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            for value in map.values_mut() {
                strip_null(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every example, and every way of breaking each of its parts that the full way names:
    /// the quick way must accept exactly the drafts the full way accepts, with the same typed
    /// result.
    #[test]
    fn the_quick_way_accepts_what_the_full_way_accepts() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut examples = 0;
        let mut compared = 0;
        let mut accepted = 0;
        for file in std::fs::read_dir(&dir).expect("examples/") {
            let path = file.expect("entry").path();
            let Some(format) = path
                .extension()
                .and_then(|e| e.to_str())
                .and_then(Format::from_extension)
            else {
                continue;
            };
            if path.file_name().is_some_and(|n| n == "README.md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read example");
            let value = Draft::parse_value(&text, format).expect("example parses");
            examples += 1;
            let mut variants = vec![value.clone()];
            variants_of(&value, &value, &mut Vec::new(), &mut variants);
            for variant in variants {
                let quick = read_valid(&variant);
                let full = validate_fully(variant.clone(), Vec::new());
                match (&quick, &full) {
                    (Some((kind, common, content)), Ok(draft)) => {
                        assert_eq!(
                            (kind, common, content),
                            (&draft.kind, &draft.common, &draft.content)
                        );
                        accepted += 1;
                    }
                    (None, Err(_)) => {}
                    _ => panic!(
                        "{}: the quick way says {}, the full way {:?}, for {variant}",
                        path.display(),
                        quick.is_some(),
                        full.map(|_| ())
                    ),
                }
                compared += 1;
            }
        }
        assert_eq!(
            examples, 18,
            "the examples of all nine kinds, in two languages"
        );
        assert!(compared > 10_000, "only {compared} variants compared");
        assert!(accepted > examples, "only {accepted} variants accepted");
    }

    /// Pushes onto `out` copies of `root` where the part at `path` (`at`) is replaced, removed,
    /// or given a member, for every part.
    fn variants_of(root: &Value, at: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Value>) {
        let mut replace = |with: Value| out.push(replaced(root, path, Some(with)));
        replace(json!("word"));
        replace(json!(7));
        replace(json!(1.5));
        replace(json!(true));
        replace(Value::Null);
        replace(json!([]));
        replace(json!({}));
        replace(json!([at]));
        replace(json!({ "en": at }));
        match at {
            Value::Object(members) => {
                replace(Value::Array(members.values().cloned().collect()));
                let mut more = members.clone();
                more.insert("zzz".into(), json!("x"));
                replace(Value::Object(more));
            }
            Value::Array(items) => {
                if let Some(first) = items.first() {
                    replace(first.clone());
                }
            }
            Value::String(s) => {
                replace(json!({ s.as_str(): [] }));
                replace(json!({ s.as_str(): {} }));
                replace(json!([s]));
            }
            _ => {}
        }
        if !path.is_empty() {
            out.push(replaced(root, path, None));
        }
        match at {
            Value::Object(members) => {
                for (name, member) in members {
                    path.push(PathStep::Member(name.clone()));
                    variants_of(root, member, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(PathStep::Item(i));
                    variants_of(root, item, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    enum PathStep {
        Member(String),
        Item(usize),
    }

    /// A copy of `root` with the part at `path` replaced by `with`, or removed.
    fn replaced(root: &Value, path: &[PathStep], with: Option<Value>) -> Value {
        let mut copy = root.clone();
        let Some((last, parent)) = path.split_last() else {
            return with.unwrap_or(Value::Null);
        };
        let mut at = &mut copy;
        for step in parent {
            at = match step {
                PathStep::Member(name) => &mut at[name.as_str()],
                PathStep::Item(i) => &mut at[*i],
            };
        }
        match (last, with) {
            (PathStep::Member(name), Some(with)) => at[name.as_str()] = with,
            (PathStep::Item(i), Some(with)) => at[*i] = with,
            (PathStep::Member(name), None) => {
                at.as_object_mut().map(|m| m.remove(name));
            }
            (PathStep::Item(i), None) => {
                at.as_array_mut().map(|items| items.remove(*i));
            }
        }
        copy
    }
}
