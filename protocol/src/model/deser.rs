//! Structural reading of a draft: from a JSON value to the typed structs, collecting every
//! problem rather than the first one serde meets, each at its field path and translated into a
//! bilingual message.
//!
//! serde stops at the first error. To go on, a [`Session`] removes the offending part from a
//! working copy (the unknown field, the value of the wrong type, the object that lacks a required
//! field) and tries again, mapping the working copy's paths back to the draft's (array indices
//! shift when an item is removed). Later problems inside a removed part, or caused by the removal
//! (the "missing field" of a removed value), are not reported twice.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::de::value::MapDeserializer;
use serde_json::Value;
use serde_path_to_error::Segment;

use crate::canonical::{self, CanonicalError};
use crate::draft::Problem;

use super::check::{problem, quote};
use super::common::COMMON_FIELDS;
use super::shape;

/// How many times one struct is re-read after removing a faulty part, at most.
const MAX_ROUNDS: usize = 128;

/// How many problems a draft's error lists, at most; the others are counted in a last one. This
/// also bounds the work a hostile entry can cause.
pub(crate) const MAX_PROBLEMS: usize = 100;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// `place.country`, `sources[0].url`; `""` for the root.
pub(crate) fn render(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The steps of a rendered path (for ordering problems); `(root)` has none.
pub(crate) fn parse_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    if path == "(root)" {
        return out;
    }
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(at) => part.split_at(at),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Seg::Key(name.to_owned()));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let Some((index, after)) = inner.split_once(']') else {
                break;
            };
            match index.parse() {
                Ok(i) => out.push(Seg::Index(i)),
                Err(_) => out.push(Seg::Key(index.to_owned())),
            }
            rest = after;
        }
    }
    out
}

/// What a JSON value is, for "got …" in messages.
pub(crate) fn describe(value: Option<&Value>) -> (String, String) {
    match value {
        Some(Value::String(s)) => (
            format!("the string {}", quote(s)),
            format!("la chaîne {}", quote(s)),
        ),
        Some(Value::Number(n)) => (format!("the number {n}"), format!("le nombre {n}")),
        Some(Value::Bool(b)) => (b.to_string(), b.to_string()),
        Some(Value::Array(_)) => ("a list".to_owned(), "une liste".to_owned()),
        Some(Value::Object(_)) => (
            "a table (object)".to_owned(),
            "une table (objet)".to_owned(),
        ),
        Some(Value::Null) => ("null".to_owned(), "null".to_owned()),
        None => ("nothing".to_owned(), "rien".to_owned()),
    }
}

/// serde's name of an expected type, in words.
fn expected_words(expected: &str) -> (String, String) {
    let words = |en: &str, fr: &str| (en.to_owned(), fr.to_owned());
    match expected {
        "a string" => words("a string", "une chaîne de caractères"),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => {
            words("an integer", "un entier")
        }
        "a boolean" => words("true or false", "true ou false"),
        "a sequence" => words("a list", "une liste"),
        "a map" => words(
            "a text per language, such as { fr = \"…\", en = \"…\" }",
            "un texte par langue, comme { fr = \"…\", en = \"…\" }",
        ),
        "string or map" | "map with a single key" | "unit" => words(
            "a word of the vocabulary (a string)",
            "un mot du vocabulaire (une chaîne)",
        ),
        e if e.starts_with("struct ") => words("a table (object)", "une table (objet)"),
        other => words(other, other),
    }
}

/// The names between backquotes in a serde message (`` expected one of `a`, `b` ``).
fn quoted_names(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The name of `candidates` that `word` is most likely a typo of.
pub(crate) fn closest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    let limit = if word.chars().count() >= 4 { 2 } else { 1 };
    candidates
        .iter()
        .map(|c| {
            let d = if c.eq_ignore_ascii_case(word) {
                0
            } else {
                edit_distance(word, c)
            };
            (d, c.as_str())
        })
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// "unknown field …" in both languages.
fn unknown_field(name: &str, expected: &[String]) -> (String, String) {
    let (hint_en, hint_fr) = match closest(name, expected) {
        Some(c) => (
            format!(" (did you mean {c:?}?)"),
            format!(" (vouliez-vous dire {c:?} ?)"),
        ),
        None => (String::new(), String::new()),
    };
    let name = quote(name);
    if expected.is_empty() {
        return (
            format!("unknown field {name}{hint_en}; this table has no fields"),
            format!("champ inconnu {name}{hint_fr} ; cette table n'a pas de champs"),
        );
    }
    let list = expected.join(", ");
    (
        format!("unknown field {name}{hint_en}; expected one of {list}"),
        format!("champ inconnu {name}{hint_fr} ; attendu l'un de {list}"),
    )
}

/// "expected one of …, got …" for a word outside a vocabulary.
pub(crate) fn unknown_word(got: &str, expected: &[String]) -> (String, String) {
    let (hint_en, hint_fr) = match closest(got, expected) {
        Some(c) => (
            format!(" (did you mean {c:?}?)"),
            format!(" (vouliez-vous dire {c:?} ?)"),
        ),
        None => (String::new(), String::new()),
    };
    let list = expected.join(", ");
    (
        format!("expected one of {list}, got {}{hint_en}", quote(got)),
        format!("attendu l'un de {list}, reçu {}{hint_fr}", quote(got)),
    )
}

fn value_at<'v>(value: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, seg| match (v, seg) {
        (Value::Object(map), Seg::Key(k)) => map.get(k),
        (Value::Array(items), Seg::Index(i)) => items.get(*i),
        _ => None,
    })
}

fn value_at_mut<'v>(value: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, seg| match (v, seg) {
        (Value::Object(map), Seg::Key(k)) => map.get_mut(k),
        (Value::Array(items), Seg::Index(i)) => items.get_mut(*i),
        _ => None,
    })
}

fn starts_with(path: &[Seg], prefix: &[Seg]) -> bool {
    path.len() >= prefix.len() && path[..prefix.len()] == *prefix
}

/// The problems found so far in one draft, and what was removed from the working copy.
#[derive(Debug, Default)]
pub(crate) struct Session {
    problems: Vec<Problem>,
    /// Problems found beyond [`MAX_PROBLEMS`].
    more: usize,
    /// Paths (in the draft) of the parts removed after reporting them.
    removed: Vec<Vec<Seg>>,
    /// For each array (by its path in the draft), the indices (in the draft) of removed items,
    /// sorted.
    shifts: BTreeMap<Vec<Seg>, Vec<usize>>,
}

impl Session {
    pub fn push(&mut self, problem: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem);
        } else {
            self.more += 1;
        }
    }

    fn shifted(&mut self, array: Vec<Seg>, index: usize) {
        let gone = self.shifts.entry(array).or_default();
        let at = gone.partition_point(|&g| g < index);
        gone.insert(at, index);
    }

    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    fn full(&self) -> bool {
        self.problems.len() >= MAX_PROBLEMS
    }

    /// Removes every float, out-of-range integer and `null` of `value`, reporting each at its
    /// path. Called first, on the draft as received, so that paths are the draft's.
    pub fn scan(&mut self, value: &mut Value) {
        // Most drafts and every received entry hold none: a walk without allocations first.
        if is_clean(value) {
            return;
        }
        // The root is an object (`from_value` checks it first), so it is never removed itself.
        self.scan_at(value, &mut Vec::new());
    }

    /// Returns whether `value` must be removed (a problem was reported for it).
    fn scan_at(&mut self, value: &mut Value, path: &mut Vec<Seg>) -> bool {
        let at = render(path);
        match value {
            Value::Null => {
                self.push(problem(
                    &at,
                    "null is not allowed; omit the field instead",
                    "null n'est pas admis ; omettez plutôt le champ",
                ));
                self.removed.push(path.clone());
                true
            }
            Value::Number(_) => match canonical::check_numbers(value, &mut String::new()) {
                Ok(()) => false,
                Err(CanonicalError::IntegerRange { value, .. }) => {
                    self.push(problem(
                        &at,
                        format!("expected an integer within ±(2^53 − 1), got {value}"),
                        format!("attendu : un entier compris dans ±(2^53 − 1), reçu {value}"),
                    ));
                    self.removed.push(path.clone());
                    true
                }
                Err(_) => {
                    self.push(problem(
                        &at,
                        "floating-point numbers are not allowed in signed content; write a decimal as a string, e.g. \"48.8566\"",
                        "les nombres à virgule flottante ne sont pas admis dans le contenu signé ; écrivez un décimal comme une chaîne, p. ex. \"48.8566\"",
                    ));
                    self.removed.push(path.clone());
                    true
                }
            },
            Value::Array(items) => {
                let mut gone = Vec::new();
                for (i, it) in items.iter_mut().enumerate() {
                    path.push(Seg::Index(i));
                    if self.scan_at(it, path) {
                        gone.push(i);
                    }
                    path.pop();
                }
                for &i in gone.iter().rev() {
                    items.remove(i);
                }
                for i in gone {
                    self.shifted(path.clone(), i);
                }
                false
            }
            Value::Object(map) => {
                let mut gone = Vec::new();
                for (key, it) in map.iter_mut() {
                    path.push(Seg::Key(key.clone()));
                    if self.scan_at(it, path) {
                        gone.push(key.clone());
                    }
                    path.pop();
                }
                for key in gone {
                    map.remove(&key);
                }
                false
            }
            Value::Bool(_) | Value::String(_) => false,
        }
    }

    /// The draft's path of a path in the working copy.
    fn to_original(&self, working: &[Seg]) -> Vec<Seg> {
        let mut out = Vec::with_capacity(working.len());
        for seg in working {
            match seg {
                Seg::Key(k) => out.push(Seg::Key(k.clone())),
                Seg::Index(w) => {
                    let mut i = *w;
                    if let Some(gone) = self.shifts.get(&out) {
                        for &g in gone {
                            if g > i {
                                break;
                            }
                            i += 1;
                        }
                    }
                    out.push(Seg::Index(i));
                }
            }
        }
        out
    }

    /// Whether `path` is a removed part or inside one.
    fn is_removed(&self, path: &[Seg]) -> bool {
        self.removed.iter().any(|r| starts_with(path, r))
    }

    /// Whether `path` is a removed part, inside one, or holds one.
    fn touches_removed(&self, path: &[Seg]) -> bool {
        self.removed
            .iter()
            .any(|r| starts_with(path, r) || starts_with(r, path))
    }

    /// Removes the part at `working_path` from the working copy, remembering it.
    fn remove(&mut self, working: &mut Value, working_path: &[Seg]) -> bool {
        let Some((last, parent)) = working_path.split_last() else {
            return false;
        };
        let original = self.to_original(working_path);
        let parent_original = self.to_original(parent);
        let done = match (value_at_mut(working, parent), last) {
            (Some(Value::Object(map)), Seg::Key(k)) => map.remove(k).is_some(),
            (Some(Value::Array(items)), Seg::Index(i)) if *i < items.len() => {
                items.remove(*i);
                true
            }
            _ => false,
        };
        if done {
            if let Some(Seg::Index(i)) = original.last() {
                self.shifted(parent_original, *i);
            }
            self.removed.push(original);
        }
        done
    }

    /// Reads `T` from `value`, reporting every structural problem. `top_level` says that
    /// `value` holds the draft's top-level fields of a kind, so that an unknown field there is
    /// told with the common fields as well.
    pub fn deserialize<T: DeserializeOwned + Serialize>(
        &mut self,
        mut working: Value,
        top_level: bool,
    ) -> Option<T> {
        for _ in 0..MAX_ROUNDS {
            if self.full() {
                return None;
            }
            // Without path tracking first (most drafts are valid, and tracking costs about as
            // much as the reading); the same reading again with it to name a problem's path.
            if let Ok(typed) = T::deserialize(&working) {
                self.check_shape(&typed, &working);
                return Some(typed);
            }
            let error = match serde_path_to_error::deserialize::<_, T>(&working) {
                Ok(typed) => {
                    self.check_shape(&typed, &working);
                    return Some(typed);
                }
                Err(error) => error,
            };
            let path: Vec<Seg> = error
                .path()
                .iter()
                .filter_map(|seg| match seg {
                    Segment::Seq { index } => Some(Seg::Index(*index)),
                    Segment::Map { key } => Some(Seg::Key(key.clone())),
                    Segment::Enum { .. } | Segment::Unknown => None,
                })
                .collect();
            let message = error.into_inner().to_string();

            if let Some(rest) = message.strip_prefix("missing field `") {
                let name = rest.strip_suffix('`').unwrap_or(rest);
                let mut field_path = path.clone();
                field_path.push(Seg::Key(name.to_owned()));
                let original = self.to_original(&field_path);
                if !self.is_removed(&original) {
                    self.push(problem(
                        &render(&original),
                        "required, but missing",
                        "obligatoire, mais absent",
                    ));
                }
                // Go on without the object that lacks the field (not possible at the top).
                if !self.remove(&mut working, &path) {
                    return None;
                }
                continue;
            }

            let got = value_at(&working, &path);
            let (en, fr) = if message.starts_with("unknown field `") {
                let name = match path.last() {
                    Some(Seg::Key(k)) => k.clone(),
                    _ => String::new(),
                };
                let rest = message
                    .strip_prefix("unknown field `")
                    .and_then(|r| r.strip_prefix(name.as_str()))
                    .unwrap_or("");
                let mut expected = quoted_names(rest.strip_prefix('`').unwrap_or(rest));
                if top_level && path.len() == 1 {
                    let mut all: Vec<String> =
                        COMMON_FIELDS.iter().map(|f| (*f).to_owned()).collect();
                    all.append(&mut expected);
                    expected = all;
                }
                unknown_field(&name, &expected)
            } else if message.starts_with("unknown variant `") {
                let word = got.and_then(Value::as_str).unwrap_or("");
                let rest = message
                    .strip_prefix("unknown variant `")
                    .and_then(|r| r.strip_prefix(word))
                    .unwrap_or("");
                unknown_word(word, &quoted_names(rest.strip_prefix('`').unwrap_or(rest)))
            } else if let Some(rest) = message
                .strip_prefix("invalid type: ")
                .or_else(|| message.strip_prefix("invalid value: "))
                .or_else(|| message.strip_prefix("invalid length "))
            {
                let expected = rest.rsplit_once(", expected ").map_or(rest, |(_, e)| e);
                let (want_en, want_fr) = expected_words(expected);
                let (got_en, got_fr) = describe(got);
                (
                    format!("expected {want_en}, got {got_en}"),
                    format!("attendu : {want_fr}, reçu {got_fr}"),
                )
            } else {
                (message.clone(), message.clone())
            };
            let original = self.to_original(&path);
            if !self.is_removed(&original) {
                self.push(problem(&render(&original), en, fr));
            }
            if !self.remove(&mut working, &path) {
                return None;
            }
        }
        None
    }

    /// Reports where the typed value is not of the JSON type of the input: serde reads a struct
    /// from a list and a word from a one-key table, which a draft may not do.
    fn check_shape<T: Serialize>(&mut self, typed: &T, working: &Value) {
        let Ok(typed) = serde_json::to_value(typed) else {
            return;
        };
        let mut mismatches = Vec::new();
        shape_mismatches(&typed, working, &mut Vec::new(), &mut mismatches);
        for (path, want) in mismatches {
            let original = self.to_original(&path);
            let (got_en, got_fr) = describe(value_at(working, &path));
            let (want_en, want_fr) = want;
            self.push(problem(
                &render(&original),
                format!("expected {want_en}, got {got_en}"),
                format!("attendu : {want_fr}, reçu {got_fr}"),
            ));
            self.removed.push(original);
        }
    }

    /// Adds the semantic problems found on the typed values (whose paths are the working
    /// copy's), with the draft's paths, leaving out those about parts already reported.
    pub fn add_semantic(&mut self, problems: Vec<Problem>) {
        for mut p in problems {
            if self.full() {
                self.more += 1;
                continue;
            }
            let original = self.to_original(&parse_path(&p.path));
            if !self.touches_removed(&original) {
                if !original.is_empty() {
                    p.path = render(&original);
                }
                self.push(p);
            }
        }
    }

    /// Every problem, in path order, each once (at most [`MAX_PROBLEMS`], then a count of the
    /// others).
    pub fn into_problems(self) -> Vec<Problem> {
        let mut problems = self.problems;
        problems.sort_by_cached_key(|p| parse_path(&p.path));
        let mut seen = BTreeSet::new();
        problems.retain(|p| seen.insert((p.path.clone(), p.en.clone())));
        if self.more > 0 {
            let more = self.more;
            problems.push(problem(
                "",
                format!("and at least {more} more problems, not listed"),
                format!("et au moins {more} autres problèmes, non listés"),
            ));
        }
        problems
    }
}

/// Reads `T` from the members of the object `draft` that `select` keeps, as
/// [`Session::deserialize`] reads it from an object of those members alone, without copying
/// them; `None` when `Session::deserialize` would report any problem (serde's, or a shape that
/// `check_shape` refuses). The path of drafts with no problem.
pub(crate) fn read_members<T: DeserializeOwned + Serialize>(
    draft: &Value,
    select: impl Fn(&str) -> bool,
) -> Option<T> {
    let members = draft
        .as_object()?
        .iter()
        .filter(|(name, _)| select(name))
        .map(|(name, member)| (name.as_str(), member));
    let typed = T::deserialize(MapDeserializer::<_, serde_json::Error>::new(members)).ok()?;
    // `T`'s fields are among the selected members, so looking them up in the whole object
    // finds the same values.
    shape::matches(&typed, draft).then_some(typed)
}

type Words = (&'static str, &'static str);

fn json_type(value: &Value) -> Words {
    match value {
        Value::Null => ("null", "null"),
        Value::Bool(_) => ("true or false", "true ou false"),
        Value::Number(_) => ("an integer", "un entier"),
        Value::String(_) => ("a string", "une chaîne de caractères"),
        Value::Array(_) => ("a list", "une liste"),
        Value::Object(_) => ("a table (object)", "une table (objet)"),
    }
}

fn shape_mismatches(
    typed: &Value,
    input: &Value,
    path: &mut Vec<Seg>,
    out: &mut Vec<(Vec<Seg>, Words)>,
) {
    match (typed, input) {
        (Value::Object(t), Value::Object(i)) => {
            for (key, tv) in t {
                if let Some(iv) = i.get(key) {
                    path.push(Seg::Key(key.clone()));
                    shape_mismatches(tv, iv, path, out);
                    path.pop();
                }
            }
        }
        (Value::Array(t), Value::Array(i)) => {
            for (n, (tv, iv)) in t.iter().zip(i).enumerate() {
                path.push(Seg::Index(n));
                shape_mismatches(tv, iv, path, out);
                path.pop();
            }
        }
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Null, Value::Null) => {}
        _ => out.push((path.clone(), json_type(typed))),
    }
}

/// True if `value` holds no `null`, no float and no integer outside ±(2^53 − 1).
pub(crate) fn is_clean(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u <= canonical::MAX_SAFE_INTEGER,
            (None, Some(i)) => i.unsigned_abs() <= canonical::MAX_SAFE_INTEGER,
            (None, None) => false,
        },
        Value::Array(items) => items.iter().all(is_clean),
        Value::Object(map) => map.values().all(is_clean),
        Value::Bool(_) | Value::String(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_and_parse() {
        let path = vec![
            Seg::Key("sources".into()),
            Seg::Index(0),
            Seg::Key("url".into()),
        ];
        assert_eq!(render(&path), "sources[0].url");
        assert_eq!(parse_path("sources[0].url"), path);
        assert_eq!(parse_path("(root)"), vec![]);
        assert_eq!(render(&[]), "");
        assert!(parse_path("stakes[2]") < parse_path("stakes[10]"));
    }

    #[test]
    fn typos_find_their_field() {
        let fields: Vec<String> = COMMON_FIELDS.iter().map(|f| (*f).to_owned()).collect();
        assert_eq!(closest("plase", &fields), Some("place"));
        assert_eq!(closest("titel", &fields), Some("title"));
        assert_eq!(closest("Licence", &fields), Some("licence"));
        assert_eq!(closest("zzzzzz", &fields), None);
    }

    #[test]
    fn indices_map_back_after_removals() {
        let mut session = Session::default();
        let mut value = serde_json::json!({"a": [1, null, 2, null, {"b": [null, 3]}]});
        session.scan(&mut value);
        assert_eq!(value, serde_json::json!({"a": [1, 2, {"b": [3]}]}));
        let working = vec![
            Seg::Key("a".into()),
            Seg::Index(2),
            Seg::Key("b".into()),
            Seg::Index(0),
        ];
        assert_eq!(render(&session.to_original(&working)), "a[4].b[1]");
        assert_eq!(session.into_problems().len(), 3);
    }
}
