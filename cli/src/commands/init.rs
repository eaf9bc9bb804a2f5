//! `audacities init`: creates a home — the city key (mode 0600, never printed), a commented
//! configuration and the database — and says what to do next.

use std::path::PathBuf;

use audacities_node::Home;
use audacities_node::config::PLACEHOLDER_CITY;
use audacities_protocol::PublicKey;
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
    /// Create a staff home that publishes for this city (its key) once the city delegates to
    /// it. — Créer un poste d'agent qui publie pour cette ville.
    #[arg(long, value_name = "CITYKEY", conflicts_with_all = ["city", "country"])]
    staff_of: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let dir = home_dir(messages, home)?;
    if let Some(city) = &args.staff_of {
        return staff(messages, &dir, city, args.json);
    }
    let city = args.city.unwrap_or_else(|| PLACEHOLDER_CITY.to_owned());
    let country = args.country.unwrap_or_default().to_ascii_uppercase();
    if !country.is_empty() && !audacities_protocol::model::is_country(&country) {
        return Err(
            Failure::new(messages.with("bad-country", &[("got", &country)]))
                .hint(messages.get("hint-country")),
        );
    }
    let home = Home::init(&dir, &city, &country).map_err(|e| home_failure(messages, e))?;
    let profile = crate::commands::city::publish_first(messages, &home)?;
    if args.json {
        return output::json(&json!({
            "home": home.dir(),
            "city_key": home.city().to_string(),
            "signing_key": home.signing_key().public().to_string(),
            "profile": profile.map(|id| id.to_string()),
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

fn staff(
    messages: &Messages,
    dir: &std::path::Path,
    city: &str,
    json: bool,
) -> Result<(), Failure> {
    let city: PublicKey = city.trim().parse().map_err(|e| {
        Failure::because(messages, "bad-key", e).hint(messages.get("hint-staff-of"))
    })?;
    let home = Home::init_staff(dir, city).map_err(|e| home_failure(messages, e))?;
    let staff = home.signing_key().public();
    if json {
        return output::json(&json!({
            "home": home.dir(),
            "city_key": city.to_string(),
            "signing_key": staff.to_string(),
        }));
    }
    output::line(&messages.with("init-done", &[("dir", &home.dir().display())]));
    output::line(&messages.with("init-staff-key", &[("key", &staff), ("city", &city)]));
    output::line(&messages.with("init-staff-next", &[("key", &staff)]));
    Ok(())
}
