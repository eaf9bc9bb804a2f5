//! The CLI's messages in French and English (Fluent files in `cli/locales/`, embedded).
//!
//! The language comes from `--lang`, else `AUDACITIES_LANG`, else `LC_ALL`, `LC_MESSAGES` or
//! `LANG` (`fr_FR.UTF-8` → French); anything else is English.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

pub use audacities_protocol::draft::Lang;

const EN: &str = include_str!("../locales/en.ftl");
const FR: &str = include_str!("../locales/fr.ftl");

/// The language named by a tag or a POSIX locale (`fr`, `fr-CA`, `fr_FR.UTF-8`).
pub fn parse_lang(tag: &str) -> Option<Lang> {
    let primary = tag
        .split(['_', '-', '.', '@'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match primary.as_str() {
        "fr" => Some(Lang::Fr),
        "en" | "c" | "posix" => Some(Lang::En),
        _ => None,
    }
}

/// The language from the environment, when no `--lang` was given.
pub fn lang_from_env() -> Lang {
    ["AUDACITIES_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| parse_lang(&v))
        .unwrap_or(Lang::En)
}

/// Translated messages for one language.
pub struct Messages {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl Messages {
    pub fn new(lang: Lang) -> Self {
        let (source, tag) = match lang {
            Lang::En => (EN, "en"),
            Lang::Fr => (FR, "fr"),
        };
        let langid: LanguageIdentifier = tag.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new(vec![langid]);
        bundle.set_use_isolating(false);
        // The .ftl files are ours and checked by a test; a broken one falls back to ids.
        let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(r, _)| r);
        let _ = bundle.add_resource(resource);
        Self { lang, bundle }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The colon between a label and its text: `: ` in English, ` : ` in French.
    pub fn colon(&self) -> &'static str {
        match self.lang {
            Lang::En => ": ",
            Lang::Fr => " : ",
        }
    }

    /// The message `id` with no arguments.
    pub fn get(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with named arguments.
    pub fn with(&self, id: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let text = value.to_string();
            // Numbers stay numbers, so that plural forms are chosen (1 entrée, 3 entrées). Digits
            // with a leading zero or too many to be a count (a key, an id or a text that happens
            // to be all digits) stay text, exactly as given.
            let count = text.bytes().all(|b| b.is_ascii_digit())
                && text.len() <= 15
                && !(text.len() > 1 && text.starts_with('0'));
            match text.parse::<f64>() {
                Ok(n) if count => fluent_args.set(*name, FluentValue::from(n)),
                _ => fluent_args.set(*name, FluentValue::from(text)),
            }
        }
        self.format(id, Some(&fluent_args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut errors = vec![];
        self.bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<String> {
        source
            .lines()
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
            .filter(|id| !id.is_empty() && !id.starts_with('#') && !id.starts_with(' '))
            .collect()
    }

    #[test]
    fn both_languages_parse_and_have_the_same_messages() {
        for source in [EN, FR] {
            assert!(FluentResource::try_new(source.to_owned()).is_ok());
        }
        let mut en = ids(EN);
        let mut fr = ids(FR);
        en.sort();
        fr.sort();
        assert_eq!(en, fr);
    }

    #[test]
    fn posix_locales_choose_the_language() {
        assert_eq!(parse_lang("fr_FR.UTF-8"), Some(Lang::Fr));
        assert_eq!(parse_lang("en-GB"), Some(Lang::En));
        assert_eq!(parse_lang("C"), Some(Lang::En));
        assert_eq!(parse_lang("de_DE"), None);
        let m = Messages::new(Lang::Fr);
        assert_eq!(m.with("published", &[("n", &3)]), "3 entrées publiées.");
    }

    #[test]
    fn digits_that_are_not_a_count_are_printed_as_given() {
        let m = Messages::new(Lang::En);
        let key = format!("01{}", "0".repeat(62));
        assert_eq!(
            m.with("trust-this-city", &[("key", &key)]),
            format!("This city: {key}")
        );
        let long = "1".repeat(64);
        assert_eq!(
            m.with("trust-this-city", &[("key", &long)]),
            format!("This city: {long}")
        );
    }
}
