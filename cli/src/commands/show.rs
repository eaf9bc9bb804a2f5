//! `audacities show ID`: one entry, found by its id or a unique prefix of ≥ 8 characters,
//! re-verified from its stored bytes, with its signer and city.

use std::path::PathBuf;

use audacities_node::time::format_utc;
use audacities_protocol::Entry;
use audacities_protocol::authority::Signer;
use audacities_protocol::id::Prefix;
use serde_json::{Value, json};

use crate::commands::{open_home, reading_lang, store_failure};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// The entry's id, or a unique prefix of at least 8 characters. — Identifiant ou préfixe.
    id: String,
    #[arg(long)]
    json: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let prefix: Prefix = args.id.parse().map_err(|e| {
        Failure::because(messages, "bad-id", e).hint(messages.get("hint-id-prefix"))
    })?;
    let home = open_home(messages, home)?;
    let id = home.store().resolve(&prefix).map_err(|e| {
        let hint = messages.get("hint-list");
        store_failure(messages, e).hint(hint)
    })?;
    let stored = home
        .store()
        .get(id)
        .map_err(|e| store_failure(messages, e))?
        .ok_or_else(|| Failure::new(messages.with("not-found", &[("id", &id)])))?;
    let entry = Entry::decode(&stored.bytes).map_err(|e| {
        let reason = crate::reasons::entry_error(messages, &e);
        Failure::new(messages.with("stored-invalid", &[("id", &id), ("reason", &reason)]))
            .hint(messages.get("hint-verify"))
    })?;
    let head = entry.head();
    let authority = home
        .store()
        .authority(head.city)
        .map_err(|e| store_failure(messages, e))?;
    let city_name = authority
        .profile()
        .map(|(_, _, p)| p.name.clone())
        .or_else(|| (head.city == home.city()).then(|| home.config().city.name.clone()));
    // A staff key's entry is the city's, "published by" its delegation's label.
    let published_by = match authority.check(head, entry.body()) {
        Ok(Signer::Staff { label, .. }) => Some(label.unwrap_or_else(|| head.signer.to_string())),
        _ => None,
    };
    let Some(draft) = entry.draft() else {
        return Err(Failure::new(messages.with("not-found", &[("id", &id)])));
    };
    if args.json {
        let wire: Value = serde_json::from_slice(entry.bytes()).unwrap_or(Value::Null);
        return output::json(&json!({
            "id": id.to_string(),
            "kind": head.kind,
            "signer": head.signer.to_string(),
            "city": head.city.to_string(),
            "city_name": city_name,
            "published_by": published_by,
            "created": format_utc(head.created),
            "received": format_utc(stored.received_ms),
            "verified": true,
            "revises": head.revises,
            "entry": wire,
        }));
    }
    let lang = reading_lang(messages);
    output::line(output::pick(draft.title(), lang, draft.lang()));
    output::line("");
    let city = match &city_name {
        Some(name) => format!("{name} ({})", head.city),
        None => head.city.to_string(),
    };
    let signer = match &published_by {
        Some(label) => format!("{label} ({})", head.signer),
        None => head.signer.to_string(),
    };
    let rows = [
        (messages.get("col-id"), id.to_string()),
        (messages.get("col-kind"), head.kind.clone()),
        (messages.get("col-city"), city),
        (messages.get("col-signer"), signer),
        (messages.get("col-created"), format_utc(head.created)),
        (
            messages.get("col-signature"),
            messages.get("signature-verified"),
        ),
    ];
    for (label, value) in rows {
        output::line(&format!("{label:<12} {value}"));
    }
    output::line("");
    match toml::to_string_pretty(draft.value()) {
        Ok(text) => output::line(&text),
        Err(_) => output::json(draft.value())?,
    }
    Ok(())
}
