//! Checkpoints on a thread of their own while a bulk write lasts.
//!
//! In WAL mode every commit appends the pages it changed to the write-ahead log, and a
//! *checkpoint* later copies them into the database file and syncs it. SQLite runs one after
//! any commit that leaves the log over `wal_autocheckpoint` pages, on the connection that
//! committed: during an import, on the store thread, which every entry waits for (SQLite has one
//! writer). A checkpoint does not need the writer: another connection to the same file may copy
//! every committed frame while the writer goes on (`PRAGMA wal_checkpoint(PASSIVE)`, which never
//! waits for anyone).
//!
//! So, while a bulk write lasts, a [`Checkpointer`] thread with its own connection checkpoints
//! every [`PAUSE`], and the writer's own automatic checkpoint waits for [`BACKSTOP`] pages.
//! The backstop is still needed: the log only starts again from its beginning when a write
//! transaction begins with every frame copied, which the thread alone never sees while the
//! writer commits batch after batch; the writer's checkpoint at the backstop finds all but its
//! last batch already copied, and lets the log restart. When the bulk write ends the thread
//! stops and the everyday setting is back.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::schema::BUSY_TIMEOUT;

/// The thread's name (shown by `top -H`, debuggers, panics).
pub(crate) const THREAD_NAME: &str = "audacities-checkpoint";

/// How long the thread waits between two checkpoints (one with nothing to copy costs a few
/// microseconds).
pub(crate) const PAUSE: Duration = Duration::from_millis(10);

/// The writer's `wal_autocheckpoint` while the thread runs, in pages (16 KiB each: 256 MiB of
/// log at most, about six batches of an import: the log peaked at 297 MiB while importing
/// 100,000 entries, docs/benchmarks.md).
pub(crate) const BACKSTOP: u32 = 16_384;

/// SQLite's default `wal_autocheckpoint`, in pages, restored when the bulk write ends.
pub(crate) const EVERYDAY: u32 = 1_000;

/// The checkpointing thread. Dropping it stops the thread after one last checkpoint, and waits
/// for it.
pub(crate) struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Opens a second connection to `path` and starts checkpointing from it. `None` (with a
    /// warning) when that cannot be done: the writer then checkpoints as every day, only
    /// slower.
    pub(crate) fn start(path: &Path) -> Option<Checkpointer> {
        match Self::try_start(path) {
            Ok(started) => Some(started),
            Err(e) => {
                tracing::warn!(
                    "checkpoints of {} stay on the writer's thread: {e}",
                    path.display()
                );
                None
            }
        }
    }

    fn try_start(path: &Path) -> Result<Checkpointer, String> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| e.to_string())?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| e.to_string())?;
        // The syncs of a checkpoint follow the checkpointing connection's setting: the same as
        // the writer's, so that a checkpoint from here is as durable as one from there.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| e.to_string())?;
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.to_owned())
            .spawn(move || run(&conn, &stopped))
            .map_err(|e| e.to_string())?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Closing the channel is the signal to stop.
        self.stop.take();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::warn!("the checkpoint thread panicked");
        }
    }
}

fn run(conn: &Connection, stopped: &mpsc::Receiver<()>) {
    let mut failing = false;
    loop {
        let last = match stopped.recv_timeout(PAUSE) {
            Err(RecvTimeoutError::Timeout) => false,
            // Stopped: one last checkpoint copies what the last commits wrote, as the writer's
            // own would have, so that its next write can start the log again.
            Ok(()) | Err(RecvTimeoutError::Disconnected) => true,
        };
        // Returns (busy, frames in the log, frames copied); busy only when another checkpoint
        // held the lock, which is as good.
        let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(0));
        match done {
            Ok(_) => failing = false,
            Err(e) => {
                // The writer's backstop still bounds the log; say it once, not every pause.
                if !failing {
                    let file = conn.path().unwrap_or_default();
                    tracing::warn!("checkpoint of {file} failed: {e}");
                }
                failing = true;
            }
        }
        if last {
            break;
        }
    }
}
