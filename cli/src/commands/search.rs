//! `audacities search QUERY`: full-text search over every language, ranked, with snippets.

use std::path::PathBuf;

use serde_json::Value;

use crate::commands::list::{FilterArgs, summary_json};
use crate::commands::{open_home, reading_lang, store_failure};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Words to find (accents and case do not matter). — Mots à chercher.
    #[arg(required = true, num_args = 1..)]
    query: Vec<String>,
    #[command(flatten)]
    filter: FilterArgs,
    #[arg(long)]
    json: bool,
}

impl Args {
    /// A plain search, as the demo runs it.
    pub fn query(text: &str) -> Self {
        Self {
            query: vec![text.to_owned()],
            filter: FilterArgs::default(),
            json: false,
        }
    }
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let filter = args.filter.to_filter(messages)?;
    let query = args.query.join(" ");
    let home = open_home(messages, home)?;
    let hits = home
        .store()
        .search(&query, &filter)
        .map_err(|e| store_failure(messages, e))?;
    if args.json {
        let items: Vec<Value> = hits
            .iter()
            .map(|hit| {
                let mut item = summary_json(&hit.summary);
                if let Value::Object(map) = &mut item {
                    map.insert("snippet".into(), Value::String(hit.snippet.clone()));
                    map.insert("rank".into(), serde_json::json!(hit.rank));
                }
                item
            })
            .collect();
        return output::json(&items);
    }
    if hits.is_empty() {
        output::line(&messages.with("search-none", &[("query", &query)]));
        return Ok(());
    }
    let lang = reading_lang(messages);
    let mut table = output::table(vec![
        messages.get("col-id"),
        messages.get("col-kind"),
        messages.get("col-title"),
        messages.get("col-snippet"),
    ]);
    for hit in &hits {
        let s = &hit.summary;
        table.add_row(vec![
            output::short_id(&s.id),
            s.kind.to_string(),
            output::pick(&s.title, lang, &s.lang).to_owned(),
            hit.snippet.clone(),
        ]);
    }
    output::line(&table.to_string());
    Ok(())
}
