//! `audacities demo`: the whole local flow in one command — a temporary home, the embedded
//! example drafts published, listed and found by search in French and English.

use audacities_node::Home;

use crate::commands::{home_failure, list, publish, search};
use crate::examples::EXAMPLES;
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Keep the temporary home and print its path, to explore it afterwards.
    /// — Garder le dossier temporaire pour l'explorer ensuite.
    #[arg(long)]
    keep: bool,
}

/// Searches the demo runs: one in French, one in English, both without accents.
const QUERIES: [&str; 2] = ["deliberations", "seoul"];

pub fn run(messages: &Messages, args: Args) -> Result<(), Failure> {
    let temp = tempfile::Builder::new()
        .prefix("audacities-demo-")
        .tempdir()
        .map_err(|e| Failure::because(messages, "home-failed", e))?;
    let dir = temp.path().join("home");
    Home::init(&dir, "Démo / Demo", "FR").map_err(|e| home_failure(messages, e))?;

    let drafts = temp.path().join("examples");
    std::fs::create_dir_all(&drafts).map_err(|e| Failure::because(messages, "home-failed", e))?;
    let mut files = Vec::new();
    for (name, text) in EXAMPLES {
        let path = drafts.join(name);
        std::fs::write(&path, text).map_err(|e| Failure::because(messages, "home-failed", e))?;
        files.push(path);
    }

    output::line(&messages.with("demo-home", &[("dir", &dir.display())]));
    output::line("");
    output::line(&format!(
        "$ audacities publish examples/*  ({})",
        files.len()
    ));
    publish::run(messages, Some(dir.clone()), publish::Args::files(files))?;
    output::line("");
    output::line("$ audacities list");
    list::run(messages, Some(dir.clone()), list::Args::all())?;
    for query in QUERIES {
        output::line("");
        output::line(&format!("$ audacities search {query}"));
        search::run(messages, Some(dir.clone()), search::Args::query(query))?;
    }
    output::line("");
    if args.keep {
        let kept = temp.keep();
        output::line(&messages.with("demo-kept", &[("dir", &kept.join("home").display())]));
    } else {
        output::line(&messages.get("demo-removed"));
    }
    Ok(())
}
