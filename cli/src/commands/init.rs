//! `audacities init`: creates a home — the city key (mode 0600, never printed), a commented
//! configuration and the database — and says what to do next.

use std::path::PathBuf;

use audacities_node::Home;
use audacities_node::config::PLACEHOLDER_CITY;
use serde_json::json;

use crate::commands::{home_dir, home_failure};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// The city's name, as other cities will see it. — Nom de la ville.
    #[arg(long)]
    city: Option<String>,
    /// ISO 3166-1 alpha-2 country code, e.g. FR. — Code pays.
    #[arg(long)]
    country: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let dir = home_dir(messages, home)?;
    let city = args.city.unwrap_or_else(|| PLACEHOLDER_CITY.to_owned());
    let country = args.country.unwrap_or_default().to_ascii_uppercase();
    if !country.is_empty() && !audacities_protocol::model::is_country(&country) {
        return Err(
            Failure::new(messages.with("bad-country", &[("got", &country)]))
                .hint(messages.get("hint-country")),
        );
    }
    let home = Home::init(&dir, &city, &country).map_err(|e| home_failure(messages, e))?;
    if args.json {
        return output::json(&json!({
            "home": home.dir(),
            "city_key": home.city().to_string(),
            "city": home.config().city.name,
            "country": home.config().city.country,
        }));
    }
    output::line(&messages.with("init-done", &[("dir", &home.dir().display())]));
    output::line(&messages.with("init-key", &[("key", &home.city())]));
    if home.config().has_placeholder_city() {
        output::line(&messages.get("init-placeholder"));
    }
    output::line(&messages.get("init-next"));
    Ok(())
}
