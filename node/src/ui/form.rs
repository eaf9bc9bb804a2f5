//! The publish form, generated from the data model, and the way back from the submitted form
//! fields to a draft.
//!
//! Nothing here is written per kind: the fields come from the kind's JSON Schema
//! ([`json_schema`]), their order from the model's structs (the order of `shared/DATA-MODEL.md`),
//! and validation is the protocol's ([`Draft::from_value`]), whose problems are mapped back to
//! the form's fields.
//!
//! **Field names** are the draft's field paths, with list indices as path segments:
//! - a scalar is its path: `lang`, `licence`, `case_kind`, `horizon_year`, `place.country`,
//!   `period.start`, `period.ongoing` (a checkbox: `on` is `true`);
//! - a text per language (`LStr`) has one input per language: `title.fr`, `title.en` (the
//!   original language, French and English, and any other language submitted);
//! - a list of words of a vocabulary is a set of checkboxes sharing one name (`themes`);
//! - `tags` is one input, comma-separated; other lists of strings are one item per line
//!   (`other_names`), lists of ids are separated by spaces or new lines (`evidence`);
//! - a list of texts per language has one textarea per language, one item per line, line `i` of
//!   each language making item `i` (`stakes.fr`, `stakes.en`);
//! - a list of objects has indexed rows (`sources.0.url`, `sources.0.title`, `sources.1.url`,
//!   `drivers.0.label.fr`…): three rows, or one more than the filled ones; an all-empty row is
//!   dropped, and the rows are renumbered (compacted) both in the draft and when the form is
//!   rendered again, so that an error's row is the draft's.
//!
//! Empty inputs are left out of the draft, so optional fields stay absent; values are trimmed;
//! an integer that does not parse stays a string, for the protocol to report at its path.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::OnceLock;

use audacities_protocol::Draft;
pub use audacities_protocol::draft::Lang;
use audacities_protocol::draft::{Problem, json_schema};
use audacities_protocol::model::check::is_language_tag;
use audacities_protocol::model::{self, COMMON_FIELDS, Kind};
use serde::de::{DeserializeOwned, Visitor};
use serde_json::{Map, Value};

use crate::ui::html::push_escaped;

/// A problem with the submitted form, at a form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field's name (`place.country`, `title.fr`, `sources.0.url`) when the problem is
    /// about one; else the name of a group of fields (`place`, `sources.1`) or the protocol's
    /// path (`(root)` for the draft as a whole).
    pub path: String,
    /// The message, in the interface's language (prefixed with the line or item it is about,
    /// for fields that hold several items).
    pub message: String,
}

/// The draft made of the submitted values, as `(name, value)` pairs in order (an
/// `application/x-www-form-urlencoded` body parsed by the caller). Names that are not fields of
/// the kind's form are ignored (a CSRF token, a button); `kind` is always `kind`.
pub fn to_draft(kind: Kind, fields: &[(String, String)]) -> Value {
    build(kind, fields).value
}

/// Validates the submitted values through the protocol ([`Draft::from_value`]). Each problem
/// becomes a [`FieldError`] whose `path` is the name of the form field it is about when there is
/// one, with its message in `ui`.
pub fn validate(
    kind: Kind,
    fields: &[(String, String)],
    ui: Lang,
) -> Result<Draft, Vec<FieldError>> {
    let built = build(kind, fields);
    let lang = original_language(
        built
            .value
            .get("lang")
            .and_then(Value::as_str)
            .unwrap_or(""),
        ui,
    );
    let mut missing = Vec::new();
    missing_required(form(kind), built.value.as_object(), "", &lang, &mut missing);
    Draft::from_value(built.value).map_err(|error| {
        let mut errors: Vec<FieldError> = error
            .problems
            .iter()
            .map(|p| field_error(form(kind), p, ui, &lang, &built.lines))
            .collect();
        // The protocol stops at the first required field missing from an object: the others
        // are told at once.
        for path in missing {
            if !errors.iter().any(|e| e.path == path) {
                let message = tr(ui, "required, but missing", "obligatoire, mais absent");
                errors.push(FieldError {
                    path,
                    message: message.to_owned(),
                });
            }
        }
        errors
    })
}

/// The form's fields for `kind`, as an HTML fragment (a hidden `kind` input, then fieldsets,
/// labels and inputs; not the `<form>` element itself), pre-filled with `fields`. Each error is
/// shown as `<p class="field-error" data-field="{path}">` right after its input (which gets
/// `aria-invalid="true"`), or at the top of its group; errors that match no field are listed at
/// the top.
pub fn render(kind: Kind, fields: &[(String, String)], errors: &[FieldError], ui: Lang) -> String {
    let vals = values(fields);
    let submitted_lang = first(&vals, "lang").unwrap_or_default();
    let mut r = Render {
        ui,
        lang: original_language(&submitted_lang, ui),
        vals,
        errors,
        used: vec![false; errors.len()],
        out: String::new(),
    };
    let out = &mut r.out;
    out.push_str("<input type=\"hidden\" name=\"kind\" value=\"");
    push_escaped(out, kind.as_str());
    out.push_str("\">\n<p class=\"form-note\">");
    out.push_str(star(ui));
    out.push(' ');
    out.push_str(tr(ui, "required", "obligatoire"));
    out.push_str("</p>\n");
    let (common, specific): (Vec<&Field>, Vec<&Field>) = form(kind)
        .iter()
        .partition(|f| COMMON_FIELDS.contains(&f.name.as_str()));
    for (legend, part) in [
        (tr(ui, "Entry", "Entrée").to_owned(), common),
        (kind_label(kind, ui).to_owned(), specific),
    ] {
        r.out.push_str("<fieldset class=\"form-part\"><legend>");
        push_escaped(&mut r.out, &legend);
        r.out.push_str("</legend>\n");
        for f in part {
            r.field(f, &f.name, &f.name, &f.name, true);
        }
        r.out.push_str("</fieldset>\n");
    }

    let mut html = String::new();
    let left: Vec<&FieldError> = errors
        .iter()
        .zip(&r.used)
        .filter(|(_, used)| !**used)
        .map(|(e, _)| e)
        .collect();
    if !left.is_empty() {
        html.push_str("<div class=\"form-errors\" role=\"alert\">\n");
        for e in left {
            html.push_str("<p class=\"field-error\" data-field=\"");
            push_escaped(&mut html, &e.path);
            html.push_str("\">");
            if e.path != "(root)" && !e.path.is_empty() {
                push_escaped(&mut html, &e.path);
                html.push_str(tr(ui, ": ", " : "));
            }
            push_escaped(&mut html, &e.message);
            html.push_str("</p>\n");
        }
        html.push_str("</div>\n");
    }
    html.push_str(&r.out);
    html
}

/// The name of a kind, for people.
pub fn kind_label(kind: Kind, ui: Lang) -> &'static str {
    let (en, fr) = match kind {
        Kind::CaseStudy => ("Case study", "Étude de cas"),
        Kind::Scenario => ("Scenario", "Scénario"),
        Kind::GovernancePractice => ("Governance practice", "Pratique de gouvernance"),
        Kind::Actor => ("Actor", "Acteur"),
        Kind::ActorRelation => ("Actor relation", "Relation entre acteurs"),
        Kind::Skill => ("Skill", "Compétence"),
        Kind::Method => ("Method", "Méthode"),
        Kind::Indicator => ("Indicator", "Indicateur"),
        Kind::Recommendation => ("Recommendation", "Recommandation"),
    };
    tr(ui, en, fr)
}

// ---------------------------------------------------------------------------------------------
// The form's fields, from the JSON Schema.

/// One field of the form (a property of the draft or of one of its objects).
#[derive(Debug, Clone)]
struct Field {
    /// The property's name.
    name: String,
    shape: Shape,
    /// Required in its object.
    required: bool,
    /// Required under a condition (another field's value), or one of several.
    condition: Option<Condition>,
}

#[derive(Debug, Clone)]
enum Condition {
    /// Required when `field` is `word`.
    When { field: String, word: String },
    /// At least one of these fields.
    OneOf(Vec<String>),
}

#[derive(Debug, Clone)]
enum Shape {
    /// A string.
    Text(Text),
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// A checkbox.
    Bool,
    /// A word of a vocabulary (`def` names it): a select.
    Choice {
        def: String,
        words: Vec<String>,
    },
    /// A language tag: a select.
    Language,
    /// A text per language: one input (or textarea) per language.
    LStr {
        max: Option<u64>,
    },
    /// A list of words of a vocabulary: checkboxes.
    Checkboxes {
        def: String,
        words: Vec<String>,
    },
    /// A list of strings in one input or textarea.
    List {
        split: Split,
    },
    /// A list of texts per language: one textarea per language, an item per line.
    LStrList,
    /// A list of objects: indexed rows.
    Rows(Vec<Field>),
    /// An object: a fieldset.
    Group(Vec<Field>),
}

/// A string field's constraints.
#[derive(Debug, Clone, Default)]
struct Text {
    /// The schema definition it comes from (`Date`, `Ref`, `HttpUrl`, …), or empty.
    def: String,
    pattern: Option<String>,
    maxlength: Option<u64>,
}

/// How a list of strings is written in one control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Split {
    /// `a, b, c` (tags).
    Comma,
    /// Separated by spaces, commas or new lines (ids).
    Words,
    /// One per line.
    Lines,
}

/// The fields of `kind`'s form, computed once.
fn form(kind: Kind) -> &'static [Field] {
    static FORMS: OnceLock<Vec<Vec<Field>>> = OnceLock::new();
    let forms = FORMS.get_or_init(|| Kind::ALL.iter().map(|&k| kind_fields(k)).collect());
    Kind::ALL
        .iter()
        .position(|&k| k == kind)
        .and_then(|i| forms.get(i))
        .map_or(&[], Vec::as_slice)
}

fn kind_fields(kind: Kind) -> Vec<Field> {
    let schema = json_schema(kind);
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let props = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut required = names(schema.get("required"));
    let mut conditions = BTreeMap::new();
    for rule in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(cond), Some(then)) = (rule.get("if"), rule.get("then")) {
            let when = cond
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .find_map(|(f, s)| Some((f.clone(), s.get("const")?.as_str()?.to_owned())));
            if let Some((field, word)) = when {
                for name in names(then.get("required")) {
                    let (field, word) = (field.clone(), word.clone());
                    conditions.insert(name, Condition::When { field, word });
                }
            }
        } else if let Some(branches) = rule.get("anyOf").and_then(Value::as_array) {
            let all: Vec<String> = branches
                .iter()
                .flat_map(|b| names(b.get("required")))
                .collect();
            for name in &all {
                conditions.insert(name.clone(), Condition::OneOf(all.clone()));
            }
        } else {
            required.extend(names(rule.get("required")));
        }
    }
    let order: Vec<&str> = COMMON_FIELDS
        .iter()
        .copied()
        .chain(kind_order(kind).iter().copied())
        .filter(|&n| n != "kind")
        .collect();
    let mut fields = object_fields(props, &required, &order, defs, 0);
    fields.retain(|f| f.name != "kind");
    for f in &mut fields {
        f.condition = conditions.remove(&f.name);
    }
    fields
}

/// The strings of a schema's `required` (or any list of names).
fn names(list: Option<&Value>) -> BTreeSet<String> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_owned))
        .collect()
}

/// The fields of an object schema's `properties`, in `order` (then any other, by name).
fn object_fields(
    props: &Map<String, Value>,
    required: &BTreeSet<String>,
    order: &[&str],
    defs: &Map<String, Value>,
    depth: usize,
) -> Vec<Field> {
    let mut ordered: Vec<&str> = order
        .iter()
        .copied()
        .filter(|n| props.contains_key(*n))
        .collect();
    ordered.extend(
        props
            .keys()
            .map(String::as_str)
            .filter(|n| !order.contains(n)),
    );
    ordered
        .into_iter()
        .filter_map(|name| {
            Some(Field {
                name: name.to_owned(),
                shape: shape(props.get(name)?, defs, depth),
                required: required.contains(name),
                condition: None,
            })
        })
        .collect()
}

/// A schema and the name of the definition it refers to (empty when inline).
fn resolve<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> (&'a str, &'a Value) {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        Some(name) => (name, defs.get(name).unwrap_or(schema)),
        None => ("", schema),
    }
}

fn shape(schema: &Value, defs: &Map<String, Value>, depth: usize) -> Shape {
    let (def, s) = resolve(schema, defs);
    match def {
        "LanguageTag" => return Shape::Language,
        // 249 codes: a text input rather than a select.
        "CountryCode" => {
            return Shape::Text(Text {
                def: def.to_owned(),
                pattern: Some("[A-Z]{2}".to_owned()),
                maxlength: Some(2),
            });
        }
        _ => {}
    }
    if let Some(words) = s.get("enum").and_then(Value::as_array) {
        return Shape::Choice {
            def: def.to_owned(),
            words: words
                .iter()
                .filter_map(|w| w.as_str().map(str::to_owned))
                .collect(),
        };
    }
    match s.get("type").and_then(Value::as_str).unwrap_or("") {
        "object" => match s.get("properties").and_then(Value::as_object) {
            Some(props) if depth < 4 => Shape::Group(object_fields(
                props,
                &names(s.get("required")),
                def_order(def),
                defs,
                depth + 1,
            )),
            Some(_) => Shape::Text(Text::default()),
            None => Shape::LStr {
                max: s
                    .pointer("/additionalProperties/maxLength")
                    .and_then(Value::as_u64),
            },
        },
        "array" => match shape(s.get("items").unwrap_or(&Value::Null), defs, depth) {
            Shape::Choice { def, words } => Shape::Checkboxes { def, words },
            Shape::LStr { .. } => Shape::LStrList,
            Shape::Group(fields) => Shape::Rows(fields),
            Shape::Text(item) => Shape::List {
                split: match item.def.as_str() {
                    "Tag" => Split::Comma,
                    "Ref" | "Blake3Hash" => Split::Words,
                    _ => Split::Lines,
                },
            },
            _ => Shape::List {
                split: Split::Lines,
            },
        },
        "integer" => Shape::Integer {
            min: s.get("minimum").and_then(Value::as_i64),
            max: s.get("maximum").and_then(Value::as_i64),
        },
        "boolean" => Shape::Bool,
        _ => Shape::Text(Text {
            def: def.to_owned(),
            pattern: s
                .get("pattern")
                .and_then(Value::as_str)
                .and_then(html_pattern),
            maxlength: s.get("maxLength").and_then(Value::as_u64),
        }),
    }
}

/// A schema's pattern as an HTML `pattern` attribute, which is anchored at both ends and read
/// with the `v` flag: only patterns anchored at both ends, without the class syntax that `v`
/// refuses (which would make the browser ignore the attribute).
fn html_pattern(pattern: &str) -> Option<String> {
    let inner = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let unsafe_for_v = ["[^", "-]", "/", "\\u"];
    (!unsafe_for_v.iter().any(|s| inner.contains(s))).then(|| inner.to_owned())
}

/// The names of a struct's fields in declaration order, as serde knows them.
fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Introspect(&mut fields));
    fields
}

/// A deserializer that only records the field names a struct asks for.
struct Introspect<'a>(&'a mut &'static [&'static str]);

impl<'de> serde::Deserializer<'de> for Introspect<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(serde::de::Error::custom("fields recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The field order of a kind's struct.
fn kind_order(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::CaseStudy => struct_fields::<model::CaseStudy>(),
        Kind::Scenario => struct_fields::<model::Scenario>(),
        Kind::GovernancePractice => struct_fields::<model::GovernancePractice>(),
        Kind::Actor => struct_fields::<model::Actor>(),
        Kind::ActorRelation => struct_fields::<model::ActorRelation>(),
        Kind::Skill => struct_fields::<model::Skill>(),
        Kind::Method => struct_fields::<model::Method>(),
        Kind::Indicator => struct_fields::<model::Indicator>(),
        Kind::Recommendation => struct_fields::<model::Recommendation>(),
    }
}

/// The field order of the struct behind a schema definition (empty if unknown: then by name).
fn def_order(def: &str) -> &'static [&'static str] {
    match def {
        "Place" => struct_fields::<model::Place>(),
        "Period" => struct_fields::<model::Period>(),
        "Source" => struct_fields::<model::Source>(),
        "Link" => struct_fields::<model::Link>(),
        "Attachment" => struct_fields::<model::Attachment>(),
        "CaseActor" => struct_fields::<model::CaseActor>(),
        "Driver" => struct_fields::<model::Driver>(),
        "EarlySignal" => struct_fields::<model::EarlySignal>(),
        "LegalBasis" => struct_fields::<model::LegalBasis>(),
        "PracticeResult" => struct_fields::<model::PracticeResult>(),
        "Dataset" => struct_fields::<model::Dataset>(),
        "Identifier" => struct_fields::<model::Identifier>(),
        "Observation" => struct_fields::<model::Observation>(),
        _ => &[],
    }
}

// ---------------------------------------------------------------------------------------------
// From the submitted fields to a draft.

/// The submitted values by name, each name's values in order.
type Values<'a> = BTreeMap<&'a str, Vec<&'a str>>;

fn values(fields: &[(String, String)]) -> Values<'_> {
    let mut vals: Values<'_> = BTreeMap::new();
    for (name, value) in fields {
        vals.entry(name.as_str()).or_default().push(value.as_str());
    }
    vals
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// A submitted value with browser line ends (CRLF) made `\n` and trimmed; `None` if blank.
fn clean(value: &str) -> Option<String> {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The first non-blank value of `name`, cleaned.
fn first(vals: &Values<'_>, name: &str) -> Option<String> {
    vals.get(name)?.iter().find_map(|v| clean(v))
}

/// The raw values of `name` (to pre-fill a control).
fn raw<'a>(vals: &Values<'a>, name: &str) -> &'a str {
    vals.get(name)
        .and_then(|v| v.first())
        .copied()
        .unwrap_or("")
}

/// The submitted `(rest, values)` of the names `prefix.rest`, `rest` holding no `.`.
fn children<'a, 'v>(vals: &'v Values<'a>, prefix: &str) -> Vec<(&'a str, &'v [&'a str])> {
    let start = format!("{prefix}.");
    vals.range::<str, _>((Bound::Included(start.as_str()), Bound::Unbounded))
        .take_while(|(k, _)| k.starts_with(&start))
        .filter_map(|(k, v)| {
            let rest = &k[start.len()..];
            (!rest.contains('.')).then_some((rest, v.as_slice()))
        })
        .collect()
}

/// The indices of the rows of `prefix` that hold at least one non-blank value, in order.
fn row_indices(vals: &Values<'_>, prefix: &str) -> Vec<usize> {
    let start = format!("{prefix}.");
    let mut rows = BTreeSet::new();
    for (k, v) in vals
        .range::<str, _>((Bound::Included(start.as_str()), Bound::Unbounded))
        .take_while(|(k, _)| k.starts_with(&start))
    {
        let index = k[start.len()..].split('.').next().unwrap_or("");
        if let Ok(i) = index.parse::<usize>()
            && i.to_string() == index
            && v.iter().any(|v| !v.trim().is_empty())
        {
            rows.insert(i);
        }
    }
    rows.into_iter().collect()
}

/// The draft, and for each field that holds one item per line, the line of each item.
struct Built {
    value: Value,
    lines: BTreeMap<String, Vec<usize>>,
}

fn build(kind: Kind, fields: &[(String, String)]) -> Built {
    let vals = values(fields);
    let mut lines = BTreeMap::new();
    let mut map = Map::new();
    map.insert("kind".to_owned(), Value::String(kind.as_str().to_owned()));
    build_object(form(kind), "", "", &vals, &mut map, &mut lines);
    Built {
        value: Value::Object(map),
        lines,
    }
}

/// Fills `out` with the fields read from the names under `src`; `name` is the prefix of the
/// draft's (compacted) path.
fn build_object(
    fields: &[Field],
    name: &str,
    src: &str,
    vals: &Values<'_>,
    out: &mut Map<String, Value>,
    lines: &mut BTreeMap<String, Vec<usize>>,
) {
    for f in fields {
        let (name, src) = (join(name, &f.name), join(src, &f.name));
        if let Some(value) = build_field(f, &name, &src, vals, lines) {
            out.insert(f.name.clone(), value);
        }
    }
}

fn non_empty_array(items: Vec<Value>) -> Option<Value> {
    (!items.is_empty()).then_some(Value::Array(items))
}

fn build_field(
    f: &Field,
    name: &str,
    src: &str,
    vals: &Values<'_>,
    lines: &mut BTreeMap<String, Vec<usize>>,
) -> Option<Value> {
    match &f.shape {
        Shape::Text(_) | Shape::Choice { .. } | Shape::Language => {
            first(vals, src).map(Value::String)
        }
        Shape::Integer { .. } => first(vals, src).map(|s| match s.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(s),
        }),
        Shape::Bool => first(vals, src).map(|s| match s.as_str() {
            "on" | "true" => Value::Bool(true),
            "off" | "false" => Value::Bool(false),
            _ => Value::String(s),
        }),
        Shape::LStr { .. } => {
            let texts: Map<String, Value> = children(vals, src)
                .into_iter()
                .filter_map(|(tag, v)| {
                    let text = v.iter().find_map(|v| clean(v))?;
                    Some((tag.to_owned(), Value::String(text)))
                })
                .collect();
            (!texts.is_empty()).then_some(Value::Object(texts))
        }
        Shape::Checkboxes { .. } => non_empty_array(
            vals.get(src)
                .into_iter()
                .flatten()
                .filter_map(|v| clean(v).map(Value::String))
                .collect(),
        ),
        Shape::List { split } => {
            let text = vals.get(src).map(|v| v.join("\n")).unwrap_or_default();
            let items: Vec<String> = match split {
                Split::Comma => text.split(',').filter_map(clean).collect(),
                Split::Words => text
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter_map(clean)
                    .collect(),
                Split::Lines => {
                    let mut items = Vec::new();
                    let mut at = Vec::new();
                    for (i, line) in split_lines(&text).into_iter().enumerate() {
                        if let Some(line) = clean(line) {
                            items.push(line);
                            at.push(i);
                        }
                    }
                    lines.insert(name.to_owned(), at);
                    items
                }
            };
            non_empty_array(items.into_iter().map(Value::String).collect())
        }
        Shape::LStrList => {
            let per_tag: Vec<(&str, Vec<&str>)> = children(vals, src)
                .into_iter()
                .map(|(tag, v)| (tag, v.first().map_or(Vec::new(), |t| split_lines(t))))
                .collect();
            let count = per_tag.iter().map(|(_, l)| l.len()).max().unwrap_or(0);
            let mut items = Vec::new();
            let mut at = Vec::new();
            for i in 0..count {
                let item: Map<String, Value> = per_tag
                    .iter()
                    .filter_map(|(tag, l)| {
                        let text = clean(l.get(i)?)?;
                        Some(((*tag).to_owned(), Value::String(text)))
                    })
                    .collect();
                if !item.is_empty() {
                    items.push(Value::Object(item));
                    at.push(i);
                }
            }
            lines.insert(name.to_owned(), at);
            non_empty_array(items)
        }
        Shape::Rows(children) => {
            let mut items = Vec::new();
            for i in row_indices(vals, src) {
                let mut row = Map::new();
                let row_name = format!("{name}.{}", items.len());
                build_object(
                    children,
                    &row_name,
                    &format!("{src}.{i}"),
                    vals,
                    &mut row,
                    lines,
                );
                if !row.is_empty() {
                    items.push(Value::Object(row));
                }
            }
            non_empty_array(items)
        }
        Shape::Group(children) => {
            let mut group = Map::new();
            build_object(children, name, src, vals, &mut group, lines);
            (!group.is_empty()).then_some(Value::Object(group))
        }
    }
}

/// The lines of a textarea's value (CRLF, CR or LF ends).
fn split_lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// The original language: the submitted one when it is a language tag, else the interface's.
fn original_language(submitted: &str, ui: Lang) -> String {
    if is_language_tag(submitted) {
        submitted.to_owned()
    } else {
        tr(ui, "en", "fr").to_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// From the protocol's problems to the form's fields.

enum Seg {
    Key(String),
    Index(usize),
}

/// `sources[0].url` → `sources`, 0, `url`.
fn parse_path(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    if path == "(root)" {
        return segs;
    }
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            segs.push(Seg::Key(key.to_owned()));
        }
        while let Some((index, after)) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
            match index.parse() {
                Ok(i) => segs.push(Seg::Index(i)),
                Err(_) => segs.push(Seg::Key(index.to_owned())),
            }
            rest = after;
        }
    }
    segs
}

/// Which line or item of a multi-item field a problem is about.
enum Note {
    Line(usize),
    Item(usize),
}

/// The form name a draft path is about (a field, or a group of fields), if any.
fn locate(
    fields: &[Field],
    segs: &[Seg],
    prefix: &str,
    lang: &str,
    lines: &BTreeMap<String, Vec<usize>>,
) -> Option<(String, Option<Note>)> {
    let (Seg::Key(key), rest) = segs.split_first()? else {
        return None;
    };
    let f = fields.iter().find(|f| &f.name == key)?;
    let name = join(prefix, key);
    let line_of = |i: usize| {
        lines
            .get(&name)
            .and_then(|at| at.get(i))
            .copied()
            .unwrap_or(i)
    };
    Some(match (&f.shape, rest) {
        (Shape::Rows(_) | Shape::Group(_), []) => (name, None),
        (Shape::Rows(_), [Seg::Index(i)]) => (format!("{name}.{i}"), None),
        (Shape::Rows(children), [Seg::Index(i), more @ ..]) => {
            return locate(children, more, &format!("{name}.{i}"), lang, lines);
        }
        (Shape::Group(children), more) => return locate(children, more, &name, lang, lines),
        (Shape::LStr { .. }, []) => (format!("{name}.{lang}"), None),
        (Shape::LStr { .. }, [Seg::Key(tag), ..]) => (format!("{name}.{tag}"), None),
        (Shape::LStrList, []) => (format!("{name}.{lang}"), None),
        (Shape::LStrList, [Seg::Index(i)]) => {
            (format!("{name}.{lang}"), Some(Note::Line(line_of(*i))))
        }
        (Shape::LStrList, [Seg::Index(i), Seg::Key(tag), ..]) => {
            (format!("{name}.{tag}"), Some(Note::Line(line_of(*i))))
        }
        (Shape::List { split }, [Seg::Index(i), ..]) => {
            let note = match split {
                Split::Lines => Note::Line(line_of(*i)),
                Split::Comma | Split::Words => Note::Item(*i),
            };
            (name, Some(note))
        }
        _ => (name, None),
    })
}

/// The form names of the required fields missing from `object` (and from its required or
/// present objects), by the schema.
fn missing_required(
    fields: &[Field],
    object: Option<&Map<String, Value>>,
    prefix: &str,
    lang: &str,
    out: &mut Vec<String>,
) {
    for f in fields {
        let name = join(prefix, &f.name);
        match (object.and_then(|o| o.get(&f.name)), &f.shape) {
            (None, Shape::Group(children)) if f.required => {
                missing_required(children, None, &name, lang, out)
            }
            (None, Shape::LStr { .. } | Shape::LStrList) if f.required => {
                out.push(format!("{name}.{lang}"))
            }
            (None, _) if f.required => out.push(name),
            (Some(Value::Object(inner)), Shape::Group(children)) => {
                missing_required(children, Some(inner), &name, lang, out)
            }
            (Some(Value::Array(items)), Shape::Rows(children)) => {
                for (i, item) in items.iter().enumerate() {
                    let row = format!("{name}.{i}");
                    missing_required(children, item.as_object(), &row, lang, out);
                }
            }
            _ => {}
        }
    }
}

fn field_error(
    fields: &[Field],
    problem: &Problem,
    ui: Lang,
    lang: &str,
    lines: &BTreeMap<String, Vec<usize>>,
) -> FieldError {
    let located = locate(fields, &parse_path(&problem.path), "", lang, lines);
    let (path, note) = located.unwrap_or_else(|| (problem.path.clone(), None));
    let note = match note {
        Some(Note::Line(i)) => match ui {
            Lang::En => format!("line {}: ", i + 1),
            Lang::Fr => format!("ligne {} : ", i + 1),
        },
        Some(Note::Item(i)) => match ui {
            Lang::En => format!("item {}: ", i + 1),
            Lang::Fr => format!("élément {} : ", i + 1),
        },
        None => String::new(),
    };
    FieldError {
        path,
        message: note + problem.message(ui),
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering.

struct Render<'a> {
    ui: Lang,
    /// The original language (gets the `required` inputs of texts per language).
    lang: String,
    vals: Values<'a>,
    errors: &'a [FieldError],
    used: Vec<bool>,
    out: String,
}

fn tr<'s>(ui: Lang, en: &'s str, fr: &'s str) -> &'s str {
    match ui {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

fn star(ui: Lang) -> &'static str {
    match ui {
        Lang::En => "<abbr class=\"required\" title=\"required\">*</abbr>",
        Lang::Fr => "<abbr class=\"required\" title=\"obligatoire\">*</abbr>",
    }
}

/// Rows of a list of objects shown when none is filled.
const ROWS: usize = 3;

impl Render<'_> {
    fn push(&mut self, html: &str) {
        self.out.push_str(html);
    }

    fn text(&mut self, text: &str) {
        push_escaped(&mut self.out, text);
    }

    fn attr(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        push_escaped(&mut self.out, value);
        self.out.push('"');
    }

    /// Marks the errors about `name` as shown and returns them.
    fn take_errors(&mut self, name: &str) -> Vec<usize> {
        let mut taken = Vec::new();
        for (i, e) in self.errors.iter().enumerate() {
            if e.path == name && !self.used[i] {
                self.used[i] = true;
                taken.push(i);
            }
        }
        taken
    }

    /// `id`, `name` and, with errors, `aria-invalid` and `aria-describedby`.
    fn control_attrs(&mut self, id: &str, name: &str, errors: &[usize]) {
        self.attr("id", id);
        self.attr("name", name);
        if !errors.is_empty() {
            self.push(" aria-invalid=\"true\"");
            let ids: Vec<String> = errors.iter().map(|i| format!("{name}.error{i}")).collect();
            self.attr("aria-describedby", &ids.join(" "));
        }
    }

    fn error_paragraphs(&mut self, id: &str, errors: &[usize]) {
        for &i in errors {
            let e = &self.errors[i];
            self.out.push_str("<p class=\"field-error\" data-field=\"");
            push_escaped(&mut self.out, &e.path);
            self.out.push_str("\" id=\"");
            push_escaped(&mut self.out, &format!("{id}.error{i}"));
            self.out.push_str("\">");
            push_escaped(&mut self.out, &e.message);
            self.out.push_str("</p>\n");
        }
    }

    /// A label's or legend's text: the field's label, a star when required, its condition.
    fn caption(&mut self, f: &Field, key: &str) {
        let label = field_label(key, self.ui);
        self.text(&label);
        if f.required {
            self.push(" ");
            self.push(star(self.ui));
        }
        let ui = self.ui;
        let condition = match &f.condition {
            Some(Condition::When { field, word }) => Some(match ui {
                Lang::En => format!(
                    "required when “{}” is “{}”",
                    field_label(field, ui),
                    word_label("", word, ui)
                ),
                Lang::Fr => format!(
                    "obligatoire quand « {} » vaut « {} »",
                    field_label(field, ui),
                    word_label("", word, ui)
                ),
            }),
            Some(Condition::OneOf(all)) => {
                let labels: Vec<String> = all.iter().map(|n| field_label(n, ui)).collect();
                Some(match ui {
                    Lang::En => format!("at least one of: {}", labels.join(", ")),
                    Lang::Fr => format!("au moins l'un de : {}", labels.join(", ")),
                })
            }
            None => None,
        };
        if let Some(condition) = condition {
            self.push(" <small class=\"field-condition\">(");
            self.text(&condition);
            self.push(")</small>");
        }
    }

    fn hint(&mut self, en: &str, fr: &str) {
        self.push("<p class=\"field-hint\">");
        let text = tr(self.ui, en, fr);
        self.text(text);
        self.push("</p>\n");
    }

    /// Renders field `f` named `name`, pre-filled from the values under `src`; `key` is its
    /// label key (its path without indices); `req` says whether its object is required.
    fn field(&mut self, f: &Field, name: &str, src: &str, key: &str, req: bool) {
        let required = req && f.required;
        match &f.shape {
            Shape::LStr { max } => self.lstr(f, name, src, key, required, *max),
            Shape::LStrList => self.lstr_list(f, name, src, key, required),
            Shape::Checkboxes { def, words } => self.checkboxes(f, name, src, key, def, words),
            Shape::Rows(children) => self.rows(f, name, src, key, children),
            Shape::Group(children) => {
                self.push("<fieldset class=\"field-group\"><legend>");
                self.caption(f, key);
                self.push("</legend>\n");
                let errors = self.take_errors(name);
                self.error_paragraphs(name, &errors);
                for c in children {
                    self.field(
                        c,
                        &join(name, &c.name),
                        &join(src, &c.name),
                        &join(key, &c.name),
                        required,
                    );
                }
                self.push("</fieldset>\n");
            }
            Shape::Bool => {
                let errors = self.take_errors(name);
                self.push("<div class=\"field field-check\"><input type=\"checkbox\"");
                self.control_attrs(name, name, &errors);
                self.push(" value=\"on\"");
                if matches!(first(&self.vals, src).as_deref(), Some("on" | "true")) {
                    self.push(" checked");
                }
                self.push("> <label");
                self.attr("for", name);
                self.push(">");
                self.caption(f, key);
                self.push("</label>\n");
                self.error_paragraphs(name, &errors);
                self.push("</div>\n");
            }
            _ => self.scalar(f, name, src, key, required),
        }
    }

    /// A field with one control: an input, a select or a textarea.
    fn scalar(&mut self, f: &Field, name: &str, src: &str, key: &str, required: bool) {
        let errors = self.take_errors(name);
        let value = raw(&self.vals, src);
        self.push("<div class=\"field\"><label");
        self.attr("for", name);
        self.push(">");
        self.caption(f, key);
        self.push("</label>\n");
        match &f.shape {
            Shape::List { split } => match split {
                Split::Comma => self.hint("Separated by commas.", "Séparés par des virgules."),
                Split::Words => self.hint(
                    "Entry ids (64 hexadecimal characters), separated by spaces or new lines.",
                    "Identifiants d'entrées (64 caractères hexadécimaux), séparés par des espaces ou des retours à la ligne.",
                ),
                Split::Lines => self.hint("One per line.", "Un par ligne."),
            },
            Shape::Text(t) if t.def == "Ref" => self.hint(
                "The id of an entry: 64 hexadecimal characters.",
                "L'identifiant d'une entrée : 64 caractères hexadécimaux.",
            ),
            _ => {}
        }
        match &f.shape {
            Shape::Text(t) => {
                let kind = if t.def == "HttpUrl" { "url" } else { "text" };
                self.push("<input");
                self.attr("type", kind);
                self.control_attrs(name, name, &errors);
                self.attr("value", value);
                if let Some(pattern) = &t.pattern {
                    self.attr("pattern", pattern);
                }
                if let Some(max) = t.maxlength {
                    self.attr("maxlength", &max.to_string());
                }
                if let Some(example) = placeholder(&t.def, self.ui) {
                    self.attr("placeholder", example);
                }
                if required {
                    self.push(" required");
                }
                self.push(">\n");
            }
            Shape::Integer { min, max } => {
                self.push("<input type=\"number\"");
                self.control_attrs(name, name, &errors);
                self.attr("value", value);
                if let Some(min) = min {
                    self.attr("min", &min.to_string());
                }
                if let Some(max) = max {
                    self.attr("max", &max.to_string());
                }
                if required {
                    self.push(" required");
                }
                self.push(">\n");
            }
            Shape::Choice { def, words } => {
                let default = if required && def == "LicenceId" {
                    Some("CC-BY-4.0")
                } else {
                    None
                };
                let chosen = first(&self.vals, src).or(default.map(str::to_owned));
                let options: Vec<(String, String)> = words
                    .iter()
                    .map(|w| (w.clone(), word_label(def, w, self.ui)))
                    .collect();
                self.select(name, &errors, required, default.is_none(), chosen, options);
            }
            Shape::Language => {
                let chosen = first(&self.vals, src).unwrap_or_else(|| self.lang.clone());
                let options: Vec<(String, String)> = LANGUAGES
                    .iter()
                    .map(|(tag, en, fr)| {
                        (
                            (*tag).to_owned(),
                            format!("{} ({tag})", tr(self.ui, en, fr)),
                        )
                    })
                    .collect();
                self.select(name, &errors, required, false, Some(chosen), options);
            }
            Shape::List {
                split: Split::Comma,
            } => {
                self.push("<input type=\"text\"");
                self.control_attrs(name, name, &errors);
                self.attr("value", value);
                if required {
                    self.push(" required");
                }
                self.push(">\n");
            }
            _ => self.textarea(name, &errors, value, 3, None, required),
        }
        self.error_paragraphs(name, &errors);
        self.push("</div>\n");
    }

    fn select(
        &mut self,
        name: &str,
        errors: &[usize],
        required: bool,
        empty_option: bool,
        chosen: Option<String>,
        mut options: Vec<(String, String)>,
    ) {
        if let Some(chosen) = &chosen
            && !options.iter().any(|(w, _)| w == chosen)
        {
            // A word outside the list stays shown, for its error to make sense.
            options.push((chosen.clone(), chosen.clone()));
        }
        self.push("<select");
        self.control_attrs(name, name, errors);
        if required {
            self.push(" required");
        }
        self.push(">\n");
        if empty_option {
            self.push("<option value=\"\"></option>\n");
        }
        for (word, label) in options {
            self.push("<option");
            self.attr("value", &word);
            if chosen.as_deref() == Some(word.as_str()) {
                self.push(" selected");
            }
            self.push(">");
            self.text(&label);
            self.push("</option>\n");
        }
        self.push("</select>\n");
    }

    fn textarea(
        &mut self,
        name: &str,
        errors: &[usize],
        value: &str,
        rows: usize,
        maxlength: Option<u64>,
        required: bool,
    ) {
        self.push("<textarea");
        self.control_attrs(name, name, errors);
        self.attr("rows", &rows.to_string());
        if let Some(max) = maxlength {
            self.attr("maxlength", &max.to_string());
        }
        if required {
            self.push(" required");
        }
        // The parser drops one newline right after the start tag: a value that starts with
        // one keeps it.
        self.push(">\n");
        self.text(value);
        self.push("</textarea>\n");
    }

    /// The languages a text per language is shown in: the original one, French, English, then
    /// any other submitted under `src`.
    fn languages(&self, src: &str) -> Vec<String> {
        let mut tags = vec![self.lang.clone()];
        for base in ["fr", "en"] {
            if !tags.iter().any(|t| t == base) {
                tags.push(base.to_owned());
            }
        }
        for (tag, v) in children(&self.vals, src) {
            if is_language_tag(tag)
                && v.iter().any(|v| !v.trim().is_empty())
                && !tags.iter().any(|t| t == tag)
            {
                tags.push(tag.to_owned());
            }
        }
        tags
    }

    fn language_label(&mut self, tag: &str, name: &str) {
        let label = LANGUAGES
            .iter()
            .find(|(t, _, _)| *t == tag)
            .map_or(tag, |(_, en, fr)| tr(self.ui, en, fr));
        self.push("<label");
        self.attr("for", name);
        self.push(">");
        self.text(label);
        self.push("</label>\n");
    }

    fn lstr(
        &mut self,
        f: &Field,
        name: &str,
        src: &str,
        key: &str,
        required: bool,
        max: Option<u64>,
    ) {
        self.push("<fieldset class=\"field-group lstr\"><legend>");
        self.caption(f, key);
        self.push("</legend>\n");
        let errors = self.take_errors(name);
        self.error_paragraphs(name, &errors);
        let long = max.is_none_or(|m| m > 300);
        if max.is_some_and(|m| m > 2000) {
            self.hint("Markdown allowed.", "Markdown accepté.");
        }
        for tag in self.languages(src) {
            let (input, from) = (format!("{name}.{tag}"), format!("{src}.{tag}"));
            let errors = self.take_errors(&input);
            let value = raw(&self.vals, &from);
            let required = required && tag == self.lang;
            self.push("<div class=\"field\">");
            self.language_label(&tag, &input);
            if long {
                let rows = if max.is_some_and(|m| m > 10_000) {
                    8
                } else {
                    4
                };
                self.textarea(&input, &errors, value, rows, max, required);
            } else {
                self.push("<input type=\"text\"");
                self.control_attrs(&input, &input, &errors);
                self.attr("value", value);
                if let Some(max) = max {
                    self.attr("maxlength", &max.to_string());
                }
                if required {
                    self.push(" required");
                }
                self.push(">\n");
            }
            self.error_paragraphs(&input, &errors);
            self.push("</div>\n");
        }
        self.push("</fieldset>\n");
    }

    fn lstr_list(&mut self, f: &Field, name: &str, src: &str, key: &str, required: bool) {
        self.push("<fieldset class=\"field-group lstr-list\"><legend>");
        self.caption(f, key);
        self.push("</legend>\n");
        self.hint(
            "One item per line; line N of each language is the same item.",
            "Un élément par ligne ; la ligne N de chaque langue est le même élément.",
        );
        let errors = self.take_errors(name);
        self.error_paragraphs(name, &errors);
        for tag in self.languages(src) {
            let (input, from) = (format!("{name}.{tag}"), format!("{src}.{tag}"));
            let errors = self.take_errors(&input);
            let value = raw(&self.vals, &from);
            self.push("<div class=\"field\">");
            self.language_label(&tag, &input);
            self.textarea(
                &input,
                &errors,
                value,
                4,
                None,
                required && tag == self.lang,
            );
            self.error_paragraphs(&input, &errors);
            self.push("</div>\n");
        }
        self.push("</fieldset>\n");
    }

    fn checkboxes(
        &mut self,
        f: &Field,
        name: &str,
        src: &str,
        key: &str,
        def: &str,
        words: &[String],
    ) {
        self.push("<fieldset class=\"field-group choices\"><legend>");
        self.caption(f, key);
        self.push("</legend>\n");
        let errors = self.take_errors(name);
        // The checked words first, in their submitted order (the draft keeps it), then the
        // others in the vocabulary's order.
        let mut checked: Vec<String> = Vec::new();
        for v in self.vals.get(src).into_iter().flatten() {
            if let Some(v) = clean(v)
                && !checked.contains(&v)
            {
                checked.push(v);
            }
        }
        let others = words.iter().filter(|w| !checked.contains(w)).cloned();
        let all: Vec<(String, bool)> = checked
            .iter()
            .cloned()
            .map(|w| (w, true))
            .chain(others.map(|w| (w, false)))
            .collect();
        for (word, on) in all {
            let id = format!("{name}.{word}");
            self.push("<span class=\"choice\"><input type=\"checkbox\"");
            self.control_attrs(&id, name, &errors);
            self.attr("value", &word);
            if on {
                self.push(" checked");
            }
            self.push("><label");
            self.attr("for", &id);
            self.push(">");
            let label = word_label(def, &word, self.ui);
            self.text(&label);
            self.push("</label></span>\n");
        }
        self.error_paragraphs(name, &errors);
        self.push("</fieldset>\n");
    }

    fn rows(&mut self, f: &Field, name: &str, src: &str, key: &str, children: &[Field]) {
        self.push("<fieldset class=\"field-group rows\"><legend>");
        self.caption(f, key);
        self.push("</legend>\n");
        self.hint("Empty rows are ignored.", "Les lignes vides sont ignorées.");
        let errors = self.take_errors(name);
        self.error_paragraphs(name, &errors);
        let filled = row_indices(&self.vals, src);
        let count = ROWS.max(filled.len() + 1);
        let spare = filled.last().map_or(0, |last| last + 1);
        let label = field_label(key, self.ui);
        for k in 0..count {
            let row = format!("{name}.{k}");
            let from = format!("{src}.{}", filled.get(k).copied().unwrap_or(spare + k));
            self.push("<fieldset class=\"row\"><legend>");
            self.text(&format!("{label} {}", k + 1));
            self.push("</legend>\n");
            let errors = self.take_errors(&row);
            self.error_paragraphs(&row, &errors);
            for c in children {
                self.field(
                    c,
                    &join(&row, &c.name),
                    &join(&from, &c.name),
                    &join(key, &c.name),
                    false,
                );
            }
            self.push("</fieldset>\n");
        }
        self.push("</fieldset>\n");
    }
}

/// A placeholder showing the form of a value.
fn placeholder(def: &str, ui: Lang) -> Option<&'static str> {
    Some(match def {
        "Date" => tr(ui, "YYYY-MM-DD", "AAAA-MM-JJ"),
        "Decimal" => "48.8566",
        "CountryCode" => "FR",
        "WikidataId" => "Q90",
        "MediaType" => "application/pdf",
        "HttpUrl" => "https://",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Labels.

/// The languages offered for `lang` (tag, English name, French name).
const LANGUAGES: &[(&str, &str, &str)] = &[
    ("fr", "French", "français"),
    ("en", "English", "anglais"),
    ("de", "German", "allemand"),
    ("es", "Spanish", "espagnol"),
    ("it", "Italian", "italien"),
    ("pt", "Portuguese", "portugais"),
    ("nl", "Dutch", "néerlandais"),
    ("ca", "Catalan", "catalan"),
    ("pl", "Polish", "polonais"),
];

/// Field labels (English, French), by path without indices; a name alone applies wherever no
/// longer path matches.
const LABELS: &[(&str, &str, &str)] = &[
    ("kind", "Kind of entry", "Type d'entrée"),
    ("lang", "Original language", "Langue d'origine"),
    ("title", "Title", "Titre"),
    ("summary", "Summary", "Résumé"),
    ("body", "Text", "Texte"),
    ("themes", "Themes", "Thèmes"),
    ("tags", "Keywords", "Mots-clés"),
    ("place", "Place", "Lieu"),
    ("place.name", "Name of the place", "Nom du lieu"),
    ("place.city", "City", "Ville"),
    ("place.region", "Region", "Région"),
    ("place.country", "Country (ISO code)", "Pays (code ISO)"),
    ("place.lat", "Latitude", "Latitude"),
    ("place.lon", "Longitude", "Longitude"),
    ("place.wikidata", "Wikidata item", "Élément Wikidata"),
    ("period", "Period", "Période"),
    ("period.start", "Start", "Début"),
    ("period.end", "End", "Fin"),
    ("period.ongoing", "Ongoing", "En cours"),
    ("licence", "Licence", "Licence"),
    ("sources", "Sources", "Sources"),
    ("sources.url", "Address (URL)", "Adresse (URL)"),
    ("sources.title", "Title", "Titre"),
    ("sources.accessed", "Consulted on", "Consultée le"),
    ("sources.note", "Note", "Note"),
    (
        "links",
        "Links to other entries",
        "Liens vers d'autres entrées",
    ),
    ("links.rel", "Relation", "Relation"),
    (
        "links.target",
        "Linked entry (id)",
        "Entrée liée (identifiant)",
    ),
    ("links.note", "Note", "Note"),
    ("attachments", "Attachments", "Pièces jointes"),
    (
        "attachments.hash",
        "blake3 hash of the file",
        "Empreinte blake3 du fichier",
    ),
    ("attachments.size", "Size (bytes)", "Taille (octets)"),
    ("attachments.media_type", "Media type", "Type de média"),
    ("attachments.name", "File name", "Nom du fichier"),
    (
        "attachments.licence",
        "Licence of the file",
        "Licence du fichier",
    ),
    // case_study
    ("case_kind", "Kind of case", "Type de cas"),
    ("city_model", "City model", "Modèle de ville"),
    ("problem", "Problem addressed", "Problème traité"),
    ("innovation", "Innovation", "Innovation"),
    ("stakes", "Governance stakes", "Enjeux de gouvernance"),
    (
        "vigilance_points",
        "Points of vigilance",
        "Points de vigilance",
    ),
    (
        "conditions_for_success",
        "Conditions for success",
        "Conditions de réussite",
    ),
    (
        "illustrations",
        "Cases that illustrate it",
        "Cas qui l'illustrent",
    ),
    ("actors", "Actors", "Acteurs"),
    ("actors.actor", "Actor (id)", "Acteur (identifiant)"),
    ("actors.role", "Role", "Rôle"),
    (
        "innovation_stage",
        "Innovation stage",
        "Stade de l'innovation",
    ),
    ("results", "Results", "Résultats"),
    ("transferability", "Transferability", "Transférabilité"),
    ("population", "Population concerned", "Population concernée"),
    // scenario
    ("scenario_kind", "Kind of scenario", "Type de scénario"),
    ("focal_question", "Focal question", "Question centrale"),
    ("premise", "Premise", "Prémisse"),
    ("narrative", "Narrative", "Récit"),
    ("horizon_year", "Horizon year", "Année d'horizon"),
    (
        "governance_questions",
        "Governance questions",
        "Questions de gouvernance",
    ),
    ("drivers", "Drivers of change", "Moteurs du changement"),
    ("drivers.label", "Driver", "Moteur"),
    ("drivers.steep", "Family (STEEP)", "Famille (STEEP)"),
    ("uncertainties", "Uncertainties", "Incertitudes"),
    ("early_signals", "Early signals", "Signaux faibles"),
    ("early_signals.label", "Signal", "Signal"),
    (
        "early_signals.evidence",
        "Evidence (entry id)",
        "Preuve (identifiant d'entrée)",
    ),
    ("plausibility", "Plausibility", "Plausibilité"),
    ("desirability", "Desirability", "Désirabilité"),
    // governance_practice
    (
        "object_kind",
        "Object of governance",
        "Objet de gouvernance",
    ),
    ("instrument", "Public instrument", "Instrument public"),
    ("what_is_decided", "What is decided", "Ce qui est décidé"),
    ("who_participates", "Who participates", "Qui participe"),
    ("legal_basis", "Legal basis", "Base juridique"),
    (
        "legal_basis.title",
        "Title of the text",
        "Intitulé du texte",
    ),
    ("legal_basis.number", "Number", "Numéro"),
    ("legal_basis.date", "Date", "Date"),
    ("legal_basis.url", "Address (URL)", "Adresse (URL)"),
    ("results.title", "Result", "Résultat"),
    ("results.status", "Status", "État"),
    ("results.progress", "Progress (%)", "Avancement (%)"),
    ("datasets", "Datasets", "Jeux de données"),
    ("datasets.title", "Title", "Titre"),
    ("datasets.url", "Address (URL)", "Adresse (URL)"),
    ("datasets.licence", "Licence", "Licence"),
    // actor
    ("actor_category", "Category of actor", "Catégorie d'acteur"),
    ("sector", "Sector", "Secteur"),
    ("other_names", "Other names", "Autres noms"),
    ("identifiers", "Identifiers", "Identifiants"),
    ("identifiers.scheme", "Register", "Registre"),
    ("identifiers.id", "Identifier", "Identifiant"),
    ("parent", "Parent actor (id)", "Acteur parent (identifiant)"),
    // actor_relation
    (
        "subject",
        "First actor (id)",
        "Premier acteur (identifiant)",
    ),
    ("object", "Second actor (id)", "Second acteur (identifiant)"),
    ("relation_kind", "Kind of relation", "Type de relation"),
    ("valence", "Valence", "Valence"),
    ("meeting_points", "Meeting points", "Points de rencontre"),
    ("tension_points", "Tension points", "Points de tension"),
    // skill
    ("skill_kind", "Kind of skill", "Type de compétence"),
    ("description", "Description", "Description"),
    ("examples", "Examples", "Exemples"),
    ("responsibilities", "Responsibilities", "Responsabilités"),
    ("maturity", "Maturity", "Maturité"),
    ("esco", "ESCO/ISCO code or URI", "Code ou URI ESCO/ISCO"),
    // method
    ("method_type", "Type of method", "Type de méthode"),
    ("purpose", "Purpose", "Objectif"),
    ("steps", "Steps", "Étapes"),
    ("resources", "Resources needed", "Ressources nécessaires"),
    ("ethics", "Ethics", "Éthique"),
    ("limitations", "Limitations", "Limites"),
    // indicator
    ("code", "Code", "Code"),
    ("framework", "Framework", "Référentiel"),
    ("definition", "Definition", "Définition"),
    ("computation", "Computation", "Mode de calcul"),
    ("unit", "Unit", "Unité"),
    ("periodicity", "Periodicity", "Périodicité"),
    ("custodian", "Custodian", "Producteur"),
    ("observations", "Observations", "Observations"),
    ("observations.area", "Area", "Territoire"),
    ("observations.period", "Period (date)", "Période (date)"),
    ("observations.value", "Value (decimal)", "Valeur (décimale)"),
    (
        "observations.unit",
        "Unit, if another",
        "Unité, si différente",
    ),
    ("observations.source", "Source", "Source"),
    // recommendation
    ("recommendation", "Recommendation", "Recommandation"),
    ("rationale", "Rationale", "Justification"),
    ("audience", "Audience", "Destinataires"),
    ("lever", "Lever", "Levier"),
    (
        "evidence",
        "Evidence (entry ids)",
        "Éléments probants (identifiants d'entrées)",
    ),
    ("horizon", "Horizon", "Horizon"),
];

/// `public_space` → "Public space".
fn humanize(word: &str) -> String {
    let spaced = word.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn find_label(
    table: &'static [(&'static str, &'static str, &'static str)],
    key: &str,
) -> Option<(&'static str, &'static str)> {
    table
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|&(_, en, fr)| (en, fr))
}

/// The label of the field at `key`, a draft path without indices or languages (`place.country`,
/// `sources.url`) or a field name alone (`problem`); an unknown name is humanized.
pub fn field_label(key: &str, ui: Lang) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    match find_label(LABELS, key).or_else(|| find_label(LABELS, last)) {
        Some((en, fr)) => tr(ui, en, fr).to_owned(),
        None => humanize(last),
    }
}

/// Words of the vocabularies (English when not the word humanized, French), by word or by
/// `Definition.word` where a word means something else in another vocabulary.
const VOCABULARY: &[(&str, &str, &str)] = &[
    // Themes
    ("mobility", "", "Mobilité"),
    ("housing", "", "Logement"),
    ("tourism", "", "Tourisme"),
    ("public_space", "", "Espace public"),
    (
        "environment_energy",
        "Environment and energy",
        "Environnement et énergie",
    ),
    ("participation", "", "Participation"),
    ("economy_work", "Economy and work", "Économie et travail"),
    ("safety", "", "Sécurité"),
    ("health", "", "Santé"),
    ("culture", "", "Culture"),
    ("data_digital", "Data and digital", "Données et numérique"),
    (
        "commerce_logistics",
        "Commerce and logistics",
        "Commerce et logistique",
    ),
    (
        "proximity_sociability",
        "Proximity and sociability",
        "Proximité et sociabilité",
    ),
    ("distributed_measurement", "", "Mesure distribuée"),
    ("education", "", "Éducation"),
    ("social_inclusion", "", "Inclusion sociale"),
    // Link relations
    ("references", "References", "Fait référence à"),
    ("part_of", "Part of", "Fait partie de"),
    ("illustrates", "Illustrates", "Illustre"),
    ("involves", "Involves", "Implique"),
    ("measured_by", "Measured by", "Mesuré par"),
    ("evidence_for", "Evidence for", "Élément probant pour"),
    ("derived_from", "Derived from", "Dérivé de"),
    ("translation_of", "Translation of", "Traduction de"),
    // case_study
    ("instance", "Local experience", "Expérience locale"),
    ("model", "Model", "Modèle"),
    ("sharing_city", "", "Ville du partage"),
    ("fab_city", "Fab City", "Fab City"),
    ("responsive_city", "", "Ville réactive"),
    ("commons_city", "", "Ville des communs"),
    ("contributive_city", "", "Ville contributive"),
    ("smart_city", "", "Ville intelligente"),
    ("other", "", "Autre"),
    ("organizer", "", "Organisateur"),
    ("funder", "", "Financeur"),
    ("implementer", "", "Opérateur"),
    ("partner", "", "Partenaire"),
    ("opponent", "", "Opposant"),
    ("user", "", "Usager"),
    ("identifying_problems", "", "Identification des problèmes"),
    ("generating_ideas", "", "Production d'idées"),
    ("developing_proposals", "", "Élaboration de propositions"),
    ("implementing", "", "Mise en œuvre"),
    ("evaluating", "", "Évaluation"),
    ("diffusing_lessons", "", "Diffusion des enseignements"),
    // scenario
    ("extreme", "", "Extrême"),
    ("exploratory", "", "Exploratoire"),
    ("normative", "", "Normatif"),
    ("trend", "", "Tendanciel"),
    ("social", "", "Social"),
    ("technological", "", "Technologique"),
    ("economic", "", "Économique"),
    ("environmental", "", "Environnemental"),
    ("political", "", "Politique"),
    ("values", "", "Valeurs"),
    ("low", "", "Faible"),
    ("medium", "", "Moyenne"),
    ("high", "", "Élevée"),
    // governance_practice
    ("map", "", "Carte"),
    ("sensor_network", "", "Réseau de capteurs"),
    ("signage", "", "Signalétique"),
    ("infrastructure", "", "Infrastructure"),
    ("open_data", "", "Données ouvertes"),
    ("blockchain_registry", "", "Registre blockchain"),
    ("shared_space", "", "Espace partagé"),
    ("platform", "", "Plateforme"),
    ("process", "", "Processus"),
    ("regulation", "", "Réglementation"),
    ("indicator_framework", "", "Cadre d'indicateurs"),
    ("contract", "", "Contrat"),
    ("procurement", "", "Commande publique"),
    ("label", "", "Label"),
    ("funding", "", "Financement"),
    ("data_sharing", "", "Partage de données"),
    ("participatory_process", "", "Processus participatif"),
    ("commons_charter", "", "Charte des communs"),
    ("planned", "", "Prévu"),
    ("in_progress", "", "En cours"),
    ("done", "", "Réalisé"),
    ("abandoned", "", "Abandonné"),
    // actor
    ("big_platform", "", "Grande plateforme"),
    ("disruptor_platform", "", "Plateforme disruptive"),
    ("navigation_data", "", "Données de navigation"),
    ("startup", "Start-up", "Start-up"),
    ("civic_tech", "Civic tech", "Civic tech"),
    ("citizen_commons", "", "Commun citoyen"),
    ("local_government", "", "Collectivité locale"),
    ("regional_government", "", "Collectivité régionale"),
    ("national_government", "", "État"),
    ("public_operator", "", "Opérateur public"),
    ("incumbent_operator", "", "Opérateur historique"),
    ("ngo", "NGO", "ONG"),
    ("academic", "", "Recherche et université"),
    ("cooperative", "", "Coopérative"),
    ("user_group", "", "Groupe d'usagers"),
    ("individual", "", "Personne"),
    ("for_profit", "For profit", "Secteur marchand"),
    ("government", "", "Secteur public"),
    ("non_profit", "Non profit", "Secteur non lucratif"),
    ("higher_ed", "Higher education", "Enseignement supérieur"),
    ("informal", "", "Informel"),
    ("wikidata", "Wikidata", "Wikidata"),
    ("siren", "SIREN", "SIREN"),
    ("lei", "LEI", "LEI"),
    ("osm", "OpenStreetMap", "OpenStreetMap"),
    ("url", "URL", "URL"),
    // actor_relation
    ("membership", "", "Appartenance"),
    ("partnership", "", "Partenariat"),
    ("RelationKind.regulation", "", "Régulation"),
    ("litigation", "", "Contentieux"),
    ("competition", "", "Concurrence"),
    ("substitution", "", "Substitution"),
    ("mobilisation", "", "Mobilisation"),
    ("cooperation", "", "Coopération"),
    ("tension", "", "Tension"),
    ("conflict", "", "Conflit"),
    ("mixed", "", "Mixte"),
    // skill
    ("skill", "", "Compétence"),
    ("role", "Role (profession)", "Métier"),
    (
        "arrangement",
        "Arrangement of actors",
        "Arrangement d'acteurs",
    ),
    ("emerging", "", "Émergente"),
    ("established", "", "Établie"),
    ("declining", "", "En déclin"),
    // method
    ("participatory_mapping", "", "Cartographie participative"),
    ("citizen_sensing", "", "Mesure citoyenne"),
    ("field_observation", "", "Observation de terrain"),
    ("survey", "", "Enquête"),
    ("interview", "Interviews", "Entretiens"),
    ("data_analysis", "", "Analyse de données"),
    ("scenario_workshop", "", "Atelier de scénarios"),
    (
        "living_lab",
        "Living lab",
        "Laboratoire vivant (living lab)",
    ),
    // indicator
    ("sdg", "SDG (UN)", "ODD (ONU)"),
    ("iso37120", "ISO 37120", "ISO 37120"),
    ("iso37122", "ISO 37122", "ISO 37122"),
    ("iso37123", "ISO 37123", "ISO 37123"),
    ("local", "", "Local"),
    // recommendation
    ("elected_officials", "", "Élus"),
    ("city_administration", "", "Administration municipale"),
    ("platforms", "", "Plateformes"),
    ("civil_society", "", "Société civile"),
    ("state", "", "État"),
    ("eu", "European Union", "Union européenne"),
    ("partners", "", "Partenaires"),
    ("regulate", "", "Réglementer"),
    (
        "contract_procure",
        "Contract and procure",
        "Contractualiser et acheter",
    ),
    (
        "commons_coproduce",
        "Co-produce commons",
        "Coproduire des communs",
    ),
    ("experiment", "", "Expérimenter"),
    ("build_skills", "", "Développer les compétences"),
    (
        "measure_evaluate",
        "Measure and evaluate",
        "Mesurer et évaluer",
    ),
    ("Horizon.short", "Short term", "Court terme"),
    ("Horizon.medium", "Medium term", "Moyen terme"),
    ("Horizon.long", "Long term", "Long terme"),
];

/// The label of a theme (`public_space` → "Public space", « Espace public »).
pub fn theme_label(theme: &str, ui: Lang) -> String {
    word_label("Theme", theme, ui)
}

/// The label of a word of any vocabulary, when the vocabulary is not known (`medium` is then
/// read as a level, not as a horizon); an unknown word is humanized.
pub fn word_label_any(word: &str, ui: Lang) -> String {
    word_label("", word, ui)
}

/// The label of a vocabulary word; `vocabulary` is the name of its enum in the model (`Theme`,
/// `Horizon`, `RelationKind`, …), or empty.
pub fn word_label(vocabulary: &str, word: &str, ui: Lang) -> String {
    let specific = format!("{vocabulary}.{word}");
    let found = VOCABULARY
        .iter()
        .find(|(k, _, _)| *k == specific)
        .or_else(|| VOCABULARY.iter().find(|(k, _, _)| *k == word));
    match (found, ui) {
        (Some((_, en, _)), Lang::En) if !en.is_empty() => (*en).to_owned(),
        (Some((_, _, fr)), Lang::Fr) => (*fr).to_owned(),
        _ => humanize(word),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::html::escape;
    use audacities_protocol::Format;

    /// What the form submits for a draft's value: the inverse of [`to_draft`].
    fn fields_of(value: &Value) -> Vec<(String, String)> {
        let kind: Kind = value["kind"].as_str().unwrap().parse().unwrap();
        let mut out = vec![("kind".to_owned(), kind.as_str().to_owned())];
        flatten(form(kind), "", value.as_object().unwrap(), &mut out);
        out
    }

    fn flatten(
        fields: &[Field],
        prefix: &str,
        object: &Map<String, Value>,
        out: &mut Vec<(String, String)>,
    ) {
        let text = |v: &Value| v.as_str().unwrap().to_owned();
        for f in fields {
            let name = join(prefix, &f.name);
            let Some(v) = object.get(&f.name) else {
                continue;
            };
            match (&f.shape, v) {
                (Shape::LStr { .. }, Value::Object(texts)) => {
                    for (tag, t) in texts {
                        out.push((format!("{name}.{tag}"), text(t)));
                    }
                }
                (Shape::Checkboxes { .. }, Value::Array(words)) => {
                    out.extend(words.iter().map(|w| (name.clone(), text(w))));
                }
                (Shape::List { split }, Value::Array(items)) => {
                    let items: Vec<String> = items.iter().map(text).collect();
                    let sep = if *split == Split::Comma { ", " } else { "\n" };
                    out.push((name, items.join(sep)));
                }
                (Shape::LStrList, Value::Array(items)) => {
                    let tags: BTreeSet<&String> = items
                        .iter()
                        .flat_map(|i| i.as_object().unwrap().keys())
                        .collect();
                    for tag in tags {
                        let lines: Vec<&str> = items
                            .iter()
                            .map(|i| i.get(tag.as_str()).and_then(Value::as_str).unwrap_or(""))
                            .collect();
                        out.push((format!("{name}.{tag}"), lines.join("\n")));
                    }
                }
                (Shape::Rows(children), Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        flatten(
                            children,
                            &format!("{name}.{i}"),
                            item.as_object().unwrap(),
                            out,
                        );
                    }
                }
                (Shape::Group(children), Value::Object(inner)) => {
                    flatten(children, &name, inner, out)
                }
                (Shape::Bool, Value::Bool(true)) => out.push((name, "on".to_owned())),
                (_, Value::String(s)) => out.push((name, s.clone())),
                (_, Value::Number(n)) => out.push((name, n.to_string())),
                (shape, v) => panic!("{name}: cannot write {v} in a {shape:?}"),
            }
        }
    }

    /// The attributes of a start tag (a boolean attribute has no value).
    type Attrs = Vec<(String, Option<String>)>;

    /// A control of the rendered HTML: its tag, its attributes, and (textarea, select) its value.
    #[derive(Debug)]
    struct Control {
        tag: String,
        attrs: Attrs,
        value: Option<String>,
    }

    impl Control {
        fn attr(&self, name: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_deref().unwrap_or(""))
        }
    }

    fn unescape(text: &str) -> String {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    /// Reads the attributes of a start tag from `s` (just after the tag name); returns them and
    /// the rest after `>`.
    fn attributes(mut s: &str) -> (Attrs, &str) {
        let mut attrs = Vec::new();
        loop {
            s = s.trim_start();
            if let Some(rest) = s.strip_prefix('>') {
                return (attrs, rest);
            }
            let end = s.find(['=', ' ', '>']).unwrap();
            let name = s[..end].to_owned();
            s = &s[end..];
            if let Some(rest) = s.strip_prefix("=\"") {
                let close = rest.find('"').unwrap();
                attrs.push((name, Some(unescape(&rest[..close]))));
                s = &rest[close + 1..];
            } else {
                attrs.push((name, None));
            }
        }
    }

    /// The controls of the HTML, in document order.
    fn controls(html: &str) -> Vec<Control> {
        let mut out = Vec::new();
        let mut s = html;
        while let Some(at) = ["<input ", "<textarea ", "<select "]
            .iter()
            .filter_map(|t| s.find(t).map(|i| (i, *t)))
            .min()
        {
            let (i, t) = at;
            let tag = t.trim_start_matches('<').trim().to_owned();
            let (attrs, rest) = attributes(&s[i + t.len()..]);
            s = rest;
            let value = match tag.as_str() {
                "textarea" => {
                    let close = s.find("</textarea>").unwrap();
                    let text = unescape(&s[..close]);
                    Some(text.strip_prefix('\n').unwrap_or(&text).to_owned())
                }
                "select" => {
                    let close = s.find("</select>").unwrap();
                    let options: Vec<(Attrs, &str)> = s[..close]
                        .split("<option")
                        .skip(1)
                        .map(attributes)
                        .collect();
                    let selected = options
                        .iter()
                        .find(|(a, _)| a.iter().any(|(n, _)| n == "selected"))
                        .or(options.first());
                    selected.map(|(a, _)| {
                        a.iter()
                            .find(|(n, _)| n == "value")
                            .and_then(|(_, v)| v.clone())
                            .unwrap()
                    })
                }
                _ => None,
            };
            out.push(Control { tag, attrs, value });
        }
        out
    }

    /// What a browser submits for the rendered form, untouched.
    fn submitted(html: &str) -> Vec<(String, String)> {
        controls(html)
            .into_iter()
            .filter_map(|c| {
                let name = c.attr("name")?.to_owned();
                let value = match c.tag.as_str() {
                    "input" => {
                        if c.attr("type") == Some("checkbox") && c.attr("checked").is_none() {
                            return None;
                        }
                        c.attr("value").unwrap_or("").to_owned()
                    }
                    // Browsers submit textarea line ends as CRLF.
                    "textarea" => c.value.clone()?.replace('\n', "\r\n"),
                    _ => c.value.clone()?,
                };
                Some((name, value))
            })
            .collect()
    }

    fn examples() -> Vec<(String, Value)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name == "README.md" {
                continue;
            }
            let Some(format) = path
                .extension()
                .and_then(|e| Format::from_extension(&e.to_string_lossy()))
            else {
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let draft = Draft::parse(&text, format).unwrap_or_else(|e| panic!("{name}: {e}"));
            found.push((name, draft.value().clone()));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(found.len() >= 18, "examples not found in {}", dir.display());
        found
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The example draft of a kind, as submitted fields.
    fn example_fields(file_prefix: &str) -> Vec<(String, String)> {
        let (_, value) = examples()
            .into_iter()
            .find(|(n, _)| n.starts_with(file_prefix))
            .unwrap();
        fields_of(&value)
    }

    fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
        fields.retain(|(n, _)| n != name);
        fields.push((name.to_owned(), value.to_owned()));
    }

    #[test]
    fn an_empty_form_has_an_input_for_every_required_field() {
        for kind in Kind::ALL {
            let schema = json_schema(kind);
            let mut required = names(schema.get("required"));
            for rule in schema["allOf"].as_array().into_iter().flatten() {
                if rule.get("if").is_none() {
                    required.extend(names(rule.get("required")));
                }
            }
            assert!(required.contains("place") == kind.requires_place());
            for ui in [Lang::Fr, Lang::En] {
                let html = render(kind, &[], &[], ui);
                let controls = controls(&html);
                let named = |name: &str| {
                    controls
                        .iter()
                        .filter(|c| {
                            c.attr("name")
                                .is_some_and(|n| n == name || n.starts_with(&format!("{name}.")))
                        })
                        .collect::<Vec<_>>()
                };
                for name in &required {
                    let found = named(name);
                    assert!(!found.is_empty(), "{kind}: no input for {name}");
                    if name == "kind" {
                        assert_eq!(found[0].attr("value"), Some(kind.as_str()));
                        continue;
                    }
                    // Browsers cannot require "at least one checkbox": those are marked only.
                    let checkboxes = found.iter().all(|c| c.attr("type") == Some("checkbox"));
                    assert!(
                        checkboxes || found.iter().any(|c| c.attr("required").is_some()),
                        "{kind}: {name} is not marked required"
                    );
                    // The required parts of a required object are required too.
                    let (_, prop) = resolve(
                        &schema["properties"][name.as_str()],
                        schema["$defs"].as_object().unwrap(),
                    );
                    if prop.get("properties").is_some() {
                        for part in names(prop.get("required")) {
                            let inner = format!("{name}.{part}");
                            let found = named(&inner);
                            assert!(
                                found.iter().any(|c| c.attr("required").is_some()),
                                "{kind}: {inner} is not required"
                            );
                        }
                    }
                }
                // Every control has its id and a label, and every input a unique id.
                let mut ids = BTreeSet::new();
                for c in controls.iter().filter(|c| c.attr("type") != Some("hidden")) {
                    let id = c.attr("id").unwrap();
                    assert!(ids.insert(id.to_owned()), "{kind}: id {id} twice");
                    if c.attr("type") != Some("checkbox") {
                        assert_eq!(Some(id), c.attr("name"));
                    }
                    assert!(
                        html.contains(&format!("<label for=\"{}\"", escape(id))),
                        "{kind}: no label for {id}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_field_and_word_has_a_label_in_both_languages() {
        fn walk(fields: &[Field], key: &str, missing: &mut BTreeSet<String>) {
            for f in fields {
                let key = join(key, &f.name);
                let last = f.name.as_str();
                if find_label(LABELS, &key).is_none() && find_label(LABELS, last).is_none() {
                    missing.insert(key.clone());
                }
                match &f.shape {
                    Shape::Rows(children) | Shape::Group(children) => walk(children, &key, missing),
                    Shape::Choice { def, words } | Shape::Checkboxes { def, words }
                        if def != "LicenceId" =>
                    {
                        for w in words {
                            let specific = format!("{def}.{w}");
                            if !VOCABULARY.iter().any(|(k, _, _)| *k == w || *k == specific) {
                                missing.insert(specific);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut missing = BTreeSet::new();
        for kind in Kind::ALL {
            walk(form(kind), "", &mut missing);
            assert_ne!(
                kind_label(kind, Lang::Fr),
                kind_label(kind, Lang::En).to_lowercase()
            );
        }
        assert!(missing.is_empty(), "no label for {missing:?}");
        assert_eq!(
            word_label("Theme", "public_space", Lang::En),
            "Public space"
        );
        assert_eq!(
            word_label("Theme", "public_space", Lang::Fr),
            "Espace public"
        );
        assert_eq!(word_label("Horizon", "medium", Lang::Fr), "Moyen terme");
        assert_eq!(word_label("Level", "medium", Lang::Fr), "Moyenne");
        assert_eq!(kind_label(Kind::CaseStudy, Lang::Fr), "Étude de cas");
    }

    #[test]
    fn fields_follow_the_data_model_order() {
        let names: Vec<&str> = form(Kind::CaseStudy)
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "lang",
                "title",
                "summary",
                "body",
                "themes",
                "tags",
                "place",
                "period",
                "licence",
                "sources",
                "links",
                "attachments",
                "case_kind",
                "city_model",
                "problem",
                "innovation",
                "stakes",
                "vigilance_points",
                "conditions_for_success",
                "illustrations",
                "actors",
                "innovation_stage",
                "results",
                "transferability",
                "population",
            ]
        );
        let Some(Field {
            shape: Shape::Group(place),
            ..
        }) = form(Kind::CaseStudy).iter().find(|f| f.name == "place")
        else {
            panic!("place is not a group");
        };
        let place: Vec<&str> = place.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            place,
            [
                "name", "city", "region", "country", "lat", "lon", "wikidata"
            ]
        );
        // Every object of the model has its order (a new struct must be added to `def_order`).
        for kind in Kind::ALL {
            for (def, schema) in json_schema(kind)["$defs"].as_object().unwrap() {
                if schema.get("properties").is_some() {
                    assert!(!def_order(def).is_empty(), "no field order for {def}");
                }
            }
        }
    }

    #[test]
    fn every_example_round_trips_through_the_form() {
        for (name, value) in examples() {
            let kind: Kind = value["kind"].as_str().unwrap().parse().unwrap();
            let fields = fields_of(&value);
            assert_eq!(to_draft(kind, &fields), value, "{name}: to_draft");
            let draft =
                validate(kind, &fields, Lang::En).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(draft.value(), &value, "{name}: validate");
            // What the browser submits for the pre-filled form is the same draft.
            for ui in [Lang::Fr, Lang::En] {
                let html = render(kind, &fields, &[], ui);
                let again = submitted(&html);
                let draft = validate(kind, &again, ui)
                    .unwrap_or_else(|e| panic!("{name}: rendered form: {e:?}"));
                assert_eq!(draft.value(), &value, "{name}: rendered form");
            }
        }
    }

    #[test]
    fn every_missing_required_field_is_told_at_once() {
        for kind in Kind::ALL {
            let errors = validate(kind, &pairs(&[("lang", "fr")]), Lang::Fr).unwrap_err();
            let paths: BTreeSet<&str> = errors.iter().map(|e| e.path.as_str()).collect();
            let html = render(kind, &pairs(&[("lang", "fr")]), &errors, Lang::Fr);
            assert!(!html.contains("form-errors"), "{kind}: {errors:?}");
            for f in form(kind).iter().filter(|f| f.required && f.name != "lang") {
                let expected = match &f.shape {
                    Shape::LStr { .. } | Shape::LStrList => format!("{}.fr", f.name),
                    Shape::Group(_) => format!("{}.name", f.name),
                    _ => f.name.clone(),
                };
                assert!(
                    paths.contains(expected.as_str()),
                    "{kind}: {expected} in {paths:?}"
                );
            }
        }
    }

    #[test]
    fn a_wrong_country_is_shown_next_to_its_input() {
        let mut fields = example_fields("01-");
        set(&mut fields, "place.country", "France");
        for ui in [Lang::Fr, Lang::En] {
            let errors = validate(Kind::CaseStudy, &fields, ui).unwrap_err();
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].path, "place.country");
            assert!(
                errors[0].message.contains("ISO 3166-1"),
                "{}",
                errors[0].message
            );
            let html = render(Kind::CaseStudy, &fields, &errors, ui);
            let at = html.find("id=\"place.country\"").unwrap();
            let input_end = at + html[at..].find('>').unwrap() + 1;
            let input = &html[html[..at].rfind('<').unwrap()..input_end];
            assert!(input.contains("aria-invalid=\"true\""), "{input}");
            assert!(input.contains("value=\"France\""), "{input}");
            assert!(input.contains("pattern=\"[A-Z]{2}\""), "{input}");
            assert!(
                html[input_end..]
                    .trim_start()
                    .starts_with("<p class=\"field-error\" data-field=\"place.country\""),
                "{}",
                &html[input_end..input_end + 200]
            );
            assert!(!html.contains("class=\"form-errors\""));
        }
        let errors = validate(Kind::CaseStudy, &fields, Lang::Fr).unwrap_err();
        assert!(
            errors[0].message.starts_with("attendu"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn submitted_markup_is_escaped() {
        let script = "<script>alert('x')</script>";
        let fields = pairs(&[
            ("lang", "fr"),
            ("licence", "CC0-1.0"),
            ("actor_category", "ngo"),
            ("sector", "non_profit"),
            ("title.fr", script),
            ("summary.fr", "</textarea><script>x</script>"),
            ("place.name", "Nowhere"),
            ("place.country", script),
            ("tags", "\"><script>y</script>"),
            ("themes", script),
            ("title.pt-BR\"><script>", "z"),
        ]);
        let errors = validate(Kind::Actor, &fields, Lang::En).unwrap_err();
        let html = render(Kind::Actor, &fields, &errors, Lang::En);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(html.contains("&lt;/textarea&gt;"));
        // The submitted value of the country comes back in its error message, escaped.
        assert!(
            errors
                .iter()
                .any(|e| e.path == "place.country" && e.message.contains(script))
        );
    }

    #[test]
    fn empty_inputs_are_left_out_and_values_are_typed() {
        let fields = pairs(&[
            ("kind", "actor"),
            ("csrf", "token"),
            ("lang", "en"),
            ("title.en", "  Waze "),
            ("title.fr", ""),
            ("summary.en", "  "),
            ("themes", "mobility"),
            ("themes", "data_digital"),
            ("tags", "navigation, , traffic ,"),
            ("licence", "CC-BY-4.0"),
            ("period.start", "2008"),
            ("period.end", ""),
            ("period.ongoing", "on"),
            ("place.name", ""),
            ("sources.0.url", ""),
            ("sources.0.title", ""),
            ("sources.1.url", ""),
            ("sources.2.url", "https://example.org/a"),
            ("actor_category", "navigation_data"),
            ("sector", "for_profit"),
            ("other_names", "Waze Mobile\r\n\r\nWaze Ltd\r\n"),
            ("parent", ""),
            ("identifiers.0.scheme", "wikidata"),
            ("identifiers.0.id", "Q1129394"),
        ]);
        let value = to_draft(Kind::Actor, &fields);
        assert_eq!(
            value,
            serde_json::json!({
                "kind": "actor",
                "lang": "en",
                "title": { "en": "Waze" },
                "themes": ["mobility", "data_digital"],
                "tags": ["navigation", "traffic"],
                "licence": "CC-BY-4.0",
                "period": { "start": "2008", "ongoing": true },
                "sources": [{ "url": "https://example.org/a" }],
                "actor_category": "navigation_data",
                "sector": "for_profit",
                "other_names": ["Waze Mobile", "Waze Ltd"],
                "identifiers": [{ "scheme": "wikidata", "id": "Q1129394" }],
            })
        );
        assert!(validate(Kind::Actor, &fields, Lang::En).is_ok());

        // Integers are numbers; what is not one stays a string, reported at its field.
        let mut fields = example_fields("04-");
        set(&mut fields, "horizon_year", "2035");
        assert_eq!(to_draft(Kind::Scenario, &fields)["horizon_year"], 2035);
        set(&mut fields, "horizon_year", "in ten years");
        assert_eq!(
            to_draft(Kind::Scenario, &fields)["horizon_year"],
            "in ten years"
        );
        let errors = validate(Kind::Scenario, &fields, Lang::En).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, "horizon_year");
    }

    #[test]
    fn rows_are_compacted_and_errors_name_the_rendered_row() {
        let mut fields = example_fields("12-");
        fields.retain(|(n, _)| !n.starts_with("sources."));
        fields.extend(pairs(&[
            ("sources.0.url", ""),
            ("sources.1.url", "ftp://example.org/pact"),
            ("sources.1.title", "Pact"),
            ("sources.2.url", ""),
        ]));
        let errors = validate(Kind::Skill, &fields, Lang::En).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, "sources.0.url");
        let html = render(Kind::Skill, &fields, &errors, Lang::En);
        let controls = controls(&html);
        let url = controls
            .iter()
            .find(|c| c.attr("name") == Some("sources.0.url"))
            .unwrap();
        assert_eq!(url.attr("value"), Some("ftp://example.org/pact"));
        assert_eq!(url.attr("type"), Some("url"));
        assert_eq!(url.attr("aria-invalid"), Some("true"));
        // Three rows at least; one empty row more than the filled ones.
        let rows = |html: &str| controls_named(html, "sources.", ".url");
        assert_eq!(rows(&html), 3);
        let mut many = example_fields("12-");
        for i in 0..5 {
            many.push((
                format!("sources.{}.url", i + 10),
                format!("https://e.org/{i}"),
            ));
        }
        let html = render(Kind::Skill, &many, &[], Lang::En);
        let filled = to_draft(Kind::Skill, &many)["sources"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(rows(&html), filled + 1);
        let again = submitted(&html);
        assert_eq!(to_draft(Kind::Skill, &again), to_draft(Kind::Skill, &many));
    }

    fn controls_named(html: &str, prefix: &str, suffix: &str) -> usize {
        controls(html)
            .iter()
            .filter(|c| {
                c.attr("name")
                    .is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
            })
            .count()
    }

    #[test]
    fn texts_per_language_and_their_lists_map_errors_to_their_inputs() {
        // A title without the original language: the error is on that language's input.
        let mut fields = example_fields("13-");
        fields.retain(|(n, _)| n != "title.fr");
        let errors = validate(Kind::Method, &fields, Lang::Fr).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, "title.fr");
        let html = render(Kind::Method, &fields, &errors, Lang::Fr);
        let title = controls(&html)
            .into_iter()
            .find(|c| c.attr("name") == Some("title.fr"))
            .unwrap();
        assert!(title.attr("required").is_some());
        assert_eq!(title.attr("maxlength"), Some("300"));
        assert_eq!(title.attr("aria-invalid"), Some("true"));

        // Line 2 of the steps lacks its French text: the error names the line.
        let mut fields = example_fields("13-");
        set(&mut fields, "steps.fr", "Un\n\nTrois");
        set(&mut fields, "steps.en", "One\nTwo\nThree");
        let draft = to_draft(Kind::Method, &fields);
        assert_eq!(draft["steps"][1], serde_json::json!({ "en": "Two" }));
        let errors = validate(Kind::Method, &fields, Lang::En).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, "steps.fr");
        assert!(
            errors[0].message.starts_with("line 2: missing"),
            "{}",
            errors[0].message
        );
        // A blank line in every language is no item, and lines keep their numbers.
        set(&mut fields, "steps.fr", "Un\n\n\n");
        set(&mut fields, "steps.en", "One\n\n\nFour");
        assert_eq!(
            to_draft(Kind::Method, &fields)["steps"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let errors = validate(Kind::Method, &fields, Lang::En).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, "steps.fr");
        assert!(
            errors[0].message.starts_with("line 4:"),
            "{}",
            errors[0].message
        );

        // A language outside the form is listed at the top with the protocol's path.
        let mut fields = example_fields("13-");
        fields.push(("title.FR".to_owned(), "Titre".to_owned()));
        let errors = validate(Kind::Method, &fields, Lang::En).unwrap_err();
        assert_eq!(errors[0].path, "title.FR");
        let html = render(Kind::Method, &fields, &errors, Lang::En);
        let top = html.find("<div class=\"form-errors\"").unwrap();
        assert!(html[top..].starts_with(
            "<div class=\"form-errors\" role=\"alert\">\n<p class=\"field-error\" data-field=\"title.FR\">title.FR: expected a BCP-47"
        ));
    }

    #[test]
    fn another_original_language_gets_its_inputs() {
        let fields = pairs(&[("lang", "it"), ("title.de", "Titel")]);
        let html = render(Kind::Skill, &fields, &[], Lang::En);
        let names: Vec<String> = controls(&html)
            .iter()
            .filter_map(|c| c.attr("name").map(str::to_owned))
            .filter(|n| n.starts_with("title."))
            .collect();
        assert_eq!(names, ["title.it", "title.fr", "title.en", "title.de"]);
        let select = controls(&html)
            .into_iter()
            .find(|c| c.attr("name") == Some("lang"))
            .unwrap();
        assert_eq!(select.value.as_deref(), Some("it"));
        // The licence defaults to CC-BY-4.0; an optional choice starts empty.
        let html = render(Kind::Skill, &[], &[], Lang::Fr);
        let value = |name: &str| {
            controls(&html)
                .into_iter()
                .find(|c| c.attr("name") == Some(name))
                .and_then(|c| c.value)
        };
        assert_eq!(value("licence").as_deref(), Some("CC-BY-4.0"));
        assert_eq!(value("lang").as_deref(), Some("fr"));
        assert_eq!(value("maturity").as_deref(), Some(""));
        assert!(html.contains(">Espace public</label>"));
        assert!(html.contains("<legend>Compétence</legend>"));
    }
}
