//! A node's home: one folder holding everything a city node has.
//!
//! ```text
//! <home>/config.toml      commented configuration (no secrets)
//! <home>/keys/city.key    the city's ed25519 seed, 32 raw bytes, mode 0600, never printed
//! <home>/commons.db       the SQLite commons (WAL mode), read by local tools through its views
//! ```

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use audacities_protocol::{PublicKey, SecretKey};

use crate::config::{self, Config, ConfigError};
use crate::store::{Store, StoreError};

/// The city key's path inside a home.
pub const CITY_KEY: &str = "keys/city.key";
/// The database's file name inside a home.
pub const DATABASE: &str = "commons.db";

/// Why a home could not be created or opened. Each variant names the path.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("{dir}: no AudaCities home here (no {CITY_KEY})")]
    NotInitialised { dir: PathBuf },
    #[error("{dir}: already an AudaCities home; its key was kept and nothing was changed")]
    AlreadyInitialised { dir: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the key file must be readable by its owner only (mode 0600), found {mode:o}")]
    KeyPermissions { path: PathBuf, mode: u32 },
    #[error("{path}: not a key file ({len} bytes, expected 32)")]
    KeyFile { path: PathBuf, len: usize },
    #[error("could not draw random bytes for a new key: {0}")]
    Random(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An opened home: its configuration, city key and store.
pub struct Home {
    dir: PathBuf,
    config: Config,
    key: SecretKey,
    store: Store,
}

impl Home {
    /// Creates a home at `dir` (and `dir` itself if needed): a new city key (mode 0600), a
    /// commented config and the database. Never overwrites an existing key.
    pub fn init(dir: &Path, city: &str, country: &str) -> Result<Self, HomeError> {
        let key_path = dir.join(CITY_KEY);
        if key_path.exists() {
            return Err(HomeError::AlreadyInitialised {
                dir: dir.to_path_buf(),
            });
        }
        create_dir(dir)?;
        create_dir(&dir.join("keys"))?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| HomeError::Random(e.to_string()))?;
        write_new_private(&key_path, &seed)?;
        let config_path = dir.join(config::FILE_NAME);
        if !config_path.exists() {
            fs::write(&config_path, config::commented_file(city, country)).map_err(|source| {
                HomeError::Io {
                    path: config_path.clone(),
                    source,
                }
            })?;
        }
        Self::open(dir)
    }

    /// Opens an existing home.
    pub fn open(dir: &Path) -> Result<Self, HomeError> {
        let key = read_key(&dir.join(CITY_KEY)).map_err(|e| match e {
            HomeError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                HomeError::NotInitialised {
                    dir: dir.to_path_buf(),
                }
            }
            other => other,
        })?;
        let config = Config::load(dir)?;
        let store = Store::open(&dir.join(DATABASE))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            config,
            key,
            store,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The city's public key, as other cities know it.
    pub fn city(&self) -> PublicKey {
        self.key.public()
    }

    /// The key that signs this home's entries.
    pub fn signing_key(&self) -> &SecretKey {
        &self.key
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn database_path(&self) -> PathBuf {
        self.dir.join(DATABASE)
    }
}

fn create_dir(dir: &Path) -> Result<(), HomeError> {
    fs::create_dir_all(dir).map_err(|source| HomeError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// Writes a new file readable by its owner only; fails if it exists.
fn write_new_private(path: &Path, bytes: &[u8]) -> Result<(), HomeError> {
    let io = |source| HomeError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

fn read_key(path: &Path) -> Result<SecretKey, HomeError> {
    let io = |source| HomeError::Io {
        path: path.to_path_buf(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(HomeError::KeyPermissions {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    let bytes = fs::read(path).map_err(io)?;
    let seed: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| HomeError::KeyFile {
            path: path.to_path_buf(),
            len: bytes.len(),
        })?;
    Ok(SecretKey::from_bytes(seed))
}
