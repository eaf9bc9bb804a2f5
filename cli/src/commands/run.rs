//! `audacities run`: the city node in the foreground until Ctrl-C or SIGTERM — the network
//! (libp2p), sync, gossip, and the local API. On a home that does not exist yet it creates one
//! first, as `init` would.

use std::path::PathBuf;

use audacities_node::Home;
use audacities_node::config::PLACEHOLDER_CITY;
use audacities_node::node::{Node, Overrides};

use crate::commands::{home_dir, home_failure};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// The city's name, if the home is created now. — Nom de la ville (nouveau dossier).
    #[arg(long)]
    city: Option<String>,
    /// ISO 3166-1 alpha-2 country code, if the home is created now. — Code pays.
    #[arg(long)]
    country: Option<String>,
    /// Listen on this multiaddr (repeatable) [default: TCP and QUIC on port 4410].
    /// — Adresse d'écoute (répétable).
    #[arg(long, value_name = "MULTIADDR")]
    listen: Vec<String>,
    /// Address of the local HTTP API [default: 127.0.0.1:7410]. — Adresse de l'API locale.
    #[arg(long, value_name = "ADDR")]
    api: Option<String>,
    /// Dial this peer (repeatable; `/p2p/PEER_ID` optional). — Pair à joindre (répétable).
    #[arg(long = "peer", value_name = "MULTIADDR")]
    peers: Vec<String>,
    /// Do not look for peers on the local network. — Pas de découverte sur le réseau local.
    #[arg(long)]
    no_mdns: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let dir = home_dir(messages, home)?;
    let home = if dir.join(audacities_node::home::CITY_KEY).exists() {
        Home::open(&dir)
    } else {
        let city = args
            .city
            .clone()
            .unwrap_or_else(|| PLACEHOLDER_CITY.to_owned());
        let country = args
            .country
            .clone()
            .unwrap_or_default()
            .to_ascii_uppercase();
        if !country.is_empty() && !audacities_protocol::model::is_country(&country) {
            return Err(
                Failure::new(messages.with("bad-country", &[("got", &country)]))
                    .hint(messages.get("hint-country")),
            );
        }
        let home = Home::init(&dir, &city, &country);
        if home.is_ok() {
            output::line(&messages.with("init-done", &[("dir", &dir.display())]));
        }
        home
    }
    .map_err(|e| home_failure(messages, e))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("audacities-node")
        .build()
        .map_err(|e| Failure::because(messages, "run-failed", e))?;
    let overrides = Overrides {
        listen: (!args.listen.is_empty()).then_some(args.listen),
        api: args.api,
        peers: args.peers,
        no_mdns: args.no_mdns,
    };
    runtime.block_on(async {
        let node = Node::start(&home, overrides)
            .await
            .map_err(|e| Failure::because(messages, "run-failed", e))?;
        output::line(&messages.with(
            "run-started",
            &[
                ("city", &home.config().city.name),
                ("peer", &node.peer_id()),
                ("api", &node.api_addr()),
            ],
        ));
        if home.config().has_placeholder_city() {
            output::line(&messages.get("init-placeholder"));
        }
        wait_for_signal().await;
        output::line(&messages.get("run-stopping"));
        node.stop().await;
        Ok::<(), Failure>(())
    })?;
    drop(home);
    Ok(())
}

/// Ctrl-C (SIGINT) or SIGTERM.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
