//! `audacities history ID`: every version of the document an entry belongs to, oldest first,
//! which one every node shows, and whether concurrent versions are in conflict.

use std::path::PathBuf;

use audacities_node::time::format_utc;
use serde_json::json;

use crate::commands::{document_history, open_home};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Any version's id, or a unique prefix (≥ 8 characters). — Une version, ou un préfixe.
    id: String,
    /// Print {"doc", "current", "conflict", "versions": [{"id", "created", "signer", "prev", "head"}]}.
    #[arg(long)]
    json: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let home = open_home(messages, home)?;
    let history = document_history(messages, &home, &args.id)?;
    if args.json {
        let versions: Vec<_> = history
            .versions
            .iter()
            .map(|v| {
                json!({
                    "id": v.id.to_string(), "created": format_utc(v.created_ms),
                    "signer": v.signer.to_string(),
                    "prev": v.prev.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "head": v.head,
                })
            })
            .collect();
        return output::json(&json!({
            "doc": history.doc.to_string(),
            "current": history.current.to_string(),
            "conflict": history.conflict,
            "versions": versions,
        }));
    }
    output::line(&messages.with("history-title", &[("doc", &history.doc)]));
    for v in &history.versions {
        let mark = if v.id == history.current {
            format!("  ({})", messages.get("history-current"))
        } else if v.head {
            format!("  ({})", messages.get("history-head"))
        } else {
            String::new()
        };
        output::line(&format!("  {}  {}{mark}", v.id, format_utc(v.created_ms)));
    }
    if history.conflict {
        let heads = history.versions.iter().filter(|v| v.head).count();
        output::line(&messages.with("history-conflict", &[("n", &heads)]));
    }
    Ok(())
}
