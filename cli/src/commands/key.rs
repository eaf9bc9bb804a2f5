//! `audacities key delegate|revoke|rotate|list`: a city hands staff keys a scoped, time-bounded
//! right to publish for it, takes it back, and moves to a new key of its own. Each is a signed
//! act that reaches every node like any entry (see `protocol::authority` for the rule).

use std::path::PathBuf;
use std::str::FromStr;

use audacities_node::time::{format_utc, now_ms, parse_utc};
use audacities_protocol::act::{Delegation, Revocation, Rotation};
use audacities_protocol::authority::GrantState;
use audacities_protocol::model::Kind;
use audacities_protocol::{Act, PublicKey, SecretKey};
use serde_json::json;

use crate::commands::{home_failure, open_home, publish_act, store_failure};
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
    /// Let a staff key publish some kinds for this city until a date. — Déléguer à un agent.
    Delegate {
        /// The staff key (its `audacities id` prints it as signing_key). — La clé de l'agent.
        #[arg(value_name = "STAFFKEY")]
        key: String,
        /// Content kinds, comma-separated (case_study,scenario…). — Types de contenu.
        #[arg(long, value_delimiter = ',', required = true)]
        kinds: Vec<String>,
        /// Last day (YYYY-MM-DD, through its end, UTC) or moment (YYYY-MM-DDTHH:MM:SSZ).
        /// — Dernier jour ou instant.
        #[arg(long)]
        until: String,
        /// Who holds the key, shown with its entries. — Qui détient la clé.
        #[arg(long)]
        label: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Withdraw a staff key from a moment on (default: now). — Révoquer une clé d'agent.
    Revoke {
        #[arg(value_name = "STAFFKEY")]
        key: String,
        /// YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC); earlier than now for a lost laptop.
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Move this city to a new key, signed by the current one. — Changer la clé de la ville.
    Rotate {
        #[arg(long)]
        json: bool,
    },
    /// The city's keys and delegations, and their state. — Clés et délégations.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    match args.command {
        Command::Delegate {
            key,
            kinds,
            until,
            label,
            json,
        } => delegate(messages, home, &key, kinds, &until, label, json),
        Command::Revoke { key, since, json } => revoke(messages, home, &key, since, json),
        Command::Rotate { json } => rotate(messages, home, json),
        Command::List { json } => list(messages, home, json),
    }
}

fn parse_key(messages: &Messages, text: &str) -> Result<PublicKey, Failure> {
    PublicKey::from_str(text.trim())
        .map_err(|e| Failure::because(messages, "bad-key", e).hint(messages.get("hint-staff-key")))
}

/// A date (through the end of that day) or a moment, in UTC milliseconds.
fn parse_until(messages: &Messages, text: &str) -> Result<u64, Failure> {
    let ms = parse_utc(text).ok_or_else(|| {
        Failure::new(messages.with("bad-date", &[("got", &text)])).hint(messages.get("hint-date"))
    })?;
    let day_only = text.trim().len() == 10;
    Ok(if day_only { ms + 86_400_000 - 1 } else { ms })
}

fn delegate(
    messages: &Messages,
    home: Option<PathBuf>,
    key: &str,
    kinds: Vec<String>,
    until: &str,
    label: Option<String>,
    json: bool,
) -> Result<(), Failure> {
    let delegate = parse_key(messages, key)?;
    let mut kinds: Vec<String> = kinds.iter().map(|k| k.trim().to_owned()).collect();
    for kind in &kinds {
        Kind::from_str(kind).map_err(|e| Failure::because(messages, "bad-kind", e))?;
    }
    kinds.sort();
    kinds.dedup();
    let until = parse_until(messages, until)?;
    let home = open_home(messages, home)?;
    let act = Act::Delegation(Delegation {
        delegate,
        kinds: kinds.clone(),
        until,
        label: label.clone(),
    });
    let id = publish_act(messages, &home, act)?;
    if json {
        return output::json(&json!({
            "id": id.to_string(), "delegate": delegate.to_string(), "kinds": kinds,
            "until": format_utc(until), "label": label,
        }));
    }
    output::line(&messages.with(
        "key-delegated",
        &[
            ("key", &delegate),
            ("kinds", &kinds.join(", ")),
            ("until", &format_utc(until)),
        ],
    ));
    output::line(&messages.with("act-id", &[("id", &id)]));
    Ok(())
}

fn revoke(
    messages: &Messages,
    home: Option<PathBuf>,
    key: &str,
    since: Option<String>,
    json: bool,
) -> Result<(), Failure> {
    let revoked = parse_key(messages, key)?;
    let since = match since {
        Some(text) => parse_utc(&text).ok_or_else(|| {
            Failure::new(messages.with("bad-date", &[("got", &text)]))
                .hint(messages.get("hint-date"))
        })?,
        None => now_ms(),
    };
    let home = open_home(messages, home)?;
    let act = Act::Revocation(Revocation {
        key: revoked,
        since,
    });
    let id = publish_act(messages, &home, act)?;
    if json {
        return output::json(&json!({
            "id": id.to_string(), "key": revoked.to_string(), "since": format_utc(since),
        }));
    }
    output::line(&messages.with(
        "key-revoked",
        &[("key", &revoked), ("since", &format_utc(since))],
    ));
    output::line(&messages.with("act-id", &[("id", &id)]));
    Ok(())
}

fn rotate(messages: &Messages, home: Option<PathBuf>, json: bool) -> Result<(), Failure> {
    let home = open_home(messages, home)?;
    if home.is_staff() {
        return Err(Failure::new(messages.get("rotate-staff")));
    }
    let seed = audacities_node::home::random_seed().map_err(|e| home_failure(messages, e))?;
    let new = SecretKey::from_bytes(seed);
    let act = Act::Rotation(Rotation {
        new_key: new.public(),
    });
    // Signed by the current key and stored first; only then does the home switch keys.
    let id = publish_act(messages, &home, act)?;
    let city = home.city();
    home.replace_city_key(&new, now_ms())
        .map_err(|e| home_failure(messages, e))?;
    if json {
        return output::json(&json!({
            "id": id.to_string(), "city": city.to_string(), "new_key": new.public().to_string(),
        }));
    }
    output::line(&messages.with("key-rotated", &[("city", &city), ("key", &new.public())]));
    output::line(&messages.with("act-id", &[("id", &id)]));
    Ok(())
}

fn list(messages: &Messages, home: Option<PathBuf>, json: bool) -> Result<(), Failure> {
    let home = open_home(messages, home)?;
    let authority = home
        .store()
        .authority(home.city())
        .map_err(|e| store_failure(messages, e))?;
    let now = now_ms();
    let state = |s: GrantState| match s {
        GrantState::NotYet => "not_yet",
        GrantState::Active => "active",
        GrantState::Expired => "expired",
        GrantState::Revoked => "revoked",
    };
    if json {
        let keys: Vec<_> = authority
            .keys()
            .iter()
            .map(|k| {
                json!({"key": k.key.to_string(), "from": format_utc(k.from),
                       "until": k.until.map(format_utc)})
            })
            .collect();
        let grants: Vec<_> = authority
            .grants()
            .iter()
            .map(|g| {
                json!({
                    "id": g.id.to_string(), "delegate": g.delegate.to_string(),
                    "kinds": g.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                    "label": g.label, "from": format_utc(g.from), "until": format_utc(g.until),
                    "revoked_since": g.revoked_since.map(format_utc),
                    "state": state(g.state_at(now)),
                })
            })
            .collect();
        return output::json(&json!({
            "city": home.city().to_string(),
            "signing_key": home.signing_key().public().to_string(),
            "keys": keys,
            "delegations": grants,
        }));
    }
    output::line(&messages.with("key-list-city", &[("city", &home.city())]));
    for k in authority.keys() {
        let until = k.until.map_or_else(|| "…".to_owned(), format_utc);
        output::line(&format!("  {}  {} → {until}", k.key, format_utc(k.from)));
    }
    output::line(&messages.get("key-list-delegations"));
    if authority.grants().is_empty() {
        output::line(&messages.get("key-list-none"));
    }
    for g in authority.grants() {
        let kinds: Vec<&str> = g.kinds.iter().map(|k| k.as_str()).collect();
        output::line(&format!(
            "  {}  {:<8}  {} → {}  {}  {}",
            g.delegate,
            messages.get(&format!("grant-{}", state(g.state_at(now)))),
            format_utc(g.from),
            format_utc(g.until),
            kinds.join(","),
            g.label.as_deref().unwrap_or("")
        ));
    }
    Ok(())
}
