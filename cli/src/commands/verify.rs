//! `audacities verify`: re-verifies every stored entry from its exact bytes and runs SQLite's
//! integrity checks.

use std::path::PathBuf;

use audacities_protocol::Entry;
use serde_json::json;

use crate::commands::{open_home, store_failure};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    json: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let home = open_home(messages, home)?;
    let store = home.store();
    let mut checked = 0u64;
    let mut bad = Vec::new();
    // The institutional acts first (a handful), then the entries, a page at a time.
    for bytes in store.acts_raw().map_err(|e| store_failure(messages, e))? {
        checked += 1;
        if let Err(e) = Entry::decode(&bytes) {
            let id = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v.get("id")?.as_str().map(str::to_owned))
                .unwrap_or_default();
            bad.push((id, crate::reasons::entry_error(messages, &e)));
        }
    }
    let mut after = None;
    loop {
        let page = store
            .raw_page(after, 1_000)
            .map_err(|e| store_failure(messages, e))?;
        let Some((last, _)) = page.last() else { break };
        after = Some(*last);
        for (id, bytes) in &page {
            checked += 1;
            match Entry::decode(bytes) {
                Ok(entry) if entry.id() == *id => {}
                Ok(entry) => bad.push((
                    id.to_string(),
                    format!("stored under {id} but its id is {}", entry.id()),
                )),
                Err(e) => bad.push((id.to_string(), crate::reasons::entry_error(messages, &e))),
            }
        }
    }
    let integrity = store
        .integrity_check()
        .map_err(|e| store_failure(messages, e))?;
    if args.json {
        output::json(&json!({
            "entries": checked,
            "ok": checked - bad.len() as u64,
            "bad": bad.iter().map(|(id, reason)| json!({"id": id, "reason": reason})).collect::<Vec<_>>(),
            "integrity": if integrity.is_empty() { json!("ok") } else { json!(integrity) },
        }))?;
    } else {
        for (id, reason) in &bad {
            output::line(&format!("{id}: {reason}"));
        }
        for problem in &integrity {
            output::line(&format!("integrity: {problem}"));
        }
        output::line(&messages.with("verify-summary", &[("n", &checked), ("bad", &bad.len())]));
        if integrity.is_empty() {
            output::line(&messages.get("verify-integrity-ok"));
        }
    }
    if !bad.is_empty() || !integrity.is_empty() {
        return Err(
            Failure::new(messages.get("verify-failed")).hint(messages.get("hint-verify-failed"))
        );
    }
    Ok(())
}
