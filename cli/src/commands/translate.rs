//! `audacities translate ID --lang LANG FILE`: this city adds a language to an entry — its own
//! or another city's — signed by the translator and linked to the version it translates. Every
//! node shows it with the entry, marked stale once the document has a later version.
//!
//! FILE holds `title` and optionally `summary` and `body`: TOML, JSON, or Markdown whose front
//! matter (TOML between `+++` lines) holds the title and summary and whose text is the body.

use std::path::{Path, PathBuf};

use audacities_protocol::Act;
use audacities_protocol::act::Translation;
use serde_json::json;

use crate::commands::{history_of, open_home, publish_act};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Any version's id, or a unique prefix (≥ 8 characters); its current version is
    /// translated. — L'entrée à traduire.
    id: String,
    /// The translation's language (BCP-47: fr, en, it, pt-BR…). — La langue de la traduction.
    #[arg(long)]
    lang: String,
    /// title / summary / body, in TOML, JSON or Markdown with +++ front matter.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[arg(long)]
    json: bool,
}

/// The fields a translation file gives.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    title: String,
    summary: Option<String>,
    body: Option<String>,
}

fn read(messages: &Messages, path: &Path) -> Result<Fields, Failure> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::new(format!("{label}{}{e}", messages.colon())))?;
    let bad = |e: String| {
        Failure::new(format!("{label}{}{e}", messages.colon()))
            .hint(messages.get("hint-translation-file"))
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    match ext {
        "json" => serde_json::from_str(&text).map_err(|e| bad(e.to_string())),
        "md" | "markdown" => {
            let rest = text
                .strip_prefix("+++\n")
                .ok_or_else(|| bad("expected front matter between +++ lines".into()))?;
            let (front, body) = rest
                .split_once("\n+++")
                .ok_or_else(|| bad("the front matter has no closing +++ line".into()))?;
            let mut fields: Fields = toml::from_str(front).map_err(|e| bad(e.to_string()))?;
            let body = body.trim_start_matches(['\r', '\n']).trim_end();
            if !body.is_empty() {
                fields.body = Some(body.to_owned());
            }
            Ok(fields)
        }
        _ => toml::from_str(&text).map_err(|e| bad(e.to_string())),
    }
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let fields = read(messages, &args.file)?;
    let home = open_home(messages, home)?;
    let (id, history) = history_of(messages, &home, &args.id)?;
    let of = history.map_or(id, |h| h.current);
    let act = Act::Translation(Translation {
        of,
        lang: args.lang.clone(),
        title: fields.title,
        summary: fields.summary,
        body: fields.body,
    });
    let act_id = publish_act(messages, &home, act)?;
    if args.json {
        return output::json(&json!({
            "id": act_id.to_string(), "of": of.to_string(), "lang": args.lang,
        }));
    }
    output::line(&messages.with("translated", &[("of", &of), ("lang", &args.lang)]));
    output::line(&messages.with("act-id", &[("id", &act_id)]));
    Ok(())
}
