//! `audacities id`: this home's two public names — the city key, which partner cities put on
//! their trust lists, and the node's peer id, which other nodes dial — like a Syncthing device
//! id. Prints nothing secret (the private keys never leave `keys/`).

use std::path::PathBuf;

use serde_json::json;

use crate::commands::open_home;
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Print {"city_key", "signing_key", "staff", "peer_id"}.
    #[arg(long)]
    json: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let home = open_home(messages, home)?;
    let city = home.city().to_string();
    let peer = home.peer_id().to_string();
    if args.json {
        return output::json(&json!({
            "city_key": city,
            "signing_key": home.signing_key().public().to_string(),
            "staff": home.is_staff(),
            "peer_id": peer,
        }));
    }
    output::line(&messages.with("id-city", &[("key", &city)]));
    let signing = home.signing_key().public().to_string();
    if signing != city {
        output::line(&messages.with("id-signing", &[("key", &signing)]));
    }
    output::line(&messages.with("id-peer", &[("peer", &peer)]));
    output::line("");
    output::line(&messages.with("id-explain", &[("key", &city)]));
    Ok(())
}
