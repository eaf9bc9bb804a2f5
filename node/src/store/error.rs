//! The store's typed errors. Each names what was being done, so the CLI can say more than
//! "SQLite error".

use std::path::PathBuf;

use audacities_protocol::Id;
use rusqlite::ErrorCode;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Any other SQLite failure, with what the store was doing.
    #[error("SQLite error while {context}: {source}")]
    Sqlite {
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// The disk (or the file system's quota) is full. The failing transaction was rolled back:
    /// nothing of it was written.
    #[error(
        "the disk is full (while {context}); free some space and try again — nothing of the failed write was kept"
    )]
    DiskFull { context: &'static str },
    /// Another process holds a lock longer than the busy timeout (a running node while the CLI
    /// writes, for instance).
    #[error(
        "the database is locked by another process (while {context}); is a node running? Try again, or stop it first"
    )]
    Busy { context: &'static str },
    /// A write was attempted through a read-only store, or the file is not writable.
    #[error("the database is read-only (while {context})")]
    ReadOnly { context: &'static str },
    /// The file is damaged or is not a SQLite database.
    #[error(
        "the database file is damaged or is not a commons database (while {context}): {source}"
    )]
    Corrupt {
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// The file could not be opened (missing directory, permissions, …).
    #[error("cannot open the database {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// A schema migration failed (including a database written by a newer version).
    #[error("cannot bring the database schema up to date: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// A read-only open found a schema version other than this program's.
    #[error(
        "the database schema is version {found}, this program reads version {expected}; open it once read-write with the matching version of audacities (running the node does it)"
    )]
    SchemaVersion { found: usize, expected: usize },
    /// The store thread has stopped (it was closed, or could not start).
    #[error("the store is closed")]
    Closed,
    /// A store method was called from inside a job running on the store thread, which would
    /// wait for itself forever.
    #[error("a store method was called from the store thread itself (it would deadlock)")]
    Reentrant,
    /// A job panicked on the store thread; its transaction was rolled back and the thread goes on.
    #[error("a store operation failed unexpectedly (panicked); nothing of it was written")]
    Panicked,
    /// No stored entry has an id starting with this prefix.
    #[error("no entry id starts with {prefix}")]
    NotFound { prefix: String },
    /// More than one stored entry has an id starting with this prefix (up to 10 are listed).
    #[error("{prefix} is ambiguous: {} entries start with it ({}); type more characters", candidates.len(), candidates.iter().map(|id| id.to_string()[..16].to_owned()).collect::<Vec<_>>().join(", "))]
    Ambiguous { prefix: String, candidates: Vec<Id> },
    /// A stored row does not read back as what this program wrote (edited by hand, or written
    /// by another program).
    #[error("stored data is not valid ({what}): {message}")]
    Invalid { what: &'static str, message: String },
}

impl StoreError {
    /// Maps a rusqlite error, sorting the codes a caller acts on into their own variants.
    pub fn sqlite(context: &'static str, source: rusqlite::Error) -> Self {
        match source.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Self::DiskFull { context },
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                Self::Busy { context }
            }
            Some(ErrorCode::ReadOnly) => Self::ReadOnly { context },
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => {
                Self::Corrupt { context, source }
            }
            _ => Self::Sqlite { context, source },
        }
    }

    /// `map_err` helper: `.map_err(StoreError::during("reading an entry"))`.
    pub fn during(context: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |source| Self::sqlite(context, source)
    }
}

/// For jobs given to [`Store::call`](super::Store::call): `?` on a rusqlite error inside the
/// closure. Prefer [`StoreError::during`] to say what was being done.
impl From<rusqlite::Error> for StoreError {
    fn from(source: rusqlite::Error) -> Self {
        Self::sqlite("running a store job", source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_full_becomes_disk_full() {
        let source = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        assert!(matches!(
            StoreError::sqlite("inserting entries", source),
            StoreError::DiskFull {
                context: "inserting entries"
            }
        ));
    }

    #[test]
    fn errors_are_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<StoreError>();
    }
}
