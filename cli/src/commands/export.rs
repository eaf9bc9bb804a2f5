//! `audacities export FILE`: every stored entry, one signed line each, in id order.

use std::path::PathBuf;

use audacities_node::bundle;
use serde_json::json;

use crate::commands::open_home;
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// The bundle file to write (replaced atomically). — Fichier à écrire.
    file: PathBuf,
    #[arg(long)]
    json: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let home = open_home(messages, home)?;
    let count = bundle::export(home.store(), &args.file).map_err(|e| {
        Failure::because(messages, "export-failed", e).hint(messages.get("hint-path"))
    })?;
    if args.json {
        return output::json(&json!({"file": args.file, "entries": count}));
    }
    output::line(&messages.with("exported", &[("n", &count), ("file", &args.file.display())]));
    Ok(())
}
