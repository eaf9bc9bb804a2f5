//! A node's home: one folder holding everything a city node has.
//!
//! ```text
//! <home>/config.toml      commented configuration (no secrets)
//! <home>/keys/city.key    the city's ed25519 seed, 32 raw bytes, mode 0600, never printed
//! <home>/keys/staff.key   instead of city.key in a staff home (`init --staff-of CITYKEY`)
//! <home>/keys/node.key    this node's libp2p identity: an ed25519 secret, 32 raw bytes, 0600
//! <home>/commons.db       the SQLite commons (WAL mode), read by local tools through its views
//! ```
//!
//! Two keys, on purpose: the city key speaks for the city and signs its entries (partners put
//! it on their trust lists); the node key only names this machine on the network (its peer id,
//! which partners dial). A city can move its node to a new machine, or run two, without its
//! entries changing signer; and a stolen node key cannot sign anything for the city. Homes made
//! before the node key existed get one the first time they are opened.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use audacities_protocol::{PublicKey, SecretKey};
use libp2p::PeerId;
use libp2p::identity::Keypair;

use crate::config::{self, Config, ConfigError};
use crate::store::{Store, StoreError};
use crate::trust::Policy;

/// The city key's path inside a home.
pub const CITY_KEY: &str = "keys/city.key";
/// A staff home's own key (`init --staff-of`): it signs for the city through a delegation.
pub const STAFF_KEY: &str = "keys/staff.key";
/// The node key's path inside a home.
pub const NODE_KEY: &str = "keys/node.key";
/// The database's file name inside a home.
pub const DATABASE: &str = "commons.db";

/// Why a home could not be created or opened. Each variant names the path.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("{dir}: no AudaCities home here (no {CITY_KEY} or {STAFF_KEY})")]
    NotInitialised { dir: PathBuf },
    #[error("{dir}: a staff home ({STAFF_KEY}) must name its city in config.toml ([city] key)")]
    StaffWithoutCity { dir: PathBuf },
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

/// An opened home: its configuration, city key, node key and store.
pub struct Home {
    dir: PathBuf,
    config: Config,
    key: SecretKey,
    peer: Keypair,
    store: Store,
}

impl Home {
    /// Creates a home at `dir` (and `dir` itself if needed): a new city key and node key (mode
    /// 0600), a commented config and the database. Never overwrites an existing key.
    pub fn init(dir: &Path, city: &str, country: &str) -> Result<Self, HomeError> {
        Self::create(dir, CITY_KEY, &config::commented_file(city, country))
    }

    /// Creates a staff home at `dir`: its own key (`keys/staff.key`, mode 0600), a node key,
    /// a config naming `city`, and the database. It publishes for the city once it holds a
    /// delegation from it (`key delegate` in the city's home, then sync or import).
    pub fn init_staff(dir: &Path, city: PublicKey) -> Result<Self, HomeError> {
        let config = config::commented_file_for(config::PLACEHOLDER_CITY, "", Some(&city));
        Self::create(dir, STAFF_KEY, &config)
    }

    /// A new home whose signing key is `key_file` (a city's or a staff member's), with `config`
    /// unless the folder already has one. Refuses a folder that holds either key.
    fn create(dir: &Path, key_file: &str, config: &str) -> Result<Self, HomeError> {
        if dir.join(CITY_KEY).exists() || dir.join(STAFF_KEY).exists() {
            return Err(HomeError::AlreadyInitialised {
                dir: dir.to_path_buf(),
            });
        }
        create_dir(dir)?;
        create_dir(&dir.join("keys"))?;
        write_new_private(&dir.join(key_file), &random_seed()?)?;
        let config_path = dir.join(config::FILE_NAME);
        if !config_path.exists() {
            fs::write(&config_path, config).map_err(|source| HomeError::Io {
                path: config_path.clone(),
                source,
            })?;
        }
        // Opening creates the node key (keys/node.key).
        Self::open(dir)
    }

    /// Opens an existing home, creating its node key if it has none yet.
    pub fn open(dir: &Path) -> Result<Self, HomeError> {
        let staff_path = dir.join(STAFF_KEY);
        let key_path = if staff_path.exists() {
            staff_path
        } else {
            dir.join(CITY_KEY)
        };
        let key = read_key(&key_path).map_err(|e| match e {
            HomeError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                HomeError::NotInitialised {
                    dir: dir.to_path_buf(),
                }
            }
            other => other,
        })?;
        let peer = node_key(&dir.join(NODE_KEY))?;
        let config = Config::load(dir)?;
        if dir.join(STAFF_KEY).exists() && config.city.key.is_none() {
            return Err(HomeError::StaffWithoutCity {
                dir: dir.to_path_buf(),
            });
        }
        let store = Store::open(&dir.join(DATABASE))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            config,
            key,
            peer,
            store,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The city's public key, as other cities know it: the city's first key, which names it
    /// even after it rotates; for a staff home, the city it works for.
    pub fn city(&self) -> PublicKey {
        self.config.city.key.unwrap_or_else(|| self.key.public())
    }

    /// Whether this is a staff home: its key signs for the city through a delegation.
    pub fn is_staff(&self) -> bool {
        self.dir.join(STAFF_KEY).exists()
    }

    /// The key that signs this home's entries.
    pub fn signing_key(&self) -> &SecretKey {
        &self.key
    }

    /// This node's libp2p identity (from `keys/node.key`), for the swarm. Not the city key.
    pub fn peer_keypair(&self) -> Keypair {
        self.peer.clone()
    }

    /// This node's peer id, as other nodes dial it (`/p2p/12D3Koo…`).
    pub fn peer_id(&self) -> PeerId {
        self.peer.public().to_peer_id()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The trust policy of this home's config (`trust`), its city and the store's trust list.
    pub fn policy(&self) -> Result<Policy, StoreError> {
        Policy::load_vouched(
            self.config.trust,
            self.config.vouches,
            self.city(),
            &self.store,
        )
    }

    /// After `key rotate` stored the rotation act: makes `new` the home's signing key
    /// (`keys/city.key`, replaced atomically; the old key is kept beside it as
    /// `keys/city.key.retired-<ms>`, mode 0600) and records the city's first key in config.toml
    /// (`[city] key`), which keeps naming the city. A running node keeps its old key in
    /// memory until restarted.
    pub fn replace_city_key(&self, new: &SecretKey, now_ms: u64) -> Result<(), HomeError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| HomeError::Io { path, source }
        };
        let current = self.dir.join(CITY_KEY);
        let retired = self.dir.join(format!("{CITY_KEY}.retired-{now_ms}"));
        let staged = self.dir.join(format!("{CITY_KEY}.new"));
        let _ = fs::remove_file(&staged);
        write_new_private(&staged, &new.to_bytes())?;
        fs::copy(&current, &retired).map_err(io(&retired))?;
        fs::rename(&staged, &current).map_err(io(&current))?;
        if self.config.city.key.is_none() {
            let path = self.dir.join(config::FILE_NAME);
            let text = fs::read_to_string(&path).unwrap_or_default();
            let line = format!(
                "# The city's first key, which names it after `key rotate`. / La première clé de la ville.\nkey = \"{}\"",
                self.city()
            );
            let text = match text.find("\n[city]\n") {
                Some(at) => {
                    let end = at + "\n[city]\n".len();
                    format!("{}{line}\n{}", &text[..end], &text[end..])
                }
                None if text.starts_with("[city]\n") => format!("[city]\n{line}\n{}", &text[7..]),
                None => format!("{text}\n[city]\n{line}\n"),
            };
            fs::write(&path, text).map_err(io(&path))?;
        }
        Ok(())
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

/// 32 bytes from the operating system's randomness, for a new key.
pub fn random_seed() -> Result<[u8; 32], HomeError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| HomeError::Random(e.to_string()))?;
    Ok(seed)
}

/// Reads the node key, creating it first if the home predates it.
fn node_key(path: &Path) -> Result<Keypair, HomeError> {
    if !path.exists() {
        match write_new_private(path, &random_seed()?) {
            Ok(()) => tracing::info!("created the node key {}", path.display()),
            // Another process opening the same home created it first: read theirs.
            Err(HomeError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    let mut secret = read_seed(path)?;
    // Takes the bytes and zeroes them; only a wrong length fails, and the length was checked.
    Keypair::ed25519_from_bytes(&mut secret).map_err(|_| HomeError::KeyFile {
        path: path.to_path_buf(),
        len: 32,
    })
}

fn read_key(path: &Path) -> Result<SecretKey, HomeError> {
    read_seed(path).map(SecretKey::from_bytes)
}

/// The 32 bytes of a key file, refusing one that others may read.
fn read_seed(path: &Path) -> Result<[u8; 32], HomeError> {
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
    Ok(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_creates_a_private_node_key_whose_peer_id_is_stable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("home");
        let home = Home::init(&path, "Lyon", "FR").unwrap();
        let peer_id = home.peer_id();
        assert_eq!(home.peer_keypair().public().to_peer_id(), peer_id);
        let bytes = fs::read(path.join(NODE_KEY)).unwrap();
        assert_eq!(bytes.len(), 32);
        assert_ne!(
            bytes.as_slice(),
            home.signing_key().to_bytes().as_slice(),
            "two keys"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(path.join(NODE_KEY))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        drop(home);
        assert_eq!(Home::open(&path).unwrap().peer_id(), peer_id);
    }

    #[test]
    fn a_home_made_before_the_node_key_gets_one_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("home");
        let city = Home::init(&path, "Lyon", "FR").unwrap().city();
        fs::remove_file(path.join(NODE_KEY)).unwrap();
        let home = Home::open(&path).unwrap();
        assert_eq!(home.city(), city, "the city key is untouched");
        assert!(path.join(NODE_KEY).exists());
        let peer_id = home.peer_id();
        drop(home);
        assert_eq!(Home::open(&path).unwrap().peer_id(), peer_id);
    }

    #[cfg(unix)]
    #[test]
    fn a_node_key_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("home");
        drop(Home::init(&path, "Lyon", "FR").unwrap());
        fs::set_permissions(path.join(NODE_KEY), fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            Home::open(&path),
            Err(HomeError::KeyPermissions { .. })
        ));
    }
}
