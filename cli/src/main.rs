//! `audacities`: the command line of an AudaCities commons node. Thin: it parses arguments,
//! calls `audacities-node` and `audacities-protocol`, and prints tables or `--json`.

mod client;
mod commands;
mod examples;
mod failure;
mod i18n;
mod output;
mod reasons;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::i18n::Messages;

/// mimalloc instead of the system allocator: decoding entries allocates many small strings and
/// maps, and under glibc's malloc that was a sixth of an import's CPU (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// AudaCities commons: publish and share signed civic entries between cities.
/// — Communs AudaCities : publier et partager des fiches civiques signées entre villes.
#[derive(Parser)]
#[command(name = "audacities", version, propagate_version = true)]
struct Cli {
    /// The node's home folder [default: the platform's data folder]. — Dossier du nœud.
    #[arg(long, global = true, env = "AUDACITIES_HOME", value_name = "DIR")]
    home: Option<PathBuf>,

    /// Language of messages: en or fr (before the command) [default: from LANG].
    /// — Langue des messages : en ou fr (avant la commande).
    #[arg(long = "lang", env = "AUDACITIES_LANG", value_name = "LANG")]
    ui_lang: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a home: city key, configuration, database. — Créer un dossier de nœud.
    Init(commands::init::Args),
    /// Publish the examples in a temporary home and show them. — Démonstration.
    Demo(commands::demo::Args),
    /// Validate, sign and store drafts (TOML, JSON, Markdown; - for stdin). — Publier.
    Publish(commands::publish::Args),
    /// List stored entries, newest first. — Lister les entrées.
    List(commands::list::Args),
    /// Show one entry by id or unique prefix (≥ 8 characters). — Afficher une entrée.
    Show(commands::show::Args),
    /// Endorse another city's document, or say it was adopted. — Soutenir ou adopter.
    Endorse(commands::endorse::Args),
    /// Add a language to an entry, signed by this city. — Traduire une entrée.
    Translate(commands::translate::Args),
    /// Withdraw a document: every node erases it and confirms. — Retirer un document.
    Retract(commands::retract::Args),
    /// The versions of a document, and which one is shown. — Les versions d'un document.
    History(commands::history::Args),
    /// Full-text search, ranked, accent- and case-insensitive. — Recherche plein texte.
    Search(commands::search::Args),
    /// Write every entry to a bundle file (one signed entry per line). — Exporter.
    Export(commands::export::Args),
    /// Verify and store the entries of a bundle file. — Importer un paquet.
    Import(commands::import::Args),
    /// Re-verify every stored entry and check the database. — Vérifier.
    Verify(commands::verify::Args),
    /// Print the JSON Schema of a kind's draft. — Schéma JSON d'un type.
    Schema(commands::schema::Args),
    /// This home's city key and peer id, to share with partners. — Identité du nœud.
    Id(commands::id::Args),
    /// The cities this node stores and relays: add, remove, list. — Villes de confiance.
    Trust(commands::trust::Args),
    /// Staff keys and the city key: delegate, revoke, rotate, list. — Clés et délégations.
    Key(commands::key::Args),
    /// The city's signed profile: set, show. — Le profil de la ville.
    City(commands::city::Args),
    /// Print shell completions. — Complétions pour le shell.
    Completions(commands::completions::Args),
    /// Run the city node: network, sync, local API (Ctrl-C to stop). — Lancer le nœud.
    Run(commands::run::Args),
    /// What the running node says about itself. — État du nœud en marche.
    Status(commands::status::Args),
    /// The running node's peers. — Les pairs du nœud en marche.
    Peers(commands::status::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli
        .ui_lang
        .as_deref()
        .and_then(i18n::parse_lang)
        .unwrap_or_else(i18n::lang_from_env);
    let messages = Messages::new(lang);
    init_logs(if matches!(cli.command, Command::Run(_)) {
        // A node's log is its account of what it does: on by default.
        "warn,audacities=info,audacities_node=info"
    } else {
        "off"
    });
    let home = cli.home.clone();
    let result = match cli.command {
        Command::Init(args) => commands::init::run(&messages, home, args),
        Command::Demo(args) => commands::demo::run(&messages, args),
        Command::Publish(args) => commands::publish::run(&messages, home, args),
        Command::List(args) => commands::list::run(&messages, home, args),
        Command::Show(args) => commands::show::run(&messages, home, args),
        Command::Search(args) => commands::search::run(&messages, home, args),
        Command::History(args) => commands::history::run(&messages, home, args),
        Command::Retract(args) => commands::retract::run(&messages, home, args),
        Command::Endorse(args) => commands::endorse::run(&messages, home, args),
        Command::Translate(args) => commands::translate::run(&messages, home, args),
        Command::Export(args) => commands::export::run(&messages, home, args),
        Command::Import(args) => commands::import::run(&messages, home, args),
        Command::Verify(args) => commands::verify::run(&messages, home, args),
        Command::Schema(args) => commands::schema::run(&messages, args),
        Command::Id(args) => commands::id::run(&messages, home, args),
        Command::Trust(args) => commands::trust::run(&messages, home, args),
        Command::Key(args) => commands::key::run(&messages, home, args),
        Command::City(args) => commands::city::run(&messages, home, args),
        Command::Completions(args) => commands::completions::run::<Cli>(args),
        Command::Run(args) => commands::run::run(&messages, home, args),
        Command::Status(args) => commands::status::status(&messages, home, args),
        Command::Peers(args) => commands::status::peers(&messages, home, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.print(&messages);
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr, so stdout stays clean for `--json`; `RUST_LOG` chooses what, else
/// `default` (off, except for `run`).
fn init_logs(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
