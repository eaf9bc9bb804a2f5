//! `audacities trust add|remove|list`: the cities this node stores and relays besides its own
//! (with `trust = "members"` in config.toml, the default). The list lives in the commons
//! database; the decision is the node's `trust::Policy`, which every door (import now, gossip
//! and sync in the running node) applies before verifying an entry.
//!
//! This works offline on the home's database; a node already running reads the list at start.

use std::path::PathBuf;
use std::str::FromStr;

use audacities_node::config::TrustMode;
use audacities_node::time::now_ms;
use audacities_protocol::PublicKey;
use audacities_protocol::key::KeyError;
use serde_json::json;

use crate::client::Client;
use crate::commands::{open_home, store_failure};
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
    /// Trust a city: store and relay its entries. — Faire confiance à une ville.
    Add {
        /// The city's public key (64 hex characters; its `audacities id` prints it).
        /// — La clé publique de la ville.
        #[arg(value_name = "KEY")]
        key: String,
        /// A note for people, e.g. the city's name. — Une note, par ex. le nom de la ville.
        #[arg(long, value_name = "TEXT")]
        label: Option<String>,
    },
    /// Stop trusting a city (its entries already stored are kept). — Retirer une ville.
    Remove {
        /// The city's public key. — La clé publique de la ville.
        #[arg(value_name = "KEY")]
        key: String,
    },
    /// The trust mode, this city and the trusted cities. — Les villes de confiance.
    List {
        /// Print {"mode", "city", "members": [{"city", "label", "added_ms"}]}.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    match args.command {
        Command::Add { key, label } => add(messages, home, &key, label),
        Command::Remove { key } => remove(messages, home, &key),
        Command::List { json } => list(messages, home, json),
    }
}

/// The city key given as `KEY`, or a failure naming the argument and why, in the user's language.
fn parse_key(messages: &Messages, text: &str) -> Result<PublicKey, Failure> {
    PublicKey::from_str(text.trim()).map_err(|e| {
        let reason = match e {
            KeyError::Text(_) => messages.get("reason-key-text"),
            KeyError::NotAPoint(_) => messages.get("reason-key-point"),
        };
        Failure::new(messages.with(
            "bad-city-key",
            &[("arg", &"KEY"), ("got", &text), ("reason", &reason)],
        ))
        .hint(messages.get("hint-city-key"))
    })
}

fn add(
    messages: &Messages,
    home: Option<PathBuf>,
    key: &str,
    label: Option<String>,
) -> Result<(), Failure> {
    let city = parse_key(messages, key)?;
    let home = open_home(messages, home)?;
    if city == home.city() {
        output::line(&messages.with("trust-own", &[("city", &city)]));
        return Ok(());
    }
    let label = label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
    // A running node changes its policy with its list: go through it when there is one.
    let added = match Client::find(home.dir()) {
        Some(node) => node
            .trust_add(city.to_string(), label)
            .map_err(|e| Failure::because(messages, "node-failed", e))?,
        None => home
            .store()
            .trust_add(city, label, now_ms())
            .map_err(|e| store_failure(messages, e))?,
    };
    let id = if added {
        "trust-added"
    } else {
        "trust-already"
    };
    output::line(&messages.with(id, &[("city", &city)]));
    if home.config().trust == TrustMode::Open {
        output::line(&messages.get("trust-open-note"));
    }
    Ok(())
}

fn remove(messages: &Messages, home: Option<PathBuf>, key: &str) -> Result<(), Failure> {
    let city = parse_key(messages, key)?;
    let home = open_home(messages, home)?;
    let removed = match Client::find(home.dir()) {
        Some(node) => node
            .trust_remove(&city.to_string())
            .map_err(|e| Failure::because(messages, "node-failed", e))?,
        None => home
            .store()
            .trust_remove(city)
            .map_err(|e| store_failure(messages, e))?,
    };
    if !removed {
        let failure = Failure::new(messages.with("trust-not-member", &[("city", &city)]));
        return Err(if city == home.city() {
            failure.hint(messages.with("trust-own", &[("city", &city)]))
        } else {
            failure.hint(messages.get("hint-trust-list"))
        });
    }
    output::line(&messages.with("trust-removed", &[("city", &city)]));
    Ok(())
}

fn list(messages: &Messages, home: Option<PathBuf>, json: bool) -> Result<(), Failure> {
    let home = open_home(messages, home)?;
    let members = home
        .store()
        .trust_list()
        .map_err(|e| store_failure(messages, e))?;
    let mode = home.config().trust;
    if json {
        return output::json(&json!({
            "mode": mode,
            "city": home.city(),
            "members": members,
        }));
    }
    output::line(&messages.get(match mode {
        TrustMode::Members => "trust-mode-members",
        TrustMode::Open => "trust-mode-open",
    }));
    output::line(&messages.with("trust-this-city", &[("key", &home.city())]));
    if members.is_empty() {
        output::line(&messages.get("trust-none"));
        return Ok(());
    }
    let mut table = output::table(vec![
        messages.get("col-city-key"),
        messages.get("col-label"),
        messages.get("col-added"),
    ]);
    for member in &members {
        table.add_row(vec![
            member.city.to_string(),
            member.label.clone().unwrap_or_default(),
            output::short_time(member.added_ms),
        ]);
    }
    output::line(&table.to_string());
    Ok(())
}
