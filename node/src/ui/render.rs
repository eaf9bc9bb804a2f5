//! Turning entries into HTML fragments: Markdown (sanitized — entries are remote, untrusted
//! data), multilingual texts in the reader's language, search snippets with their matches
//! highlighted, and the kind-specific fields of a draft shown generically from its JSON, so
//! that every field of every kind is shown without a template per kind.

use std::collections::HashMap;

use audacities_protocol::Id;
use audacities_protocol::draft::Lang;
use audacities_protocol::model::Kind;
use serde_json::Value;

use super::html::{escape, push_escaped};
use crate::store::Summary;
use crate::store::search::{MARK_END, MARK_START};

/// Markdown to safe HTML: CommonMark with tables and strikethrough, then ammonia's allow-list
/// (no script, no event handler, no `javascript:` URL); links get `rel="noopener noreferrer"`.
pub fn markdown(text: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(text, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&out)
        .to_string()
}

/// A search snippet as HTML: the text escaped, matches in `<mark>`.
pub fn snippet(marked: &str) -> String {
    let mut out = String::with_capacity(marked.len() + 32);
    let mut open = false;
    for part in marked.split_inclusive([MARK_START, MARK_END]) {
        let (text, mark) = match part.chars().last() {
            Some(c) if c == MARK_START || c == MARK_END => {
                (&part[..part.len() - c.len_utf8()], Some(c))
            }
            _ => (part, None),
        };
        push_escaped(&mut out, text);
        match mark {
            Some(c) if c == MARK_START && !open => {
                out.push_str("<mark>");
                open = true;
            }
            Some(c) if c == MARK_END && open => {
                out.push_str("</mark>");
                open = false;
            }
            _ => {}
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

/// The date of a time in milliseconds, `YYYY-MM-DD`.
pub fn date(ms: u64) -> String {
    crate::time::format_utc(ms)[..10].to_owned()
}

/// A kind's name for people.
pub fn kind_label(kind: Kind, lang: Lang) -> &'static str {
    super::form::kind_label(kind, lang)
}

/// A vocabulary word or field name for people: `public_space` → `public space`.
pub fn humanize(word: &str) -> String {
    let text = word.replace(['_', '.'], " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A field's name for people, in the reader's language.
pub fn field_label(name: &str, lang: Lang) -> String {
    super::form::field_label(name, lang)
}

/// A vocabulary word for people, in the reader's language (`""` for any vocabulary).
pub fn word_label(vocabulary: &str, word: &str, lang: Lang) -> String {
    if vocabulary.is_empty() {
        super::form::word_label_any(word, lang)
    } else {
        super::form::word_label(vocabulary, word, lang)
    }
}

/// The text of a multilingual value (`{"fr": …, "en": …}`) in `lang`, else `original`, else
/// any; `None` when `value` is not one.
pub fn lstr<'a>(value: &'a Value, lang: &str, original: &str) -> Option<&'a str> {
    let map = value.as_object()?;
    if map.is_empty() || !map.values().all(Value::is_string) {
        return None;
    }
    if !map.keys().all(|k| is_lang_tag(k)) {
        return None;
    }
    map.get(lang)
        .or_else(|| map.get(original))
        .or_else(|| map.values().next())
        .and_then(Value::as_str)
}

fn is_lang_tag(key: &str) -> bool {
    audacities_protocol::model::check::is_language_tag(key)
}

/// What a page knows to show a reference: titles of stored entries by id.
pub struct Refs<'a> {
    pub titles: &'a HashMap<Id, Summary>,
    pub missing: &'a str,
}

impl Refs<'_> {
    /// A link to an entry, by its title when this node has it.
    pub fn link(&self, id_text: &str, lang: &str) -> String {
        let mut out = String::from("<a class=\"ref\" href=\"/entries/");
        push_escaped(&mut out, id_text);
        out.push_str("\">");
        match id_text
            .parse::<Id>()
            .ok()
            .and_then(|id| self.titles.get(&id))
        {
            Some(summary) => push_escaped(&mut out, summary.title_in(lang)),
            None => {
                push_escaped(&mut out, id_text.get(..12).unwrap_or(id_text));
                out.push_str("… <span class=\"missing\">(");
                push_escaped(&mut out, self.missing);
                out.push_str(")</span>");
            }
        }
        out.push_str("</a>");
        out
    }
}

/// Field names whose string values are entry ids.
fn is_ref_field(name: &str) -> bool {
    matches!(
        name,
        "target" | "subject" | "object" | "actor" | "parent" | "evidence" | "illustrations"
    )
}

/// A draft value as HTML, generically: texts in the reader's language, lists as lists,
/// objects as small definition lists, references as links, vocabulary words humanized, URLs
/// as links.
pub fn value(name: &str, v: &Value, lang: &str, original: &str, refs: &Refs<'_>) -> String {
    match v {
        Value::String(s) if is_ref_field(name) => refs.link(s, lang),
        Value::String(s) if s.starts_with("https://") || s.starts_with("http://") => {
            format!(
                "<a href=\"{0}\" rel=\"noopener noreferrer nofollow\">{0}</a>",
                escape(s)
            )
        }
        Value::String(s) if is_word(s) => escape(&humanize(s)),
        Value::String(s) => escape(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => if *b { "✓" } else { "✗" }.to_owned(),
        Value::Null => String::new(),
        Value::Array(items) => {
            let mut out = String::from("<ul>");
            for item in items {
                out.push_str("<li>");
                out.push_str(&value(name, item, lang, original, refs));
                out.push_str("</li>");
            }
            out.push_str("</ul>");
            out
        }
        Value::Object(map) => {
            if let Some(text) = lstr(v, lang, original) {
                return text_html(text);
            }
            let mut out = String::from("<dl class=\"inline\">");
            for (key, inner) in map {
                out.push_str("<dt>");
                push_escaped(&mut out, &humanize(key));
                out.push_str("</dt><dd>");
                out.push_str(&value(key, inner, lang, original, refs));
                out.push_str("</dd>");
            }
            out.push_str("</dl>");
            out
        }
    }
}

/// A vocabulary word: lowercase ASCII letters and underscores, no spaces.
fn is_word(s: &str) -> bool {
    !s.is_empty() && s.len() <= 40 && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// A plain text, paragraphs kept.
pub fn text_html(text: &str) -> String {
    if text.contains('\n') || text.len() > 200 {
        markdown(text)
    } else {
        escape(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_sanitized() {
        let html = markdown(
            "# Titre\n\n<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<h1>Titre</h1>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(!html.contains("onerror"));
    }

    #[test]
    fn snippets_escape_text_and_mark_matches() {
        let marked = format!("a <b> {MARK_START}Séoul{MARK_END} & [x]");
        assert_eq!(snippet(&marked), "a &lt;b&gt; <mark>Séoul</mark> &amp; [x]");
        // An unbalanced start is closed.
        assert_eq!(snippet(&format!("{MARK_START}x")), "<mark>x</mark>");
    }

    #[test]
    fn multilingual_texts_follow_the_reader() {
        let v = serde_json::json!({"fr": "Bonjour", "en": "Hello"});
        assert_eq!(lstr(&v, "en", "fr"), Some("Hello"));
        assert_eq!(lstr(&v, "de", "fr"), Some("Bonjour"));
        assert_eq!(lstr(&serde_json::json!({"name": "x"}), "en", "fr"), None);
    }
}
