//! The local API's token: a random secret in `<home>/api-token` (mode 0600), created on the
//! node's first run. Every write to the API must carry it (`Authorization: Bearer …`); the CLI
//! reads it from the home, as kubo and Syncthing do with their API keys.

use std::io::Write;
use std::path::Path;

use crate::node::NodeError;

/// The token file's name inside a home.
pub const FILE: &str = "api-token";

/// Reads the home's token, creating it first if there is none.
pub fn ensure(home: &Path) -> Result<String, NodeError> {
    let path = home.join(FILE);
    let io = |source| NodeError::Io {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_owned()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| io(std::io::Error::other(e.to_string())))?;
    let token = hex::encode(secret);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path).map_err(io)?;
    file.write_all(token.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(token)
}

/// Reads the home's token, if the node created one.
pub fn read(home: &Path) -> Option<String> {
    let text = std::fs::read_to_string(home.join(FILE)).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}
