//! `audacities list`: stored entries, newest first, filtered by kind, theme or language.

use std::path::PathBuf;

use audacities_node::store::{Filter, Summary};
use audacities_node::time::format_utc;
use audacities_protocol::model::{Kind, THEMES};
use serde_json::{Value, json};

use crate::commands::{open_home, reading_lang, store_failure};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Language of the entries' texts (entries with a title in it). — Langue des contenus.
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Entries this city (its key, or its profile's name) endorsed or adopted.
    /// — Entrées soutenues ou adoptées par cette ville.
    #[arg(long, value_name = "CITY")]
    endorsed_by: Option<String>,
    #[arg(long)]
    json: bool,
}

/// Filters shared by `list` and `search`.
#[derive(clap::Args)]
pub struct FilterArgs {
    /// Only this kind (case_study, scenario, …). — Seulement ce type.
    #[arg(long)]
    kind: Option<String>,
    /// Only this theme (mobility, housing, …). — Seulement ce thème.
    #[arg(long)]
    theme: Option<String>,
    /// At most this many entries. — Au plus ce nombre d'entrées.
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

impl FilterArgs {
    pub fn to_filter(&self, messages: &Messages) -> Result<Filter, Failure> {
        let kind = match &self.kind {
            Some(k) => Some(k.parse::<Kind>().map_err(|e| {
                Failure::because(messages, "bad-kind", e).hint(messages.get("hint-kinds"))
            })?),
            None => None,
        };
        if let Some(theme) = &self.theme
            && !THEMES.contains(&theme.as_str())
        {
            return Err(
                Failure::new(messages.with("bad-theme", &[("got", theme)])).hint(THEMES.join(", "))
            );
        }
        Ok(Filter {
            kind,
            theme: self.theme.clone(),
            limit: self.limit,
            ..Filter::default()
        })
    }
}

impl Args {
    /// Every entry, as the demo lists them.
    pub fn all() -> Self {
        Self {
            filter: FilterArgs::default(),
            lang: None,
            endorsed_by: None,
            json: false,
        }
    }
}

impl Default for FilterArgs {
    fn default() -> Self {
        Self {
            kind: None,
            theme: None,
            limit: 50,
        }
    }
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let mut filter = args.filter.to_filter(messages)?;
    filter.lang = args.lang.clone();
    let home = open_home(messages, home)?;
    if let Some(city) = &args.endorsed_by {
        filter.endorsed_by = Some(city_named(messages, &home, city)?);
    }
    let summaries = home
        .store()
        .list(&filter)
        .map_err(|e| store_failure(messages, e))?;
    if args.json {
        let items: Vec<Value> = summaries.iter().map(summary_json).collect();
        return output::json(&items);
    }
    if summaries.is_empty() {
        output::line(&messages.get("nothing-found"));
        return Ok(());
    }
    let lang = args.lang.as_deref().unwrap_or(reading_lang(messages));
    // Cities by the names their profiles give them (`show` gives the key).
    let names: std::collections::HashMap<_, _> = home
        .store()
        .profile_names()
        .map_err(|e| store_failure(messages, e))?
        .into_iter()
        .collect();
    let mut table = output::table(vec![
        messages.get("col-id"),
        messages.get("col-kind"),
        messages.get("col-title"),
        messages.get("col-city"),
        messages.get("col-themes"),
        messages.get("col-created"),
    ]);
    for s in &summaries {
        let city = names
            .get(&s.city)
            .cloned()
            .unwrap_or_else(|| format!("{}…", &s.city.to_string()[..8]));
        table.add_row(vec![
            output::short_id(&s.id),
            s.kind.to_string(),
            output::pick(&s.title, lang, &s.lang).to_owned(),
            city,
            s.themes.join(", "),
            output::short_time(s.created_ms),
        ]);
    }
    output::line(&table.to_string());
    Ok(())
}

/// The stable JSON form of an entry's summary.
pub fn summary_json(s: &Summary) -> Value {
    json!({
        "id": s.id.to_string(),
        "kind": s.kind.as_str(),
        "lang": s.lang,
        "title": s.title,
        "themes": s.themes,
        "city": s.city.to_string(),
        "created": format_utc(s.created_ms),
    })
}

/// A city by its key, or by the name its profile gives it (case ignored).
pub fn city_named(
    messages: &Messages,
    home: &audacities_node::Home,
    text: &str,
) -> Result<audacities_protocol::PublicKey, Failure> {
    if let Ok(key) = text.trim().parse() {
        return Ok(key);
    }
    let names = home
        .store()
        .profile_names()
        .map_err(|e| store_failure(messages, e))?;
    let wanted = text.trim().to_lowercase();
    let found: Vec<_> = names
        .into_iter()
        .filter(|(_, name)| name.to_lowercase() == wanted)
        .collect();
    match found.as_slice() {
        [(key, _)] => Ok(*key),
        [] => Err(
            Failure::new(messages.with("unknown-city", &[("got", &text)]))
                .hint(messages.get("hint-city-key")),
        ),
        _ => Err(
            Failure::new(messages.with("ambiguous-city", &[("got", &text)]))
                .hint(messages.get("hint-city-key")),
        ),
    }
}
