//! `audacities show ID`: one entry, found by its id or a unique prefix of ≥ 8 characters,
//! re-verified from its stored bytes, with its signer and city.

use std::path::PathBuf;

use audacities_node::store::erasure::Retracted;
use audacities_node::time::format_utc;
use audacities_protocol::Entry;
use audacities_protocol::authority::Signer;
use serde_json::{Value, json};

use crate::commands::{open_home, reading_lang, resolve, store_failure};
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
    let home = open_home(messages, home)?;
    let asked = match resolve(messages, &home, &args.id) {
        Ok(id) => id,
        // Not stored: perhaps retracted, and erased here.
        Err(failure) => match retracted(messages, &home, &args.id)? {
            Some(retracted) => return show_retracted(messages, &home, &retracted, args.json),
            None => return Err(failure),
        },
    };
    // The version every node shows for the document this entry belongs to.
    let history = home
        .store()
        .history(asked)
        .map_err(|e| store_failure(messages, e))?;
    let id = history.as_ref().map_or(asked, |h| h.current);
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
            "asked": asked.to_string(),
            "conflict": history.as_ref().is_some_and(|h| h.conflict),
            "versions": history.as_ref().map_or(1, |h| h.versions.len()),
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
    let endorsements = home
        .store()
        .endorsements(id)
        .map_err(|e| store_failure(messages, e))?;
    let names = home.store().profile_names().unwrap_or_default();
    for e in &endorsements {
        let city = names
            .iter()
            .find(|(k, _)| *k == e.city)
            .map_or_else(|| e.city.to_string(), |(_, n)| n.clone());
        let date = format_utc(e.created_ms);
        let key = if e.adopted {
            "show-adopted-by"
        } else {
            "show-endorsed-by"
        };
        output::line(&messages.with(
            key,
            &[("city", &city), ("date", &&date[..7]), ("note", &e.note)],
        ));
    }
    let translations = home
        .store()
        .translations(id)
        .map_err(|e| store_failure(messages, e))?;
    for t in &translations {
        let city = names
            .iter()
            .find(|(k, _)| *k == t.city)
            .map_or_else(|| t.city.to_string(), |(_, n)| n.clone());
        let key = if t.of == id {
            "show-translation"
        } else {
            "show-translation-stale"
        };
        output::line(&messages.with(
            key,
            &[("lang", &t.lang), ("city", &city), ("title", &t.title)],
        ));
    }
    if asked != id {
        output::line(&messages.with("show-newer", &[("current", &id), ("id", &asked)]));
    }
    if let Some(h) = history.as_ref().filter(|h| h.conflict) {
        let heads = h.versions.iter().filter(|v| v.head).count();
        output::line(&messages.with("show-conflict", &[("n", &heads), ("id", &id)]));
    }
    output::line("");
    match toml::to_string_pretty(draft.value()) {
        Ok(text) => output::line(&text),
        Err(_) => output::json(draft.value())?,
    }
    Ok(())
}

/// The retraction of the document `text` names, when it was retracted (and so erased here).
fn retracted(
    messages: &Messages,
    home: &audacities_node::Home,
    text: &str,
) -> Result<Option<Retracted>, Failure> {
    let Ok(prefix) = text.parse::<audacities_protocol::id::Prefix>() else {
        return Ok(None);
    };
    home.store()
        .retracted(&prefix)
        .map_err(|e| store_failure(messages, e))
}

/// A retracted document: by whom, when and why; to its author, which cities confirmed erasure.
fn show_retracted(
    messages: &Messages,
    home: &audacities_node::Home,
    r: &Retracted,
    json: bool,
) -> Result<(), Failure> {
    let author = r.city == home.city();
    if json {
        return output::json(&json!({
            "doc": r.doc.to_string(),
            "retracted": true,
            "city": r.city.to_string(),
            "retraction": r.retraction.to_string(),
            "reason": r.reason,
            "retracted_at": format_utc(r.retracted_ms),
            "erased_by": author.then(|| r.receipts.iter().map(|(c, t)| json!({
                "city": c.to_string(), "at": format_utc(*t),
            })).collect::<Vec<_>>()),
        }));
    }
    output::line(&messages.with(
        "show-retracted",
        &[("doc", &r.doc), ("at", &format_utc(r.retracted_ms))],
    ));
    output::line(&messages.with("show-retracted-reason", &[("reason", &r.reason)]));
    if author {
        output::line(&messages.with("show-erased-by", &[("n", &r.receipts.len())]));
        let authorities = home.store();
        for (city, at) in &r.receipts {
            let name = authorities
                .authority(*city)
                .ok()
                .and_then(|a| a.profile().map(|(_, _, p)| p.name.clone()))
                .unwrap_or_default();
            output::line(&format!("  {city}  {name}  {}", format_utc(*at)));
        }
    }
    Ok(())
}
