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
    /// Stop trusting a city, and delete its stored entries once confirmed.
    /// — Retirer une ville, et effacer ses entrées après confirmation.
    Remove {
        /// The city's public key. — La clé publique de la ville.
        #[arg(value_name = "KEY")]
        key: String,
        /// Delete its stored entries without asking. — Effacer ses entrées sans demander.
        #[arg(long)]
        yes: bool,
        /// Keep its stored entries without asking. — Garder ses entrées sans demander.
        #[arg(long, conflicts_with = "yes")]
        keep: bool,
    },
    /// The trust mode, this city and the trusted cities. — Les villes de confiance.
    List {
        /// Print {"mode", "city", "members": [{"city", "label", "added_ms"}]}.
        #[arg(long)]
        json: bool,
    },
    /// Vouch for a city: nodes in vouched mode that trust this one count it.
    /// — Recommander une ville.
    Vouch {
        /// The city's public key. — La clé publique de la ville.
        #[arg(value_name = "KEY")]
        key: String,
    },
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    match args.command {
        Command::Add { key, label } => add(messages, home, &key, label),
        Command::Remove { key, yes, keep } => remove(messages, home, &key, yes, keep),
        Command::List { json } => list(messages, home, json),
        Command::Vouch { key } => vouch(messages, home, &key),
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

fn remove(
    messages: &Messages,
    home: Option<PathBuf>,
    key: &str,
    yes: bool,
    keep: bool,
) -> Result<(), Failure> {
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
    let stored = home
        .store()
        .count_of_city(city)
        .map_err(|e| store_failure(messages, e))?;
    if stored == 0 || keep {
        return Ok(());
    }
    if !yes && !confirm(&messages.with("trust-purge-ask", &[("n", &stored), ("city", &city)])) {
        output::line(&messages.with("trust-purge-kept", &[("n", &stored), ("key", &city)]));
        return Ok(());
    }
    let purged = match Client::find(home.dir()) {
        Some(node) => node
            .purge_city(&city.to_string())
            .map_err(|e| Failure::because(messages, "node-failed", e))?,
        None => home
            .store()
            .purge_city(city)
            .map_err(|e| store_failure(messages, e))?,
    };
    output::line(&messages.with("trust-purged", &[("n", &purged), ("city", &city)]));
    Ok(())
}

/// Asks a yes/no question on the terminal; no terminal (a script) is a no.
fn confirm(question: &str) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("{question} ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "o" | "oui"
    )
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
    output::line(&match mode {
        TrustMode::Members => messages.get("trust-mode-members"),
        TrustMode::Open => messages.get("trust-mode-open"),
        TrustMode::Vouched => messages.with("trust-mode-vouched", &[("n", &home.config().vouches)]),
    });
    output::line(&messages.with("trust-this-city", &[("key", &home.city())]));
    if mode == TrustMode::Vouched {
        let mut vouchers: Vec<[u8; 32]> = members.iter().map(|m| *m.city.as_bytes()).collect();
        vouchers.push(*home.city().as_bytes());
        let vouched = home
            .store()
            .vouched(vouchers, home.config().vouches)
            .map_err(|e| store_failure(messages, e))?;
        for city in vouched {
            output::line(&messages.with("trust-vouched-city", &[("key", &city)]));
        }
    }
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

fn vouch(messages: &Messages, home: Option<PathBuf>, key: &str) -> Result<(), Failure> {
    let city = parse_key(messages, key)?;
    let home = open_home(messages, home)?;
    let act = audacities_protocol::Act::Vouch(audacities_protocol::act::Vouch { city });
    let id = crate::commands::publish_act(messages, &home, act)?;
    output::line(&messages.with("trust-vouched", &[("city", &city)]));
    output::line(&messages.with("act-id", &[("id", &id)]));
    Ok(())
}
