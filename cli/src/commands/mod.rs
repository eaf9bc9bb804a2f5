//! One file per command. Each has its clap `Args` and a `run` that returns a [`Failure`].

pub mod city;
pub mod completions;
pub mod demo;
pub mod endorse;
pub mod export;
pub mod history;
pub mod id;
pub mod import;
pub mod init;
pub mod key;
pub mod list;
pub mod publish;
pub mod retract;
pub mod run;
pub mod schema;
pub mod search;
pub mod show;
pub mod status;
pub mod translate;
pub mod trust;
pub mod verify;

use std::path::PathBuf;

use audacities_node::ingest::{self, Report, Verdict};
use audacities_node::store::versions::History;
use audacities_node::{Home, HomeError};
use audacities_protocol::authority::BodyKind;
use audacities_protocol::{Body, Entry, Id};

use crate::client::Client;

use crate::failure::Failure;
use crate::i18n::{Lang, Messages};

/// The home folder: `--home`, else `AUDACITIES_HOME`, else the platform's data folder.
pub fn home_dir(messages: &Messages, home: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(home) = home {
        return Ok(home);
    }
    directories::ProjectDirs::from("org", "AudaCities", "audacities")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            Failure::new(messages.get("no-home-dir")).hint(messages.get("hint-pass-home"))
        })
}

/// Opens the home, explaining what to do when there is none.
pub fn open_home(messages: &Messages, home: Option<PathBuf>) -> Result<Home, Failure> {
    let dir = home_dir(messages, home)?;
    Home::open(&dir).map_err(|e| home_failure(messages, e))
}

/// A home error with the next step to take.
pub fn home_failure(messages: &Messages, error: HomeError) -> Failure {
    let hint = match &error {
        HomeError::NotInitialised { .. } => Some(messages.get("hint-init")),
        HomeError::AlreadyInitialised { .. } => Some(messages.get("hint-already-init")),
        HomeError::KeyPermissions { path, .. } => {
            Some(messages.with("hint-chmod", &[("path", &path.display())]))
        }
        HomeError::Store(audacities_node::store::StoreError::DiskFull { .. }) => {
            Some(messages.get("hint-disk-full"))
        }
        _ => None,
    };
    let failure = Failure::because(messages, "home-failed", &error);
    match hint {
        Some(hint) => failure.hint(hint),
        None => failure,
    }
}

/// A store error with the next step to take.
pub fn store_failure(messages: &Messages, error: audacities_node::store::StoreError) -> Failure {
    let failure = Failure::because(messages, "store-failed", &error);
    match error {
        audacities_node::store::StoreError::DiskFull { .. } => {
            failure.hint(messages.get("hint-disk-full"))
        }
        _ => failure.hint(messages.get("hint-verify")),
    }
}

/// The content language people of this UI language prefer to read.
pub fn reading_lang(messages: &Messages) -> &'static str {
    match messages.lang() {
        Lang::En => "en",
        Lang::Fr => "fr",
    }
}

/// Stores signed lines through the running node when there is one (it stores them and
/// announces them on gossip at once), else through this home's store.
pub fn submit(messages: &Messages, home: &Home, lines: Vec<Vec<u8>>) -> Result<Report, Failure> {
    let lines = lines.into_iter().map(Ok);
    match Client::find(home.dir()) {
        Some(node) => node
            .ingest(lines)
            .map_err(|e| Failure::because(messages, "node-failed", e)),
        None => {
            // The home's own city: every policy allows it.
            let policy = home.policy().map_err(|e| store_failure(messages, e))?;
            let report = ingest::ingest(home.store(), &policy, lines)
                .map_err(|e| store_failure(messages, e.source))?;
            home.store()
                .finish_indexing()
                .map_err(|e| store_failure(messages, e))?;
            Ok(report)
        }
    }
}

/// Signs a body with this home's key for its city, after checking — as every node will — that
/// the key may speak for the city with this kind now (a staff key outside its delegation is
/// refused here, before anything is signed).
pub fn sign(
    messages: &Messages,
    home: &Home,
    body: Body,
    created: u64,
    revises: Option<audacities_protocol::Revises>,
) -> Result<Entry, Failure> {
    let what: BodyKind = body.body_kind();
    let authority = home
        .store()
        .authority(home.city())
        .map_err(|e| store_failure(messages, e))?;
    if let Err(why) = authority.check_signer(&home.signing_key().public(), created, what) {
        let reason = crate::reasons::entry_error(messages, &why.into());
        let hint = if home.is_staff() {
            messages.get("hint-staff-delegation")
        } else {
            messages.get("hint-verify")
        };
        return Err(Failure::new(reason).hint(hint));
    }
    Entry::sign_for(body, home.signing_key(), home.city(), created, revises).map_err(|e| {
        Failure::new(crate::reasons::entry_error(messages, &e)).hint(messages.get("hint-verify"))
    })
}

/// Signs and stores one act, and says what became of it: its id, or why it was refused.
pub fn publish_act(
    messages: &Messages,
    home: &Home,
    act: audacities_protocol::Act,
) -> Result<Id, Failure> {
    let entry = sign(
        messages,
        home,
        Body::Act(act),
        audacities_node::time::now_ms(),
        None,
    )?;
    let report = submit(messages, home, vec![entry.bytes().to_vec()])?;
    match report.verdicts.first() {
        Some(Verdict::Accepted(id) | Verdict::Duplicate(id)) => Ok(*id),
        Some(Verdict::Rejected(why)) => {
            Err(Failure::new(crate::reasons::entry_error(messages, why))
                .hint(messages.get("hint-verify")))
        }
        Some(Verdict::Untrusted { city, .. }) => Err(Failure::new(
            messages.with("reason-untrusted", &[("city", city)]),
        )),
        None => Err(Failure::new(messages.get("node-failed"))),
    }
}

/// An id or unique prefix (≥ 8 characters) of a stored entry, resolved.
pub fn resolve(messages: &Messages, home: &Home, text: &str) -> Result<Id, Failure> {
    let prefix: audacities_protocol::id::Prefix = text.parse().map_err(|e| {
        Failure::because(messages, "bad-id", e).hint(messages.get("hint-id-prefix"))
    })?;
    home.store().resolve(&prefix).map_err(|e| {
        let hint = messages.get("hint-list");
        store_failure(messages, e).hint(hint)
    })
}

/// The entry `text` names (an id or unique prefix), resolved, with the versions of its
/// document; `None` for an entry that is not a version of a document (an act).
pub fn history_of(
    messages: &Messages,
    home: &Home,
    text: &str,
) -> Result<(Id, Option<History>), Failure> {
    let id = resolve(messages, home, text)?;
    let history = home
        .store()
        .history(id)
        .map_err(|e| store_failure(messages, e))?;
    Ok((id, history))
}

/// [`history_of`] for commands that need a document: anything else is "not found".
pub fn document_history(messages: &Messages, home: &Home, text: &str) -> Result<History, Failure> {
    let (id, history) = history_of(messages, home, text)?;
    history.ok_or_else(|| Failure::new(messages.with("not-found", &[("id", &id)])))
}

/// What a new version of the entry `text` names: its document, and every current head (so
/// that a new version also settles a conflict between concurrent revisions).
pub fn revises(
    messages: &Messages,
    home: &Home,
    text: &str,
) -> Result<audacities_protocol::Revises, Failure> {
    Ok(document_history(messages, home, text)?.next_revises())
}
