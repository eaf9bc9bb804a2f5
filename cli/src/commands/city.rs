//! `audacities city set|show`: the city's signed public profile (name, country, website,
//! languages, contact). Each `set` publishes a new version; every node shows the latest.

use std::path::PathBuf;

use audacities_node::Home;
use audacities_protocol::Act;
use audacities_protocol::act::CityProfile;
use serde_json::json;

use crate::commands::{open_home, publish_act, store_failure};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Publish a new version of the city's profile; unset fields keep their value.
    /// — Publier une nouvelle version du profil de la ville.
    Set {
        #[arg(long)]
        name: Option<String>,
        /// ISO 3166-1 alpha-2 code. — Code pays.
        #[arg(long)]
        country: Option<String>,
        #[arg(long)]
        website: Option<String>,
        /// Comma-separated BCP-47 tags, e.g. fr,en. — Langues de publication.
        #[arg(long, value_delimiter = ',')]
        languages: Option<Vec<String>>,
        #[arg(long)]
        contact: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The city's current profile. — Le profil actuel de la ville.
    Show {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    match args.command {
        Command::Set {
            name,
            country,
            website,
            languages,
            contact,
            json,
        } => {
            let home = open_home(messages, home)?;
            let mut profile = current(messages, &home)?;
            if let Some(name) = name {
                profile.name = name;
            }
            if let Some(country) = country {
                profile.country = country.to_ascii_uppercase();
            }
            if website.is_some() {
                profile.website = website.filter(|w| !w.is_empty());
            }
            if let Some(languages) = languages {
                profile.languages = languages.into_iter().filter(|l| !l.is_empty()).collect();
            }
            if contact.is_some() {
                profile.contact = contact.filter(|c| !c.is_empty());
            }
            let id = publish_act(messages, &home, Act::CityProfile(profile.clone()))?;
            if json {
                return output::json(
                    &json!({"id": id.to_string(), "profile": profile_json(&profile)}),
                );
            }
            output::line(&messages.with("city-set", &[("name", &profile.name)]));
            output::line(&messages.with("act-id", &[("id", &id)]));
            Ok(())
        }
        Command::Show { json } => {
            let home = open_home(messages, home)?;
            let profile = current(messages, &home)?;
            if json {
                return output::json(&json!({
                    "city": home.city().to_string(), "profile": profile_json(&profile),
                }));
            }
            output::line(&format!("{} ({})", profile.name, home.city()));
            output::line(&profile.country);
            for value in [&profile.website, &profile.contact].into_iter().flatten() {
                output::line(value);
            }
            if !profile.languages.is_empty() {
                output::line(&profile.languages.join(", "));
            }
            Ok(())
        }
    }
}

fn profile_json(p: &CityProfile) -> serde_json::Value {
    json!({"name": p.name, "country": p.country, "website": p.website,
           "languages": p.languages, "contact": p.contact})
}

/// The latest signed profile, else one made from config.toml's `[city]`.
fn current(messages: &Messages, home: &Home) -> Result<CityProfile, Failure> {
    let authority = home
        .store()
        .authority(home.city())
        .map_err(|e| store_failure(messages, e))?;
    Ok(match authority.profile() {
        Some((_, _, p)) => p.clone(),
        None => profile_from_config(home),
    })
}

/// The profile `init` publishes: the name and country given to it.
pub fn profile_from_config(home: &Home) -> CityProfile {
    CityProfile {
        name: home.config().city.name.clone(),
        country: home.config().city.country.clone(),
        website: None,
        languages: Vec::new(),
        contact: None,
    }
}

/// Publishes the first profile of a new city home (skipped, with no error, while the city has
/// no name or country yet: `city set` publishes it later).
pub fn publish_first(
    messages: &Messages,
    home: &Home,
) -> Result<Option<audacities_protocol::Id>, Failure> {
    if home.config().has_placeholder_city() || home.config().city.country.is_empty() {
        return Ok(None);
    }
    publish_act(messages, home, Act::CityProfile(profile_from_config(home))).map(Some)
}
