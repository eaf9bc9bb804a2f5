//! `audacities status` and `audacities peers`: what the running node of this home says about
//! itself and its peers.

use std::path::PathBuf;

use audacities_node::node::PeerStatus;

use crate::client::Client;
use crate::commands::home_dir;
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    json: bool,
}

/// The home's running node, or a failure saying how to start one.
pub fn running_node(messages: &Messages, home: Option<PathBuf>) -> Result<Client, Failure> {
    let dir = home_dir(messages, home)?;
    Client::find(&dir).ok_or_else(|| {
        Failure::new(messages.with("no-node", &[("dir", &dir.display())]))
            .hint(messages.get("hint-run"))
    })
}

pub fn status(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let client = running_node(messages, home)?;
    let status = client
        .status()
        .map_err(|e| Failure::because(messages, "node-failed", e))?;
    if args.json {
        return output::json(&status);
    }
    let mut table = output::table(vec![String::new(), String::new()]);
    let placeholder = if status.city.placeholder {
        format!(" ({})", messages.get("to-be-set"))
    } else {
        String::new()
    };
    table.add_row(vec![
        messages.get("status-city"),
        format!("{}{placeholder}\n{}", status.city.name, status.city.key),
    ]);
    table.add_row(vec![messages.get("status-peer-id"), status.peer_id.clone()]);
    table.add_row(vec![
        messages.get("status-listen"),
        status.listen.join("\n"),
    ]);
    table.add_row(vec![messages.get("status-api"), status.api.clone()]);
    table.add_row(vec![
        messages.get("status-commons"),
        format!("{} ({:?})", status.commons, status.trust).to_lowercase(),
    ]);
    table.add_row(vec![
        messages.get("status-entries"),
        status.entries.to_string(),
    ]);
    table.add_row(vec![
        messages.get("status-fingerprint"),
        status.fingerprint.clone(),
    ]);
    table.add_row(vec![
        messages.get("status-peers"),
        status.peers.len().to_string(),
    ]);
    let refused: Vec<String> = status
        .refused
        .iter()
        .map(|(reason, n)| format!("{n} {}", messages.get(&format!("refused-{reason}"))))
        .collect();
    table.add_row(vec![
        messages.get("status-refused"),
        if refused.is_empty() {
            "0".to_owned()
        } else {
            refused.join("\n")
        },
    ]);
    println!("{table}");
    for warning in &status.warnings {
        output::line(&format!("⚠ {warning}"));
    }
    Ok(())
}

pub fn peers(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let client = running_node(messages, home)?;
    let peers = client
        .peers()
        .map_err(|e| Failure::because(messages, "node-failed", e))?;
    if args.json {
        return output::json(&peers);
    }
    if peers.is_empty() {
        output::line(&messages.get("no-peers"));
        return Ok(());
    }
    let mut table = output::table(vec![
        messages.get("col-peer"),
        messages.get("col-city"),
        messages.get("col-address"),
        messages.get("col-last-sync"),
    ]);
    for PeerStatus {
        peer_id,
        address,
        city,
        last_sync_ms,
        relayed,
        ..
    } in &peers
    {
        let via = if *relayed {
            format!(" ({})", messages.get("relayed"))
        } else {
            String::new()
        };
        table.add_row(vec![
            peer_id.clone(),
            city.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            format!("{address}{via}"),
            last_sync_ms.map(output::short_time).unwrap_or_default(),
        ]);
    }
    println!("{table}");
    Ok(())
}
