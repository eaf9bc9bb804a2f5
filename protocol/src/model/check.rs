//! Semantic validation: the rules of `shared/DATA-MODEL.md` that a Rust type alone does not
//! enforce (a BCP-47 tag, a real calendar date, a country code, the entry's language in every
//! text, …). Each rule has its own message, in English and French, naming what was expected and
//! what was got; a [`Checker`] collects them all rather than stopping at the first.

use std::collections::BTreeMap;
use std::fmt::Display;

use crate::draft::Problem;
use crate::id::Id;

use super::LStr;
use super::countries::is_country;
use super::licences::{COMMON_LICENCES, is_licence, licence_spelled};

/// Longest `title`, in characters, per language.
pub const TITLE_MAX: usize = 300;
/// Longest `summary`, in characters, per language.
pub const SUMMARY_MAX: usize = 2_000;
/// Longest `body`, in characters, per language.
pub const BODY_MAX: usize = 100_000;
/// Longest other text (an `LStr` of a kind), in characters, per language.
pub const TEXT_MAX: usize = 100_000;
/// Longest tag, in characters.
pub const TAG_MAX: usize = 100;
/// Longest attachment file name, in bytes (the limit of common file systems).
pub const FILE_NAME_MAX: usize = 255;

/// A problem at `path`, in both languages.
pub(crate) fn problem(path: &str, en: impl Into<String>, fr: impl Into<String>) -> Problem {
    Problem {
        path: if path.is_empty() {
            "(root)".to_owned()
        } else {
            path.to_owned()
        },
        en: en.into(),
        fr: fr.into(),
    }
}

/// `parent.field` (or `field` at the top).
pub(crate) fn field(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// `parent[index]`.
pub(crate) fn item(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// A string shown in a message: quoted, and cut after 80 characters.
pub(crate) fn quote(text: &str) -> String {
    const SHOWN: usize = 80;
    if text.chars().count() > SHOWN {
        let cut: String = text.chars().take(SHOWN).collect();
        format!("{:?}…", cut)
    } else {
        format!("{text:?}")
    }
}

/// Whether `tag` has the form of a BCP-47 language tag as this model accepts it: a lowercase
/// primary language subtag of 2–3 letters, then `-`-separated subtags of 1–8 ASCII letters or
/// digits (`fr`, `pt-BR`, `zh-Hant-TW`, `sr-Latn`). Case is not normalized.
pub fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let Some(primary) = subtags.next() else {
        return false;
    };
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A date of the model, split: year, and month and day when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateParts {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// Why a text is not a `Date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Form,
    /// The right form, but no such day (`2023-02-29`, `2024-13`).
    Calendar,
}

/// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the month and the day exist
/// (Gregorian calendar, leap years included).
pub fn parse_date(text: &str) -> Result<DateParts, DateError> {
    fn digits(s: &str, n: usize) -> Result<u16, DateError> {
        if s.len() == n && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map_err(|_| DateError::Form)
        } else {
            Err(DateError::Form)
        }
    }
    let mut parts = text.split('-');
    let year = digits(parts.next().unwrap_or_default(), 4)?;
    let month = parts.next().map(|m| digits(m, 2)).transpose()?;
    let day = parts.next().map(|d| digits(d, 2)).transpose()?;
    if parts.next().is_some() {
        return Err(DateError::Form);
    }
    let month = match month {
        None => None,
        Some(m) if (1..=12).contains(&m) => Some(m as u8),
        Some(_) => return Err(DateError::Calendar),
    };
    let day = match (month, day) {
        (_, None) => None,
        (Some(m), Some(d)) if d >= 1 && d <= u16::from(days_in_month(year, m)) => Some(d as u8),
        _ => return Err(DateError::Calendar),
    };
    Ok(DateParts { year, month, day })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `end` is before `start`, comparing them at the precision of the less precise one
/// (`2024` does not end before `2024-05`; `2023-12` does end before `2024`).
pub fn ends_before(start: DateParts, end: DateParts) -> bool {
    let key = |d: DateParts, precision: usize| -> (u16, u8, u8) {
        (
            d.year,
            if precision >= 2 {
                d.month.unwrap_or(0)
            } else {
                0
            },
            if precision >= 3 {
                d.day.unwrap_or(0)
            } else {
                0
            },
        )
    };
    let precision =
        |d: DateParts| 1 + usize::from(d.month.is_some()) + usize::from(d.day.is_some());
    let p = precision(start).min(precision(end));
    key(end, p) < key(start, p)
}

/// A decimal written as a string, split: `-?digits(.digits)?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecimalParts<'a> {
    pub negative: bool,
    pub int: &'a str,
    pub frac: &'a str,
}

/// Reads a `Decimal`: an optional `-`, ASCII digits, and optionally `.` and more digits.
pub fn parse_decimal(text: &str) -> Option<DecimalParts<'_>> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((int, frac)) => {
            if frac.is_empty() {
                return None;
            }
            (int, frac)
        }
        None => (rest, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (!int.is_empty() && all_digits(int) && all_digits(frac)).then_some(DecimalParts {
        negative,
        int,
        frac,
    })
}

/// Whether the absolute value of a decimal is at most `limit` (compared digit by digit, with no
/// floating point).
pub fn decimal_abs_at_most(d: DecimalParts<'_>, limit: u64) -> bool {
    let int = d.int.trim_start_matches('0');
    let limit = limit.to_string();
    match int.len().cmp(&limit.len()) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => match int.cmp(limit.as_str()) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => d.frac.bytes().all(|b| b == b'0'),
        },
    }
}

/// Whether `text` is a Wikidata item id (`Q90`).
pub fn is_wikidata_id(text: &str) -> bool {
    text.strip_prefix('Q')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `text` is a media type `type/subtype` (RFC 6838 names, no parameters).
pub fn is_media_type(text: &str) -> bool {
    fn name(s: &str) -> bool {
        let mut bytes = s.bytes();
        matches!(bytes.next(), Some(b) if b.is_ascii_alphanumeric())
            && s.len() <= 127
            && bytes.all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    }
    match text.split_once('/') {
        Some((kind, sub)) => name(kind) && name(sub),
        None => false,
    }
}

/// Why a text is not a plain file name, in English and French; `None` if it is one.
pub fn file_name_fault(name: &str) -> Option<(&'static str, &'static str)> {
    let bytes = name.as_bytes();
    if name.is_empty() {
        Some(("it is empty", "il est vide"))
    } else if name.contains('/') {
        Some((
            "it contains \"/\" (a path, not a file name)",
            "il contient \"/\" (un chemin, pas un nom de fichier)",
        ))
    } else if name.contains('\\') {
        Some((
            "it contains \"\\\" (a path, not a file name)",
            "il contient \"\\\" (un chemin, pas un nom de fichier)",
        ))
    } else if name == "." || name == ".." {
        Some((
            "\".\" and \"..\" name directories",
            "\".\" et \"..\" désignent des dossiers",
        ))
    } else if name.chars().any(char::is_control) {
        Some((
            "it contains a control character",
            "il contient un caractère de contrôle",
        ))
    } else if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        Some((
            "it starts with a drive letter (an absolute path)",
            "il commence par une lettre de lecteur (un chemin absolu)",
        ))
    } else if bytes.len() > FILE_NAME_MAX {
        Some(("it is longer than 255 bytes", "il dépasse 255 octets"))
    } else {
        None
    }
}

/// Collects the semantic problems of a draft. `lang` is the entry's language, when it is a valid
/// tag: every text must then hold it.
#[derive(Debug, Default)]
pub(crate) struct Checker {
    lang: Option<String>,
    problems: Vec<Problem>,
}

impl Checker {
    pub fn new(lang: Option<&str>) -> Self {
        Self {
            lang: lang.filter(|l| is_language_tag(l)).map(str::to_owned),
            problems: Vec::new(),
        }
    }

    pub fn push(&mut self, path: &str, en: impl Into<String>, fr: impl Into<String>) {
        self.problems.push(problem(path, en, fr));
    }

    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// A language tag (the `lang` field, or a key of an `LStr`).
    pub fn language_tag(&mut self, path: &str, tag: &str) -> bool {
        let ok = is_language_tag(tag);
        if !ok {
            self.push(
                path,
                format!(
                    "expected a BCP-47 language tag such as \"fr\", \"en\" or \"pt-BR\" (lowercase language first), got {}",
                    quote(tag)
                ),
                format!(
                    "attendu : une étiquette de langue BCP-47 comme \"fr\", \"en\" ou \"pt-BR\" (langue en minuscules d'abord), reçu {}",
                    quote(tag)
                ),
            );
        }
        ok
    }

    /// A text per language: valid tags, non-empty texts of at most `max` characters, and the
    /// entry's language present.
    pub fn lstr(&mut self, path: &str, text: &LStr, max: usize) {
        for (tag, value) in text {
            let at = field(path, tag);
            self.language_tag(&at, tag);
            self.text(&at, value, max);
        }
        if let Some(lang) = &self.lang
            && !text.contains_key(lang)
        {
            let lang = lang.clone();
            self.push(
                path,
                format!("missing the text in {lang:?}, the entry's lang"),
                format!("il manque le texte en {lang:?}, la langue de l'entrée (lang)"),
            );
        }
    }

    pub fn lstr_opt(&mut self, path: &str, text: Option<&LStr>, max: usize) {
        if let Some(text) = text {
            self.lstr(path, text, max);
        }
    }

    /// A list of texts per language, each checked at its index.
    pub fn lstr_list(&mut self, path: &str, texts: &[LStr]) {
        for (i, text) in texts.iter().enumerate() {
            self.lstr(&item(path, i), text, TEXT_MAX);
        }
    }

    /// A non-empty (after trimming) text of at most `max` characters.
    pub fn text(&mut self, path: &str, text: &str, max: usize) {
        if text.trim().is_empty() {
            self.push(
                path,
                "expected a text, got an empty string",
                "attendu : un texte, reçu une chaîne vide",
            );
        }
        let len = text.chars().count();
        if len > max {
            self.push(
                path,
                format!("too long: {len} characters, at most {max}"),
                format!("trop long : {len} caractères, {max} au plus"),
            );
        }
    }

    /// A list that must hold at least one item.
    pub fn not_empty<T>(&mut self, path: &str, items: &[T]) {
        if items.is_empty() {
            self.push(
                path,
                "expected at least one item, got an empty list",
                "attendu : au moins un élément, reçu une liste vide",
            );
        }
    }

    /// A list whose items may not repeat; the repeat is named at its index.
    pub fn no_repeats<T: Ord + Display>(&mut self, path: &str, items: &[T]) {
        let mut seen = BTreeMap::new();
        for (i, it) in items.iter().enumerate() {
            if let Some(&first) = seen.get(it) {
                self.push(
                    &item(path, i),
                    format!("\"{it}\" is already listed ({})", item(path, first)),
                    format!("\"{it}\" figure déjà dans la liste ({})", item(path, first)),
                );
            } else {
                seen.insert(it, i);
            }
        }
    }

    /// An integer within `min..=max`.
    pub fn integer(&mut self, path: &str, value: i64, min: i64, max: Option<i64>) {
        let ok = value >= min && max.is_none_or(|max| value <= max);
        if ok {
            return;
        }
        match max {
            Some(max) => self.push(
                path,
                format!("expected an integer from {min} to {max}, got {value}"),
                format!("attendu : un entier de {min} à {max}, reçu {value}"),
            ),
            None => self.push(
                path,
                format!("expected an integer of {min} or more, got {value}"),
                format!("attendu : un entier supérieur ou égal à {min}, reçu {value}"),
            ),
        }
    }

    /// A `Date`; its parts when valid.
    pub fn date(&mut self, path: &str, text: &str) -> Option<DateParts> {
        match parse_date(text) {
            Ok(parts) => Some(parts),
            Err(DateError::Form) => {
                self.push(
                    path,
                    format!(
                        "expected a date \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\", got {}",
                        quote(text)
                    ),
                    format!(
                        "attendu : une date \"AAAA\", \"AAAA-MM\" ou \"AAAA-MM-JJ\", reçu {}",
                        quote(text)
                    ),
                );
                None
            }
            Err(DateError::Calendar) => {
                self.push(
                    path,
                    format!(
                        "expected a calendar date, got {}, which does not exist",
                        quote(text)
                    ),
                    format!(
                        "attendu : une date du calendrier, reçu {}, qui n'existe pas",
                        quote(text)
                    ),
                );
                None
            }
        }
    }

    /// A `Decimal`; its parts when valid.
    pub fn decimal<'a>(&mut self, path: &str, text: &'a str) -> Option<DecimalParts<'a>> {
        let parts = parse_decimal(text);
        if parts.is_none() {
            self.push(
                path,
                format!(
                    "expected a decimal number written as a string, such as \"48.8566\", got {}",
                    quote(text)
                ),
                format!(
                    "attendu : un nombre décimal écrit comme une chaîne, p. ex. \"48.8566\", reçu {}",
                    quote(text)
                ),
            );
        }
        parts
    }

    /// A coordinate: a `Decimal` whose absolute value is at most `limit` degrees.
    pub fn coordinate(&mut self, path: &str, text: &str, limit: u64, en: &str, fr: &str) {
        if let Some(parts) = self.decimal(path, text)
            && !decimal_abs_at_most(parts, limit)
        {
            self.push(
                path,
                format!(
                    "expected a {en} between -{limit} and {limit}, got {}",
                    quote(text)
                ),
                format!(
                    "attendu : une {fr} entre -{limit} et {limit}, reçu {}",
                    quote(text)
                ),
            );
        }
    }

    /// A `Ref`: the id of an entry.
    pub fn reference(&mut self, path: &str, text: &str) {
        if text.parse::<Id>().is_err() {
            self.push(
                path,
                format!(
                    "expected the id of an entry (64 lowercase hexadecimal characters), got {}",
                    quote(text)
                ),
                format!(
                    "attendu : l'identifiant d'une entrée (64 caractères hexadécimaux minuscules), reçu {}",
                    quote(text)
                ),
            );
        }
    }

    /// A blake3 hash: 64 lowercase hexadecimal characters.
    pub fn hash(&mut self, path: &str, text: &str) {
        if text.parse::<Id>().is_err() {
            self.push(
                path,
                format!(
                    "expected a blake3 hash (64 lowercase hexadecimal characters), got {}",
                    quote(text)
                ),
                format!(
                    "attendu : une empreinte blake3 (64 caractères hexadécimaux minuscules), reçu {}",
                    quote(text)
                ),
            );
        }
    }

    /// An absolute `http` or `https` URL.
    pub fn url(&mut self, path: &str, text: &str) {
        let fault = if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Some((
                "it contains spaces or control characters".to_owned(),
                "elle contient des espaces ou des caractères de contrôle".to_owned(),
            ))
        } else {
            match url::Url::parse(text) {
                Ok(u) if u.scheme() == "http" || u.scheme() == "https" => None,
                Ok(u) => Some((
                    format!("its scheme is {:?}", u.scheme()),
                    format!("son schéma est {:?}", u.scheme()),
                )),
                Err(e) => Some((e.to_string(), e.to_string())),
            }
        };
        if let Some((en, fr)) = fault {
            self.push(
                path,
                format!("expected an http or https URL, got {} ({en})", quote(text)),
                format!(
                    "attendu : une URL http ou https, reçu {} ({fr})",
                    quote(text)
                ),
            );
        }
    }

    /// An SPDX licence id from the embedded list.
    pub fn licence(&mut self, path: &str, id: &str) {
        if is_licence(id) {
            return;
        }
        let examples = COMMON_LICENCES.join(", ");
        let (hint_en, hint_fr) = match licence_spelled(id) {
            Some(right) => (
                format!("; did you mean {right:?}?"),
                format!(" ; vouliez-vous dire {right:?} ?"),
            ),
            None => (String::new(), String::new()),
        };
        self.push(
            path,
            format!(
                "expected an SPDX licence id such as {examples}, got {}{hint_en}",
                quote(id)
            ),
            format!(
                "attendu : un identifiant de licence SPDX comme {examples}, reçu {}{hint_fr}",
                quote(id)
            ),
        );
    }

    /// An ISO 3166-1 alpha-2 country code.
    pub fn country(&mut self, path: &str, code: &str) {
        if is_country(code) {
            return;
        }
        let upper = code.to_ascii_uppercase();
        let (hint_en, hint_fr) = if is_country(&upper) {
            (
                format!("; did you mean {upper:?}?"),
                format!(" ; vouliez-vous dire {upper:?} ?"),
            )
        } else {
            (String::new(), String::new())
        };
        self.push(
            path,
            format!(
                "expected an ISO 3166-1 alpha-2 code, got {}{hint_en}",
                quote(code)
            ),
            format!(
                "attendu : un code pays ISO 3166-1 alpha-2, reçu {}{hint_fr}",
                quote(code)
            ),
        );
    }

    /// A Wikidata item id.
    pub fn wikidata(&mut self, path: &str, text: &str) {
        if !is_wikidata_id(text) {
            self.push(
                path,
                format!(
                    "expected a Wikidata id such as \"Q90\", got {}",
                    quote(text)
                ),
                format!(
                    "attendu : un identifiant Wikidata comme \"Q90\", reçu {}",
                    quote(text)
                ),
            );
        }
    }

    /// A field that another field makes required (`city_model` when `case_kind` is `model`).
    pub fn required_because(&mut self, path: &str, en: &str, fr: &str) {
        self.push(path, format!("required {en}"), format!("obligatoire {fr}"));
    }
}

/// Adds every language's text of `text` to `out`, one per line.
pub(crate) fn push_texts(out: &mut Vec<String>, text: &BTreeMap<String, String>) {
    out.extend(text.values().cloned());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in [
            "fr",
            "en",
            "pt-BR",
            "zh-Hant-TW",
            "sr-Latn",
            "gsw",
            "de-1996",
            "es-419",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "f",
            "FR",
            "En",
            "french",
            "fr_FR",
            "fr-",
            "-fr",
            "fr--x",
            "fr-abcdefghi",
            "fr-é",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(
            parse_date("2024-02-29"),
            Ok(DateParts {
                year: 2024,
                month: Some(2),
                day: Some(29)
            })
        );
        assert!(parse_date("2000-02-29").is_ok());
        assert_eq!(parse_date("1900-02-29"), Err(DateError::Calendar));
        assert_eq!(parse_date("2023-02-29"), Err(DateError::Calendar));
        assert_eq!(parse_date("2024-04-31"), Err(DateError::Calendar));
        assert_eq!(parse_date("2024-13"), Err(DateError::Calendar));
        assert_eq!(parse_date("2024-00"), Err(DateError::Calendar));
        assert_eq!(parse_date("2024-01-00"), Err(DateError::Calendar));
        assert!(parse_date("2024").is_ok());
        assert!(parse_date("2024-12").is_ok());
        for bad in [
            "24",
            "2024-1",
            "2024-01-1",
            "2024/01/01",
            "2024-01-01T00:00",
            "",
            "+2024",
            "2024-01-01-01",
        ] {
            assert_eq!(parse_date(bad), Err(DateError::Form), "{bad}");
        }
    }

    #[test]
    fn ends_compare_at_the_shared_precision() {
        let d = |s| parse_date(s).unwrap();
        assert!(!ends_before(d("2024-05"), d("2024")));
        assert!(!ends_before(d("2024"), d("2024-01-01")));
        assert!(ends_before(d("2024"), d("2023-12")));
        assert!(ends_before(d("2024-05-02"), d("2024-05-01")));
        assert!(!ends_before(d("2024-05-02"), d("2024-05-02")));
    }

    #[test]
    fn decimals() {
        assert!(parse_decimal("48.8566").is_some());
        assert!(parse_decimal("-0").is_some());
        assert!(parse_decimal("12").is_some());
        for bad in [
            "", "-", "1.", ".5", "1,5", "1e5", "+1", " 1", "1.2.3", "0x10",
        ] {
            assert!(parse_decimal(bad).is_none(), "{bad}");
        }
        let at_most_90 = |s| decimal_abs_at_most(parse_decimal(s).unwrap(), 90);
        assert!(at_most_90("90"));
        assert!(at_most_90("-90.000"));
        assert!(at_most_90("0089.99"));
        assert!(!at_most_90("90.0001"));
        assert!(!at_most_90("-91"));
        assert!(!at_most_90("100"));
    }

    #[test]
    fn small_forms() {
        assert!(is_wikidata_id("Q90"));
        assert!(!is_wikidata_id("Q"));
        assert!(!is_wikidata_id("q90"));
        assert!(!is_wikidata_id("90"));
        assert!(is_media_type("application/pdf"));
        assert!(is_media_type("application/vnd.oasis.opendocument.text"));
        assert!(is_media_type("image/svg+xml"));
        assert!(!is_media_type("pdf"));
        assert!(!is_media_type("text/"));
        assert!(!is_media_type("text/plain; charset=utf-8"));
        assert!(file_name_fault("report.pdf").is_none());
        assert!(file_name_fault("rapport été 2024.pdf").is_none());
        for bad in [
            "",
            "a/b",
            "/etc/passwd",
            "..",
            ".",
            "a\\b",
            "C:x",
            "a\u{0}b",
            "a\nb",
        ] {
            assert!(file_name_fault(bad).is_some(), "{bad:?}");
        }
        assert!(file_name_fault(&"x".repeat(256)).is_some());
    }
}
