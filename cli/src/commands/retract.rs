//! `audacities retract ID --reason TEXT`: the city withdraws one of its documents. Every node
//! that takes the retraction erases the text of every version (see `store::erasure`), keeps
//! only the ids, and its city signs an erasure receipt; `show ID` then lists who confirmed.

use std::path::PathBuf;

use audacities_protocol::Act;
use audacities_protocol::act::Retraction;
use serde_json::json;

use crate::commands::{document_history, open_home, publish_act};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Any version's id, or a unique prefix (≥ 8 characters). — Une version, ou un préfixe.
    id: String,
    /// Why, for the people who find it gone. — Pourquoi, pour ceux qui ne la trouveront plus.
    #[arg(long, required = true)]
    reason: String,
    #[arg(long)]
    json: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let home = open_home(messages, home)?;
    let history = document_history(messages, &home, &args.id)?;
    let act = Act::Retraction(Retraction {
        doc: history.doc,
        reason: args.reason.clone(),
    });
    let retraction = publish_act(messages, &home, act)?;
    if args.json {
        return output::json(&json!({
            "retraction": retraction.to_string(),
            "doc": history.doc.to_string(),
            "versions": history.versions.len(),
        }));
    }
    output::line(&messages.with(
        "retracted",
        &[("doc", &history.doc), ("n", &history.versions.len())],
    ));
    output::line(&messages.with("act-id", &[("id", &retraction)]));
    Ok(())
}
