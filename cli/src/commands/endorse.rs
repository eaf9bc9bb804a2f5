//! `audacities endorse ID [--adopted] --note TEXT`: this city says it endorses another city's
//! document, or that it adopted the practice. Every node shows it with the document ("adopted
//! by Lyon, 2026-03") and `list --endorsed-by CITY` finds what a city endorsed.

use std::path::PathBuf;

use audacities_protocol::Act;
use audacities_protocol::act::Endorsement;
use serde_json::json;

use crate::commands::{history_of, open_home, publish_act};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Any version's id, or a unique prefix (≥ 8 characters). — Une version, ou un préfixe.
    id: String,
    /// This city adopted the practice, not only endorses it. — La ville l'a adoptée.
    #[arg(long)]
    adopted: bool,
    /// What the city says about it. — Ce que la ville en dit.
    #[arg(long, required = true)]
    note: String,
    #[arg(long)]
    json: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let home = open_home(messages, home)?;
    let (id, history) = history_of(messages, &home, &args.id)?;
    let doc = history.map_or(id, |h| h.doc);
    let act = Act::Endorsement(Endorsement {
        doc,
        adopted: args.adopted,
        note: args.note.clone(),
    });
    let act_id = publish_act(messages, &home, act)?;
    if args.json {
        return output::json(&json!({
            "id": act_id.to_string(), "doc": doc.to_string(), "adopted": args.adopted,
        }));
    }
    let what = if args.adopted { "adopted" } else { "endorsed" };
    output::line(&messages.with(what, &[("doc", &doc)]));
    output::line(&messages.with("act-id", &[("id", &act_id)]));
    Ok(())
}
