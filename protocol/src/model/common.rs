//! The fields every content entry has (`lang`, `title`, `themes`, `place`, `licence`, …) and the
//! small structures they use (`Place`, `Period`, `Source`, `Link`, `Attachment`), plus the
//! string forms of the notation (`Date`, `Decimal`, `Ref`).
//!
//! `kind` is one of these fields too, but it is read first by `draft`, since it chooses the
//! struct the other fields go to; [`COMMON_FIELDS`] lists it with the others.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::check::{
    BODY_MAX, Checker, DateParts, SUMMARY_MAX, TAG_MAX, TEXT_MAX, TITLE_MAX, ends_before, field,
    file_name_fault, is_media_type, item, parse_date, push_texts, quote,
};
use super::schema::{
    Blake3Hash, CountryCode, DATE_PATTERN, DECIMAL_PATTERN, FileName, HEX64_PATTERN, HttpUrl,
    LText, LanguageTag, LicenceId, MediaType, NonEmpty, Tag, WikidataId,
};
use super::vocab::{LinkRel, Theme};
use super::{Kind, LStr};
use crate::id::Id;

/// The names of the fields every content entry may have, `kind` included.
pub const COMMON_FIELDS: [&str; 13] = [
    "kind",
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
];

/// A date: `"YYYY"`, `"YYYY-MM"` or `"YYYY-MM-DD"`, checked against the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Date(pub String);

impl Date {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Year, month and day, when the date is valid.
    pub fn parts(&self) -> Option<DateParts> {
        parse_date(&self.0).ok()
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A date: YYYY, YYYY-MM or YYYY-MM-DD.",
            "type": "string",
            "pattern": DATE_PATTERN,
        })
    }
}

/// A decimal number written as a string (`"48.8566"`): signed content holds no floats.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Decimal(pub String);

impl Decimal {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl JsonSchema for Decimal {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A decimal number written as a string (\"48.8566\").",
            "type": "string",
            "pattern": DECIMAL_PATTERN,
        })
    }
}

/// The id of another entry. It is checked for form only: the entry may not have reached this
/// node yet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ref(pub String);

impl Ref {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id, when the text is one (always, in a validated draft).
    pub fn id(&self) -> Option<Id> {
        self.0.parse().ok()
    }
}

impl JsonSchema for Ref {
    fn schema_name() -> Cow<'static, str> {
        "Ref".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The id of another entry: 64 lowercase hexadecimal characters.",
            "type": "string",
            "pattern": HEX64_PATTERN,
        })
    }
}

/// The fields of every content entry, except `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Common {
    /// The original language of the entry, a BCP-47 tag (fr, en, pt-BR).
    #[schemars(with = "LanguageTag")]
    pub lang: String,
    /// The title per language (for an actor, its name).
    #[schemars(with = "LText<300>")]
    pub title: LStr,
    /// A summary per language.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LText<2000>>")]
    pub summary: Option<LStr>,
    /// The body per language, in Markdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LText<100000>>")]
    pub body: Option<LStr>,
    /// The themes the entry is filed under (at least one, no repeats).
    #[schemars(length(min = 1), extend("uniqueItems" = true))]
    pub themes: Vec<Theme>,
    /// Free keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<Tag>")]
    pub tags: Vec<String>,
    /// Where it happens; required for a case_study, a governance_practice and an actor_relation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    /// When it happens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// The SPDX id of the licence the entry is published under.
    #[schemars(with = "LicenceId")]
    pub licence: String,
    /// Where the facts come from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// Typed links to other entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Files that go with the entry, named by their blake3 hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// A place: a named location in a country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// The place's name (a city, a district, a street…).
    #[schemars(with = "NonEmpty")]
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    #[schemars(with = "CountryCode")]
    pub country: String,
    /// Latitude in degrees, a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<Decimal>,
    /// Longitude in degrees, a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<Decimal>,
    /// The place's Wikidata item.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<WikidataId>")]
    pub wikidata: Option<String>,
}

/// When something happens; each part is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// Not before `start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ongoing: Option<bool>,
}

/// Where facts come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    #[schemars(with = "HttpUrl")]
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub title: Option<String>,
    /// When the source was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessed: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub note: Option<String>,
}

/// A typed link to another entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub rel: LinkRel,
    pub target: Ref,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub note: Option<String>,
}

/// A file that goes with the entry. The entry names it; the bytes travel apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    #[schemars(with = "Blake3Hash")]
    pub hash: String,
    /// Size in bytes.
    #[schemars(range(min = 0))]
    pub size: i64,
    #[schemars(with = "MediaType")]
    pub media_type: String,
    #[schemars(with = "FileName")]
    pub name: String,
    /// The file's licence, when it differs from the entry's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LicenceId>")]
    pub licence: Option<String>,
}

/// "a case_study", "an actor_relation".
pub(crate) fn with_article(kind: Kind) -> String {
    let name = kind.as_str();
    let an = name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {name}", if an { "an" } else { "a" })
}

impl Kind {
    /// Whether an entry of this kind must say where it happens (`place`).
    pub fn requires_place(self) -> bool {
        matches!(
            self,
            Kind::CaseStudy | Kind::GovernancePractice | Kind::ActorRelation
        )
    }
}

impl Common {
    /// The semantic rules of the common fields. `kind` is `None` when it was not readable.
    pub(crate) fn check(&self, kind: Option<Kind>, ck: &mut Checker) {
        ck.language_tag("lang", &self.lang);
        ck.lstr("title", &self.title, TITLE_MAX);
        ck.lstr_opt("summary", self.summary.as_ref(), SUMMARY_MAX);
        ck.lstr_opt("body", self.body.as_ref(), BODY_MAX);
        ck.not_empty("themes", &self.themes);
        ck.no_repeats("themes", &self.themes);
        for (i, tag) in self.tags.iter().enumerate() {
            ck.text(&item("tags", i), tag, TAG_MAX);
        }
        match (&self.place, kind) {
            (Some(place), _) => place.check("place", ck),
            (None, Some(kind)) if kind.requires_place() => ck.push(
                "place",
                format!("required for {}", with_article(kind)),
                format!("obligatoire pour un {kind}"),
            ),
            (None, _) => {}
        }
        if let Some(period) = &self.period {
            period.check("period", ck);
        }
        ck.licence("licence", &self.licence);
        for (i, source) in self.sources.iter().enumerate() {
            source.check(&item("sources", i), ck);
        }
        for (i, link) in self.links.iter().enumerate() {
            let at = item("links", i);
            ck.reference(&field(&at, "target"), link.target.as_str());
            if let Some(note) = &link.note {
                ck.text(&field(&at, "note"), note, TEXT_MAX);
            }
        }
        for (i, attachment) in self.attachments.iter().enumerate() {
            attachment.check(&item("attachments", i), ck);
        }
    }

    /// The long texts of the common fields that are not title, summary or body.
    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        if let Some(place) = &self.place {
            out.push(place.name.clone());
        }
    }
}

impl Place {
    fn check(&self, path: &str, ck: &mut Checker) {
        ck.text(&field(path, "name"), &self.name, TEXT_MAX);
        if let Some(city) = &self.city {
            ck.text(&field(path, "city"), city, TEXT_MAX);
        }
        if let Some(region) = &self.region {
            ck.text(&field(path, "region"), region, TEXT_MAX);
        }
        ck.country(&field(path, "country"), &self.country);
        if let Some(lat) = &self.lat {
            ck.coordinate(
                &field(path, "lat"),
                lat.as_str(),
                90,
                "latitude",
                "latitude",
            );
        }
        if let Some(lon) = &self.lon {
            ck.coordinate(
                &field(path, "lon"),
                lon.as_str(),
                180,
                "longitude",
                "longitude",
            );
        }
        if let Some(wikidata) = &self.wikidata {
            ck.wikidata(&field(path, "wikidata"), wikidata);
        }
    }
}

impl Period {
    fn check(&self, path: &str, ck: &mut Checker) {
        let start = self
            .start
            .as_ref()
            .and_then(|d| ck.date(&field(path, "start"), d.as_str()));
        let end = self
            .end
            .as_ref()
            .and_then(|d| ck.date(&field(path, "end"), d.as_str()));
        if let (Some(start), Some(end), Some(start_text), Some(end_text)) =
            (start, end, &self.start, &self.end)
            && ends_before(start, end)
        {
            ck.push(
                &field(path, "end"),
                format!(
                    "expected an end no earlier than the start {}, got {}",
                    quote(start_text.as_str()),
                    quote(end_text.as_str())
                ),
                format!(
                    "attendu : une fin qui ne précède pas le début {}, reçu {}",
                    quote(start_text.as_str()),
                    quote(end_text.as_str())
                ),
            );
        }
    }
}

impl Source {
    fn check(&self, path: &str, ck: &mut Checker) {
        ck.url(&field(path, "url"), &self.url);
        if let Some(title) = &self.title {
            ck.text(&field(path, "title"), title, TEXT_MAX);
        }
        if let Some(accessed) = &self.accessed {
            ck.date(&field(path, "accessed"), accessed.as_str());
        }
        if let Some(note) = &self.note {
            ck.text(&field(path, "note"), note, TEXT_MAX);
        }
    }
}

impl Attachment {
    fn check(&self, path: &str, ck: &mut Checker) {
        ck.hash(&field(path, "hash"), &self.hash);
        if self.size < 0 {
            ck.push(
                &field(path, "size"),
                format!("expected a size in bytes (0 or more), got {}", self.size),
                format!(
                    "attendu : une taille en octets (0 ou plus), reçu {}",
                    self.size
                ),
            );
        }
        if !is_media_type(&self.media_type) {
            ck.push(
                &field(path, "media_type"),
                format!(
                    "expected a media type such as \"application/pdf\", got {}",
                    quote(&self.media_type)
                ),
                format!(
                    "attendu : un type de média comme \"application/pdf\", reçu {}",
                    quote(&self.media_type)
                ),
            );
        }
        if let Some((en, fr)) = file_name_fault(&self.name) {
            ck.push(
                &field(path, "name"),
                format!(
                    "expected a plain file name such as \"report.pdf\", got {}: {en}",
                    quote(&self.name)
                ),
                format!(
                    "attendu : un simple nom de fichier comme \"rapport.pdf\", reçu {} : {fr}",
                    quote(&self.name)
                ),
            );
        }
        if let Some(licence) = &self.licence {
            ck.licence(&field(path, "licence"), licence);
        }
    }
}

/// Adds the texts of an optional `LStr`.
pub(crate) fn push_opt(out: &mut Vec<String>, text: Option<&LStr>) {
    if let Some(text) = text {
        push_texts(out, text);
    }
}

/// Adds the texts of a list of `LStr`.
pub(crate) fn push_list(out: &mut Vec<String>, texts: &[LStr]) {
    for text in texts {
        push_texts(out, text);
    }
}
