//! JSON Schema pieces for the string forms of the model (a BCP-47 tag, a country code, a `Date`,
//! …) that Rust keeps as plain `String`s, so that `draft::json_schema` tells editors and local
//! tools the same constraints the validator applies. These types are never built: they only
//! carry a schema, referenced with `#[schemars(with = "…")]`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::check::{FILE_NAME_MAX, TAG_MAX, TEXT_MAX};
use super::countries::COUNTRIES;
use super::licences::LICENCES;

/// The pattern of a language tag as `check::is_language_tag` accepts it.
pub const LANGUAGE_TAG_PATTERN: &str = "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$";
/// The pattern of a `Date` (the calendar is checked by the validator only).
pub const DATE_PATTERN: &str = "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$";
/// The pattern of a `Decimal`.
pub const DECIMAL_PATTERN: &str = "^-?[0-9]+(\\.[0-9]+)?$";
/// The pattern of an id or a blake3 hash.
pub const HEX64_PATTERN: &str = "^[0-9a-f]{64}$";

macro_rules! string_schema {
    ($(#[$meta:meta])* $name:ident, $schema:expr) => {
        $(#[$meta])*
        pub enum $name {}

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

string_schema!(
    /// A BCP-47 language tag.
    LanguageTag,
    json_schema!({
        "description": "A BCP-47 language tag: lowercase language, then subtags (fr, en, pt-BR).",
        "type": "string",
        "pattern": LANGUAGE_TAG_PATTERN,
    })
);

string_schema!(
    /// An ISO 3166-1 alpha-2 country code.
    CountryCode,
    json_schema!({
        "description": "An ISO 3166-1 alpha-2 country code (FR, IT, …).",
        "type": "string",
        "enum": COUNTRIES.as_slice(),
    })
);

string_schema!(
    /// An SPDX licence id from the accepted list.
    LicenceId,
    json_schema!({
        "description": "An SPDX licence id, spelled exactly (CC-BY-4.0, CC0-1.0, ODbL-1.0, etalab-2.0, …).",
        "type": "string",
        "enum": LICENCES,
    })
);

string_schema!(
    /// An absolute http(s) URL.
    HttpUrl,
    json_schema!({
        "description": "An absolute http or https URL.",
        "type": "string",
        "pattern": "^[Hh][Tt][Tt][Pp][Ss]?:",
    })
);

string_schema!(
    /// A blake3 hash in lowercase hexadecimal.
    Blake3Hash,
    json_schema!({
        "description": "The blake3 hash of the file, 64 lowercase hexadecimal characters.",
        "type": "string",
        "pattern": HEX64_PATTERN,
    })
);

string_schema!(
    /// A media type `type/subtype`.
    MediaType,
    json_schema!({
        "description": "A media type, type/subtype (application/pdf).",
        "type": "string",
        "pattern": "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$",
    })
);

string_schema!(
    /// A plain file name, with no directory.
    FileName,
    json_schema!({
        "description": "A plain file name: no directory, no control character.",
        "type": "string",
        "minLength": 1,
        "maxLength": FILE_NAME_MAX,
        "pattern": "^[^/\\\\\\u0000-\\u001f\\u007f-\\u009f]+$",
        "not": { "enum": [".", ".."] },
    })
);

string_schema!(
    /// A Wikidata item id.
    WikidataId,
    json_schema!({
        "description": "A Wikidata item id (Q90).",
        "type": "string",
        "pattern": "^Q[0-9]+$",
    })
);

string_schema!(
    /// A free keyword.
    Tag,
    json_schema!({
        "type": "string",
        "minLength": 1,
        "maxLength": TAG_MAX,
    })
);

string_schema!(
    /// A non-empty text.
    NonEmpty,
    json_schema!({
        "type": "string",
        "minLength": 1,
        "maxLength": TEXT_MAX,
    })
);

/// A text per language (`LStr`) of at most `MAX` characters per language.
pub enum LText<const MAX: usize> {}

impl<const MAX: usize> JsonSchema for LText<MAX> {
    fn schema_name() -> Cow<'static, str> {
        format!("LStr{MAX}").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": format!(
                "A text per language: a BCP-47 tag to a non-empty text of at most {MAX} characters; it must hold the entry's lang."
            ),
            "type": "object",
            "minProperties": 1,
            "propertyNames": { "pattern": LANGUAGE_TAG_PATTERN },
            "additionalProperties": { "type": "string", "minLength": 1, "maxLength": MAX },
        })
    }
}

/// A long text per language (every `LStr` of a kind).
pub type LongText = LText<TEXT_MAX>;
