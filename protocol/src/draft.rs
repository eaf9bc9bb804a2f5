//! Drafts: what a person writes (TOML, JSON, or Markdown with TOML/YAML front matter) before it
//! is validated and signed. Every error names the field path, in French and English.
//!
//! SKELETON — the public types below are the contract used by `entry`, the node and the CLI.
//! Their bodies are filled in together with `model/`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Kind, LStr};

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
    value: Value,
}

impl Draft {
    /// Parses and validates a draft written by a person.
    pub fn parse(_text: &str, _format: Format) -> Result<Self, DraftError> {
        unimplemented!("filled in with model/")
    }

    /// Validates a draft given as JSON (an entry's body received from a peer, or an API body).
    pub fn from_value(_value: Value) -> Result<Self, DraftError> {
        unimplemented!("filled in with model/")
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The JSON object that is signed as the entry's body.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The original language (`lang`).
    pub fn lang(&self) -> &str {
        unimplemented!()
    }

    pub fn title(&self) -> &LStr {
        unimplemented!()
    }

    pub fn summary(&self) -> Option<&LStr> {
        unimplemented!()
    }

    /// The themes, as their vocabulary strings.
    pub fn themes(&self) -> Vec<&str> {
        unimplemented!()
    }

    pub fn tags(&self) -> Vec<&str> {
        unimplemented!()
    }

    /// The languages this draft has a title in.
    pub fn languages(&self) -> Vec<&str> {
        self.title().keys().map(String::as_str).collect()
    }

    /// Texts for the full-text index.
    pub fn texts(&self) -> Texts {
        unimplemented!()
    }
}

/// The JSON Schema (draft 2020-12) of a kind's draft, for editors and local tools.
pub fn json_schema(_kind: Kind) -> Value {
    unimplemented!()
}

#[allow(dead_code)]
type Unused = BTreeMap<String, String>;
