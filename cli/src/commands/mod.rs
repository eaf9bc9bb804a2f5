//! One file per command. Each has its clap `Args` and a `run` that returns a [`Failure`].

pub mod completions;
pub mod demo;
pub mod export;
pub mod id;
pub mod import;
pub mod init;
pub mod list;
pub mod publish;
pub mod run;
pub mod schema;
pub mod search;
pub mod show;
pub mod status;
pub mod trust;
pub mod verify;

use std::path::PathBuf;

use audacities_node::{Home, HomeError};

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
